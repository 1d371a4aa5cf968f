package localrun

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"

	"sgref/shared/awstrigger"
	"sgref/shared/fcemu"
	"sgref/shared/fctrigger"
)

// Target is where a sample event goes: which platform's runtime and which function.
type Target struct {
	Platform string // "fc" or "lambda"
	Function string // "describe-references" or "orphan-scan"
	Kind     string // the event's shape
}

// Route tells from an event's shape which platform and function it is for, with the
// same detectors the functions use.
func Route(event []byte) (Target, error) {
	if k, err := fctrigger.Detect(event); err == nil {
		fn := "describe-references"
		if k == fctrigger.Timer {
			fn = "orphan-scan"
		}
		return Target{Platform: "fc", Function: fn, Kind: k.String()}, nil
	}
	k, err := awstrigger.Detect(event)
	if err != nil {
		return Target{}, errors.New("the event is of no shape FC or Lambda would send to these functions")
	}
	fn := "orphan-scan"
	if k.IsHTTP() {
		fn = "describe-references"
	}
	return Target{Platform: "lambda", Function: fn, Kind: k.String()}, nil
}

// InvokeOnce starts the binary under the target platform's emulated runtime, invokes it
// once with the event, and stops it. Its logs go to logs.
func InvokeOnce(ctx context.Context, t Target, bin, rie string, event []byte, logs io.Writer) (Result, error) {
	var fn Function
	var err error
	if t.Platform == "fc" {
		fn, err = StartFC(bin, nil, fcemu.Options{FunctionName: t.Function}, logs)
	} else {
		fn, err = StartLambda(rie, bin, []string{"AWS_LAMBDA_FUNCTION_NAME=" + t.Function}, logs)
	}
	if err != nil {
		return Result{}, err
	}
	defer fn.Close()
	return fn.Invoke(ctx, event)
}

// Zip writes a deployment package holding the binary at path under name, executable.
func Zip(w io.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: st.ModTime()}
	hdr.SetMode(0o755)
	dst, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, f); err != nil {
		return fmt.Errorf("zip %s: %w", path, err)
	}
	return zw.Close()
}

// AsHTTP renders a function result that is an HTTP trigger response (FC, API Gateway,
// Function URL or ALB shape) as the HTTP response the client would see.
func AsHTTP(payload []byte) (string, bool) {
	var r struct {
		StatusCode        int                 `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              string              `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded"`
	}
	if json.Unmarshal(payload, &r) != nil || r.StatusCode == 0 || r.IsBase64Encoded {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d %s\n", r.StatusCode, http.StatusText(r.StatusCode))
	for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
		fmt.Fprintf(&b, "%s: %s\n", k, r.Headers[k])
	}
	for _, k := range slices.Sorted(maps.Keys(r.MultiValueHeaders)) {
		for _, v := range r.MultiValueHeaders[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n" + r.Body)
	if !strings.HasSuffix(r.Body, "\n") {
		b.WriteString("\n")
	}
	return b.String(), true
}
