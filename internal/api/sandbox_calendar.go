package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/googlefake"
)

// SandboxCreateCalendarEvent creates an event in the caller's sandbox
// Calendar; the sandbox pushes the change to the calendar's channel as
// Google would.
func (s *Server) SandboxCreateCalendarEvent(c echo.Context) error {
	account, err := s.sandboxAccount(c)
	if err != nil {
		return err
	}
	var in apigen.SandboxEventInput
	if err := c.Bind(&in); err != nil || strings.TrimSpace(in.Summary) == "" || in.Start.IsZero() || in.End.IsZero() {
		return badRequest(`send {"summary", "start", "end"} (RFC 3339), optionally "attendees", "conference", "recurrence"`)
	}
	ev, err := s.sandbox.CreateEvent(c.Request().Context(), account, googlefake.EventInput{
		Summary: in.Summary, Description: deref(in.Description), Location: deref(in.Location), Start: in.Start, End: in.End,
		AllDay: deref(in.AllDay), TimeZone: deref(in.TimeZone), Attendees: sandboxAttendees(in.Attendees),
		Conference: deref(in.Conference), Recurrence: deref(in.Recurrence),
	})
	if err != nil {
		return sandboxCalendarError(err)
	}
	return c.JSON(http.StatusCreated, sandboxEventBody(ev))
}

// SandboxUpdateCalendarEvent changes (moves, renames, re-invites) a sandbox
// event of the caller.
func (s *Server) SandboxUpdateCalendarEvent(c echo.Context, eventID apigen.EventId) error {
	account, err := s.sandboxAccount(c)
	if err != nil {
		return err
	}
	var in apigen.SandboxEventPatch
	if err := c.Bind(&in); err != nil {
		return badRequest(`send the fields to change: "summary", "description", "location", "start", "end", "attendees", "conference"`)
	}
	p := googlefake.EventPatch{Summary: in.Summary, Description: in.Description, Location: in.Location, Start: in.Start, End: in.End, Conference: in.Conference}
	if in.Attendees != nil {
		as := sandboxAttendees(in.Attendees)
		p.Attendees = &as
	}
	ev, err := s.sandbox.UpdateEvent(c.Request().Context(), account, eventID, p)
	if err != nil {
		return sandboxCalendarError(err)
	}
	return c.JSON(http.StatusOK, sandboxEventBody(ev))
}

// SandboxCancelCalendarEvent cancels a sandbox event of the caller.
func (s *Server) SandboxCancelCalendarEvent(c echo.Context, eventID apigen.EventId) error {
	account, err := s.sandboxAccount(c)
	if err != nil {
		return err
	}
	if err := s.sandbox.CancelEvent(c.Request().Context(), account, eventID); err != nil {
		return sandboxCalendarError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// SandboxRespondToCalendarEvent answers an invitation in the caller's
// sandbox Calendar.
func (s *Server) SandboxRespondToCalendarEvent(c echo.Context, eventID apigen.EventId) error {
	account, err := s.sandboxAccount(c)
	if err != nil {
		return err
	}
	var in apigen.SandboxEventResponse
	if err := c.Bind(&in); err != nil || in.Response == "" {
		return badRequest(`send {"response": "accepted" | "declined" | "tentative" | "needsAction"}`)
	}
	if err := s.sandbox.RespondToEvent(c.Request().Context(), account, eventID, string(in.Response)); err != nil {
		return sandboxCalendarError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

func sandboxCalendarError(err error) error {
	if errors.Is(err, googlefake.ErrNotFound) {
		return notFound("no such event in your sandbox calendar")
	}
	// The sandbox explains a refused event (bad times, an unsupported
	// recurrence): that is the caller's to fix.
	if _, msg, ok := strings.Cut(err.Error(), "HTTP 400: "); ok {
		return badRequest(strings.TrimPrefix(msg, "googlefake: "))
	}
	return fmt.Errorf("sandbox Calendar: %w", err)
}

func sandboxAttendees(in *[]apigen.SandboxAttendee) []googlefake.AttendeeInput {
	if in == nil {
		return nil
	}
	out := make([]googlefake.AttendeeInput, 0, len(*in))
	for _, a := range *in {
		att := googlefake.AttendeeInput{Email: a.Email, Name: deref(a.Name), Optional: deref(a.Optional)}
		if a.ResponseStatus != nil {
			att.ResponseStatus = string(*a.ResponseStatus)
		}
		out = append(out, att)
	}
	return out
}

func sandboxEventBody(ev googlefake.CalendarEvent) apigen.SandboxEvent {
	attendees := make([]apigen.SandboxAttendee, 0, len(ev.Attendees))
	for _, a := range ev.Attendees {
		rs := apigen.SandboxAttendeeResponseStatus(a.ResponseStatus)
		attendees = append(attendees, apigen.SandboxAttendee{Email: a.Email, Name: optional(a.Name), ResponseStatus: &rs, Optional: optional(a.Optional)})
	}
	out := apigen.SandboxEvent{Id: ev.ID, CalendarId: ev.CalendarID, Status: ev.Status, Summary: ev.Summary, Start: ev.Start, End: ev.End,
		AllDay: optional(ev.AllDay), MeetingUrl: optional(ev.MeetingURL), HtmlLink: ev.HTMLLink, Attendees: &attendees}
	if len(ev.Recurrence) > 0 {
		out.Recurrence = &ev.Recurrence
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
