package localrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"sgref/shared/fcemu"
)

// Result is a function's answer to one invocation.
type Result struct {
	Payload []byte
	Failed  bool // the function reported an invocation error
}

// Function is a compiled function running under an emulated runtime.
type Function interface {
	Invoke(ctx context.Context, event []byte) (Result, error)
	Close() error
}

// FC is an FC binary polling an in-process runtime-API emulator.
type FC struct {
	Emulator *fcemu.Emulator
	srv      *http.Server
	cmd      *exec.Cmd
	exited   chan struct{}
}

// StartFC starts bin with FC_RUNTIME_API pointing at a fresh emulator on 127.0.0.1, with
// env added to this process's environment. The binary's output goes to logs.
func StartFC(bin string, env []string, opts fcemu.Options, logs io.Writer) (*FC, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &FC{Emulator: fcemu.New(opts), exited: make(chan struct{})}
	f.srv = &http.Server{Handler: f.Emulator, ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	f.cmd = exec.Command(bin)
	f.cmd.Env = append(append(os.Environ(), env...), "FC_RUNTIME_API="+ln.Addr().String())
	f.cmd.Stdout, f.cmd.Stderr = logs, logs
	if err := f.cmd.Start(); err != nil {
		f.srv.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { f.cmd.Wait(); close(f.exited) }()
	return f, nil
}

// Invoke sends one event and waits for the answer, or for the process to die.
func (f *FC) Invoke(ctx context.Context, event []byte) (Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-f.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	r, err := f.Emulator.Invoke(ctx, event)
	if err != nil {
		select {
		case <-f.exited:
			return Result{}, fmt.Errorf("function process exited: %s", f.cmd.ProcessState)
		default:
		}
		return Result{}, err
	}
	return Result{Payload: r.Payload, Failed: r.Failed}, nil
}

// Exited reports whether the function's process has ended.
func (f *FC) Exited() bool {
	select {
	case <-f.exited:
		return true
	default:
		return false
	}
}

// Close stops the function and the emulator.
func (f *FC) Close() error {
	f.cmd.Process.Kill()
	<-f.exited
	return f.srv.Close()
}

// Lambda is a Lambda binary under aws-lambda-rie.
type Lambda struct {
	invokeURL string
	cmd       *exec.Cmd
	exited    chan struct{}
	client    *http.Client
}

// StartLambda starts the Runtime Interface Emulator rie with bin as the bootstrap, both
// of its addresses on 127.0.0.1, and waits until it accepts invocations. The emulator
// starts the bootstrap on the first invocation, as Lambda does on a cold start.
func StartLambda(rie, bin string, env []string, logs io.Writer) (*Lambda, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	api := fmt.Sprintf("127.0.0.1:%d", ports[0])
	rieAddr := fmt.Sprintf("127.0.0.1:%d", ports[1])
	l := &Lambda{
		invokeURL: "http://" + rieAddr + "/2015-03-31/functions/function/invocations",
		exited:    make(chan struct{}),
		client:    &http.Client{},
	}
	l.cmd = exec.Command(rie, "--runtime-api-address", api, "--runtime-interface-emulator-address", rieAddr, bin)
	l.cmd.Env = append(os.Environ(), env...)
	l.cmd.Stdout, l.cmd.Stderr = logs, logs
	ownGroup(l.cmd)
	if err := l.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rie, err)
	}
	go func() { l.cmd.Wait(); close(l.exited) }()
	if err := waitTCP(rieAddr, l.exited, 10*time.Second); err != nil {
		l.Close()
		return nil, fmt.Errorf("aws-lambda-rie did not come up on %s: %w", rieAddr, err)
	}
	return l, nil
}

// Invoke posts one event to the emulator's invocation endpoint.
func (l *Lambda) Invoke(ctx context.Context, event []byte) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.invokeURL, bytes.NewReader(event))
	if err != nil {
		return Result{}, err
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return Result{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Result{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return Result{Payload: body, Failed: true}, fmt.Errorf("aws-lambda-rie answered %s: %s", resp.Status, body)
	}
	var fnErr struct {
		ErrorMessage *string `json:"errorMessage"`
		ErrorType    string  `json:"errorType"`
	}
	failed := json.Unmarshal(body, &fnErr) == nil && fnErr.ErrorMessage != nil
	return Result{Payload: body, Failed: failed}, nil
}

// Close stops the emulator and the function.
func (l *Lambda) Close() error {
	// The emulator's child, the bootstrap, shares its process group: end them together.
	killGroup(l.cmd)
	<-l.exited
	return nil
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func waitTCP(addr string, exited <-chan struct{}, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("process exited")
		case <-time.After(20 * time.Millisecond):
		}
	}
	return errors.New("timed out")
}

// FindRIE locates aws-lambda-rie: $SGREF_RIE, then build/tools under the repository root
// given, then PATH.
func FindRIE(repoRoot string) (string, error) {
	if p := os.Getenv("SGREF_RIE"); p != "" {
		return p, nil
	}
	p := strings.TrimSuffix(repoRoot, "/") + "/build/tools/aws-lambda-rie"
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p, nil
	}
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p, nil
	}
	return "", errors.New("aws-lambda-rie not found (run `make tools`, or set SGREF_RIE)")
}
