package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	openapi_types "github.com/oapi-codegen/runtime/types"
	"go.temporal.io/api/serviceerror"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/meetings"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// ListMeetings pages through the caller's meetings, soonest first.
func (s *Server) ListMeetings(c echo.Context, params apigen.ListMeetingsParams) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	limit := 50
	if params.Limit != nil {
		limit = min(max(*params.Limit, 1), 200)
	}
	q := db.ListMeetingsForOwnerParams{OwnerID: p.UserID, MaxRows: int32(limit + 1), FromTime: params.From, ToTime: params.To,
		ProjectID: params.ProjectId, Status: "active"}
	if params.Status != nil {
		q.Status = string(*params.Status)
	}
	if params.BotStatus != nil {
		bs := string(*params.BotStatus)
		q.BotStatus = &bs
	}
	if params.Cursor != nil {
		at, id, err := decodeCursor(*params.Cursor)
		if err != nil {
			return badRequest("cursor is not one this API returned")
		}
		q.AfterStart, q.AfterID = &at, &id
	}
	rows, err := s.store.ListMeetingsForOwner(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := apigen.MeetingList{Meetings: make([]apigen.Meeting, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			last := rows[limit-1]
			out.NextCursor = ptr(encodeCursor(last.StartAt, last.ID))
			break
		}
		out.Meetings = append(out.Meetings, meetingBody(r))
	}
	return c.JSON(http.StatusOK, out)
}

// GetMeeting returns one of the caller's meetings with its decisions;
// others' are 404.
func (s *Server) GetMeeting(c echo.Context, id openapi_types.UUID) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	return s.meetingAnswer(c, id, p.UserID)
}

func (s *Server) meetingAnswer(c echo.Context, id, owner uuid.UUID) error {
	ctx := c.Request().Context()
	m, err := s.store.GetMeetingForOwner(ctx, db.GetMeetingForOwnerParams{ID: id, OwnerID: owner})
	if store.IsNotFound(err) {
		return notFound("no meeting " + id.String())
	}
	if err != nil {
		return err
	}
	rows, err := s.store.ListMeetingDecisions(ctx, id)
	if err != nil {
		return err
	}
	decisions := make([]apigen.Decision, 0, len(rows))
	for _, r := range rows {
		decisions = append(decisions, apigen.Decision{
			Id: r.ID, Revision: int(r.Revision), Path: apigen.DecisionPath(r.Path), Classifier: r.Classifier,
			ProjectId: r.ProjectID, Confidence: r.Confidence, MatchedTags: r.MatchedTags,
			InferredTags: r.InferredTags, Reason: r.Reason, TokensIn: int(r.TokensIn), TokensOut: int(r.TokensOut),
			LatencyMs: int(r.LatencyMs), Applied: r.Applied, CreatedAt: r.CreatedAt,
		})
	}
	body := meetingBody(m)
	body.Decisions = &decisions
	bot, err := s.meetingBot(ctx, m)
	if err != nil {
		return err
	}
	body.Bot = &bot
	return c.JSON(http.StatusOK, body)
}

// UpdateMeeting sets the meeting's project by hand and/or its notetaker.
// Only the fields present in the body change: `"project_id": null` clears
// the project, an absent one keeps it.
func (s *Server) UpdateMeeting(c echo.Context, id openapi_types.UUID) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	body, err := io.ReadAll(c.Request().Body)
	if err != nil || json.Unmarshal(body, &fields) != nil {
		return badRequest(`send {"project_id": "<uuid>" | null, "auto_join": true | false | null}`)
	}
	var in apigen.MeetingPatch
	if err := json.Unmarshal(body, &in); err != nil {
		return badRequest("project_id must be a uuid or null, auto_join true, false or null")
	}
	_, setProject := fields["project_id"]
	_, setAutoJoin := fields["auto_join"]
	if !setProject && !setAutoJoin {
		return badRequest("nothing to change: send project_id and/or auto_join")
	}
	ctx := c.Request().Context()
	var m db.Meeting
	err = s.store.InTx(ctx, func(q *db.Queries) error {
		m, err = q.GetMeetingForOwner(ctx, db.GetMeetingForOwnerParams{ID: id, OwnerID: p.UserID})
		if store.IsNotFound(err) {
			return notFound("no meeting " + id.String())
		}
		if err != nil {
			return err
		}
		if setProject {
			if in.ProjectId != nil {
				if _, err := q.GetProjectForOwner(ctx, db.GetProjectForOwnerParams{ID: *in.ProjectId, OwnerID: p.UserID}); store.IsNotFound(err) {
					return notFound("no project " + in.ProjectId.String())
				} else if err != nil {
					return err
				}
			}
			if _, err := q.UpsertMeetingDecision(ctx, db.UpsertMeetingDecisionParams{
				MeetingID: id, Revision: m.ClassifyRevision, Path: "manual", Classifier: "manual", ProjectID: in.ProjectId,
				Confidence: 1, MatchedTags: []string{}, InferredTags: []string{}, Reason: "assigned by the user",
				Candidates: json.RawMessage(`[]`), Applied: true,
			}); err != nil {
				return err
			}
			if err := q.AssignMeetingProject(ctx, db.AssignMeetingProjectParams{ID: id, OwnerID: p.UserID, ProjectID: in.ProjectId}); err != nil {
				return err
			}
		}
		if setAutoJoin {
			return q.SetMeetingAutoJoin(ctx, db.SetMeetingAutoJoinParams{ID: id, OwnerID: p.UserID, AutoJoin: in.AutoJoin})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if setAutoJoin {
		// The calendar's workflow decides the bot, like every other bot
		// decision.
		if err := s.botPreferencesChanged(ctx, p.UserID, m.CalendarID, id.String()); err != nil {
			return err
		}
	}
	return s.meetingAnswer(c, id, p.UserID)
}

// botPreferencesChanged asks the calendar's workflow to re-decide the
// notetaker (one meeting, or all upcoming ones when meetingID is empty). A
// calendar no longer watched has no workflow: its meetings keep their bot.
func (s *Server) botPreferencesChanged(ctx context.Context, owner uuid.UUID, calendarID, meetingID string) error {
	err := s.temporal.SignalWorkflow(ctx, workflows.CalendarWorkflowID(owner.String(), calendarID), "", workflows.BotPreferencesSignal,
		workflows.BotPreferences{MeetingID: meetingID})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		s.log.InfoContext(ctx, "bot preference saved for a calendar no longer watched", "user_id", owner, "calendar_id", calendarID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("tell calendar %s: %w", calendarID, err)
	}
	return nil
}

func meetingBody(m db.Meeting) apigen.Meeting {
	var attendees []apigen.Attendee
	var as []meetings.Attendee
	_ = json.Unmarshal(m.Attendees, &as)
	attendees = make([]apigen.Attendee, 0, len(as))
	for _, a := range as {
		attendees = append(attendees, apigen.Attendee{
			Email: a.Email, Name: optional(a.Name), ResponseStatus: apigen.AttendeeResponseStatus(a.ResponseStatus),
			Self: optional(a.Self), Organizer: optional(a.Organizer), Optional: optional(a.Optional),
			Resource: optional(a.Resource), Virtual: optional(a.Virtual),
		})
	}
	out := apigen.Meeting{
		Id: m.ID, CalendarId: m.CalendarID, EventId: m.EventID, RecurringEventId: optional(m.RecurringEventID),
		Title: m.Title, Description: m.Description, Location: m.Location, MeetingUrl: m.MeetingUrl,
		MeetingProvider: apigen.MeetingMeetingProvider(m.MeetingProvider), Start: m.StartAt, End: m.EndAt, AllDay: m.AllDay,
		TimeZone: m.TimeZone, OrganizerEmail: m.OrganizerEmail, OrganizerName: optional(m.OrganizerName),
		Attendees: attendees, VirtualUsernames: m.VirtualUsernames, EventStatus: apigen.MeetingEventStatus(m.EventStatus),
		Status: apigen.MeetingStatus(m.Status), StatusReason: optional(m.StatusReason), ProjectId: m.ProjectID,
		ClassificationSource: apigen.MeetingClassificationSource(m.ClassificationSource), Confidence: m.Confidence,
		AutoJoin: m.AutoJoin, BotStatus: apigen.BotStatus(m.BotStatus), BotReason: optional(m.BotReason),
		BotStatusReason: optional(m.BotStatusReason), TranscriptDocumentId: m.TranscriptDocumentID,
		HtmlLink: optional(m.HtmlLink), CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
	if m.AllDay {
		out.StartDate, out.EndDate = apiDate(m.StartDate), apiDate(m.EndDate)
	}
	return out
}

func apiDate(t *time.Time) *openapi_types.Date {
	if t == nil {
		return nil
	}
	return &openapi_types.Date{Time: *t}
}

// optional is nil for a zero value, so empty fields stay out of answers.
func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}
