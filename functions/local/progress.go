package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"sgref/shared/ecslive"
	"sgref/shared/inventory"
)

// progress shows a capture of several accounts as it goes: on a terminal one line redrawn
// a few times a second (accounts done of total, groups read of those listed so far, calls,
// throttles, elapsed), elsewhere a log line per account.
type progress struct {
	w     io.Writer
	tty   bool
	log   *slog.Logger
	src   *ecslive.Source
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup

	mu   sync.Mutex
	last ecslive.Progress
}

func startProgress(w *os.File, log *slog.Logger, src *ecslive.Source) *progress {
	p := &progress{w: w, tty: isTerminal(w), log: log, src: src, start: time.Now(), stop: make(chan struct{})}
	src.OnProgress(p.update)
	if p.tty {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					p.draw()
				case <-p.stop:
					return
				}
			}
		}()
	}
	return p
}

func (p *progress) update(pr ecslive.Progress) {
	p.mu.Lock()
	p.last = pr
	p.mu.Unlock()
	if p.tty {
		p.draw()
		return
	}
	if a := pr.Done; a != nil {
		p.log.Info("account read", "account", a.AccountId, "status", a.Status, "groups", a.AccountCoverage.Groups, "rules", a.Rules,
			"calls", a.Calls, "seconds", round(a.Seconds), "err", a.Error,
			"accountsDone", pr.AccountsDone, "accounts", pr.Accounts, "totalCalls", pr.Calls, "throttles", pr.Throttles)
	} else {
		p.log.Info("capture started", "accounts", pr.Accounts)
	}
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	read, listed := p.src.Groups()
	fmt.Fprintf(p.w, "\r\033[Kaccounts %d/%d  groups %d/%d listed  calls %d  throttles %d  %s",
		p.last.AccountsDone, p.last.Accounts, read, listed, p.src.Calls(), p.src.Throttles(), time.Since(p.start).Round(100*time.Millisecond))
}

// done stops the display and prints the per-account summary table.
func (p *progress) done(records []inventory.AccountCoverage) {
	close(p.stop)
	p.wg.Wait()
	if p.tty {
		p.draw()
		fmt.Fprintln(p.w)
	}
	if len(records) > 0 {
		writeAccountTable(p.w, records)
	}
}

// writeAccountTable writes one row per account: what the snapshot holds of it.
func writeAccountTable(w io.Writer, records []inventory.AccountCoverage) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tSTATUS\tCAPTURED AT\tGROUPS\tRULES\tCALLS\tSECONDS\tERROR")
	for _, r := range records {
		at := "-"
		if !r.CapturedAt.IsZero() {
			at = r.CapturedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%.1f\t%s\n", r.AccountId, r.Status, at, r.Groups, r.Rules, r.Calls, r.Seconds, clip(r.Error, 100))
	}
	tw.Flush()
}

func round(f float64) float64 { return float64(int(f*10)) / 10 }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
