package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// dbRetry retries database steps until they succeed: a database that is down
// or restarting must delay a message, never lose it. Errors that no retry can
// fix are typed and excluded.
var dbRetry = &temporal.RetryPolicy{
	InitialInterval:    time.Second,
	BackoffCoefficient: 2,
	MaximumInterval:    time.Minute,
	MaximumAttempts:    0, // unlimited
	NonRetryableErrorTypes: []string{
		activities.ErrTypeMessageMissing,
		activities.ErrTypeInvalidInput,
	},
}

// withDBSteps configures local activities for cheap database steps (a few
// rows, or parsing one stored message): they run in the worker that runs the
// workflow, without a round trip through the task queue.
func withDBSteps(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		// Generous enough to parse a message at the MAX_EMAIL_BYTES limit on
		// a busy machine.
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         dbRetry,
	})
}
