package mail

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Limits bound the work Parse does on one message.
type Limits struct {
	// MaxBytes rejects larger messages with ReasonTooLarge (0: no limit).
	MaxBytes int64
	// MaxDepth bounds MIME nesting (multipart and message/rfc822 levels);
	// deeper parts are skipped with a warning. 0 means DefaultLimits.MaxDepth;
	// values above 64 are treated as 64.
	MaxDepth int
	// ExcerptRunes bounds Message.Excerpt. 0 means DefaultLimits.ExcerptRunes.
	ExcerptRunes int
}

// DefaultLimits are the limits used when the caller sets none.
var DefaultLimits = Limits{MaxBytes: 25 << 20, MaxDepth: 16, ExcerptRunes: 4000}

const (
	// hardMaxDepth bounds nesting whatever the caller asks, to bound the stack.
	hardMaxDepth = 64
	// maxParts bounds how many MIME entities one message may have.
	maxParts = 5000
	// maxAttachments bounds Message.Attachments.
	maxAttachments = 1000
	// maxWarnings bounds Message.Warnings.
	maxWarnings = 50
	// internalErrorDetail starts the detail of a ParseError that reports a
	// recovered panic: a bug in this package, never an expected outcome.
	internalErrorDetail = "internal error: "
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxDepth > hardMaxDepth {
		l.MaxDepth = hardMaxDepth
	}
	if l.ExcerptRunes <= 0 {
		l.ExcerptRunes = DefaultLimits.ExcerptRunes
	}
	return l
}

// Parse reads a raw RFC 5322 message. It returns a *ParseError when the input
// is too large (ReasonTooLarge) or is not mail at all (ReasonUnparseable: empty
// input, binary data, a PDF, JSON …); any other defect is repaired best-effort
// and noted in Message.Warnings. Parse does not keep raw: every string in the
// Message is a copy, and attachment bodies are only counted.
func Parse(raw []byte, limits Limits) (msg *Message, err error) {
	if limits.MaxBytes > 0 && int64(len(raw)) > limits.MaxBytes {
		return nil, &ParseError{Reason: ReasonTooLarge,
			Detail: fmt.Sprintf("message is %d bytes, the limit is %d", len(raw), limits.MaxBytes)}
	}
	defer func() {
		// A defect in this package or in a parser it uses must end as a
		// recorded reason, not as a crashed worker.
		if r := recover(); r != nil {
			msg, err = nil, &ParseError{Reason: ReasonUnparseable, Detail: fmt.Sprintf("%s%v", internalErrorDetail, r)}
		}
	}()
	limits = limits.withDefaults()
	data := skipPrelude(raw)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ParseError{Reason: ReasonUnparseable, Detail: "empty message"}
	}
	h, body, st := readHeader(data)
	if why := notMail(h, st); why != "" {
		return nil, &ParseError{Reason: ReasonUnparseable, Detail: why}
	}
	p := &parser{limits: limits, msg: &Message{}}
	if st.garbage > 0 {
		p.warn("repaired %d malformed header lines", st.garbage)
	}
	if st.noSeparator {
		p.warn("header not followed by an empty line")
	}
	p.topHeader(h)
	blocks := p.entity(h, body, 0, "text/plain", true)
	p.msg.Text = normaliseText(joinBlocks(blocks))
	p.msg.Excerpt = excerpt(p.msg.Text, limits.ExcerptRunes)
	p.msg.DriveLinks = p.driveLinks()
	return p.msg, nil
}

// skipPrelude skips a byte order mark, leading blank lines and an mbox
// `From ` separator line.
func skipPrelude(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for len(b) > 0 {
		line, next := nextLine(b, 0)
		if !onlyBlank(line) {
			break
		}
		b = b[next:]
	}
	if bytes.HasPrefix(b, []byte("From ")) {
		_, next := nextLine(b, 0)
		b = b[next:]
	}
	return b
}

// mailFields are header fields only mail has; a header block needs one of
// them to be taken for mail.
var mailFields = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"message-id": true, "delivered-to": true, "x-original-to": true, "received": true,
	"return-path": true, "mime-version": true, "content-type": true, "reply-to": true,
	"sender": true, "in-reply-to": true, "references": true, "dkim-signature": true,
}

// notMail explains why a header block is not the start of a message, or "".
func notMail(h header, st headerStats) string {
	switch {
	case len(h) == 0:
		return "no header fields"
	case !st.firstIsField:
		return "input does not start with a header field"
	}
	for _, f := range h {
		if mailFields[f.name] {
			return ""
		}
	}
	return "no mail header fields"
}

type parser struct {
	limits   Limits
	msg      *Message
	parts    int
	embedded int      // depth inside message/rfc822 parts
	links    []string // link targets from HTML parts
	extra    []string // text of alternatives not chosen for Message.Text
	warned   map[string]bool
}

func (p *parser) warn(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	if p.warned[w] {
		return
	}
	if p.warned == nil {
		p.warned = map[string]bool{}
	}
	p.warned[w] = true
	if len(p.msg.Warnings) < maxWarnings {
		p.msg.Warnings = append(p.msg.Warnings, w)
	}
}

// quote renders untrusted text for a warning: clean, short, quoted.
func quote(s string) string {
	s = cleanLine(bestEffortUTF8([]byte(s)))
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "…"
	}
	return fmt.Sprintf("%q", s)
}

// topHeader fills the header fields of the message.
func (p *parser) topHeader(h header) {
	m := p.msg
	for _, name := range []string{"subject", "from", "date", "message-id"} {
		if h.count(name) > 1 {
			p.warn("duplicate %s header; the first is used", name)
		}
	}
	m.MessageID = messageID(h.get("message-id"))
	if m.MessageID == "" {
		p.warn("missing Message-ID")
	}
	m.Subject = headerText(h.get("subject"))
	from := p.addresses(h, "from")
	if len(from) > 0 {
		m.From = from[0]
	} else {
		p.warn("missing From")
	}
	m.To = p.addresses(h, "to")
	m.Cc = p.addresses(h, "cc")
	m.Bcc = p.addresses(h, "bcc")
	for _, v := range h.values("delivered-to") {
		if a := bareAddress(v); a != "" {
			m.DeliveredTo = append(m.DeliveredTo, a)
		}
	}
	for _, v := range h.values("x-original-to") {
		if a := bareAddress(v); a != "" {
			m.XOriginalTo = append(m.XOriginalTo, a)
		}
	}
	m.AutoSubmitted = strings.ToLower(rawHeaderText(h.get("auto-submitted")))
	for _, name := range []string{"x-autoreply", "x-autorespond"} {
		if v := strings.ToLower(rawHeaderText(h.get(name))); h.has(name) && v != "no" && v != "false" {
			m.AutoReply = true
		}
	}
	m.Precedence = strings.ToLower(rawHeaderText(h.get("precedence")))
	if v := h.get("date"); v != "" {
		if d, ok := parseDate(v); ok {
			m.Date = d.UTC()
		} else {
			p.warn("unparseable Date %s", quote(v))
		}
	} else {
		p.warn("missing Date")
	}
}

func (p *parser) addresses(h header, name string) []Address {
	var out []Address
	for _, v := range h.values(name) {
		list, ok := parseAddressList(v)
		if !ok {
			p.warn("malformed %s header parsed best-effort", name)
		}
		out = append(out, list...)
		if len(out) >= maxAddresses {
			return out[:maxAddresses]
		}
	}
	return out
}

// messageID extracts the id inside the first angle brackets, or the trimmed
// value when there are none.
func messageID(v string) string {
	v = rawHeaderText(v)
	if lt := strings.IndexByte(v, '<'); lt >= 0 {
		if gt := strings.IndexByte(v[lt:], '>'); gt > 1 {
			return strings.TrimSpace(v[lt+1 : lt+gt])
		}
	}
	return strings.Trim(v, "<> ")
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 January 2006 15:04:05 -0700",
	"Monday, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	time.RFC3339,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// parseDate parses a Date header leniently: RFC 5322 and its obsolete forms
// via net/mail, then without comments, then a few layouts seen in the wild.
// Dates outside years 1–9999 (UTC) are rejected: they cannot be encoded as
// JSON or stored.
func parseDate(v string) (time.Time, bool) {
	t, ok := parseDateAny(v)
	if !ok {
		return time.Time{}, false
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return t, true
}

func parseDateAny(v string) (time.Time, bool) {
	v = rawHeaderText(v)
	// The usual form first: net/mail tries many layouts, each failure costly.
	if t, err := time.Parse(dateLayouts[0], v); err == nil {
		return t, true
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t, true
	}
	v = strings.Join(strings.Fields(stripComments(v)), " ")
	v = strings.TrimSuffix(strings.TrimSpace(v), ",")
	if t, err := mail.ParseDate(v); err == nil {
		return t, true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// block is a piece of body text in document order.
type block struct {
	text string
	html bool
}

func joinBlocks(blocks []block) string {
	switch len(blocks) {
	case 0:
		return ""
	case 1:
		return blocks[0].text
	}
	var b strings.Builder
	n := 0
	for _, bl := range blocks {
		n += len(bl.text) + 2
	}
	b.Grow(n)
	for i, bl := range blocks {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(bl.text)
	}
	return b.String()
}

// entity walks one MIME entity and returns its body text. Attachments,
// links and warnings are recorded on the parser as they are met.
func (p *parser) entity(h header, body []byte, depth int, defaultType string, top bool) []block {
	if depth > p.limits.MaxDepth {
		p.warn("MIME nesting deeper than %d levels; inner parts skipped", p.limits.MaxDepth)
		return nil
	}
	p.parts++
	if p.parts > maxParts {
		p.warn("more than %d MIME parts; the rest skipped", maxParts)
		return nil
	}
	mt, params := defaultType, map[string]string(nil)
	if v := h.get("content-type"); strings.TrimSpace(v) != "" {
		mt, params = parseMediaHeader(rawHeaderText(v))
		if !validMediaType(mt) {
			p.warn("invalid Content-Type %s", quote(mt))
			mt = repairMediaType(mt, params)
		}
	}
	if top {
		p.msg.ContentType = mt
		if mt == "multipart/report" {
			p.msg.ReportType = strings.ToLower(params["report-type"])
		}
	}
	enc := transferEncoding(h.get("content-transfer-encoding"))
	if enc == encUnknown {
		p.warn("unknown Content-Transfer-Encoding %s; read as is", quote(h.get("content-transfer-encoding")))
	}
	disp, dparams := parseMediaHeader(rawHeaderText(h.get("content-disposition")))
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	filename = cleanFilename(filename)

	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if enc != encIdentity && enc != encUnknown {
			p.warn("multipart entity with a transfer encoding; decoded")
		}
		return p.multipart(mt, params, decodeTransfer(enc, body), depth)
	case mt == "message/rfc822" || mt == "message/global":
		return p.embeddedMessage(h, mt, filename, disp, enc, body, depth)
	case mt == "message/delivery-status" || mt == "message/global-delivery-status":
		if p.embedded == 0 {
			p.msg.DeliveryStatus = true
		}
		return []block{{text: p.text(decodeTransfer(enc, body), params["charset"], false)}}
	case disp == "attachment":
		p.attachment(h, mt, filename, disp, enc, body)
		return nil
	case mt == "text/plain" || mt == "text/enriched" || mt == "text/markdown" || mt == "text/x-markdown" ||
		mt == "text/rfc822-headers" || mt == "message/disposition-notification":
		return []block{{text: p.text(decodeTransfer(enc, body), params["charset"], false)}}
	case mt == "text/html" || mt == "application/xhtml+xml":
		s := p.text(decodeTransfer(enc, body), params["charset"], true)
		ht := htmlToText(s)
		p.links = append(p.links, ht.links...)
		return []block{{text: ht.text, html: true}}
	default:
		p.attachment(h, mt, filename, disp, enc, body)
		return nil
	}
}

// repairMediaType guesses what an invalid media type meant.
func repairMediaType(mt string, params map[string]string) string {
	switch {
	case strings.HasPrefix(mt, "multipart") && params["boundary"] != "":
		return "multipart/mixed"
	case strings.Contains(mt, "html"):
		return "text/html"
	case strings.HasPrefix(mt, "text") || mt == "":
		return "text/plain"
	}
	return "application/octet-stream"
}

// text decodes the bytes of a text part into UTF-8, honouring the declared
// charset (or, for HTML without one, the charset of a <meta> element).
func (p *parser) text(data []byte, charset string, html bool) string {
	if html && charset == "" {
		charset = htmlMetaCharset(data)
	}
	s, ok := decodeCharset(data, charset)
	if !ok {
		if charset != "" && !knownCharset(charset) {
			p.warn("unknown charset %s; decoded best-effort", quote(charset))
		} else {
			label := normaliseCharsetLabel(charset)
			if label == "" {
				label = "us-ascii"
			}
			p.warn("text not valid in charset %s; repaired", quote(label))
		}
	}
	return s
}

// multipart walks the parts of a multipart entity. For multipart/alternative
// only the best alternative becomes text: plain text when it has any, else
// the last alternative with text; links in the others are still collected.
func (p *parser) multipart(mt string, params map[string]string, body []byte, depth int) []block {
	boundary := params["boundary"]
	parts, complete, found := splitMultipart(body, boundary)
	if !found {
		sniffed := sniffBoundary(body)
		if sniffed == "" {
			p.warn("multipart boundary %s not found; body read as text", quote(boundary))
			return []block{{text: p.text(body, params["charset"], false)}}
		}
		p.warn("multipart boundary %s not found; using %s", quote(boundary), quote(sniffed))
		parts, complete, _ = splitMultipart(body, sniffed)
	}
	if !complete {
		p.warn("multipart without closing boundary")
	}
	childType := "text/plain"
	if mt == "multipart/digest" {
		childType = "message/rfc822"
	}
	if mt != "multipart/alternative" {
		var blocks []block
		for _, part := range parts {
			h, b := p.partHeader(part, mt == "multipart/digest")
			blocks = append(blocks, p.entity(h, b, depth+1, childType, false)...)
		}
		return blocks
	}
	alternatives := make([][]block, 0, len(parts))
	chosen, chosenRank := -1, 0
	for i, part := range parts {
		h, b := p.partHeader(part, false)
		blocks := p.entity(h, b, depth+1, childType, false)
		alternatives = append(alternatives, blocks)
		rank := 0
		for _, bl := range blocks {
			if strings.TrimSpace(bl.text) != "" {
				if !bl.html {
					rank = 2
					break
				}
				rank = 1
			}
		}
		if rank == 2 && chosenRank < 2 || rank == 1 && chosenRank <= 1 {
			chosen, chosenRank = i, rank
		}
	}
	for i, blocks := range alternatives {
		if i == chosen {
			continue
		}
		for _, bl := range blocks {
			p.extra = append(p.extra, bl.text)
		}
	}
	if chosen < 0 {
		return nil
	}
	return alternatives[chosen]
}

// partHeader splits a body part into its header and body. A part whose
// leading lines hold no MIME or mail field at all (`Note: …` opening a part
// that lacks its header) is all body. In a digest, a part that starts
// directly with a message's header is that message.
func (p *parser) partHeader(part []byte, digest bool) (header, []byte) {
	h, body, st := readHeader(part)
	if len(h) > 0 {
		mime, mailField := false, false
		for _, f := range h {
			if strings.HasPrefix(f.name, "content-") || strings.HasPrefix(f.name, "mime-") {
				mime = true
			} else if mailFields[f.name] {
				mailField = true
			}
		}
		if !mime && (!mailField || digest) {
			return nil, part
		}
	}
	if st.garbage > 0 {
		p.warn("repaired malformed part header lines")
	}
	return h, body
}

// splitMultipart cuts body at the delimiter lines of boundary. found reports
// whether any delimiter was seen; complete whether the closing one was.
func splitMultipart(body []byte, boundary string) (parts [][]byte, complete, found bool) {
	if boundary == "" {
		return nil, false, false
	}
	delim := []byte("--" + boundary)
	partStart := -1
	for pos := 0; pos < len(body); {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + len(delim)
		if at > 0 && body[at-1] != '\n' {
			continue
		}
		rest, next := nextLine(body, pos)
		closing := bytes.HasPrefix(rest, []byte("--"))
		if closing {
			rest = rest[2:]
		}
		if !onlyBlank(rest) {
			continue
		}
		found = true
		if partStart >= 0 {
			end := at
			if end > partStart && body[end-1] == '\n' {
				end--
			}
			if end > partStart && body[end-1] == '\r' {
				end--
			}
			parts = append(parts, body[partStart:end])
			if len(parts) >= maxParts {
				return parts, true, true
			}
		}
		if closing {
			return parts, true, true
		}
		partStart, pos = next, next
	}
	if partStart >= 0 && partStart < len(body) {
		parts = append(parts, body[partStart:])
	}
	return parts, false, found
}

// sniffBoundary finds the boundary a multipart body really uses: the first
// `--something` line followed by a Content- field.
func sniffBoundary(body []byte) string {
	for pos := 0; pos < len(body); {
		line, next := nextLine(body, pos)
		pos = next
		if len(line) < 3 || line[0] != '-' || line[1] != '-' {
			continue
		}
		cand := bytes.TrimRight(line[2:], " \t")
		if len(cand) == 0 || len(cand) > 200 || bytes.ContainsAny(cand, " \t") {
			continue
		}
		follow, _ := nextLine(body, next)
		if name, _, ok := fieldName(follow); ok && len(name) > 8 && strings.EqualFold(string(name[:8]), "content-") {
			return string(cand)
		}
	}
	return ""
}

// embeddedMessage renders a message/rfc822 part (a forwarded message) as its
// main header fields followed by its text.
func (p *parser) embeddedMessage(h header, mt, filename, disp string, enc int, body []byte, depth int) []block {
	data := decodeTransfer(enc, body)
	if filename != "" {
		p.attachment(h, mt, filename, disp, encIdentity, data)
	}
	ih, ib, st := readHeader(data)
	if len(ih) == 0 || !st.firstIsField {
		p.warn("embedded message without header; read as text")
		return []block{{text: p.text(data, "", false)}}
	}
	var fw strings.Builder
	fw.WriteString("---------- Forwarded message ----------\n")
	for _, f := range []struct{ name, label string }{
		{"from", "From"}, {"date", "Date"}, {"subject", "Subject"}, {"to", "To"}, {"cc", "Cc"},
	} {
		if v := headerText(ih.get(f.name)); v != "" {
			fw.WriteString(f.label + ": " + v + "\n")
		}
	}
	p.embedded++
	inner := p.entity(ih, ib, depth+1, "text/plain", false)
	p.embedded--
	return append([]block{{text: fw.String()}}, inner...)
}

// attachment records the metadata of an attached or inline part; its
// decoded bytes are counted, not kept.
func (p *parser) attachment(h header, mt, filename, disp string, enc int, body []byte) {
	if len(p.msg.Attachments) >= maxAttachments {
		p.warn("more than %d attachments; the rest not listed", maxAttachments)
		return
	}
	cid := messageID(h.get("content-id"))
	p.msg.Attachments = append(p.msg.Attachments, Attachment{
		Filename:  filename,
		MediaType: mt,
		Size:      decodedSize(enc, body),
		ContentID: cid,
		Inline:    disp == "inline" || (disp == "" && cid != ""),
	})
}

// cleanFilename decodes encoded words in a file name (common though not
// allowed in parameters), drops directories some clients include and control
// characters.
func cleanFilename(name string) string {
	if name == "" {
		return ""
	}
	name = cleanLine(decodeWords(bestEffortUTF8([]byte(name))))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

// driveLinks collects Drive links from the text, then from HTML link targets
// and alternatives not chosen for the text, deduplicated by file id.
func (p *parser) driveLinks() []DriveLink {
	var links []DriveLink
	seen := map[string]bool{}
	links = appendDriveLinks(links, seen, p.msg.Text)
	for _, l := range p.links {
		links = appendDriveLinks(links, seen, l)
	}
	for _, t := range p.extra {
		links = appendDriveLinks(links, seen, t)
	}
	return links
}
