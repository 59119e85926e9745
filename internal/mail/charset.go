package mail

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// charsetKind classifies a declared charset label.
type charsetKind int

const (
	// charsetUTF8 covers utf-8, us-ascii and no declaration at all: the bytes
	// are used as UTF-8 when valid and repaired best-effort otherwise.
	charsetUTF8 charsetKind = iota
	// charsetLatin covers iso-8859-1 / windows-1252 style declarations,
	// which are often used for text that is really UTF-8.
	charsetLatin
	// charsetOther is any other known charset.
	charsetOther
	// charsetUnknown is a label x/text does not know.
	charsetUnknown
)

// normaliseCharsetLabel cleans a charset label as found in mail: quotes,
// spaces, RFC 2231 language suffixes (`utf-8*en`) and a few common misspellings.
func normaliseCharsetLabel(label string) string {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"' `))
	if i := strings.IndexByte(label, '*'); i >= 0 {
		label = label[:i]
	}
	switch label {
	case "", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "7bit", "8bit", "default":
		return ""
	case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode":
		return "utf-8"
	case "latin-1", "iso8859-1", "iso_8859_1", "iso-8859-1:1987":
		return "iso-8859-1"
	case "cp-1252", "win-1252", "windows1252":
		return "windows-1252"
	case "cp-1251", "win-1251", "windows1251":
		return "windows-1251"
	case "ks_c_5601", "ks_c_5601-1989", "ksc5601", "cp949", "uhc":
		return "euc-kr"
	case "gb_2312", "gb2312-80", "cp936", "ms936", "euc-cn":
		return "gbk"
	case "big5hkscs", "big5-hkscs", "cp950", "x-x-big5":
		return "big5"
	case "sjis", "shift-jis", "cp932", "ms932", "x-sjis", "shift_jisx0213":
		return "shift_jis"
	}
	return label
}

// latinLabels are the Western European declarations that mail clients and web
// forms put on text that is often really UTF-8.
var latinLabels = map[string]bool{
	"iso-8859-1": true, "windows-1252": true, "iso-8859-15": true, "latin1": true,
	"l1": true, "cp1252": true, "x-cp1252": true, "cp819": true, "ibm819": true,
	"iso_8859-1": true, "latin9": true, "iso_8859-15": true, "l9": true,
}

// lookupCharset returns the decoder for a label and how it should be treated.
func lookupCharset(label string) (encoding.Encoding, charsetKind) {
	label = normaliseCharsetLabel(label)
	if label == "" || label == "utf-8" {
		return nil, charsetUTF8
	}
	kind := charsetOther
	if latinLabels[label] {
		kind = charsetLatin
	}
	if e, err := htmlindex.Get(label); err == nil && e != nil && e != encoding.Replacement {
		if e == unicode.UTF8 {
			return nil, charsetUTF8
		}
		return e, kind
	}
	for _, idx := range []*ianaindex.Index{ianaindex.MIME, ianaindex.IANA} {
		if e, err := idx.Encoding(label); err == nil && e != nil && e != encoding.Replacement {
			if e == unicode.UTF8 {
				return nil, charsetUTF8
			}
			return e, kind
		}
	}
	return nil, charsetUnknown
}

// knownCharset reports whether label names a charset Parse can decode exactly.
func knownCharset(label string) bool {
	_, kind := lookupCharset(label)
	return kind != charsetUnknown
}

// decodeCharset converts b from the declared charset into valid UTF-8. It never
// fails: unknown or lying charsets are decoded best-effort. ok is false when the
// declaration could not be honoured as such.
func decodeCharset(b []byte, label string) (s string, ok bool) {
	enc, kind := lookupCharset(label)
	switch kind {
	case charsetUTF8:
		return bestEffortUTF8(b), utf8.Valid(b)
	case charsetUnknown:
		return bestEffortUTF8(b), false
	case charsetLatin:
		// Mail labelled Latin-1 is very often UTF-8: valid UTF-8 containing
		// multi-byte sequences is practically never genuine Latin-1.
		if hasMultiByteUTF8(b) && utf8.Valid(b) {
			return string(b), true
		}
	}
	if isASCII(b) && asciiCompatible(enc) {
		return string(b), true
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return bestEffortUTF8(b), false
	}
	if !utf8.Valid(out) {
		return strings.ToValidUTF8(string(out), "\uFFFD"), false
	}
	return string(out), true
}

// asciiCompatible reports whether pure ASCII input decodes to itself: true for
// the WHATWG encodings except the stateful and 16-bit ones (ISO-2022-JP,
// UTF-16); false for anything only IANA knows (EBCDIC among them).
func asciiCompatible(e encoding.Encoding) bool {
	name, err := htmlindex.Name(e)
	if err != nil {
		return false
	}
	switch name {
	case "utf-16be", "utf-16le", "iso-2022-jp", "replacement":
		return false
	}
	return true
}

// bestEffortUTF8 returns b as valid UTF-8: unchanged when already valid; with
// damaged sequences replaced when it is mostly UTF-8; otherwise decoded as
// windows-1252, the most common undeclared 8-bit charset in mail.
func bestEffortUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	multi, invalid := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			multi++
		}
		i += size
	}
	if multi > invalid {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(out) {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

func hasMultiByteUTF8(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] >= 0xC2 && b[i] <= 0xF4 && i+1 < len(b) && b[i+1]&0xC0 == 0x80 {
			return true
		}
	}
	return false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// charsetReader adapts decodeCharset to mime.WordDecoder.CharsetReader, used
// by net/mail when it decodes display names. It accepts every charset.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	s, _ := decodeCharset(b, label)
	return strings.NewReader(s), nil
}

// htmlMetaCharset finds the charset declared by a <meta> element near the
// start of an HTML document, or "".
func htmlMetaCharset(b []byte) string {
	if len(b) > 4096 {
		b = b[:4096]
	}
	lower := bytes.ToLower(b)
	for off := 0; ; {
		i := bytes.Index(lower[off:], []byte("<meta"))
		if i < 0 {
			return ""
		}
		start := off + i
		end := bytes.IndexByte(lower[start:], '>')
		if end < 0 {
			end = len(lower) - start
		}
		tag := lower[start : start+end]
		off = start + 5
		j := bytes.Index(tag, []byte("charset"))
		if j < 0 {
			continue
		}
		rest := bytes.TrimLeft(tag[j+len("charset"):], " \t\r\n")
		if len(rest) == 0 || rest[0] != '=' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n\"'")
		k := 0
		for k < len(rest) && isCharsetLabelByte(rest[k]) {
			k++
		}
		if k > 0 {
			return string(rest[:k])
		}
	}
}

func isCharsetLabelByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == ':'
}
