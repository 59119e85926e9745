package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

type meetingAnswer struct {
	ID          string  `json:"id"`
	EventID     string  `json:"event_id"`
	Title       string  `json:"title"`
	MeetingURL  string  `json:"meeting_url"`
	Provider    string  `json:"meeting_provider"`
	Start       string  `json:"start"`
	End         string  `json:"end"`
	Status      string  `json:"status"`
	EventStatus string  `json:"event_status"`
	BotStatus   string  `json:"bot_status"`
	BotReason   string  `json:"bot_reason"`
	ProjectID   *string `json:"project_id"`
	Attendees   []struct {
		Email     string `json:"email"`
		Self      bool   `json:"self"`
		Organizer bool   `json:"organizer"`
		Virtual   bool   `json:"virtual"`
	} `json:"attendees"`
	Decisions []struct {
		Path      string  `json:"path"`
		ProjectID *string `json:"project_id"`
	} `json:"decisions"`
}

type calendarAnswer struct {
	CalendarID  string `json:"calendar_id"`
	Active      bool   `json:"active"`
	EndedReason string `json:"ended_reason"`
	Status      struct {
		FullSyncs int `json:"full_syncs"`
		Resyncs   int `json:"resyncs"`
		Channel   *struct {
			ID string `json:"id"`
		} `json:"channel"`
	} `json:"status"`
}

func meetingsOf(t *testing.T, s *testenv.Stack, token, query string) []meetingAnswer {
	t.Helper()
	var out struct {
		Meetings []meetingAnswer `json:"meetings"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/meetings"+query, "", nil, http.StatusOK, &out)
	return out.Meetings
}

func calendarsOf(t *testing.T, s *testenv.Stack, token string) []calendarAnswer {
	t.Helper()
	var out struct {
		Calendars []calendarAnswer `json:"calendars"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/calendars", "", nil, http.StatusOK, &out)
	return out.Calendars
}

// waitCalendarWatched waits for the primary calendar's first full sync and
// push channel.
func waitCalendarWatched(t *testing.T, s *testenv.Stack, token string) {
	t.Helper()
	waitFor(t, "the primary calendar to be synced and pushed", func() bool {
		cs := calendarsOf(t, s, token)
		return len(cs) == 1 && cs[0].Active && cs[0].Status.FullSyncs >= 1 && cs[0].Status.Channel != nil
	})
}

type sandboxEvent struct {
	ID         string `json:"id"`
	MeetingURL string `json:"meeting_url"`
}

// TestCalendar_MeetingFollowsItsEventFromCreationToCancellation is the
// calendar story in the sandbox over HTTP: connect → an event with a Meet
// link and the user's virtual address is created → it is pushed, synced and
// listed as a meeting with its URL, attendees, project and a pending bot →
// moved → updated → cancelled → gone from the list (kept, cancelled, for
// its bot and project); an event with nothing to keep is deleted; an
// expired sync token resyncs without duplicates; disconnecting ends it all.
func TestCalendar_MeetingFollowsItsEventFromCreationToCancellation(t *testing.T) {
	s := sandboxStack(t, map[string]string{"CALENDAR_POLL_INTERVAL": "1h"})
	_, token := s.CreateUser(t, "demo")
	harbor := createProject(t, s, token, harborProject)
	createProject(t, s, token, bakeryProject)
	s.ConnectGoogle(t, token)
	waitCalendarWatched(t, s, token)
	account := googleAccount(t, s, token)

	start := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Minute)
	var ev sandboxEvent
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
		"summary": "Harbor Library reading room review",
		"description": "<p>Walk through the <b>reading room</b> layout and the roof insulation offer.</p>",
		"start": %q, "end": %q, "conference": "meet",
		"attendees": [{"email": "ai+demo@besunny.ai", "name": "BeSunny"}, {"email": "maya@northwind-architects.example", "name": "Maya Lindqvist"}]}`,
		start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339))), http.StatusCreated, &ev)
	if !strings.HasPrefix(ev.MeetingURL, "https://meet.google.com/") {
		t.Fatalf("sandbox event %+v", ev)
	}

	var m meetingAnswer
	// The wish (pending) reaches the notetaker's run, which schedules a bot
	// at the sandbox Attendee.
	waitFor(t, "the event to become a classified meeting with a scheduled bot", func() bool {
		ms := meetingsOf(t, s, token, "")
		if len(ms) != 1 {
			return false
		}
		m = ms[0]
		return m.ProjectID != nil && m.BotStatus == "bot_scheduled"
	})
	if m.EventID != ev.ID || m.MeetingURL != ev.MeetingURL || m.Provider != "google_meet" || m.Title != "Harbor Library reading room review" ||
		*m.ProjectID != harbor.ID || m.BotReason != "virtual_attendee" || m.EventStatus != "accepted" || m.Status != "active" {
		t.Fatalf("meeting = %+v", m)
	}
	if got, _ := time.Parse(time.RFC3339, m.Start); !got.Equal(start) {
		t.Fatalf("start %s, want %s", m.Start, start)
	}
	if len(m.Attendees) != 3 || m.Attendees[0].Email != account || !m.Attendees[0].Self || !m.Attendees[0].Organizer ||
		!m.Attendees[1].Virtual || m.Attendees[2].Email != "maya@northwind-architects.example" {
		t.Fatalf("attendees = %+v", m.Attendees)
	}
	var detail meetingAnswer
	s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+m.ID, "", nil, http.StatusOK, &detail)
	if len(detail.Decisions) == 0 || detail.Decisions[0].ProjectID == nil || *detail.Decisions[0].ProjectID != harbor.ID {
		t.Fatalf("decisions = %+v", detail.Decisions)
	}

	// Moved by a day: pushed, synced, updated in place.
	moved := start.Add(24 * time.Hour)
	s.Do(t, token, http.MethodPatch, "/api/v1/sandbox/calendar/events/"+ev.ID, "application/json",
		strings.NewReader(fmt.Sprintf(`{"start": %q}`, moved.Format(time.RFC3339))), http.StatusOK, nil)
	waitFor(t, "the move to reach the meeting", func() bool {
		s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+m.ID, "", nil, http.StatusOK, &detail)
		got, _ := time.Parse(time.RFC3339, detail.Start)
		return got.Equal(moved)
	})
	if end, _ := time.Parse(time.RFC3339, detail.End); !end.Equal(moved.Add(time.Hour)) || detail.BotStatus != "bot_scheduled" {
		t.Fatalf("after the move: %+v", detail)
	}
	if n := len(meetingsOf(t, s, token, "")); n != 1 {
		t.Fatalf("%d meetings after the move, want 1", n)
	}

	// An expired sync token: the next change resyncs fully, without a
	// second meeting for the same event.
	s.Google.ExpireCalendarSyncTokens(account)
	var lunch sandboxEvent
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
		"summary": "Lunch chat", "start": %q, "end": %q, "conference": "https://acme.zoom.us/j/5551234"}`,
		start.Add(2*time.Hour).Format(time.RFC3339), start.Add(3*time.Hour).Format(time.RFC3339))), http.StatusCreated, &lunch)
	waitFor(t, "the resync to finish with the new event", func() bool {
		cs := calendarsOf(t, s, token)
		return len(meetingsOf(t, s, token, "")) == 2 && cs[0].Status.Resyncs == 1 && cs[0].Status.FullSyncs == 2
	})
	var lunchMeeting meetingAnswer
	for _, x := range meetingsOf(t, s, token, "") {
		if x.EventID == lunch.ID {
			lunchMeeting = x
		}
	}
	if lunchMeeting.Provider != "zoom" || lunchMeeting.BotStatus != "none" {
		t.Fatalf("lunch meeting = %+v", lunchMeeting)
	}

	// Cancelled: the meeting leaves the list; its bot and project keep it,
	// marked cancelled, with the bot cancelled.
	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+ev.ID, "", nil, http.StatusNoContent, nil)
	waitFor(t, "the cancellation to reach the meeting and its bot", func() bool {
		s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+m.ID, "", nil, http.StatusOK, &detail)
		return detail.Status == "cancelled" && detail.BotStatus == "cancelled"
	})
	for _, x := range meetingsOf(t, s, token, "") {
		if x.ID == m.ID {
			t.Fatalf("the cancelled meeting is still listed: %+v", x)
		}
	}
	if n := len(meetingsOf(t, s, token, "?status=cancelled")); n != 1 {
		t.Fatalf("%d cancelled meetings, want 1", n)
	}

	// The lunch had no bot, project or transcript: cancelling deletes it.
	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+lunch.ID, "", nil, http.StatusNoContent, nil)
	waitFor(t, "the lunch meeting to be deleted", func() bool {
		return s.Status(t, token, "/api/v1/meetings/"+lunchMeeting.ID, nil) == http.StatusNotFound
	})

	// Another user sees none of it.
	_, other := s.CreateUser(t, "bob")
	if ms := meetingsOf(t, s, other, "?status=all"); len(ms) != 0 {
		t.Fatalf("another user sees %d meetings", len(ms))
	}
	if code := s.Status(t, other, "/api/v1/meetings/"+m.ID, nil); code != http.StatusNotFound {
		t.Fatalf("another user's GET answered %d", code)
	}

	// Disconnecting Google ends the calendar's workflow and its channel.
	s.Do(t, token, http.MethodDelete, "/api/v1/google/connection", "", nil, http.StatusNoContent, nil)
	wf := workflows.CalendarWorkflowID(userOf(t, s, token), "primary")
	waitCompleted(t, s, wf)
	cs := calendarsOf(t, s, token)
	if len(cs) != 1 || cs[0].Active || cs[0].EndedReason != "the owner disconnected Google" {
		t.Fatalf("calendars after disconnect = %+v", cs)
	}
	if ch := s.Google.CalendarChannels(account); len(ch) != 0 {
		t.Fatalf("channels left open at Google: %v", ch)
	}
	var run testenv.RunAnswer
	s.Do(t, token, http.MethodGet, "/api/v1/runs/"+url.PathEscape(wf), "", nil, http.StatusOK, &run)
	if run.ExecutionStatus != "Completed" {
		t.Fatalf("calendar run = %+v", run)
	}
}

// TestCalendar_AutoJoinAndPerMeetingChoices: a meeting without the virtual
// address gets the notetaker once the owner turns auto-join on; turning it
// off for one meeting withdraws that one; a manual project sticks.
func TestCalendar_AutoJoinAndPerMeetingChoices(t *testing.T) {
	s := sandboxStack(t, map[string]string{"CALENDAR_POLL_INTERVAL": "1h"})
	_, token := s.CreateUser(t, "demo")
	bakery := createProject(t, s, token, bakeryProject)
	s.ConnectGoogle(t, token)
	waitCalendarWatched(t, s, token)

	start := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Minute)
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
		"summary": "Weekly sync", "start": %q, "end": %q, "conference": "meet", "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"]}`,
		start.Format(time.RFC3339), start.Add(30*time.Minute).Format(time.RFC3339))), http.StatusCreated, nil)
	var ms []meetingAnswer
	waitFor(t, "both instances as meetings", func() bool {
		ms = meetingsOf(t, s, token, "")
		return len(ms) == 2
	})
	for _, m := range ms {
		if m.BotStatus != "none" {
			t.Fatalf("meeting without the virtual address has bot %s", m.BotStatus)
		}
	}

	var me struct {
		AutoJoin bool `json:"auto_join_meetings"`
	}
	s.Do(t, token, http.MethodPatch, "/api/v1/me", "application/json", strings.NewReader(`{"auto_join_meetings": true}`), http.StatusOK, &me)
	if !me.AutoJoin {
		t.Fatal("auto_join_meetings not set")
	}
	waitFor(t, "auto-join to request both bots", func() bool {
		ms = meetingsOf(t, s, token, "?bot_status=bot_scheduled")
		return len(ms) == 2
	})

	var m meetingAnswer
	s.Do(t, token, http.MethodPatch, "/api/v1/meetings/"+ms[1].ID, "application/json",
		strings.NewReader(fmt.Sprintf(`{"auto_join": false, "project_id": %q}`, bakery.ID)), http.StatusOK, &m)
	if m.ProjectID == nil || *m.ProjectID != bakery.ID {
		t.Fatalf("manual project = %+v", m)
	}
	waitFor(t, "the notetaker to be withdrawn from that meeting", func() bool {
		s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+ms[1].ID, "", nil, http.StatusOK, &m)
		return m.BotStatus == "cancelled"
	})
	if m.Decisions[0].Path != "manual" {
		t.Fatalf("decisions = %+v", m.Decisions)
	}
	s.Do(t, token, http.MethodGet, "/api/v1/meetings/"+ms[0].ID, "", nil, http.StatusOK, &m)
	if m.BotStatus != "bot_scheduled" {
		t.Fatalf("the other meeting's bot = %s", m.BotStatus)
	}
	s.Do(t, token, http.MethodPatch, "/api/v1/meetings/"+ms[0].ID, "application/json", strings.NewReader(`{}`), http.StatusBadRequest, nil)

	// Unwatch and watch again: the calendar's workflow ends, then starts over
	// with a full sync.
	s.Do(t, token, http.MethodDelete, "/api/v1/calendars/primary/watch", "", nil, http.StatusAccepted, nil)
	waitCompleted(t, s, workflows.CalendarWorkflowID(userOf(t, s, token), "primary"))
	s.Do(t, token, http.MethodPost, "/api/v1/calendars/primary/sync", "", nil, http.StatusNotFound, nil)
	s.Do(t, token, http.MethodPut, "/api/v1/calendars/primary/watch", "", nil, http.StatusAccepted, nil)
	waitCalendarWatched(t, s, token)
	s.Do(t, token, http.MethodPost, "/api/v1/calendars/primary/sync", "", nil, http.StatusAccepted, nil)
	if n := len(meetingsOf(t, s, token, "")); n != 2 {
		t.Fatalf("%d meetings after watching again, want 2", n)
	}
}

func userOf(t *testing.T, s *testenv.Stack, token string) string {
	t.Helper()
	var me struct {
		ID string `json:"id"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/me", "", nil, http.StatusOK, &me)
	return me.ID
}

// TestCalendar_OneInvitationTwoUsersTwoMeetingsOneBot: an event organised by
// one user with another user as guest is a meeting on each calendar, each
// with its owner's response and project; the guest's virtual address sends
// the notetaker to the guest's meeting only, and the organiser's
// cancellation reaches both.
func TestCalendar_OneInvitationTwoUsersTwoMeetingsOneBot(t *testing.T) {
	s := sandboxStack(t, map[string]string{"CALENDAR_POLL_INTERVAL": "1h"})
	_, alice := s.CreateUser(t, "alice")
	_, bob := s.CreateUser(t, "bob")
	s.ConnectGoogle(t, alice)
	s.ConnectGoogle(t, bob)
	waitCalendarWatched(t, s, alice)
	waitCalendarWatched(t, s, bob)
	bobAccount := googleAccount(t, s, bob)

	start := time.Now().Add(5 * time.Hour).UTC().Truncate(time.Minute)
	var ev sandboxEvent
	s.Do(t, alice, http.MethodPost, "/api/v1/sandbox/calendar/events", "application/json", strings.NewReader(fmt.Sprintf(`{
		"summary": "Design review", "start": %q, "end": %q, "conference": "meet",
		"attendees": [{"email": %q}, {"email": "ai+bob@besunny.ai"}]}`,
		start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339), bobAccount)), http.StatusCreated, &ev)

	var am, bm meetingAnswer
	waitFor(t, "a meeting on each calendar", func() bool {
		a, b := meetingsOf(t, s, alice, ""), meetingsOf(t, s, bob, "")
		if len(a) == 1 && len(b) == 1 {
			am, bm = a[0], b[0]
		}
		return len(a) == 1 && len(b) == 1 && botWanted(bm.BotStatus)
	})
	if am.ID == bm.ID || am.EventID != ev.ID || bm.EventID != ev.ID {
		t.Fatalf("meetings %+v / %+v: one per owner, same event", am, bm)
	}
	if am.BotStatus != "none" || bm.BotReason != "virtual_attendee" {
		t.Fatalf("bots: alice %s, bob %s (%s); only bob invited his notetaker", am.BotStatus, bm.BotStatus, bm.BotReason)
	}
	if am.EventStatus != "accepted" || bm.EventStatus != "needsAction" {
		t.Fatalf("responses: alice %s, bob %s", am.EventStatus, bm.EventStatus)
	}

	// Bob declines: his copy says so, and his notetaker still goes in his place.
	s.Do(t, bob, http.MethodPost, "/api/v1/sandbox/calendar/events/"+ev.ID+"/response", "application/json",
		strings.NewReader(`{"response": "declined"}`), http.StatusNoContent, nil)
	waitFor(t, "bob's response on his meeting", func() bool {
		s.Do(t, bob, http.MethodGet, "/api/v1/meetings/"+bm.ID, "", nil, http.StatusOK, &bm)
		return bm.EventStatus == "declined"
	})
	if !botWanted(bm.BotStatus) {
		t.Fatalf("bob's notetaker after declining: %s", bm.BotStatus)
	}
	if code := s.Status(t, alice, "/api/v1/meetings/"+bm.ID, nil); code != http.StatusNotFound {
		t.Fatalf("alice sees bob's meeting: %d", code)
	}

	// Alice cancels: both copies go.
	s.Do(t, alice, http.MethodDelete, "/api/v1/sandbox/calendar/events/"+ev.ID, "", nil, http.StatusNoContent, nil)
	waitFor(t, "the cancellation on both calendars", func() bool {
		return len(meetingsOf(t, s, alice, "")) == 0 && len(meetingsOf(t, s, bob, "")) == 0
	})
	// The notetaker is told after the meeting is stored as cancelled.
	waitFor(t, "bob's notetaker cancelled", func() bool {
		s.Do(t, bob, http.MethodGet, "/api/v1/meetings/"+bm.ID, "", nil, http.StatusOK, &bm)
		return bm.BotStatus == "cancelled"
	})
	if bm.Status != "cancelled" || bm.BotStatus != "cancelled" {
		t.Fatalf("bob's meeting after the cancellation: %+v", bm)
	}
}

// botWanted reports whether a meeting's notetaker is wanted: recorded
// (pending) or already scheduled at Attendee by its run.
func botWanted(status string) bool { return status == "pending" || status == "bot_scheduled" }
