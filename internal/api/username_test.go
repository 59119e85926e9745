package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type meBody struct {
	Username          *string `json:"username"`
	ReservedUsernames []struct {
		Username      string    `json:"username"`
		ReservedUntil time.Time `json:"reserved_until"`
	} `json:"reserved_usernames"`
}

func (h *apiHarness) setUsername(bearer, name string) (int, string) {
	h.t.Helper()
	rec := h.do(request{method: http.MethodPut, target: "/api/v1/me/username", bearer: bearer, body: `{"username": "` + name + `"}`})
	return rec.Code, rec.Body.String()
}

func (h *apiHarness) me(bearer string) meBody {
	h.t.Helper()
	rec := h.do(request{method: http.MethodGet, target: "/api/v1/me", bearer: bearer})
	var out meBody
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		h.t.Fatalf("me: %d %s", rec.Code, rec.Body.String())
	}
	return out
}

func TestSetUsername_ReleasedNameStaysReservedForItsPreviousOwner(t *testing.T) {
	h := newAPIHarness(t, nil) // USERNAME_RESERVATION: the default 90 days
	_, alice := h.user()
	_, mallory := h.user()
	if code, body := h.setUsername(alice, "alice"); code != http.StatusOK {
		t.Fatalf("alice: %d %s", code, body)
	}
	if code, body := h.setUsername(alice, "alicenew"); code != http.StatusOK {
		t.Fatalf("rename: %d %s", code, body)
	}

	// Mail to ai+alice@ is still sent by people who knew the old address:
	// nobody else may take the name, in any case.
	for _, name := range []string{"alice", "ALICE", "Alice"} {
		code, body := h.setUsername(mallory, name)
		if code != http.StatusConflict || !strings.Contains(body, "reserved for its previous owner until") {
			t.Fatalf("another user claims %s: %d %s, want 409 saying it is reserved", name, code, body)
		}
	}
	me := h.me(alice)
	if len(me.ReservedUsernames) != 1 || me.ReservedUsernames[0].Username != "alice" {
		t.Fatalf("reserved usernames = %+v, want alice", me.ReservedUsernames)
	}
	if until := time.Until(me.ReservedUsernames[0].ReservedUntil); until < 89*24*time.Hour || until > 90*24*time.Hour {
		t.Fatalf("reserved for %v, want 90 days", until)
	}

	// The previous owner takes it back; now the name they left is reserved.
	if code, body := h.setUsername(alice, "alice"); code != http.StatusOK {
		t.Fatalf("take back: %d %s", code, body)
	}
	if me := h.me(alice); *me.Username != "alice" || len(me.ReservedUsernames) != 1 || me.ReservedUsernames[0].Username != "alicenew" {
		t.Fatalf("after taking alice back: %+v", me)
	}
	if code, _ := h.setUsername(mallory, "alicenew"); code != http.StatusConflict {
		t.Fatalf("another user claims alicenew: %d, want 409", code)
	}

	// When the period is over, the name is free.
	if _, err := h.store.Pool.Exec(context.Background(), `UPDATE username_reservations SET reserved_until = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if code, body := h.setUsername(mallory, "alicenew"); code != http.StatusOK {
		t.Fatalf("after the reservation: %d %s", code, body)
	}
	if me := h.me(alice); len(me.ReservedUsernames) != 0 {
		t.Fatalf("expired reservations are listed: %+v", me.ReservedUsernames)
	}
}

func TestSetUsername_CaseChangeReservesNothing(t *testing.T) {
	h := newAPIHarness(t, nil)
	_, alice := h.user()
	h.setUsername(alice, "alice")
	if code, body := h.setUsername(alice, "Alice"); code != http.StatusOK {
		t.Fatalf("case change: %d %s", code, body)
	}
	if me := h.me(alice); *me.Username != "Alice" || len(me.ReservedUsernames) != 0 {
		t.Fatalf("after a case change: %+v", me)
	}
}

func TestSetUsername_ZeroReservationFreesTheNameAtOnce(t *testing.T) {
	h := newAPIHarness(t, map[string]string{"USERNAME_RESERVATION": "0s"})
	_, alice := h.user()
	_, bob := h.user()
	h.setUsername(alice, "alice")
	h.setUsername(alice, "alicenew")
	if code, body := h.setUsername(bob, "alice"); code != http.StatusOK {
		t.Fatalf("with USERNAME_RESERVATION=0: %d %s", code, body)
	}
}

func TestSetUsername_NameInUseIsTaken(t *testing.T) {
	h := newAPIHarness(t, nil)
	_, alice := h.user()
	_, bob := h.user()
	h.setUsername(alice, "alice")
	if code, body := h.setUsername(bob, "ALICE"); code != http.StatusConflict || !strings.Contains(body, "is taken") {
		t.Fatalf("a name in use: %d %s, want 409 taken", code, body)
	}
}

func TestSetUsername_ClaimRacingARenameNeverTakesTheReleasedName(t *testing.T) {
	h := newAPIHarness(t, nil)
	for i := range 25 {
		_, alice := h.user()
		_, mallory := h.user()
		old := "racer" + strconv.Itoa(i)
		if code, body := h.setUsername(alice, old); code != http.StatusOK {
			t.Fatalf("setup: %d %s", code, body)
		}
		// The rename frees the name and the claim asks for it at the same time.
		var wg sync.WaitGroup
		var renamed, claimed int
		wg.Add(2)
		go func() { defer wg.Done(); renamed, _ = h.setUsername(alice, old+"new") }()
		go func() { defer wg.Done(); claimed, _ = h.setUsername(mallory, old) }()
		wg.Wait()
		if renamed != http.StatusOK {
			t.Fatalf("round %d: the rename: %d", i, renamed)
		}
		if claimed != http.StatusConflict {
			t.Fatalf("round %d: a claim racing the rename got %d: the released name went to someone else", i, claimed)
		}
	}
}

func TestSetUsername_RenamingInALoopCannotSquatNames(t *testing.T) {
	h := newAPIHarness(t, nil)
	_, squatter := h.user()
	h.setUsername(squatter, "squat0")
	for i := 1; i <= 5; i++ { // each rename reserves the name before
		if code, body := h.setUsername(squatter, "squat"+strconv.Itoa(i)); code != http.StatusOK {
			t.Fatalf("rename %d: %d %s", i, code, body)
		}
	}
	code, body := h.setUsername(squatter, "squat6")
	if code != http.StatusConflict || !strings.Contains(body, "still reserved for you") {
		t.Fatalf("a rename with 5 names reserved: %d %s, want 409", code, body)
	}
	// Moving among one's own reserved names stays possible.
	if code, body := h.setUsername(squatter, "squat0"); code != http.StatusOK {
		t.Fatalf("taking a reserved name back: %d %s", code, body)
	}
	if me := h.me(squatter); len(me.ReservedUsernames) != 5 {
		t.Fatalf("%d reservations, want 5", len(me.ReservedUsernames))
	}
}
