package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"sgref/shared/localrun"
)

func invoke(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("invoke", flag.ExitOnError)
	event := fs.String("event", "", "the event file (events/fc/… or events/aws/…)")
	binDir := fs.String("bin", "build/local", "directory holding <function>/<function> binaries built for this machine")
	rie := fs.String("rie", "", "aws-lambda-rie binary (default: $SGREF_RIE, build/tools, PATH)")
	timeout := fs.Duration("timeout", 30*time.Second, "invocation timeout")
	raw := fs.Bool("raw", false, "print the function's result as the runtime returns it, not the HTTP response it stands for")
	showLogs := fs.Bool("logs", false, "show the function's and the emulators' logs on standard error as they come (default: only when the invocation fails)")
	fs.Parse(args)
	if *event == "" {
		return errors.New("invoke: -event is required")
	}
	ev, err := os.ReadFile(*event)
	if err != nil {
		return err
	}
	target, err := localrun.Route(ev)
	if err != nil {
		return fmt.Errorf("%s: %w", *event, err)
	}
	bin := filepath.Join(*binDir, target.Function, target.Function)
	if *rie == "" && target.Platform == "lambda" {
		if *rie, err = localrun.FindRIE("."); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "invoking %s (%s, %s event) with %s\n", bin, target.Platform, target.Kind, *event)
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	// The emulators and the runtime SDKs log noise of their own (RIE's credentials
	// warning, the runtime's "failed to get the next invoke" at shutdown): held back
	// unless asked for or needed to explain a failure, so the answer stands alone.
	var logs io.Writer = os.Stderr
	var held lockedBuffer
	if !*showLogs {
		logs = &held
	}
	res, err := localrun.InvokeOnce(ctx, target, bin, *rie, ev, logs)
	if err != nil || res.Failed {
		os.Stderr.Write(held.Bytes())
	}
	if err != nil {
		return err
	}
	if res.Failed {
		os.Stdout.Write(res.Payload)
		fmt.Println()
		return errors.New("the function reported an invocation error")
	}
	if http, ok := localrun.AsHTTP(res.Payload); ok && !*raw {
		fmt.Print(http)
		return nil
	}
	os.Stdout.Write(res.Payload)
	fmt.Println()
	return nil
}

// lockedBuffer collects logs written from several processes' copy goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
