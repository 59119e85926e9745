package mail

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusDir holds the hand-written messages and manifest.json, which the API
// integration tests read too.
const corpusDir = "../../testdata/mail"

// manifestEntry is one element of testdata/mail/manifest.json. Keep the schema
// in step with the API integration tests that read the same file.
type manifestEntry struct {
	File         string   `json:"file"`
	Usernames    []string `json:"usernames"`
	Status       string   `json:"status"`
	Reason       string   `json:"reason"`
	Title        string   `json:"title"`
	TextContains []string `json:"text_contains"`
	Attachments  []string `json:"attachments"`
	DriveIDs     []string `json:"drive_ids"`
}

// The manifest conventions: the inbound configuration and the users that exist.
var (
	corpusRules  = RecipientRules{LocalPart: "ai", Domains: []string{"besunny.ai"}}
	corpusPolicy = IgnorePolicy{InboundMailbox: "ai@besunny.ai", IgnoreBulk: false}
	corpusUsers  = map[string]bool{"alice": true, "bob": true, "carol": true, "demo": true}
)

// corpusOutcome derives what the pipeline does with raw, the way the manifest
// describes it: failed (parse error), ignored (policy), processed (at least one
// extracted username exists) or user_not_found.
func corpusOutcome(raw []byte) (status, reason string, m *Message, usernames []string) {
	m, err := Parse(raw, DefaultLimits)
	if err != nil {
		return "failed", string(ReasonOf(err)), nil, nil
	}
	usernames = corpusRules.Usernames(m)
	if r := corpusPolicy.Reason(m); r != "" {
		return "ignored", r, m, usernames
	}
	for _, u := range usernames {
		if corpusUsers[u] {
			return "processed", "", m, usernames
		}
	}
	return "user_not_found", "", m, usernames
}

func readManifest(t testing.TB) []manifestEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var entries []manifestEntry
	if err := dec.Decode(&entries); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	// Every key must be present in every entry (arrays may be empty, never
	// null), so consumers in other languages can rely on the shape.
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	keys := []string{"file", "usernames", "status", "reason", "title", "text_contains", "attachments", "drive_ids"}
	for i, e := range raw {
		for _, k := range keys {
			v, ok := e[k]
			if !ok || string(v) == "null" {
				t.Errorf("manifest entry %d (%s): key %q missing or null", i, e["file"], k)
			}
		}
	}
	return entries
}

func TestManifest(t *testing.T) {
	entries := readManifest(t)
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 45 {
		t.Errorf("corpus has %d messages, want at least 45", len(files))
	}
	listed := map[string]bool{}
	for _, e := range entries {
		if listed[e.File] {
			t.Errorf("%s listed twice in manifest.json", e.File)
		}
		listed[e.File] = true
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s is not in manifest.json", filepath.Base(f))
		}
	}
	validStatus := map[string]bool{"processed": true, "user_not_found": true, "ignored": true, "failed": true}
	for _, e := range entries {
		t.Run(strings.TrimSuffix(e.File, ".eml"), func(t *testing.T) {
			if !validStatus[e.Status] {
				t.Fatalf("manifest status %q is not a valid status", e.Status)
			}
			raw, err := os.ReadFile(filepath.Join(corpusDir, e.File))
			if err != nil {
				t.Fatal(err)
			}
			status, reason, m, usernames := corpusOutcome(raw)
			if status != e.Status || reason != e.Reason {
				t.Errorf("outcome = %s/%q, want %s/%q", status, reason, e.Status, e.Reason)
			}
			if m == nil {
				if len(e.Usernames)+len(e.TextContains)+len(e.Attachments)+len(e.DriveIDs) > 0 || e.Title != "" {
					t.Errorf("failed message with expectations about its content")
				}
				return
			}
			if !slices.Equal(nonNil(usernames), e.Usernames) {
				t.Errorf("usernames = %q, want %q", usernames, e.Usernames)
			}
			if m.Title() != e.Title {
				t.Errorf("title = %q, want %q", m.Title(), e.Title)
			}
			for _, frag := range e.TextContains {
				if !strings.Contains(m.Text, frag) {
					t.Errorf("text does not contain %q; text:\n%s", frag, m.Text)
				}
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Filename)
			}
			if !slices.Equal(nonNil(names), e.Attachments) {
				t.Errorf("attachments = %q, want %q", names, e.Attachments)
			}
			var ids []string
			for _, l := range m.DriveLinks {
				ids = append(ids, l.FileID)
			}
			if !slices.Equal(nonNil(ids), e.DriveIDs) {
				t.Errorf("drive ids = %q, want %q", ids, e.DriveIDs)
			}
			checkMessageInvariants(t, m)
		})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
