package live

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/besunny/workflows/internal/db"
)

// Service is one API process's live machinery: the hub and the listener
// that feeds it.
type Service struct {
	Hub      *Hub
	Listener *Listener
	done     chan struct{}
}

// Start makes the hub (starting after the newest event in the log: a new
// process streams what happens from now on; resuming clients replay the
// rest) and runs its listener until ctx ends.
func Start(ctx context.Context, q *db.Queries, databaseURL string, limits Limits, logger *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	cursor, err := q.LatestEventID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the event log's newest id: %w", err)
	}
	m := NewMetrics(reg)
	hub := NewHub(cursor, limits, m)
	l, err := NewListener(databaseURL, hub, logger, m)
	if err != nil {
		return nil, err
	}
	s := &Service{Hub: hub, Listener: l, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = l.Run(ctx)
	}()
	return s, nil
}

// Close ends every stream; the listener stops with the context given to
// Start. Wait waits for it.
func (s *Service) Close() { s.Hub.Close() }

// Wait returns when the listener has stopped.
func (s *Service) Wait() { <-s.done }
