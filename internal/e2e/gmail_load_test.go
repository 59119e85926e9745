package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/googlefake"
)

// loadMessages is how many messages TestGmailLoad delivers.
const loadMessages = 500

// loadDeadline bounds the processing of the load test: on this 2-core
// machine it takes 25–45 s, and up to three times that when the shared
// machine is starved; past this something is stuck, and the test reports how
// far it got. Speed is measured by make bench, not here.
const loadDeadline = 3 * time.Minute

var loadSubjects = []string{"Kickoff notes", "Invoice", "Re: budget", "Site visit photos", "Weekly report", "Contract draft", "Fwd: permits", "Meeting moved"}

// loadMessage is the i-th message of the load: varied subjects, sizes and
// bodies, all to the demo user.
func loadMessage(i int) []byte {
	var body strings.Builder
	fmt.Fprintf(&body, "Message %d of the load test.\r\n", i)
	for j := range i % 7 {
		fmt.Fprintf(&body, "Line %d: the budget for phase %d is %d EUR; see the plan for lot %c.\r\n", j, j+1, 1000*(i+j), 'A'+rune(j))
	}
	subject := fmt.Sprintf("%s #%d", loadSubjects[i%len(loadSubjects)], i)
	return message("BeSunny <ai+demo@besunny.ai>", subject, body.String())
}

// TestGmailLoad_500PushedMessagesUnderFaultsAreEachProcessedOnceWithinQuota
// delivers 500 messages through the sandbox Gmail while it answers 5 % of
// calls with 429, 5 % with 503 and 2 % slowly (2 s), and checks that every
// message ends processed exactly once (one processing log row, one document)
// without the mailbox's Gmail quota ever being exceeded.
func TestGmailLoad_500PushedMessagesUnderFaultsAreEachProcessedOnceWithinQuota(t *testing.T) {
	s := sandboxStack(t, map[string]string{
		// Pushes wake the mailbox; polling is the safety net for any lost.
		"GMAIL_POLL_INTERVAL": "5s",
	})
	quota := s.Config.Gmail.QuotaUnitsPerSecond
	_, token := s.CreateUser(t, "demo")
	waitWatched(t, s)
	s.Google.ResetStats()
	s.Google.SetFaults(googlefake.Faults{Seed: 20261124, Rate429: 0.05, Rate503: 0.05, SlowRate: 0.02, SlowDelay: 2 * time.Second})

	start := time.Now()
	ids := make([]string, 0, loadMessages)
	for i := range loadMessages {
		id, _, err := s.Google.Deliver(s.Config.Inbound.Mailbox, loadMessage(i), googlefake.DeliverOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	delivered := time.Since(start)

	type progress struct{ stored, terminal, logs, docs, distinctDocs, labelled int }
	var p progress
	measure := func() progress {
		var p progress
		err := s.DB.Store.Pool.QueryRow(t.Context(), `
			SELECT (SELECT count(*) FROM inbound_emails WHERE source = 'gmail'),
			       (SELECT count(*) FROM inbound_emails WHERE source = 'gmail' AND status <> 'pending'),
			       (SELECT count(*) FROM email_processing_logs),
			       (SELECT count(*) FROM documents),
			       (SELECT count(DISTINCT (owner_id, source, source_id)) FROM documents)`).
			Scan(&p.stored, &p.terminal, &p.logs, &p.docs, &p.distinctDocs)
		if err != nil {
			t.Fatal(err)
		}
		snap := s.Google.Mailbox(s.Config.Inbound.Mailbox)
		for _, ls := range snap.Messages {
			if !slices.Contains(ls, "UNREAD") && slices.ContainsFunc(ls, func(l string) bool { return strings.HasPrefix(l, "Label_") }) {
				p.labelled++
			}
		}
		return p
	}
	var processed time.Duration
	for {
		p = measure()
		if processed == 0 && p.terminal == loadMessages && p.logs >= loadMessages {
			processed = time.Since(start)
		}
		if processed != 0 && p.labelled == loadMessages {
			break
		}
		if time.Since(start) > loadDeadline {
			var mb struct {
				Status map[string]any `json:"status"`
			}
			s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/mailboxes/"+s.Config.Inbound.Mailbox, "", nil, http.StatusOK, &mb)
			t.Fatalf("after %v (all terminal after %v): %+v of %d messages\nstats %+v\nmailbox %v",
				time.Since(start).Round(time.Second), processed.Round(time.Second), p, loadMessages, s.Google.Stats(), mb.Status)
		}
		time.Sleep(250 * time.Millisecond)
	}
	done := time.Since(start)
	st := s.Google.Stats()
	t.Logf("delivered %d messages in %v; all terminal and logged after %v; all labelled after %v", loadMessages, delivered.Round(time.Millisecond),
		processed.Round(time.Millisecond), done.Round(time.Millisecond))
	t.Logf("faults injected %v; quota rejections %d; peak %d units/s of %d; pushes sent %d; calls %v",
		st.Faults, st.TotalRejected(), st.MaxGmailUnitsPerSecond, quota, st.PushesSent, st.Calls)

	// Settle: nothing may appear twice later (a late duplicate run).
	time.Sleep(time.Second)
	p = measure()
	if p.stored != loadMessages || p.terminal != loadMessages {
		t.Fatalf("inbound emails: %d stored, %d terminal, want %d", p.stored, p.terminal, loadMessages)
	}
	if p.logs != loadMessages {
		t.Fatalf("%d processing log rows, want exactly %d (one per message and recipient)", p.logs, loadMessages)
	}
	if p.docs != loadMessages || p.distinctDocs != p.docs {
		t.Fatalf("%d documents (%d distinct), want %d, none duplicated", p.docs, p.distinctDocs, loadMessages)
	}
	var notProcessed int
	if err := s.DB.Store.Pool.QueryRow(t.Context(),
		`SELECT count(*) FROM inbound_emails WHERE source = 'gmail' AND status <> 'processed'`).Scan(&notProcessed); err != nil {
		t.Fatal(err)
	}
	if notProcessed != 0 {
		t.Fatalf("%d messages did not end processed", notProcessed)
	}
	var strays int
	if err := s.DB.Store.Pool.QueryRow(t.Context(),
		`SELECT count(*) FROM inbound_emails WHERE source = 'gmail' AND NOT (message_key = ANY($1::text[]))`, ids).Scan(&strays); err != nil {
		t.Fatal(err)
	}
	if strays != 0 {
		t.Fatalf("%d stored messages are not among the delivered ones", strays)
	}

	// The faults really struck, and the client never pushed Gmail past the
	// mailbox's quota: the peak stayed within it and the fake never had to
	// refuse a call for quota.
	if st.Faults["429"] == 0 || st.Faults["503"] == 0 || st.Faults["slow"] == 0 {
		t.Fatalf("faults = %v: the load ran without the intended faults", st.Faults)
	}
	if st.MaxGmailUnitsPerSecond > quota {
		t.Fatalf("peak %d Gmail units/s, quota %d", st.MaxGmailUnitsPerSecond, quota)
	}
	if st.TotalRejected() != 0 {
		t.Fatalf("the fake refused %d calls for quota (%v): the gmail task queue's rate does not keep under GMAIL_QUOTA_UNITS_PER_SECOND",
			st.TotalRejected(), st.QuotaRejected)
	}
	if n := st.Calls["gmail.users.messages.get"]; n < loadMessages {
		t.Fatalf("%d messages.get calls for %d messages", n, loadMessages)
	}

	var mb struct {
		Status map[string]any `json:"status"`
	}
	s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/mailboxes/"+s.Config.Inbound.Mailbox, "", nil, http.StatusOK, &mb)
	if mb.Status["messages_started"] != float64(loadMessages) || mb.Status["in_flight"] != float64(0) {
		t.Fatalf("mailbox status = %v", mb.Status)
	}
	var docs documentList
	s.Do(t, token, http.MethodGet, "/api/v1/documents?limit=5", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) == 0 || docs.Documents[0].Source != "gmail" {
		t.Fatalf("the demo user's documents = %+v", docs)
	}
}
