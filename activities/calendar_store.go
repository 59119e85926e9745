package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/api/calendar/v3"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/meetings"
	"github.com/besunny/workflows/internal/store"
)

// Kinds of meeting changes.
const (
	MeetingCreated   = "created"
	MeetingUpdated   = "updated"
	MeetingCancelled = "cancelled"
	// MeetingDeleted: cancelled, and nothing (no bot, project or
	// transcript) kept it.
	MeetingDeleted = "deleted"
)

// MeetingChange is what a sync did to one meeting, with what the workflow
// needs to act on it: classify a new revision, tell or request the bot.
type MeetingChange struct {
	MeetingID  string `json:"meeting_id"`
	EventID    string `json:"event_id"`
	Kind       string `json:"kind"`
	Moved      bool   `json:"moved,omitempty"`
	URLChanged bool   `json:"url_changed,omitempty"`
	Restored   bool   `json:"restored,omitempty"`
	// ClassifyRevision is set when the meeting's revision must be
	// classified.
	ClassifyRevision int `json:"classify_revision,omitempty"`
	// BotStatus is the meeting's bot status before the workflow acts.
	BotStatus string `json:"bot_status"`
	// WantsBot and BotReason: whether the notetaker should join (upcoming
	// meetings only), and why (or why not).
	WantsBot  bool   `json:"wants_bot,omitempty"`
	BotReason string `json:"bot_reason,omitempty"`
}

// pageStore applies the events of one page inside one transaction.
type pageStore struct {
	ctx      context.Context
	q        *db.Queries
	in       SyncPageInput
	owner    uuid.UUID
	user     db.User
	reader   meetings.Reader
	now      time.Time
	keepFrom time.Time
	changes  []MeetingChange
	skipped  int
}

func newPageStore(ctx context.Context, q *db.Queries, owner uuid.UUID, in SyncPageInput, virtual mail.RecipientRules, tz string, past time.Duration) (*pageStore, error) {
	user, err := q.GetUser(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("load owner %s: %w", owner, err)
	}
	now := time.Now()
	return &pageStore{ctx: ctx, q: q, in: in, owner: owner, user: user, now: now, keepFrom: now.Add(-past),
		reader: meetings.Reader{Virtual: virtual, CalendarTimeZone: tz}}, nil
}

func (p *pageStore) apply(ev *calendar.Event) error {
	r := p.reader.Read(ev)
	switch r.Kind {
	case meetings.KindMeeting:
		return p.upsert(r.Meeting)
	case meetings.KindCancelled:
		// A cancelled series (not one instance) takes its instances along.
		return p.cancel(r.EventID, "the event was cancelled", r.RecurringEventID == "")
	case meetings.KindNoMeeting:
		return p.cancel(r.EventID, "the event no longer has a meeting link", false)
	default:
		p.skipped++
		return nil
	}
}

func (p *pageStore) upsert(m meetings.Meeting) error {
	prevRow, err := p.q.GetMeetingForSync(p.ctx, db.GetMeetingForSyncParams{OwnerID: p.owner, EventID: m.EventID})
	var prev *meetings.Stored
	switch {
	case store.IsNotFound(err):
		if m.End.Before(p.keepFrom) {
			// Incremental syncs also report old events; a meeting long
			// over is not worth a row.
			p.skipped++
			return nil
		}
	case err != nil:
		return err
	default:
		var as []meetings.Attendee
		_ = json.Unmarshal(prevRow.Attendees, &as)
		prev = &meetings.Stored{Title: prevRow.Title, Description: prevRow.Description, Location: prevRow.Location,
			URL: prevRow.MeetingUrl, Start: prevRow.StartAt, End: prevRow.EndAt, AllDay: prevRow.AllDay,
			OrganizerEmail: prevRow.OrganizerEmail, Attendees: as, Cancelled: prevRow.Status == "cancelled"}
	}
	change := meetings.Compare(prev, m)
	attendees, err := json.Marshal(m.Attendees)
	if err != nil {
		return err
	}
	params := db.UpsertMeetingParams{
		OwnerID: p.owner, CalendarID: p.in.CalendarID, EventID: m.EventID, RecurringEventID: m.RecurringEventID, IcalUid: m.ICalUID,
		Title: m.Title, Description: m.Description, Location: m.Location, MeetingUrl: m.URL, MeetingProvider: m.Provider,
		StartAt: m.Start, EndAt: m.End, AllDay: m.AllDay, TimeZone: m.TimeZone, OrganizerEmail: m.OrganizerEmail,
		OrganizerName: m.OrganizerName, Attendees: attendees, VirtualUsernames: nonNil(m.VirtualUsernames),
		EventStatus: m.EventStatus, HtmlLink: m.HTMLLink, SeenInFullSync: p.in.FullSyncMark, Reclassify: prev != nil && change.Reclassify,
	}
	if m.AllDay {
		params.StartDate, params.EndDate = dateOf(m.StartDate), dateOf(m.EndDate)
	}
	if !m.Updated.IsZero() {
		params.EventUpdatedAt = &m.Updated
	}
	row, err := p.q.UpsertMeeting(p.ctx, params)
	if err != nil {
		return fmt.Errorf("store meeting of event %s: %w", m.EventID, err)
	}
	out := MeetingChange{MeetingID: row.ID.String(), EventID: m.EventID, Kind: MeetingUpdated, Moved: change.Moved,
		URLChanged: change.URLChanged, Restored: change.Restored, BotStatus: row.BotStatus}
	if change.Created {
		out.Kind = MeetingCreated
	}
	if change.Reclassify {
		out.ClassifyRevision = int(row.ClassifyRevision)
	}
	if m.End.After(p.now) {
		var autoJoin *bool
		if prev != nil {
			autoJoin = prevRow.AutoJoin
		}
		out.WantsBot, out.BotReason = meetings.WantsBot(meetings.BotFacts{
			OwnerUsername: deref(p.user.Username), OwnerAutoJoin: p.user.AutoJoinMeetings,
			VirtualUsernames: m.VirtualUsernames, EventStatus: m.EventStatus, AutoJoin: autoJoin,
		})
	}
	if change.Any() || botDecisionDue(out) {
		p.changes = append(p.changes, out)
	}
	return nil
}

// botDecisionDue reports whether the meeting's bot status disagrees with
// whether it wants the notetaker (a guest list or setting changed).
func botDecisionDue(c MeetingChange) bool {
	return (c.WantsBot && (c.BotStatus == "none" || c.BotStatus == "cancelled")) || (!c.WantsBot && botUnderWay(c.BotStatus))
}

// botUnderWay reports whether a meeting's notetaker is wanted or on its way
// (a bot that is scheduled or in the meeting can still be called off).
func botUnderWay(status string) bool {
	switch status {
	case "pending", "bot_scheduled", "joining", "in_waiting_room", "recording":
		return true
	}
	return false
}

// cancel applies a cancelled (or no longer meeting) event to the event's
// meeting and, for a series, to its instances.
func (p *pageStore) cancel(eventID, reason string, series bool) error {
	ch, err := cancelMeeting(p.ctx, p.q, p.owner, p.in.CalendarID, eventID, reason)
	if err != nil {
		return err
	}
	if ch != nil {
		p.changes = append(p.changes, *ch)
	}
	if !series {
		return nil
	}
	instances, err := p.q.ListSeriesMeetings(p.ctx, db.ListSeriesMeetingsParams{OwnerID: p.owner, CalendarID: p.in.CalendarID, RecurringEventID: eventID})
	if err != nil {
		return err
	}
	for _, id := range instances {
		ch, err := cancelMeeting(p.ctx, p.q, p.owner, p.in.CalendarID, id, reason)
		if err != nil {
			return err
		}
		if ch != nil {
			p.changes = append(p.changes, *ch)
		}
	}
	return nil
}

// cancelMeeting deletes the event's meeting, or marks it cancelled when its
// bot, project or transcript keeps it. A meeting of another calendar of the
// owner (the same event on two calendars) is left alone.
func cancelMeeting(ctx context.Context, q *db.Queries, owner uuid.UUID, calendarID, eventID, reason string) (*MeetingChange, error) {
	prev, err := q.GetMeetingForSync(ctx, db.GetMeetingForSyncParams{OwnerID: owner, EventID: eventID})
	if store.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if prev.CalendarID != calendarID || prev.Status == "cancelled" {
		return nil, nil
	}
	out := &MeetingChange{MeetingID: prev.ID.String(), EventID: eventID, Kind: MeetingCancelled, BotStatus: prev.BotStatus, BotReason: reason}
	if prev.BotStatus != "none" || prev.ProjectID != nil || prev.TranscriptDocumentID != nil {
		return out, q.MarkMeetingCancelled(ctx, db.MarkMeetingCancelledParams{ID: prev.ID, StatusReason: reason})
	}
	out.Kind = MeetingDeleted
	return out, q.DeleteMeeting(ctx, prev.ID)
}

func dateOf(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return &t
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
