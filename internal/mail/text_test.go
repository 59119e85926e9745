package mail

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormaliseText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello", "hello"},
		{"a\r\nb\rc\nd", "a\nb\nc\nd"},
		{"trailing   \nblanks\t\t\nkept  inside", "trailing\nblanks\nkept  inside"},
		{"\n\n\n  \nstart", "start"},
		{"end\n\n\n \t \n", "end"},
		{"a\n\n\n\n\nb\n \n\t\n\nc", "a\n\nb\n\nc"},
		{"  indented\n\tcode", "  indented\n\tcode"},
		{"nul\x00s and\x01 bells\x07\x7f", "nuls and bells"},
		{"c1 \u0085controls\u009b", "c1 controls"},
		{"bom\ufeff", "bom"},
		{"line\u2028separator", "line\nseparator"},
		{"> quoted\n>\n> reply\n\n-- \nSignature", "> quoted\n>\n> reply\n\n--\nSignature"},
		{"a \x00 \n", "a"},
		{"tab\tinside", "tab\tinside"},
	}
	for _, tt := range tests {
		if got := normaliseText(tt.in); got != tt.want {
			t.Errorf("normaliseText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"hello world again", 8, "hello"},               // cut inside "world": back to the blank
		{"hello world again", 11, "hello world"},        // cut at a boundary
		{"hello world again", 12, "hello world"},        // trailing blank trimmed
		{"line one\nline two", 12, "line one"},          // back to the line break
		{"supercalifragilistic word", 10, "supercalif"}, // a long word is cut as is
		{"ab cdefghijklmnop", 10, "ab cdefghi"},         // blank too far back
		{"日本語のテキストです", 4, "日本語の"},                       // runes, not bytes
		{"héllo wörld", 9, "héllo"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		got := excerpt(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if !strings.HasPrefix(tt.in, got) || utf8.RuneCountInString(got) > max(tt.n, 0) {
			t.Errorf("excerpt(%q, %d) = %q: not a bounded prefix", tt.in, tt.n, got)
		}
	}
}

func TestExcerptFromParse(t *testing.T) {
	body := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 200)
	raw := "From: a@example.com\r\nSubject: long\r\n\r\n" + body
	m, err := Parse([]byte(raw), Limits{ExcerptRunes: 100})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != strings.TrimSpace(body) {
		t.Errorf("Text is not the full body (%d bytes of %d)", len(m.Text), len(body))
	}
	if n := utf8.RuneCountInString(m.Excerpt); n > 100 || n < 80 {
		t.Errorf("Excerpt has %d runes: %q", n, m.Excerpt)
	}
	if !strings.HasSuffix(m.Excerpt, "dog.") && !strings.HasSuffix(m.Excerpt, "the") && strings.HasSuffix(m.Excerpt, " ") {
		t.Errorf("Excerpt %q not cut at a word boundary", m.Excerpt)
	}
	last := m.Excerpt[strings.LastIndexByte(m.Excerpt, ' ')+1:]
	if !strings.Contains("The quick brown fox jumps over the lazy dog.", last) {
		t.Errorf("Excerpt ends inside a word: %q", last)
	}
	// The default bound applies when the caller leaves ExcerptRunes unset.
	m, err = Parse([]byte(raw+strings.Repeat("x ", 5000)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(m.Excerpt); n > DefaultLimits.ExcerptRunes {
		t.Errorf("default Excerpt has %d runes", n)
	}
}
