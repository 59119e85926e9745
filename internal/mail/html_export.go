package mail

import (
	"strings"
	"unicode/utf8"
)

// HTMLToText renders an HTML fragment (a calendar event's description, a
// part of a web page) as readable plain text with the same rules as mail
// bodies, and returns the web links it holds. Invalid UTF-8 is repaired
// first, and the text is normalised (line breaks, blank lines, control
// characters).
func HTMLToText(src string) (text string, links []string) {
	if !utf8.ValidString(src) {
		src = strings.ToValidUTF8(src, "\uFFFD")
	}
	h := htmlToText(src)
	return normaliseText(h.text), h.links
}
