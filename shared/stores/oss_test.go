package stores

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sgref/shared/ossemu"
)

const (
	ossRegion = "cn-hangzhou"
	ossBucket = "sgref-snapshots"
	ossKeyID  = "LTAI5tTestKeyID0001"
	ossSecret = "test-secret-0001"
	ossToken  = "sts-token-0001"
)

// newOSS starts an emulator with one temporary key and returns a store signed with creds.
func newOSS(t *testing.T, creds Credentials) (*ossemu.Server, Store, string) {
	t.Helper()
	emu := ossemu.New(ossRegion)
	emu.AddKey(ossKeyID, ossSecret, ossToken)
	emu.CreateBucket(ossBucket)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	spec := "oss://" + ossBucket + "/?region=" + ossRegion + "&endpoint=" + srv.URL
	st, _, err := Open(context.Background(), spec, Options{
		OSSCredentials: func(context.Context) (Credentials, error) { return creds, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return emu, st, srv.URL
}

var goodOSSCreds = Credentials{AccessKeyID: ossKeyID, AccessKeySecret: ossSecret, SecurityToken: ossToken}

func TestOSSStore(t *testing.T) {
	emu, st, _ := newOSS(t, goodOSSCreds)
	testStore(t, harness{
		store: st,
		plant: func(t *testing.T, key string, data []byte, ce string) { emu.SetObject(ossBucket, key, data, ce) },
		remove: func(t *testing.T, key string) {
			emu.DeleteObject(ossBucket, key)
		},
	})
}

func TestOSSNotModifiedSendsNoBody(t *testing.T) {
	emu, st, _ := newOSS(t, goodOSSCreds)
	mustPut(t, st, "snapshot.json", strings.Repeat("x", 4096), "")
	_, info := mustGet(t, st, "snapshot.json", "")
	before := emu.Stats()
	for range 3 {
		if _, _, err := st.Get(context.Background(), "snapshot.json", info.ETag); !errors.Is(err, ErrNotModified) {
			t.Fatalf("Get unchanged: err=%v, want ErrNotModified", err)
		}
	}
	after := emu.Stats()
	if got := after.Requests - before.Requests; got != 3 {
		t.Errorf("requests=%d, want 3 (one per refresh)", got)
	}
	if got := after.BodyBytes - before.BodyBytes; got != 0 {
		t.Errorf("body bytes sent=%d, want 0", got)
	}
}

func TestOSSForbidden(t *testing.T) {
	cases := map[string]struct {
		creds Credentials
		deny  bool
		code  string
	}{
		"wrong secret":  {creds: Credentials{AccessKeyID: ossKeyID, AccessKeySecret: "wrong", SecurityToken: ossToken}, code: "SignatureDoesNotMatch"},
		"unknown key":   {creds: Credentials{AccessKeyID: "LTAI5tNobody", AccessKeySecret: ossSecret, SecurityToken: ossToken}, code: "InvalidAccessKeyId"},
		"no sts token":  {creds: Credentials{AccessKeyID: ossKeyID, AccessKeySecret: ossSecret}, code: "InvalidSecurityToken"},
		"policy denies": {creds: goodOSSCreds, deny: true, code: "AccessDenied"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			emu, st, _ := newOSS(t, tc.creds)
			emu.SetObject(ossBucket, "snapshot.json", []byte("{}"), "")
			if tc.deny {
				emu.Deny("GET", ossBucket, "snapshot.json")
			}
			_, _, err := st.Get(context.Background(), "snapshot.json", "")
			if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), tc.code) {
				t.Fatalf("Get: err=%v, want ErrForbidden with %s", err, tc.code)
			}
			for _, secret := range []string{ossSecret, "wrong", ossToken} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error carries a secret: %v", err)
				}
			}
			if err := st.Put(context.Background(), "other.json", strings.NewReader("{}"), "", ""); tc.code != "AccessDenied" && !errors.Is(err, ErrForbidden) {
				t.Errorf("Put: err=%v, want ErrForbidden", err)
			}
		})
	}
}

func TestOSSCredentialsRotate(t *testing.T) {
	emu := ossemu.New(ossRegion)
	emu.AddKey("LTAI5tOld", "old-secret", "old-token")
	emu.AddKey("LTAI5tNew", "new-secret", "new-token")
	emu.CreateBucket(ossBucket)
	emu.SetObject(ossBucket, "k.json", []byte("{}"), "")
	srv := httptest.NewServer(emu)
	defer srv.Close()
	cur := Credentials{AccessKeyID: "LTAI5tOld", AccessKeySecret: "old-secret", SecurityToken: "old-token"}
	st, _, err := Open(context.Background(), "oss://"+ossBucket+"/k.json?region="+ossRegion+"&endpoint="+srv.URL,
		Options{OSSCredentials: func(context.Context) (Credentials, error) { return cur, nil }})
	if err != nil {
		t.Fatal(err)
	}
	mustGet(t, st, "k.json", "")
	cur = Credentials{AccessKeyID: "LTAI5tNew", AccessKeySecret: "new-secret", SecurityToken: "new-token"}
	mustGet(t, st, "k.json", "")
}

func TestOSSEnvCredentials(t *testing.T) {
	emu := ossemu.New(ossRegion)
	emu.AddKey(ossKeyID, ossSecret, ossToken)
	emu.CreateBucket(ossBucket)
	emu.SetObject(ossBucket, "k.json", []byte("{}"), "")
	srv := httptest.NewServer(emu)
	defer srv.Close()
	spec := "oss://" + ossBucket + "/k.json?region=" + ossRegion + "&endpoint=" + srv.URL
	// The SDK's own names must not be what makes it work.
	t.Setenv("OSS_ACCESS_KEY_ID", "")
	t.Setenv("OSS_ACCESS_KEY_SECRET", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ossKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ossSecret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", ossToken)
	st, key, err := Open(context.Background(), spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustGet(t, st, key, "")

	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	if _, _, err := st.Get(context.Background(), key, ""); err == nil || !strings.Contains(err.Error(), "ALIBABA_CLOUD_ACCESS_KEY_ID") {
		t.Fatalf("Get without credentials: err=%v, want one naming ALIBABA_CLOUD_ACCESS_KEY_ID", err)
	}
}

func TestOSSUnreachable(t *testing.T) {
	testUnreachable(t, "oss://"+ossBucket+"/k.json?region="+ossRegion+"&endpoint=%s", Options{
		OSSCredentials: func(context.Context) (Credentials, error) { return goodOSSCreds, nil },
	})
}

func TestOSSSlowBody(t *testing.T) {
	emu, st, _ := newOSS(t, goodOSSCreds)
	emu.SetObject(ossBucket, "k.json", []byte("{}"), "")
	emu.SetDelay(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := st.Get(ctx, "k.json", "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get slow: err=%v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("Get took %v past a 200ms deadline", el)
	}
}
