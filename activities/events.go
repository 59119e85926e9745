package activities

import (
	"context"
	"time"

	"github.com/besunny/workflows/internal/live"
	"github.com/besunny/workflows/internal/store"
)

// Events keeps the live event log within its retention.
type Events struct {
	Store *store.Store
	// Retention is EVENTS_RETENTION: older events are deleted.
	Retention time.Duration
}

// PruneEvents deletes one batch of events older than the retention (and the
// expired stream tickets).
func (a *Events) PruneEvents(ctx context.Context) (live.PruneResult, error) {
	return live.Prune(ctx, a.Store.Queries, time.Now().Add(-a.Retention))
}
