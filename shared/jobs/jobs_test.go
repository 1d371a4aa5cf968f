package jobs

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"sgref/shared/scan"
)

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		name, in string
		want     Request
		err      string
	}{
		{"empty", "", Request{Job: Scan}, ""},
		{"null", "null", Request{Job: Scan}, ""},
		{"bare scan", `{"Regions":["cn-hangzhou"]}`, Request{Job: Scan, Scan: scan.Request{Regions: []string{"cn-hangzhou"}}}, ""},
		{"scan", `{"Job":"scan","Accounts":["123"]}`, Request{Job: Scan, Scan: scan.Request{Accounts: []string{"123"}}}, ""},
		{"capture", `{"Job":"capture"}`, Request{Job: Capture}, ""},
		{"capture with scope", `{"Job":"capture","Regions":["cn-hangzhou"]}`, Request{}, "a capture takes no other members"},
		{"unknown job", `{"Job":"delete"}`, Request{}, `unknown Job "delete"`},
		{"job not a string", `{"Job":1}`, Request{}, "Job must be"},
		{"misspelt member", `{"Job":"scan","Region":["x"]}`, Request{}, "unknown field"},
		{"not an object", `[1]`, Request{}, "invalid"},
		{"syntax", `{"Job":`, Request{}, "invalid"},
		{"bad scope", `{"Regions":[""]}`, Request{}, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeRequest([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("DecodeRequest(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("DecodeRequest(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{"", `{"Job":"capture"}`, `{"Job":"scan","Regions":["a"]}`, `{"Regions":null}`, `{"Job":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeRequest(b)
		if err != nil {
			return
		}
		if r.Job != Scan && r.Job != Capture {
			t.Fatalf("decoded job %q", r.Job)
		}
		if r.Job == Capture && !reflect.DeepEqual(r.Scan, scan.Request{}) {
			t.Fatalf("a capture with a scope: %+v", r)
		}
		if err := r.Scan.Validate(); err != nil {
			t.Fatalf("decoded an invalid scope: %v", err)
		}
	})
}

func TestRunner(t *testing.T) {
	ctx := context.Background()
	var ran []string
	r := Runner{
		Scan:    func(_ context.Context, req scan.Request) (any, error) { ran = append(ran, "scan"); return req, nil },
		Capture: func(context.Context) (any, error) { ran = append(ran, "capture"); return nil, nil },
	}
	for _, job := range []string{Scan, Capture, ""} {
		if _, err := r.Run(ctx, Request{Job: job}); err != nil {
			t.Fatalf("Run(%q): %v", job, err)
		}
	}
	if want := []string{"scan", "capture", "scan"}; !reflect.DeepEqual(ran, want) {
		t.Errorf("ran %v, want %v", ran, want)
	}
	if _, err := (Runner{Scan: r.Scan}).Run(ctx, Request{Job: Capture}); err == nil || !strings.Contains(err.Error(), "SGREF_CAPTURE") {
		t.Errorf("capture without a capture job: %v, want an error naming SGREF_CAPTURE", err)
	}
	if _, err := r.Run(ctx, Request{Job: "x"}); err == nil {
		t.Error("unknown job ran")
	}
}
