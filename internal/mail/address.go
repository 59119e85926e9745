package mail

import (
	"mime"
	"net/mail"
	"strings"
)

var addressParser = &mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charsetReader}}

// maxAddresses bounds how many addresses one header contributes.
const maxAddresses = 1000

// parseAddressList parses an address header value (raw, possibly 8-bit)
// into addresses with decoded display names. Groups contribute their members
// (an empty group such as `undisclosed-recipients:;` contributes none).
// Malformed lists are parsed best-effort piece by piece; ok is false then.
func parseAddressList(v string) (out []Address, ok bool) {
	v = rawHeaderText(v)
	if v == "" {
		return nil, true
	}
	if list, err := addressParser.ParseList(v); err == nil {
		out = make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: displayName(a.Name), Address: a.Address})
		}
		return capAddresses(out), true
	}
	for _, piece := range splitAddresses(v) {
		if a, ok := lenientAddress(piece); ok {
			out = append(out, a)
		}
		if len(out) >= maxAddresses {
			break
		}
	}
	return out, false
}

func capAddresses(a []Address) []Address {
	if len(a) > maxAddresses {
		return a[:maxAddresses]
	}
	return a
}

// displayName finishes a name net/mail decoded: encoded words it left alone
// (malformed ones) are decoded leniently, and the result is one clean line.
func displayName(name string) string {
	if strings.Contains(name, "=?") {
		name = decodeWords(name)
	}
	return cleanLine(bestEffortUTF8([]byte(name)))
}

// splitAddresses splits an address list at commas and semicolons outside
// quoted strings, angle brackets and comments, dropping group labels. When a
// quote or an angle bracket is never closed, the list is split again without
// honouring it, so one stray character does not swallow the rest of the list.
func splitAddresses(v string) []string {
	pieces, openQuote, openAngle := splitAddressesWith(v, true, true)
	if openQuote || openAngle {
		pieces, _, _ = splitAddressesWith(v, !openQuote, !openAngle)
	}
	return pieces
}

func splitAddressesWith(v string, quotes, angles bool) (pieces []string, openQuote, openAngle bool) {
	start, depth := 0, 0
	quoted, angle := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (quoted || depth > 0):
			i++
		case c == '"' && depth == 0 && quotes:
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth > 0:
		case c == '<' && angles:
			angle = true
		case c == '>':
			angle = false
		case angle:
		case c == ':':
			// `group-name:` — the members follow.
			start = i + 1
		case c == ',' || c == ';':
			pieces = append(pieces, v[start:i])
			start = i + 1
		}
	}
	if start < len(v) {
		pieces = append(pieces, v[start:])
	}
	return pieces, quoted, angle
}

// lenientAddress extracts one mailbox from a malformed piece: the text in
// angle brackets, or the first word with an `@`, or a lone word (such as
// `MAILER-DAEMON`); whatever else remains is the display name.
func lenientAddress(piece string) (Address, bool) {
	piece = strings.TrimSpace(piece)
	if piece == "" {
		return Address{}, false
	}
	if a, err := addressParser.Parse(piece); err == nil {
		return Address{Name: displayName(a.Name), Address: a.Address}, true
	}
	comment := commentText(piece)
	bare := strings.TrimSpace(stripComments(piece))
	var addr, name string
	if lt := strings.LastIndexByte(bare, '<'); lt >= 0 {
		rest := bare[lt+1:]
		if gt := strings.IndexByte(rest, '>'); gt >= 0 {
			rest = rest[:gt]
		}
		addr, name = strings.TrimSpace(rest), bare[:lt]
	} else {
		fields := strings.Fields(bare)
		for i, f := range fields {
			if strings.Contains(f, "@") {
				addr = f
				name = strings.Join(append(append([]string{}, fields[:i]...), fields[i+1:]...), " ")
				break
			}
		}
		if addr == "" && len(fields) == 1 {
			addr = fields[0]
		}
	}
	addr = strings.Trim(addr, ` "'<>()[],;:`)
	if addr == "" || strings.ContainsAny(addr, " \t") {
		return Address{}, false
	}
	name = strings.TrimSpace(name)
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		name = name[1 : len(name)-1]
	}
	name = strings.Trim(name, `"' `)
	if name == "" {
		name = comment
	}
	return Address{Name: displayName(name), Address: addr}, true
}

// commentText returns the text of the first (comment) in s.
func commentText(s string) string {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return ""
	}
	end := strings.IndexByte(s[open:], ')')
	if end < 0 {
		return ""
	}
	return strings.TrimSpace(s[open+1 : open+end])
}

// bareAddress extracts the addr-spec of a single-address header such as
// Delivered-To, or "" when there is none.
func bareAddress(v string) string {
	list, _ := parseAddressList(v)
	for _, a := range list {
		if a.Address != "" {
			return a.Address
		}
	}
	return ""
}
