package capture_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"sgref/shared/capture"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
)

// memStore keeps the objects Put gave it; fail makes the next Put fail.
type memStore struct {
	objects map[string][]byte
	enc     map[string]string
	fail    error
}

func (m *memStore) Put(_ context.Context, key string, r io.Reader, _, ce string) error {
	if m.fail != nil {
		return m.fail
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.objects[key], m.enc[key] = b, ce
	return nil
}

func (m *memStore) String() string { return "mem://bucket" }

// source hands over the sample's groups, failing after failAfter of them (-1: never).
type source struct {
	inv       *inventory.Inventory
	failAfter int
	regions   []string
}

func (s source) String() string    { return "test source" }
func (s source) Regions() []string { return s.regions }
func (s source) Read(ctx context.Context, fn func(*inventory.Group) error) error {
	for i := range s.inv.SecurityGroups {
		if i == s.failAfter {
			return errors.New("throttled past the retries")
		}
		g := s.inv.SecurityGroups[i]
		if err := fn(&g); err != nil {
			return err
		}
	}
	return nil
}

func TestCapture(t *testing.T) {
	inv := testkit.Sample(t)
	at := time.Date(2026, 11, 27, 3, 10, 0, 0, time.UTC)
	st := &memStore{objects: map[string][]byte{"snap.json.gz": []byte("previous")}, enc: map[string]string{}}
	job := &capture.Job{Store: st, Key: "snap.json.gz", Log: testkit.Quiet, Now: func() time.Time { return at }}

	t.Run("read fails halfway: nothing written", func(t *testing.T) {
		job.Source = source{inv: inv, failAfter: 5}
		if _, err := job.Run(context.Background()); err == nil {
			t.Fatal("Run succeeded")
		}
		if got := string(st.objects["snap.json.gz"]); got != "previous" {
			t.Errorf("object is %q, want the previous one", got)
		}
	})

	t.Run("write fails", func(t *testing.T) {
		job.Source = source{inv: inv, failAfter: -1}
		st.fail = errors.New("access denied")
		defer func() { st.fail = nil }()
		if _, err := job.Run(context.Background()); err == nil {
			t.Fatal("Run succeeded")
		}
		if got := string(st.objects["snap.json.gz"]); got != "previous" {
			t.Errorf("object is %q, want the previous one", got)
		}
	})

	t.Run("whole", func(t *testing.T) {
		job.Source = source{inv: inv, failAfter: -1, regions: []string{"cn-hangzhou", "eu-west-1"}}
		sum, err := job.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.enc["snap.json.gz"] != "gzip" || sum.Groups != len(inv.SecurityGroups) || sum.Bytes != int64(len(st.objects["snap.json.gz"])) || sum.Bytes >= sum.RawBytes {
			t.Errorf("summary %+v, encoding %q", sum, st.enc["snap.json.gz"])
		}
		zr, err := gzip.NewReader(bytes.NewReader(st.objects["snap.json.gz"]))
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := io.ReadAll(zr)
		got, err := inventory.Decode(bytes.NewReader(doc))
		if err != nil || !reflect.DeepEqual(got.SecurityGroups, inv.SecurityGroups) {
			t.Fatalf("snapshot does not read back as the source: %v", err)
		}
		var h inventory.Header
		if err := json.Unmarshal(doc, &h); err != nil {
			t.Fatal(err)
		}
		want := &inventory.Coverage{Accounts: []string{"123", "456"}, Regions: []string{"ap-southeast-1", "cn-hangzhou", "cn-shanghai", "eu-west-1"}}
		if !h.CapturedAt.Equal(at) || !reflect.DeepEqual(h.Source, want) {
			t.Errorf("header %v %+v, want %v %+v", h.CapturedAt, h.Source, at, want)
		}
	})
}
