package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// sandboxFile is the answer of POST /api/v1/sandbox/drive/files.
type sandboxFile struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

func createSandboxDoc(t *testing.T, s *testenv.Stack, token, name, text string) sandboxFile {
	t.Helper()
	var f sandboxFile
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/drive/files", "application/json",
		strings.NewReader(`{"name": "`+name+`", "mime_type": "application/vnd.google-apps.document", "text": "`+text+`"}`), http.StatusCreated, &f)
	return f
}

func runOf(t *testing.T, s *testenv.Stack, token, workflowID string) testenv.RunAnswer {
	t.Helper()
	var run testenv.RunAnswer
	s.Do(t, token, http.MethodGet, "/api/v1/runs/"+url.PathEscape(workflowID), "", nil, http.StatusOK, &run)
	return run
}

// TestDrive_OneUsersNotFoundLeavesTheOtherUsersWatchAlone: Alice watches her
// file X. Bob, another connected user who cannot see X, is mailed a link to
// it; Drive answers Bob 404. Bob's watch ends with a reason he understands;
// Alice's document, watch and push channel are untouched, and her next edit
// still arrives.
func TestDrive_OneUsersNotFoundLeavesTheOtherUsersWatchAlone(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s"})
	_, alice := s.CreateUser(t, "alice")
	s.ConnectGoogle(t, alice)
	_, bob := s.CreateUser(t, "bob")
	s.ConnectGoogle(t, bob)
	if googleAccount(t, s, alice) == googleAccount(t, s, bob) {
		t.Fatal("the two users share one sandbox Google account")
	}

	file := createSandboxDoc(t, s, alice, "Reading room plan", "Reading room plan, version 1.")
	aliceWatch := watchFile(t, s, alice, file.ID)

	// Someone mails Bob the link.
	ans := s.PostEmail(t, message("ai+bob@besunny.ai", "Have a look", "The plan is here: "+file.URL))
	if run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID); run.ExecutionStatus != "Completed" {
		t.Fatalf("Bob's mail run = %+v", run)
	}
	var bobWatch driveWatchState
	waitFor(t, "Bob's watch to end", func() bool {
		w, ok := watchOf(t, s, bob, file.ID)
		bobWatch = w
		return ok && !w.Active && w.LastError != ""
	})
	if !strings.Contains(bobWatch.LastError, "not shared with you") {
		t.Fatalf("Bob's watch = %+v, want a reason Bob understands", bobWatch)
	}

	// Alice is untouched.
	w, ok := watchOf(t, s, alice, file.ID)
	if !ok || !w.Active || w.LastError != "" {
		t.Fatalf("Alice's watch = %+v", w)
	}
	if status, reason := documentState(t, s, *aliceWatch.DocumentID); status != "active" || reason != "" {
		t.Fatalf("Alice's document = %s %q, want active", status, reason)
	}
	if run := runOf(t, s, s.ServiceToken, workflows.DriveFileWorkflowID(file.ID)); run.ExecutionStatus != "Running" {
		t.Fatalf("the file's workflow is %s, want Running for Alice", run.ExecutionStatus)
	}
	s.Do(t, alice, http.MethodPatch, "/api/v1/sandbox/drive/files/"+file.ID, "application/json",
		strings.NewReader(`{"text": "Reading room plan, version 2."}`), http.StatusOK, nil)
	waitFor(t, "Alice's edit to be synced", func() bool {
		var doc fullDocument
		s.Do(t, alice, http.MethodGet, "/api/v1/documents/"+*aliceWatch.DocumentID, "", nil, http.StatusOK, &doc)
		return strings.Contains(doc.Content, "version 2") && doc.Status == "updated"
	})
}
