package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// CorrectionSignal tells a user's ReclassifyBacklogWorkflow that the user
// assigned a document by hand (POST /api/v1/documents/{id}/assign).
const CorrectionSignal = "correction"

// BacklogCorrection is the payload of CorrectionSignal.
type BacklogCorrection struct {
	DocumentID string `json:"document_id"`
}

// BacklogInput starts a user's backlog run. Cursor, Pending and Totals
// carry a run over continue-as-new.
type BacklogInput struct {
	UserID string `json:"user_id"`
	// Cursor is where an unfinished pass resumes ("" = no pass under way).
	Cursor string `json:"cursor,omitempty"`
	// Pending is set when corrections arrived that no pass has covered yet.
	Pending bool          `json:"pending,omitempty"`
	Totals  BacklogTotals `json:"totals"`
}

// BacklogTotals are the counts of a run (and of the runs it continued).
type BacklogTotals struct {
	Corrections int `json:"corrections"`
	Passes      int `json:"passes"`
	Scanned     int `json:"scanned"`
	Filed       int `json:"filed"`
	Changed     int `json:"changed"`
}

// BacklogStatus answers the status query.
type BacklogStatus struct {
	UserID string `json:"user_id"`
	// Stage is waiting (for the corrections to settle), rescoring or done.
	Stage      string        `json:"stage"`
	Totals     BacklogTotals `json:"totals"`
	Cursor     string        `json:"cursor,omitempty"`
	LastPassAt time.Time     `json:"last_pass_at,omitzero"`
	// LastFiled lists the documents the last page filed.
	LastFiled []string `json:"last_filed,omitempty"`
}

// Bounds of a backlog run.
const (
	// backlogMaxWaitFactor bounds the debounce: a user who keeps
	// correcting still gets a pass after this many quiet periods.
	backlogMaxWaitFactor = 10
	// backlogPagesPerRun bounds the history of one run: after this many
	// pages it continues as new where it was.
	backlogPagesPerRun = 200
)

// ReclassifyBacklogWorkflow re-scores a user's unclassified documents after
// their corrections settle, and files those the classifier is now sure of.
//
// The assign endpoint starts or signals it (SignalWithStart, one run per
// user: backlog/<user id>). It waits until no correction has arrived for
// the debounce (CLASSIFY_BACKLOG_DEBOUNCE, default 30 s), then pages through
// the user's unclassified documents in bounded activities — ids and counts
// through history, never texts — filing a document only at
// CLASSIFY_BACKLOG_MIN_CONFIDENCE and only while it is still unclassified,
// not assigned by hand and at the scored revision. Every filing is a decision
// with path backlog. Corrections during a pass cause one more pass; a long
// backlog continues as new. The run ends when a pass finished with no
// correction pending.
func ReclassifyBacklogWorkflow(ctx workflow.Context, in BacklogInput) (BacklogStatus, error) {
	b := &backlogRun{in: in, st: BacklogStatus{UserID: in.UserID, Stage: "waiting", Totals: in.Totals, Cursor: in.Cursor}, pending: in.Pending}
	if err := b.setup(ctx); err != nil {
		return b.st, err
	}
	return b.run(ctx)
}

type backlogRun struct {
	in       BacklogInput
	st       BacklogStatus
	settings activities.BacklogSettings
	signals  workflow.ReceiveChannel
	pending  bool // a correction no pass has covered yet
	pages    int  // pages read by this run
}

func (b *backlogRun) setup(ctx workflow.Context) error {
	if b.in.UserID == "" {
		return temporal.NewNonRetryableApplicationError("user_id is required", ErrTypeBadWorkflowInput, nil)
	}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (BacklogStatus, error) { return b.st, nil }); err != nil {
		return fmt.Errorf("register status query: %w", err)
	}
	b.signals = workflow.GetSignalChannel(ctx, CorrectionSignal)
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrUserID.ValueSet([]string{b.in.UserID}))
	var ca *activities.Classify
	return workflow.ExecuteLocalActivity(withDBSteps(ctx), ca.BacklogSettings).Get(ctx, &b.settings)
}

func (b *backlogRun) run(ctx workflow.Context) (BacklogStatus, error) {
	resuming := b.in.Cursor != ""
	// Started by a correction (SignalWithStart: its signal is already
	// here), continued with one pending, or started by hand from the UI
	// with none: either way there is a pass to make.
	b.drainSignals(ctx)
	if !resuming {
		b.pending = true
	}
	for {
		if !resuming {
			b.waitForQuiet(ctx)
		}
		resuming = false
		if done, err := b.pass(ctx); err != nil || !done {
			return b.st, err // err, or continue-as-new
		}
		b.drainSignals(ctx)
		if !b.pending {
			b.st.Stage = "done"
			b.details(ctx)
			return b.st, nil
		}
	}
}

// waitForQuiet blocks until no correction has arrived for the debounce, at
// most backlogMaxWaitFactor debounces.
func (b *backlogRun) waitForQuiet(ctx workflow.Context) {
	b.st.Stage = "waiting"
	b.details(ctx)
	deadline := workflow.Now(ctx).Add(backlogMaxWaitFactor * b.settings.Debounce)
	for {
		wait := b.settings.Debounce
		if left := deadline.Sub(workflow.Now(ctx)); left < wait {
			wait = left
		}
		if wait <= 0 {
			break
		}
		timerCtx, cancel := workflow.WithCancel(ctx)
		timer := workflow.NewTimer(timerCtx, wait)
		corrected := false
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(timer, func(workflow.Future) {})
		sel.AddReceive(b.signals, func(workflow.ReceiveChannel, bool) { corrected = true })
		sel.Select(ctx)
		if !corrected {
			break
		}
		cancel()
		b.receive(ctx)
	}
	b.pending = false
}

// receive takes one correction off the channel (blocking).
func (b *backlogRun) receive(ctx workflow.Context) {
	var c BacklogCorrection
	b.signals.Receive(ctx, &c)
	b.st.Totals.Corrections++
}

// drainSignals takes every correction that has arrived without blocking.
func (b *backlogRun) drainSignals(ctx workflow.Context) {
	for {
		var c BacklogCorrection
		if !b.signals.ReceiveAsync(&c) {
			return
		}
		b.st.Totals.Corrections++
		b.pending = true
	}
}

// pass pages through the backlog from the cursor. It returns false when
// the run continued as new instead of finishing the pass.
func (b *backlogRun) pass(ctx workflow.Context) (bool, error) {
	b.st.Stage = "rescoring"
	b.details(ctx)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         dbRetry,
	})
	var ca *activities.Classify
	for {
		in := activities.BacklogPageInput{OwnerID: b.in.UserID, After: b.st.Cursor, Limit: b.settings.PageSize, MinConfidence: b.settings.MinConfidence}
		var page activities.BacklogPageResult
		if err := workflow.ExecuteActivity(actx, ca.RescoreBacklogPage, in).Get(ctx, &page); err != nil {
			return false, fmt.Errorf("backlog page after %q: %w", b.st.Cursor, err)
		}
		b.pages++
		b.st.Totals.Scanned += page.Scanned
		b.st.Totals.Filed += page.Filed
		b.st.Totals.Changed += page.Changed
		b.st.LastFiled = page.FiledIDs
		b.st.Cursor = page.Next
		b.drainSignals(ctx)
		if page.Done {
			b.st.Cursor = ""
			b.st.Totals.Passes++
			b.st.LastPassAt = workflow.Now(ctx)
			return true, nil
		}
		if b.pages >= backlogPagesPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			b.drainSignals(ctx)
			return false, workflow.NewContinueAsNewError(ctx, ReclassifyBacklogWorkflow, BacklogInput{
				UserID: b.in.UserID, Cursor: b.st.Cursor, Pending: b.pending, Totals: b.st.Totals,
			})
		}
	}
}

func (b *backlogRun) details(ctx workflow.Context) {
	t := b.st.Totals
	workflow.SetCurrentDetails(ctx, fmt.Sprintf("**%s** — %d corrections, %d passes, %d documents re-scored, %d filed, %d changed meanwhile",
		b.st.Stage, t.Corrections, t.Passes, t.Scanned, t.Filed, t.Changed))
}
