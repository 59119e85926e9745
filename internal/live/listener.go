package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/besunny/workflows/internal/db"
)

// Channel is the NOTIFY channel the event triggers announce on.
const Channel = "besunny_events"

// ListenerApplicationName names the listener's connection in
// pg_stat_activity (operators and tests find it there).
const ListenerApplicationName = "besunny-live-listener"

// pageSize is how many events one read of the log returns.
const pageSize = 500

// Listener keeps one dedicated connection LISTENing on Channel and publishes
// the log's new events to the hub in id order. The notifications only wake
// it: it reads the table after the hub's cursor, so a notification lost
// while the connection was down costs nothing — on every (re)connect, and
// whenever it has heard nothing for IdleCheck, it reads what it missed.
type Listener struct {
	// Config is the connection's configuration (DATABASE_URL).
	Config *pgx.ConnConfig
	Hub    *Hub
	Logger *slog.Logger
	// IdleCheck is how long the listener waits without a notification
	// before it reads the log anyway (and so proves the connection alive).
	IdleCheck time.Duration
	// MinBackoff and MaxBackoff bound the waits between reconnects.
	MinBackoff, MaxBackoff time.Duration
	Metrics                *Metrics
	// connected is told each time the listener is connected and caught up
	// (tests wait on it).
	connected func()
}

// NewListener builds a listener for the database at url.
func NewListener(url string, hub *Hub, logger *slog.Logger, m *Metrics) (*Listener, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.RuntimeParams["application_name"] = ListenerApplicationName
	return &Listener{Config: cfg, Hub: hub, Logger: logger, IdleCheck: 30 * time.Second,
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second, Metrics: m}, nil
}

// Run listens until ctx ends, reconnecting with backoff after any error.
func (l *Listener) Run(ctx context.Context) error {
	backoff := l.MinBackoff
	for attempt := 0; ; attempt++ {
		start := time.Now()
		err := l.session(ctx, attempt > 0)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(start) > time.Minute {
			backoff = l.MinBackoff // it was up for a while: this is a new outage
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		l.Logger.Warn("live listener lost its connection; reconnecting", "error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		backoff = min(backoff*2, l.MaxBackoff)
	}
}

// session is one connection's life: LISTEN first, then read what was missed,
// then follow the notifications. LISTEN comes before the read so that an
// event committed in between is announced to this connection.
func (l *Listener) session(ctx context.Context, reconnect bool) error {
	connectCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(connectCtx, l.Config)
	cancel()
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if reconnect {
		l.Metrics.reconnected()
	}
	q := db.New(conn)
	n, err := l.catchUp(ctx, q)
	if err != nil {
		return err
	}
	if reconnect {
		l.Metrics.caughtUp(n)
		l.Logger.Info("live listener reconnected", "caught_up_events", n, "cursor", l.Hub.Cursor())
	}
	if l.connected != nil {
		l.connected()
	}
	for {
		waitCtx, cancel := context.WithTimeout(ctx, l.IdleCheck)
		note, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			// Quiet for IdleCheck: read anyway. It proves the connection
			// alive and repairs a notification that never came.
			n, err := l.catchUp(ctx, q)
			if err != nil {
				return err
			}
			l.Metrics.caughtUp(n)
			continue
		case err != nil:
			return fmt.Errorf("wait for notification: %w", err)
		}
		if announcedID(note.Payload) <= l.Hub.Cursor() {
			continue // read already, with an earlier notification's batch
		}
		if _, err := l.catchUp(ctx, q); err != nil {
			return err
		}
	}
}

// catchUp publishes every event after the hub's cursor, a page at a time.
func (l *Listener) catchUp(ctx context.Context, q *db.Queries) (int, error) {
	total := 0
	for {
		readCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		rows, err := q.EventsAfter(readCtx, db.EventsAfterParams{After: l.Hub.Cursor(), MaxRows: pageSize})
		cancel()
		if err != nil {
			return total, fmt.Errorf("read events: %w", err)
		}
		events := make([]*Event, len(rows))
		for i, r := range rows {
			events[i] = FromRow(r)
		}
		l.Hub.Publish(events)
		total += len(events)
		if len(rows) < pageSize {
			return total, nil
		}
	}
}

// announcedID reads the id of a notification's payload (0 when it has none,
// which makes the listener read).
func announcedID(payload string) int64 {
	var p struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal([]byte(payload), &p) != nil {
		return 0
	}
	return p.ID
}
