package classify

import (
	"strings"
	"unicode"
)

// Layout features. Mail from one source has a layout as much as a
// vocabulary: a newsletter's section labels, a link list of footnotes, a
// one-line body in parentheses, quoted blocks. The centroids learn which
// layouts a user's projects have from the documents assigned to them; the
// features mean nothing before that (no project's description has them).

// shapePrefix marks layout features apart from words in the term
// dictionary.
const shapePrefix = "\x00"

// shapeWeight is the term frequency of a layout feature: less than a word,
// because a layout is shared by more of a user's mail than a word is.
var shapeWeight = 1.0

// shape records a layout feature.
func (a *analysis) shape(name string) { a.shapes[shapePrefix+name] = shapeWeight }

// addShapes adds the layout features of a body.
func (a *analysis) addShapes(text string) {
	words, lines, lastLine := 0, 0, ""
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			a.shape(f)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		raw := strings.TrimRight(line, "\r ")
		t := strings.TrimSpace(raw)
		if t == "" {
			continue
		}
		lines++
		lastLine = t
		words += len(strings.Fields(t))
		switch {
		case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
			add("line in parentheses")
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			add("line in brackets")
		}
		if strings.HasPrefix(t, "*") || strings.HasPrefix(t, "_") {
			if i := strings.Index(t, ":"); i > 0 && i < 40 {
				add("emphasised label")
			}
		}
		if strings.HasPrefix(raw, "    ") || strings.HasPrefix(raw, "\t") {
			add("indented block")
		}
		if isFootnoteLine(t) {
			add("footnote link")
		} else if strings.Contains(t, "[1]") {
			add("footnote reference")
		}
	}
	if voice := personOf(text); voice != "" {
		add(voice)
	}
	if strings.ContainsAny(text, "$£€") {
		add("money amount")
	}
	if strings.ContainsAny(text, "“”") || strings.Contains(text, "&#8220;") || strings.Count(text, "\"") >= 2 {
		add("quotation")
	}
	switch {
	case words == 0:
		add("empty body")
	case words < 12:
		add("one-line body")
	case words < 60:
		add("short body")
	case words < 250:
		add("medium body")
	default:
		add("long body")
	}
	if lastLine != "" && !isFootnoteLine(lastLine) {
		r := rune(lastLine[len(lastLine)-1])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			add("no final stop")
		}
	}
}

// personOf tells whether a text speaks in the first person (a diary, a
// weblog, a letter), addresses the reader, or neither (a report).
func personOf(text string) string {
	first, second := 0, 0
	forEachWord(text, func(w string) {
		switch w {
		case "i", "my", "me", "we", "our":
			first++
		case "you", "your":
			second++
		}
	})
	switch {
	case first >= 2 && first >= second:
		return "first person"
	case second >= 2:
		return "second person"
	case first+second == 0:
		return "impersonal"
	}
	return ""
}

// addTitleShapes adds the layout features of a title (subject): its length
// and punctuation. A source's subjects have a style as its bodies do.
func (a *analysis) addTitleShapes(title string) {
	t := strings.TrimSpace(title)
	if t == "" {
		return
	}
	words := len(strings.Fields(t))
	switch {
	case words <= 3:
		a.shape("title: short")
	case words <= 8:
		a.shape("title: medium")
	case words <= 14:
		a.shape("title: long")
	default:
		a.shape("title: sentence")
	}
	if strings.ContainsAny(t, "\"“”") || strings.Contains(t, "'") && strings.Count(t, "'") >= 2 {
		a.shape("title: quotes")
	}
	if strings.Contains(t, ": ") {
		a.shape("title: colon")
	}
	switch t[len(t)-1] {
	case '.':
		a.shape("title: final stop")
	case '?':
		a.shape("title: question")
	case '!':
		a.shape("title: exclamation")
	}
}

// isFootnoteLine recognises "[3] http://…".
func isFootnoteLine(t string) bool {
	if !strings.HasPrefix(t, "[") {
		return false
	}
	i := strings.Index(t, "]")
	if i < 2 || i > 4 {
		return false
	}
	rest := strings.TrimSpace(t[i+1:])
	return strings.HasPrefix(rest, "http") || strings.HasPrefix(rest, "www.") || strings.HasPrefix(rest, "mailto:")
}
