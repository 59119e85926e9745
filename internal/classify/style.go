package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Style features: how a source writes, whatever it writes about. Mail from
// one sender, one newsletter or one feed shares a template — the way its
// bodies open and close, how its subjects are cased and punctuated, the
// marks it puts around words (a label in asterisks, a footnote number, an
// HTML entity left in the text) — far more reliably than it shares words.
// They mean nothing on their own (no project description has them); they
// tie a document to the other documents of its source in the owner's
// collection (collection.go), where the user's corrections and the
// collection's structure give them their meaning.

// tokenShape maps a token to its shape: runs of lower-case letters become
// "x", of upper-case letters "X", of digits "d"; other characters stay.
// "*Politics:*" is "*Xx:*", "Discuss[2]" is "Xx[d]", "&#8220;" is "&#d;".
func tokenShape(tok string) string {
	var b strings.Builder
	last := rune(0)
	for _, r := range tok {
		var c rune
		switch {
		case unicode.IsLower(r):
			c = 'x'
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsDigit(r):
			c = 'd'
		default:
			c = r
		}
		if c != last || (c != 'x' && c != 'X' && c != 'd') {
			b.WriteRune(c)
		}
		last = c
		if b.Len() > 12 {
			break
		}
	}
	return b.String()
}

// isPlainShape reports whether a shape is an ordinary word or number.
func isPlainShape(s string) bool {
	switch s {
	case "x", "Xx", "X", "d", "xX", "XxX":
		return true
	}
	return false
}

// addStyle adds the style features of a document (title and body) to f,
// each with weight w; reply is whether the title answers or forwards
// (analysis.reply, already read off the title by threadKey).
func addStyle(f map[string]float64, title, text string, reply bool, w float64) {
	put := func(name string) { f[shapePrefix+"style "+name] = w }
	title = strings.TrimSpace(title)
	body := strings.TrimSpace(text)

	// Subject: casing, and whether it repeats the body's opening.
	if words := strings.Fields(title); len(words) > 0 {
		upper, lower := 0, 0
		for _, wd := range words {
			r := []rune(wd)[0]
			switch {
			case unicode.IsUpper(r):
				upper++
			case unicode.IsLower(r):
				lower++
			}
		}
		switch {
		case lower == 0 && upper > 0 && len(words) >= 3:
			put("title: every word capitalised")
		case upper == 0 && lower > 0:
			put("title: lower case")
		case upper*2 >= len(words) && len(words) >= 3:
			put("title: mostly capitalised")
		}
		if len(title) >= 20 && strings.HasPrefix(withoutFootnotes(body), withoutFootnotes(strings.TrimRight(title, ".… "))) {
			put("title: opens the body")
		}
	}
	if body == "" {
		return
	}

	// How the body opens and closes.
	fields := strings.Fields(body)
	put("opens " + tokenShape(fields[0]))
	if len(fields) > 1 {
		put("opens " + tokenShape(fields[0]) + " " + tokenShape(fields[1]))
	}
	lastLine := body[strings.LastIndexByte(body, '\n')+1:]
	if lf := strings.Fields(lastLine); len(lf) > 0 {
		put("closes " + tokenShape(lf[len(lf)-1]))
	}
	// The words themselves, too: a template's last words ("Link Discuss",
	// "Sent from my phone", "Thanks, Stefan") are the same from message to
	// message, whatever they are about. The list of link references that
	// ends many bodies is not the prose's close.
	lines := strings.Split(body, "\n")
	if closing := closingWords(proseTail(lines, closingWindow), 2); closing != "" {
		put("last words " + closing)
	}
	switch {
	case strings.HasSuffix(body, "..."), strings.HasSuffix(body, "…"):
		put("closes with an ellipsis")
	case strings.HasSuffix(body, ")"), strings.HasSuffix(body, "]"):
		put("closes with a bracket")
	}

	// Marks around words anywhere in the body, and the line layout.
	seen := 0
	for _, tok := range fields {
		s := tokenShape(tok)
		if isPlainShape(s) || len(s) < 2 {
			continue
		}
		// Plain words with sentence punctuation say nothing about a source.
		t := strings.TrimRight(s, ".,;:!?")
		if isPlainShape(t) || t == "" {
			continue
		}
		put("mark " + s)
		// A word that carries a link reference ("Discuss[2]") is a link's
		// anchor text; a template's anchors ("Link", "Discuss", "Crossword")
		// recur in every message of its source.
		if anchor := anchorWord(tok); anchor != "" {
			put("linked word " + anchor)
		}
		if seen++; seen > 40 {
			break
		}
	}
	longest, nonEmpty := 0, 0
	for _, line := range lines {
		if n := len(strings.TrimRight(line, "\r ")); n > 0 {
			nonEmpty++
			longest = max(longest, n)
		}
	}
	switch {
	case longest <= 80:
		put("lines wrapped at 80")
	case longest <= 200:
		put("lines up to 200")
	default:
		put("long lines")
	}
	switch {
	case nonEmpty == 1:
		put("one line")
	case nonEmpty <= 3:
		put("two or three lines")
	case nonEmpty <= 10:
		put("up to ten lines")
	default:
		put("many lines")
	}
	if strings.Contains(body, "&#") || strings.Contains(body, "&amp;") || strings.Contains(body, "&quot;") {
		put("html entities")
	}
	// Mail people write to each other answers and quotes; an editor's item
	// never does. Without these marks a list's chatty replies, whose words
	// are nobody's topic, sat as close to a small feed's short items as to
	// the discussion they belong to (list-mail check, dev, after 5 per
	// project: the list messages' top-1 0.878 -> 0.939, coverage 0.275 ->
	// 0.299 at precision 1.000).
	if reply {
		put("subject answers or forwards")
	}
	for _, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			put("quotes a message")
			break
		}
	}
}

// withoutFootnotes is s lower-cased, without footnote markers ("[3]") and
// with its blanks collapsed.
func withoutFootnotes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '[' {
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j > i+1 && j < len(s) && s[j] == ']' {
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return strings.ToLower(strings.Join(strings.Fields(b.String()), " "))
}

// closingWords returns the last n words of prose, lower-cased, without link
// references and the punctuation around them ("" for no words).
func closingWords(prose string, n int) string {
	if len(prose) > closingWindow {
		cut := len(prose) - closingWindow
		for cut < len(prose) && !utf8.RuneStart(prose[cut]) {
			cut++
		}
		prose = prose[cut:]
	}
	words := strings.Fields(withoutFootnotes(prose))
	var out []string
	for _, w := range words[len(words)-min(n, len(words)):] {
		if w = strings.Trim(w, wordPunctuation); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// wordPunctuation is what surrounds a word without being part of it.
const wordPunctuation = ".,;:!?()[]\"'_*"

// anchorWord returns the lower-cased word before a token's link reference
// ("discuss" for "Discuss[2]"), or "".
func anchorWord(tok string) string {
	i := strings.IndexByte(tok, '[')
	if i <= 0 || !startsWithReference(tok[i:]) {
		return ""
	}
	return strings.ToLower(strings.Trim(tok[:i], wordPunctuation))
}

// closingWindow is how much of the prose's end closingWords reads: enough
// for the last words, however the lines wrap.
const closingWindow = 200

// proseTail returns the end of a body's prose — the body without the list
// of link references that ends it (the "[1] http://…" lines) — as whole
// lines, at least atLeast bytes of it when there are that many.
func proseTail(lines []string, atLeast int) string {
	end := len(lines)
	for end > 0 {
		if l := strings.TrimSpace(lines[end-1]); l != "" && !isReferenceEntry(l) {
			break
		}
		end--
	}
	start, size := end, 0
	for start > 0 && size < atLeast {
		start--
		size += len(lines[start]) + 1
	}
	return strings.Join(lines[start:end], "\n")
}

// isReferenceEntry reports whether a line is an entry of a reference list:
// a link reference and an address ("[2] http://…", "[1] mailto:…").
func isReferenceEntry(line string) bool {
	f := strings.Fields(line)
	return len(f) >= 2 && startsWithReference(f[0]) && strings.Contains(f[1], ":")
}

// startsWithReference reports whether s begins with a link reference: a
// number in brackets ("[12]").
func startsWithReference(s string) bool {
	if !strings.HasPrefix(s, "[") {
		return false
	}
	i := 1
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 1 && i < len(s) && s[i] == ']'
}
