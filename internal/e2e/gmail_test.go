package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

func sandboxStack(t *testing.T, env map[string]string) *testenv.Stack {
	t.Helper()
	values := map[string]string{"GOOGLE_MODE": "sandbox", "GMAIL_POLL_INTERVAL": "1h"}
	for k, v := range env {
		values[k] = v
	}
	return testenv.StartStack(t, values)
}

// waitWatched waits until the renewal schedule's first run has watched the
// mailbox, so deliveries are pushed.
// waitWatched waits until the mailbox is watched (pushes are sent) and its
// workflow has a cursor: mail delivered before the cursor exists is, by
// design, mail the mailbox had before BeSunny and is not imported.
func waitWatched(t *testing.T, s *testenv.Stack) {
	waitFor(t, "the mailbox to be watched", func() bool {
		return !s.Google.Mailbox(s.Config.Inbound.Mailbox).WatchExpiration.IsZero()
	})
	waitFor(t, "the mailbox workflow's cursor", func() bool {
		var mb struct {
			Status struct {
				Cursor string `json:"cursor"`
			} `json:"status"`
		}
		code := s.Status(t, s.ServiceToken, "/api/v1/mailboxes/"+s.Config.Inbound.Mailbox, &mb)
		return code == http.StatusOK && mb.Status.Cursor != ""
	})
}

func TestGmail_PushedMessageBecomesADocumentAndIsLabelled(t *testing.T) {
	s := sandboxStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	waitWatched(t, s)

	id, _, err := s.Google.Deliver(s.Config.Inbound.Mailbox, message("ai+demo@besunny.ai", "Via Gmail", "Pushed through the sandbox."), googlefake.DeliverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The poll interval is an hour: only the push can have woken the mailbox.
	wf := workflows.EmailWorkflowID(id, 1)
	var run testenv.RunAnswer
	waitFor(t, "the message's run", func() bool {
		code := s.Status(t, s.ServiceToken, "/api/v1/runs/"+url.PathEscape(wf), &run)
		return code == http.StatusOK && run.ExecutionStatus == "Completed"
	})
	if run.Progress["status"] != "processed" {
		t.Fatalf("run = %+v", run)
	}
	var docs documentList
	s.Do(t, token, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) != 1 || docs.Documents[0].Title != "Via Gmail" || docs.Documents[0].Source != "gmail" {
		t.Fatalf("documents = %+v", docs)
	}
	waitFor(t, "the message to be labelled and read", func() bool {
		labels := s.Google.Mailbox(s.Config.Inbound.Mailbox).Messages[id]
		return !slices.Contains(labels, "UNREAD") && slices.ContainsFunc(labels, func(l string) bool { return strings.HasPrefix(l, "Label_") || l == "BeSunny/Processed" })
	})

	var mb struct {
		HistoryID string         `json:"history_id"`
		LastPush  *string        `json:"last_push_at"`
		Status    map[string]any `json:"status"`
	}
	s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/mailboxes/"+s.Config.Inbound.Mailbox, "", nil, http.StatusOK, &mb)
	if mb.HistoryID == "" || mb.LastPush == nil || mb.Status["messages_started"] != float64(1) {
		t.Fatalf("mailbox = %+v", mb)
	}
}
