package mail

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addCorpusSeeds seeds a fuzz target with every message of the corpus.
func addCorpusSeeds(f *testing.F) [][]byte {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, raw)
	}
	return seeds
}

// checkMessageInvariants holds for every Message Parse returns.
func checkMessageInvariants(t *testing.T, m *Message) {
	t.Helper()
	strs := map[string]string{
		"Subject": m.Subject, "Text": m.Text, "Excerpt": m.Excerpt, "MessageID": m.MessageID,
		"From.Name": m.From.Name, "From.Address": m.From.Address, "ContentType": m.ContentType,
	}
	for _, a := range append(append(append([]Address{}, m.To...), m.Cc...), m.Bcc...) {
		strs["address "+a.Address] = a.Name + a.Address
	}
	for _, a := range m.Attachments {
		strs["attachment "+a.Filename] = a.Filename + a.MediaType + a.ContentID
		if a.Size < 0 {
			t.Errorf("attachment %q has negative size %d", a.Filename, a.Size)
		}
	}
	for name, s := range strs {
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", name, s)
		}
	}
	for _, s := range []string{m.Subject, m.From.Name} {
		if strings.ContainsAny(s, "\x00\r\n\t") {
			t.Errorf("header text %q contains control characters", s)
		}
	}
	for _, r := range m.Text {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			t.Fatalf("Text contains control character %U", r)
		}
	}
	if strings.Contains(m.Text, "\n\n\n") {
		t.Errorf("Text has a run of blank lines")
	}
	if strings.Contains(m.Text, " \n") || strings.Contains(m.Text, "\t\n") || strings.HasSuffix(m.Text, " ") {
		t.Errorf("Text has trailing blanks on a line")
	}
	if !strings.HasPrefix(m.Text, m.Excerpt) {
		t.Errorf("Excerpt is not a prefix of Text")
	}
	if n := utf8.RuneCountInString(m.Excerpt); n > DefaultLimits.ExcerptRunes {
		t.Errorf("Excerpt has %d runes, limit %d", n, DefaultLimits.ExcerptRunes)
	}
	if m.Excerpt == "" && m.Text != "" {
		t.Errorf("empty Excerpt for non-empty Text")
	}
	// The parsed form is stored as PostgreSQL jsonb, which rejects NUL.
	if js, err := json.Marshal(m); err != nil || bytes.Contains(js, []byte(`\u0000`)) {
		t.Errorf("Message does not encode as NUL-free JSON: %v", err)
	}
	seen := map[string]bool{}
	for _, l := range m.DriveLinks {
		if seen[l.FileID] {
			t.Errorf("drive id %q listed twice", l.FileID)
		}
		seen[l.FileID] = true
		if l.FileID == "" || l.URL == "" || l.Kind == "" {
			t.Errorf("incomplete drive link %+v", l)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range addCorpusSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, DefaultLimits)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *ParseError: %v", err)
			}
			if strings.HasPrefix(pe.Detail, internalErrorDetail) {
				t.Fatalf("Parse panicked: %v", pe.Detail)
			}
			if pe.Reason != ReasonUnparseable && pe.Reason != ReasonTooLarge {
				t.Fatalf("unexpected reason %q", pe.Reason)
			}
			if m != nil {
				t.Fatalf("message returned with an error")
			}
			return
		}
		if m == nil {
			t.Fatal("nil message without error")
		}
		checkMessageInvariants(t, m)
		rules := RecipientRules{LocalPart: "ai", Domains: []string{"besunny.ai"}}
		for _, u := range rules.Usernames(m) {
			if !ValidUsername(u) || u != strings.ToLower(u) {
				t.Errorf("invalid username %q", u)
			}
		}
		_ = IgnorePolicy{InboundMailbox: "ai@besunny.ai", IgnoreBulk: true}.Reason(m)
	})
}

func FuzzRecipients(f *testing.F) {
	// Seeds: every corpus message, and the address headers of each on their
	// own. The input is read both as one address header value and as the
	// header block of a message.
	for _, seed := range addCorpusSeeds(f) {
		f.Add(string(seed))
		h, _, _ := readHeader(skipPrelude(seed))
		for _, name := range []string{"to", "cc", "delivered-to", "from"} {
			for _, v := range h.values(name) {
				f.Add(v)
			}
		}
	}
	f.Add(`"Doe, Jane" <ai+jane@besunny.ai>, undisclosed-recipients:;, =?utf-8?Q?Fran=C3=A7ois?= <AI+Bob@BeSunny.AI>`)
	f.Add(`Bob <ai+bob@besunny.ai>>, "unterminated <x@example.com>, ai+alice@besunny.ai`)
	rules := RecipientRules{LocalPart: "ai", Domains: []string{"besunny.ai"}}
	f.Fuzz(func(t *testing.T, v string) {
		list, _ := parseAddressList(v)
		m := &Message{To: list, DeliveredTo: []string{bareAddress(v)}}
		h, _, _ := readHeader([]byte(v))
		for _, name := range []string{"to", "cc", "bcc"} {
			for _, hv := range h.values(name) {
				more, _ := parseAddressList(hv)
				m.Cc = append(m.Cc, more...)
			}
		}
		for _, name := range []string{"delivered-to", "x-original-to"} {
			for _, hv := range h.values(name) {
				m.XOriginalTo = append(m.XOriginalTo, bareAddress(hv))
			}
		}
		for _, a := range append(append([]Address{}, m.To...), m.Cc...) {
			if !utf8.ValidString(a.Name) || !utf8.ValidString(a.Address) {
				t.Fatalf("invalid UTF-8 in %+v", a)
			}
			if strings.ContainsAny(a.Name, "\x00\r\n") {
				t.Fatalf("control characters in name %q", a.Name)
			}
		}
		seen := map[string]bool{}
		for _, u := range rules.Usernames(m) {
			if seen[u] {
				t.Fatalf("username %q returned twice", u)
			}
			seen[u] = true
			if !ValidUsername(u) || u != strings.ToLower(u) {
				t.Fatalf("invalid username %q", u)
			}
		}
		all := append(append([]string{}, m.DeliveredTo...), m.XOriginalTo...)
		for _, a := range append(append([]Address{}, m.To...), m.Cc...) {
			all = append(all, a.Address)
		}
		for _, a := range all {
			if u, ok := rules.Username(a); ok && !seen[u] {
				t.Fatalf("username %q of %q missing from Usernames", u, a)
			}
		}
	})
}

func FuzzFindDriveLinks(f *testing.F) {
	for _, seed := range addCorpusSeeds(f) {
		f.Add(string(seed))
	}
	f.Add("https://drive.google.com/open?usp=x&id=1OpEnId-0123456789abc drive.google.com/file/d/1NoScHeMe_0123456789")
	f.Fuzz(func(t *testing.T, text string) {
		links := FindDriveLinks(text)
		seen := map[string]bool{}
		for _, l := range links {
			if seen[l.FileID] {
				t.Fatalf("id %q twice", l.FileID)
			}
			seen[l.FileID] = true
			if len(l.FileID) < 10 || len(l.FileID) > maxDriveIDLen {
				t.Fatalf("bad id length %q", l.FileID)
			}
			if !strings.Contains(l.URL, l.FileID) {
				t.Fatalf("URL %q does not contain id %q", l.URL, l.FileID)
			}
			switch l.Kind {
			case DriveKindFile, DriveKindDocument, DriveKindSpreadsheet, DriveKindPresentation, DriveKindFolder:
			default:
				t.Fatalf("bad kind %q", l.Kind)
			}
			if !strings.HasPrefix(strings.ToLower(l.URL), "http") {
				t.Fatalf("URL without scheme %q", l.URL)
			}
		}
		// Finding the links of the found URLs gives the same ids.
		var joined []string
		for _, l := range links {
			joined = append(joined, l.URL)
		}
		again := FindDriveLinks(strings.Join(joined, " "))
		if len(again) != len(links) {
			t.Fatalf("re-scan of %q found %d links, want %d", joined, len(again), len(links))
		}
	})
}
