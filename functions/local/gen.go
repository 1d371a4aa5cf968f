package main

import (
	"bufio"
	"flag"
	"os"

	"sgref/shared/synth"
)

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	var o synth.Options
	fs.IntVar(&o.Groups, "groups", 1000, "number of security groups")
	fs.IntVar(&o.Rules, "rules", 10, "rules per group")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same seed gives the same snapshot")
	fs.IntVar(&o.Accounts, "accounts", 0, "spread the groups over this many accounts (100001, 100002, …); 0: accounts 123 and 456")
	fs.Parse(args)
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	if err := synth.Write(w, o); err != nil {
		return err
	}
	return w.Flush()
}
