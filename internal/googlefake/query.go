package googlefake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file implements the subset of Gmail's search syntax (messages.list
// q=) that BeSunny needs. Terms it does not know are rejected with 400
// rather than ignored, so a product query that depends on unsupported
// syntax fails loudly in tests instead of silently matching too much.

// msgQuery is a parsed q: all terms must match.
type msgQuery struct {
	terms []func(*message) bool
	// spamTrash is set when the query names SPAM or TRASH (in:spam,
	// in:anywhere...), which lifts Gmail's default exclusion.
	spamTrash bool
}

func (q msgQuery) match(m *message) bool {
	for _, t := range q.terms {
		if !t(m) {
			return false
		}
	}
	return true
}

// tokenize splits on spaces but keeps "quoted phrases" (with their
// operator prefix) together.
func tokenize(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
		case (r == ' ' || r == '\t') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// parseQuery compiles q for mailbox mb at time now. Dates given as
// YYYY/MM/DD are taken at midnight UTC (Gmail uses Pacific time; pass epoch
// seconds for exact bounds, as Google recommends).
func parseQuery(q string, mb *mailbox, now time.Time) (msgQuery, error) {
	var out msgQuery
	for _, tok := range tokenize(q) {
		neg := strings.HasPrefix(tok, "-")
		tok = strings.TrimPrefix(tok, "-")
		op, arg, ok := strings.Cut(tok, ":")
		if !ok || arg == "" {
			return out, fmt.Errorf("unsupported search term %q (the fake supports after:, before:, newer_than:, older_than:, in:, is:, label:, from:, to:, subject:)", tok)
		}
		op = strings.ToLower(op)
		var t func(*message) bool
		switch op {
		case "after", "before":
			ms, err := parseQueryDate(arg)
			if err != nil {
				return out, err
			}
			if op == "after" {
				t = func(m *message) bool { return m.InternalDate >= ms }
			} else {
				t = func(m *message) bool { return m.InternalDate < ms }
			}
		case "newer_than", "older_than":
			d, err := parseRelative(arg)
			if err != nil {
				return out, err
			}
			ms := now.Add(-d).UnixMilli()
			if op == "newer_than" {
				t = func(m *message) bool { return m.InternalDate >= ms }
			} else {
				t = func(m *message) bool { return m.InternalDate < ms }
			}
		case "in", "is", "label":
			label, anywhere, err := queryLabel(op, arg, mb)
			if err != nil {
				return out, err
			}
			if anywhere {
				out.spamTrash = true
				continue
			}
			if label == "SPAM" || label == "TRASH" {
				out.spamTrash = true
			}
			if op == "is" && label == "READ" {
				t = func(m *message) bool { return !slices.Contains(m.Labels, "UNREAD") }
			} else {
				t = func(m *message) bool { return slices.Contains(m.Labels, label) }
			}
		case "from", "to", "subject":
			needle := strings.ToLower(arg)
			t = func(m *message) bool {
				var hay string
				switch op {
				case "from":
					hay = m.From
				case "to":
					hay = m.To
				default:
					hay = m.Subject
				}
				return strings.Contains(strings.ToLower(hay), needle)
			}
		default:
			return out, fmt.Errorf("unsupported search operator %q", op+":")
		}
		if neg {
			inner := t
			t = func(m *message) bool { return !inner(m) }
		}
		out.terms = append(out.terms, t)
	}
	return out, nil
}

// parseQueryDate accepts epoch seconds or YYYY/MM/DD (also YYYY-MM-DD) and
// returns epoch milliseconds.
func parseQueryDate(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n * 1000, nil
	}
	for _, layout := range []string{"2006/1/2", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("invalid date %q: want epoch seconds or YYYY/MM/DD", s)
}

// parseRelative reads Gmail's newer_than/older_than amounts: Nd, Nm, Ny.
func parseRelative(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("invalid relative date %q", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid relative date %q", s)
	}
	day := 24 * time.Hour
	switch s[len(s)-1] {
	case 'd':
		return time.Duration(n) * day, nil
	case 'm':
		return time.Duration(n) * 30 * day, nil
	case 'y':
		return time.Duration(n) * 365 * day, nil
	}
	return 0, fmt.Errorf("invalid relative date %q: want Nd, Nm or Ny", s)
}

// queryLabel maps in:/is:/label: arguments to a label id. "READ" is a
// pseudo label for is:read; anywhere reports in:anywhere.
func queryLabel(op, arg string, mb *mailbox) (label string, anywhere bool, err error) {
	a := strings.ToLower(arg)
	switch op {
	case "in":
		switch a {
		case "anywhere":
			return "", true, nil
		case "inbox", "sent", "spam", "trash", "starred", "important":
			return strings.ToUpper(a), false, nil
		case "draft", "drafts":
			return "DRAFT", false, nil
		case "chats":
			return "CHAT", false, nil
		}
	case "is":
		switch a {
		case "unread", "starred", "important":
			return strings.ToUpper(a), false, nil
		case "read":
			return "READ", false, nil
		}
	case "label":
		if id, ok := mb.labelID(arg); ok {
			return id, false, nil
		}
		// Gmail writes spaces in label names as '-' in queries.
		if id, ok := mb.labelID(strings.ReplaceAll(arg, "-", " ")); ok {
			return id, false, nil
		}
		return "", false, fmt.Errorf("unknown label %q", arg)
	}
	return "", false, fmt.Errorf("unsupported search term %q", op+":"+arg)
}
