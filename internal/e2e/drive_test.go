package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

type driveWatch struct {
	FileID     string         `json:"file_id"`
	DocumentID *string        `json:"document_id"`
	Active     bool           `json:"active"`
	Status     map[string]any `json:"status"`
}

type fullDocument struct {
	ID                   string  `json:"id"`
	Type                 string  `json:"type"`
	Title                string  `json:"title"`
	Content              string  `json:"content"`
	Status               string  `json:"status"`
	ProjectID            *string `json:"project_id"`
	ClassificationSource string  `json:"classification_source"`
}

func watches(t *testing.T, s *testenv.Stack, token string) []driveWatch {
	var out struct {
		Watches []driveWatch `json:"watches"`
	}
	s.Do(t, token, http.MethodGet, "/api/v1/drive/watches", "", nil, http.StatusOK, &out)
	return out.Watches
}

// TestDrive_LinkedFileIsWatchedSyncedAndEndsWhenTrashed is the whole Drive
// story in the sandbox: an email links a file → the file is watched and its
// document synced and classified → an edit is pushed, re-synced after the
// quiet period and re-classified → trashing it marks the document deleted
// and ends the file's workflow.
func TestDrive_LinkedFileIsWatchedSyncedAndEndsWhenTrashed(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s", "DRIVE_CHANNEL_TTL": "1h"})
	_, token := s.CreateUser(t, "demo")
	s.ConnectGoogle(t, token)
	harbor := createProject(t, s, token, harborProject)
	createProject(t, s, token, bakeryProject)

	var file struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}
	s.Do(t, token, http.MethodPost, "/api/v1/sandbox/drive/files", "application/json", strings.NewReader(`{
		"name": "Harbor Library - reading room plan", "mime_type": "application/vnd.google-apps.document",
		"text": "Reading room layout v1 for the Harbor Library renovation: shelving along the east wall."}`), http.StatusCreated, &file)

	postAndWait(t, s, message("ai+demo@besunny.ai", "Plans", "The plan is here: "+file.URL+" - have a look."))

	var w driveWatch
	waitFor(t, "the linked file to be watched and synced", func() bool {
		ws := watches(t, s, token)
		if len(ws) == 1 && ws[0].DocumentID != nil {
			w = ws[0]
			return true
		}
		return false
	})
	if w.FileID != file.ID || !w.Active {
		t.Fatalf("watch = %+v", w)
	}
	docID := *w.DocumentID
	d := waitClassified(t, s, token, docID, 1)
	if d.ProjectID == nil || *d.ProjectID != harbor.ID {
		t.Fatalf("drive document classified as %+v, want %s", d, harbor.ID)
	}
	var doc fullDocument
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusOK, &doc)
	if doc.Type != "document" || !strings.Contains(doc.Content, "shelving along the east wall") || doc.Title != "Harbor Library - reading room plan" {
		t.Fatalf("document = %+v", doc)
	}

	// Edit: pushed by the channel, re-synced after the quiet period.
	s.Do(t, token, http.MethodPatch, "/api/v1/sandbox/drive/files/"+file.ID, "application/json",
		strings.NewReader(`{"text": "Reading room layout v2 for the Harbor Library: shelving moved to the north wall."}`), http.StatusOK, nil)
	waitFor(t, "the edit to reach the document", func() bool {
		s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusOK, &doc)
		return strings.Contains(doc.Content, "north wall")
	})
	if doc.Status != "updated" {
		t.Fatalf("status after the edit = %s, want updated", doc.Status)
	}
	waitClassified(t, s, token, docID, 2)

	// Trash: the document is deleted and the workflow ends.
	s.Do(t, token, http.MethodDelete, "/api/v1/sandbox/drive/files/"+file.ID+"?trash=true", "", nil, http.StatusNoContent, nil)
	waitFor(t, "the file's workflow to end", func() bool {
		var run testenv.RunAnswer
		return s.Status(t, s.ServiceToken, "/api/v1/runs/"+url.PathEscape(workflows.DriveFileWorkflowID(file.ID)), &run) == http.StatusOK &&
			run.ExecutionStatus == "Completed"
	})
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusOK, &doc)
	if doc.Status != "deleted" {
		t.Fatalf("status after trash = %s, want deleted", doc.Status)
	}
	if ws := watches(t, s, token); len(ws) != 1 || ws[0].Active {
		t.Fatalf("watches after trash = %+v, want one inactive", ws)
	}
	_ = fmt.Sprint()
}
