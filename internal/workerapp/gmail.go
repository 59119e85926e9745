package workerapp

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/workflows"
)

// quotaHeadroom is the share of the Gmail quota given to per-message calls;
// the rest absorbs the calls that cost more than one slot (batchModify 50
// units, watch 100) without pushing the mailbox over its quota.
const quotaHeadroom = 0.9

// gmailActivitiesPerSecond converts the mailbox quota (units/s) into the
// task queue's activity rate: every slot is priced at the cost of the common
// per-message calls (messages.get, 5 units). history.list (2 units) is
// over-priced by that, which only adds margin.
func gmailActivitiesPerSecond(quotaUnitsPerSecond int) float64 {
	return quotaHeadroom * float64(quotaUnitsPerSecond) / activities.UnitsMessagesGet
}

// gmailWorker serves the gmail task queue. TaskQueueActivitiesPerSecond is
// enforced by the Temporal server for the whole task queue, so every worker
// of the cluster together stays under the mailbox's quota.
func gmailWorker(ctx context.Context, d Deps) (worker.Worker, error) {
	svc, err := google.NewGmail(ctx, d.Config)
	if err != nil {
		return nil, fmt.Errorf("Gmail client: %w", err)
	}
	w := worker.New(d.Temporal, workflows.GmailTaskQueue, worker.Options{
		TaskQueueActivitiesPerSecond: gmailActivitiesPerSecond(d.Config.Gmail.QuotaUnitsPerSecond),
		WorkerStopTimeout:            30 * time.Second,
	})
	w.RegisterActivity(&activities.Gmail{Service: svc, Store: d.Store, MarkAction: d.Config.Gmail.MarkAction})
	return w, nil
}
