package workerapp

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/worker"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// quotaHeadroom is the share of the Gmail quota the task queue's rate is
// sized for. The rate is the cluster-wide bound, in activities not units;
// each worker's Gmail client additionally paces itself by units (see
// google.NewGmail), which catches what the rate cannot: bursts, and calls
// that cost more than one slot (batchModify 50 units, watch 100).
const quotaHeadroom = 0.9

// GmailActivitiesPerSecond converts the mailbox quota (units/s) into the
// task queue's activity rate: every slot is priced at the cost of the common
// per-message calls (messages.get, 5 units). history.list (2 units) is
// over-priced by that, which only adds margin.
func GmailActivitiesPerSecond(quotaUnitsPerSecond int) float64 {
	return quotaHeadroom * float64(quotaUnitsPerSecond) / google.GmailUnitsMessages
}

// gmailWorker serves the gmail task queue. TaskQueueActivitiesPerSecond is
// enforced by the Temporal server for the whole task queue, so the workers
// of a cluster together stay near the mailbox's quota, and each worker's
// client keeps its own calls exactly within it.
//
// The activities it returns are registered on the main task queue as well:
// email runs fetch through FetchMessageLocal as a local activity. Every Gmail
// call, from either queue and from every worker process, is paced by the
// mailbox's quota window kept in PostgreSQL (store.GmailQuotaWindow).
func gmailWorker(ctx context.Context, d Deps) (worker.Worker, *activities.Gmail, error) {
	svc, err := google.NewGmail(ctx, d.Config, google.WithSharedQuota(store.GmailQuotaWindow{Store: d.Store}))
	if err != nil {
		return nil, nil, fmt.Errorf("Gmail client: %w", err)
	}
	w := worker.New(d.Temporal, workflows.GmailTaskQueue, worker.Options{
		TaskQueueActivitiesPerSecond: GmailActivitiesPerSecond(d.Config.Gmail.QuotaUnitsPerSecond),
		WorkerStopTimeout:            30 * time.Second,
	})
	denied := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "besunny_gmail_access_denied_total",
		Help: "Gmail calls refused for the mailbox's credentials or delegation (401, 403 other than rate limits), by operation; they are retried until fixed.",
	}, []string{"operation"})
	if err := d.Metrics.Registry.Register(denied); err != nil {
		return nil, nil, fmt.Errorf("register Gmail metrics: %w", err)
	}
	ga := &activities.Gmail{
		Service: svc, Store: d.Store, MarkAction: d.Config.Gmail.MarkAction,
		Log: d.Logger, AccessDenied: denied,
	}
	w.RegisterActivity(ga)
	return w, ga, nil
}
