package provider

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/ossemu"
	"sgref/shared/refs"
)

const (
	bucket = "snaps"
	key    = "sgref/snapshot.json.gz"
)

// snapshotGz is the sample as the capture writes it: gzip, header included.
func snapshotGz(tb testing.TB, at time.Time, mutate func(*inventory.Inventory)) []byte {
	tb.Helper()
	inv := testkit.Sample(tb)
	if mutate != nil {
		mutate(inv)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := inventory.NewEncoder(zw, at)
	for i := range inv.SecurityGroups {
		enc.Encode(&inv.SecurityGroups[i])
	}
	if err := enc.Close(&inventory.Coverage{Accounts: []string{"123", "456"}, Regions: []string{"cn-hangzhou"}}); err != nil {
		tb.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// ossStore starts an OSS-protocol server on loopback whose key the environment holds, as
// on a developer's machine, and returns it with the SGREF_INVENTORY that names key.
func ossStore(t *testing.T) (*ossemu.Server, string) {
	t.Helper()
	srv := ossemu.New("cn-hangzhou")
	srv.AddKey("LTAI5tProviderTest", "provider-test-secret", "")
	srv.CreateBucket(bucket)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tProviderTest")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "provider-test-secret")
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "")
	u := testkit.Serve(t, srv)
	return srv, "oss://" + bucket + "/" + key + "?region=cn-hangzhou&endpoint=" + u.String()
}

func newProvider(t *testing.T, spec string) *refs.Refresher {
	t.Helper()
	p, _, err := New(context.Background(), config.Config{Inventory: spec, Refresh: time.Hour}, testkit.Quiet)
	if err != nil {
		t.Fatalf("New(%s): %v", spec, err)
	}
	return p.(*refs.Refresher)
}

func unavailable(t *testing.T, p refs.Provider) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := p.Current(ctx)
	var e *ecsapi.Error
	if !errors.As(err, &e) || e.Code != ecsapi.CodeServiceUnavailable {
		t.Fatalf("Current = %v, want ServiceUnavailable", err)
	}
}

// TestStoredSnapshot walks a describe instance's life over a snapshot object: started
// before the first capture, loaded, refreshed unchanged, then every way the object can
// go wrong, each leaving the last good index in service.
func TestStoredSnapshot(t *testing.T) {
	defer func(old int64) { maxSnapshotBytes = old }(maxSnapshotBytes)
	maxSnapshotBytes = 1 << 20
	srv, spec := ossStore(t)
	p := newProvider(t, spec) // no object yet: the function starts all the same
	unavailable(t, p)

	at := time.Now().Add(-90 * time.Second).UTC().Truncate(time.Second)
	srv.SetObject(bucket, key, snapshotGz(t, at, nil), "gzip")
	if err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	good, err := p.Current(context.Background())
	if err != nil || good.Stats().Groups != 27 || !good.CapturedAt().Equal(at) {
		t.Fatalf("first load: %v groups, captured %v, %v", good.Stats().Groups, good.CapturedAt(), err)
	}

	before := srv.Stats()
	if err := p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := srv.Stats(); after.Requests != before.Requests+1 || after.BodyBytes != before.BodyBytes {
		t.Errorf("unchanged refresh: %d requests, %d body bytes; want 1 request, no body", after.Requests-before.Requests, after.BodyBytes-before.BodyBytes)
	}
	if ix, _ := p.Current(context.Background()); ix != good {
		t.Error("an unchanged object built a new index")
	}

	whole := snapshotGz(t, at, nil)
	faults := []struct {
		name string
		set  func()
		want string
	}{
		{"truncated gzip", func() { srv.SetObject(bucket, key, whole[:len(whole)/2], "gzip") }, "gzip"},
		{"invalid JSON", func() { srv.SetObject(bucket, key, gz([]byte(`{"SecurityGroups":[{`)), "gzip") }, "invalid snapshot"},
		{"duplicate ID", func() {
			srv.SetObject(bucket, key, snapshotGz(t, at, func(inv *inventory.Inventory) {
				inv.SecurityGroups = append(inv.SecurityGroups, inv.SecurityGroups[0])
			}), "gzip")
		}, "duplicate"},
		{"gzip bomb", func() {
			srv.SetObject(bucket, key, gz(append([]byte(`{"SecurityGroups":[`), bytes.Repeat([]byte(" "), 4<<20)...)), "gzip")
		}, "too large"},
		{"deleted", func() { srv.DeleteObject(bucket, key) }, "not found"},
		{"forbidden", func() { srv.SetObject(bucket, key, whole, "gzip"); srv.Deny("GET", bucket, key) }, "denied"},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			f.set()
			err := p.Refresh(context.Background())
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), f.want) || !strings.Contains(err.Error(), key) {
				t.Errorf("Refresh = %v, want an error naming the object and %q", err, f.want)
			}
			if ix, err := p.Current(context.Background()); ix != good || err != nil {
				t.Errorf("Current = %p, %v; want the last good index", ix, err)
			}
		})
	}
}

func TestStoredSnapshotSlowAndUnreachable(t *testing.T) {
	srv, spec := ossStore(t)
	srv.SetObject(bucket, key, snapshotGz(t, time.Now(), nil), "gzip")
	p := newProvider(t, spec)
	good, err := p.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv.SetObject(bucket, key, snapshotGz(t, time.Now().Add(time.Minute), nil), "gzip")
	srv.SetDelay(3 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := p.Refresh(ctx); err == nil {
		t.Error("a refresh past its deadline succeeded")
	}
	if ix, _ := p.Current(context.Background()); ix != good {
		t.Error("the slow refresh replaced the index")
	}

	// A store that is not there at start: the function starts and answers 503.
	unreachable := newProvider(t, "oss://"+bucket+"/"+key+"?region=cn-hangzhou&endpoint=http://127.0.0.1:1")
	unavailable(t, unreachable)
}

func TestStoreSpecErrors(t *testing.T) {
	for _, spec := range []string{"oss://snaps/prefix/?region=cn-hangzhou", "s3://b?region=us-east-1", "oss://snaps/k?regoin=x"} {
		if _, _, err := New(context.Background(), config.Config{Inventory: spec}, testkit.Quiet); err == nil || !strings.Contains(err.Error(), config.EnvInventory) {
			t.Errorf("New(%q) = %v, want an error naming %s", spec, err, config.EnvInventory)
		}
	}
}
