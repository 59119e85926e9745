package live

import (
	"context"
	"fmt"
	"time"

	"github.com/besunny/workflows/internal/db"
)

// PruneBatch is how many events one Prune call deletes at most: small
// enough that the delete never holds the log for long.
const PruneBatch = 5000

// PruneResult says what one Prune call did.
type PruneResult struct {
	Events  int64 `json:"events"`
	Tickets int64 `json:"tickets"`
	// PrunedThrough is the newest id deleted so far, ever.
	PrunedThrough int64 `json:"pruned_through"`
	// More is true when the batch was full: older events remain.
	More bool `json:"more"`
}

// Prune deletes up to PruneBatch events created before olderThan, and the
// expired stream tickets.
func Prune(ctx context.Context, q *db.Queries, olderThan time.Time) (PruneResult, error) {
	row, err := q.PruneEvents(ctx, db.PruneEventsParams{OlderThan: olderThan, MaxRows: PruneBatch})
	if err != nil {
		return PruneResult{}, fmt.Errorf("prune events: %w", err)
	}
	tickets, err := q.DeleteExpiredEventTickets(ctx)
	if err != nil {
		return PruneResult{}, fmt.Errorf("prune tickets: %w", err)
	}
	return PruneResult{Events: row.Deleted, Tickets: tickets, PrunedThrough: row.PrunedThrough, More: row.Deleted == PruneBatch}, nil
}
