package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/besunny/workflows/internal/testenv"
)

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

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

// loggedEvents is the ids of the user's events in the log after id after.
func loggedEvents(t *testing.T, s *testenv.Stack, user uuid.UUID, after int64) []int64 {
	t.Helper()
	rows, err := s.Base.Store.Pool.Query(context.Background(), "SELECT id FROM events WHERE user_id = $1 AND id > $2 ORDER BY id", user, after)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func idsOf(msgs []streamMsg) []int64 {
	var out []int64
	for _, m := range msgs {
		if m.EvID != 0 {
			out = append(out, m.EvID)
		}
	}
	return out
}

// untilIDs reads until the ids want have all been seen.
func untilIDs(want []int64) func([]streamMsg) bool {
	return func(got []streamMsg) bool {
		ids := idsOf(got)
		return len(ids) > 0 && ids[len(ids)-1] >= want[len(want)-1]
	}
}

func TestLive_ResumeWithLastEventIDReplaysEveryMissedEventOnceInOrder(t *testing.T) {
	s := testenv.StartStack(t, nil)
	demoID, token := s.CreateUser(t, "demo")
	createProject(t, s, token, harborProject)

	first := openSSE(t, s.URL+"/api/v1/events", bearer(token))
	first.ready(t)
	doc := postAndWait(t, s, harborMail("ai+demo@besunny.ai", "Quotes 1"))
	waitClassified(t, s, token, doc, 1)
	seen := collectEvents(t, func() (streamMsg, bool) { return first.next(t, 30*time.Second) }, time.Minute, func(m []streamMsg) bool {
		return hasKinds(m, "email.finished", "document.created", "document.classified")
	})
	last := seen[len(seen)-1].EvID
	first.close()

	// While no stream is open, three more messages are processed.
	for i := 2; i <= 4; i++ {
		d := postAndWait(t, s, harborMail("ai+demo@besunny.ai", fmt.Sprintf("Quotes %d", i)))
		waitClassified(t, s, token, d, 1)
	}
	missed := loggedEvents(t, s, demoID, last)
	if len(missed) < 9 {
		t.Fatalf("log holds %d events after %d, want at least 9 (3 per message)", len(missed), last)
	}

	// SSE with Last-Event-ID, as EventSource reconnects.
	sse := openSSE(t, s.URL+"/api/v1/events", map[string]string{"Authorization": "Bearer " + token, "Last-Event-ID": strconv.FormatInt(last, 10)})
	if r := sse.ready(t); r.LastEventID != last || r.ID != strconv.FormatInt(last, 10) {
		t.Fatalf("ready = %+v, want last_event_id %d", r, last)
	}
	got := collectEvents(t, func() (streamMsg, bool) { return sse.next(t, 30*time.Second) }, time.Minute, untilIDs(missed))
	if !slices.Equal(idsOf(got), missed) {
		t.Fatalf("replayed ids %v, want exactly the log's %v", idsOf(got), missed)
	}

	// WebSocket with ?since=: the same events.
	ws := openWS(t, s.URL+"/api/v1/ws?since="+strconv.FormatInt(last, 10), bearer(token))
	if r, _ := ws.next(t, 15*time.Second); r.Kind != "ready" || r.LastEventID != last {
		t.Fatalf("ws ready = %+v", r)
	}
	wsGot := collectEvents(t, func() (streamMsg, bool) { return ws.next(t, 30*time.Second) }, time.Minute, untilIDs(missed))
	if !slices.Equal(idsOf(wsGot), missed) {
		t.Fatalf("WebSocket replayed %v, want %v", idsOf(wsGot), missed)
	}

	// Both streams go on live after the replay, with nothing twice.
	d := postAndWait(t, s, harborMail("ai+demo@besunny.ai", "Quotes 5"))
	waitClassified(t, s, token, d, 1)
	live := loggedEvents(t, s, demoID, missed[len(missed)-1])
	more := collectEvents(t, func() (streamMsg, bool) { return sse.next(t, 30*time.Second) }, time.Minute, untilIDs(live))
	if !slices.Equal(idsOf(more), live) {
		t.Fatalf("live after replay %v, want %v", idsOf(more), live)
	}
	wsMore := collectEvents(t, func() (streamMsg, bool) { return ws.next(t, 30*time.Second) }, time.Minute, untilIDs(live))
	if !slices.Equal(idsOf(wsMore), live) {
		t.Fatalf("WebSocket live after replay %v, want %v", idsOf(wsMore), live)
	}
}
