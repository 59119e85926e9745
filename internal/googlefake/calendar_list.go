package googlefake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
)

// events.list as Calendar v3 serves it: pages of at most maxResults events
// (default 250, at most 2500), nextPageToken on every page but the last,
// nextSyncToken on the last only. Without a syncToken the listing is a full
// sync (timeMin, timeMax, singleEvents, showDeleted apply); with one it
// returns every event changed since the token was issued, cancelled ones
// included, and refuses the parameters Google refuses with a sync token. A
// token the calendar no longer honours (ExpireCalendarSyncTokens, or older
// than Options.CalendarSyncTokenTTL) answers 410 Gone with Google's
// fullSyncRequired error.
//
// A listing is a snapshot: its page tokens carry the calendar's change
// number when the first page was served, and later pages leave out events
// changed since; those changes come with the next sync token instead.

// Fake-specific strictness: Google calls a sync-token request whose
// singleEvents differs from the first request's "undefined behaviour"; the
// fake answers 400, so a client that mixes them fails its tests.

const (
	defaultMaxResults = 250
	maxMaxResults     = 2500
)

// syncTokenParams are refused together with syncToken (the Calendar v3
// reference lists them).
var syncTokenParams = []string{"iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin"}

// calendarCursor is what sync and page tokens encode.
type calendarCursor struct {
	Calendar string `json:"c"`
	// From is the change number after which a sync returns changes (-1: a
	// full listing); Upto the change number of the snapshot.
	From int64 `json:"f"`
	Upto int64 `json:"u"`
	// After is the last event id served (page tokens only).
	After        string    `json:"a,omitempty"`
	Generation   int64     `json:"g"`
	SingleEvents bool      `json:"e"`
	ShowDeleted  bool      `json:"d"`
	TimeMin      time.Time `json:"min,omitzero"`
	TimeMax      time.Time `json:"max,omitzero"`
	Issued       int64     `json:"t"`
}

func encodeCursor(prefix string, c calendarCursor) string {
	b, _ := json.Marshal(c)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(prefix, s string) (calendarCursor, bool) {
	var c calendarCursor
	raw, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return c, false
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	return c, err == nil && json.Unmarshal(b, &c) == nil
}

// calendarFor resolves a calendarId for account: "primary" or the account's
// own address. Other calendars are not modelled (404).
func (s *Server) calendarFor(w http.ResponseWriter, r *http.Request, account string) (string, bool) {
	id := r.PathValue("calendarId")
	if id == "primary" || normalizeAddress(id) == account {
		return account, true
	}
	writeError(w, http.StatusNotFound, "notFound", "Not Found")
	return "", false
}

func writeCalendarParamError(w http.ResponseWriter, param, message string) {
	writeErrorAt(w, http.StatusBadRequest, "invalid", message, param, "parameter")
}

func (s *Server) eventsList(w http.ResponseWriter, r *http.Request, account string) {
	calID, ok := s.calendarFor(w, r, account)
	if !ok {
		return
	}
	q := r.URL.Query()
	max := defaultMaxResults
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeCalendarParamError(w, "maxResults", "Invalid value for maxResults: "+v)
			return
		}
		max = min(n, maxMaxResults)
	}
	singleEvents := q.Get("singleEvents") == "true"
	showDeletedSet, showDeleted := q.Has("showDeleted"), q.Get("showDeleted") == "true"
	if q.Get("orderBy") == "startTime" && !singleEvents {
		writeCalendarParamError(w, "orderBy", "The requested ordering is not available for the particular query.")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	cal := s.calendarLocked(calID)
	now := s.now()
	var cur calendarCursor
	switch {
	case q.Get("pageToken") != "":
		c, ok := decodeCursor("EP", q.Get("pageToken"))
		if !ok || c.Calendar != cal.ID {
			writeCalendarParamError(w, "pageToken", "Invalid page token value.")
			return
		}
		cur = c
	case q.Get("syncToken") != "":
		for _, p := range syncTokenParams {
			if q.Has(p) {
				writeCalendarParamError(w, p, "Sync token cannot be used with the "+p+" parameter.")
				return
			}
		}
		if showDeletedSet && !showDeleted {
			writeCalendarParamError(w, "showDeleted", "showDeleted cannot be false with a sync token: deleted events are always returned.")
			return
		}
		c, ok := decodeCursor("CP", q.Get("syncToken"))
		if !ok || c.Calendar != cal.ID {
			writeCalendarParamError(w, "syncToken", "Invalid sync token value.")
			return
		}
		if c.Generation != cal.Generation || (s.opts.CalendarSyncTokenTTL > 0 && now.Sub(time.Unix(c.Issued, 0)) > s.opts.CalendarSyncTokenTTL) {
			writeJSON(w, http.StatusGone, apiError{Error: apiErrorBody{Code: http.StatusGone,
				Message: "Sync token is no longer valid, a full sync is required.",
				Errors: []apiErrorItem{{Domain: "global", Reason: "fullSyncRequired",
					Message: "Sync token is no longer valid, a full sync is required."}}}})
			return
		}
		if c.SingleEvents != singleEvents {
			writeCalendarParamError(w, "singleEvents", "singleEvents must be the same as in the request that returned the sync token.")
			return
		}
		cur = calendarCursor{Calendar: cal.ID, From: c.Upto, Upto: cal.Seq, Generation: cal.Generation, SingleEvents: singleEvents, ShowDeleted: true}
	default:
		cur = calendarCursor{Calendar: cal.ID, From: -1, Upto: cal.Seq, Generation: cal.Generation, SingleEvents: singleEvents, ShowDeleted: showDeleted}
		for _, p := range []struct {
			name string
			dst  *time.Time
		}{{"timeMin", &cur.TimeMin}, {"timeMax", &cur.TimeMax}} {
			v := q.Get(p.name)
			if v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeCalendarParamError(w, p.name, "Invalid value for "+p.name+": "+v+" (RFC 3339 with a time zone offset).")
				return
			}
			*p.dst = t
		}
		if !cur.TimeMin.IsZero() && !cur.TimeMax.IsZero() && !cur.TimeMin.Before(cur.TimeMax) {
			writeErrorAt(w, http.StatusBadRequest, "timeRangeEmpty", "The specified time range is empty.", "timeMax", "parameter")
			return
		}
	}

	items := s.listingLocked(cal, cur, now)
	start := 0
	if cur.After != "" {
		start, _ = slices.BinarySearchFunc(items, cur.After, func(it listItem, id string) int { return strings.Compare(it.id, id) })
		if start < len(items) && items[start].id == cur.After {
			start++
		}
	}
	end := min(start+max, len(items))
	out := &calendarapi.Events{
		Kind: "calendar#events", Etag: `"` + strconv.FormatInt(cal.Seq, 10) + `"`, Summary: cal.ID,
		Updated: calendarTime(s.lastChangeLocked(cal)), TimeZone: cal.TimeZone, AccessRole: "owner",
		DefaultReminders: []*calendarapi.EventReminder{{Method: "popup", Minutes: 10}},
		Items:            make([]*calendarapi.Event, 0, end-start),
	}
	for _, it := range items[start:end] {
		out.Items = append(out.Items, it.event)
	}
	if end < len(items) {
		next := cur
		next.After = items[end-1].id
		out.NextPageToken = encodeCursor("EP", next)
	} else {
		out.NextSyncToken = encodeCursor("CP", calendarCursor{Calendar: cal.ID, Upto: cur.Upto, Generation: cal.Generation,
			SingleEvents: cur.SingleEvents, Issued: now.Unix()})
	}
	writeJSON(w, http.StatusOK, out)
}

// listItem is one entry of a listing.
type listItem struct {
	id         string
	seq        int64
	cancelled  bool
	start, end time.Time
	event      *calendarapi.Event
}

// listingLocked builds every entry cur selects, sorted by id (the order
// page tokens continue from).
func (s *Server) listingLocked(cal *fakeCalendar, cur calendarCursor, now time.Time) []listItem {
	horizon := now.Add(expansionHorizon)
	if !cur.TimeMax.IsZero() {
		horizon = cur.TimeMax
	}
	var items []listItem
	add := func(it listItem) {
		switch {
		case it.seq > cur.Upto:
			return // changed after the snapshot: the next sync token has it
		case cur.From >= 0:
			if it.seq <= cur.From {
				return
			}
		default:
			if it.cancelled && !cur.ShowDeleted {
				return
			}
			if (!cur.TimeMin.IsZero() && !it.end.After(cur.TimeMin)) || (!cur.TimeMax.IsZero() && !it.start.Before(cur.TimeMax)) {
				return
			}
		}
		items = append(items, it)
	}
	for _, ev := range cal.Events {
		if len(ev.Recurrence) == 0 {
			add(listItem{id: ev.ID, seq: ev.Seq, cancelled: ev.Cancelled, start: ev.Start.instant(cal.TimeZone),
				end: ev.End.instant(cal.TimeZone), event: eventResource(cal, ev, nil)})
			continue
		}
		if !cur.SingleEvents {
			add(listItem{id: ev.ID, seq: ev.Seq, cancelled: ev.Cancelled, start: ev.Start.instant(cal.TimeZone),
				end: ev.End.instant(cal.TimeZone), event: eventResource(cal, ev, nil)})
		}
		for _, o := range occurrences(ev, cal.TimeZone, horizon) {
			ex := ev.Exceptions[o.stamp]
			if !cur.SingleEvents && ex == nil {
				continue // unchanged instances are the series' own
			}
			inst := instance{occurrence: o, exception: ex}
			seq := ev.Seq
			if ex != nil {
				seq = max(seq, ex.Seq)
			}
			st, en := inst.times()
			add(listItem{id: ev.ID + "_" + o.stamp, seq: seq, cancelled: ev.Cancelled || (ex != nil && ex.Cancelled),
				start: st.instant(cal.TimeZone), end: en.instant(cal.TimeZone), event: eventResource(cal, ev, &inst)})
		}
	}
	slices.SortFunc(items, func(a, b listItem) int { return strings.Compare(a.id, b.id) })
	return items
}

func (s *Server) lastChangeLocked(cal *fakeCalendar) time.Time {
	var last time.Time
	for _, ev := range cal.Events {
		if ev.Updated.After(last) {
			last = ev.Updated
		}
	}
	if last.IsZero() {
		return s.now()
	}
	return last
}

// instance is one occurrence of a series with its exception, if any.
type instance struct {
	occurrence
	exception *calException
}

func (i instance) times() (calTime, calTime) {
	if i.exception != nil && i.exception.Start != nil {
		return *i.exception.Start, *i.exception.End
	}
	return i.start, i.end
}

// calendarTime is Calendar's RFC 3339 timestamp format for created and
// updated: UTC with milliseconds.
func calendarTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// eventDateTime renders a start or end: a date for all-day events, else a
// date-time with the offset of the event's time zone, and that zone.
func eventDateTime(t calTime, calZone string) *calendarapi.EventDateTime {
	tz := t.TimeZone
	if tz == "" {
		tz = calZone
	}
	if t.allDay() {
		return &calendarapi.EventDateTime{Date: t.Date, TimeZone: t.TimeZone}
	}
	return &calendarapi.EventDateTime{DateTime: t.DateTime.In(zone(tz, calZone)).Format(time.RFC3339), TimeZone: tz}
}

// eventResource renders an event (or one instance of it) as Calendar v3's
// Event resource. A deleted event or cancelled instance carries little more
// than its ids, as Google guarantees nothing else for them.
func eventResource(cal *fakeCalendar, ev *calEvent, inst *instance) *calendarapi.Event {
	id, seq, updated := ev.ID, ev.Seq, ev.Updated
	cancelled := ev.Cancelled
	if inst != nil {
		id = ev.ID + "_" + inst.stamp
		if inst.exception != nil {
			seq, updated = max(seq, inst.exception.Seq), maxTime(updated, inst.exception.Updated)
			cancelled = cancelled || inst.exception.Cancelled
		}
	}
	out := &calendarapi.Event{Kind: "calendar#event", Etag: `"` + strconv.FormatInt(seq*1000+int64(len(id)), 10) + `"`, Id: id}
	if inst != nil {
		out.RecurringEventId = ev.ID
		out.OriginalStartTime = eventDateTime(inst.start, cal.TimeZone)
	}
	if cancelled {
		out.Status = "cancelled"
		return out
	}
	start, end := ev.Start, ev.End
	if inst != nil {
		start, end = inst.times()
	} else {
		out.Recurrence = ev.Recurrence
	}
	self := cal.ID
	out.Status = "confirmed"
	out.HtmlLink = htmlLink(cal.ID, id)
	out.Created, out.Updated = calendarTime(ev.Created), calendarTime(updated)
	out.Summary, out.Description, out.Location = ev.Summary, ev.Description, ev.Location
	out.Creator = &calendarapi.EventCreator{Email: ev.Organizer, Self: ev.Organizer == self}
	out.Organizer = &calendarapi.EventOrganizer{Email: ev.Organizer, DisplayName: ev.OrganizerName, Self: ev.Organizer == self}
	out.Start, out.End = eventDateTime(start, cal.TimeZone), eventDateTime(end, cal.TimeZone)
	out.ICalUID = ev.ID + "@google.com"
	out.Sequence = ev.Sequence
	out.ForceSendFields = []string{"Sequence"} // Google sends "sequence": 0 too
	out.EventType = "default"
	out.Reminders = &calendarapi.EventReminders{UseDefault: true}
	for _, a := range ev.Attendees {
		out.Attendees = append(out.Attendees, &calendarapi.EventAttendee{
			Email: a.Email, DisplayName: a.Name, ResponseStatus: a.ResponseStatus, Organizer: a.Organizer,
			Self: a.Email == self, Optional: a.Optional, Resource: a.Resource,
		})
	}
	if ev.Conference != "" {
		cd := &calendarapi.ConferenceData{
			EntryPoints: []*calendarapi.EntryPoint{{EntryPointType: "video", Uri: ev.Conference, Label: strings.TrimPrefix(ev.Conference, "https://")}},
		}
		if ev.Meet {
			out.HangoutLink = ev.Conference
			code := strings.TrimPrefix(ev.Conference, "https://meet.google.com/")
			cd.ConferenceId = code
			cd.ConferenceSolution = &calendarapi.ConferenceSolution{Key: &calendarapi.ConferenceSolutionKey{Type: "hangoutsMeet"},
				Name: "Google Meet", IconUri: "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png"}
			cd.EntryPoints[0].MeetingCode = code
		} else {
			cd.ConferenceSolution = &calendarapi.ConferenceSolution{Key: &calendarapi.ConferenceSolutionKey{Type: "addOn"}, Name: "Video call"}
		}
		out.ConferenceData = cd
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
