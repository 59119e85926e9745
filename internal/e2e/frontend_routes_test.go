package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/besunny/workflows/internal/testenv"
)

func TestFrontend_DeletedDocumentLeavesListsAndAnnouncesItself(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, token := s.CreateUser(t, "demo")
	_, otherToken := s.CreateUser(t, "other")
	stream := openSSE(t, s.URL+"/api/v1/events", bearer(token))
	stream.ready(t)
	raw := message("ai+demo@besunny.ai", "To be deleted", "Soon gone.")
	docID := postAndWait(t, s, raw)

	s.Do(t, otherToken, http.MethodDelete, "/api/v1/documents/"+docID, "", nil, http.StatusNotFound, nil)
	s.Do(t, token, http.MethodDelete, "/api/v1/documents/"+docID, "", nil, http.StatusNoContent, nil)
	s.Do(t, token, http.MethodDelete, "/api/v1/documents/"+docID, "", nil, http.StatusNoContent, nil) // twice is fine
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusNotFound, nil)
	var docs documentList
	s.Do(t, token, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) != 0 {
		t.Fatalf("documents after delete = %+v", docs)
	}
	got := collectEvents(t, func() (streamMsg, bool) { return stream.next(t, 30*time.Second) }, time.Minute, func(m []streamMsg) bool {
		return hasKinds(m, "document.deleted")
	})
	deletes := 0
	for _, m := range got {
		if m.Kind == "document.deleted" {
			deletes++
			if m.Data.DocumentID != docID || m.Data.Reason != "deleted_by_user" {
				t.Fatalf("document.deleted = %+v", m)
			}
		}
	}
	// The same mail again (a re-post is a duplicate; re-processing
	// rewrites the document) does not bring it back.
	var ans testenv.IngestAnswer
	s.Do(t, s.ServiceToken, http.MethodPost, "/api/v1/emails/"+s.PostEmail(t, raw).MessageKey+"/reprocess", "", nil, http.StatusAccepted, &ans)
	s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	s.Do(t, token, http.MethodGet, "/api/v1/documents/"+docID, "", nil, http.StatusNotFound, nil)
	if deletes != 1 {
		t.Fatalf("%d document.deleted events, want 1", deletes)
	}
}

func TestFrontend_DeletingTheLastOwnersDriveDocumentStopsTheWatch(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s"})
	_, token := s.CreateUser(t, "demo")
	s.ConnectGoogle(t, token)
	stream := openSSE(t, s.URL+"/api/v1/events", bearer(token))
	stream.ready(t)
	fileID := createDoc(t, s, token, "Site plan", "Plan of the site.")
	w := watchFile(t, s, token, fileID)

	s.Do(t, token, http.MethodDelete, "/api/v1/documents/"+*w.DocumentID, "", nil, http.StatusNoContent, nil)
	waitWorkflowCompleted(t, s, fileID)
	if w, _ := watchOf(t, s, token, fileID); w.Active {
		t.Fatalf("watch after delete = %+v, want inactive", w)
	}
	collectEvents(t, func() (streamMsg, bool) { return stream.next(t, 30*time.Second) }, time.Minute, func(m []streamMsg) bool {
		var deleted, ended bool
		for _, e := range m {
			deleted = deleted || (e.Kind == "document.deleted" && e.Data.DocumentID == *w.DocumentID)
			ended = ended || (e.Kind == "drive_watch.changed" && e.Data.FileID == fileID && e.Data.Active != nil && !*e.Data.Active)
		}
		return deleted && ended
	})
}

func TestFrontend_UsernameCheckAndDisplayName(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, alice := s.CreateUser(t, "alice")
	_, bob := s.CreateUser(t, "bob")

	type check struct {
		Available bool   `json:"available"`
		Status    string `json:"status"`
		Reason    string `json:"reason"`
	}
	tests := []struct {
		name, token, status string
		available           bool
		reason              string
	}{
		{"carol", bob, "available", true, ""},
		{"ALICE", bob, "taken", false, "someone else"},
		{"alice", alice, "available", true, "already your username"},
		{"1abc", bob, "invalid", false, "starts with a letter"},
		{"ab", bob, "invalid", false, "at least 3"},
		{"al.ice", bob, "invalid", false, "only letters"},
	}
	for _, tt := range tests {
		var c check
		s.Do(t, tt.token, http.MethodGet, "/api/v1/usernames/"+tt.name, "", nil, http.StatusOK, &c)
		if c.Status != tt.status || c.Available != tt.available || !strings.Contains(c.Reason, tt.reason) {
			t.Errorf("%s: %+v, want %s (%v) with %q", tt.name, c, tt.status, tt.available, tt.reason)
		}
	}
	s.Do(t, "", http.MethodGet, "/api/v1/usernames/carol", "", nil, http.StatusUnauthorized, nil)

	type me struct {
		DisplayName *string `json:"display_name"`
		Username    string  `json:"username"`
	}
	var m me
	s.Do(t, alice, http.MethodPatch, "/api/v1/me", "application/json", strings.NewReader(`{"display_name": "  Alice Martin "}`), http.StatusOK, &m)
	if m.DisplayName == nil || *m.DisplayName != "Alice Martin" || m.Username != "alice" {
		t.Fatalf("after PATCH: %+v", m)
	}
	s.Do(t, alice, http.MethodPatch, "/api/v1/me", "application/json", strings.NewReader(`{}`), http.StatusOK, &m)
	if m.DisplayName == nil || *m.DisplayName != "Alice Martin" {
		t.Fatalf("a PATCH without the field changed it: %+v", m)
	}
	for _, bad := range []string{`{"display_name": 3}`, `{"display_name": "` + strings.Repeat("x", 101) + `"}`, `{"display_name": "a\nb"}`, `[]`} {
		s.Do(t, alice, http.MethodPatch, "/api/v1/me", "application/json", strings.NewReader(bad), http.StatusBadRequest, nil)
	}
	var cleared me
	s.Do(t, alice, http.MethodPatch, "/api/v1/me", "application/json", strings.NewReader(`{"display_name": null}`), http.StatusOK, &cleared)
	if cleared.DisplayName != nil {
		t.Fatalf("null did not clear: %+v", cleared)
	}
	s.Do(t, s.ServiceToken, http.MethodPatch, "/api/v1/me", "application/json", strings.NewReader(`{"display_name": "x"}`), http.StatusForbidden, nil)

	// A name given up stays its previous owner's for USERNAME_RESERVATION:
	// the form must not offer it to anyone else.
	s.Do(t, alice, http.MethodPut, "/api/v1/me/username", "application/json", strings.NewReader(`{"username": "alicia"}`), http.StatusOK, nil)
	for _, tt := range []struct {
		token, status string
		available     bool
		reason        string
	}{
		{bob, "taken", false, "reserved for them until"},
		{alice, "available", true, "still reserved for you"},
	} {
		var c check
		s.Do(t, tt.token, http.MethodGet, "/api/v1/usernames/alice", "", nil, http.StatusOK, &c)
		if c.Status != tt.status || c.Available != tt.available || !strings.Contains(c.Reason, tt.reason) {
			t.Errorf("released alice: %+v, want %s (%v) with %q", c, tt.status, tt.available, tt.reason)
		}
	}
}
