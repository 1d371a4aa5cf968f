package refs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sgref/shared/inventory"
	"sgref/shared/refs"
)

var errUnavailable = errors.New("unavailable")

// fakeLoad returns indexes of n groups, n counting loads, failing while fail is set.
type fakeLoad struct {
	loads atomic.Int32
	fail  atomic.Bool
	gate  chan struct{} // when not nil, each load waits for it
}

func (f *fakeLoad) load(ctx context.Context) (*refs.Index, error) {
	n := f.loads.Add(1)
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.fail.Load() {
		return nil, errors.New("ecs is down")
	}
	inv := &inventory.Inventory{}
	for i := range int(n) {
		inv.SecurityGroups = append(inv.SecurityGroups, inventory.Group{RegionId: "r", OwnerId: "1", SecurityGroupId: "sg-" + string(rune('a'+i))})
	}
	return refs.Build(inv), nil
}

func newRefresher(f *fakeLoad, every time.Duration) *refs.Refresher {
	return refs.NewRefresher(f.load, refs.RefreshOptions{Every: every, Unavailable: errUnavailable, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
}

func TestRefresherFirstLoadFailsThenServes(t *testing.T) {
	f := &fakeLoad{}
	f.fail.Store(true)
	r := newRefresher(f, time.Hour)
	if _, err := r.Current(context.Background()); !errors.Is(err, errUnavailable) {
		t.Fatalf("err %v, want the unavailable error while nothing loaded", err)
	}
	f.fail.Store(false)
	ix, err := r.Current(context.Background())
	if err != nil || ix.Stats().Groups != 2 {
		t.Fatalf("Current = %v, %v", ix, err)
	}
}

func TestRefresherKeepsLastGoodAndSharesLoads(t *testing.T) {
	f := &fakeLoad{gate: make(chan struct{})}
	r := newRefresher(f, 0) // always stale: every Current starts a refresh if none runs
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.Current(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them all wait on the one load
	close(f.gate)
	wg.Wait()
	if n := f.loads.Load(); n > 2 {
		t.Errorf("%d loads for 8 concurrent first requests, want them to share one (a second may start once it is stale)", n)
	}
	// A failing refresh keeps the last good index in service. A refresher that is never
	// stale, so that no Current starts a refresh that could still succeed after the
	// failure is switched on.
	f = &fakeLoad{}
	r = newRefresher(f, time.Hour)
	if err := r.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	good, _ := r.Current(context.Background())
	f.fail.Store(true)
	if err := r.Refresh(context.Background()); err == nil {
		t.Fatal("a failing refresh reported no error")
	}
	if ix, err := r.Current(context.Background()); err != nil || ix.Stats() != good.Stats() {
		t.Errorf("after a failed refresh: %v, %v; want the last good index", ix, err)
	}
	if _, ok := r.Age(); !ok {
		t.Error("no age with an index in service")
	}
}

func TestRefresherWaitEndsWithContext(t *testing.T) {
	f := &fakeLoad{gate: make(chan struct{})}
	defer close(f.gate)
	r := newRefresher(f, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := r.Current(ctx); !errors.Is(err, errUnavailable) {
		t.Fatalf("err %v, want unavailable when the caller's deadline passes first", err)
	}
}
