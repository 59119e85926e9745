package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Limits bound the work Parse does on one message.
type Limits struct {
	// MaxBytes rejects larger messages with ReasonTooLarge (0: no limit).
	MaxBytes int64
	// MaxDepth bounds MIME nesting; deeper parts are skipped with a warning.
	MaxDepth int
	// ExcerptRunes bounds Message.Excerpt.
	ExcerptRunes int
}

// DefaultLimits are the limits used when the caller sets none.
var DefaultLimits = Limits{MaxBytes: 25 << 20, MaxDepth: 16, ExcerptRunes: 4000}

var wordDecoder = &mime.WordDecoder{}

// Parse reads a raw RFC 822 message. It returns a *ParseError when the input is
// too large or is not mail at all; any other defect is repaired best-effort and
// noted in Message.Warnings.
func Parse(raw []byte, limits Limits) (msg *Message, err error) {
	if limits.MaxBytes > 0 && int64(len(raw)) > limits.MaxBytes {
		return nil, &ParseError{Reason: ReasonTooLarge, Detail: "message exceeds the size limit"}
	}
	defer func() {
		// The standard library parsers are not fuzzed against every input we
		// may receive; a defect there must end as a recorded reason, not a crash.
		if r := recover(); r != nil {
			msg, err = nil, &ParseError{Reason: ReasonUnparseable, Detail: "parser failure"}
		}
	}()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, &ParseError{Reason: ReasonUnparseable, Detail: err.Error()}
	}
	h := m.Header
	if h.Get("From") == "" && h.Get("To") == "" && h.Get("Subject") == "" && h.Get("Delivered-To") == "" {
		return nil, &ParseError{Reason: ReasonUnparseable, Detail: "no mail headers"}
	}
	out := &Message{
		MessageID:     strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>"),
		Subject:       decodeHeader(h.Get("Subject")),
		DeliveredTo:   bareAddresses(h["Delivered-To"]),
		XOriginalTo:   bareAddresses(h["X-Original-To"]),
		AutoSubmitted: strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))),
		Precedence:    strings.ToLower(strings.TrimSpace(h.Get("Precedence"))),
	}
	if from := addressList(h, "From"); len(from) > 0 {
		out.From = from[0]
	}
	out.To = addressList(h, "To")
	out.Cc = addressList(h, "Cc")
	if d, err := h.Date(); err == nil {
		out.Date = d.UTC()
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mediaType, params = "text/plain", map[string]string{}
	}
	out.ContentType = mediaType
	body, _ := io.ReadAll(m.Body)
	p := &walker{msg: out, limits: limits}
	p.part(mediaType, params, h.Get("Content-Transfer-Encoding"), h.Get("Content-Disposition"), body, 0)
	out.Text = normaliseText(p.bestText())
	out.Excerpt = excerpt(out.Text, limits.ExcerptRunes)
	out.DriveLinks = FindDriveLinks(out.Text)
	return out, nil
}

type walker struct {
	msg    *Message
	limits Limits
	plain  []string
	html   []string
}

func (w *walker) bestText() string {
	if len(w.plain) > 0 {
		return strings.Join(w.plain, "\n\n")
	}
	return strings.Join(w.html, "\n\n")
}

func (w *walker) part(mediaType string, params map[string]string, encoding, disposition string, body []byte, depth int) {
	if w.limits.MaxDepth > 0 && depth > w.limits.MaxDepth {
		w.msg.Warnings = append(w.msg.Warnings, "MIME nesting too deep; inner parts skipped")
		return
	}
	data := decodeTransfer(encoding, body)
	disp, dparams, _ := mime.ParseMediaType(disposition)
	filename := decodeHeader(dparams["filename"])
	if filename == "" {
		filename = decodeHeader(params["name"])
	}
	switch {
	case strings.HasPrefix(mediaType, "multipart/"):
		mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				if err != io.EOF {
					w.msg.Warnings = append(w.msg.Warnings, "broken multipart structure: "+err.Error())
				}
				return
			}
			pb, _ := io.ReadAll(p)
			pt, pp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
			if err != nil {
				pt, pp = "text/plain", map[string]string{}
			}
			w.part(pt, pp, p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), pb, depth+1)
		}
	case disp == "attachment" || (filename != "" && !strings.HasPrefix(mediaType, "text/")):
		w.msg.Attachments = append(w.msg.Attachments, Attachment{
			Filename: filename, MediaType: mediaType, Size: int64(len(data)), Inline: disp == "inline",
		})
	case mediaType == "text/plain":
		w.plain = append(w.plain, toUTF8(data))
	case mediaType == "text/html":
		w.html = append(w.html, toUTF8(data))
	}
}

func decodeTransfer(encoding string, body []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, body)
		out, err := base64.StdEncoding.DecodeString(strings.TrimRight(string(clean), "="))
		if err != nil {
			out, _ = base64.RawStdEncoding.DecodeString(strings.TrimRight(string(clean), "="))
		}
		return out
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			return body
		}
		return out
	default:
		return body
	}
}

func toUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func decodeHeader(v string) string {
	if v == "" {
		return ""
	}
	d, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		d = v
	}
	return strings.TrimSpace(toUTF8([]byte(d)))
}

func addressList(h mail.Header, key string) []Address {
	var out []Address
	for _, v := range h[key] {
		list, err := mail.ParseAddressList(v)
		if err != nil {
			for _, piece := range strings.Split(v, ",") {
				if a, err := mail.ParseAddress(strings.TrimSpace(piece)); err == nil {
					out = append(out, Address{Name: a.Name, Address: a.Address})
				}
			}
			continue
		}
		for _, a := range list {
			out = append(out, Address{Name: a.Name, Address: a.Address})
		}
	}
	return out
}

func bareAddresses(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		v = strings.TrimSpace(v)
		if a, err := mail.ParseAddress(v); err == nil {
			v = a.Address
		}
		if v != "" {
			out = append(out, strings.Trim(v, "<>"))
		}
	}
	return out
}

func normaliseText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	var b strings.Builder
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}

func excerpt(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
