package notetaker

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/attendee"
)

// Document fields of a transcript.
const (
	// DocumentType is the type of a transcript document.
	DocumentType = "meeting_transcript"
	// DocumentSource is its source; the source id is the bot id.
	DocumentSource = "meeting"
)

// Meeting is what a transcript document says about its meeting.
type Meeting struct {
	ID             string
	Title          string
	URL            string
	Start, End     time.Time
	TimeZone       string
	OrganizerName  string
	OrganizerEmail string
	Attendees      []Attendee
}

// Attendee is one guest of a meeting (the calendar's attendees JSON).
type Attendee struct {
	Email          string `json:"email"`
	Name           string `json:"name,omitempty"`
	ResponseStatus string `json:"response_status,omitempty"`
	Organizer      bool   `json:"organizer,omitempty"`
	Resource       bool   `json:"resource,omitempty"`
}

// Document is a transcript as a BeSunny document.
type Document struct {
	Title      string
	Author     string
	Content    string
	Metadata   json.RawMessage
	ReceivedAt time.Time
}

// documentMetadata is what a transcript keeps besides its text.
type documentMetadata struct {
	MeetingID       string     `json:"meeting_id"`
	BotID           string     `json:"bot_id"`
	MeetingURL      string     `json:"meeting_url"`
	Start           time.Time  `json:"meeting_start"`
	End             time.Time  `json:"meeting_end"`
	DurationSeconds int64      `json:"duration_seconds"`
	SpokenSeconds   int64      `json:"spoken_seconds"`
	Attendees       []Attendee `json:"attendees"`
	Speakers        []string   `json:"speakers"`
	Utterances      int        `json:"utterances"`
	Words           int        `json:"words"`
	RecordedFrom    *time.Time `json:"recorded_from,omitempty"`
	RecordedUntil   *time.Time `json:"recorded_until,omitempty"`
}

// BuildDocument makes the transcript document of a meeting: titled with the
// meeting's title and date, written by its organizer, its text a short
// header (when, who was invited) and the speaker-attributed transcript. The
// header gives the classifier the attendees' addresses and domains, which
// say as much about the project as the words.
func BuildDocument(m Meeting, botID string, t attendee.Transcript) (Document, error) {
	loc := location(m.TimeZone)
	var b strings.Builder
	fmt.Fprintf(&b, "Meeting: %s\n", m.Title)
	fmt.Fprintf(&b, "When: %s\n", span(m.Start, m.End, loc))
	if org := person(m.OrganizerName, m.OrganizerEmail); org != "" {
		fmt.Fprintf(&b, "Organizer: %s\n", org)
	}
	if guests := guestList(m.Attendees); guests != "" {
		fmt.Fprintf(&b, "Attendees: %s\n", guests)
	}
	if len(t.Speakers) > 0 {
		fmt.Fprintf(&b, "Speakers: %s\n", strings.Join(t.Speakers, ", "))
	}
	b.WriteString("\n")
	b.WriteString(t.Text)

	md := documentMetadata{
		MeetingID: m.ID, BotID: botID, MeetingURL: m.URL, Start: m.Start.UTC(), End: m.End.UTC(),
		DurationSeconds: int64(m.End.Sub(m.Start) / time.Second), SpokenSeconds: int64(t.Duration / time.Second), Attendees: m.Attendees, Speakers: t.Speakers,
		Utterances: t.Utterances, Words: t.Words,
	}
	if md.Attendees == nil {
		md.Attendees = []Attendee{}
	}
	if md.Speakers == nil {
		md.Speakers = []string{}
	}
	if !t.Start.IsZero() {
		from, until := t.Start, t.End
		md.RecordedFrom, md.RecordedUntil = &from, &until
	}
	raw, err := json.Marshal(md)
	if err != nil {
		return Document{}, err
	}
	return Document{
		Title:      Title(m.Title, m.Start, m.TimeZone),
		Author:     person(m.OrganizerName, m.OrganizerEmail),
		Content:    b.String(),
		Metadata:   raw,
		ReceivedAt: m.Start,
	}, nil
}

// Title is a transcript's title: the meeting's title and its date in the
// meeting's time zone, e.g. "Q3 review — 9 Mar 2026".
func Title(title string, start time.Time, tz string) string {
	if strings.TrimSpace(title) == "" {
		title = "Untitled meeting"
	}
	return title + " — " + start.In(location(tz)).Format("2 Jan 2006")
}

func span(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	if s.Format("2006-01-02") == e.Format("2006-01-02") {
		return fmt.Sprintf("%s–%s %s", s.Format("Mon 2 Jan 2006 15:04"), e.Format("15:04"), zoneName(s))
	}
	return fmt.Sprintf("%s – %s %s", s.Format("Mon 2 Jan 2006 15:04"), e.Format("Mon 2 Jan 2006 15:04"), zoneName(s))
}

func zoneName(t time.Time) string {
	if t.Location() == time.UTC {
		return "UTC"
	}
	return t.Location().String()
}

func location(tz string) *time.Location {
	if tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.UTC
}

func person(name, email string) string {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	switch {
	case name != "" && email != "":
		return fmt.Sprintf("%s <%s>", name, email)
	case email != "":
		return email
	}
	return name
}

func guestList(as []Attendee) string {
	var out []string
	for _, a := range as {
		if a.Resource || a.Email == "" {
			continue
		}
		out = append(out, person(a.Name, a.Email))
	}
	return strings.Join(out, ", ")
}
