package meetings

import (
	"slices"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/classify"
)

// DocumentType and Source name meetings to the classifier.
const (
	DocumentType = "meeting"
	Source       = "calendar"
)

// Classifiable is what the classifier reads of a meeting.
type Classifiable struct {
	ID                           string
	Title, Description, Location string
	OrganizerEmail               string
	OrganizerName                string
	Attendees                    []Attendee
	Start                        time.Time
}

// Document is the meeting as the classifier's input: the title, the
// description, the location, the organizer as author, and the guests'
// addresses and domains, which is where a meeting says whom it is with.
// The owner's own address, BeSunny addresses and rooms say nothing about
// the project and are left out.
func (c Classifiable) Document() classify.Document {
	var b strings.Builder
	b.WriteString(c.Description)
	if c.Location != "" {
		b.WriteString("\n\nLocation: " + c.Location)
	}
	author := c.OrganizerEmail
	if c.OrganizerName != "" && c.OrganizerEmail != "" {
		author = c.OrganizerName + " <" + c.OrganizerEmail + ">"
	}
	if author != "" {
		b.WriteString("\nOrganizer: " + author)
	}
	var guests, domains []string
	for _, a := range c.Attendees {
		if a.Self || a.Resource || a.Virtual {
			continue
		}
		if a.Name != "" {
			guests = append(guests, a.Name+" <"+a.Email+">")
		} else {
			guests = append(guests, a.Email)
		}
		if _, d, ok := strings.Cut(a.Email, "@"); ok && !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	if _, d, ok := strings.Cut(c.OrganizerEmail, "@"); ok && !slices.Contains(domains, d) {
		domains = append(domains, d)
	}
	if len(guests) > 0 {
		b.WriteString("\nAttendees: " + strings.Join(guests, ", "))
	}
	if len(domains) > 0 {
		b.WriteString("\nDomains: " + strings.Join(domains, ", "))
	}
	return classify.Document{
		ID: c.ID, Type: DocumentType, Source: Source, Author: author, Date: c.Start,
		Title: c.Title, Text: strings.TrimSpace(b.String()),
	}
}
