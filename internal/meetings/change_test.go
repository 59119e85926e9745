package meetings

import (
	"testing"
	"time"
)

func TestCompare(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	stored := Stored{Title: "Kickoff", Description: "Agenda", URL: "https://meet.google.com/abc-defg-hij", Start: t0, End: t0.Add(time.Hour),
		OrganizerEmail: "pat@harbor.org", Attendees: []Attendee{{Email: "a@x.com", ResponseStatus: StatusNeedsAction}, {Email: "b@y.com"}}}
	same := Meeting{Title: "Kickoff", Description: "Agenda", URL: stored.URL, Start: t0, End: t0.Add(time.Hour), OrganizerEmail: "pat@harbor.org",
		Attendees: []Attendee{{Email: "b@y.com"}, {Email: "a@x.com", ResponseStatus: StatusAccepted}}}
	with := func(f func(*Meeting)) Meeting { m := same; f(&m); return m }
	cancelled := stored
	cancelled.Cancelled = true
	tests := []struct {
		name string
		prev *Stored
		next Meeting
		want Change
	}{
		{"new", nil, same, Change{Created: true, Reclassify: true}},
		{"a guest answered, nothing else", &stored, same, Change{}},
		{"moved", &stored, with(func(m *Meeting) { m.Start, m.End = t0.Add(time.Hour), t0.Add(2*time.Hour) }), Change{Moved: true}},
		{"longer", &stored, with(func(m *Meeting) { m.End = t0.Add(90 * time.Minute) }), Change{Moved: true}},
		{"new link", &stored, with(func(m *Meeting) { m.URL = "https://zoom.us/j/1" }), Change{URLChanged: true}},
		{"renamed", &stored, with(func(m *Meeting) { m.Title = "Kickoff (Harbor)" }), Change{Reclassify: true}},
		{"guest added", &stored, with(func(m *Meeting) { m.Attendees = append(m.Attendees, Attendee{Email: "c@z.com"}) }), Change{Reclassify: true}},
		{"back after cancellation", &cancelled, same, Change{Restored: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(tt.prev, tt.next)
			if got != tt.want {
				t.Fatalf("Compare = %+v, want %+v", got, tt.want)
			}
			if got.Any() != (tt.want != Change{}) {
				t.Fatalf("Any = %v", got.Any())
			}
		})
	}
}
