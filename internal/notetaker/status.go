package notetaker

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/db"
)

// BotStatus is one change of a meeting's notetaker status. Zero optional
// fields keep what is stored.
type BotStatus struct {
	MeetingID uuid.UUID
	Status    attendee.Status
	// Reason explains the status to the owner ("" clears it).
	Reason string
	// BotReason says why a bot is wanted (virtual_attendee, auto_join,
	// requested).
	BotReason string
	BotID     string
	// RawState and RawSubState are Attendee's state and the event sub-type
	// that led to it; nil keeps them.
	RawState, RawSubState *string
	// JoinAt is the bot's scheduled join time; SetJoinAt writes it (nil
	// clears it: the bot joins at once).
	JoinAt    *time.Time
	SetJoinAt bool
	WebhookAt *time.Time
	PollAt    *time.Time
}

// SetBotStatus is the one write of a meeting's bot status: the bot's
// workflow and the API both go through it (and the calendar's intents
// through RecordBotIntent and CancelBotIntent below), so what a status
// change means — and, later, the event that announces it — lives in one
// place.
func SetBotStatus(ctx context.Context, q *db.Queries, s BotStatus) error {
	if !validStatus(s.Status) {
		return fmt.Errorf("bot status %q is not one of BeSunny's", s.Status)
	}
	return q.SetMeetingBotStatus(ctx, db.SetMeetingBotStatusParams{
		ID: s.MeetingID, BotStatus: string(s.Status), BotStatusReason: s.Reason,
		BotReason: optional(s.BotReason), BotID: optional(s.BotID),
		RawState: s.RawState, RawSubState: s.RawSubState,
		SetJoinAt: s.SetJoinAt, JoinAt: s.JoinAt, WebhookAt: s.WebhookAt, PollAt: s.PollAt,
	})
}

func validStatus(s attendee.Status) bool {
	switch s {
	case attendee.StatusPending, attendee.StatusScheduled, attendee.StatusJoining, attendee.StatusWaitingRoom,
		attendee.StatusRecording, attendee.StatusPostProcessing, attendee.StatusCompleted, attendee.StatusFailed,
		attendee.StatusCancelled:
		return true
	}
	return false
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// RecordBotIntent marks a meeting's notetaker wanted (pending, with why)
// unless a bot is already under way, and reports whether it did. The
// calendar's bot call site records the wish through it.
func RecordBotIntent(ctx context.Context, q *db.Queries, meetingID uuid.UUID, reason string) (bool, error) {
	n, err := q.RecordMeetingBotIntent(ctx, db.RecordMeetingBotIntentParams{ID: meetingID, BotReason: reason})
	return n > 0, err
}

// CancelBotIntent withdraws a wish no bot has taken up yet (pending →
// cancelled, with why) and reports whether it did.
func CancelBotIntent(ctx context.Context, q *db.Queries, meetingID uuid.UUID, reason string) (bool, error) {
	n, err := q.CancelMeetingBotIntent(ctx, db.CancelMeetingBotIntentParams{ID: meetingID, BotStatusReason: reason})
	return n > 0, err
}
