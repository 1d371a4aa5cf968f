# Reads `go test -bench` output and prints each benchmark's time as a ratio of the
# "base" benchmark beside it (same parent name, same run): Foo/x/base and Foo/x/sgref.
/^Benchmark/ {
	name = $1
	sub(/-[0-9]+$/, "", name)
	ns = ""
	for (i = 2; i <= NF; i++) if ($(i) == "ns/op") ns = $(i - 1)
	if (ns == "") next
	parent = name
	sub(/\/[^\/]*$/, "", parent)
	leaf = substr(name, length(parent) + 2)
	if (leaf == "base") { base[parent] = ns; next }
	if (parent in base) printf "%-50s %12.0f ns/op  %6.2fx base\n", name, ns, ns / base[parent]
}
