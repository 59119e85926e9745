package mail

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseNotMail(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	tests := map[string]string{
		"empty":      "",
		"blank":      " \r\n\r\n\t\n",
		"pdf":        "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
		"json":       `{"from": "alice@example.com", "subject": "hi"}`,
		"json array": "[\n{\"To\": \"x\"}\n]",
		"binary":     string(junk),
		"nuls":       "\x00\x00\x00\x00",
		"zip":        "PK\x03\x04\x14\x00\x00\x00\x08\x00",
		"png":        "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"xml":        "<?xml version=\"1.0\"?>\n<mail><from>x</from></mail>\n",
		"html":       "<html><body>From: someone</body></html>",
		"plain text": "Dear team,\n\nplease find the notes below.\n",
		"csv":        "name,email\nalice,alice@example.com\n",
		"http":       "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello",
		"yaml-ish":   "title: notes\nauthor: me\n\nbody\n",
		"only body":  "\r\n\r\nFrom: x@example.com\r\n", // blank lines skipped, but then... a header
	}
	for name, in := range tests {
		m, err := Parse([]byte(in), DefaultLimits)
		if name == "only body" {
			// Leading blank lines are skipped: this one is mail.
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if ReasonOf(err) != ReasonUnparseable || m != nil {
			t.Errorf("%s: Parse = %v, %v; want ReasonUnparseable", name, m, err)
		}
	}
}

func TestParseTooLarge(t *testing.T) {
	raw := []byte("From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n")
	_, err := Parse(raw, Limits{MaxBytes: 10})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Reason != ReasonTooLarge {
		t.Fatalf("Parse over the limit: %v", err)
	}
	if _, err := Parse(raw, Limits{MaxBytes: int64(len(raw))}); err != nil {
		t.Errorf("Parse at the limit: %v", err)
	}
	if _, err := Parse(raw, Limits{}); err != nil {
		t.Errorf("Parse without a limit: %v", err)
	}
	// The default limit, with a generated 26 MiB message.
	big := genAttachmentMessage(20 << 20)
	if _, err := Parse(big, DefaultLimits); ReasonOf(err) != ReasonTooLarge {
		t.Errorf("20 MiB attachment (%d bytes raw): %v, want too_large", len(big), err)
	}
}

func TestParseLargeAttachmentBoundedMemory(t *testing.T) {
	raw := genAttachmentMessage(5<<20, 2<<20, 123457)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := Parse(raw, DefaultLimits)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 {
		t.Errorf("Parse of %d bytes allocated %d bytes; attachment bodies must be counted, not kept", len(raw), allocated)
	}
	want := []int64{5 << 20, 2 << 20, 123457}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i, a := range m.Attachments {
		if a.Size != want[i] || a.MediaType != "application/octet-stream" || a.Inline {
			t.Errorf("attachment %d = %+v, want size %d", i, a, want[i])
		}
	}
	if m.Text != "The dumps are attached." {
		t.Errorf("Text = %q", m.Text)
	}
}

func TestParseDoesNotKeepRaw(t *testing.T) {
	raw := []byte("Delivered-To: ai+alice@besunny.ai\r\nFrom: Dana <dana@example.com>\r\nSubject: Keep me\r\n" +
		"Message-ID: <id@example.com>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nbody text\r\n--b\r\nContent-Type: image/png; name=a.png\r\n" +
		"Content-ID: <cid@x>\r\n\r\nPNG\r\n--b--\r\n")
	m, err := Parse(raw, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		raw[i] = 'X'
	}
	if m.Subject != "Keep me" || m.Text != "body text" || m.From.Address != "dana@example.com" ||
		m.DeliveredTo[0] != "ai+alice@besunny.ai" || m.MessageID != "id@example.com" ||
		m.Attachments[0].Filename != "a.png" || m.Attachments[0].ContentID != "cid@x" {
		t.Errorf("Message changed with raw: %+v", m)
	}
}

func TestParseAlternatives(t *testing.T) {
	alt := func(parts ...string) string {
		s := "From: a@example.com\r\nSubject: s\r\nContent-Type: multipart/alternative; boundary=ALT\r\n\r\n"
		for _, p := range parts {
			s += "--ALT\r\n" + p + "\r\n"
		}
		return s + "--ALT--\r\n"
	}
	tests := []struct {
		name, raw, want string
	}{
		{"plain preferred", alt("Content-Type: text/plain\r\n\r\nplain version", "Content-Type: text/html\r\n\r\n<p>html version</p>"), "plain version"},
		{"plain preferred even last", alt("Content-Type: text/html\r\n\r\n<p>html version</p>", "Content-Type: text/plain\r\n\r\nplain version"), "plain version"},
		{"empty plain falls back", alt("Content-Type: text/plain\r\n\r\n  \r\n", "Content-Type: text/html\r\n\r\n<p>html version</p>"), "html version"},
		{"html only", alt("Content-Type: text/html\r\n\r\n<p>html version</p>"), "html version"},
		{"related html", alt("Content-Type: text/plain\r\n\r\n", "Content-Type: multipart/related; boundary=REL\r\n\r\n--REL\r\nContent-Type: text/html\r\n\r\n<b>rich</b>\r\n--REL\r\nContent-Type: image/gif\r\nContent-ID: <g>\r\n\r\nGIF\r\n--REL--"), "rich"},
		{"unknown alternatives ignored", alt("Content-Type: text/x-amp-html\r\n\r\n<amp>", "Content-Type: text/plain\r\n\r\nplain"), "plain"},
		{"no text at all", alt("Content-Type: image/png\r\n\r\nPNG"), ""},
	}
	for _, tt := range tests {
		m, err := Parse([]byte(tt.raw), DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if m.Text != tt.want {
			t.Errorf("%s: Text = %q, want %q", tt.name, m.Text, tt.want)
		}
	}
}

func TestParseDepth(t *testing.T) {
	inner := "Content-Type: text/plain\r\n\r\ninnermost"
	for i := 0; i < 5; i++ {
		inner = "Content-Type: multipart/mixed; boundary=L" + string(rune('a'+i)) + "\r\n\r\n--L" + string(rune('a'+i)) + "\r\n" + inner + "\r\n--L" + string(rune('a'+i)) + "--"
	}
	raw := "From: a@example.com\r\nSubject: s\r\n" + inner + "\r\n"
	for _, tt := range []struct {
		depth int
		want  string
		warn  bool
	}{{0, "innermost", false}, {5, "innermost", false}, {4, "", true}, {1, "", true}} {
		m, err := Parse([]byte(raw), Limits{MaxDepth: tt.depth})
		if err != nil {
			t.Fatal(err)
		}
		warned := strings.Contains(strings.Join(m.Warnings, "\n"), "nesting deeper")
		if m.Text != tt.want || warned != tt.warn {
			t.Errorf("MaxDepth %d: Text = %q, warned %v; want %q, %v", tt.depth, m.Text, warned, tt.want, tt.warn)
		}
	}
	// A message nested far deeper than any limit must not exhaust the stack.
	deep := strings.Repeat("Content-Type: message/rfc822\r\n\r\n", 100000) + "Content-Type: text/plain\r\n\r\nx"
	if _, err := Parse([]byte("From: a@example.com\r\n"+deep), Limits{MaxDepth: 1000}); err != nil {
		t.Fatal(err)
	}
}

func TestParseHeaders(t *testing.T) {
	raw := "Received: from x by y; Mon, 1 Jul 2024 10:00:00 +0000\r\n" +
		"From : Obsolete Space <obs@example.com>\r\n" +
		"Subject: first\r\n  part\r\n\tsecond part\r\n" +
		"Date: Mon, 1 Jul 2024 12:00:00 +0200 (CEST)\r\n" +
		"Message-ID: garbage <real@example.com> trailing\r\n" +
		"Auto-Submitted: No\r\n" +
		"Precedence: BULK\r\n" +
		"Content-Type: text/plain; charset=\"utf-8\"; format=flowed\r\n" +
		"\r\nbody\r\n"
	m, err := Parse([]byte(raw), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if m.From.Address != "obs@example.com" || m.Subject != "first part second part" ||
		!m.Date.Equal(time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC)) || m.MessageID != "real@example.com" ||
		m.AutoSubmitted != "no" || m.Precedence != "bulk" || m.ContentType != "text/plain" {
		t.Errorf("headers parsed as %+v", m)
	}
}

func TestParseDates(t *testing.T) {
	tests := map[string]string{
		"Mon, 1 Jul 2024 12:00:00 +0200":          "2024-07-01T10:00:00Z",
		"1 Jul 2024 12:00:00 +0200":               "2024-07-01T10:00:00Z",
		"Mon, 01 Jul 2024 12:00:00 GMT":           "2024-07-01T12:00:00Z",
		"Mon, 1 Jul 2024 12:00 +0200":             "2024-07-01T10:00:00Z",
		"Mon, 1 Jul 2024 12:00:00 +0200 (CEST)":   "2024-07-01T10:00:00Z",
		"Monday, 1 Jul 2024 12:00:00 +0200":       "2024-07-01T10:00:00Z",
		"2024-07-01T12:00:00+02:00":               "2024-07-01T10:00:00Z",
		"Mon Jul  1 12:00:00 2024":                "2024-07-01T12:00:00Z",
		"Mon, 1 Jul 2024 12:00:00 +0200,":         "2024-07-01T10:00:00Z",
		"not a date":                              "",
		"Mon, 1 Jan 0000 00:00:00 +0100":          "", // year 0 in UTC
		"Fri, 31 Dec 9999 23:00:00 -0200":         "", // year 10000 in UTC
		"Fri, 31 Dec 9999 23:00:00 +0000":         "9999-12-31T23:00:00Z",
		"Mon, 1 Jul 2024 12:00:00 +0200 garbage!": "2024-07-01T10:00:00Z", // net/mail ignores the rest
	}
	for in, want := range tests {
		raw := "From: a@example.com\r\nDate: " + in + "\r\n\r\nx"
		m, err := Parse([]byte(raw), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if !m.Date.IsZero() {
			got = m.Date.Format(time.RFC3339)
		}
		if got != want {
			t.Errorf("Date %q = %q, want %q", in, got, want)
		}
	}
}

func TestParseAttachmentsAndParts(t *testing.T) {
	raw := "From: a@example.com\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n" +
		"--M\r\n\r\nno header part\r\n" +
		"--M\r\nContent-Type: text/plain; name=\"inline-note.txt\"\r\n\r\ninline text with a name\r\n" +
		"--M\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=notes.txt\r\n\r\nattached text\r\n" +
		"--M\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n" +
		"--M\r\nContent-Type: application/pdf; name*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n\r\n%PDF\r\n" +
		"--M\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"C:\\\\tmp\\\\a.bin\"\r\n\r\nAB\r\n" +
		"--M\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html part in mixed</p>\r\n" +
		"--M--\r\nepilogue is ignored\r\n"
	m, err := Parse([]byte(raw), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []Attachment{
		{Filename: "notes.txt", MediaType: "text/plain", Size: 13},
		{MediaType: "image/png", Size: 8, Inline: true},
		{Filename: "résumé.pdf", MediaType: "application/pdf", Size: 4},
		{Filename: "a.bin", MediaType: "application/octet-stream", Size: 2},
	}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i := range want {
		if m.Attachments[i] != want[i] {
			t.Errorf("attachment %d = %+v, want %+v", i, m.Attachments[i], want[i])
		}
	}
	wantText := "no header part\n\ninline text with a name\n\nhtml part in mixed"
	if m.Text != wantText {
		t.Errorf("Text = %q, want %q", m.Text, wantText)
	}
}

func TestParseBrokenMultipart(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"boundary never used", "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=nope\r\n\r\njust text\r\n", "just text"},
		{"boundary prefix is not a delimiter", "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nkeep --bb line\r\n--bb\r\nstill text\r\n--b--\r\n", "keep --bb line\n--bb\nstill text"},
		{"delimiter with transport padding", "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b   \r\n\r\npadded\r\n--b--  \r\n", "padded"},
		{"invalid content type", "From: a@example.com\r\nContent-Type: text\r\n\r\nplain anyway\r\n", "plain anyway"},
		{"multipart base64-encoded", "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: base64\r\n\r\nLS1iDQoNCmVuY29kZWQgbXVsdGlwYXJ0DQotLWItLQ0K\r\n", "encoded multipart"},
		{"part without header starting like a field", "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nNote: call Bob\r\n\r\nat noon\r\n--b--\r\n", "Note: call Bob\n\nat noon"},
		{"digest part without blank line", "From: a@example.com\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\nFrom: ruth@example.com\r\nSubject: Tomatoes\r\n\r\nThey split.\r\n--d--\r\n", "---------- Forwarded message ----------\nFrom: ruth@example.com\nSubject: Tomatoes\n\nThey split."},
		{"missing semicolon", "From: a@example.com\r\nContent-Type: text/plain charset=koi8-r\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4\r\n", "Привет"},
	}
	for _, tt := range tests {
		m, err := Parse([]byte(tt.raw), DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if m.Text != tt.want {
			t.Errorf("%s: Text = %q, want %q", tt.name, m.Text, tt.want)
		}
	}
}

func TestParseNeverLosesText(t *testing.T) {
	// Whatever the damage, the words of the body come through.
	bodies := []string{
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbroken =Z =\r\nwords=",
		"Content-Type: text/plain; charset=nonsense\r\nContent-Transfer-Encoding: 8bit\r\n\r\nbroken words",
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nYnJva2VuIHdvcmRz!!!",
		"Content-Type: text/html\r\n\r\n<p>broken <b>words",
		"Content-Type: text/plain\r\nContent-Transfer-Encoding: uuencode\r\n\r\nbroken words",
	}
	for _, b := range bodies {
		m, err := Parse([]byte("From: a@example.com\r\nSubject: s\r\n"+b), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, "broken") || !strings.Contains(m.Text, "words") {
			t.Errorf("Text %q lost words of %q", m.Text, b)
		}
	}
}

func TestParseCorpusTwiceIsStable(t *testing.T) {
	raw := genHTMLMessage(100 << 10)
	a, err := Parse(raw, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Parse(bytes.Clone(raw), DefaultLimits)
	if a.Text != b.Text || len(a.DriveLinks) != len(b.DriveLinks) {
		t.Error("Parse is not deterministic")
	}
	if len(a.DriveLinks) == 0 || !strings.Contains(a.Text, "Story 1: café news & more") {
		t.Errorf("generated newsletter parsed badly: %d links, text %.200q", len(a.DriveLinks), a.Text)
	}
}

func TestParseBrokenFolding(t *testing.T) {
	// Continuation lines that lost their indentation are joined, not lost.
	raw := "From: a@example.com\nSubject: Invoice\nfor March\nTo: x@example.com,\nai+bob@besunny.ai\nX Bad Name: dropped\n continuation of the bad line\nDate: Mon, 1 Jul 2024 12:00:00 +0200\n\nbody\n"
	m, err := Parse([]byte(raw), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Invoice for March" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if got := testRules.Usernames(m); len(got) != 1 || got[0] != "bob" {
		t.Errorf("Usernames = %q (To %+v)", got, m.To)
	}
	if m.Date.IsZero() || m.Text != "body" {
		t.Errorf("Date %v, Text %q", m.Date, m.Text)
	}
}
