package googlefake

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds the sandbox Calendar's model and its programmatic API.
// Every account has one calendar, its primary (id = the account's address,
// "primary" in requests). An event with guests who are accounts of the fake
// appears on their calendars too, under the same event id, as Google shows
// an invitation: each copy has its own self flags and changes with the
// organizer's copy.

// calendarTimeZone is the time zone of every sandbox calendar.
const calendarTimeZone = "UTC"

// fakeCalendar is one account's calendar. Seq numbers every change to its
// events (sync tokens and page tokens are positions in that sequence);
// Generation grows when sync tokens are expired.
type fakeCalendar struct {
	ID         string               `json:"id"`
	TimeZone   string               `json:"time_zone"`
	ResourceID string               `json:"resource_id"`
	Seq        int64                `json:"seq"`
	Generation int64                `json:"generation"`
	Events     map[string]*calEvent `json:"events"`
}

// calTime is an event's start or end: a date-time, or a date for all-day
// events.
type calTime struct {
	DateTime time.Time `json:"date_time,omitzero"`
	Date     string    `json:"date,omitempty"`
	TimeZone string    `json:"time_zone,omitempty"`
}

func (t calTime) allDay() bool { return t.Date != "" }

func (t calTime) equal(o calTime) bool {
	return t.DateTime.Equal(o.DateTime) && t.Date == o.Date && t.TimeZone == o.TimeZone
}

// instant is the moment the time stands for (all-day dates at midnight in
// the time zone).
func (t calTime) instant(defaultZone string) time.Time {
	if !t.allDay() {
		return t.DateTime
	}
	d, _ := time.ParseInLocation(time.DateOnly, t.Date, zone(t.TimeZone, defaultZone))
	return d
}

type calAttendee struct {
	Email          string `json:"email"`
	Name           string `json:"name,omitempty"`
	ResponseStatus string `json:"response_status"`
	Organizer      bool   `json:"organizer,omitempty"`
	Optional       bool   `json:"optional,omitempty"`
	Resource       bool   `json:"resource,omitempty"`
}

// calException is a changed instance of a recurring event, keyed by its
// original start.
type calException struct {
	Seq       int64     `json:"seq"`
	Cancelled bool      `json:"cancelled,omitempty"`
	Start     *calTime  `json:"start,omitempty"`
	End       *calTime  `json:"end,omitempty"`
	Updated   time.Time `json:"updated"`
}

// calEvent is an event on one calendar. Seq is the calendar's change number
// of its last change (of the event itself; instances also count their
// exception's).
type calEvent struct {
	ID            string                   `json:"id"`
	Seq           int64                    `json:"seq"`
	Sequence      int64                    `json:"sequence"`
	Created       time.Time                `json:"created"`
	Updated       time.Time                `json:"updated"`
	Cancelled     bool                     `json:"cancelled,omitempty"`
	Summary       string                   `json:"summary,omitempty"`
	Description   string                   `json:"description,omitempty"`
	Location      string                   `json:"location,omitempty"`
	Start         calTime                  `json:"start"`
	End           calTime                  `json:"end"`
	Organizer     string                   `json:"organizer"`
	OrganizerName string                   `json:"organizer_name,omitempty"`
	Attendees     []calAttendee            `json:"attendees,omitempty"`
	Conference    string                   `json:"conference,omitempty"` // the video link
	Meet          bool                     `json:"meet,omitempty"`       // a Google Meet (else an add-on)
	Recurrence    []string                 `json:"recurrence,omitempty"`
	Exceptions    map[string]*calException `json:"exceptions,omitempty"`
}

// EventInput describes an event to create in a sandbox calendar.
type EventInput struct {
	// ID is optional (base32hex, 5–1024 characters, as Google requires);
	// the fake makes one when empty.
	ID          string    `json:"id,omitempty"`
	Summary     string    `json:"summary,omitempty"`
	Description string    `json:"description,omitempty"`
	Location    string    `json:"location,omitempty"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	// AllDay makes the event last the dates of Start and End (End
	// exclusive) in TimeZone.
	AllDay bool `json:"all_day,omitempty"`
	// TimeZone is an IANA name; default the calendar's (UTC).
	TimeZone  string          `json:"time_zone,omitempty"`
	Attendees []AttendeeInput `json:"attendees,omitempty"`
	// Conference is "meet" for a new Google Meet (conferenceData and
	// hangoutLink, as Calendar's "Add Google Meet" does), a join URL to
	// attach as a conference add-on's video entry point, or empty.
	Conference string `json:"conference,omitempty"`
	// Recurrence holds RRULE lines, e.g. "RRULE:FREQ=WEEKLY;COUNT=4"
	// (FREQ DAILY, WEEKLY or MONTHLY; INTERVAL, COUNT, UNTIL, BYDAY).
	Recurrence []string `json:"recurrence,omitempty"`
}

// AttendeeInput is a guest of an event.
type AttendeeInput struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
	// ResponseStatus defaults to needsAction.
	ResponseStatus string `json:"response_status,omitempty"`
	Optional       bool   `json:"optional,omitempty"`
}

// EventPatch changes an event; nil fields stay. For an instance of a
// recurring event (id <series>_<original start>) only Start and End apply:
// the instance is moved.
type EventPatch struct {
	Summary     *string          `json:"summary,omitempty"`
	Description *string          `json:"description,omitempty"`
	Location    *string          `json:"location,omitempty"`
	Start       *time.Time       `json:"start,omitempty"`
	End         *time.Time       `json:"end,omitempty"`
	Attendees   *[]AttendeeInput `json:"attendees,omitempty"`
	Conference  *string          `json:"conference,omitempty"`
}

// CalendarEvent is an event as the programmatic and admin APIs return it.
type CalendarEvent struct {
	ID         string          `json:"id"`
	CalendarID string          `json:"calendar_id"`
	Status     string          `json:"status"`
	Summary    string          `json:"summary"`
	Start      time.Time       `json:"start"`
	End        time.Time       `json:"end"`
	AllDay     bool            `json:"all_day,omitempty"`
	MeetingURL string          `json:"meeting_url,omitempty"`
	HTMLLink   string          `json:"html_link"`
	Attendees  []AttendeeInput `json:"attendees,omitempty"`
	Recurrence []string        `json:"recurrence,omitempty"`
}

// calendarLocked returns account's calendar, creating it on first use.
// s.mu must be held.
func (s *Server) calendarLocked(account string) *fakeCalendar {
	c := s.st.Calendars[account]
	if c == nil {
		c = &fakeCalendar{ID: account, TimeZone: calendarTimeZone, ResourceID: randomToken("")[:27], Events: map[string]*calEvent{}}
		s.st.Calendars[account] = c
		s.changed()
	}
	return c
}

// CreateEvent adds an event organised by account to its calendar, and to
// the calendars of guests who are accounts of the fake. Channels watching
// those calendars are notified.
func (s *Server) CreateEvent(account string, in EventInput) (CalendarEvent, error) {
	account = normalizeAddress(account)
	if account == "" {
		return CalendarEvent{}, errors.New("googlefake: the event's organizer account is required")
	}
	if in.ID == "" {
		in.ID = newEventID()
	} else if !validEventID(in.ID) {
		return CalendarEvent{}, fmt.Errorf("googlefake: event id %q: use 5–1024 characters of a-v and 0-9", in.ID)
	}
	start, end, err := eventTimes(in.Start, in.End, in.AllDay, in.TimeZone)
	if err != nil {
		return CalendarEvent{}, err
	}
	if err := checkRecurrence(in.Recurrence); err != nil {
		return CalendarEvent{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cal := s.calendarLocked(account)
	if cal.Events[in.ID] != nil {
		return CalendarEvent{}, fmt.Errorf("googlefake: event %s exists", in.ID)
	}
	now := s.now().UTC()
	ev := &calEvent{
		ID: in.ID, Created: now, Updated: now, Summary: in.Summary, Description: in.Description, Location: in.Location,
		Start: start, End: end, Organizer: account, Recurrence: in.Recurrence,
	}
	ev.Attendees = attendeesFor(account, in.Attendees)
	setConference(ev, in.Conference)
	s.saveEventLocked(cal, ev)
	s.propagateLocked(cal, ev)
	return publicEvent(cal, ev), nil
}

// UpdateEvent changes an event account organises (guests' copies follow;
// a guest's change is refused). An instance id moves that one instance.
func (s *Server) UpdateEvent(account, eventID string, p EventPatch) (CalendarEvent, error) {
	account = normalizeAddress(account)
	s.mu.Lock()
	defer s.mu.Unlock()
	cal := s.st.Calendars[account]
	if cal == nil {
		return CalendarEvent{}, ErrNotFound
	}
	if seriesID, stamp, ok := strings.Cut(eventID, "_"); ok && cal.Events[eventID] == nil {
		if series := cal.Events[seriesID]; series != nil && series.Organizer != account {
			return CalendarEvent{}, errNotOrganizer
		}
		return s.moveInstanceLocked(cal, seriesID, stamp, p)
	}
	ev := cal.Events[eventID]
	if ev == nil || ev.Cancelled {
		return CalendarEvent{}, ErrNotFound
	}
	if ev.Organizer != account {
		return CalendarEvent{}, errNotOrganizer
	}
	next := *ev
	if p.Summary != nil {
		next.Summary = *p.Summary
	}
	if p.Description != nil {
		next.Description = *p.Description
	}
	if p.Location != nil {
		next.Location = *p.Location
	}
	if p.Start != nil || p.End != nil {
		start, end := ev.Start.instant(cal.TimeZone), ev.End.instant(cal.TimeZone)
		if p.Start != nil {
			// A new start alone keeps the duration.
			end = end.Add(p.Start.Sub(start))
			start = *p.Start
		}
		if p.End != nil {
			end = *p.End
		}
		var err error
		if next.Start, next.End, err = eventTimes(start, end, ev.Start.allDay(), ev.Start.TimeZone); err != nil {
			return CalendarEvent{}, err
		}
	}
	if p.Attendees != nil {
		next.Attendees = attendeesFor(ev.Organizer, *p.Attendees)
	}
	if p.Conference != nil {
		setConference(&next, *p.Conference)
	}
	next.Sequence++
	next.Updated = s.now().UTC()
	*ev = next
	s.saveEventLocked(cal, ev)
	s.propagateLocked(cal, ev)
	return publicEvent(cal, ev), nil
}

// CancelEvent deletes an event of account's calendar (status cancelled, as
// Google keeps deleted events for incremental sync). A recurring event's id
// deletes the series; an instance id cancels that instance only. The
// organizer's deletion reaches every guest's copy; a guest's removes their
// own copy only.
func (s *Server) CancelEvent(account, eventID string) error {
	account = normalizeAddress(account)
	s.mu.Lock()
	defer s.mu.Unlock()
	cal := s.st.Calendars[account]
	if cal == nil {
		return ErrNotFound
	}
	if seriesID, stamp, ok := strings.Cut(eventID, "_"); ok && cal.Events[eventID] == nil {
		series := cal.Events[seriesID]
		if series == nil || series.Cancelled || !hasInstance(cal, series, stamp) {
			return ErrNotFound
		}
		ex := exceptionFor(series, stamp)
		if ex.Cancelled {
			return ErrNotFound
		}
		ex.Cancelled, ex.Updated = true, s.now().UTC()
		s.saveExceptionLocked(cal, series, ex)
		if series.Organizer == account {
			s.propagateLocked(cal, series)
		}
		return nil
	}
	ev := cal.Events[eventID]
	if ev == nil || ev.Cancelled {
		return ErrNotFound
	}
	ev.Cancelled, ev.Updated = true, s.now().UTC()
	ev.Sequence++
	s.saveEventLocked(cal, ev)
	// The organizer's deletion cancels every copy; a guest's removes only
	// the guest's own.
	if ev.Organizer == account {
		s.propagateLocked(cal, ev)
	}
	return nil
}

// errNotOrganizer refuses a guest's change of an event (Google's default:
// guests cannot modify events).
var errNotOrganizer = errors.New("googlefake: only the organizer can change the event")

// RespondToEvent sets account's own response (accepted, declined,
// tentative, needsAction) on an event of its calendar.
func (s *Server) RespondToEvent(account, eventID, response string) error {
	account = normalizeAddress(account)
	switch response {
	case "accepted", "declined", "tentative", "needsAction":
	default:
		return fmt.Errorf("googlefake: response %q: use accepted, declined, tentative or needsAction", response)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cal := s.st.Calendars[account]
	if cal == nil || cal.Events[eventID] == nil || cal.Events[eventID].Cancelled {
		return ErrNotFound
	}
	ev := cal.Events[eventID]
	i := slices.IndexFunc(ev.Attendees, func(a calAttendee) bool { return a.Email == account })
	if i < 0 {
		return fmt.Errorf("googlefake: %s is not a guest of %s", account, eventID)
	}
	// The answer lands on the organizer's copy, from which every copy
	// follows.
	org := s.st.Calendars[ev.Organizer]
	if org == nil || org.Events[eventID] == nil {
		ev.Attendees[i].ResponseStatus = response
		s.saveEventLocked(cal, ev)
		return nil
	}
	master := org.Events[eventID]
	for j := range master.Attendees {
		if master.Attendees[j].Email == account {
			master.Attendees[j].ResponseStatus = response
		}
	}
	master.Updated = s.now().UTC()
	s.saveEventLocked(org, master)
	s.propagateLocked(org, master)
	return nil
}

// CalendarEvents lists the events of account's calendar (recurring events
// as one entry each), cancelled ones included.
func (s *Server) CalendarEvents(account string) []CalendarEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	cal := s.st.Calendars[normalizeAddress(account)]
	if cal == nil {
		return nil
	}
	out := make([]CalendarEvent, 0, len(cal.Events))
	for _, ev := range cal.Events {
		out = append(out, publicEvent(cal, ev))
	}
	slices.SortFunc(out, func(a, b CalendarEvent) int { return a.Start.Compare(b.Start) })
	return out
}

// ExpireCalendarSyncTokens makes every sync token issued for account's
// calendar answer 410 Gone, as Google does when a token is too old.
func (s *Server) ExpireCalendarSyncTokens(account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cal := s.calendarLocked(normalizeAddress(account))
	cal.Generation++
	s.changed()
}

// saveEventLocked records a change of ev on cal and notifies cal's
// channels.
func (s *Server) saveEventLocked(cal *fakeCalendar, ev *calEvent) {
	cal.Seq++
	ev.Seq = cal.Seq
	cal.Events[ev.ID] = ev
	s.notifyCalendarLocked(cal, "exists")
	s.changed()
}

func (s *Server) saveExceptionLocked(cal *fakeCalendar, series *calEvent, ex *calException) {
	cal.Seq++
	ex.Seq = cal.Seq
	s.notifyCalendarLocked(cal, "exists")
	s.changed()
}

// propagateLocked brings the guests' copies of the organizer's event in
// step: guests who are accounts of the fake get (or keep) a copy, guests no
// longer invited see theirs cancelled.
func (s *Server) propagateLocked(org *fakeCalendar, master *calEvent) {
	invited := map[string]bool{}
	for _, a := range master.Attendees {
		if a.Email == master.Organizer || s.st.Calendars[a.Email] == nil {
			continue
		}
		invited[a.Email] = true
		cal := s.st.Calendars[a.Email]
		prev := cal.Events[master.ID]
		cp := *master
		cp.Exceptions = map[string]*calException{}
		for k, v := range master.Exceptions {
			e := *v
			cp.Exceptions[k] = &e
		}
		for k, v := range cp.Exceptions {
			// An unchanged exception keeps its change number on the
			// guest's calendar, so their next sync does not see it again.
			if pv := prevException(prev, k); pv != nil && sameException(pv, v) {
				v.Seq = pv.Seq
			} else {
				cal.Seq++
				v.Seq = cal.Seq
			}
		}
		s.saveEventLocked(cal, &cp)
	}
	for _, cal := range s.st.Calendars {
		if cal == org || invited[cal.ID] {
			continue
		}
		if prev := cal.Events[master.ID]; prev != nil && !prev.Cancelled {
			prev.Cancelled, prev.Updated = true, s.now().UTC()
			s.saveEventLocked(cal, prev)
		}
	}
}

func (s *Server) moveInstanceLocked(cal *fakeCalendar, seriesID, stamp string, p EventPatch) (CalendarEvent, error) {
	series := cal.Events[seriesID]
	if series == nil || series.Cancelled || !hasInstance(cal, series, stamp) {
		return CalendarEvent{}, ErrNotFound
	}
	if p.Start == nil && p.End == nil {
		return CalendarEvent{}, errors.New("googlefake: an instance of a recurring event can only be moved (start, end)")
	}
	ex := exceptionFor(series, stamp)
	if ex.Cancelled {
		return CalendarEvent{}, ErrNotFound
	}
	orig, _ := instanceStart(series, stamp, cal.TimeZone)
	length := series.End.instant(cal.TimeZone).Sub(series.Start.instant(cal.TimeZone))
	start, end := orig, orig.Add(length)
	if ex.Start != nil {
		start, end = ex.Start.instant(cal.TimeZone), ex.End.instant(cal.TimeZone)
	}
	if p.Start != nil {
		end = end.Add(p.Start.Sub(start))
		start = *p.Start
	}
	if p.End != nil {
		end = *p.End
	}
	st, en, err := eventTimes(start, end, series.Start.allDay(), series.Start.TimeZone)
	if err != nil {
		return CalendarEvent{}, err
	}
	ex.Start, ex.End, ex.Updated = &st, &en, s.now().UTC()
	s.saveExceptionLocked(cal, series, ex)
	s.propagateLocked(cal, series)
	out := publicEvent(cal, series)
	out.ID, out.Start, out.End, out.Recurrence = seriesID+"_"+stamp, st.instant(cal.TimeZone), en.instant(cal.TimeZone), nil
	return out, nil
}

func prevException(prev *calEvent, stamp string) *calException {
	if prev == nil {
		return nil
	}
	return prev.Exceptions[stamp]
}

func sameException(a, b *calException) bool {
	sameTime := func(x, y *calTime) bool { return (x == nil) == (y == nil) && (x == nil || x.equal(*y)) }
	return a.Cancelled == b.Cancelled && sameTime(a.Start, b.Start) && sameTime(a.End, b.End)
}

func exceptionFor(series *calEvent, stamp string) *calException {
	if series.Exceptions == nil {
		series.Exceptions = map[string]*calException{}
	}
	ex := series.Exceptions[stamp]
	if ex == nil {
		ex = &calException{}
		series.Exceptions[stamp] = ex
	}
	return ex
}

// attendeesFor lists the guests with the organizer first, as Google shows
// an event with guests.
func attendeesFor(organizer string, in []AttendeeInput) []calAttendee {
	if len(in) == 0 {
		return nil
	}
	out := []calAttendee{{Email: organizer, ResponseStatus: "accepted", Organizer: true}}
	for _, a := range in {
		email := normalizeAddress(a.Email)
		if email == "" || email == organizer {
			continue
		}
		status := a.ResponseStatus
		if status == "" {
			status = "needsAction"
		}
		out = append(out, calAttendee{Email: email, Name: a.Name, ResponseStatus: status, Optional: a.Optional,
			Resource: strings.HasSuffix(email, "@resource.calendar.google.com")})
	}
	return out
}

func setConference(ev *calEvent, conference string) {
	switch {
	case conference == "":
		ev.Conference, ev.Meet = "", false
	case conference == "meet":
		if !ev.Meet {
			ev.Conference, ev.Meet = newMeetLink(), true
		}
	default:
		ev.Conference, ev.Meet = conference, strings.HasPrefix(conference, "https://meet.google.com/")
	}
}

func eventTimes(start, end time.Time, allDay bool, tz string) (calTime, calTime, error) {
	if start.IsZero() || end.IsZero() {
		return calTime{}, calTime{}, errors.New("googlefake: an event needs a start and an end")
	}
	if end.Before(start) {
		return calTime{}, calTime{}, errors.New("googlefake: the event ends before it starts")
	}
	loc := zone(tz, calendarTimeZone)
	if allDay {
		s, e := start.In(loc).Format(time.DateOnly), end.In(loc).Format(time.DateOnly)
		if s == e {
			e = start.In(loc).AddDate(0, 0, 1).Format(time.DateOnly)
		}
		return calTime{Date: s, TimeZone: tz}, calTime{Date: e, TimeZone: tz}, nil
	}
	return calTime{DateTime: start.UTC(), TimeZone: tz}, calTime{DateTime: end.UTC(), TimeZone: tz}, nil
}

// zone loads name, else fallback, else UTC.
func zone(name, fallback string) *time.Location {
	for _, n := range []string{name, fallback} {
		if n == "" {
			continue
		}
		if loc, err := time.LoadLocation(n); err == nil {
			return loc
		}
	}
	return time.UTC
}

// base32hex is the alphabet of Calendar event ids.
const base32hex = "0123456789abcdefghijklmnopqrstuv"

func newEventID() string {
	raw := randomToken("")
	var b strings.Builder
	for i := 0; i < 26; i++ {
		b.WriteByte(base32hex[int(raw[i])%len(base32hex)])
	}
	return b.String()
}

func validEventID(id string) bool {
	if len(id) < 5 || len(id) > 1024 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !strings.ContainsRune(base32hex, rune(id[i])) {
			return false
		}
	}
	return true
}

func newMeetLink() string {
	letters := randomToken("")
	pick := func(n, off int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte('a' + letters[off+i]%26)
		}
		return b.String()
	}
	return "https://meet.google.com/" + pick(3, 0) + "-" + pick(4, 3) + "-" + pick(3, 7)
}

// htmlLink is the event's link in Calendar's web UI: eid is base64 of the
// event id and the calendar id.
func htmlLink(calendarID, eventID string) string {
	eid := base64.RawURLEncoding.EncodeToString([]byte(eventID + " " + calendarID))
	return "https://www.google.com/calendar/event?eid=" + eid
}

func publicEvent(cal *fakeCalendar, ev *calEvent) CalendarEvent {
	out := CalendarEvent{
		ID: ev.ID, CalendarID: cal.ID, Status: "confirmed", Summary: ev.Summary,
		Start: ev.Start.instant(cal.TimeZone), End: ev.End.instant(cal.TimeZone), AllDay: ev.Start.allDay(),
		MeetingURL: ev.Conference, HTMLLink: htmlLink(cal.ID, ev.ID), Recurrence: ev.Recurrence,
	}
	if ev.Cancelled {
		out.Status = "cancelled"
	}
	for _, a := range ev.Attendees {
		out.Attendees = append(out.Attendees, AttendeeInput{Email: a.Email, Name: a.Name, ResponseStatus: a.ResponseStatus, Optional: a.Optional})
	}
	return out
}
