package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"
)

func TestTransferEncoding(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", encIdentity}, {"7bit", encIdentity}, {" 8BIT ", encIdentity}, {"binary", encIdentity},
		{"base64", encBase64}, {"BASE64", encBase64}, {`"base64"`, encBase64}, {"base64 (comment)", encBase64},
		{"quoted-printable", encQuotedPrintable}, {"Quoted-Printable", encQuotedPrintable},
		{"x-uuencode", encUnknown}, {"gzip", encUnknown},
	}
	for _, tt := range tests {
		if got := transferEncoding(tt.in); got != tt.want {
			t.Errorf("transferEncoding(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestDecodeBase64(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SGVsbG8sIHdvcmxkIQ==", "Hello, world!"},
		{"SGVsbG8sIHdvcmxkIQ", "Hello, world!"},               // no padding
		{"SGVsbG8s\r\nIHdvcmxk\r\nIQ==\r\n", "Hello, world!"}, // line breaks
		{"  SGVs bG8s\tIHdv cmxk IQ==  ", "Hello, world!"},    // blanks
		{"SGVs!!bG8s*IHdv#cmxkIQ==", "Hello, world!"},         // garbage characters
		{"SGVsbG8=LCB3b3JsZCE=", "Hello, world!"},             // padding mid-stream
		{"SGVsbG8sIHdvcmxkIQ===\n==", "Hello, world!"},        // too much padding
		{"", ""},
		{"=", ""},
		{"S", ""},    // a lone character carries no full byte
		{"-_-_", ""}, // not the MIME alphabet
	}
	for _, tt := range tests {
		got := decodeTransfer(encBase64, []byte(tt.in))
		if string(got) != tt.want {
			t.Errorf("base64 %q = %q, want %q", tt.in, got, tt.want)
		}
		if n := decodedSize(encBase64, []byte(tt.in)); n != int64(len(tt.want)) {
			t.Errorf("decodedSize(base64 %q) = %d, want %d", tt.in, n, len(tt.want))
		}
	}
}

func TestDecodeQuotedPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"caf=C3=A9", "café"},
		{"caf=c3=a9", "café"}, // lower-case hex
		{"a=3Db", "a=b"},
		{"soft=\r\nbreak", "softbreak"},
		{"soft=\nbreak", "softbreak"},     // bare LF
		{"soft=  \r\nbreak", "softbreak"}, // blanks after the soft break
		{"trailing   \r\nblanks\t\n", "trailing\r\nblanks\n"},
		{"keep  inner  blanks", "keep  inner  blanks"},
		{"=ZZ invalid", "=ZZ invalid"}, // invalid escape stays
		{"=3", "=3"},                   // truncated escape stays
		{"a = b", "a = b"},             // lone equals stays
		{"end=", "end"},                // soft break at EOF
		{"50% off =\n", "50% off "},
		{"=E2=82=AC 5", "€ 5"},
		{"line1\r\nline2", "line1\r\nline2"},
		{"", ""},
	}
	for _, tt := range tests {
		got := decodeTransfer(encQuotedPrintable, []byte(tt.in))
		if string(got) != tt.want {
			t.Errorf("qp %q = %q, want %q", tt.in, got, tt.want)
		}
		if n := decodedSize(encQuotedPrintable, []byte(tt.in)); n != int64(len(tt.want)) {
			t.Errorf("decodedSize(qp %q) = %d, want %d", tt.in, n, len(tt.want))
		}
	}
}

func TestDecodeIdentity(t *testing.T) {
	body := []byte("as is\r\n")
	if got := decodeTransfer(encIdentity, body); &got[0] != &body[0] {
		t.Error("identity decoding copied the body")
	}
	if got := decodeTransfer(encUnknown, body); string(got) != "as is\r\n" {
		t.Errorf("unknown encoding = %q", got)
	}
	if n := decodedSize(encIdentity, body); n != 7 {
		t.Errorf("decodedSize = %d", n)
	}
}

// TestStreamingMatchesWhole checks the streaming readers used to size
// attachments against whole-buffer decoding and the standard library, across
// chunk boundaries and with small reads.
func TestStreamingMatchesWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 40; i++ {
		data := make([]byte, rng.IntN(3*chunkSize))
		for j := range data {
			data[j] = byte(rng.IntN(256))
		}
		// base64, wrapped at 76 like mailers do, and as one long line.
		enc := base64.StdEncoding.EncodeToString(data)
		wrapped := wrap(enc, 76)
		for _, src := range []string{enc, wrapped} {
			if got := decodeTransfer(encBase64, []byte(src)); !bytes.Equal(got, data) {
				t.Fatalf("base64 round trip of %d bytes failed", len(data))
			}
			if got := readSmall(&base64Reader{src: []byte(src)}); !bytes.Equal(got, data) {
				t.Fatalf("streaming base64 of %d bytes differs", len(data))
			}
			if n := decodedSize(encBase64, []byte(src)); n != int64(len(data)) {
				t.Fatalf("decodedSize base64 = %d, want %d", n, len(data))
			}
		}
		// quoted-printable from the standard library's writer.
		var qp bytes.Buffer
		w := quotedprintable.NewWriter(&qp)
		w.Binary = true
		_, _ = w.Write(data)
		_ = w.Close()
		if got := decodeTransfer(encQuotedPrintable, qp.Bytes()); !bytes.Equal(got, data) {
			t.Fatalf("qp round trip of %d bytes failed", len(data))
		}
		if got := readSmall(&qpReader{src: qp.Bytes()}); !bytes.Equal(got, data) {
			t.Fatalf("streaming qp of %d bytes differs", len(data))
		}
	}
	// Very long QP lines without breaks, escapes and blanks across chunk ends.
	var b strings.Builder
	for b.Len() < 3*chunkSize {
		b.WriteString("abc=3D   x=C3=A9 ")
	}
	long := []byte(b.String())
	whole := decodeTransfer(encQuotedPrintable, long)
	if got := readSmall(&qpReader{src: long}); !bytes.Equal(got, whole) {
		t.Fatalf("streaming qp of one long line differs")
	}
	if n := decodedSize(encQuotedPrintable, long); n != int64(len(whole)) {
		t.Fatalf("decodedSize qp = %d, want %d", n, len(whole))
	}
}

func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteString("\r\n")
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

// readSmall reads r with odd-sized small buffers.
func readSmall(r io.Reader) []byte {
	var out []byte
	buf := make([]byte, 7)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out
		}
	}
}
