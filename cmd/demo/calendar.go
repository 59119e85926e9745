package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// demoMeeting is what the demo prints of a meeting.
type demoMeeting struct {
	ID         string  `json:"id"`
	EventID    string  `json:"event_id"`
	Title      string  `json:"title"`
	MeetingURL string  `json:"meeting_url"`
	Start      string  `json:"start"`
	Status     string  `json:"status"`
	BotStatus  string  `json:"bot_status"`
	BotReason  string  `json:"bot_reason"`
	ProjectID  *string `json:"project_id"`
	Attendees  []struct {
		Email string `json:"email"`
	} `json:"attendees"`
}

// calendarDemo shows the calendar pipeline in the sandbox: an event in the
// demo user's calendar with their virtual address as a guest is pushed to
// the calendar's workflow and becomes a classified meeting wanting the
// notetaker; moving it updates the meeting, cancelling it takes it off the
// list.
func (c client) calendarDemo() error {
	fmt.Println("Calendar: an event with ai+demo@… becomes a meeting")
	var me struct {
		ID             string  `json:"id"`
		VirtualAddress *string `json:"virtual_address"`
	}
	if err := c.do(c.user, http.MethodGet, "/api/v1/me", "", nil, &me); err != nil {
		return err
	}
	if me.VirtualAddress == nil {
		return fmt.Errorf("the demo user has no username")
	}
	if err := c.waitCalendar(); err != nil {
		return err
	}
	workflowID := "calendar/" + me.ID + "/primary"
	fmt.Printf("  the primary calendar is watched: workflow %s\n", workflowID)

	start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Hour)
	var ev struct {
		ID         string `json:"id"`
		MeetingURL string `json:"meeting_url"`
	}
	body := fmt.Sprintf(`{"summary": "Harbor Library reading room review", "conference": "meet",
	  "description": "Walk through the reading room layout and the roof insulation offer.",
	  "start": %q, "end": %q,
	  "attendees": [{"email": %q, "name": "BeSunny notetaker"}, {"email": "maya@northwind-architects.example", "name": "Maya Lindqvist"}]}`,
		start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339), *me.VirtualAddress)
	if err := c.doJSON(c.user, http.MethodPost, "/api/v1/sandbox/calendar/events", body, &ev); err != nil {
		return fmt.Errorf("create the sandbox event: %w", err)
	}
	fmt.Printf("  created event %s (%s) with %s as a guest\n", ev.ID, ev.MeetingURL, *me.VirtualAddress)

	// The wish (pending) reaches the notetaker's run at once, which
	// schedules the bot.
	m, err := c.waitMeeting(ev.ID, func(m demoMeeting) bool {
		return m.ProjectID != nil && (m.BotStatus == "pending" || m.BotStatus == "bot_scheduled")
	})
	if err != nil {
		return err
	}
	guests := make([]string, 0, len(m.Attendees))
	for _, a := range m.Attendees {
		guests = append(guests, a.Email)
	}
	fmt.Printf("  meeting %s %q at %s\n    url %s\n    attendees %s\n    notetaker %s (%s)\n    project %s\n",
		m.ID, m.Title, m.Start, m.MeetingURL, strings.Join(guests, ", "), m.BotStatus, m.BotReason, c.projectName(*m.ProjectID))

	moved := start.Add(2 * time.Hour)
	if err := c.doJSON(c.user, http.MethodPatch, "/api/v1/sandbox/calendar/events/"+ev.ID, fmt.Sprintf(`{"start": %q}`, moved.Format(time.RFC3339)), nil); err != nil {
		return fmt.Errorf("move the sandbox event: %w", err)
	}
	m, err = c.waitMeeting(ev.ID, func(m demoMeeting) bool {
		t, _ := time.Parse(time.RFC3339, m.Start)
		return t.Equal(moved)
	})
	if err != nil {
		return err
	}
	fmt.Printf("  moved the event: the meeting now starts at %s (notetaker %s)\n", m.Start, m.BotStatus)

	if err := c.doJSON(c.user, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+ev.ID, "", nil); err != nil {
		return fmt.Errorf("cancel the sandbox event: %w", err)
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var d demoMeeting
		if err := c.do(c.user, http.MethodGet, "/api/v1/meetings/"+m.ID, "", nil, &d); err != nil {
			return err
		}
		if d.Status == "cancelled" && d.BotStatus == "cancelled" {
			fmt.Printf("  cancelled the event: the meeting left GET /api/v1/meetings; it is kept as cancelled (it had a notetaker and a project), its notetaker cancelled\n")
			fmt.Printf("  UI      %s\n\n", c.uiLink(workflowID))
			return nil
		}
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("the cancellation did not reach meeting %s within a minute", m.ID)
}

// waitCalendar waits for the primary calendar's first full sync.
func (c client) waitCalendar() error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var out struct {
			Calendars []struct {
				CalendarID string `json:"calendar_id"`
				Active     bool   `json:"active"`
				Status     struct {
					FullSyncs int `json:"full_syncs"`
				} `json:"status"`
			} `json:"calendars"`
		}
		if err := c.do(c.user, http.MethodGet, "/api/v1/calendars", "", nil, &out); err != nil {
			return err
		}
		for _, cal := range out.Calendars {
			if cal.CalendarID == "primary" && cal.Active && cal.Status.FullSyncs > 0 {
				return nil
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("the demo user's calendar is not watched: is the demo user connected to Google?")
}

// waitMeeting waits until the event's meeting satisfies ok.
func (c client) waitMeeting(eventID string, ok func(demoMeeting) bool) (demoMeeting, error) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var out struct {
			Meetings []demoMeeting `json:"meetings"`
		}
		if err := c.do(c.user, http.MethodGet, "/api/v1/meetings?status=all&limit=200", "", nil, &out); err != nil {
			return demoMeeting{}, err
		}
		for _, m := range out.Meetings {
			if m.EventID == eventID && ok(m) {
				return m, nil
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	return demoMeeting{}, fmt.Errorf("the meeting of event %s did not reach the expected state within a minute", eventID)
}

// uiLink is the Temporal UI page of a run, through the API's run answer.
func (c client) uiLink(workflowID string) string {
	var run runAnswer
	if err := c.do(c.user, http.MethodGet, "/api/v1/runs/"+url.PathEscape(workflowID), "", nil, &run); err != nil {
		return workflowID
	}
	return run.UIURL
}
