package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/googlefake"
	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// driveWatchState is a watch as GET /api/v1/drive/watches shows it.
type driveWatchState struct {
	FileID     string  `json:"file_id"`
	DocumentID *string `json:"document_id"`
	Active     bool    `json:"active"`
	LastError  string  `json:"last_error"`
}

func driveWatches(t *testing.T, s *testenv.Stack, token string) []driveWatchState {
	t.Helper()
	var out struct {
		Watches []driveWatchState `json:"watches"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/drive/watches", "", nil, http.StatusOK, &out)
	return out.Watches
}

func watchOf(t *testing.T, s *testenv.Stack, token, fileID string) (driveWatchState, bool) {
	t.Helper()
	for _, w := range driveWatches(t, s, token) {
		if w.FileID == fileID {
			return w, true
		}
	}
	return driveWatchState{}, false
}

// googleAccount is the sandbox Google account the user connected.
func googleAccount(t *testing.T, s *testenv.Stack, token string) string {
	t.Helper()
	var conn struct {
		Connected bool   `json:"connected"`
		Email     string `json:"email"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/google/connection", "", nil, http.StatusOK, &conn)
	if !conn.Connected || conn.Email == "" {
		t.Fatalf("connection = %+v", conn)
	}
	return conn.Email
}

// createDoc creates a Google Doc in the caller's sandbox Drive.
func createDoc(t *testing.T, s *testenv.Stack, token, name, text string) string {
	t.Helper()
	var file struct {
		ID string `json:"id"`
	}
	body := `{"name": "` + name + `", "mime_type": "application/vnd.google-apps.document", "text": "` + text + `"}`
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/drive/files", "application/json", strings.NewReader(body), http.StatusCreated, &file)
	return file.ID
}

// watchFile subscribes the caller to a file through the API and waits for
// its first sync.
func watchFile(t *testing.T, s *testenv.Stack, token, fileID string) driveWatchState {
	t.Helper()
	s.Do(t, token, http.MethodPost, "/api/v1/drive/watches", "application/json",
		strings.NewReader(`{"file_id": "`+fileID+`"}`), http.StatusAccepted, nil)
	var w driveWatchState
	waitFor(t, "the watch of "+fileID+" to sync", func() bool {
		var ok bool
		w, ok = watchOf(t, s, token, fileID)
		return ok && w.Active && w.DocumentID != nil
	})
	return w
}

func waitWorkflowCompleted(t *testing.T, s *testenv.Stack, fileID string) {
	t.Helper()
	waitFor(t, "the workflow of "+fileID+" to complete", func() bool {
		var run testenv.RunAnswer
		return s.Status(t, s.ServiceToken, "/api/v1/runs/"+url.PathEscape(workflows.DriveFileWorkflowID(fileID)), &run) == http.StatusOK &&
			run.ExecutionStatus == "Completed"
	})
}

// documentState reads the document's status and reason from the database
// (the API shows the status only).
func documentState(t *testing.T, s *testenv.Stack, documentID string) (status, reason string) {
	t.Helper()
	err := s.DB.Store.Pool.QueryRow(context.Background(),
		`SELECT status, status_reason FROM documents WHERE id = $1`, uuid.MustParse(documentID)).Scan(&status, &reason)
	if err != nil {
		t.Fatal(err)
	}
	return status, reason
}

// TestDrive_LostPermissionEndsTheWatchWithAnError: a file shared with the
// user is unshared; the next poll (the sweep's signal) finds it refused and
// ends the watch, the document in error with the reason. Push is pointed at
// a dead address so that only the poll can notice.
func TestDrive_LostPermissionEndsTheWatchWithAnError(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s", "WEBHOOK_BASE_URL": "http://127.0.0.1:9"})
	_, token := s.CreateUser(t, "pat")
	s.ConnectGoogle(t, token)
	account := googleAccount(t, s, token)

	f, err := s.Google.CreateFile("colleague@sandbox.example.com", "Shared budget", googlefake.MimeGoogleDoc, "Budget v1: 120k for shelving.")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Google.GrantFileAccess(f.ID, account); err != nil {
		t.Fatal(err)
	}
	w := watchFile(t, s, token, f.ID)
	docID := *w.DocumentID
	var doc fullDocument
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusOK, &doc)
	if !strings.Contains(doc.Content, "120k for shelving") {
		t.Fatalf("document = %+v", doc)
	}

	if err := s.Google.RevokeFileAccess(f.ID, account); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Base.Temporal.SignalWorkflow(ctx, workflows.DriveFileWorkflowID(f.ID), "", workflows.PollSignal,
		workflows.DriveChange{ResourceState: "poll"}); err != nil {
		t.Fatal(err)
	}
	waitWorkflowCompleted(t, s, f.ID)

	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusOK, &doc)
	if doc.Status != "error" {
		t.Fatalf("document status = %s, want error", doc.Status)
	}
	status, reason := documentState(t, s, docID)
	if status != "error" || !strings.Contains(reason, "sufficient permissions") {
		t.Fatalf("document state = %s %q, want error with Drive's reason", status, reason)
	}
	w, _ = watchOf(t, s, token, f.ID)
	if w.Active || w.LastError != reason {
		t.Fatalf("watch = %+v, want inactive with the reason", w)
	}
}

// TestDrive_DeletedFileMarksTheDocumentDeleted: a file deleted for good (not
// trashed) is pushed as "remove"; files.get answers 404 and the watch ends.
func TestDrive_DeletedFileMarksTheDocumentDeleted(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s"})
	_, token := s.CreateUser(t, "pat")
	s.ConnectGoogle(t, token)
	fileID := createDoc(t, s, token, "Site notes", "Site visit notes: the north wall needs bracing.")
	w := watchFile(t, s, token, fileID)

	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/drive/files/"+fileID+"?trash=false", "", nil, http.StatusNoContent, nil)
	if _, err := s.Google.GetFile(fileID); err == nil {
		t.Fatal("the file still exists at the sandbox Google")
	}
	waitWorkflowCompleted(t, s, fileID)

	var doc fullDocument
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+*w.DocumentID, "", nil, http.StatusOK, &doc)
	if doc.Status != "deleted" {
		t.Fatalf("document status = %s, want deleted", doc.Status)
	}
	if !strings.Contains(doc.Content, "north wall needs bracing") {
		t.Fatal("the deleted file's document lost its content")
	}
	if _, reason := documentState(t, s, *w.DocumentID); reason != "the file was deleted" {
		t.Fatalf("reason = %q", reason)
	}
	w, _ = watchOf(t, s, token, fileID)
	if w.Active {
		t.Fatalf("watch = %+v, want inactive", w)
	}
}

// TestDrive_WatchRoutesCheckTheCaller: watching needs a Google connection,
// and a user can only unsubscribe from their own watches.
func TestDrive_WatchRoutesCheckTheCaller(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s"})
	_, owner := s.CreateUser(t, "pat")
	s.ConnectGoogle(t, owner)
	fileID := createDoc(t, s, owner, "Plan", "Reading room plan.")
	watchFile(t, s, owner, fileID)

	_, stranger := s.CreateUser(t, "sam")
	body := s.Do(t, stranger, http.MethodPost, "/api/v1/drive/watches", "application/json",
		strings.NewReader(`{"file_id": "`+fileID+`"}`), http.StatusConflict, nil)
	if !strings.Contains(string(body), "connect Google") {
		t.Fatalf("409 body = %s", body)
	}
	s.Do(t, stranger, http.MethodDelete, "/api/v1/drive/watches/"+fileID, "", nil, http.StatusNotFound, nil)
	if ws := driveWatches(t, s, stranger); len(ws) != 0 {
		t.Fatalf("stranger's watches = %+v", ws)
	}
	s.Do(t, owner, http.MethodPost, "/api/v1/drive/watches", "application/json",
		strings.NewReader(`{"file_id": "not a file id"}`), http.StatusBadRequest, nil)

	// The owner's watch is untouched: still active, the workflow still runs.
	if w, ok := watchOf(t, s, owner, fileID); !ok || !w.Active {
		t.Fatalf("owner's watch = %+v", w)
	}
	var run testenv.RunAnswer
	s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/runs/"+url.PathEscape(workflows.DriveFileWorkflowID(fileID)), "", nil, http.StatusOK, &run)
	if run.ExecutionStatus != "Running" {
		t.Fatalf("the file's workflow is %s", run.ExecutionStatus)
	}

	// The owner unsubscribes: the watch ends, the document stays.
	s.Do(t, owner, http.MethodDelete, "/api/v1/drive/watches/"+fileID, "", nil, http.StatusAccepted, nil)
	waitWorkflowCompleted(t, s, fileID)
	if w, _ := watchOf(t, s, owner, fileID); w.Active {
		t.Fatalf("watch after unsubscribe = %+v", w)
	}
	s.Do(t, owner, http.MethodDelete, "/api/v1/drive/watches/"+fileID, "", nil, http.StatusNotFound, nil)
}

// TestDrive_DisconnectEndsTheUsersWatches: DELETE /api/v1/google/connection
// revokes the grant and ends every watch of the user; another user's watch
// of the same file goes on.
func TestDrive_DisconnectEndsTheUsersWatches(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s"})
	userID, token := s.CreateUser(t, "pat")
	s.ConnectGoogle(t, token)
	mine := createDoc(t, s, token, "Mine", "Only mine.")
	shared := createDoc(t, s, token, "Shared", "Shared with Sam.")
	watchFile(t, s, token, mine)
	watchFile(t, s, token, shared)

	_, other := s.CreateUser(t, "sam")
	s.ConnectGoogle(t, other)
	if err := s.Google.GrantFileAccess(shared, googleAccount(t, s, other)); err != nil {
		t.Fatal(err)
	}
	watchFile(t, s, other, shared)

	s.Do(t, token, http.MethodDelete, "/api/v1/google/connection", "", nil, http.StatusNoContent, nil)
	var conn struct {
		Connected bool `json:"connected"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/google/connection", "", nil, http.StatusOK, &conn)
	if conn.Connected {
		t.Fatal("still connected after disconnect")
	}
	if _, err := s.DB.Store.GetGoogleCredentials(context.Background(), userID); err == nil {
		t.Fatal("the tokens are still stored")
	}

	waitWorkflowCompleted(t, s, mine)
	waitFor(t, "the user's watches to end", func() bool {
		for _, w := range driveWatches(t, s, token) {
			if w.Active {
				return false
			}
		}
		return true
	})
	for _, f := range []string{mine, shared} {
		w, err := s.DB.Store.GetDriveWatch(context.Background(), db.GetDriveWatchParams{FileID: f, OwnerID: userID})
		if err != nil || w.Active {
			t.Fatalf("watch of %s = %+v, %v", f, w, err)
		}
	}
	// Sam still watches the shared file.
	if w, ok := watchOf(t, s, other, shared); !ok || !w.Active {
		t.Fatalf("Sam's watch = %+v", w)
	}
	var run testenv.RunAnswer
	s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/runs/"+url.PathEscape(workflows.DriveFileWorkflowID(shared)), "", nil, http.StatusOK, &run)
	if run.ExecutionStatus != "Running" {
		t.Fatalf("the shared file's workflow is %s, want Running for Sam", run.ExecutionStatus)
	}
	// Disconnecting again: there is nothing to disconnect.
	s.Do(t, token, http.MethodDelete, "/api/v1/google/connection", "", nil, http.StatusNotFound, nil)
}
