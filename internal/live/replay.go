package live

import (
	"context"
	"fmt"

	"github.com/besunny/workflows/internal/db"
)

// ReplayPageSize is how many events Replay reads at a time.
const ReplayPageSize = pageSize

// Replay calls fn with the events matching f whose ids are in (after,
// through], oldest first, a page at a time: what a resuming subscriber
// missed before its subscription's Start.
func Replay(ctx context.Context, q *db.Queries, f Filter, after, through int64, fn func([]*Event) error) error {
	for after < through {
		var rows []db.Event
		var err error
		if f.All {
			rows, err = q.AllEventsBetween(ctx, db.AllEventsBetweenParams{After: after, Through: through, MaxRows: ReplayPageSize})
		} else {
			uid := f.UserID
			rows, err = q.UserEventsBetween(ctx, db.UserEventsBetweenParams{UserID: &uid, After: after, Through: through, MaxRows: ReplayPageSize})
		}
		if err != nil {
			return fmt.Errorf("replay events after %d: %w", after, err)
		}
		if len(rows) == 0 {
			return nil
		}
		events := make([]*Event, len(rows))
		for i, r := range rows {
			events[i] = FromRow(r)
		}
		if err := fn(events); err != nil {
			return err
		}
		after = rows[len(rows)-1].ID
		if len(rows) < ReplayPageSize {
			return nil
		}
	}
	return nil
}

// PrunedThrough is the newest id the retention has deleted: a client
// resuming from below it has lost events.
func PrunedThrough(ctx context.Context, q *db.Queries) (int64, error) {
	return q.EventsPrunedThrough(ctx)
}
