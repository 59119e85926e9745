package meetings

import (
	"strings"
	"testing"
	"time"
)

func TestClassifiable_AnOwnersOwnMeetingTakesItsFirstGuestAsAuthor(t *testing.T) {
	c := Classifiable{
		ID: "m2", Title: "Weekly check-in", OrganizerEmail: "demo@besunny.local",
		Attendees: []Attendee{
			{Email: "demo@besunny.local", Self: true, Organizer: true},
			{Email: "ai+demo@besunny.ai", Virtual: true},
			{Email: "maya@northwind.example", Name: "Maya"},
		},
	}
	d := c.Document()
	if d.Author != "Maya <maya@northwind.example>" || strings.Contains(d.Text, "besunny") {
		t.Fatalf("document = %+v", d)
	}
	if (Classifiable{Title: "Alone", OrganizerEmail: "demo@besunny.local", Attendees: []Attendee{{Email: "demo@besunny.local", Self: true}}}).Document().Author != "" {
		t.Fatal("a meeting with nobody else has an author")
	}
}

func TestClassifiable_DocumentCarriesGuestsAndDomainsButNotTheOwnerOrBeSunny(t *testing.T) {
	c := Classifiable{
		ID: "m1", Title: "Reading room review", Description: "Shelving plan", Location: "Harbor Library",
		OrganizerEmail: "pat@harbor.org", OrganizerName: "Pat Lee", Start: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC),
		Attendees: []Attendee{
			{Email: "pat@harbor.org", Name: "Pat Lee", Organizer: true},
			{Email: "demo@besunny.local", Self: true},
			{Email: "ai+demo@besunny.ai", Virtual: true},
			{Email: "room@resource.calendar.google.com", Resource: true},
			{Email: "sam@northwind-build.com"},
		},
	}
	d := c.Document()
	if d.ID != "m1" || d.Type != DocumentType || d.Source != Source || d.Author != "Pat Lee <pat@harbor.org>" || d.Title != "Reading room review" || !d.Date.Equal(c.Start) {
		t.Fatalf("document = %+v", d)
	}
	for _, want := range []string{"Shelving plan", "Location: Harbor Library", "Attendees: Pat Lee <pat@harbor.org>, sam@northwind-build.com", "Domains: harbor.org, northwind-build.com"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, d.Text)
		}
	}
	for _, not := range []string{"besunny", "resource.calendar"} {
		if strings.Contains(d.Text, not) {
			t.Errorf("text has %q:\n%s", not, d.Text)
		}
	}
}
