package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/notetaker"
	"github.com/besunny/workflows/internal/store"
)

// Metadata keys BeSunny puts on its bots (and finds again on webhooks).
const (
	BotMetadataMeetingID = "besunny_meeting_id"
	BotMetadataUserID    = "besunny_user_id"
)

// MeetingBots adapts Attendee and the meetings store to MeetingBotWorkflow.
type MeetingBots struct {
	Store *store.Store
	// Attendee is nil when no Attendee is configured.
	Attendee *attendee.Client
	Settings MeetingBotSettings
}

// MeetingBotSettings are the notetaker settings a meeting's run reads at its
// start.
type MeetingBotSettings struct {
	// Enabled is false when no Attendee is configured.
	Enabled bool   `json:"enabled"`
	Mode    string `json:"mode"`
	BotName string `json:"bot_name"`
	// WebhookURL is the bot-level webhook ("" without WEBHOOK_BASE_URL:
	// bots are then polled only).
	WebhookURL   string        `json:"webhook_url,omitempty"`
	JoinEarly    time.Duration `json:"join_early"`
	PollGrace    time.Duration `json:"poll_grace"`
	PollInterval time.Duration `json:"poll_interval"`
}

// MeetingBotSettings returns the settings this worker was configured with.
func (a *MeetingBots) MeetingBotSettings(context.Context) (MeetingBotSettings, error) {
	return a.Settings, nil
}

// MeetingSnapshot is what a meeting's run knows of the meeting.
type MeetingSnapshot struct {
	Found        bool      `json:"found"`
	ID           string    `json:"id"`
	OwnerID      string    `json:"owner_id"`
	Title        string    `json:"title"`
	URL          string    `json:"url"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Status       string    `json:"status"`
	StatusReason string    `json:"status_reason,omitempty"`
	// AutoJoin is the owner's choice for this meeting (nil: not made).
	AutoJoin  *bool  `json:"auto_join,omitempty"`
	BotStatus string `json:"bot_status"`
	BotReason string `json:"bot_reason,omitempty"`
	BotID     string `json:"bot_id,omitempty"`
	Adhoc     bool   `json:"adhoc,omitempty"`
	// TranscriptDocumentID is set once the transcript is stored.
	TranscriptDocumentID string `json:"transcript_document_id,omitempty"`
}

// LoadMeeting reads a meeting (Found false when it no longer exists).
func (a *MeetingBots) LoadMeeting(ctx context.Context, meetingID string) (MeetingSnapshot, error) {
	id, err := uuid.Parse(meetingID)
	if err != nil {
		return MeetingSnapshot{}, nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", meetingID)
	}
	m, err := a.Store.GetMeetingForBot(ctx, id)
	if store.IsNotFound(err) {
		return MeetingSnapshot{ID: meetingID}, nil
	}
	if err != nil {
		return MeetingSnapshot{}, fmt.Errorf("load meeting %s: %w", meetingID, err)
	}
	s := MeetingSnapshot{
		Found: true, ID: meetingID, OwnerID: m.OwnerID.String(), Title: m.Title, URL: m.MeetingUrl,
		Start: m.StartAt, End: m.EndAt, Status: m.Status, StatusReason: m.StatusReason, AutoJoin: m.AutoJoin,
		BotStatus: m.BotStatus, BotReason: m.BotReason, BotID: deref(m.BotID), Adhoc: m.Adhoc,
	}
	if m.TranscriptDocumentID != nil {
		s.TranscriptDocumentID = m.TranscriptDocumentID.String()
	}
	return s, nil
}

// BotStatusInput is one change of a meeting's bot status.
type BotStatusInput struct {
	MeetingID   string     `json:"meeting_id"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason,omitempty"`
	BotID       string     `json:"bot_id,omitempty"`
	RawState    *string    `json:"raw_state,omitempty"`
	RawSubState *string    `json:"raw_sub_state,omitempty"`
	SetJoinAt   bool       `json:"set_join_at,omitempty"`
	JoinAt      *time.Time `json:"join_at,omitempty"`
	WebhookAt   *time.Time `json:"webhook_at,omitempty"`
	PollAt      *time.Time `json:"poll_at,omitempty"`
}

// SetBotStatus writes a meeting's bot status (notetaker.SetBotStatus).
func (a *MeetingBots) SetBotStatus(ctx context.Context, in BotStatusInput) error {
	id, err := uuid.Parse(in.MeetingID)
	if err != nil {
		return nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", in.MeetingID)
	}
	err = notetaker.SetBotStatus(ctx, a.Store.Queries, notetaker.BotStatus{
		MeetingID: id, Status: attendee.Status(in.Status), Reason: in.Reason, BotID: in.BotID,
		RawState: in.RawState, RawSubState: in.RawSubState, SetJoinAt: in.SetJoinAt, JoinAt: in.JoinAt,
		WebhookAt: in.WebhookAt, PollAt: in.PollAt,
	})
	if err != nil {
		return fmt.Errorf("bot status of meeting %s: %w", in.MeetingID, err)
	}
	return nil
}

// BotView is what a run keeps of an Attendee bot.
type BotView struct {
	ID         string     `json:"id"`
	State      string     `json:"state"`
	MeetingURL string     `json:"meeting_url,omitempty"`
	JoinAt     *time.Time `json:"join_at,omitempty"`
	// The newest event: what led to State, and when.
	EventType    string    `json:"event_type,omitempty"`
	EventSubType string    `json:"event_sub_type,omitempty"`
	EventAt      time.Time `json:"event_at"`
	// Admitted: the bot was in the meeting at some point.
	Admitted bool `json:"admitted,omitempty"`
	// RecordingDenied: the host refused to let it record.
	RecordingDenied bool `json:"recording_denied,omitempty"`
	// Adopted: CreateBot found the bot an earlier attempt made.
	Adopted bool `json:"adopted,omitempty"`
}

func botView(b attendee.Bot) BotView {
	last := b.LastEvent()
	return BotView{
		ID: b.ID, State: b.State, MeetingURL: b.MeetingURL, JoinAt: b.JoinAt,
		EventType: last.Type, EventSubType: last.SubType, EventAt: last.CreatedAt,
		Admitted:        b.HasEvent(attendee.EventJoinedMeeting) || attendee.InMeeting(b.State),
		RecordingDenied: b.HasEvent(attendee.EventRecordingPermissionDenied),
	}
}

// CreateBotInput asks for a meeting's bot. DeduplicationKey comes from the
// run, so every attempt of the activity asks for the same bot.
type CreateBotInput struct {
	MeetingID        string `json:"meeting_id"`
	OwnerID          string `json:"owner_id"`
	DeduplicationKey string `json:"deduplication_key"`
	MeetingURL       string `json:"meeting_url"`
	// JoinAt is nil for a meeting already running.
	JoinAt *time.Time `json:"join_at,omitempty"`
}

// CreateBot sends the meeting's bot, or finds the one an earlier attempt
// sent: it looks the deduplication key up first, and Attendee refuses a
// second bot with a key in use (then the lookup finds the first).
func (a *MeetingBots) CreateBot(ctx context.Context, in CreateBotInput) (BotView, error) {
	if a.Attendee == nil {
		return BotView{}, nonRetryable(ErrTypeAttendeeDisabled, nil, "no notetaker service is configured (ATTENDEE_API_KEY)")
	}
	if b, ok, err := a.findBot(ctx, in.DeduplicationKey); err != nil || ok {
		return b, err
	}
	req := attendee.CreateBotRequest{
		MeetingURL: in.MeetingURL, BotName: a.Settings.BotName, DeduplicationKey: in.DeduplicationKey,
		Metadata: map[string]string{BotMetadataMeetingID: in.MeetingID, BotMetadataUserID: in.OwnerID},
	}
	// A retry that comes late (Attendee was down) sends the bot at once
	// rather than with a join time Attendee would refuse as past.
	if in.JoinAt != nil && time.Until(*in.JoinAt) >= notetaker.MinJoinLead {
		req.JoinAt = *in.JoinAt
	}
	if a.Settings.WebhookURL != "" {
		req.Webhooks = []attendee.WebhookSubscription{{URL: a.Settings.WebhookURL, Triggers: []string{attendee.TriggerStateChange}}}
	}
	bot, err := a.Attendee.CreateBot(ctx, req)
	if attendee.IsDeduplicationConflict(err) {
		b, ok, ferr := a.findBot(ctx, in.DeduplicationKey)
		if ferr != nil || ok {
			return b, ferr
		}
	}
	if err != nil {
		return BotView{}, attendeeError(err)
	}
	return botView(bot), nil
}

// findBot returns the live bot holding key, if any.
func (a *MeetingBots) findBot(ctx context.Context, key string) (BotView, bool, error) {
	bots, err := a.Attendee.ListBots(ctx, attendee.BotQuery{DeduplicationKey: key})
	if err != nil {
		return BotView{}, false, attendeeError(err)
	}
	for i := len(bots) - 1; i >= 0; i-- {
		if !attendee.Final(bots[i].State) {
			v := botView(bots[i])
			v.Adopted = true
			return v, true, nil
		}
	}
	return BotView{}, false, nil
}

// GetBot reads a bot (a poll).
func (a *MeetingBots) GetBot(ctx context.Context, botID string) (BotView, error) {
	if a.Attendee == nil {
		return BotView{}, nonRetryable(ErrTypeAttendeeDisabled, nil, "no notetaker service is configured (ATTENDEE_API_KEY)")
	}
	b, err := a.Attendee.GetBot(ctx, botID)
	if err != nil {
		return BotView{}, attendeeError(err)
	}
	return botView(b), nil
}

// RescheduleInput moves a scheduled bot.
type RescheduleInput struct {
	BotID  string    `json:"bot_id"`
	JoinAt time.Time `json:"join_at"`
}

// RescheduleBot moves a scheduled bot's join time; a bot that is no longer
// scheduled is an AttendeeRejected error.
func (a *MeetingBots) RescheduleBot(ctx context.Context, in RescheduleInput) (BotView, error) {
	if a.Attendee == nil {
		return BotView{}, nonRetryable(ErrTypeAttendeeDisabled, nil, "no notetaker service is configured (ATTENDEE_API_KEY)")
	}
	b, err := a.Attendee.RescheduleBot(ctx, in.BotID, in.JoinAt)
	if err != nil {
		return BotView{}, attendeeError(err)
	}
	return botView(b), nil
}

// WithdrawResult says what became of a withdrawn bot.
type WithdrawResult struct {
	Outcome string  `json:"outcome"`
	Bot     BotView `json:"bot"`
}

// WithdrawBot deletes a scheduled bot or makes a joined one leave
// (attendee.Withdraw).
func (a *MeetingBots) WithdrawBot(ctx context.Context, botID string) (WithdrawResult, error) {
	if a.Attendee == nil {
		return WithdrawResult{Outcome: string(attendee.WithdrawGone)}, nil
	}
	out, b, err := a.Attendee.Withdraw(ctx, botID)
	if err != nil {
		return WithdrawResult{}, attendeeError(err)
	}
	return WithdrawResult{Outcome: string(out), Bot: botView(b)}, nil
}

// TranscriptInput names the bot whose transcript becomes the meeting's
// document.
type TranscriptInput struct {
	MeetingID string `json:"meeting_id"`
	BotID     string `json:"bot_id"`
}

// TranscriptResult is what was stored (the text stays in PostgreSQL).
type TranscriptResult struct {
	Empty         bool   `json:"empty"`
	DocumentID    string `json:"document_id,omitempty"`
	Revision      int    `json:"revision,omitempty"`
	Utterances    int    `json:"utterances"`
	Speakers      int    `json:"speakers"`
	Words         int    `json:"words"`
	Chars         int    `json:"chars"`
	SpokenSeconds int64  `json:"spoken_seconds"`
}

// StoreTranscript fetches the bot's transcript and stores it as the
// meeting's document (one per bot: the document's source id is the bot id,
// so a retry updates it). An empty transcript stores nothing.
func (a *MeetingBots) StoreTranscript(ctx context.Context, in TranscriptInput) (TranscriptResult, error) {
	if a.Attendee == nil {
		return TranscriptResult{}, nonRetryable(ErrTypeAttendeeDisabled, nil, "no notetaker service is configured (ATTENDEE_API_KEY)")
	}
	id, err := uuid.Parse(in.MeetingID)
	if err != nil {
		return TranscriptResult{}, nonRetryable(ErrTypeInvalidInput, err, "meeting id %q", in.MeetingID)
	}
	m, err := a.Store.GetMeetingForBot(ctx, id)
	if err != nil {
		return TranscriptResult{}, fmt.Errorf("load meeting %s: %w", in.MeetingID, err)
	}
	utterances, err := a.Attendee.Transcript(ctx, in.BotID)
	if err != nil {
		return TranscriptResult{}, attendeeError(err)
	}
	t := attendee.RenderTranscript(utterances, m.StartAt)
	res := TranscriptResult{Empty: t.Empty(), Utterances: t.Utterances, Speakers: len(t.Speakers), Words: t.Words,
		Chars: len(t.Text), SpokenSeconds: int64(t.Duration / time.Second)}
	if t.Empty() {
		return res, nil
	}
	doc, err := notetaker.BuildDocument(transcriptMeeting(m), in.BotID, t)
	if err != nil {
		return TranscriptResult{}, nonRetryable(ErrTypeInvalidInput, err, "transcript document of meeting %s", in.MeetingID)
	}
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		row, err := q.UpsertDocument(ctx, db.UpsertDocumentParams{
			OwnerID: m.OwnerID, Source: notetaker.DocumentSource, SourceID: in.BotID, Type: notetaker.DocumentType,
			Title: doc.Title, Author: doc.Author, Content: doc.Content, Metadata: doc.Metadata, ReceivedAt: doc.ReceivedAt,
		})
		if err != nil {
			return fmt.Errorf("store transcript of meeting %s: %w", in.MeetingID, err)
		}
		res.DocumentID, res.Revision = row.ID.String(), int(row.ClassifyRevision)
		return q.LinkTranscriptDocument(ctx, db.LinkTranscriptDocumentParams{ID: id, DocumentID: &row.ID})
	})
	if err != nil {
		return TranscriptResult{}, err
	}
	return res, nil
}

// transcriptMeeting is the document's view of a meeting; an ad-hoc
// meeting's organizer is its owner.
func transcriptMeeting(m db.GetMeetingForBotRow) notetaker.Meeting {
	out := notetaker.Meeting{
		ID: m.ID.String(), Title: m.Title, URL: m.MeetingUrl, Start: m.StartAt, End: m.EndAt, TimeZone: m.TimeZone,
		OrganizerName: m.OrganizerName, OrganizerEmail: m.OrganizerEmail,
	}
	if out.OrganizerEmail == "" && out.OrganizerName == "" {
		out.OrganizerName, out.OrganizerEmail = m.OwnerName, m.OwnerEmail
	}
	_ = json.Unmarshal(m.Attendees, &out.Attendees) // malformed attendees: the transcript is stored without them
	return out
}
