package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/testenv"
)

// corpusCase is one entry of testdata/mail/manifest.json.
type corpusCase struct {
	File         string   `json:"file"`
	Usernames    []string `json:"usernames"`
	Status       string   `json:"status"`
	Reason       string   `json:"reason"`
	Title        string   `json:"title"`
	TextContains []string `json:"text_contains"`
	Attachments  []string `json:"attachments"`
	DriveIDs     []string `json:"drive_ids"`
}

type emailDetail struct {
	Status       string `json:"status"`
	StatusReason string `json:"status_reason"`
	WorkflowID   string `json:"workflow_id"`
	Revision     int    `json:"revision"`
	Parse        struct {
		Attachments []struct {
			Filename string `json:"filename"`
		} `json:"attachments"`
		DriveLinks []struct {
			FileID string `json:"file_id"`
		} `json:"drive_links"`
	} `json:"parse"`
	Logs []struct {
		ExtractedUsername string `json:"extracted_username"`
		Status            string `json:"status"`
	} `json:"logs"`
	Documents []emailDocument `json:"documents"`
}

type emailDocument struct {
	ID      string `json:"id"`
	OwnerID string `json:"owner_id"`
	Title   string `json:"title"`
}

// TestCorpus_EveryMessageReachesItsExpectedOutcome posts the whole hand-written
// corpus through the API and checks each message's terminal status, reason,
// documents (owner, title, text) and what the parser found.
func TestCorpus_EveryMessageReachesItsExpectedOutcome(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "mail")
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []corpusCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	s := testenv.StartStack(t, nil)
	users := map[string]uuid.UUID{}
	tokens := map[string]string{}
	for _, name := range []string{"alice", "bob", "carol", "demo"} {
		users[name], tokens[name] = s.CreateUser(t, name)
	}

	keys := make([]string, len(cases))
	for i, c := range cases {
		raw, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = s.PostEmail(t, raw).MessageKey
	}
	// The whole corpus is in flight at once: a second per message is a
	// deadline for a stuck run, not for a slow machine.
	batchDeadline := time.Now().Add(30*time.Second + time.Duration(len(cases))*time.Second)
	for i, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			var d emailDetail
			waitForWithin(t, "a terminal status", max(time.Until(batchDeadline), 30*time.Second), func() bool {
				s.Do(t, s.ServiceToken, http.MethodGet, "/api/v1/emails/"+keys[i], "", nil, http.StatusOK, &d)
				return d.Status != "pending"
			})
			if d.Status != c.Status {
				t.Fatalf("status = %s (%s), want %s (%s)", d.Status, d.StatusReason, c.Status, c.Reason)
			}
			if c.Reason != "" && d.StatusReason != c.Reason {
				t.Errorf("reason = %q, want %q", d.StatusReason, c.Reason)
			}
			if d.StatusReason == "" && d.Status != "processed" {
				t.Errorf("a %s message needs a reason", d.Status)
			}
			if len(d.Logs) == 0 {
				t.Errorf("no processing log rows")
			}
			var owners []string
			for _, doc := range d.Documents {
				owners = append(owners, nameOf(users, doc.OwnerID))
				if doc.Title != c.Title {
					t.Errorf("document title = %q, want %q", doc.Title, c.Title)
				}
			}
			sort.Strings(owners)
			want := existing(c.Usernames, users)
			if c.Status != "processed" {
				want = nil
			}
			if !slices.Equal(owners, want) {
				t.Fatalf("document owners = %v, want %v", owners, want)
			}
			for _, doc := range d.Documents {
				owner := nameOf(users, doc.OwnerID)
				var full struct {
					Content string `json:"content"`
				}
				s.Do(t, tokens[owner], http.MethodGet, "/api/v1/documents/"+doc.ID, "", nil, http.StatusOK, &full)
				for _, frag := range c.TextContains {
					if !strings.Contains(full.Content, frag) {
						t.Errorf("content of %s's document lacks %q", owner, frag)
					}
				}
			}
			if c.Status == "processed" {
				var atts, drive []string
				for _, a := range d.Parse.Attachments {
					atts = append(atts, a.Filename)
				}
				for _, l := range d.Parse.DriveLinks {
					drive = append(drive, l.FileID)
				}
				if fmt.Sprint(atts) != fmt.Sprint(nonNil(c.Attachments)) {
					t.Errorf("attachments = %v, want %v", atts, c.Attachments)
				}
				if fmt.Sprint(drive) != fmt.Sprint(nonNil(c.DriveIDs)) {
					t.Errorf("drive links = %v, want %v", drive, c.DriveIDs)
				}
			}
		})
	}
}

func existing(usernames []string, users map[string]uuid.UUID) []string {
	var out []string
	for _, u := range usernames {
		if _, ok := users[u]; ok {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out
}

func nameOf(users map[string]uuid.UUID, id string) string {
	for name, u := range users {
		if u.String() == id {
			return name
		}
	}
	return "unknown:" + id
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
