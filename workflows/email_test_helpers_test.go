package workflows

import (
	"context"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/activities"
)

// runEmail executes an email workflow (ProcessEmailWorkflow or
// ProcessEmailWorkflowV2) under the message's workflow id and returns its
// status; the run must complete without an error.
func runEmail(r *require.Assertions, env *testsuite.TestWorkflowEnvironment, wf any, in ProcessEmailInput) EmailStatus {
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: EmailWorkflowID(in.MessageKey, 1)})
	env.ExecuteWorkflow(wf, in)
	r.True(env.IsWorkflowCompleted())
	r.NoError(env.GetWorkflowError())
	var out EmailStatus
	r.NoError(env.GetWorkflowResult(&out))
	return out
}

// expectOneOutcome expects the one RecordOutcome call of an email run and
// returns what it got.
func expectOneOutcome(env *testsuite.TestWorkflowEnvironment, ea *activities.Email) *activities.OutcomeInput {
	got := &activities.OutcomeInput{}
	env.OnActivity(ea.RecordOutcome, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.OutcomeInput) error {
		*got = in
		return nil
	}).Once()
	return got
}

// fetchAttempts are the times of the first and the last attempt of the
// gmail-queue fetch.
type fetchAttempts struct{ first, last time.Time }

// span is the time from the first attempt to the last.
func (a *fetchAttempts) span() time.Duration { return a.last.Sub(a.first) }

// failEveryFetch makes every attempt of the gmail-queue fetch fail with
// the error newErr returns, and records when the attempts were made.
func failEveryFetch(env *testsuite.TestWorkflowEnvironment, newErr func() error) *fetchAttempts {
	var g *activities.Gmail
	a := &fetchAttempts{}
	env.OnActivity(g.FetchMessage, mock.Anything, mock.Anything).
		Return(func(context.Context, activities.FetchInput) (activities.FetchResult, error) {
			if a.first.IsZero() {
				a.first = env.Now()
			}
			a.last = env.Now()
			return activities.FetchResult{}, newErr()
		})
	return a
}
