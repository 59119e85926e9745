package mail

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// headerField is one header field with its name lower-cased and its value
// unfolded but otherwise raw (possibly 8-bit, possibly encoded words).
type headerField struct {
	name  string
	value string
}

type header []headerField

// get returns the first value of the named (lower-case) field.
func (h header) get(name string) string {
	for _, f := range h {
		if f.name == name {
			return f.value
		}
	}
	return ""
}

func (h header) has(name string) bool {
	for _, f := range h {
		if f.name == name {
			return true
		}
	}
	return false
}

// values returns every value of the named field, top-most first.
func (h header) values(name string) []string {
	var out []string
	for _, f := range h {
		if f.name == name {
			out = append(out, f.value)
		}
	}
	return out
}

func (h header) count(name string) int {
	n := 0
	for _, f := range h {
		if f.name == name {
			n++
		}
	}
	return n
}

// headerStats describes how well a header block parsed.
type headerStats struct {
	garbage       int  // lines that were neither fields nor continuations
	firstIsField  bool // the block started with a well-formed field
	noSeparator   bool // the body started without an empty line
	continuations int
}

// nextLine returns the line at pos without its line break, and where the
// following line starts. Both CRLF and bare LF end a line.
func nextLine(b []byte, pos int) (line []byte, next int) {
	nl := bytes.IndexByte(b[pos:], '\n')
	if nl < 0 {
		line, next = b[pos:], len(b)
	} else {
		line, next = b[pos:pos+nl], pos+nl+1
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, next
}

// fieldName returns the field name of a `Name: value` line and the offset of
// its value, or ok=false when the line is not a field. Blanks between the name
// and the colon (obsolete syntax) are accepted.
func fieldName(line []byte) (name []byte, valueAt int, ok bool) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return nil, 0, false
	}
	name = bytes.TrimRight(line[:colon], " \t")
	if len(name) == 0 {
		return nil, 0, false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return nil, 0, false
		}
	}
	return name, colon + 1, true
}

// commonFieldNames avoids allocating the lower-cased names of usual fields.
var commonFieldNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"from", "to", "cc", "bcc", "subject", "date", "message-id", "delivered-to",
		"x-original-to", "received", "return-path", "mime-version", "content-type",
		"content-transfer-encoding", "content-disposition", "content-id", "reply-to",
		"sender", "in-reply-to", "references", "auto-submitted", "precedence",
		"dkim-signature", "x-mailer", "content-description", "x-attachment-id",
	} {
		m[n] = n
	}
	return m
}()

func lowerName(b []byte) string {
	var buf [32]byte
	if len(b) <= len(buf) {
		l := buf[:len(b)]
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			l[i] = c
		}
		if s, ok := commonFieldNames[string(l)]; ok {
			return s
		}
		return string(l)
	}
	return strings.ToLower(string(b))
}

// readHeader parses the header block at the start of b and returns the body
// after it. It is lenient: continuation lines are unfolded, garbage lines that
// are followed by more fields are skipped, and a non-field line with no field
// after it starts the body even without the empty separator line.
func readHeader(b []byte) (h header, body []byte, st headerStats) {
	pos := 0
	var cur []byte // value of the field being built
	curName := ""
	flush := func() {
		if curName != "" {
			h = append(h, headerField{name: curName, value: string(cur)})
		}
		curName, cur = "", cur[:0]
	}
	nextFieldAt := -1 // a known position of a field after garbage lines
	first := true
	for pos < len(b) {
		line, next := nextLine(b, pos)
		if len(line) == 0 {
			flush()
			return h, b[next:], st
		}
		if (line[0] == ' ' || line[0] == '\t') && curName != "" {
			cur = append(cur, line...)
			st.continuations++
			pos, first = next, false
			continue
		}
		if name, at, ok := fieldName(line); ok {
			flush()
			curName = lowerName(name)
			cur = append(cur, line[at:]...)
			if first {
				st.firstIsField = true
			}
			pos, first = next, false
			continue
		}
		// A line that is not a field: when no field follows before the end of
		// the block, the body starts here. Otherwise a line without a colon
		// is taken for a continuation that lost its indentation (broken
		// folding), and a line with a malformed field name is skipped.
		if pos >= nextFieldAt {
			nextFieldAt = findFieldBefore(b, next)
		}
		if nextFieldAt < 0 {
			flush()
			st.noSeparator = true
			return h, b[pos:], st
		}
		st.garbage++
		if curName != "" && bytes.IndexByte(line, ':') < 0 {
			cur = append(cur, ' ')
			cur = append(cur, line...)
		} else {
			flush()
		}
		pos, first = next, false
	}
	flush()
	return h, nil, st
}

// findFieldBefore returns the position of the first field line at or after pos
// and before the next empty line, or -1.
func findFieldBefore(b []byte, pos int) int {
	for pos < len(b) {
		line, next := nextLine(b, pos)
		if len(line) == 0 {
			return -1
		}
		if line[0] != ' ' && line[0] != '\t' {
			if _, _, ok := fieldName(line); ok {
				return pos
			}
		}
		pos = next
	}
	return -1
}

func onlyBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// headerText turns a raw header value into clean single-line UTF-8: 8-bit
// bytes are decoded best-effort, encoded words (RFC 2047) are decoded, control
// characters are dropped and runs of white space collapse to one space.
func headerText(v string) string {
	if v == "" {
		return ""
	}
	return cleanLine(decodeWords(bestEffortUTF8([]byte(v))))
}

// rawHeaderText is headerText without encoded-word decoding, for values that
// are parsed further (addresses, parameters).
func rawHeaderText(v string) string {
	if v == "" {
		return ""
	}
	return cleanLine(bestEffortUTF8([]byte(v)))
}

// cleanLine drops control characters, turns line breaks and tabs into spaces,
// collapses white space and trims. s must be valid UTF-8.
func cleanLine(s string) string {
	clean := true
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= utf8.RuneSelf || (c == ' ' && prevSpace) {
			clean = false
			break
		}
		prevSpace = c == ' '
	}
	if clean && !prevSpace {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == ' ' || r == '\u00a0' || r == '\u2028' || r == '\u2029':
			space = true
			continue
		case r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\ufeff':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// decodeWords decodes RFC 2047 encoded words in s (valid UTF-8) leniently:
// B and Q in either case, missing base64 padding, blanks inside words, any
// charset (unknown ones best-effort). Adjacent words in the same charset are
// joined before conversion, so characters split across words survive.
func decodeWords(s string) string {
	i := strings.Index(s, "=?")
	if i < 0 {
		return s
	}
	var out strings.Builder
	out.Grow(len(s))
	out.WriteString(s[:i])
	s = s[i:]
	var pending []byte // decoded bytes of adjacent words in pendingCharset
	pendingCharset := ""
	flushPending := func() {
		if pendingCharset != "" || len(pending) > 0 {
			d, _ := decodeCharset(pending, pendingCharset)
			out.WriteString(d)
		}
		pending, pendingCharset = pending[:0], ""
	}
	afterWord := false
	// No word can end after the last "?=": stop looking there, so a long
	// value full of "=?" openers stays linear.
	lastEnd := strings.LastIndex(s, "?=")
	consumed := 0
	for {
		start := strings.Index(s, "=?")
		if start < 0 || consumed+start+2 > lastEnd {
			break
		}
		charset, enc, text, end, ok := parseEncodedWord(s[start:])
		if !ok {
			flushPending()
			out.WriteString(s[:start+2])
			s = s[start+2:]
			consumed += start + 2
			afterWord = false
			continue
		}
		between := s[:start]
		if !afterWord || strings.TrimLeft(between, " \t\r\n") != "" {
			flushPending()
			out.WriteString(between)
		}
		if charset != pendingCharset {
			flushPending()
			pendingCharset = charset
		}
		if enc == 'b' {
			var d base64Decoder
			pending = d.finish(d.decode(pending, []byte(text)))
		} else {
			pending = decodeQWord(pending, text)
		}
		s = s[start+end:]
		consumed += start + end
		afterWord = true
	}
	flushPending()
	out.WriteString(s)
	return out.String()
}

// parseEncodedWord parses `=?charset?enc?text?=` at the start of s.
func parseEncodedWord(s string) (charset string, enc byte, text string, end int, ok bool) {
	q1 := strings.IndexByte(s[2:], '?')
	if q1 <= 0 || q1 > 64 {
		return "", 0, "", 0, false
	}
	charset = s[2 : 2+q1]
	if strings.ContainsAny(charset, " \t\r\n=") {
		return "", 0, "", 0, false
	}
	rest := s[2+q1+1:]
	if len(rest) < 3 || rest[1] != '?' {
		return "", 0, "", 0, false
	}
	enc = rest[0] | 0x20
	if enc != 'b' && enc != 'q' {
		return "", 0, "", 0, false
	}
	rest = rest[2:]
	q2 := strings.Index(rest, "?=")
	if q2 < 0 {
		return "", 0, "", 0, false
	}
	text = rest[:q2]
	end = len(s) - len(rest) + q2 + 2
	cs := strings.ToLower(charset)
	if i := strings.IndexByte(cs, '*'); i >= 0 {
		cs = cs[:i]
	}
	return cs, enc, text, end, true
}

func decodeQWord(dst []byte, text string) []byte {
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			dst = append(dst, ' ')
		case c == '=' && i+2 < len(text):
			if h, ok := unhex2(text[i+1], text[i+2]); ok {
				dst = append(dst, h)
				i += 2
				continue
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// parseMediaHeader parses a Content-Type or Content-Disposition value
// leniently: the lower-cased value before the first `;` and the parameters,
// with RFC 2231 continuations and charsets decoded. Names are lower-cased; the
// first of duplicate parameters wins. v must be valid UTF-8.
func parseMediaHeader(v string) (value string, params map[string]string) {
	v = strings.TrimSpace(v)
	semi := strings.IndexByte(v, ';')
	head, rest := v, ""
	if semi >= 0 {
		head, rest = v[:semi], v[semi+1:]
	}
	head = strings.TrimSpace(stripComments(head))
	// `text/plain charset=utf-8` (a missing semicolon).
	if sp := strings.IndexAny(head, " \t"); sp >= 0 {
		rest = head[sp+1:] + ";" + rest
		head = head[:sp]
	}
	value = strings.ToLower(strings.Trim(head, `"'`))
	if rest == "" {
		return value, nil
	}
	params = map[string]string{}
	type section struct {
		n        int
		extended bool
		value    string
	}
	var sections map[string][]section
	for len(rest) > 0 {
		rest = strings.TrimLeft(rest, " \t;")
		if rest == "" {
			break
		}
		eq := strings.IndexAny(rest, "=;")
		if eq < 0 || rest[eq] == ';' {
			if eq < 0 {
				break
			}
			rest = rest[eq+1:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var val string
		if strings.HasPrefix(rest, `"`) {
			val, rest = readQuoted(rest[1:])
		} else {
			end := strings.IndexAny(rest, "; \t")
			if end < 0 {
				end = len(rest)
			}
			val, rest = rest[:end], rest[end:]
		}
		if key == "" {
			continue
		}
		if star := strings.IndexByte(key, '*'); star >= 0 {
			name, suffix := key[:star], key[star+1:]
			sec := section{n: -1, value: val}
			if strings.HasSuffix(suffix, "*") {
				sec.extended, suffix = true, strings.TrimSuffix(suffix, "*")
			} else if suffix == "" {
				sec.extended = true
			}
			if suffix != "" {
				n, err := strconv.Atoi(suffix)
				if err != nil || n < 0 || n > 999 {
					continue
				}
				sec.n = n
			}
			if sections == nil {
				sections = map[string][]section{}
			}
			if len(sections[name]) < 1000 {
				sections[name] = append(sections[name], sec)
			}
			continue
		}
		if _, dup := params[key]; !dup {
			params[key] = val
		}
	}
	for name, secs := range sections {
		sort.SliceStable(secs, func(i, j int) bool { return secs[i].n < secs[j].n })
		var raw []byte
		charset := ""
		for i, s := range secs {
			if i > 0 && s.n == secs[i-1].n {
				continue // duplicate section
			}
			val := s.value
			if s.extended {
				if i == 0 {
					if p := strings.IndexByte(val, '\''); p >= 0 {
						if q := strings.IndexByte(val[p+1:], '\''); q >= 0 {
							charset, val = val[:p], val[p+1+q+1:]
						}
					}
				}
				raw = percentDecode(raw, val)
			} else {
				raw = append(raw, val...)
			}
		}
		decoded, _ := decodeCharset(raw, charset)
		params[name] = decoded
	}
	return value, params
}

// readQuoted reads a quoted string whose opening quote is already consumed,
// returning its unescaped content and the rest after the closing quote.
func readQuoted(s string) (val, rest string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}

// percentDecode appends s to dst with every valid %XX escape decoded and
// everything else (a stray %) kept as it is.
func percentDecode(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, ok := unhex2(s[i+1], s[i+2]); ok {
				dst = append(dst, h)
				i += 2
				continue
			}
		}
		dst = append(dst, s[i])
	}
	return dst
}

// stripComments removes (comments) outside quoted strings.
func stripComments(s string) string {
	if !strings.ContainsRune(s, '(') {
		return s
	}
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (quoted || depth > 0):
			if depth == 0 {
				b.WriteByte(c)
				b.WriteByte(s[i+1])
			}
			i++
			continue
		case c == '"' && depth == 0:
			quoted = !quoted
		case c == '(' && !quoted:
			depth++
			continue
		case c == ')' && !quoted && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// validMediaType reports whether t looks like `type/subtype`.
func validMediaType(t string) bool {
	slash := strings.IndexByte(t, '/')
	if slash <= 0 || slash == len(t)-1 || strings.Count(t, "/") != 1 {
		return false
	}
	for _, r := range t {
		if r != '/' && !isTokenRune(r) {
			return false
		}
	}
	return true
}

func isTokenRune(r rune) bool {
	if r >= utf8.RuneSelf || unicode.IsSpace(r) || r < 0x21 {
		return false
	}
	return !strings.ContainsRune(`()<>@,;:\"/[]?=`, r)
}
