package live

import (
	"errors"
	"sync"

	"github.com/google/uuid"
)

// Limits bound what one API process holds for its streams.
type Limits struct {
	// Buffer is the most events that may wait for one subscription.
	Buffer int
	// PerKey caps the subscriptions of one caller (a user, or the service
	// role).
	PerKey int
	// Total caps the subscriptions of the process.
	Total int
}

// Subscribe refusals.
var (
	ErrTooManyForCaller = errors.New("live: too many streams for this caller")
	ErrTooManyStreams   = errors.New("live: too many streams on this server")
)

// Hub fans events out to subscriptions. Publish is called by one Listener
// with events in id order; subscribers register with Subscribe. Every method
// is safe for concurrent use.
type Hub struct {
	limits  Limits
	metrics *Metrics

	mu     sync.Mutex
	cursor int64
	byUser map[uuid.UUID]map[*Subscription]struct{}
	all    map[*Subscription]struct{}
	perKey map[string]int
	total  int
	closed bool
}

// NewHub makes a hub whose stream starts after the event id cursor (the
// newest id in the log when the process starts); m may be nil.
func NewHub(cursor int64, limits Limits, m *Metrics) *Hub {
	return &Hub{
		limits: limits, metrics: m, cursor: cursor,
		byUser: map[uuid.UUID]map[*Subscription]struct{}{},
		all:    map[*Subscription]struct{}{},
		perKey: map[string]int{},
	}
}

// Cursor is the id of the newest event the hub has published.
func (h *Hub) Cursor() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cursor
}

// Subscribe registers a subscription for key (the caller: a user id, or the
// service role) receiving the events that match f from the current cursor
// on. It refuses when the caller or the process holds too many.
func (h *Hub) Subscribe(key string, f Filter) (*Subscription, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.closed:
		return nil, ErrHubClosed
	case h.total >= h.limits.Total:
		return nil, ErrTooManyStreams
	case h.perKey[key] >= h.limits.PerKey:
		return nil, ErrTooManyForCaller
	}
	s := &Subscription{hub: h, key: key, filter: f, start: h.cursor, wake: make(chan struct{}, 1), done: make(chan struct{})}
	if f.All {
		h.all[s] = struct{}{}
	} else {
		set := h.byUser[f.UserID]
		if set == nil {
			set = map[*Subscription]struct{}{}
			h.byUser[f.UserID] = set
		}
		set[s] = struct{}{}
	}
	h.perKey[key]++
	h.total++
	h.metrics.subscribed(h.total)
	return s, nil
}

// Publish delivers events (in id order) to the matching subscriptions and
// advances the cursor. Events at or below the cursor were delivered before
// and are skipped. A subscription whose buffer is full is ended.
func (h *Hub) Publish(events []*Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range events {
		if e.ID <= h.cursor {
			continue
		}
		h.cursor = e.ID
		h.metrics.published()
		if e.UserID != nil {
			for s := range h.byUser[*e.UserID] {
				h.offer(s, e)
			}
		}
		for s := range h.all {
			h.offer(s, e)
		}
	}
}

func (h *Hub) offer(s *Subscription, e *Event) {
	if !s.offer(e, h.limits.Buffer) {
		h.metrics.slowConsumer()
		h.removeLocked(s)
	}
}

// Close ends every subscription (ErrHubClosed) and refuses new ones.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, set := range h.byUser {
		for s := range set {
			s.end(ErrHubClosed)
			h.removeLocked(s)
		}
	}
	for s := range h.all {
		s.end(ErrHubClosed)
		h.removeLocked(s)
	}
}

// Subscribers is the number of subscriptions.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s.end(nil)
	h.removeLocked(s)
}

// removeLocked forgets s; it is a no-op for a subscription already removed.
func (h *Hub) removeLocked(s *Subscription) {
	if s.filter.All {
		if _, ok := h.all[s]; !ok {
			return
		}
		delete(h.all, s)
	} else {
		set := h.byUser[s.filter.UserID]
		if _, ok := set[s]; !ok {
			return
		}
		delete(set, s)
		if len(set) == 0 {
			delete(h.byUser, s.filter.UserID)
		}
	}
	if h.perKey[s.key]--; h.perKey[s.key] <= 0 {
		delete(h.perKey, s.key)
	}
	h.total--
	h.metrics.subscribed(h.total)
}
