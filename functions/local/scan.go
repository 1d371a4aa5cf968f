package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	sgscan "sgref/shared/scan"

	"sgref/shared/config"
	"sgref/shared/provider"
	"sgref/shared/scanjob"
)

// scan runs the orphan-reference scan on the configured inventory and files the report
// where SGREF_REPORT says (standard output by default), as the scheduled function does.
//
//	local scan [-regions cn-hangzhou,cn-shanghai] [-accounts 123,456]
func scan(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ExitOnError)
	regions := fs.String("regions", "", "comma-separated region IDs to scan (default: every region)")
	accounts := fs.String("accounts", "", "comma-separated account IDs whose groups and rules to scan (default: every account)")
	fs.Parse(args)
	if fs.NArg() > 0 {
		return fmt.Errorf("scan: unexpected arguments %q", fs.Args())
	}
	req := sgscan.Request{Regions: splitList(*regions), Accounts: splitList(*accounts)}
	if err := req.Validate(); err != nil {
		return err
	}
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	log := cfg.Logger()
	p, rot, err := provider.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	job, err := scanjob.New(ctx, cfg, p, provider.StoreOptions(rot), log)
	if err != nil {
		return err
	}
	// On a terminal, the report written to it ends with a summary for people; redirected,
	// standard output is the JSON report alone.
	var summary *summarySink
	if isTerminal(os.Stdout) && job.Sink == sgscan.Stdout {
		summary = &summarySink{Sink: job.Sink}
		job.Sink = summary
	}
	if _, err = job.Run(ctx, req); err != nil {
		return err
	}
	if summary != nil && summary.rep != nil {
		fmt.Fprintln(os.Stdout)
		return summary.rep.WriteSummary(os.Stdout, 10)
	}
	return nil
}

// summarySink files the report where its Sink does and keeps it for the summary.
type summarySink struct {
	sgscan.Sink
	rep *sgscan.Report
}

func (s *summarySink) Write(ctx context.Context, rep *sgscan.Report) (string, error) {
	s.rep = rep
	return s.Sink.Write(ctx, rep)
}

// splitList splits a comma-separated flag, dropping blanks: "" is the empty list.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
