package mail

import (
	"strings"
	"unicode/utf8"
)

// normaliseText cleans body text without shortening it: line breaks become
// \n, NULs and other control characters (except \n and \t) are dropped,
// trailing blanks are stripped, runs of blank lines collapse into one and
// leading and trailing blank lines go. Quoted replies and signatures stay.
// s must be valid UTF-8.
func normaliseText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	blankRun := 0   // blank lines seen since the last text line
	lineStart := -1 // start of the current line in b
	wroteText := false
	// pendingBlank counts trailing blanks of the current line that are only
	// written when more text follows on the same line.
	var pendingBlank []byte
	endLine := func() {
		pendingBlank = pendingBlank[:0]
		if lineStart < 0 {
			blankRun++
			return
		}
		lineStart = -1
		blankRun = 0
		b.WriteByte('\n')
	}
	for i := 0; i < len(s); {
		c := s[i]
		var r rune = rune(c)
		size := 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case r == '\n' || r == '\u2028' || r == '\u2029':
			endLine()
			continue
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			endLine()
			continue
		case r == ' ' || r == '\t':
			pendingBlank = append(pendingBlank, byte(r))
			continue
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\ufeff':
			continue
		}
		if lineStart < 0 {
			// First visible character of a line: write the blank line that
			// separates it from the previous paragraph, at most one.
			if wroteText && blankRun > 0 {
				b.WriteByte('\n')
			}
			lineStart = b.Len()
			wroteText = true
			blankRun = 0
		}
		if len(pendingBlank) > 0 {
			b.Write(pendingBlank)
			pendingBlank = pendingBlank[:0]
		}
		if size == 1 {
			b.WriteByte(c)
		} else {
			b.WriteString(s[i-size : i])
		}
	}
	out := b.String()
	return strings.TrimRight(out, "\n")
}

// excerpt returns at most n runes from the start of s, cut at a line or word
// boundary when one is close enough, with trailing blanks trimmed. The result
// is always a prefix of s.
func excerpt(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := 0; i < n; i++ {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	prefix := s[:cut]
	if c := s[cut]; c != ' ' && c != '\t' && c != '\n' {
		// The cut falls inside a word: back up to the last blank unless that
		// would drop more than half (a very long word or URL is cut as is).
		if sp := strings.LastIndexAny(prefix, " \t\n"); sp >= cut/2 && sp > 0 {
			prefix = prefix[:sp]
		}
	}
	return strings.TrimRight(prefix, " \t\n")
}
