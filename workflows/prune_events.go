package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/live"
)

// EventsRetentionScheduleID is the Temporal Schedule that runs
// PruneEventsWorkflow every hour.
const EventsRetentionScheduleID = "events-retention"

// pruneMaxBatches bounds one run (500,000 events); a larger backlog is
// finished by the next runs.
const pruneMaxBatches = 100

// PruneEventsResult says what a retention run deleted.
type PruneEventsResult struct {
	Events        int64 `json:"events"`
	Tickets       int64 `json:"tickets"`
	PrunedThrough int64 `json:"pruned_through"`
	Batches       int   `json:"batches"`
}

// PruneEventsWorkflow deletes the live events older than EVENTS_RETENTION,
// a batch at a time, and the expired stream tickets. Clients that resume
// from before what it deleted are told to resync.
func PruneEventsWorkflow(ctx workflow.Context) (PruneEventsResult, error) {
	var ea *activities.Events
	local := withDBSteps(ctx)
	var out PruneEventsResult
	for out.Batches < pruneMaxBatches {
		var r live.PruneResult
		if err := workflow.ExecuteLocalActivity(local, ea.PruneEvents).Get(ctx, &r); err != nil {
			return out, fmt.Errorf("prune events: %w", err)
		}
		out.Batches++
		out.Events += r.Events
		out.Tickets += r.Tickets
		out.PrunedThrough = r.PrunedThrough
		if !r.More {
			break
		}
	}
	return out, nil
}
