module sgref

go 1.24
