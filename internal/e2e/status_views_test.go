package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/testenv"
	"github.com/besunny/workflows/workflows"
)

// rawRun is GET /api/v1/runs/{id} as its bytes and decoded.
func rawRun(t *testing.T, s *testenv.Stack, token, workflowID string) (string, testenv.RunAnswer) {
	t.Helper()
	var run testenv.RunAnswer
	b := s.Do(t, token, http.MethodGet, "/api/v1/runs/"+url.PathEscape(workflowID), "", nil, http.StatusOK, &run)
	return string(b), run
}

// mustNotMention fails when body names any of the secrets (another user's
// ids or username, a channel's ids).
func mustNotMention(t *testing.T, who, body string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(body, sec) {
			t.Fatalf("%s sees %q in %s", who, sec, body)
		}
	}
}

func documentsOfRun(t *testing.T, run testenv.RunAnswer) []map[string]any {
	t.Helper()
	list, _ := run.Progress["documents"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, d := range list {
		out = append(out, d.(map[string]any))
	}
	return out
}

// TestRuns_EmailRunShowsEachRecipientOnlyTheirOwnPart: one message reaches
// Tom (To) and Bea (Bcc: only her envelope address names her). Each sees
// the run with their own document only — Tom must not learn that Bea got it
// — and neither sees the unknown addresses; the service role sees all.
func TestRuns_EmailRunShowsEachRecipientOnlyTheirOwnPart(t *testing.T) {
	s := testenv.StartStack(t, nil)
	tomID, tom := s.CreateUser(t, "tom")
	beaID, bea := s.CreateUser(t, "bea")
	raw := []byte(fmt.Sprintf("Delivered-To: ai+bea@besunny.ai\r\nFrom: Pat Client <pat@client.example>\r\n"+
		"To: ai+tom@besunny.ai, ai+ghost@besunny.ai\r\nSubject: Budget review\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"+
		"Message-ID: <%s@client.example>\r\n\r\nThe budget review is on Friday.\r\n", uuid.NewString()))
	ans := s.PostEmail(t, raw)

	all := s.WaitRun(t, s.ServiceToken, ans.WorkflowID)
	docs := documentsOfRun(t, all)
	if len(docs) != 2 {
		t.Fatalf("service role sees %+v, want both recipients' documents", all.Progress)
	}
	docOf := map[string]string{}
	for _, d := range docs {
		docOf[d["user_id"].(string)] = d["document_id"].(string)
	}
	if unknown, _ := all.Progress["unknown_usernames"].([]any); len(unknown) != 1 {
		t.Fatalf("service role sees unknown usernames %v, want ghost", all.Progress["unknown_usernames"])
	}

	for _, c := range []struct {
		name          string
		token         string
		id, other     uuid.UUID
		otherUsername string
	}{
		{"tom", tom, tomID, beaID, "bea"},
		{"bea", bea, beaID, tomID, "tom"},
	} {
		body, run := rawRun(t, s, c.token, ans.WorkflowID)
		mine := documentsOfRun(t, run)
		if len(mine) != 1 || mine[0]["user_id"] != c.id.String() || mine[0]["document_id"] != docOf[c.id.String()] {
			t.Fatalf("%s sees documents %+v, want only their own", c.name, mine)
		}
		if run.Progress["status"] != "processed" || run.Progress["subject"] != "Budget review" {
			t.Fatalf("%s sees progress %+v, want the message's own status", c.name, run.Progress)
		}
		mustNotMention(t, c.name, body, c.other.String(), docOf[c.other.String()], `"`+c.otherUsername+`"`, "ghost")
	}

	// A user the message did not reach does not see the run at all.
	_, stranger := s.CreateUser(t, "sam")
	s.Do(t, stranger, http.MethodGet, "/api/v1/runs/"+url.PathEscape(ans.WorkflowID), "", nil, http.StatusNotFound, nil)
}

// TestDrive_WatchStatusShowsEachWatcherOnlyTheirOwnPart: Alice and Carl
// watch one file. In GET /api/v1/drive/watches and GET /api/v1/runs/{id}
// each sees their own owner entry, not the other's, and not the push
// channel's ids; the service role sees everything.
func TestDrive_WatchStatusShowsEachWatcherOnlyTheirOwnPart(t *testing.T) {
	s := sandboxStack(t, map[string]string{"DRIVE_DEBOUNCE": "1s"})
	aliceID, alice := s.CreateUser(t, "alice")
	s.ConnectGoogle(t, alice)
	carlID, carl := s.CreateUser(t, "carl")
	s.ConnectGoogle(t, carl)
	file := createSandboxDoc(t, s, alice, "Shared plan", "The shared plan.")
	if err := s.Google.GrantFileAccess(file.ID, googleAccount(t, s, carl)); err != nil {
		t.Fatal(err)
	}
	aliceWatch := watchFile(t, s, alice, file.ID)
	carlWatch := watchFile(t, s, carl, file.ID)
	wf := workflows.DriveFileWorkflowID(file.ID)

	var full workflows.DriveFileState
	waitFor(t, "both owners and a channel in the status", func() bool {
		run := runOf(t, s, s.ServiceToken, wf)
		full = decodeDriveState(t, run.Progress)
		return len(full.Owners) == 2 && full.Channel != nil
	})
	if full.Channel.ID == "" || full.Channel.ResourceID == "" {
		t.Fatalf("service role sees channel %+v, want its ids", full.Channel)
	}

	for _, c := range []struct {
		name       string
		token      string
		id, other  uuid.UUID
		otherDocID string
	}{
		{"alice", alice, aliceID, carlID, *carlWatch.DocumentID},
		{"carl", carl, carlID, aliceID, *aliceWatch.DocumentID},
	} {
		secrets := []string{c.other.String(), c.otherDocID, full.Channel.ID, full.Channel.ResourceID}

		var list struct {
			Watches []struct {
				FileID string         `json:"file_id"`
				Status map[string]any `json:"status"`
			} `json:"watches"`
		}
		body := s.Do(t, c.token, http.MethodGet, "/api/v1/drive/watches", "", nil, http.StatusOK, &list)
		if len(list.Watches) != 1 || list.Watches[0].Status == nil {
			t.Fatalf("%s's watches = %s", c.name, body)
		}
		mustNotMention(t, c.name+" (watches)", string(body), secrets...)
		st := decodeDriveState(t, list.Watches[0].Status)
		if len(st.Owners) != 1 || st.Owners[0].UserID != c.id.String() || st.Owners[0].DocumentID == "" {
			t.Fatalf("%s's watch status owners = %+v, want only their own", c.name, st.Owners)
		}
		if st.Channel == nil || st.Channel.Expiration.IsZero() {
			t.Fatalf("%s's watch status channel = %+v, want its expiry", c.name, st.Channel)
		}

		runBody, run := rawRun(t, s, c.token, wf)
		mustNotMention(t, c.name+" (run)", runBody, secrets...)
		if st := decodeDriveState(t, run.Progress); len(st.Owners) != 1 || st.Owners[0].UserID != c.id.String() {
			t.Fatalf("%s's run status owners = %+v", c.name, st.Owners)
		}
	}
}

func decodeDriveState(t *testing.T, progress map[string]any) workflows.DriveFileState {
	t.Helper()
	var st workflows.DriveFileState
	if progress == nil {
		return st
	}
	reencode(t, progress, &st)
	return st
}

// reencode turns a decoded JSON object into a typed value.
func reencode(t *testing.T, v any, out any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}
