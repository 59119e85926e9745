package googlefake

import (
	"bytes"
	"encoding/base64"
	"html"
	"io"
	"mime"
	"mime/quotedprintable"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	gmailapi "google.golang.org/api/gmail/v1"
)

// This file turns RFC 822 bytes into Gmail's MessagePart tree. It keeps
// header order and original names (net/mail and mime/multipart put headers
// in maps), decodes transfer encodings the way Gmail does before base64url
// encoding body.data, and hands out attachmentIds for named parts, as Gmail
// does, instead of inlining them.

type header struct{ name, value string }

// splitMessage separates the header block from the body. A message without
// a blank line is all headers, as in RFC 5322.
func splitMessage(raw []byte) ([]header, []byte) {
	end, skip := len(raw), 0
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		end, skip = i, 4
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 && i < end {
		end, skip = i, 2
	}
	if bytes.HasPrefix(raw, []byte("\r\n")) {
		end, skip = 0, 2
	} else if bytes.HasPrefix(raw, []byte("\n")) {
		end, skip = 0, 1
	}
	var hs []header
	for _, line := range strings.Split(string(raw[:end]), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(hs) > 0 {
			hs[len(hs)-1].value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		hs = append(hs, header{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	body := raw[min(end+skip, len(raw)):]
	return hs, body
}

func headerValue(hs []header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			return h.value
		}
	}
	return ""
}

var wordDecoder = &mime.WordDecoder{}

// decodeHeader decodes RFC 2047 encoded-words; Gmail's API shows decoded
// header values. Unknown charsets are left encoded rather than failing.
func decodeHeader(v string) string {
	d, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}

func gmailHeaders(hs []header, only []string) []*gmailapi.MessagePartHeader {
	out := []*gmailapi.MessagePartHeader{}
	for _, h := range hs {
		if len(only) > 0 && !containsFold(only, h.name) {
			continue
		}
		out = append(out, &gmailapi.MessagePartHeader{Name: h.name, Value: decodeHeader(h.value)})
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// mediaType returns the lower-cased media type and its parameters,
// defaulting to text/plain as RFC 2045 says.
func mediaType(hs []header) (string, map[string]string) {
	ct := headerValue(hs, "Content-Type")
	if ct == "" {
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		return strings.ToLower(strings.TrimSpace(mt)), map[string]string{}
	}
	return mt, params
}

func partFilename(hs []header, params map[string]string) string {
	if cd := headerValue(hs, "Content-Disposition"); cd != "" {
		if _, p, err := mime.ParseMediaType(cd); err == nil && p["filename"] != "" {
			return p["filename"]
		}
	}
	return params["name"]
}

// decodeTransfer undoes Content-Transfer-Encoding. Broken encodings fall
// back to the raw bytes: a fake must not refuse what real mail contains.
func decodeTransfer(hs []header, body []byte) []byte {
	switch strings.ToLower(headerValue(hs, "Content-Transfer-Encoding")) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			return body
		}
		return out[:n]
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			return body
		}
		return out
	}
	return body
}

// splitMultipart returns the bodies between boundary delimiter lines. The
// line break before a delimiter belongs to the delimiter (RFC 2046).
func splitMultipart(body []byte, boundary string) [][]byte {
	delim := "--" + boundary
	var parts [][]byte
	start := -1
	for off := 0; off < len(body); {
		next := len(body)
		if i := bytes.IndexByte(body[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		line := strings.TrimRight(string(body[off:next]), " \t\r\n")
		if line == delim || line == delim+"--" {
			if start >= 0 {
				end := off
				if end > start && body[end-1] == '\n' {
					end--
					if end > start && body[end-1] == '\r' {
						end--
					}
				}
				parts = append(parts, body[start:end])
			}
			if line == delim+"--" {
				return parts
			}
			start = next
		}
		off = next
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:]) // unterminated last part
	}
	return parts
}

// buildPart renders one MIME entity as a Gmail MessagePart. metadataOnly
// keeps only headers, as format=metadata does.
func buildPart(raw []byte, partID, msgID string) *gmailapi.MessagePart {
	hs, body := splitMessage(raw)
	mt, params := mediaType(hs)
	p := &gmailapi.MessagePart{
		PartId:          partID,
		MimeType:        mt,
		Filename:        partFilename(hs, params),
		Headers:         gmailHeaders(hs, nil),
		ForceSendFields: []string{"PartId", "Filename"},
	}
	if strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		p.Body = &gmailapi.MessagePartBody{ForceSendFields: []string{"Size"}}
		for i, sub := range splitMultipart(body, params["boundary"]) {
			id := strconv.Itoa(i)
			if partID != "" {
				id = partID + "." + id
			}
			p.Parts = append(p.Parts, buildPart(sub, id, msgID))
		}
		return p
	}
	data := decodeTransfer(hs, body)
	p.Body = &gmailapi.MessagePartBody{Size: int64(len(data)), ForceSendFields: []string{"Size"}}
	if p.Filename != "" {
		p.Body.AttachmentId = attachmentID(msgID, partID)
	} else if len(data) > 0 {
		p.Body.Data = base64.URLEncoding.EncodeToString(data)
	}
	return p
}

// attachmentID is deterministic so it stays valid across restarts; Gmail's
// ids are opaque, and clients must not parse them.
func attachmentID(msgID, partID string) string {
	return "ANGjdJ" + base64.RawURLEncoding.EncodeToString([]byte(msgID+"/"+partID))
}

// findPart walks the MIME tree to the entity with the given Gmail partId
// and returns its decoded body.
func findPart(raw []byte, partID string) ([]byte, bool) {
	hs, body := splitMessage(raw)
	if partID == "" {
		return decodeTransfer(hs, body), true
	}
	first, rest, _ := strings.Cut(partID, ".")
	i, err := strconv.Atoi(first)
	mt, params := mediaType(hs)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil, false
	}
	parts := splitMultipart(body, params["boundary"])
	if i < 0 || i >= len(parts) {
		return nil, false
	}
	return findPart(parts[i], rest)
}

// firstText returns the decoded body of the first text/plain leaf, or of
// the first text/html leaf with tags stripped, for the snippet.
func firstText(raw []byte) string {
	var plain, htmlText string
	var walk func([]byte)
	walk = func(b []byte) {
		hs, body := splitMessage(b)
		mt, params := mediaType(hs)
		switch {
		case strings.HasPrefix(mt, "multipart/"):
			for _, p := range splitMultipart(body, params["boundary"]) {
				walk(p)
			}
		case partFilename(hs, params) != "":
		case mt == "text/plain" && plain == "":
			plain = string(decodeTransfer(hs, body))
		case mt == "text/html" && htmlText == "":
			htmlText = html.UnescapeString(tagRE.ReplaceAllString(string(decodeTransfer(hs, body)), " "))
		}
	}
	walk(raw)
	if plain != "" {
		return plain
	}
	return htmlText
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>`)

// snippet mimics Gmail's: the start of the text with whitespace collapsed,
// HTML-escaped (Gmail sends &#39; for an apostrophe).
func snippet(raw []byte) string {
	text := strings.Join(strings.Fields(firstText(raw)), " ")
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	if r := []rune(text); len(r) > 200 {
		text = string(r[:200])
	}
	return html.EscapeString(text)
}

var angleRE = regexp.MustCompile(`<[^<>\s]+>`)

// messageIDs extracts the <...> ids of a Message-ID, In-Reply-To or
// References header.
func messageIDs(v string) []string { return angleRE.FindAllString(v, -1) }
