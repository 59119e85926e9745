package mail

import (
	"strings"
	"testing"
	"time"
)

// TestPathologicalInputsStayFast feeds inputs shaped to trigger quadratic
// behaviour in a naive parser. Each is a few hundred kilobytes to megabytes;
// linear code handles them in milliseconds, quadratic code in minutes.
func TestPathologicalInputsStayFast(t *testing.T) {
	const n = 200000
	tests := []struct {
		name string
		run  func()
	}{
		{"encoded-word openers without end", func() { decodeWords(strings.Repeat("=?a?q?x", n)) }},
		{"encoded-word charset without ?", func() { decodeWords(strings.Repeat("=?aaaaaaaaaa", n)) }},
		{"drive open links without id", func() { FindDriveLinks(strings.Repeat("drive.google.com/open?x", n)) }},
		{"drive hosts without path", func() { FindDriveLinks(strings.Repeat("https://docs.google.com/", n)) }},
		{"dots", func() { FindDriveLinks(strings.Repeat(".", 5*n)) }},
		{"garbage header lines", func() {
			// Broken folding: the lines are appended to From.
			_, _ = Parse([]byte("From: a@example.com\r\n"+strings.Repeat("garbage line\r\n", n)+"To: b@example.com\r\n\r\nbody"), DefaultLimits)
		}},
		{"false boundaries", func() {
			parseOK(t, "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+strings.Repeat("--bx\r\n x--b\r\n", n)+"--b--\r\n")
		}},
		{"many parts", func() {
			parseOK(t, "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+strings.Repeat("--b\r\n\r\nx\r\n", n)+"--b--\r\n")
		}},
		{"many boundary-like lines to sniff", func() {
			parseOK(t, "From: a@example.com\r\nContent-Type: multipart/mixed\r\n\r\n"+strings.Repeat("--x\r\nnot a header\r\n", n))
		}},
		{"unclosed links", func() {
			parseOK(t, "From: a@example.com\r\nContent-Type: text/html\r\n\r\n"+strings.Repeat(`<a href="https://e.example/x">t `, n/4))
		}},
		{"long address list", func() {
			parseOK(t, "From: a@example.com\r\nTo: "+strings.Repeat("ai+alice@besunny.ai, ", n/4)+"\r\n\r\nbody")
		}},
		{"broken address list", func() {
			parseOK(t, "From: a@example.com\r\nTo: "+strings.Repeat(`"x <y@z, `, n/4)+"\r\n\r\nbody")
		}},
		{"many parameters", func() {
			parseOK(t, "From: a@example.com\r\nContent-Type: text/plain"+strings.Repeat("; a*1*=x", n/4)+"\r\n\r\nbody")
		}},
		{"folded header", func() {
			parseOK(t, "From: a@example.com\r\nSubject: x"+strings.Repeat("\r\n y", n)+"\r\n\r\nbody")
		}},
		{"deep rfc822", func() {
			parseOK(t, "From: a@example.com\r\n"+strings.Repeat("Content-Type: message/rfc822\r\n\r\n", n)+"x")
		}},
		{"long line qp", func() {
			parseOK(t, "From: a@example.com\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+strings.Repeat("=4", n)+strings.Repeat(" ", n)+"x")
		}},
	}
	for _, tt := range tests {
		start := time.Now()
		tt.run()
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", tt.name, d)
		}
	}
}

func parseOK(t *testing.T, raw string) {
	t.Helper()
	if _, err := Parse([]byte(raw), DefaultLimits); err != nil {
		t.Errorf("Parse: %v", err)
	}
}
