package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/auth"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/meetings"
	"github.com/besunny/workflows/internal/notetaker"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// adhocDefaultLength is how long an ad-hoc meeting is taken to last when
// the request does not say.
const adhocDefaultLength = time.Hour

// RequestMeetingBot sends the notetaker to one of the caller's meetings.
func (s *Server) RequestMeetingBot(c echo.Context, id apigen.MeetingId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.ownMeeting(ctx, p, id)
	if err != nil {
		return err
	}
	switch {
	case m.TranscriptDocumentID != nil:
		return conflict("the meeting already has its transcript (document " + m.TranscriptDocumentID.String() + ")")
	case m.Status == "cancelled":
		return conflict("the meeting was cancelled")
	case !m.EndAt.After(time.Now()):
		return conflict("the meeting is over")
	}
	on := true
	if err := s.store.SetMeetingAutoJoin(ctx, db.SetMeetingAutoJoinParams{ID: m.ID, OwnerID: p.UserID, AutoJoin: &on}); err != nil {
		return err
	}
	return s.startMeetingBot(c, m.ID, p.UserID, m.BotStatus, false)
}

// CancelMeetingBot calls the notetaker off.
func (s *Server) CancelMeetingBot(c echo.Context, id apigen.MeetingId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.ownMeeting(ctx, p, id)
	if err != nil {
		return err
	}
	off := false
	if err := s.store.SetMeetingAutoJoin(ctx, db.SetMeetingAutoJoinParams{ID: m.ID, OwnerID: p.UserID, AutoJoin: &off}); err != nil {
		return err
	}
	const reason = "the owner called the notetaker off"
	err = s.temporal.SignalWorkflow(ctx, workflows.MeetingBotWorkflowID(m.ID.String()), "", workflows.MeetingChangedSignal,
		workflows.MeetingChange{Kind: workflows.MeetingUnwanted, Reason: reason})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		// No run follows the meeting: a pending wish is withdrawn here.
		if m.BotStatus == string(attendee.StatusPending) {
			return s.setBotStatus(c, notetaker.BotStatus{MeetingID: m.ID, Status: attendee.StatusCancelled, Reason: reason})
		}
		return c.NoContent(http.StatusAccepted)
	}
	if err != nil {
		return fmt.Errorf("tell the bot of meeting %s: %w", m.ID, err)
	}
	return c.NoContent(http.StatusAccepted)
}

func (s *Server) setBotStatus(c echo.Context, st notetaker.BotStatus) error {
	if err := notetaker.SetBotStatus(c.Request().Context(), s.store.Queries, st); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}

// CreateAdhocBot sends the notetaker to a meeting that is in no calendar.
func (s *Server) CreateAdhocBot(c echo.Context) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var in apigen.AdhocBotRequest
	if err := c.Bind(&in); err != nil {
		return badRequest(`send {"meeting_url": "...", "title": "...", "join_at": "<RFC 3339>"}`)
	}
	link := strings.TrimSpace(in.MeetingUrl)
	provider := meetings.Provider(link)
	switch provider {
	case meetings.ProviderGoogleMeet, meetings.ProviderZoom, meetings.ProviderTeams:
	default:
		return badRequest("meeting_url must be a Zoom, Google Meet or Microsoft Teams meeting link: the notetaker joins only those")
	}
	now := time.Now().UTC()
	start := now.Truncate(time.Second)
	if in.JoinAt != nil {
		start = in.JoinAt.UTC()
	}
	end := start.Add(adhocDefaultLength)
	if in.EndAt != nil {
		end = in.EndAt.UTC()
	}
	switch {
	case !end.After(start):
		return badRequest("end_at must be after join_at")
	case !end.After(now):
		return badRequest("the meeting is over: join_at/end_at are in the past")
	case start.After(now.AddDate(1, 0, 0)):
		return badRequest("join_at is more than a year ahead")
	}
	title := "Untitled meeting"
	if in.Title != nil && strings.TrimSpace(*in.Title) != "" {
		title = strings.TrimSpace(*in.Title)
	}
	ctx := c.Request().Context()
	u, err := s.store.GetUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	row, err := s.store.UpsertAdhocMeeting(ctx, db.UpsertAdhocMeetingParams{
		OwnerID: p.UserID, EventID: adhocEventID(link, in.JoinAt), Title: title, MeetingUrl: link,
		MeetingProvider: provider, StartAt: start, EndAt: end, OrganizerEmail: u.Email, OrganizerName: u.Name,
	})
	if err != nil {
		return err
	}
	return s.startMeetingBot(c, row.ID, p.UserID, row.BotStatus, !row.Inserted)
}

// adhocEventID names an ad-hoc meeting after its link and start, so the same
// request twice is one meeting (a request to join now is one per minute).
func adhocEventID(link string, joinAt *time.Time) string {
	when := "now:" + time.Now().UTC().Format("2006-01-02T15:04")
	if joinAt != nil {
		when = joinAt.UTC().Format(time.RFC3339)
	}
	sum := sha256.Sum256([]byte(link + "\n" + when))
	return "adhoc:" + hex.EncodeToString(sum[:12])
}

// startMeetingBot records the wish (pending) and starts the meeting's bot
// run, or tells the running one the notetaker is wanted.
func (s *Server) startMeetingBot(c echo.Context, meetingID, ownerID uuid.UUID, botStatus string, known bool) error {
	ctx := c.Request().Context()
	switch attendee.Status(botStatus) {
	case "none", attendee.StatusCancelled, attendee.StatusFailed:
		st := notetaker.BotStatus{MeetingID: meetingID, Status: attendee.StatusPending, BotReason: "requested"}
		if err := notetaker.SetBotStatus(ctx, s.store.Queries, st); err != nil {
			return err
		}
		botStatus = string(attendee.StatusPending)
	}
	id := workflows.MeetingBotWorkflowID(meetingID.String())
	duplicate := known
	err := s.temporal.SignalWorkflow(ctx, id, "", workflows.MeetingChangedSignal, workflows.MeetingChange{Kind: workflows.MeetingWanted})
	var nf *serviceerror.NotFound
	switch {
	case err == nil:
		duplicate = true
	case errors.As(err, &nf):
		_, err = s.temporal.ExecuteWorkflow(ctx, workflows.MeetingBotStartOptions(s.cfg.Temporal.TaskQueue, meetingID.String(), ownerID.String()),
			workflows.MeetingBotWorkflow, workflows.MeetingBotInput{MeetingID: meetingID.String(), OwnerID: ownerID.String()})
		if err != nil {
			return fmt.Errorf("start %s: %w", id, err)
		}
	default:
		return fmt.Errorf("tell %s: %w", id, err)
	}
	started := s.started(id)
	return c.JSON(http.StatusAccepted, apigen.MeetingBotStarted{
		MeetingId: meetingID, WorkflowId: id, StatusUrl: started.StatusUrl, UiUrl: started.UiUrl,
		BotStatus: botStatus, Duplicate: &duplicate,
	})
}

// GetMeetingBot shows a meeting's notetaker.
func (s *Server) GetMeetingBot(c echo.Context, id apigen.MeetingId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := s.ownMeeting(ctx, p, id)
	if err != nil {
		return err
	}
	out, err := s.meetingBot(ctx, m)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// meetingBot is a meeting's notetaker as the API shows it (also part of
// the meeting itself).
func (s *Server) meetingBot(ctx context.Context, m db.Meeting) (apigen.MeetingBot, error) {
	wf := workflows.MeetingBotWorkflowID(m.ID.String())
	out := apigen.MeetingBot{
		MeetingId: m.ID, Title: m.Title, MeetingUrl: m.MeetingUrl, StartAt: m.StartAt, EndAt: m.EndAt, Adhoc: &m.Adhoc,
		BotStatus: apigen.BotStatus(m.BotStatus), BotStatusReason: m.BotStatusReason, BotReason: &m.BotReason,
		BotId: m.BotID, RawState: &m.BotRawState, RawSubState: &m.BotRawSubState, JoinAt: m.BotJoinAt,
		LastWebhookAt: m.BotLastWebhookAt, LastPollAt: m.BotLastPollAt, StatusAt: m.BotStatusAt,
		WorkflowId: wf, UiUrl: ptr(s.workflowUIURL(wf)),
	}
	if m.TranscriptDocumentID != nil {
		d, err := s.store.GetDocumentForOwner(ctx, db.GetDocumentForOwnerParams{ID: *m.TranscriptDocumentID, OwnerID: m.OwnerID})
		switch {
		case err == nil:
			out.TranscriptDocument = &apigen.DocumentRef{Id: d.ID, Title: d.Title, ProjectId: d.ProjectID,
				ClassificationSource: &d.ClassificationSource, Confidence: d.Confidence}
		case !store.IsNotFound(err):
			return out, err
		}
	}
	hooks, err := s.store.ListAttendeeWebhooksForMeeting(ctx, db.ListAttendeeWebhooksForMeetingParams{MeetingID: &m.ID, MaxRows: 50})
	if err != nil {
		return out, err
	}
	deliveries := make([]apigen.AttendeeDelivery, 0, len(hooks))
	for _, h := range hooks {
		deliveries = append(deliveries, apigen.AttendeeDelivery{IdempotencyKey: h.IdempotencyKey, BotId: &h.BotID, Trigger: h.Trigger,
			NewState: &h.NewState, EventType: &h.EventType, EventSubType: &h.EventSubType, Outcome: h.Outcome,
			Deliveries: int(h.Deliveries), ReceivedAt: h.ReceivedAt})
	}
	out.Webhooks = &deliveries
	// Only a run that is still under way is asked: querying a closed run
	// replays its whole history on a worker.
	if !attendee.Status(m.BotStatus).Terminal() && m.BotStatus != "none" {
		if st, err := s.queryStatus(ctx, wf); err == nil {
			delete(st, "seen_keys")
			out.Status = &st
		}
	}
	return out, nil
}

// ownMeeting is the caller's meeting, or 404 (another user's meeting does
// not exist for them).
func (s *Server) ownMeeting(ctx context.Context, p auth.Principal, id uuid.UUID) (db.Meeting, error) {
	m, err := s.store.GetMeetingForOwner(ctx, db.GetMeetingForOwnerParams{ID: id, OwnerID: p.UserID})
	if store.IsNotFound(err) {
		return m, notFound("no such meeting")
	}
	return m, err
}

// sandboxAttendee is the sandbox Attendee's admin, or 404 outside it.
func (s *Server) sandboxAttendee() error {
	if s.attendeeSandbox == nil {
		return notFound("sandbox Attendee routes exist only without ATTENDEE_API_KEY (the sandbox Attendee)")
	}
	return nil
}
