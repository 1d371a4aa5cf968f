package stores

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	cases := map[string]struct {
		spec string
		want Spec
	}{
		"oss object": {"oss://snaps/prod/snapshot.json.gz?region=cn-hangzhou",
			Spec{Scheme: "oss", Bucket: "snaps", Key: "prod/snapshot.json.gz", Region: "cn-hangzhou"}},
		"oss internal": {"oss://snaps/s.json?region=cn-hangzhou&internal=true",
			Spec{Scheme: "oss", Bucket: "snaps", Key: "s.json", Region: "cn-hangzhou", Internal: true}},
		"oss endpoint": {"oss://snaps/s.json?region=cn-hangzhou&endpoint=http://127.0.0.1:9000",
			Spec{Scheme: "oss", Bucket: "snaps", Key: "s.json", Region: "cn-hangzhou", Endpoint: "http://127.0.0.1:9000"}},
		"oss prefix": {"oss://snaps/reports/?region=cn-hangzhou",
			Spec{Scheme: "oss", Bucket: "snaps", Key: "reports/", Region: "cn-hangzhou"}},
		"s3 object": {"s3://my.snaps/s.json?region=us-east-1",
			Spec{Scheme: "s3", Bucket: "my.snaps", Key: "s.json", Region: "us-east-1"}},
		"s3 no region (AWS_REGION)": {"s3://snaps/s.json",
			Spec{Scheme: "s3", Bucket: "snaps", Key: "s.json"}},
		"s3 minio": {"s3://snaps/s.json?region=us-east-1&endpoint=http://127.0.0.1:9000&path_style=true",
			Spec{Scheme: "s3", Bucket: "snaps", Key: "s.json", Region: "us-east-1", Endpoint: "http://127.0.0.1:9000", PathStyle: true}},
		"s3 path_style false": {"s3://snaps/s.json?path_style=false",
			Spec{Scheme: "s3", Bucket: "snaps", Key: "s.json"}},
		"s3 escaped key": {"s3://snaps/a%20b.json",
			Spec{Scheme: "s3", Bucket: "snaps", Key: "a b.json"}},
		"file absolute": {"file:/var/sgref/snapshot.json.gz",
			Spec{Scheme: "file", Dir: "/var/sgref", Key: "snapshot.json.gz"}},
		"file relative": {"file:snapshot.json",
			Spec{Scheme: "file", Dir: ".", Key: "snapshot.json"}},
		"file directory": {"file:build/reports/",
			Spec{Scheme: "file", Dir: "build/reports"}},
		"file dot": {"file:build/.",
			Spec{Scheme: "file", Dir: "build"}},
		"file unclean": {"file:./a//b.json",
			Spec{Scheme: "file", Dir: "a", Key: "b.json"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParseSpec(tc.spec)
			if err != nil {
				t.Fatalf("ParseSpec(%q): %v", tc.spec, err)
			}
			if got != tc.want {
				t.Fatalf("ParseSpec(%q) = %+v, want %+v", tc.spec, got, tc.want)
			}
			again, err := ParseSpec(got.String())
			if err != nil || again != got {
				t.Fatalf("ParseSpec(String()=%q) = %+v, %v; want %+v", got.String(), again, err, got)
			}
		})
	}
}

func TestParseSpecMalformed(t *testing.T) {
	cases := map[string]struct{ spec, mention string }{
		"empty":               {"", "want oss://"},
		"no scheme":           {"snaps/s.json", "want oss://"},
		"http":                {"http://snaps/s.json", "want oss://"},
		"oss no region":       {"oss://snaps/s.json", "missing region"},
		"unknown parameter":   {"oss://snaps/s.json?regoin=cn-hangzhou", `unknown parameter "regoin"`},
		"s3 internal":         {"s3://snaps/s.json?internal=true", `unknown parameter "internal"`},
		"oss path_style":      {"oss://snaps/s.json?region=cn-hangzhou&path_style=true", `unknown parameter "path_style"`},
		"repeated":            {"oss://snaps/s.json?region=cn-hangzhou&region=cn-beijing", "2 times"},
		"bad bool":            {"oss://snaps/s.json?region=cn-hangzhou&internal=yes", "true or false"},
		"credentials":         {"s3://AKIA:secret@snaps/s.json", "credentials"},
		"bucket uppercase":    {"s3://Snaps/s.json", "lower-case"},
		"bucket short":        {"s3://ab/s.json", "3 to 63"},
		"bucket port":         {"s3://snaps:9000/s.json", "lower-case"},
		"bucket dash end":     {"s3://snaps-/s.json", "start and end"},
		"oss bucket dot":      {"oss://my.snaps/s.json?region=cn-hangzhou", "lower-case"},
		"dotdot key":          {"s3://snaps/a/../b.json", `".."`},
		"empty segment":       {"s3://snaps/a//b.json", "segment"},
		"control char":        {"s3://snaps/a%0Ab.json", "control"},
		"bad escape":          {"s3://snaps/a%zzb.json", "not a URL"},
		"fragment":            {"s3://snaps/s.json#x", "fragment"},
		"endpoint no scheme":  {"s3://snaps/s.json?endpoint=127.0.0.1:9000", "http://"},
		"endpoint ftp":        {"s3://snaps/s.json?endpoint=ftp://127.0.0.1", "http://"},
		"endpoint path":       {"s3://snaps/s.json?endpoint=http://127.0.0.1:9000/x", "scheme://host"},
		"endpoint userinfo":   {"s3://snaps/s.json?endpoint=http://u:p@127.0.0.1", "scheme://host"},
		"bad region":          {"s3://snaps/s.json?region=US_EAST", "bad region"},
		"internal + endpoint": {"oss://snaps/s.json?region=cn-hangzhou&internal=true&endpoint=http://127.0.0.1", "exclusive"},
		"file empty":          {"file:", "empty path"},
		"file url":            {"file:///tmp/x", "not a URL"},
		"file nul":            {"file:/tmp/a\x00b", "NUL"},
		"long key":            {"s3://snaps/" + strings.Repeat("k", 1024), "1023"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSpec(tc.spec)
			if !errors.Is(err, ErrBadSpec) {
				t.Fatalf("ParseSpec(%q): err=%v, want ErrBadSpec", tc.spec, err)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Fatalf("ParseSpec(%q): err=%q, want it to mention %q", tc.spec, err, tc.mention)
			}
		})
	}
}

// FuzzParseSpec: never panics; a spec either fails with ErrBadSpec or parses to one that
// formats back to itself, with a valid bucket and key.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{
		"oss://snaps/prod/snapshot.json.gz?region=cn-hangzhou&internal=true",
		"s3://snaps/s.json?region=us-east-1&endpoint=http://127.0.0.1:9000&path_style=true",
		"file:/var/sgref/snapshot.json.gz", "file:reports/", "s3://a.b/c%20d/?region=x-1",
		"oss://snaps/s.json?region=cn-hangzhou&region=x", "s3://u:p@h/k", "file:a/.", "file:..",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSpec(spec)
		if err != nil {
			if !errors.Is(err, ErrBadSpec) {
				t.Fatalf("ParseSpec(%q): err=%v, not ErrBadSpec", spec, err)
			}
			return
		}
		if s.Scheme != "file" {
			if err := checkBucket(s.Scheme, s.Bucket); err != nil {
				t.Fatalf("ParseSpec(%q) accepted bucket %q: %v", spec, s.Bucket, err)
			}
			if err := checkKey(s.Key, true); err != nil {
				t.Fatalf("ParseSpec(%q) accepted key %q: %v", spec, s.Key, err)
			}
		}
		again, err := ParseSpec(s.String())
		if err != nil || again != s {
			t.Fatalf("ParseSpec(%q) = %+v; String %q parses to %+v, %v", spec, s, s.String(), again, err)
		}
	})
}
