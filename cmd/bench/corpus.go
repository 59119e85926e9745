package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/besunny/workflows/internal/mail"
)

// corpus makes the benchmark's messages: a fixed cycle of kinds with
// realistic sizes and MIME structures — plain notes, multipart/alternative
// HTML, attachments of a few hundred KB, forwarded mail — adapted from
// testdata/demo and testdata/mail (readdressed to ai+demo@besunny.ai) or
// generated. Every message is addressed to the user demo, so every one goes
// through the whole pipeline (fetch, parse, resolve, store, classify,
// record), and the ceiling can mirror its steps exactly.
type corpus struct {
	cycle []kind
}

// kind is one entry of the cycle.
type kind struct {
	name string
	// make returns message i of this kind.
	make func(i int) []byte
	// locals is how many local activities ProcessEmailWorkflow runs for it:
	// parse, resolve, store, record, plus one when it links Drive files.
	locals int
}

// sizes of the generated attachments (before base64).
const (
	pdfBytes   = 220 << 10
	imageBytes = 110 << 10
)

func newCorpus(root string) (*corpus, error) {
	file := func(rel string) (func(int) []byte, error) {
		raw, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return nil, err
		}
		raw = demoRecipient.ReplaceAll(raw, []byte(demoAddress))
		return func(i int) []byte { return withMessageID(raw, messageID("file", i)) }, nil
	}
	pdf := attachment("application/pdf", "drawings-rev%d.pdf", pdfBytes, 1)
	img := attachment("image/jpeg", "site-photo-%d.jpg", imageBytes, 2)
	gen := map[string]func(int) []byte{
		"plain": plainNote,
		"html":  htmlNote,
		"pdf":   pdf,
		"image": img,
	}
	// The demo messages, whatever they are called (others edit them).
	demo, err := filepath.Glob(filepath.Join(root, "testdata", "demo", "*.eml"))
	if err != nil || len(demo) < 3 {
		return nil, fmt.Errorf("testdata/demo should hold at least 3 .eml files")
	}
	sort.Strings(demo)
	for i := range demo {
		demo[i], _ = filepath.Rel(root, demo[i])
	}
	// 20 kinds: 5 plain, 4 HTML, 2 with a PDF, 1 with a photo, 3 demo
	// messages and 5 from the parser's corpus.
	names := []string{
		"plain", "html", demo[0], "plain", "pdf",
		"html", "testdata/mail/outlook_windows1252_alternative.eml", "plain", "testdata/mail/forwarded_rfc822.eml", "html",
		demo[1], "plain", "image", "html", "testdata/mail/signature_quoted_reply.eml",
		"plain", "pdf", demo[2], "testdata/mail/attachments_various.eml", "testdata/mail/alternative_plain_html.eml",
	}
	c := &corpus{}
	for _, name := range names {
		mk := gen[name]
		if mk == nil {
			var err error
			if mk, err = file(name); err != nil {
				return nil, err
			}
		}
		k := kind{name: strings.TrimSuffix(filepath.Base(name), ".eml"), make: mk}
		links, err := check(mk(0))
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", name, err)
		}
		k.locals = 4
		if links {
			k.locals++
		}
		c.cycle = append(c.cycle, k)
	}
	return c, nil
}

// message returns backlog message i.
func (c *corpus) message(i int) (kind, []byte) {
	k := c.cycle[i%len(c.cycle)]
	return k, k.make(i)
}

// shapes lists the local activities per message of the cycle, for the
// ceiling.
func (c *corpus) shapes() []int {
	out := make([]int, len(c.cycle))
	for i, k := range c.cycle {
		out[i] = k.locals
	}
	return out
}

// trickle returns trickle message n: a short HTML note, as most live mail is.
func (c *corpus) trickle(n int) []byte {
	return withMessageID(htmlNote(1_000_000+n), messageID("trickle", n))
}

// check parses raw as the worker will, and makes sure it becomes a document
// for demo; it reports whether it links Drive files.
func check(raw []byte) (driveLinks bool, err error) {
	msg, err := mail.Parse(raw, mail.DefaultLimits)
	if err != nil {
		return false, err
	}
	if r := (mail.IgnorePolicy{InboundMailbox: mailbox}).Reason(msg); r != "" {
		return false, fmt.Errorf("would be ignored: %s", r)
	}
	users := (mail.RecipientRules{LocalPart: "ai", Domains: []string{"besunny.ai"}}).Usernames(msg)
	if !slices.Contains(users, "demo") {
		return false, fmt.Errorf("not addressed to demo (%v)", users)
	}
	return len(msg.DriveLinks) > 0, nil
}

var demoRecipient = regexp.MustCompile(`(?i)ai\+[a-z0-9]+@besunny\.ai`)

func messageID(kind string, i int) string {
	return fmt.Sprintf("<bench-%s-%d@besunny-bench.example>", kind, i)
}

// withMessageID replaces (or adds) the Message-ID header, so every copy of
// a file is a distinct message, keeping the file's line endings.
func withMessageID(raw []byte, id string) []byte {
	eol := "\n"
	if bytes.Contains(raw, []byte("\r\n")) {
		eol = "\r\n"
	}
	end := bytes.Index(raw, []byte(eol+eol))
	if end < 0 {
		end = len(raw)
	}
	head := raw[:end]
	var out bytes.Buffer
	out.Grow(len(raw) + len(id))
	for i := 0; i < len(head); {
		line := head[i:]
		if j := bytes.Index(line, []byte(eol)); j >= 0 {
			line = line[:j+len(eol)]
		}
		if i == 0 || head[i-len(eol)] == '\n' {
			if bytes.HasPrefix(bytes.ToLower(line), []byte("message-id:")) {
				out.WriteString("Message-ID: " + id + eol)
				out.Write(raw[i+len(line):])
				return out.Bytes()
			}
		}
		out.Write(line)
		i += len(line)
	}
	return append([]byte("Message-ID: "+id+eol), raw...)
}

// --- generated messages ---

var senders = []string{
	"Maya Lindqvist <maya@northwind-architects.example>",
	"Tom Reyes <tom@northwind-architects.example>",
	"Lena Brandt <lena@brandt-eng.example>",
	"Sofia Marchetti <sofia@crumbandco.example>",
	"Jonas Berg <jonas@riverside-physio.example>",
	"Newsletter <news@industry-weekly.example>",
	"Priya Natarajan <priya@northwind.example>",
}

// sentences are topical, so the local classifier has something to decide.
var sentences = [][]string{
	{
		"The structural survey of the Harbor Library is booked with Brandt Engineering for Thursday.",
		"Roof insulation for the reading room needs the revised U-values before we order.",
		"The children's corner layout moves to the ground floor, next to the west entrance.",
		"Asbestos check in the east stair core: the lab results are due next week.",
		"Budget for phase 1 of the Harbor Library renovation stays within the EUR 1.2M ceiling.",
	},
	{
		"The Crumb & Co checkout now supports delivery slots on Saturdays.",
		"Product pages for the sourdough range need new photos and allergen tables.",
		"Newsletter sign-up converts at 3.1 % since the new bakery homepage went live.",
		"Please review the online shop wireframes before the branding workshop.",
	},
	{
		"The Riverside clinic treatment rooms need a second ventilation review.",
		"Reception desk height must meet the accessibility guideline for wheelchair users.",
		"Medical gas outlets in rooms 3 and 4 are moved to the opposite wall.",
		"The fit-out schedule for the Riverside clinic slips by one week because of the flooring.",
	},
	{
		"Lunch is on Friday at noon, everyone welcome.",
		"The printer on the second floor is out of toner again.",
		"Reminder: timesheets are due at the end of the month.",
		"Here are the slides from yesterday's all-hands meeting.",
	},
}

var subjects = []string{
	"Harbor Library - site notes", "Crumb & Co shop update", "Riverside clinic fit-out: open points",
	"Weekly update", "Re: drawings", "Minutes of today's meeting", "Quick question",
}

// text writes n sentences mostly about one topic, seeded by i.
func text(i, n int) []string {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	topic := sentences[i%len(sentences)]
	out := make([]string, n)
	for j := range out {
		pool := topic
		if r.IntN(5) == 0 {
			pool = sentences[r.IntN(len(sentences))]
		}
		out[j] = pool[r.IntN(len(pool))]
	}
	return out
}

func headers(b *bytes.Buffer, i int, contentType string) {
	fmt.Fprintf(b, "From: %s\r\nTo: \"BeSunny\" <%s>\r\nSubject: %s #%d\r\n", senders[i%len(senders)], demoAddress, subjects[i%len(subjects)], i)
	fmt.Fprintf(b, "Date: Mon, %d Nov 2026 %02d:%02d:00 +0100\r\n", 1+i%28, i/60%24, i%60)
	fmt.Fprintf(b, "Message-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n", messageID("gen", i), contentType)
}

func paragraphs(lines []string, per int) [][]string {
	var out [][]string
	for len(lines) > 0 {
		n := min(per, len(lines))
		out = append(out, lines[:n])
		lines = lines[n:]
	}
	return out
}

// plainNote is a text/plain message of 1-4 KB.
func plainNote(i int) []byte {
	var b bytes.Buffer
	headers(&b, i, "text/plain; charset=utf-8")
	b.WriteString("Hi all,\r\n\r\n")
	for _, p := range paragraphs(text(i, 10+i%30), 4) {
		b.WriteString(strings.Join(p, " ") + "\r\n\r\n")
	}
	b.WriteString("Best,\r\n" + strings.Fields(senders[i%len(senders)])[0] + "\r\n")
	return b.Bytes()
}

// htmlNote is multipart/alternative (text and styled HTML) of 5-20 KB, the
// shape of most mail clients' output.
func htmlNote(i int) []byte {
	var b bytes.Buffer
	boundary := fmt.Sprintf("alt-%08x", i)
	headers(&b, i, `multipart/alternative; boundary="`+boundary+`"`)
	paras := paragraphs(text(i, 20+i%40), 3)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", boundary)
	for _, p := range paras {
		b.WriteString(strings.Join(p, " ") + "\r\n\r\n")
	}
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n", boundary)
	b.WriteString(`<html><head><style>p{font-family:Arial,sans-serif;font-size:14px;color:#222}td{padding:4px 8px;border:1px solid #ddd}</style></head><body><div dir="ltr">` + "\r\n")
	for _, p := range paras {
		fmt.Fprintf(&b, "<p style=\"margin:0 0 12px 0\">%s</p>\r\n", strings.Join(p, "<br>"))
	}
	b.WriteString("<table><tr><td>Item</td><td>Owner</td><td>Due</td></tr>\r\n")
	for j := range 5 + i%10 {
		fmt.Fprintf(&b, "<tr><td>Action %d</td><td>%s</td><td>2026-12-%02d</td></tr>\r\n", j+1, strings.Fields(senders[(i+j)%len(senders)])[0], 1+j)
	}
	b.WriteString("</table></div></body></html>\r\n")
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

// attachment returns a maker of multipart/mixed messages with a short body
// and one binary attachment of about size bytes (base64 in the message).
func attachment(mimeType, filename string, size int, seed uint64) func(int) []byte {
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(seed, seed))
	for j := range data {
		data[j] = byte(r.Uint32())
	}
	encoded := wrap76(data)
	return func(i int) []byte {
		var b bytes.Buffer
		b.Grow(len(encoded) + 4096)
		boundary := fmt.Sprintf("mix-%08x", i)
		headers(&b, i, `multipart/mixed; boundary="`+boundary+`"`)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", boundary)
		b.WriteString("Please find the file attached.\r\n\r\n" + strings.Join(text(i, 6), " ") + "\r\n")
		name := fmt.Sprintf(filename, i)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary, mimeType, name, name)
		b.Write(encoded)
		fmt.Fprintf(&b, "--%s--\r\n", boundary)
		return b.Bytes()
	}
}

func wrap76(data []byte) []byte {
	s := base64.StdEncoding.EncodeToString(data)
	var out bytes.Buffer
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s + "\r\n")
	return out.Bytes()
}
