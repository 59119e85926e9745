package meetings

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/api/calendar/v3"

	"github.com/besunny/workflows/internal/mail"
)

// UntitledMeeting is the title of an event without a summary.
const UntitledMeeting = "Untitled meeting"

// Response statuses of an attendee, as Calendar spells them; a meeting's
// EventStatus is the owner's own.
const (
	StatusAccepted    = "accepted"
	StatusDeclined    = "declined"
	StatusTentative   = "tentative"
	StatusNeedsAction = "needsAction"
)

// maxDescriptionRunes bounds the description kept per meeting (Calendar
// allows 8 KB of HTML; pasted agendas can be longer).
const maxDescriptionRunes = 20000

// Attendee is one guest of a meeting.
type Attendee struct {
	Email          string `json:"email"`
	Name           string `json:"name,omitempty"`
	ResponseStatus string `json:"response_status"`
	Self           bool   `json:"self,omitempty"`
	Organizer      bool   `json:"organizer,omitempty"`
	Optional       bool   `json:"optional,omitempty"`
	Resource       bool   `json:"resource,omitempty"`
	// Virtual marks a BeSunny virtual address (ai+<username>@<domain>).
	Virtual bool `json:"virtual,omitempty"`
}

// Meeting is an event with a meeting URL, as its owner's calendar shows it.
type Meeting struct {
	EventID          string
	RecurringEventID string
	ICalUID          string
	Title            string
	Description      string
	Location         string
	URL              string
	Provider         string
	Start, End       time.Time
	// AllDay events keep their dates ("2006-01-02"; EndDate exclusive);
	// Start and End are then midnight in TimeZone.
	AllDay             bool
	StartDate, EndDate string
	// TimeZone is the event's own, else the calendar's.
	TimeZone         string
	OrganizerEmail   string
	OrganizerName    string
	Attendees        []Attendee
	VirtualUsernames []string
	// EventStatus is the owner's response: accepted, declined, tentative
	// or needsAction.
	EventStatus string
	HTMLLink    string
	Updated     time.Time
}

// Kind says what an event is to BeSunny.
type Kind int

// Kinds of events.
const (
	// KindMeeting: an event with a meeting URL; Read.Meeting is set.
	KindMeeting Kind = iota
	// KindCancelled: a deleted event or a cancelled instance of a recurring
	// one; only the ids are reliable.
	KindCancelled
	// KindNoMeeting: an event without a meeting URL (lunch, a focus block).
	// A meeting stored for it lost its link.
	KindNoMeeting
	// KindUnusable: an event whose times cannot be read; Reason says why.
	KindUnusable
)

// Read is what an event is, with the meeting when it is one.
type Read struct {
	Kind             Kind
	EventID          string
	RecurringEventID string
	Meeting          Meeting
	Reason           string
}

// Reader reads events of one owner's calendar.
type Reader struct {
	// Virtual says which attendee addresses are BeSunny virtual addresses
	// (ai+<username>@<domain>), with the rules mail recipients follow.
	Virtual mail.RecipientRules
	// CalendarTimeZone applies to events without a time zone of their own
	// (events.list answers it as the calendar's timeZone).
	CalendarTimeZone string
}

// Read classifies one event of events.list and, for a meeting, maps it.
func (r Reader) Read(ev *calendar.Event) Read {
	if ev == nil || ev.Id == "" {
		return Read{Kind: KindUnusable, Reason: "an event without an id"}
	}
	out := Read{EventID: ev.Id, RecurringEventID: ev.RecurringEventId}
	if ev.Status == "cancelled" {
		out.Kind = KindCancelled
		return out
	}
	link, provider := FindURL(ev)
	if link == "" {
		out.Kind = KindNoMeeting
		return out
	}
	m := Meeting{
		EventID: ev.Id, RecurringEventID: ev.RecurringEventId, ICalUID: ev.ICalUID,
		Title: strings.TrimSpace(ev.Summary), Location: strings.TrimSpace(ev.Location),
		Description: descriptionText(ev.Description), URL: link, Provider: provider, HTMLLink: ev.HtmlLink,
	}
	if m.Title == "" {
		m.Title = UntitledMeeting
	}
	var err error
	if m.Start, m.End, err = r.times(ev, &m); err != nil {
		return Read{Kind: KindUnusable, EventID: ev.Id, RecurringEventID: ev.RecurringEventId, Reason: err.Error()}
	}
	if ev.Organizer != nil {
		m.OrganizerEmail, m.OrganizerName = strings.ToLower(strings.TrimSpace(ev.Organizer.Email)), strings.TrimSpace(ev.Organizer.DisplayName)
	}
	m.Attendees, m.VirtualUsernames = r.attendees(ev.Attendees)
	m.EventStatus = ownResponse(ev, m.Attendees)
	if t, err := time.Parse(time.RFC3339, ev.Updated); err == nil {
		m.Updated = t.UTC()
	}
	out.Kind, out.Meeting = KindMeeting, m
	return out
}

// times reads the start and end: RFC 3339 date-times, or dates for all-day
// events (midnight in the event's or the calendar's time zone).
func (r Reader) times(ev *calendar.Event, m *Meeting) (time.Time, time.Time, error) {
	if ev.Start == nil || ev.End == nil {
		return time.Time{}, time.Time{}, fmt.Errorf("event %s has no start or end", ev.Id)
	}
	m.TimeZone = ev.Start.TimeZone
	if m.TimeZone == "" {
		m.TimeZone = r.CalendarTimeZone
	}
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil || m.TimeZone == "" {
		loc = time.UTC
	}
	if ev.Start.Date != "" {
		m.AllDay, m.StartDate, m.EndDate = true, ev.Start.Date, ev.End.Date
		start, err1 := time.ParseInLocation(time.DateOnly, ev.Start.Date, loc)
		end, err2 := time.ParseInLocation(time.DateOnly, ev.End.Date, loc)
		if err1 != nil || err2 != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("event %s has unreadable dates %q–%q", ev.Id, ev.Start.Date, ev.End.Date)
		}
		return start.UTC(), end.UTC(), nil
	}
	start, err1 := time.Parse(time.RFC3339, ev.Start.DateTime)
	end, err2 := time.Parse(time.RFC3339, ev.End.DateTime)
	if err1 != nil || err2 != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("event %s has unreadable times %q–%q", ev.Id, ev.Start.DateTime, ev.End.DateTime)
	}
	if end.Before(start) {
		end = start
	}
	return start.UTC(), end.UTC(), nil
}

func (r Reader) attendees(in []*calendar.EventAttendee) ([]Attendee, []string) {
	out := make([]Attendee, 0, len(in))
	var virtual []string
	for _, a := range in {
		if a == nil || a.Email == "" {
			continue
		}
		email := strings.ToLower(strings.TrimSpace(a.Email))
		status := a.ResponseStatus
		if !validResponse(status) {
			status = StatusNeedsAction
		}
		u, isVirtual := r.Virtual.Username(email)
		out = append(out, Attendee{
			Email: email, Name: strings.TrimSpace(a.DisplayName), ResponseStatus: status,
			Self: a.Self, Organizer: a.Organizer, Optional: a.Optional, Resource: a.Resource, Virtual: isVirtual,
		})
		if isVirtual && !slices.Contains(virtual, u) {
			virtual = append(virtual, u)
		}
	}
	return out, virtual
}

// ownResponse is the owner's response: their own attendee entry's, else
// accepted for an event they organise or that has no guests (it is simply
// theirs), else needsAction.
func ownResponse(ev *calendar.Event, attendees []Attendee) string {
	for _, a := range attendees {
		if a.Self {
			return a.ResponseStatus
		}
	}
	if (ev.Organizer != nil && ev.Organizer.Self) || len(attendees) == 0 {
		return StatusAccepted
	}
	return StatusNeedsAction
}

func validResponse(s string) bool {
	switch s {
	case StatusAccepted, StatusDeclined, StatusTentative, StatusNeedsAction:
		return true
	}
	return false
}

// descriptionText is the description as plain text (HTML rendered, links
// kept after their text), bounded.
func descriptionText(s string) string {
	s = strings.TrimSpace(s)
	if looksLikeHTML(s) {
		s, _ = mail.HTMLToText(s)
	} else if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) > maxDescriptionRunes {
		s = string([]rune(s)[:maxDescriptionRunes])
	}
	return strings.TrimSpace(s)
}
