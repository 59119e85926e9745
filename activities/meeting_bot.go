package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/meetings"
	"github.com/besunny/workflows/internal/notetaker"
)

// BotIntentInput records or withdraws the wish for a meeting's notetaker.
type BotIntentInput struct {
	MeetingID string `json:"meeting_id"`
	Reason    string `json:"reason"`
}

// RecordBotIntent marks the meeting's bot pending (unless a bot is already
// under way) and reports whether it did.
func (a *Calendar) RecordBotIntent(ctx context.Context, in BotIntentInput) (bool, error) {
	id, err := uuid.Parse(in.MeetingID)
	if err != nil {
		return false, nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", in.MeetingID)
	}
	return notetaker.RecordBotIntent(ctx, a.Store.Queries, id, in.Reason)
}

// CancelBotIntent withdraws a pending bot (meeting cancelled, notetaker no
// longer wanted) and reports whether it did.
func (a *Calendar) CancelBotIntent(ctx context.Context, in BotIntentInput) (bool, error) {
	id, err := uuid.Parse(in.MeetingID)
	if err != nil {
		return false, nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", in.MeetingID)
	}
	return notetaker.CancelBotIntent(ctx, a.Store.Queries, id, in.Reason)
}

// ReviewBotsInput asks which upcoming meetings of a calendar (or one of
// them) must have their notetaker requested or withdrawn, after the owner
// changed a setting.
type ReviewBotsInput struct {
	CalendarRef
	MeetingID string `json:"meeting_id,omitempty"`
}

// ReviewBots lists the upcoming meetings whose bot status disagrees with
// whether they want the notetaker.
func (a *Calendar) ReviewBots(ctx context.Context, in ReviewBotsInput) ([]MeetingChange, error) {
	owner, err := in.owner()
	if err != nil {
		return nil, err
	}
	params := db.ListMeetingsForBotReviewParams{OwnerID: owner, CalendarID: in.CalendarID, After: time.Now()}
	if in.MeetingID != "" {
		id, err := uuid.Parse(in.MeetingID)
		if err != nil {
			return nil, nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", in.MeetingID)
		}
		params.MeetingID = &id
	}
	rows, err := a.Store.ListMeetingsForBotReview(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("meetings of %s: %w", in.CalendarID, err)
	}
	var out []MeetingChange
	for _, r := range rows {
		c := MeetingChange{MeetingID: r.ID.String(), Kind: MeetingUpdated, BotStatus: r.BotStatus}
		c.WantsBot, c.BotReason = meetings.WantsBot(meetings.BotFacts{
			OwnerUsername: r.OwnerUsername, OwnerAutoJoin: r.AutoJoinMeetings, VirtualUsernames: r.VirtualUsernames,
			EventStatus: r.EventStatus, AutoJoin: r.AutoJoin,
		})
		if botDecisionDue(c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// UpcomingBots lists the calendar's upcoming meetings whose notetaker is
// wanted or under way: when the calendar stops being watched, nothing
// would tell their bots about moves or cancellations any more.
func (a *Calendar) UpcomingBots(ctx context.Context, ref CalendarRef) ([]MeetingChange, error) {
	owner, err := ref.owner()
	if err != nil {
		return nil, err
	}
	rows, err := a.Store.ListMeetingsForBotReview(ctx, db.ListMeetingsForBotReviewParams{OwnerID: owner, CalendarID: ref.CalendarID, After: time.Now()})
	if err != nil {
		return nil, fmt.Errorf("meetings of %s: %w", ref.CalendarID, err)
	}
	var out []MeetingChange
	for _, r := range rows {
		switch r.BotStatus {
		case "none", "cancelled", "completed", "failed":
			continue
		}
		out = append(out, MeetingChange{MeetingID: r.ID.String(), Kind: MeetingUpdated, BotStatus: r.BotStatus})
	}
	return out, nil
}
