package trigger

import "sync"

// EventPool keeps decoded events for the next invocation: decoding into an event whose
// maps are kept (emptied) reuses their storage. The adapters' requests keep none of an
// event's maps, only strings, which refer to their own copy of the event's bytes.
type EventPool[T any] struct {
	p sync.Pool
	// Reset empties an event before it is kept, keeping its maps through KeepMap.
	Reset func(*T)
}

// Get returns an empty event.
func (e *EventPool[T]) Get() *T {
	if ev, ok := e.p.Get().(*T); ok {
		return ev
	}
	return new(T)
}

// Put empties ev and keeps it for the next Get.
func (e *EventPool[T]) Put(ev *T) {
	e.Reset(ev)
	e.p.Put(ev)
}

// KeepMap returns m emptied for reuse, or nil when it grew large: an event with many
// headers should not pin their storage.
func KeepMap[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) > 64 {
		return nil
	}
	clear(m)
	return m
}
