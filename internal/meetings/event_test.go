package meetings

import (
	"slices"
	"testing"
	"time"

	"google.golang.org/api/calendar/v3"

	"github.com/besunny/workflows/internal/mail"
)

var reader = Reader{Virtual: mail.RecipientRules{LocalPart: "ai", Domains: []string{"besunny.ai"}}, CalendarTimeZone: "Europe/Berlin"}

func timed(start, end string) (*calendar.EventDateTime, *calendar.EventDateTime) {
	return &calendar.EventDateTime{DateTime: start, TimeZone: "America/New_York"}, &calendar.EventDateTime{DateTime: end, TimeZone: "America/New_York"}
}

func TestRead_MapsAMeeting(t *testing.T) {
	start, end := timed("2026-03-02T10:00:00-05:00", "2026-03-02T11:00:00-05:00")
	ev := &calendar.Event{
		Id: "evt1", ICalUID: "evt1@google.com", Status: "confirmed", Summary: "  Harbor Library kickoff ",
		Description: "<b>Agenda</b><br>Reading room<br>Join: https://meet.google.com/abc-defg-hij",
		Location:    "Harbor Library, room 2", Start: start, End: end, HtmlLink: "https://www.google.com/calendar/event?eid=x",
		Updated:   "2026-02-20T08:00:00.000Z",
		Organizer: &calendar.EventOrganizer{Email: "Pat@Harbor.org", DisplayName: "Pat Lee"},
		Attendees: []*calendar.EventAttendee{
			{Email: "pat@harbor.org", DisplayName: "Pat Lee", Organizer: true, ResponseStatus: "accepted"},
			{Email: "demo@besunny.local", Self: true, ResponseStatus: "tentative"},
			{Email: "AI+Demo@besunny.ai", ResponseStatus: "needsAction"},
			{Email: "room-2@resource.calendar.google.com", Resource: true, ResponseStatus: "accepted"},
			{Email: "x@example.com", ResponseStatus: "bogus"},
			{DisplayName: "no address"},
		},
	}
	r := reader.Read(ev)
	if r.Kind != KindMeeting {
		t.Fatalf("kind = %v (%s)", r.Kind, r.Reason)
	}
	m := r.Meeting
	if m.Title != "Harbor Library kickoff" || m.URL != "https://meet.google.com/abc-defg-hij" || m.Provider != ProviderGoogleMeet {
		t.Errorf("title/url = %q %q %q", m.Title, m.URL, m.Provider)
	}
	if m.Description != "Agenda\nReading room\nJoin: https://meet.google.com/abc-defg-hij" {
		t.Errorf("description = %q", m.Description)
	}
	wantStart := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	if !m.Start.Equal(wantStart) || !m.End.Equal(wantStart.Add(time.Hour)) || m.TimeZone != "America/New_York" || m.AllDay {
		t.Errorf("times = %v–%v %q allDay=%v", m.Start, m.End, m.TimeZone, m.AllDay)
	}
	if m.OrganizerEmail != "pat@harbor.org" || m.OrganizerName != "Pat Lee" || m.EventStatus != StatusTentative {
		t.Errorf("organizer/status = %q %q %q", m.OrganizerEmail, m.OrganizerName, m.EventStatus)
	}
	if len(m.Attendees) != 5 || m.Attendees[2].Email != "ai+demo@besunny.ai" || !m.Attendees[2].Virtual || m.Attendees[0].Virtual || m.Attendees[4].ResponseStatus != StatusNeedsAction || !m.Attendees[3].Resource {
		t.Errorf("attendees = %+v", m.Attendees)
	}
	if !slices.Equal(m.VirtualUsernames, []string{"demo"}) {
		t.Errorf("virtual = %q", m.VirtualUsernames)
	}
	if !m.Updated.Equal(time.Date(2026, 2, 20, 8, 0, 0, 0, time.UTC)) || m.ICalUID != "evt1@google.com" || m.HTMLLink == "" {
		t.Errorf("updated/ical/html = %v %q %q", m.Updated, m.ICalUID, m.HTMLLink)
	}
}

func TestRead_Kinds(t *testing.T) {
	start, end := timed("2026-03-02T10:00:00-05:00", "2026-03-02T11:00:00-05:00")
	tests := []struct {
		name string
		ev   *calendar.Event
		want Kind
	}{
		{"cancelled instance with little else", &calendar.Event{Id: "s_20260302T150000Z", Status: "cancelled", RecurringEventId: "s",
			OriginalStartTime: &calendar.EventDateTime{DateTime: "2026-03-02T10:00:00-05:00"}}, KindCancelled},
		{"deleted event with only an id", &calendar.Event{Id: "gone", Status: "cancelled"}, KindCancelled},
		{"no meeting link", &calendar.Event{Id: "lunch", Summary: "Lunch", Start: start, End: end}, KindNoMeeting},
		{"unreadable times", &calendar.Event{Id: "bad", HangoutLink: "https://meet.google.com/abc-defg-hij",
			Start: &calendar.EventDateTime{DateTime: "soon"}, End: end}, KindUnusable},
		{"no times", &calendar.Event{Id: "none", HangoutLink: "https://meet.google.com/abc-defg-hij"}, KindUnusable},
		{"no id", &calendar.Event{}, KindUnusable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reader.Read(tt.ev)
			if r.Kind != tt.want {
				t.Fatalf("kind = %v, want %v (%s)", r.Kind, tt.want, r.Reason)
			}
			if tt.want == KindCancelled && (r.EventID != tt.ev.Id || r.RecurringEventID != tt.ev.RecurringEventId) {
				t.Fatalf("ids = %q %q", r.EventID, r.RecurringEventID)
			}
		})
	}
}

func TestRead_AllDayEventKeepsDatesInTheCalendarTimeZone(t *testing.T) {
	r := reader.Read(&calendar.Event{
		Id: "offsite", HangoutLink: "https://meet.google.com/abc-defg-hij",
		Start: &calendar.EventDateTime{Date: "2026-03-02"}, End: &calendar.EventDateTime{Date: "2026-03-04"},
	})
	m := r.Meeting
	if r.Kind != KindMeeting || !m.AllDay || m.StartDate != "2026-03-02" || m.EndDate != "2026-03-04" || m.TimeZone != "Europe/Berlin" {
		t.Fatalf("read = %+v", r)
	}
	if !m.Start.Equal(time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC)) || m.End.Sub(m.Start) != 48*time.Hour {
		t.Fatalf("times = %v–%v", m.Start, m.End)
	}
	if m.Title != UntitledMeeting || m.EventStatus != StatusAccepted {
		t.Fatalf("title/status = %q %q", m.Title, m.EventStatus)
	}
}

func TestRead_OwnResponse(t *testing.T) {
	start, end := timed("2026-03-02T10:00:00-05:00", "2026-03-02T11:00:00-05:00")
	base := func() *calendar.Event {
		return &calendar.Event{Id: "e", HangoutLink: "https://meet.google.com/abc-defg-hij", Start: start, End: end}
	}
	organizer := base()
	organizer.Organizer = &calendar.EventOrganizer{Email: "me@x.com", Self: true}
	organizer.Attendees = []*calendar.EventAttendee{{Email: "guest@y.com", ResponseStatus: "declined"}}
	invited := base()
	invited.Attendees = []*calendar.EventAttendee{{Email: "guest@y.com"}, {Email: "me@x.com", Self: true, ResponseStatus: "declined"}}
	unlisted := base()
	unlisted.Attendees = []*calendar.EventAttendee{{Email: "guest@y.com", ResponseStatus: "accepted"}}
	for name, tt := range map[string]struct {
		ev   *calendar.Event
		want string
	}{
		"organiser without own entry": {organizer, StatusAccepted},
		"own entry":                   {invited, StatusDeclined},
		"no guests":                   {base(), StatusAccepted},
		"guests but not self":         {unlisted, StatusNeedsAction},
	} {
		if got := reader.Read(tt.ev).Meeting.EventStatus; got != tt.want {
			t.Errorf("%s: event status %q, want %q", name, got, tt.want)
		}
	}
}
