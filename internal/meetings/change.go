package meetings

import (
	"slices"
	"time"
)

// Stored is what the store holds of a meeting, for comparison with its
// event's new state.
type Stored struct {
	Title, Description, Location string
	URL                          string
	Start, End                   time.Time
	AllDay                       bool
	OrganizerEmail               string
	Attendees                    []Attendee
	Cancelled                    bool
}

// Change says what an event's new state changes about its meeting.
type Change struct {
	// Created: there was no meeting.
	Created bool
	// Restored: the meeting had been cancelled and its event is back.
	Restored bool
	// Moved: the start or end changed (the notetaker must join at the new
	// time).
	Moved bool
	// URLChanged: the meeting link changed (the notetaker must join
	// another call).
	URLChanged bool
	// Reclassify: what the classifier reads changed (title, description,
	// location, organizer, guests).
	Reclassify bool
}

// Any reports whether the change matters to anyone.
func (c Change) Any() bool { return c.Created || c.Restored || c.Moved || c.URLChanged || c.Reclassify }

// Compare tells what storing m over prev (nil: no meeting yet) changes.
func Compare(prev *Stored, m Meeting) Change {
	if prev == nil {
		return Change{Created: true, Reclassify: true}
	}
	return Change{
		Restored:   prev.Cancelled,
		Moved:      !prev.Start.Equal(m.Start) || !prev.End.Equal(m.End) || prev.AllDay != m.AllDay,
		URLChanged: prev.URL != m.URL,
		Reclassify: prev.Title != m.Title || prev.Description != m.Description || prev.Location != m.Location ||
			prev.OrganizerEmail != m.OrganizerEmail || !slices.Equal(guestEmails(prev.Attendees), guestEmails(m.Attendees)),
	}
}

// guestEmails are the attendee addresses in order; responses do not count
// (a guest accepting does not change what the meeting is about).
func guestEmails(as []Attendee) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.Email)
	}
	slices.Sort(out)
	return out
}
