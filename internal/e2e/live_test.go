package e2e

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/testenv"
)

func bearer(token string) map[string]string { return map[string]string{"Authorization": "Bearer " + token} }

// harborMail is mail the local classifier puts into harborProject.
func harborMail(to, subject string) []byte {
	return message(to, subject, "The roof insulation quotes for the Harbor Library reading room are in; Brandt Engineering's structural survey is due Friday.")
}

func TestLive_MailToOneUserStreamsItsEventsToThatUserOnly(t *testing.T) {
	s := testenv.StartStack(t, nil)
	demoID, demoToken := s.CreateUser(t, "demo")
	otherID, otherToken := s.CreateUser(t, "other")
	createProject(t, s, demoToken, harborProject)

	demo := openSSE(t, s.URL+"/api/v1/events", bearer(demoToken))
	demo.ready(t)
	other := openSSE(t, s.URL+"/api/v1/events", bearer(otherToken))
	other.ready(t)

	docID := postAndWait(t, s, harborMail("ai+demo@besunny.ai", "Harbor Library quotes"))
	got := collectEvents(t, func() (streamMsg, bool) { return demo.next(t, 30*time.Second) }, 60*time.Second, func(m []streamMsg) bool {
		return hasKinds(m, "email.finished", "document.created", "document.classified")
	})
	last := int64(0)
	for _, m := range got {
		if m.UserID != demoID.String() {
			t.Fatalf("demo got an event of %s: %+v", m.UserID, m)
		}
		id, _ := strconv.ParseInt(m.ID, 10, 64)
		if id <= last || id != m.EvID || m.Event != m.Kind {
			t.Fatalf("event %+v: SSE id/event must equal the event's id/kind and grow", m)
		}
		last = id
		switch m.Kind {
		case "document.created", "document.classified":
			if m.Data.DocumentID != docID {
				t.Fatalf("%s for %s, want %s", m.Kind, m.Data.DocumentID, docID)
			}
		case "email.finished":
			if m.Data.Status != "processed" || m.Data.DocumentID != docID {
				t.Fatalf("email.finished = %+v", m.Data)
			}
		}
	}

	// The other user saw none of it: the first event they receive is the
	// one of their own mail.
	otherDoc := postAndWait(t, s, message("ai+other@besunny.ai", "For other", "Hello other."))
	m, _ := other.next(t, 30*time.Second)
	if m.UserID != otherID.String() || m.Kind != "document.created" || m.Data.DocumentID != otherDoc {
		t.Fatalf("other's first event = %+v, want the creation of their own document %s", m, otherDoc)
	}
	s.Do(t, demoToken, http.MethodGet, "/api/v1/me", "", nil, http.StatusOK, nil)
}
