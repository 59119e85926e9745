package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

var backlogSettings = activities.BacklogSettings{Debounce: 30 * time.Second, MinConfidence: 0.7, PageSize: 2}

type backlogEnv struct {
	env   *testsuite.TestWorkflowEnvironment
	ca    *activities.Classify
	start time.Time
	pages []activities.BacklogPageInput
	at    []time.Duration // workflow time of each page since the start
}

func newBacklogEnv(t *testing.T) *backlogEnv {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	b := &backlogEnv{env: ts.NewTestWorkflowEnvironment()}
	b.env.RegisterActivity(b.ca)
	b.start = b.env.Now()
	b.env.OnActivity(b.ca.BacklogSettings, mock.Anything).Return(backlogSettings, nil)
	return b
}

// pagesReturn answers the page activity with results, in order, recording
// every call; the last one answers again when more calls come.
func (b *backlogEnv) pagesReturn(results ...activities.BacklogPageResult) {
	n := 0
	b.env.OnActivity(b.ca.RescoreBacklogPage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.BacklogPageInput) (activities.BacklogPageResult, error) {
			b.pages = append(b.pages, in)
			b.at = append(b.at, b.env.Now().Sub(b.start))
			r := results[min(n, len(results)-1)]
			n++
			return r, nil
		})
}

func (b *backlogEnv) correctAt(d time.Duration, doc string) {
	b.env.RegisterDelayedCallback(func() {
		b.env.SignalWorkflow(CorrectionSignal, BacklogCorrection{DocumentID: doc})
	}, d)
}

func (b *backlogEnv) run(t *testing.T, in BacklogInput) BacklogStatus {
	t.Helper()
	b.env.ExecuteWorkflow(ReclassifyBacklogWorkflow, in)
	require.True(t, b.env.IsWorkflowCompleted())
	require.NoError(t, b.env.GetWorkflowError())
	var st BacklogStatus
	require.NoError(t, b.env.GetWorkflowResult(&st))
	return st
}

func TestBacklog_WaitsUntilCorrectionsSettleThenRescoresOnce(t *testing.T) {
	b := newBacklogEnv(t)
	b.pagesReturn(activities.BacklogPageResult{Done: true, Scanned: 1, Filed: 1, FiledIDs: []string{"d9"}, Next: "d9"})
	b.correctAt(0, "d1") // the SignalWithStart of the first assignment
	b.correctAt(10*time.Second, "d2")
	b.correctAt(25*time.Second, "d3")
	st := b.run(t, BacklogInput{UserID: "u1"})

	require.Len(t, b.pages, 1, "one pass for the burst")
	// 30 s after the last correction (at 25 s), not after the first.
	require.GreaterOrEqual(t, b.at[0], 55*time.Second)
	require.Less(t, b.at[0], 60*time.Second)
	require.Equal(t, activities.BacklogPageInput{OwnerID: "u1", Limit: 2, MinConfidence: 0.7}, b.pages[0])
	require.Equal(t, BacklogTotals{Corrections: 3, Passes: 1, Scanned: 1, Filed: 1}, st.Totals)
	require.Equal(t, "done", st.Stage)
	require.Equal(t, []string{"d9"}, st.LastFiled)
}

func TestBacklog_EndlessCorrectionsStillGetAPass(t *testing.T) {
	b := newBacklogEnv(t)
	b.pagesReturn(activities.BacklogPageResult{Done: true})
	for i := 0; i < 40; i++ { // one every 20 s for 13 minutes, always inside the debounce
		b.correctAt(time.Duration(i)*20*time.Second, "d")
	}
	b.run(t, BacklogInput{UserID: "u1"})
	require.NotEmpty(t, b.pages)
	require.LessOrEqual(t, b.at[0], backlogMaxWaitFactor*backlogSettings.Debounce+time.Second, "the debounce is bounded")
}

func TestBacklog_PagesThroughTheBacklogByCursor(t *testing.T) {
	b := newBacklogEnv(t)
	b.pagesReturn(
		activities.BacklogPageResult{Scanned: 2, Filed: 1, FiledIDs: []string{"a"}, Next: "b"},
		activities.BacklogPageResult{Scanned: 2, Changed: 1, Next: "d"},
		activities.BacklogPageResult{Scanned: 1, Filed: 1, FiledIDs: []string{"e"}, Next: "e", Done: true},
	)
	b.correctAt(0, "x")
	st := b.run(t, BacklogInput{UserID: "u1"})
	var cursors []string
	for _, p := range b.pages {
		cursors = append(cursors, p.After)
	}
	require.Equal(t, []string{"", "b", "d"}, cursors)
	require.Equal(t, BacklogTotals{Corrections: 1, Passes: 1, Scanned: 5, Filed: 2, Changed: 1}, st.Totals)
	require.Empty(t, st.Cursor)
}

func TestBacklog_CorrectionDuringAPassCausesAnotherPass(t *testing.T) {
	b := newBacklogEnv(t)
	var st BacklogStatus
	n := 0
	b.env.OnActivity(b.ca.RescoreBacklogPage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.BacklogPageInput) (activities.BacklogPageResult, error) {
			b.at = append(b.at, b.env.Now().Sub(b.start))
			n++
			if n == 1 {
				// the user corrects another document while the pass runs
				b.env.SignalWorkflow(CorrectionSignal, BacklogCorrection{DocumentID: "d2"})
			}
			return activities.BacklogPageResult{Done: true}, nil
		})
	b.correctAt(0, "d1")
	st = b.run(t, BacklogInput{UserID: "u1"})
	require.Equal(t, 2, n)
	require.GreaterOrEqual(t, b.at[1]-b.at[0], backlogSettings.Debounce, "the second pass waits for the debounce too")
	require.Equal(t, 2, st.Totals.Passes)
	require.Equal(t, 2, st.Totals.Corrections)
}

func TestBacklog_LongBacklogContinuesAsNewWhereItWas(t *testing.T) {
	b := newBacklogEnv(t)
	b.pagesReturn(activities.BacklogPageResult{Scanned: 2, Next: "z"})
	b.correctAt(0, "d1")
	b.env.ExecuteWorkflow(ReclassifyBacklogWorkflow, BacklogInput{UserID: "u1"})
	require.True(t, b.env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(b.env.GetWorkflowError(), &can), "error = %v", b.env.GetWorkflowError())
	require.Len(t, b.pages, backlogPagesPerRun)

	// The next run resumes the pass at the cursor without waiting again.
	b2 := newBacklogEnv(t)
	b2.pagesReturn(activities.BacklogPageResult{Scanned: 1, Done: true})
	st := b2.run(t, BacklogInput{UserID: "u1", Cursor: "z", Totals: BacklogTotals{Corrections: 1, Scanned: 400}})
	require.Equal(t, "z", b2.pages[0].After)
	require.Zero(t, b2.at[0], "a resumed pass does not debounce again")
	require.Equal(t, BacklogTotals{Corrections: 1, Passes: 1, Scanned: 401}, st.Totals)
}

func TestBacklog_PendingCorrectionCarriedOverIsNotLost(t *testing.T) {
	b := newBacklogEnv(t)
	b.pagesReturn(activities.BacklogPageResult{Done: true})
	// Continued as new with a correction pending and no pass under way:
	// the run debounces from its start and passes without a new signal.
	st := b.run(t, BacklogInput{UserID: "u1", Pending: true})
	require.Len(t, b.pages, 1)
	require.GreaterOrEqual(t, b.at[0], backlogSettings.Debounce)
	require.Equal(t, 1, st.Totals.Passes)
}

func TestBacklog_StatusQueryWhileWaiting(t *testing.T) {
	b := newBacklogEnv(t)
	b.pagesReturn(activities.BacklogPageResult{Done: true})
	b.correctAt(0, "d1")
	b.env.RegisterDelayedCallback(func() {
		v, err := b.env.QueryWorkflow(StatusQuery)
		require.NoError(t, err)
		var st BacklogStatus
		require.NoError(t, v.Get(&st))
		require.Equal(t, "waiting", st.Stage)
		require.Equal(t, 1, st.Totals.Corrections)
	}, 10*time.Second)
	b.run(t, BacklogInput{UserID: "u1"})
}

func TestBacklog_RequiresAUser(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.ExecuteWorkflow(ReclassifyBacklogWorkflow, BacklogInput{})
	require.Error(t, env.GetWorkflowError())
}

func TestBacklogStartOptions_OneRunPerUser(t *testing.T) {
	o := BacklogStartOptions("besunny", "u1")
	require.Equal(t, "backlog/u1", o.ID)
	require.Equal(t, BacklogWorkflowID("u1"), o.ID)
	// A correction while a run waits or works is a signal to that run.
	require.Equal(t, enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING, o.WorkflowIDConflictPolicy)
	require.Equal(t, enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, o.WorkflowIDReusePolicy)
	require.Equal(t, 1, o.TypedSearchAttributes.Size())
}

func TestBacklog_StartedByHandWithoutACorrectionRunsOnePass(t *testing.T) {
	b := newBacklogEnv(t)
	b.pagesReturn(activities.BacklogPageResult{Done: true, Scanned: 3})
	st := b.run(t, BacklogInput{UserID: "u1"})
	require.Len(t, b.pages, 1)
	require.GreaterOrEqual(t, b.at[0], backlogSettings.Debounce)
	require.Equal(t, BacklogTotals{Passes: 1, Scanned: 3}, st.Totals)
}
