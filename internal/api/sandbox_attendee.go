package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/attendeefake"
)

// SandboxAttendeeMeeting scripts a meeting of the sandbox Attendee: what
// its bots hear and meet there. Any signed-in user may script a meeting
// (the sandbox is one shared, pretend Attendee).
func (s *Server) SandboxAttendeeMeeting(c echo.Context) error {
	if err := s.sandboxAttendee(); err != nil {
		return err
	}
	if p := principal(c); !p.IsUser() && !p.IsService() {
		return forbidden("sign in to script a sandbox meeting")
	}
	var in apigen.SandboxAttendeeMeeting
	if err := c.Bind(&in); err != nil {
		return badRequest("send a meeting script: {\"meeting_url\", \"duration\", \"utterances\": [{\"speaker\", \"at\", \"text\"}], …}")
	}
	m, err := scriptFromAPI(in)
	if err != nil {
		return badRequest(err.Error())
	}
	stored, err := s.attendeeSandbox.SetMeeting(c.Request().Context(), m)
	var ae *attendeefake.AdminError
	if errors.As(err, &ae) && ae.Status == http.StatusBadRequest {
		return badRequest(ae.Message)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, scriptToAPI(stored))
}

// SandboxAttendeeAdvance fast-forwards the sandbox Attendee's bots (a demo
// does not wait for a join time).
func (s *Server) SandboxAttendeeAdvance(c echo.Context) error {
	if err := s.sandboxAttendee(); err != nil {
		return err
	}
	if _, err := requireService(c); err != nil {
		return err
	}
	var in apigen.SandboxAttendeeAdvanceJSONBody
	if err := c.Bind(&in); err != nil {
		return badRequest(`send {"by": "3m"}`)
	}
	d, err := time.ParseDuration(in.By)
	if err != nil || d <= 0 || d > 24*time.Hour {
		return badRequest(`"by" must be a positive duration up to 24h, such as "3m"`)
	}
	if err := s.attendeeSandbox.Advance(c.Request().Context(), d); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func scriptFromAPI(in apigen.SandboxAttendeeMeeting) (attendeefake.Meeting, error) {
	m := attendeefake.Meeting{URL: in.MeetingUrl, WaitingRoom: deref(in.WaitingRoom), DenyJoin: deref(in.DenyJoin),
		NotFound: deref(in.NotFound), DenyRecording: deref(in.DenyRecording)}
	var err error
	if m.Duration, err = duration(in.Duration, "duration"); err != nil {
		return m, err
	}
	if m.AdmitAfter, err = duration(in.AdmitAfter, "admit_after"); err != nil {
		return m, err
	}
	if in.Utterances != nil {
		for _, u := range *in.Utterances {
			at, err := duration(&u.At, "at")
			if err != nil {
				return m, err
			}
			length, err := duration(u.Duration, "duration")
			if err != nil {
				return m, err
			}
			m.Utterances = append(m.Utterances, attendeefake.ScriptedUtterance{Speaker: u.Speaker, At: at, Duration: length, Text: u.Text, Host: deref(u.Host)})
		}
	}
	return m, nil
}

func scriptToAPI(m attendeefake.Meeting) apigen.SandboxAttendeeMeeting {
	str := func(d attendeefake.Duration) *string {
		if d == 0 {
			return nil
		}
		return ptr(time.Duration(d).String())
	}
	out := apigen.SandboxAttendeeMeeting{MeetingUrl: m.URL, Duration: str(m.Duration), AdmitAfter: str(m.AdmitAfter),
		WaitingRoom: &m.WaitingRoom, DenyJoin: &m.DenyJoin, NotFound: &m.NotFound, DenyRecording: &m.DenyRecording}
	us := make([]apigen.SandboxUtterance, 0, len(m.Utterances))
	for _, u := range m.Utterances {
		us = append(us, apigen.SandboxUtterance{At: time.Duration(u.At).String(), Duration: str(u.Duration), Host: ptr(u.Host), Speaker: u.Speaker, Text: u.Text})
	}
	out.Utterances = &us
	return out
}

func duration(s *string, field string) (attendeefake.Duration, error) {
	if s == nil || *s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(*s)
	if err != nil || d < 0 {
		return 0, errors.New(field + " must be a duration such as 90s")
	}
	return attendeefake.Duration(d), nil
}
