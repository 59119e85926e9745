package mail

import (
	"bytes"
	"io"
	"strings"
)

// Transfer encodings (RFC 2045 §6). Decoding is always lenient: whatever the
// input, some bytes come out and no text is dropped.
const (
	encIdentity = iota
	encBase64
	encQuotedPrintable
	encUnknown
)

// transferEncoding classifies a Content-Transfer-Encoding value.
func transferEncoding(v string) int {
	v = strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`))
	if i := strings.IndexAny(v, " \t;("); i >= 0 {
		v = v[:i]
	}
	switch v {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return encIdentity
	case "base64", "base-64", "b64":
		return encBase64
	case "quoted-printable", "quotedprintable", "qp":
		return encQuotedPrintable
	}
	return encUnknown
}

// decodeTransfer returns the decoded bytes of body. For the identity encodings
// it returns body itself, without copying.
func decodeTransfer(enc int, body []byte) []byte {
	switch enc {
	case encBase64:
		var d base64Decoder
		out := d.decode(make([]byte, 0, len(body)*3/4+3), body)
		return d.finish(out)
	case encQuotedPrintable:
		return decodeQP(make([]byte, 0, len(body)), body, true)
	}
	return body
}

// decodedSize counts the decoded bytes of body without keeping them.
func decodedSize(enc int, body []byte) int64 {
	var r io.Reader
	switch enc {
	case encBase64:
		r = &base64Reader{src: body}
	case encQuotedPrintable:
		r = &qpReader{src: body}
	default:
		return int64(len(body))
	}
	var c countingWriter
	_, _ = io.Copy(&c, r)
	return c.n
}

// countingWriter counts and discards what is written to it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

var base64Values = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// base64Decoder decodes base64 leniently: characters outside the alphabet
// (line breaks, spaces, garbage) are skipped, padding is optional and a padding
// character in the middle ends the current quantum, so concatenated encoded
// blocks decode too.
type base64Decoder struct {
	acc uint32
	n   int
}

func (d *base64Decoder) decode(dst, src []byte) []byte {
	acc, n := d.acc, d.n
	for _, c := range src {
		v := base64Values[c]
		if v < 0 {
			if c == '=' && n > 0 {
				dst = flushBase64(dst, acc, n)
				acc, n = 0, 0
			}
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			dst = append(dst, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	d.acc, d.n = acc, n
	return dst
}

// finish emits the bytes of a final, unpadded quantum.
func (d *base64Decoder) finish(dst []byte) []byte {
	dst = flushBase64(dst, d.acc, d.n)
	d.acc, d.n = 0, 0
	return dst
}

func flushBase64(dst []byte, acc uint32, n int) []byte {
	switch n {
	case 2:
		dst = append(dst, byte(acc>>4))
	case 3:
		dst = append(dst, byte(acc>>10), byte(acc>>2))
	}
	return dst
}

// chunkSize is how much encoded input the streaming readers decode at a time.
const chunkSize = 16 << 10

// base64Reader streams the lenient base64 decoding of src.
type base64Reader struct {
	src  []byte
	pos  int
	dec  base64Decoder
	buf  []byte
	bpos int
	done bool
}

func (r *base64Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.bpos < len(r.buf) {
			c := copy(p[n:], r.buf[r.bpos:])
			r.bpos += c
			n += c
			continue
		}
		if r.done {
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		end := min(r.pos+chunkSize, len(r.src))
		if r.buf == nil {
			r.buf = make([]byte, 0, chunkSize*3/4+3)
		}
		r.buf = r.dec.decode(r.buf[:0], r.src[r.pos:end])
		r.pos, r.bpos = end, 0
		if end == len(r.src) {
			r.buf = r.dec.finish(r.buf)
			r.done = true
		}
	}
	return n, nil
}

// decodeQP decodes quoted-printable leniently and appends to dst: `=XY` with
// hex digits in either case is a byte, `=` at the end of a line is a soft line
// break, any other `=` is kept literally, and trailing blanks added by
// transports are removed. eof tells whether the end of src ends a line.
func decodeQP(dst, src []byte, eof bool) []byte {
	for len(src) > 0 {
		var line []byte
		nl := bytes.IndexByte(src, '\n')
		hasNL := nl >= 0
		if hasNL {
			line, src = src[:nl], src[nl+1:]
		} else {
			line, src = src, nil
		}
		crlf := false
		if hasNL && len(line) > 0 && line[len(line)-1] == '\r' {
			line, crlf = line[:len(line)-1], true
		}
		if hasNL || eof {
			line = bytes.TrimRight(line, " \t")
		}
		soft := false
		if (hasNL || eof) && len(line) > 0 && line[len(line)-1] == '=' {
			line, soft = line[:len(line)-1], true
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '=' && i+2 < len(line) {
				if h, ok := unhex2(line[i+1], line[i+2]); ok {
					dst = append(dst, h)
					i += 2
					continue
				}
			}
			dst = append(dst, c)
		}
		if hasNL && !soft {
			if crlf {
				dst = append(dst, '\r')
			}
			dst = append(dst, '\n')
		}
	}
	return dst
}

func unhex2(a, b byte) (byte, bool) {
	x, ok1 := unhex(a)
	y, ok2 := unhex(b)
	return x<<4 | y, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// qpReader streams decodeQP over src, cutting the input at line ends so the
// decoding of every chunk is independent.
type qpReader struct {
	src  []byte
	pos  int
	buf  []byte
	bpos int
}

func (r *qpReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.bpos < len(r.buf) {
			c := copy(p[n:], r.buf[r.bpos:])
			r.bpos += c
			n += c
			continue
		}
		if r.pos >= len(r.src) {
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		end, eol := qpChunkEnd(r.src, r.pos)
		if r.buf == nil {
			r.buf = make([]byte, 0, chunkSize+2)
		}
		r.buf = decodeQP(r.buf[:0], r.src[r.pos:end], eol)
		r.pos, r.bpos = end, 0
	}
	return n, nil
}

// qpChunkEnd picks where the next chunk from pos ends: after a line break near
// chunkSize, or, inside a very long line, at a place that does not split an
// escape or a run of blanks. eol reports whether the chunk ends a line.
func qpChunkEnd(src []byte, pos int) (end int, eol bool) {
	end = pos + chunkSize
	if end >= len(src) {
		return len(src), true
	}
	if nl := bytes.LastIndexByte(src[pos:end], '\n'); nl >= 0 {
		return pos + nl + 1, true
	}
	for back := 0; back < 64 && end > pos+1; back++ {
		c, prev := src[end-1], src[end-2]
		if c != '=' && prev != '=' && c != ' ' && c != '\t' {
			break
		}
		end--
	}
	return end, false
}
