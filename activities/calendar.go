package activities

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/google"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/store"
)

// Error types of Calendar activities.
const (
	// ErrTypeCalendarUnavailable: 429, rate-limit 403s or 5xx; retried
	// (after Retry-After).
	ErrTypeCalendarUnavailable = "CalendarUnavailable"
	// ErrTypeCalendarRejected: a request Calendar refuses for good.
	ErrTypeCalendarRejected = "CalendarRejected"
)

// Calendar reads users' calendars with their own OAuth grants and keeps
// their meetings, push channels and sync state in the store.
type Calendar struct {
	Accounts *google.Accounts
	Store    *store.Store
	// Virtual says which guests are BeSunny virtual addresses.
	Virtual mail.RecipientRules
	// WebhookURL is where push channels call (<WEBHOOK_BASE_URL>/webhooks/calendar);
	// empty means calendars are polled only.
	WebhookURL string
	Settings   CalendarSettings
}

// CalendarSettings are the Calendar settings a calendar's run reads at its
// start, so a changed setting applies from the next run on.
type CalendarSettings struct {
	// Push is true when push channels can be opened (WEBHOOK_BASE_URL set).
	Push bool `json:"push"`
	// SyncPast and SyncAhead bound a full sync around now.
	SyncPast  time.Duration `json:"sync_past"`
	SyncAhead time.Duration `json:"sync_ahead"`
	// PollInterval is the longest a calendar goes without a sync.
	PollInterval time.Duration `json:"poll_interval"`
	// FullResyncInterval renews the full sync, so events that were beyond
	// SyncAhead at the last one enter the window.
	FullResyncInterval time.Duration `json:"full_resync_interval"`
	ChannelTTL         time.Duration `json:"channel_ttl"`
	PageSize           int64         `json:"page_size"`
}

// CalendarSettings returns the Calendar settings this worker was configured
// with.
func (a *Calendar) CalendarSettings(context.Context) (CalendarSettings, error) {
	s := a.Settings
	s.Push = a.WebhookURL != ""
	return s, nil
}

// CalendarRef names one user's calendar.
type CalendarRef struct {
	UserID     string `json:"user_id"`
	CalendarID string `json:"calendar_id"`
}

func (r CalendarRef) owner() (uuid.UUID, error) {
	id, err := uuid.Parse(r.UserID)
	if err != nil || r.CalendarID == "" {
		return uuid.Nil, nonRetryable(ErrTypeInvalidInput, err, "calendar ref %q/%q", r.UserID, r.CalendarID)
	}
	return id, nil
}

// RegisterCalendar records that the calendar is watched.
func (a *Calendar) RegisterCalendar(ctx context.Context, ref CalendarRef) error {
	owner, err := ref.owner()
	if err != nil {
		return err
	}
	return a.Store.RegisterCalendar(ctx, db.RegisterCalendarParams{OwnerID: owner, CalendarID: ref.CalendarID})
}

// client returns a Calendar client acting as the owner, or why there is
// none (the owner disconnected Google).
func (a *Calendar) client(ctx context.Context, owner uuid.UUID) (*calendar.Service, string, error) {
	if a.Accounts == nil {
		return nil, "Google is switched off (GOOGLE_MODE=off)", nil
	}
	svc, err := a.Accounts.Calendar(ctx, owner)
	if errors.Is(err, google.ErrNotConnected) {
		return nil, "the owner has disconnected Google", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("Calendar client for %s: %w", owner, err)
	}
	return svc, "", nil
}

// SyncPageInput asks for one page of a sync. A full sync sets the window
// (TimeMin, TimeMax) and FullSyncMark; an incremental one the SyncToken.
// Every page of a sync repeats its parameters with the previous PageToken.
type SyncPageInput struct {
	CalendarRef
	SyncToken    string    `json:"sync_token,omitempty"`
	TimeMin      time.Time `json:"time_min,omitzero"`
	TimeMax      time.Time `json:"time_max,omitzero"`
	PageToken    string    `json:"page_token,omitempty"`
	FullSyncMark int64     `json:"full_sync_mark,omitempty"`
}

// SyncPageResult is one stored page: what it changed, and where the sync
// goes on. Gone means the sync token expired (410): the workflow discards
// it and syncs fully; Forbidden that the owner's access is lost.
type SyncPageResult struct {
	Gone          bool            `json:"gone,omitempty"`
	Forbidden     string          `json:"forbidden,omitempty"`
	NextPageToken string          `json:"next_page_token,omitempty"`
	NextSyncToken string          `json:"next_sync_token,omitempty"`
	Summary       string          `json:"summary,omitempty"`
	TimeZone      string          `json:"time_zone,omitempty"`
	Events        int             `json:"events"`
	Skipped       int             `json:"skipped,omitempty"`
	Changes       []MeetingChange `json:"changes,omitempty"`
}

// SyncPage reads one page of the calendar's events and stores every event
// of it (meetings upserted, cancellations applied) in one transaction
// before it returns, so the page's token only moves on after its events
// are stored.
func (a *Calendar) SyncPage(ctx context.Context, in SyncPageInput) (SyncPageResult, error) {
	owner, err := in.owner()
	if err != nil {
		return SyncPageResult{}, err
	}
	svc, why, err := a.client(ctx, owner)
	if err != nil || svc == nil {
		return SyncPageResult{Forbidden: why}, err
	}
	page, err := google.ListEvents(ctx, svc, google.EventsQuery{
		CalendarID: in.CalendarID, SyncToken: in.SyncToken, TimeMin: in.TimeMin, TimeMax: in.TimeMax,
		PageToken: in.PageToken, PageSize: a.Settings.PageSize,
	})
	if errors.Is(err, google.ErrSyncTokenExpired) {
		return SyncPageResult{Gone: true}, nil
	}
	if why := calendarAccess(err); why != "" {
		return SyncPageResult{Forbidden: why}, nil
	}
	if err != nil {
		return SyncPageResult{}, calendarError("events.list", err)
	}
	out := SyncPageResult{NextPageToken: page.NextPageToken, NextSyncToken: page.NextSyncToken,
		Summary: page.Summary, TimeZone: page.TimeZone, Events: len(page.Events)}
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		p, err := newPageStore(ctx, q, owner, in, a.Virtual, page.TimeZone, a.Settings.SyncPast)
		if err != nil {
			return err
		}
		for _, ev := range page.Events {
			if err := p.apply(ev); err != nil {
				return err
			}
		}
		out.Changes, out.Skipped = p.changes, p.skipped
		return nil
	})
	if err != nil {
		return SyncPageResult{}, fmt.Errorf("store events of %s: %w", in.CalendarID, err)
	}
	return out, nil
}

// FinishFullSyncInput names a finished full sync and its window.
type FinishFullSyncInput struct {
	CalendarRef
	FullSyncMark int64     `json:"full_sync_mark"`
	TimeMin      time.Time `json:"time_min"`
	TimeMax      time.Time `json:"time_max"`
}

// FinishFullSync removes the meetings of the window the full sync did not
// see: their events were deleted while no sync token could say so (a 410,
// or a calendar unwatched for a while). They go the way of cancellations.
func (a *Calendar) FinishFullSync(ctx context.Context, in FinishFullSyncInput) ([]MeetingChange, error) {
	owner, err := in.owner()
	if err != nil {
		return nil, err
	}
	var changes []MeetingChange
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		gone, err := q.ListUnseenMeetings(ctx, db.ListUnseenMeetingsParams{
			OwnerID: owner, CalendarID: in.CalendarID, FullSyncMark: in.FullSyncMark, WindowStart: in.TimeMin, WindowEnd: in.TimeMax,
		})
		if err != nil {
			return err
		}
		for _, eventID := range gone {
			ch, err := cancelMeeting(ctx, q, owner, in.CalendarID, eventID, "the event is no longer on the calendar")
			if err != nil {
				return err
			}
			if ch != nil {
				changes = append(changes, *ch)
			}
		}
		return nil
	})
	return changes, err
}

// SaveSyncTokenInput is the cursor after the last page of a sync.
type SaveSyncTokenInput struct {
	CalendarRef
	SyncToken string `json:"sync_token"`
	Full      bool   `json:"full"`
	Summary   string `json:"summary,omitempty"`
	TimeZone  string `json:"time_zone,omitempty"`
}

// SaveSyncToken stores the calendar's cursor (the workflow calls it after
// the last page; an empty token discards the cursor after a 410).
func (a *Calendar) SaveSyncToken(ctx context.Context, in SaveSyncTokenInput) error {
	owner, err := in.owner()
	if err != nil {
		return err
	}
	return a.Store.SaveCalendarSyncToken(ctx, db.SaveCalendarSyncTokenParams{
		OwnerID: owner, CalendarID: in.CalendarID, SyncToken: in.SyncToken, FullSync: in.Full, Summary: in.Summary, TimeZone: in.TimeZone,
	})
}

// CalendarTimesInput records when a calendar was last pushed or polled, and
// its last error.
type CalendarTimesInput struct {
	CalendarRef
	WebhookAt *time.Time `json:"webhook_at,omitempty"`
	PollAt    *time.Time `json:"poll_at,omitempty"`
}

// RecordCalendarTimes stores the last webhook and poll times.
func (a *Calendar) RecordCalendarTimes(ctx context.Context, in CalendarTimesInput) error {
	owner, err := in.owner()
	if err != nil {
		return err
	}
	return a.Store.RecordCalendarTimes(ctx, db.RecordCalendarTimesParams{OwnerID: owner, CalendarID: in.CalendarID, WebhookAt: in.WebhookAt, PollAt: in.PollAt})
}

// CalendarErrorInput is the calendar's latest error, for the API.
type CalendarErrorInput struct {
	CalendarRef
	Error string `json:"error"`
}

// RecordCalendarError stores the calendar's latest error.
func (a *Calendar) RecordCalendarError(ctx context.Context, in CalendarErrorInput) error {
	owner, err := in.owner()
	if err != nil {
		return err
	}
	return a.Store.SetCalendarError(ctx, db.SetCalendarErrorParams{OwnerID: owner, CalendarID: in.CalendarID, LastError: in.Error})
}

// EndCalendarInput ends a calendar's watch with the reason.
type EndCalendarInput struct {
	CalendarRef
	Reason string `json:"reason"`
}

// EndCalendar marks the calendar unwatched and drops its cursor.
func (a *Calendar) EndCalendar(ctx context.Context, in EndCalendarInput) error {
	owner, err := in.owner()
	if err != nil {
		return err
	}
	return a.Store.EndCalendar(ctx, db.EndCalendarParams{OwnerID: owner, CalendarID: in.CalendarID, EndedReason: in.Reason})
}

// CalendarChannel is an open push channel on a calendar.
type CalendarChannel struct {
	ID         string    `json:"id"`
	ResourceID string    `json:"resource_id"`
	Expiration time.Time `json:"expiration"`
}

// OpenCalendarChannelInput opens a channel whose id the workflow chose.
type OpenCalendarChannelInput struct {
	CalendarRef
	ChannelID string `json:"channel_id"`
}

// OpenCalendarChannel asks Calendar to push changes of the calendar's events
// (events.watch) to the webhook. The channel id comes from the workflow, so
// a retry after a lost answer finds the channel the first attempt opened
// instead of opening a second one. Each attempt sends a random token of its
// own and stores only its hash; the webhook accepts any of them.
func (a *Calendar) OpenCalendarChannel(ctx context.Context, in OpenCalendarChannelInput) (CalendarChannel, error) {
	owner, err := in.owner()
	if err != nil {
		return CalendarChannel{}, err
	}
	if a.WebhookURL == "" {
		return CalendarChannel{}, nonRetryable(ErrTypeCalendarRejected, nil, "no WEBHOOK_BASE_URL: calendars are polled only")
	}
	if in.ChannelID == "" {
		return CalendarChannel{}, nonRetryable(ErrTypeInvalidInput, nil, "a channel id is required")
	}
	if row, err := a.Store.GetCalendarChannel(ctx, in.ChannelID); err == nil && row.ResourceID != "" && row.Active {
		return CalendarChannel{ID: row.ChannelID, ResourceID: row.ResourceID, Expiration: row.Expiration.UTC()}, nil
	} else if err != nil && !store.IsNotFound(err) {
		return CalendarChannel{}, fmt.Errorf("load channel: %w", err)
	}
	svc, why, err := a.client(ctx, owner)
	if err != nil {
		return CalendarChannel{}, err
	}
	if svc == nil {
		return CalendarChannel{}, nonRetryable(ErrTypeCalendarRejected, nil, "%s", why)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return CalendarChannel{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(secret)
	hash := sha256.Sum256([]byte(token))
	exp := time.Now().Add(a.Settings.ChannelTTL)
	// Stored before Google knows the channel: its "sync" notification
	// arrives while events.watch is still answering.
	if err := a.Store.AddCalendarChannelToken(ctx, db.AddCalendarChannelTokenParams{
		ChannelID: in.ChannelID, OwnerID: owner, CalendarID: in.CalendarID, TokenHash: hash[:], Expiration: exp,
	}); err != nil {
		return CalendarChannel{}, fmt.Errorf("store channel: %w", err)
	}
	ch, err := google.WatchEvents(ctx, svc, google.ChannelRequest{
		CalendarID: in.CalendarID, ID: in.ChannelID, Token: token, Address: a.WebhookURL, TTL: a.Settings.ChannelTTL,
	})
	if errors.Is(err, google.ErrChannelExists) {
		// An earlier attempt opened it; its sync notification tells the
		// resource id, which stopping the channel needs.
		if row, err := a.Store.GetCalendarChannel(ctx, in.ChannelID); err == nil && row.ResourceID != "" {
			return CalendarChannel{ID: row.ChannelID, ResourceID: row.ResourceID, Expiration: row.Expiration.UTC()}, nil
		}
		return CalendarChannel{}, temporal.NewApplicationErrorWithOptions(
			"channel "+in.ChannelID+" was opened by an earlier attempt; waiting for its sync notification", ErrTypeCalendarUnavailable,
			temporal.ApplicationErrorOptions{NextRetryDelay: 5 * time.Second})
	}
	if why := calendarAccess(err); why != "" {
		return CalendarChannel{}, nonRetryable(ErrTypeCalendarRejected, err, "watch %s: %s", in.CalendarID, why)
	}
	if err != nil {
		return CalendarChannel{}, calendarError("events.watch", err)
	}
	if ch.Expiration > 0 {
		exp = time.UnixMilli(ch.Expiration)
	}
	if err := a.Store.SetCalendarChannelOpened(ctx, db.SetCalendarChannelOpenedParams{ChannelID: in.ChannelID, ResourceID: ch.ResourceId, Expiration: exp}); err != nil {
		// The retry finds the channel open at Google and learns its resource
		// id from the sync notification.
		return CalendarChannel{}, fmt.Errorf("store channel: %w", err)
	}
	return CalendarChannel{ID: in.ChannelID, ResourceID: ch.ResourceId, Expiration: exp.UTC()}, nil
}

// StopCalendarChannelInput stops one of the owner's channels.
type StopCalendarChannelInput struct {
	CalendarRef
	Channel CalendarChannel `json:"channel"`
}

// StopCalendarChannel marks the channel inactive (the webhook then answers 404,
// which also stops Google) and stops it at Google (channels.stop). Without
// the owner's grant there is nothing more to stop.
func (a *Calendar) StopCalendarChannel(ctx context.Context, in StopCalendarChannelInput) error {
	owner, err := in.owner()
	if err != nil {
		return err
	}
	if err := a.Store.DeactivateCalendarChannel(ctx, in.Channel.ID); err != nil {
		return fmt.Errorf("deactivate channel: %w", err)
	}
	svc, _, err := a.client(ctx, owner)
	if err != nil || svc == nil {
		return err
	}
	err = google.StopChannel(ctx, svc, in.Channel.ID, in.Channel.ResourceID)
	if err == nil || calendarAccess(err) != "" {
		return nil
	}
	return calendarError("channels.stop", err)
}

// calendarAccess says why an error means the owner cannot read the calendar
// (revoked grant, 401, 403, 404), or "" for other errors.
func calendarAccess(err error) string {
	if err == nil {
		return ""
	}
	res, done := accessResult(err)
	switch {
	case !done:
		return ""
	case res.Gone:
		return "the calendar does not exist or is no longer shared with the owner"
	default:
		return res.Forbidden
	}
}

func calendarError(op string, err error) error {
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		return fmt.Errorf("calendar %s: %w", op, err)
	}
	msg := fmt.Sprintf("calendar %s: %d %s", op, gerr.Code, gerr.Message)
	if gerr.Code == http.StatusTooManyRequests || gerr.Code >= 500 || hasReason(gerr, "rateLimitExceeded", "userRateLimitExceeded") {
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeCalendarUnavailable, temporal.ApplicationErrorOptions{
			NextRetryDelay: retryAfter(gerr.Header, time.Now()),
		})
	}
	return temporal.NewApplicationErrorWithOptions(msg, ErrTypeCalendarRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
}
