package main

import (
	"context"
	"sync"
	"time"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/store"
)

// trickle delivers live mail while the backlog drains: one message every
// o.trickleEvery, each pushed by the sandbox's Pub/Sub emulation to the
// webhook, as new mail arrives in production. It measures what a user sees
// while a backlog is being worked off: how long a new message takes to
// become a document.
type trickle struct {
	mu   sync.Mutex
	sent []delivery
	stop chan struct{}
	done chan struct{}
}

type delivery struct {
	id string
	at time.Time
}

func startTrickle(o options, fake *googlefake.Server, c *corpus) *trickle {
	t := &trickle{stop: make(chan struct{}), done: make(chan struct{})}
	if o.trickleEvery <= 0 {
		close(t.done)
		return t
	}
	go func() {
		defer close(t.done)
		// No push can happen before the worker has watched the mailbox (it
		// does so at start-up); mail delivered earlier would only be polled.
		for fake.Mailbox(mailbox).WatchExpiration.IsZero() {
			select {
			case <-t.stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		tick := time.NewTicker(o.trickleEvery)
		defer tick.Stop()
		for n := 0; o.trickleMax == 0 || n < o.trickleMax; n++ {
			raw := c.trickle(n)
			at := time.Now()
			id, _, err := fake.Deliver(mailbox, raw, googlefake.DeliverOptions{})
			if err != nil {
				say("trickle: %v", err)
				return
			}
			t.mu.Lock()
			t.sent = append(t.sent, delivery{id: id, at: at})
			t.mu.Unlock()
			select {
			case <-t.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return t
}

// ids are the messages delivered so far.
func (t *trickle) ids() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, len(t.sent))
	for i, d := range t.sent {
		out[i] = d.id
	}
	return out
}

// wait waits until a trickle with a maximum count has sent it all.
func (t *trickle) wait() []delivery {
	<-t.done
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sent
}

// finish stops the trickle and returns what it delivered.
func (t *trickle) finish() []delivery {
	close(t.stop)
	<-t.done
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sent
}

// latencies waits (up to timeout) until every delivered message has its
// document and returns, per message, delivery → the document row's
// created_at (PostgreSQL's clock; same machine). missing counts messages
// that got no document in time.
func latencies(ctx context.Context, st *store.Store, sent []delivery, timeout time.Duration) (lat []time.Duration, missing int, err error) {
	ids := make([]string, len(sent))
	for i, d := range sent {
		ids[i] = d.id
	}
	created := map[string]time.Time{}
	deadline := time.Now().Add(timeout)
	for {
		rows, err := st.Pool.Query(ctx, `SELECT source_id, created_at FROM documents WHERE source = 'gmail' AND source_id = ANY($1)`, ids)
		if err != nil {
			return nil, 0, err
		}
		for rows.Next() {
			var id string
			var at time.Time
			if err := rows.Scan(&id, &at); err != nil {
				rows.Close()
				return nil, 0, err
			}
			created[id] = at
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, err
		}
		if len(created) == len(ids) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, d := range sent {
		at, ok := created[d.id]
		if !ok {
			missing++
			continue
		}
		lat = append(lat, at.Sub(d.at))
	}
	return lat, missing, nil
}
