package main

import (
	"flag"
	"fmt"
	"os"

	"sgref/shared/localrun"
)

// zipCmd writes a deployment zip holding one executable, named as the platform expects.
func zipCmd(args []string) error {
	fs := flag.NewFlagSet("zip", flag.ExitOnError)
	out := fs.String("o", "", "zip file to write")
	name := fs.String("name", "", "name of the executable inside the zip (main for FC, bootstrap for Lambda)")
	fs.Parse(args)
	if *out == "" || *name == "" || fs.NArg() != 1 {
		return fmt.Errorf("usage: local zip -o OUT.zip -name main|bootstrap BINARY")
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := localrun.Zip(f, *name, fs.Arg(0)); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	return f.Close()
}
