package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/testenv"
)

type eventTicket struct {
	Ticket       string `json:"ticket"`
	ExpiresAt    string `json:"expires_at"`
	EventsURL    string `json:"events_url"`
	WebsocketURL string `json:"websocket_url"`
}

func newTicket(t *testing.T, s *testenv.Stack, token string) eventTicket {
	t.Helper()
	var tk eventTicket
	s.Do(t, token, http.MethodPost, "/api/v1/events/ticket", "", nil, http.StatusCreated, &tk)
	return tk
}

func TestLive_TicketOpensOneStreamOnceWithinItsLifetimeForItsOwnerOnly(t *testing.T) {
	s := testenv.StartStack(t, map[string]string{"EVENTS_TICKET_TTL": "2s"})
	demoID, demo := s.CreateUser(t, "demo")
	otherID, other := s.CreateUser(t, "other")

	// A ticket needs a bearer token to be bought.
	s.Do(t, "", http.MethodPost, "/api/v1/events/ticket", "", nil, http.StatusUnauthorized, nil)

	tk := newTicket(t, s, demo)
	if !strings.HasPrefix(tk.EventsURL, s.URL+"/api/v1/events?ticket=") || !strings.HasPrefix(tk.WebsocketURL, "ws://") {
		t.Fatalf("ticket = %+v", tk)
	}
	stream := openSSE(t, tk.EventsURL, nil)
	stream.ready(t)

	// Used: never again, on any route.
	if _, code, body := tryOpenSSE(t, tk.EventsURL, nil); code != http.StatusUnauthorized || !strings.Contains(body, "already used") {
		t.Fatalf("reused ticket: %d %s", code, body)
	}
	// A ticket is not a bearer token for other routes.
	fresh := newTicket(t, s, demo)
	s.Do(t, "", http.MethodGet, "/api/v1/me?ticket="+url.QueryEscape(fresh.Ticket), "", nil, http.StatusUnauthorized, nil)
	// Expired.
	time.Sleep(2500 * time.Millisecond)
	if _, code, _ := tryOpenSSE(t, fresh.EventsURL, nil); code != http.StatusUnauthorized {
		t.Fatalf("expired ticket: status %d, want 401", code)
	}
	// Another user's: not with someone else's token, and not for someone
	// else's events.
	theirs := newTicket(t, s, other)
	if _, code, _ := tryOpenSSE(t, theirs.EventsURL, bearer(demo)); code != http.StatusUnauthorized {
		t.Fatalf("other's ticket with demo's token: status %d, want 401", code)
	}
	mine := newTicket(t, s, demo)
	if _, code, _ := tryOpenSSE(t, mine.EventsURL+"&user_id="+otherID.String(), nil); code != http.StatusForbidden {
		t.Fatalf("demo's ticket for other's events: status %d, want 403", code)
	}

	// The WebSocket takes tickets too.
	ws := openWS(t, newTicket(t, s, demo).WebsocketURL, nil)
	if m, _ := ws.next(t, 15*time.Second); m.Kind != "ready" {
		t.Fatalf("ws first message = %+v", m)
	}

	// The ticket's streams carry demo's events, not other's.
	postAndWait(t, s, message("ai+other@besunny.ai", "Not for demo", "Hello other."))
	docID := postAndWait(t, s, message("ai+demo@besunny.ai", "For demo", "Hello demo."))
	for _, next := range []func() (streamMsg, bool){
		func() (streamMsg, bool) { return stream.next(t, 30*time.Second) },
		func() (streamMsg, bool) { return ws.next(t, 30*time.Second) },
	} {
		m, _ := next()
		if m.UserID != demoID.String() || m.Kind != "document.created" || m.Data.DocumentID != docID {
			t.Fatalf("first event on demo's ticket stream = %+v, want demo's document %s", m, docID)
		}
	}
}

func TestLive_ServiceRoleStreamsEveryoneOrOneUser(t *testing.T) {
	s := testenv.StartStack(t, nil)
	demoID, _ := s.CreateUser(t, "demo")
	s.CreateUser(t, "other")
	all := openSSE(t, s.URL+"/api/v1/events", bearer(s.ServiceToken))
	all.ready(t)
	one := openSSE(t, s.URL+"/api/v1/events?user_id="+demoID.String(), bearer(s.ServiceToken))
	one.ready(t)

	postAndWait(t, s, message("ai+other@besunny.ai", "For other", "Hello."))
	s.WaitRun(t, s.ServiceToken, s.PostEmail(t, message("ai+nobody@besunny.ai", "For nobody", "Hello?")).WorkflowID)
	demoDoc := postAndWait(t, s, message("ai+demo@besunny.ai", "For demo", "Hello."))

	got := collectEvents(t, func() (streamMsg, bool) { return all.next(t, 30*time.Second) }, time.Minute, func(m []streamMsg) bool {
		for _, e := range m {
			if e.Data.DocumentID == demoDoc && e.Kind == "document.created" {
				return true
			}
		}
		return false
	})
	users := map[string]bool{}
	for _, m := range got {
		users[m.UserID] = true
	}
	if len(users) < 3 || !users[""] {
		t.Fatalf("the service role's stream saw users %v, want demo, other and the no-user outcome of the unknown recipient", users)
	}
	m, _ := one.next(t, 30*time.Second)
	if m.UserID != demoID.String() || m.Data.DocumentID != demoDoc {
		t.Fatalf("service stream of demo only: first event %+v, want demo's document", m)
	}
}
