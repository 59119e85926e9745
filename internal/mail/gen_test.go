package mail

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generators for messages too large to commit to testdata.

// genAttachmentMessage builds a multipart/mixed message with a short text part
// and attachments of the given decoded sizes, base64-encoded in 76-column
// lines like real mailers produce.
func genAttachmentMessage(sizes ...int) []byte {
	var b strings.Builder
	b.WriteString("From: Ops <ops@example.com>\r\nTo: ai+alice@besunny.ai\r\nSubject: Large attachments\r\n" +
		"Date: Mon, 1 Jul 2024 10:00:00 +0000\r\nMessage-ID: <large@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"LARGE\"\r\n\r\n" +
		"--LARGE\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe dumps are attached.\r\n")
	rng := rand.New(rand.NewPCG(7, 7))
	for i, size := range sizes {
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		fmt.Fprintf(&b, "--LARGE\r\nContent-Type: application/octet-stream; name=\"dump%d.bin\"\r\n"+
			"Content-Disposition: attachment; filename=\"dump%d.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", i, i)
		enc := base64.StdEncoding.EncodeToString(data)
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc)
		b.WriteString("\r\n")
	}
	b.WriteString("--LARGE--\r\n")
	return []byte(b.String())
}

// genHTMLMessage builds a multipart/alternative newsletter of about size
// bytes: a plain part and a quoted-printable HTML part with tables, links
// (some to Drive) and inline styles, the shape of real marketing mail.
func genHTMLMessage(size int) []byte {
	var html, plain strings.Builder
	html.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Newsletter</title>" +
		"<style>td{font-family:Arial;color:#333}.btn{background:#f60}</style></head><body><table width=\"100%\">")
	for i := 0; html.Len() < size*2/3; i++ {
		fmt.Fprintf(&html, "<tr><td style=\"padding:8px;font-size:14px\"><h2>Story %d: caf\u00e9 news &amp; more</h2>"+
			"<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "+
			"et dolore magna aliqua. Read <a href=\"https://news.example.com/story/%d?utm_source=mail&amp;utm_medium=email\">the full story</a> "+
			"or open <a href=\"https://docs.google.com/document/d/1StoryDoc%08dabcdefghijklmnop/edit\">the doc</a>.</p></td></tr>\n", i, i, i)
		fmt.Fprintf(&plain, "Story %d: caf\u00e9 news & more\n\nLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "+
			"eiusmod tempor incididunt ut labore et dolore magna aliqua.\nhttps://news.example.com/story/%d\n\n", i, i)
	}
	html.WriteString("</table></body></html>")
	var b strings.Builder
	b.WriteString("From: Newsletter <news@example.com>\r\nTo: ai+bob@besunny.ai\r\nSubject: Weekly newsletter\r\n" +
		"Date: Mon, 1 Jul 2024 10:00:00 +0000\r\nMessage-ID: <news@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n" +
		"--ALT\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(plain.String(), "\n", "\r\n"))
	b.WriteString("\r\n--ALT\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.WriteString(qpEncode(html.String()))
	b.WriteString("\r\n--ALT--\r\n")
	return []byte(b.String())
}

// qpEncode is a small quoted-printable encoder for generated test input.
func qpEncode(s string) string {
	var b strings.Builder
	col := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var tok string
		switch {
		case c == '\n':
			b.WriteString("\r\n")
			col = 0
			continue
		case c == '=' || c >= 0x7f || c < ' ':
			tok = fmt.Sprintf("=%02X", c)
		default:
			tok = string(c)
		}
		if col+len(tok) > 75 {
			b.WriteString("=\r\n")
			col = 0
		}
		b.WriteString(tok)
		col += len(tok)
	}
	return b.String()
}
