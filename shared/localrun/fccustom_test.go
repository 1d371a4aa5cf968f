package localrun_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sgref/shared/internal/testkit"
)

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// customRuntime is a binary serving as an FC custom runtime on a loopback port.
type customRuntime struct {
	URL    string // http://127.0.0.1:PORT
	cmd    *exec.Cmd
	exited chan error // receives Wait's result once
}

// startCustom starts bin as FC starts a custom runtime (SGREF_RUNTIME=fc-custom, no
// runtime API in the environment) with env on a free loopback port, and waits until it
// answers its health path. Its output goes to out (nil: discarded).
func startCustom(tb testing.TB, bin string, env []string, out io.Writer) *customRuntime {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(append(os.Environ(), "SGREF_RUNTIME=fc-custom", "SGREF_LISTEN="+addr, "FC_RUNTIME_API=", "AWS_LAMBDA_RUNTIME_API="), env...)
	if out != nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	c := &customRuntime{URL: "http://" + addr, cmd: cmd, exited: make(chan error, 1)}
	go func() { c.exited <- cmd.Wait() }()
	for {
		resp, err := http.Get(c.URL + "/sgref/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				c.Close()
				tb.Fatalf("health: %d", resp.StatusCode)
			}
			break
		}
		if time.Since(start) > 30*time.Second {
			c.Close()
			var logs string
			if s, ok := out.(fmt.Stringer); ok {
				logs = s.String()
			}
			tb.Fatalf("not listening after 30 s: %v\n%.2000s", err, logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return c
}

// Close kills the process and waits for it.
func (c *customRuntime) Close() {
	c.cmd.Process.Kill()
	err := <-c.exited
	c.exited <- err
}

// TestFCCustomRuntime runs the describe binary as FC runs a custom runtime: started with
// its configuration, it must listen on the port, answer the health path and the
// initializer call, serve 50 concurrent requests with FC's headers without an error,
// survive a caller that gives up, and drain and exit on SIGTERM.
func TestFCCustomRuntime(t *testing.T) {
	var out lockedBuffer
	start := time.Now()
	fn := startCustom(t, filepath.Join(binaries(t), "describe-references"), []string{"SGREF_INVENTORY=", "SGREF_LOG_LEVEL=info"}, &out)
	defer fn.Close()
	t.Logf("listening %v after start", time.Since(start).Round(time.Millisecond))
	base := fn.URL

	req, _ := http.NewRequest("POST", base+"/initialize", nil)
	req.Header.Set("x-fc-control-path", "/initialize")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("initialize: %v %v", resp, err)
	}

	const n = 50
	query := base + "/?Action=DescribeSecurityGroupReferences&Format=JSON&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", query, nil)
			testkit.FCHeaders(req, fmt.Sprintf("fc-req-%02d", i))
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"SecurityGroupId":"sg-2255cc"`) {
				errs <- fmt.Errorf("status %d: %s", resp.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// A caller that gives up (FC at the function's timeout) costs the instance nothing.
	ctx, cancel := context.WithTimeout(context.Background(), time.Microsecond)
	req, _ = http.NewRequestWithContext(ctx, "GET", query, nil)
	client.Do(req)
	cancel()
	if resp, err := client.Get(query); err != nil || resp.StatusCode != 200 {
		t.Fatalf("after a cancelled request: %v %v", resp, err)
	}

	fn.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-fn.exited:
		fn.exited <- err
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after SIGTERM")
	}
	logs := out.String()
	for _, want := range []string{`"platform":"fc-custom","fcRequestId":"fc-req-07"`, "FC custom runtime listening"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%.2000s", want, logs)
		}
	}
}
