package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// The notetaker's call sites. Every decision about a meeting's bot is made
// by the calendar workflow and passes through these two functions, so the
// bot pipeline (MeetingBotWorkflow, one per meeting) plugs in here and
// nowhere else: requestMeetingBot will start it, tellMeetingBot will signal
// it. Until then they record the intent on the meeting (bot_status pending)
// and withdraw it.

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
	if changed {
		workflow.GetLogger(ctx).Info("notetaker requested", "meeting_id", meetingID, "reason", reason)
	}
	return changed
}

// tellMeetingBot tells the meeting's bot what changed. A bot that is only an
// intent has nothing to reschedule when the meeting moves; cancellation and
// "not wanted" withdraw it. It reports whether the bot was withdrawn.
func tellMeetingBot(ctx workflow.Context, meetingID string, news MeetingBotNews) bool {
	logger := workflow.GetLogger(ctx)
	switch news.Kind {
	case BotNewsCancelled, BotNewsNotWanted:
		var ca *activities.Calendar
		var withdrawn bool
		in := activities.BotIntentInput{MeetingID: meetingID, Reason: news.Reason}
		if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), ca.CancelBotIntent, in).Get(ctx, &withdrawn); err != nil {
			logger.Error("bot intent not withdrawn", "meeting_id", meetingID, "error", err)
			return false
		}
		logger.Info("notetaker withdrawn", "meeting_id", meetingID, "news", news.Kind, "reason", news.Reason)
		return withdrawn
	default:
		logger.Info("meeting changed for its notetaker", "meeting_id", meetingID, "news", news.Kind)
		return false
	}
}
