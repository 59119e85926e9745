package mail

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHTMLToText_RendersFragmentsAndKeepsLinks(t *testing.T) {
	text, links := HTMLToText(`Agenda:<br><ul><li>Budget</li><li>Plan</li></ul><a href="https://zoom.us/j/123">Join</a>` + "\xff")
	for _, want := range []string{"Agenda:", "Budget", "Plan", "Join <https://zoom.us/j/123>"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}
	if len(links) != 1 || links[0] != "https://zoom.us/j/123" {
		t.Errorf("links = %q", links)
	}
	if !utf8.ValidString(text) {
		t.Errorf("text is not valid UTF-8: %q", text)
	}
}
