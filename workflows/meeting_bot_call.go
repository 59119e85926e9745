package workflows

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// The notetaker's call sites. Every decision about a meeting's bot is made
// by the calendar workflow and passes through these two functions, which
// reach the meeting's MeetingBotWorkflow (meeting/<id>): requestMeetingBot
// records the intent (bot_status pending) and starts it, tellMeetingBot
// signals it what changed — or, when no bot run follows the meeting,
// withdraws a pending intent.

// Kinds of news for a meeting's bot.
const (
	// BotNewsMoved: the meeting's start or end changed.
	BotNewsMoved = "moved"
	// BotNewsURLChanged: the meeting link changed.
	BotNewsURLChanged = "url_changed"
	// BotNewsCancelled: the meeting was cancelled.
	BotNewsCancelled = "cancelled"
	// BotNewsNotWanted: the notetaker is no longer wanted (the owner's
	// address was removed, auto-join turned off, the meeting switched off).
	BotNewsNotWanted = "not_wanted"
)

// MeetingBotNews is what a meeting's bot must know.
type MeetingBotNews struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
}

// botWorkflowChange marks the call sites' change from recording the intent
// only to running MeetingBotWorkflow: calendar histories recorded before it
// keep replaying.
const botWorkflowChange = "meeting-bot-workflow"

// requestMeetingBot asks for the meeting's notetaker; reason says why
// (virtual_attendee, auto_join, requested). It reports whether the meeting
// now has a bot it did not have.
func requestMeetingBot(ctx workflow.Context, meetingID, reason string) bool {
	var ca *activities.Calendar
	var changed bool
	in := activities.BotIntentInput{MeetingID: meetingID, Reason: reason}
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), ca.RecordBotIntent, in).Get(ctx, &changed); err != nil {
		workflow.GetLogger(ctx).Error("bot intent not recorded", "meeting_id", meetingID, "error", err)
		return false
	}
	if !changed {
		return false
	}
	workflow.GetLogger(ctx).Info("notetaker requested", "meeting_id", meetingID, "reason", reason)
	if workflow.GetVersion(ctx, botWorkflowChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return true
	}
	startMeetingBot(ctx, meetingID)
	return true
}

// startMeetingBot starts the meeting's bot run as an abandoned child (the
// calendar does not wait for meetings), or tells a running one that the
// notetaker is wanted.
func startMeetingBot(ctx workflow.Context, meetingID string) bool {
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            MeetingBotWorkflowID(meetingID),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(AttrMeetingID.ValueSet(meetingID),
			AttrSource.ValueSet("meeting"), AttrStatus.ValueSet(StatusPending)),
	})
	err := workflow.ExecuteChildWorkflow(child, MeetingBotWorkflow, MeetingBotInput{MeetingID: meetingID}).
		GetChildWorkflowExecution().Get(ctx, nil)
	var running *temporal.ChildWorkflowExecutionAlreadyStartedError
	switch {
	case err == nil:
		return true
	case errors.As(err, &running):
		delivered, _ := signalMeetingBot(ctx, meetingID, MeetingChange{Kind: MeetingWanted})
		return delivered
	}
	workflow.GetLogger(ctx).Error("meeting bot not started", "meeting_id", meetingID, "error", err)
	return false
}

// tellMeetingBot tells the meeting's bot what changed. It reports whether
// the bot was withdrawn (cancelled, not wanted) — by its run, or, when no
// run follows the meeting, by withdrawing the pending intent.
func tellMeetingBot(ctx workflow.Context, meetingID string, news MeetingBotNews) bool {
	logger := workflow.GetLogger(ctx)
	withdraw := news.Kind == BotNewsCancelled || news.Kind == BotNewsNotWanted
	if workflow.GetVersion(ctx, botWorkflowChange, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
		delivered, running := signalMeetingBot(ctx, meetingID, MeetingChange{Kind: changeKind(news.Kind), Reason: news.Reason})
		if running {
			return delivered && withdraw
		}
	}
	if !withdraw {
		logger.Info("meeting changed; no notetaker follows it", "meeting_id", meetingID, "news", news.Kind)
		return false
	}
	var ca *activities.Calendar
	var withdrawn bool
	in := activities.BotIntentInput{MeetingID: meetingID, Reason: news.Reason}
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), ca.CancelBotIntent, in).Get(ctx, &withdrawn); err != nil {
		logger.Error("bot intent not withdrawn", "meeting_id", meetingID, "error", err)
		return false
	}
	logger.Info("notetaker withdrawn", "meeting_id", meetingID, "news", news.Kind, "reason", news.Reason)
	return withdrawn
}

// signalMeetingBot signals the meeting's bot run; running is false when no
// run follows the meeting.
func signalMeetingBot(ctx workflow.Context, meetingID string, change MeetingChange) (delivered, running bool) {
	err := workflow.SignalExternalWorkflow(ctx, MeetingBotWorkflowID(meetingID), "", MeetingChangedSignal, change).Get(ctx, nil)
	var notRunning *temporal.UnknownExternalWorkflowExecutionError
	switch {
	case err == nil:
		return true, true
	case errors.As(err, &notRunning):
		return false, false
	}
	workflow.GetLogger(ctx).Error("meeting bot not told", "meeting_id", meetingID, "kind", change.Kind, "error", err)
	return false, true
}

// changeKind maps the calendar's news onto the bot run's changes.
func changeKind(news string) string {
	switch news {
	case BotNewsCancelled:
		return MeetingCancelled
	case BotNewsNotWanted:
		return MeetingUnwanted
	}
	return MeetingUpdated
}
