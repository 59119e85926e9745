package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/testenv"
)

func TestUsername_MailToAReleasedNameStillReachesItsPreviousOwner(t *testing.T) {
	s := testenv.StartStack(t, nil)
	_, alice := s.CreateUser(t, "alice")
	_, mallory := s.CreateUser(t, "mallory")
	s.Do(t, alice, http.MethodPut, "/api/v1/me/username", "application/json", strings.NewReader(`{"username": "alicenew"}`), http.StatusOK, nil)

	// Someone else wants the old name to receive alice's mail: refused.
	body := s.Do(t, mallory, http.MethodPut, "/api/v1/me/username", "application/json", strings.NewReader(`{"username": "alice"}`), http.StatusConflict, nil)
	if !strings.Contains(string(body), "reserved for its previous owner") {
		t.Fatalf("409 without the reason: %s", body)
	}

	// Mail still sent to the old address, and to the new one, is alice's.
	for _, to := range []string{"ai+alice@besunny.ai", "ai+AliceNew@besunny.ai"} {
		ans := s.PostEmail(t, message(to, "Site visit "+to, "The site visit moved to Thursday."))
		if run := s.WaitRun(t, s.ServiceToken, ans.WorkflowID); run.Progress["status"] != "processed" {
			t.Fatalf("mail to %s: run %+v, want processed", to, run)
		}
	}
	var docs documentList
	s.Do(t, alice, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &docs)
	if len(docs.Documents) != 2 {
		t.Fatalf("alice's documents = %+v, want the mail to both addresses", docs)
	}
	var theirs documentList
	s.Do(t, mallory, http.MethodGet, "/api/v1/documents", "", nil, http.StatusOK, &theirs)
	if len(theirs.Documents) != 0 {
		t.Fatalf("mallory's documents = %+v, want none", theirs)
	}
}
