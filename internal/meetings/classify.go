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
// description, the location, and the people: the guests' addresses and
// domains, which is where a meeting says whom it is with. The author — the
// classifier's strongest sender signal — is the organizer, or, when the
// owner organised the meeting themselves, its first outside guest: the
// counterpart of a meeting is what the sender of a mail is. The owner's own
// address, BeSunny addresses and rooms say nothing about the project and
// are left out.
func (c Classifiable) Document() classify.Document {
	var guests, domains []string
	var self []string
	author, authorName := "", ""
	for _, a := range c.Attendees {
		if a.Self {
			self = append(self, a.Email)
		}
	}
	if c.OrganizerEmail != "" && !slices.Contains(self, c.OrganizerEmail) {
		author, authorName = c.OrganizerEmail, c.OrganizerName
	}
	for _, a := range c.Attendees {
		if a.Self || a.Resource || a.Virtual || slices.Contains(self, a.Email) {
			continue
		}
		if author == "" {
			author, authorName = a.Email, a.Name
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
	if _, d, ok := strings.Cut(author, "@"); ok && !slices.Contains(domains, d) {
		domains = append(domains, d)
	}
	from := author
	if authorName != "" && author != "" {
		from = authorName + " <" + author + ">"
	}
	var b strings.Builder
	b.WriteString(c.Description)
	if c.Location != "" {
		b.WriteString("\n\nLocation: " + c.Location)
	}
	if from != "" {
		b.WriteString("\nOrganizer: " + from)
	}
	if len(guests) > 0 {
		b.WriteString("\nAttendees: " + strings.Join(guests, ", "))
	}
	if len(domains) > 0 {
		b.WriteString("\nDomains: " + strings.Join(domains, ", "))
	}
	return classify.Document{
		ID: c.ID, Type: DocumentType, Source: Source, Author: from, Date: c.Start,
		Title: c.Title, Text: strings.TrimSpace(b.String()),
	}
}
