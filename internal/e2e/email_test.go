package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/testenv"
)

func message(to, subject, body string) []byte {
	return []byte(fmt.Sprintf("From: Pat Client <pat@client.example>\r\nTo: %s\r\nSubject: %s\r\n"+
		"Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <%s@client.example>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", to, subject, uuid.NewString(), body))
}

type documentList struct {
	Documents []struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Author string `json:"author"`
		Source string `json:"source"`
		Type   string `json:"type"`
	} `json:"documents"`
}

func TestEmail_PostedMessageBecomesTheUsersDocument(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, demoToken := s.CreateUser(t, "demo")
	_, otherToken := s.CreateUser(t, "other")

	raw := message(`"BeSunny" <ai+demo@besunny.ai>`, "Kickoff notes", "The kickoff is on Monday. Budget: 40k.")
	ans := s.PostEmail(t, raw)
	if !strings.HasPrefix(ans.WorkflowID, "email/sha256:") || ans.Duplicate {
		t.Fatalf("answer = %+v, want a new email/sha256: run", ans)
	}
	run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	if run.ExecutionStatus != "Completed" || run.Progress["status"] != "processed" {
		t.Fatalf("run = %+v, want Completed/processed", run)
	}
	// Once the run knows the message is theirs, the user sees it too.
	var mine testenv.RunAnswer
	s.Do(t, demoToken, http.MethodGet, "/api/v1/runs/"+url.PathEscape(ans.WorkflowID), "", nil, http.StatusOK, &mine)
	if mine.Progress["status"] != "processed" {
		t.Fatalf("run seen by its user = %+v", mine)
	}

	var docs documentList
	s.Do(t, demoToken, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) != 1 {
		t.Fatalf("documents = %+v, want 1", docs)
	}
	d := docs.Documents[0]
	if d.Title != "Kickoff notes" || d.Source != "upload" || d.Type != "email" || !strings.Contains(d.Author, "pat@client.example") {
		t.Fatalf("document = %+v", d)
	}
	var full struct {
		Content string `json:"content"`
	}
	s.Do(t, demoToken, http.MethodGet, "/api/v1/documents/"+d.ID, "", nil, http.StatusOK, &full)
	if !strings.Contains(full.Content, "Budget: 40k.") {
		t.Fatalf("content = %q, want the full body", full.Content)
	}

	// Another user sees neither the document nor the run.
	s.Do(t, otherToken, http.MethodGet, "/api/v1/documents/"+d.ID, "", nil, http.StatusNotFound, nil)
	s.Do(t, otherToken, http.MethodGet, "/api/v1/runs/"+url.PathEscape(ans.WorkflowID), "", nil, http.StatusNotFound, nil)
	var otherDocs documentList
	s.Do(t, otherToken, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &otherDocs)
	if len(otherDocs.Documents) != 0 {
		t.Fatalf("other user's documents = %+v, want none", otherDocs)
	}

	// The run is found through its search attributes.
	var runs struct {
		Runs []struct {
			WorkflowID string `json:"workflow_id"`
		} `json:"runs"`
	}
	waitFor(t, "the run to appear in the user's run list", func() bool {
		s.Do(t, demoToken, http.MethodGet, "/api/v1/runs", "", nil, http.StatusOK, &runs)
		return slices.ContainsFunc(runs.Runs, func(r struct {
			WorkflowID string `json:"workflow_id"`
		}) bool {
			return r.WorkflowID == ans.WorkflowID
		})
	})
	var otherRuns struct {
		Runs []struct {
			WorkflowID string `json:"workflow_id"`
		} `json:"runs"`
	}
	s.Do(t, otherToken, http.MethodGet, "/api/v1/runs", "", nil, http.StatusOK, &otherRuns)
	if len(otherRuns.Runs) != 0 {
		t.Fatalf("another user's run list = %+v, want empty", otherRuns)
	}
}

func TestEmail_UnknownRecipientEndsUserNotFound(t *testing.T) {
	s := testenv.StartStack(t, nil)
	ans := s.PostEmail(t, message("ai+nobody@besunny.ai", "Hello", "Is anyone there?"))
	run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	if run.ExecutionStatus != "Completed" || run.Progress["status"] != "user_not_found" || run.Progress["reason"] != "unknown_username" {
		t.Fatalf("run = %+v, want Completed/user_not_found/unknown_username", run)
	}
	var count int
	if err := s.DB.Store.Pool.QueryRow(t.Context(), "SELECT count(*) FROM documents").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 0 {
		t.Fatalf("documents = %d, want 0", count)
	}
	var status, logStatus string
	if err := s.DB.Store.Pool.QueryRow(t.Context(),
		"SELECT e.status, l.status FROM inbound_emails e JOIN email_processing_logs l USING (message_key) WHERE e.message_key = $1",
		ans.MessageKey).Scan(&status, &logStatus); err != nil {
		t.Fatal(err)
	}
	if status != "user_not_found" || logStatus != "user_not_found" {
		t.Fatalf("stored status = %s, log = %s; want user_not_found", status, logStatus)
	}
}

func TestEmail_DuplicatePostReturnsTheSameRunAndNoNewDocument(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	raw := message("ai+demo@besunny.ai", "Twice", "Posted twice.")
	first := s.PostEmail(t, raw)
	s.WaitRun(t, s.ServiceToken, first.WorkflowID)
	second := s.PostEmail(t, raw)
	if second.WorkflowID != first.WorkflowID || !second.Duplicate || first.Duplicate {
		t.Fatalf("first = %+v, second = %+v; want the same run, the second marked duplicate", first, second)
	}
	s.WaitRun(t, s.ServiceToken, second.WorkflowID)
	var docs documentList
	s.Do(t, token, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) != 1 {
		t.Fatalf("documents = %d, want 1", len(docs.Documents))
	}
	var emails int
	if err := s.DB.Store.Pool.QueryRow(t.Context(), "SELECT count(*) FROM inbound_emails").Scan(&emails); err != nil {
		t.Fatal(err)
	}
	if emails != 1 {
		t.Fatalf("inbound_emails = %d, want 1", emails)
	}
}

func TestEmail_UploadNeedsTheServiceRoleAndRawMail(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	raw := message("ai+demo@besunny.ai", "x", "y")
	s.Do(t, "", http.MethodPost, "/api/v1/emails", "message/rfc822", strings.NewReader(string(raw)), http.StatusUnauthorized, nil)
	s.Do(t, token, http.MethodPost, "/api/v1/emails", "message/rfc822", strings.NewReader(string(raw)), http.StatusForbidden, nil)
	s.Do(t, s.ServiceToken, http.MethodPost, "/api/v1/emails", "application/json", strings.NewReader(`{}`), http.StatusUnsupportedMediaType, nil)
}

func TestEmail_TooLargeMessageIsKeptAndEndsFailed(t *testing.T) {
	s := testenv.StartStack(t, map[string]string{"MAX_EMAIL_BYTES": "2048", "MAX_UPLOAD_BYTES": "8192"})
	s.CreateUser(t, "demo")
	raw := message("ai+demo@besunny.ai", "Big", strings.Repeat("x", 4000))
	ans := s.PostEmail(t, raw)
	run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	if run.Progress["status"] != "failed" || run.Progress["reason"] != "too_large" {
		t.Fatalf("run = %+v, want failed/too_large", run)
	}
	var size int
	if err := s.DB.Store.Pool.QueryRow(t.Context(), "SELECT length(raw) FROM inbound_emails WHERE message_key = $1", ans.MessageKey).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size != len(raw) {
		t.Fatalf("stored raw is %d bytes, want all %d", size, len(raw))
	}
	// Above MAX_UPLOAD_BYTES the body is refused and nothing is stored.
	s.Do(t, s.ServiceToken, http.MethodPost, "/api/v1/emails", "message/rfc822", strings.NewReader(strings.Repeat("y", 9000)), http.StatusRequestEntityTooLarge, nil)
}

func TestEmail_ReprocessUpdatesDocumentsInPlace(t *testing.T) {
	s := testenv.StartStack(t, nil)
	s.CreateUser(t, "demo")
	raw := message("ai+demo@besunny.ai, ai+later@besunny.ai", "Plans",
		"See https://docs.google.com/document/d/1PlansDocumentIdAbCdEfGhIj/edit please.")
	ans := s.PostEmail(t, raw)
	s.WaitRun(t, s.ServiceToken, ans.WorkflowID)

	var first emailDetail
	s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/emails/"+ans.MessageKey, "", nil, http.StatusOK, &first)
	if first.Status != "processed" || len(first.Documents) != 1 || len(first.Logs) != 2 || first.Revision != 1 {
		t.Fatalf("first outcome = %+v", first)
	}
	var links int
	if err := s.DB.Store.Pool.QueryRow(t.Context(), "SELECT count(*) FROM document_links WHERE file_id = '1PlansDocumentIdAbCdEfGhIj'").Scan(&links); err != nil {
		t.Fatal(err)
	}
	if links != 1 {
		t.Fatalf("document_links = %d, want 1", links)
	}

	// The user `later` signs up; re-processing now gives them a document too,
	// and keeps demo's document (same id) instead of adding another.
	s.CreateUser(t, "later")
	var re struct {
		WorkflowID string `json:"workflow_id"`
		Revision   int    `json:"revision"`
	}
	s.Do(t, s.ServiceToken, http.MethodPost, "/api/v1/emails/"+ans.MessageKey+"/reprocess", "", nil, http.StatusAccepted, &re)
	if re.Revision != 2 || re.WorkflowID != ans.WorkflowID+"/r2" {
		t.Fatalf("reprocess = %+v, want revision 2 under %s/r2", re, ans.WorkflowID)
	}
	run := s.WaitRun(t, s.ServiceToken, re.WorkflowID)
	if run.Progress["status"] != "processed" {
		t.Fatalf("reprocess run = %+v", run)
	}
	var second emailDetail
	s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/emails/"+ans.MessageKey, "", nil, http.StatusOK, &second)
	if len(second.Documents) != 2 || second.WorkflowID != re.WorkflowID {
		t.Fatalf("after reprocess = %+v, want 2 documents under %s", second, re.WorkflowID)
	}
	if !slices.ContainsFunc(second.Documents, func(d emailDocument) bool {
		return d.ID == first.Documents[0].ID
	}) {
		t.Fatalf("demo's document was replaced, not updated: before %s, after %+v", first.Documents[0].ID, second.Documents)
	}
	for _, l := range second.Logs {
		if l.Status != "processed" {
			t.Fatalf("log rows after reprocess = %+v, want all processed", second.Logs)
		}
	}
	s.Do(t, s.ServiceToken, http.MethodPost, "/api/v1/emails/sha256:unknown/reprocess", "", nil, http.StatusNotFound, nil)
}
