package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// sandboxUser is a user of the connect harness with a connected sandbox
// Google account.
type sandboxUser struct {
	id     uuid.UUID
	email  string
	bearer string
}

func (h *connectHarness) connectedUser(email string) sandboxUser {
	h.t.Helper()
	u := sandboxUser{id: uuid.New(), email: email}
	u.bearer = h.mint(u.id, email)
	if rec := h.finish(h.consentAs(u.bearer)); rec.Code != http.StatusOK {
		h.t.Fatalf("connect %s: %d %s", email, rec.Code, rec.Body.String())
	}
	return u
}

func (h *connectHarness) send(method, target, bearer, body string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

func TestSandboxDrive_FileRoutesRefuseAnotherUsersFile(t *testing.T) {
	h := newConnectHarness(t)
	owner := h.connectedUser("owner@sandbox.example.com")
	other := h.connectedUser("other@sandbox.example.com")

	rec := h.send(http.MethodPost, "/api/v1/sandbox/drive/files", owner.bearer,
		`{"name": "Plan", "mime_type": "application/vnd.google-apps.document", "text": "Version 1."}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	var file struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &file); err != nil {
		t.Fatal(err)
	}
	// Sharing lets the other user read the file, not edit or delete it.
	if err := h.fake.GrantFileAccess(file.ID, other.email); err != nil {
		t.Fatal(err)
	}
	before, err := h.fake.GetFile(file.ID)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ method, target, body string }{
		{http.MethodPatch, "/api/v1/sandbox/drive/files/" + file.ID, `{"text": "Defaced."}`},
		{http.MethodDelete, "/api/v1/sandbox/drive/files/" + file.ID + "?trash=false", ""},
		{http.MethodDelete, "/api/v1/sandbox/drive/files/" + file.ID + "?trash=true", ""},
	} {
		if rec := h.send(tc.method, tc.target, other.bearer, tc.body); rec.Code != http.StatusNotFound {
			t.Errorf("%s %s as another user: %d %s, want 404", tc.method, tc.target, rec.Code, rec.Body.String())
		}
	}
	f, err := h.fake.GetFile(file.ID)
	if err != nil {
		t.Fatalf("the file is gone after another user's requests: %v", err)
	}
	if f.Text != "Version 1." || f.Trashed || f.Version != before.Version {
		t.Fatalf("another user changed the file: %+v", f)
	}

	// The owner still can.
	if rec := h.send(http.MethodPatch, "/api/v1/sandbox/drive/files/"+file.ID, owner.bearer, `{"text": "Version 2."}`); rec.Code != http.StatusOK {
		t.Fatalf("owner's edit: %d %s", rec.Code, rec.Body.String())
	}
	if rec := h.send(http.MethodDelete, "/api/v1/sandbox/drive/files/"+file.ID+"?trash=true", owner.bearer, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("owner's trash: %d %s", rec.Code, rec.Body.String())
	}
	if f, err := h.fake.GetFile(file.ID); err != nil || !f.Trashed || f.Text != "Version 2." {
		t.Fatalf("after the owner's edit and trash: %+v, %v", f, err)
	}
	// A file that does not exist is the same 404 as someone else's.
	if rec := h.send(http.MethodDelete, "/api/v1/sandbox/drive/files/1NoSuchFile", owner.bearer, ""); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown file: %d, want 404", rec.Code)
	}
}

func TestSandboxDrive_CreateHasABodyLimit(t *testing.T) {
	h := newConnectHarness(t)
	owner := h.connectedUser("owner@sandbox.example.com")
	limit := 2 * h.cfg.Drive.MaxFileBytes
	huge := `{"name": "Huge", "mime_type": "text/plain", "text": "` + strings.Repeat("a", int(limit)) + `"}`
	rec := h.send(http.MethodPost, "/api/v1/sandbox/drive/files", owner.bearer, huge)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a %d-byte body: %d, want 413", len(huge), rec.Code)
	}
	// A file over the Drive read cap (to try the cap) still fits.
	big := `{"name": "Big", "mime_type": "text/plain", "text": "` + strings.Repeat("a", int(h.cfg.Drive.MaxFileBytes)+1) + `"}`
	if rec := h.send(http.MethodPost, "/api/v1/sandbox/drive/files", owner.bearer, big); rec.Code != http.StatusCreated {
		t.Fatalf("a file just over DRIVE_MAX_FILE_BYTES: %d %s", rec.Code, rec.Body.String())
	}
}
