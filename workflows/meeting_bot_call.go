package workflows

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// MeetingBotNotice is what the calendar tells a meeting's notetaker.
type MeetingBotNotice struct {
	MeetingID string `json:"meeting_id"`
	OwnerID   string `json:"owner_id"`
	// Kind is MeetingWanted (a bot is wanted: start its run), MeetingUpdated
	// (time or link may have changed), MeetingCancelled or MeetingUnwanted.
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
}

// notifyMeetingBot is the one call site through which a workflow (the
// calendar's) reaches a meeting's notetaker. A wanted meeting gets its
// MeetingBotWorkflow as an abandoned child — or, when one already runs, a
// "wanted" change; any other notice is a signal to the running workflow,
// and when none runs there is no bot to tell (nothing to do). It reports
// whether the notice was delivered or had nobody to reach.
func notifyMeetingBot(ctx workflow.Context, n MeetingBotNotice) bool {
	logger := workflow.GetLogger(ctx)
	change := MeetingChange{Kind: n.Kind, Reason: n.Reason}
	if n.Kind == MeetingWanted {
		child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            MeetingBotWorkflowID(n.MeetingID),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				AttrMeetingID.ValueSet(n.MeetingID), AttrUserID.ValueSet([]string{n.OwnerID}),
				AttrSource.ValueSet("meeting"), AttrStatus.ValueSet(StatusPending)),
		})
		err := workflow.ExecuteChildWorkflow(child, MeetingBotWorkflow, MeetingBotInput{MeetingID: n.MeetingID, OwnerID: n.OwnerID}).
			GetChildWorkflowExecution().Get(ctx, nil)
		var running *temporal.ChildWorkflowExecutionAlreadyStartedError
		if err == nil {
			return true
		}
		if !errors.As(err, &running) {
			logger.Error("meeting bot not started", "meeting_id", n.MeetingID, "error", err)
			return false
		}
	}
	err := workflow.SignalExternalWorkflow(ctx, MeetingBotWorkflowID(n.MeetingID), "", MeetingChangedSignal, change).Get(ctx, nil)
	var notRunning *temporal.UnknownExternalWorkflowExecutionError
	if err == nil || errors.As(err, &notRunning) {
		return true
	}
	logger.Error("meeting bot not told", "meeting_id", n.MeetingID, "kind", n.Kind, "error", err)
	return false
}
