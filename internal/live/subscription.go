package live

import (
	"errors"
	"sync"

	"github.com/google/uuid"
)

// Filter says which events a subscription receives: one user's, or (the
// service role only) everyone's.
type Filter struct {
	// All receives every event, including those no user owns.
	All bool
	// UserID receives this user's events (when All is false).
	UserID uuid.UUID
}

// Matches reports whether e passes the filter.
func (f Filter) Matches(e *Event) bool {
	if f.All {
		return true
	}
	return e.UserID != nil && *e.UserID == f.UserID
}

// Why a subscription ended.
var (
	// ErrSlowConsumer: more than the buffer's worth of events waited for
	// the connection.
	ErrSlowConsumer = errors.New("live: the client did not keep up")
	// ErrHubClosed: the process is shutting down.
	ErrHubClosed = errors.New("live: the event hub is closed")
)

// Subscription is one connection's view of the hub: a bounded queue of the
// events that match its filter. The queue grows only while events wait
// (an idle subscription holds none), and never beyond the hub's buffer.
type Subscription struct {
	hub    *Hub
	key    string
	filter Filter
	start  int64

	mu     sync.Mutex
	queue  []*Event
	spare  []*Event
	err    error
	wake   chan struct{}
	done   chan struct{}
	closed bool
}

// Start is the hub's position when the subscription began: every later
// event with a matching filter arrives through Wait/Take; earlier ones are
// the caller's to replay from the log.
func (s *Subscription) Start() int64 { return s.start }

// Filter is what the subscription receives.
func (s *Subscription) Filter() Filter { return s.filter }

// Wake fires (at most once per batch) when events are waiting.
func (s *Subscription) Wake() <-chan struct{} { return s.wake }

// Done is closed when the subscription ends; Err says why.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err is why the subscription ended (ErrSlowConsumer, ErrHubClosed), or nil.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Take returns the waiting events, oldest first, and empties the queue. The
// slice is only valid until the next Take.
func (s *Subscription) Take() []*Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.queue
	// Two slices alternate, so a busy subscription allocates nothing; a
	// burst's large array is dropped once it is no longer needed.
	s.queue = s.spare[:0]
	if cap(out) > 64 && len(out) < cap(out)/4 {
		out = append([]*Event(nil), out...)
	}
	s.spare = out
	return out
}

// Close ends the subscription and releases its slot in the hub.
func (s *Subscription) Close() { s.hub.remove(s) }

// offer queues e; it reports false when the queue is full and the
// subscription has been ended as a slow consumer. Called with the hub locked.
func (s *Subscription) offer(e *Event, max int) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return true
	}
	if len(s.queue) >= max {
		s.endLocked(ErrSlowConsumer)
		s.mu.Unlock()
		return false
	}
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return true
}

// end closes the subscription with err (the first reason wins).
func (s *Subscription) end(err error) {
	s.mu.Lock()
	s.endLocked(err)
	s.mu.Unlock()
}

func (s *Subscription) endLocked(err error) {
	if s.closed {
		return
	}
	s.closed, s.err = true, err
	s.queue, s.spare = nil, nil
	close(s.done)
}
