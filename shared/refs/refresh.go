package refs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// RefreshOptions configure a Refresher.
type RefreshOptions struct {
	Every   time.Duration // an index older than this is refreshed in the background
	Timeout time.Duration // one refresh; 5 minutes when zero
	// Unavailable is returned while no load has succeeded yet (the API answers it as
	// 503 ServiceUnavailable).
	Unavailable error
	Log         *slog.Logger
}

// Refresher is a Provider over a source that changes: it serves the newest index that
// loaded completely, refreshes it in the background once it is older than Every, runs one
// refresh at a time (concurrent requests share it), and keeps the last good index in
// service when a refresh fails. Requests never wait for a refresh once an index exists.
type Refresher struct {
	load func(ctx context.Context) (*Index, error)
	opts RefreshOptions

	cur     atomic.Pointer[loaded]
	mu      sync.Mutex
	running chan struct{} // closed when the refresh under way ends; nil when none is
	lastErr error
}

type loaded struct {
	ix *Index
	at time.Time
}

// NewRefresher returns a Refresher; nothing is loaded until Refresh or Current is called.
func NewRefresher(load func(ctx context.Context) (*Index, error), o RefreshOptions) *Refresher {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Unavailable == nil {
		o.Unavailable = errors.New("no inventory loaded yet")
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &Refresher{load: load, opts: o}
}

// Current returns the index in service. With none yet it waits for the load under way
// (or starts one), until ctx ends; with a stale one it starts a refresh and returns at once.
func (r *Refresher) Current(ctx context.Context) (*Index, error) {
	if l := r.cur.Load(); l != nil {
		if time.Since(l.at) > r.opts.Every {
			r.start()
		}
		return l.ix, nil
	}
	select {
	case <-r.start():
	case <-ctx.Done():
		return nil, r.opts.Unavailable
	}
	if l := r.cur.Load(); l != nil {
		return l.ix, nil
	}
	return nil, r.opts.Unavailable
}

// Refresh loads now, or waits for the refresh under way, and returns its error.
func (r *Refresher) Refresh(ctx context.Context) error {
	select {
	case <-r.start():
	case <-ctx.Done():
		return ctx.Err()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

// Age is how old the index in service is; ok is false when there is none.
func (r *Refresher) Age() (age time.Duration, ok bool) {
	if l := r.cur.Load(); l != nil {
		return time.Since(l.at), true
	}
	return 0, false
}

// start begins a refresh unless one is under way, and returns its done channel.
func (r *Refresher) start() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running != nil {
		return r.running
	}
	done := make(chan struct{})
	r.running = done
	go func() {
		began := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout)
		ix, err := r.load(ctx)
		cancel()
		if err == nil {
			r.cur.Store(&loaded{ix: ix, at: time.Now()})
			st := ix.Stats()
			r.opts.Log.Debug("inventory refreshed", "groups", st.Groups, "rules", st.Rules, "took", time.Since(began).String())
		} else if age, ok := r.Age(); ok {
			attrs := []any{"err", err, "loadedAgo", age.Round(time.Second).String()}
			if at := r.cur.Load().ix.CapturedAt(); !at.IsZero() {
				attrs = append(attrs, "capturedAt", at, "dataAge", time.Since(at).Round(time.Second).String())
			}
			r.opts.Log.Error("inventory refresh failed; the previous inventory stays in service", attrs...)
		} else {
			r.opts.Log.Error("inventory load failed; answering ServiceUnavailable until one succeeds", "err", err)
		}
		r.mu.Lock()
		r.lastErr, r.running = err, nil
		r.mu.Unlock()
		close(done)
	}()
	return done
}
