// Command gen writes the classification evaluation set (projects.json and
// documents.jsonl) from hand-written fragments. It is deterministic: the same
// source always produces the same files.
//
//	go run ./testdata/classify/gen -out testdata/classify
//
// The fragments describe five users' worlds (an architecture firm, a software
// agency, a nonprofit, a private person and a freelance brand consultant).
// Each document is assembled from a project's fragments in one of several
// "mention modes" so that some documents name the project, some only carry a
// stakeholder or a reference code, and some carry neither. No-project
// documents (newsletters, other clients, private mail) come from noise specs
// that deliberately share vocabulary and senders with real projects.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Person is someone who writes or is mentioned in documents.
type Person struct {
	Name, Email, Role, Org, Phone, Web string
	Disclaimer                         bool // corporate footer under the signature
}

func (p Person) First() string { return strings.Fields(p.Name)[0] }

// Sheet is a spreadsheet exported as CSV text.
type Sheet struct {
	Title  string
	Header string
	Rows   []string
}

// Spec is a project (or, with Noise set, a source of no-project documents).
type Spec struct {
	ID          string
	Name        string
	Aliases     []string // how people refer to it when they name it
	Generic     []string // how people refer to it without naming it
	Code        string
	Description string
	Tags        []string
	Categories  []string
	RefKeywords []string
	Notes       string
	Locations   []string
	Domains     []string
	People      []Person // listed in the project's entity patterns
	External    []Person // write mail about it (may include People)
	Internal    []Person // owner's colleagues who work on it
	Subjects    []string
	Bodies      []string
	NoteItems   []string
	Talk        []string
	DocTitles   []string
	Sheet       *Sheet
	Attach      []string
	N           int
	Noise       bool
	// Kinds restricts the document kinds (noise specs: e.g. only "email").
	Kinds []string
	// Notices are complete messages whose sender and text belong together
	// (automated mail, newsletters, one-off personal notes).
	Notices     []Notice
	NoticeShare float64 // share of documents drawn from Notices when Bodies exist
	noticeOrder []int
	noticeNext  int
}

// Notice is a message whose sender, subject and body belong together. With
// Mail set it is wrapped in a greeting, sign-off and signature.
type Notice struct {
	From          Person
	Subject, Body string
	Mail          bool
}

// Owner is one BeSunny user and their world.
type Owner struct {
	ID       string
	Me       Person
	Team     []Person
	Projects []*Spec
	Noise    []*Spec
	// Generic are work fragments of the owner's world that name no project
	// ("can you send the latest drawings?"): in "sender" mode they are all a
	// document contains, so only the sender says which project it is about.
	Generic []string
	// Shared fragments that any of the owner's mails may contain.
	Chatter []string
}

var owners []*Owner

func register(o *Owner) { owners = append(owners, o) }

// ---- output formats ----

type jsonPerson struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
}

type jsonEntities struct {
	People       []jsonPerson `json:"people"`
	Locations    []string     `json:"locations"`
	Domains      []string     `json:"domains"`
	ProjectCodes []string     `json:"project_codes"`
}

type jsonExample struct {
	Title  string `json:"title"`
	Author string `json:"author"`
	Text   string `json:"text"`
	Manual bool   `json:"manual"`
}

type jsonProject struct {
	ID                string        `json:"id"`
	Name              string        `json:"name"`
	Description       string        `json:"description"`
	Tags              []string      `json:"tags"`
	Categories        []string      `json:"categories"`
	ReferenceKeywords []string      `json:"reference_keywords"`
	Notes             string        `json:"notes"`
	Entities          jsonEntities  `json:"entities"`
	Revision          string        `json:"revision"`
	Examples          []jsonExample `json:"examples"`
}

type jsonOwner struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Email    string        `json:"email"`
	Projects []jsonProject `json:"projects"`
}

type jsonDoc struct {
	ID          string   `json:"id"`
	Owner       string   `json:"owner"`
	Type        string   `json:"type"`
	Source      string   `json:"source"`
	Author      string   `json:"author"`
	Title       string   `json:"title"`
	Text        string   `json:"text"`
	Date        string   `json:"date"`
	Attachments []string `json:"attachments,omitempty"`
	Label       string   `json:"label"`
	// Mode says how the document refers to its project (for analysis only;
	// the classifier never sees it).
	Mode string `json:"mode"`
}

func main() {
	out := flag.String("out", "testdata/classify", "output directory")
	flag.Parse()

	var docs []jsonDoc
	var jowners []jsonOwner
	for oi, o := range owners {
		rng := rand.New(rand.NewPCG(uint64(1000+oi), 42))
		exRng := rand.New(rand.NewPCG(uint64(9000+oi), 7))
		jo := jsonOwner{ID: o.ID, Name: o.Me.Name, Email: o.Me.Email}
		for _, s := range o.Projects {
			jp := jsonProject{
				ID: s.ID, Name: s.Name, Description: s.Description,
				Tags: nz(s.Tags), Categories: nz(s.Categories), ReferenceKeywords: nz(s.RefKeywords),
				Notes: s.Notes, Revision: "r1",
				Entities: jsonEntities{Locations: nz(s.Locations), Domains: nz(s.Domains), People: []jsonPerson{}, ProjectCodes: []string{}},
			}
			if s.Code != "" {
				jp.Entities.ProjectCodes = []string{s.Code}
			}
			for _, p := range s.People {
				jp.Entities.People = append(jp.Entities.People, jsonPerson{Name: p.Name, Role: p.Role, Email: p.Email})
			}
			for i := 0; i < 3; i++ {
				g := &gen{rng: exRng, o: o, s: s, example: true}
				d := g.doc()
				jp.Examples = append(jp.Examples, jsonExample{Title: d.Title, Author: d.Author, Text: d.Text, Manual: i == 0})
			}
			jo.Projects = append(jo.Projects, jp)
		}
		jowners = append(jowners, jo)

		specs := append(append([]*Spec{}, o.Projects...), o.Noise...)
		var odocs []jsonDoc
		for _, s := range specs {
			for i := 0; i < s.N; i++ {
				g := &gen{rng: rng, o: o, s: s}
				d := g.doc()
				d.Owner = o.ID
				if !s.Noise {
					d.Label = s.ID
				}
				odocs = append(odocs, d)
			}
		}
		// Interleave the owner's documents by date, as a mailbox would.
		sort.SliceStable(odocs, func(i, j int) bool { return odocs[i].Date < odocs[j].Date })
		docs = append(docs, odocs...)
	}
	for i := range docs {
		docs[i].ID = fmt.Sprintf("d%04d", i+1)
	}

	pj, err := json.MarshalIndent(map[string]any{"owners": jowners}, "", "  ")
	check(err)
	check(os.WriteFile(filepath.Join(*out, "projects.json"), append(pj, '\n'), 0o644))
	f, err := os.Create(filepath.Join(*out, "documents.jsonl"))
	check(err)
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, d := range docs {
		check(enc.Encode(d))
	}
	check(f.Close())

	labelled := 0
	for _, d := range docs {
		if d.Label != "" {
			labelled++
		}
	}
	fmt.Printf("%d owners, %d documents (%d with a project, %d without)\n", len(owners), len(docs), labelled, len(docs)-labelled)
}

func nz(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// ---- document assembly ----

type gen struct {
	// example: the document is a pre-assigned project example. Examples use
	// every fourth fragment and documents the others, so that the evaluation
	// documents never repeat a sentence of an example.
	example bool
	rng     *rand.Rand
	o       *Owner
	s       *Spec
	mode    string // named, implicit, code, people
	date    time.Time
	ref     string // the project reference chosen for this document in named mode
}

func (g *gen) pick(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[g.rng.IntN(len(xs))]
}

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// allowed reports whether a fragment fits the document's mention mode.
func (g *gen) allowed(frag string) bool {
	if strings.Contains(frag, "{C}") && (g.s.Code == "" || (g.mode != "named" && g.mode != "code")) {
		return false
	}
	if strings.Contains(frag, "{NAME}") && g.mode != "named" {
		return false
	}
	return true
}

// pickFrag picks a fragment allowed in the current mode (distinct from used).
func (g *gen) pickFrag(xs []string, used map[string]bool) string {
	var ok []string
	split := len(xs) >= 4 && !g.s.Noise
	for i, x := range xs {
		if split && (i%4 == 3) != g.example {
			continue
		}
		if g.allowed(x) && !used[x] {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return ""
	}
	x := ok[g.rng.IntN(len(ok))]
	if used != nil {
		used[x] = true
	}
	return x
}

func (g *gen) projRef() string {
	switch g.mode {
	case "named":
		if g.ref == "" {
			if len(g.s.Aliases) > 0 && g.chance(0.5) {
				g.ref = g.pick(g.s.Aliases)
			} else {
				g.ref = g.s.Name
			}
		}
		return g.ref
	default:
		if len(g.s.Generic) == 0 {
			return "it"
		}
		return g.pick(g.s.Generic)
	}
}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

// fill expands placeholders:
//
//	{P} project reference (name/alias in named mode, generic otherwise)
//	{NAME} the project's name (fragment only used in named mode)
//	{C} project code, {X} an external stakeholder's first name, {I} a colleague's first name
//	{N} small number, {NN} larger number, {M} money amount, {D} a date, {DAY} weekday, {T} time
func (g *gen) fill(t string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			break
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			break
		}
		b.WriteString(t[:i])
		key := t[i+1 : i+j]
		t = t[i+j+1:]
		switch key {
		case "P":
			b.WriteString(g.projRef())
		case "NAME":
			b.WriteString(g.s.Name)
		case "C":
			b.WriteString(g.s.Code)
		case "X":
			if len(g.s.External) > 0 {
				b.WriteString(g.s.External[g.rng.IntN(len(g.s.External))].First())
			} else {
				b.WriteString("them")
			}
		case "I":
			team := g.s.Internal
			if len(team) == 0 {
				team = g.o.Team
			}
			b.WriteString(team[g.rng.IntN(len(team))].First())
		case "N":
			fmt.Fprintf(&b, "%d", 2+g.rng.IntN(18))
		case "NN":
			fmt.Fprintf(&b, "%d", 20+g.rng.IntN(380))
		case "M":
			fmt.Fprintf(&b, "%d,%03d", 1+g.rng.IntN(48), g.rng.IntN(20)*50)
		case "MR":
			fmt.Fprintf(&b, "%d%03d", 1+g.rng.IntN(48), g.rng.IntN(20)*50)
		case "D":
			d := g.date.AddDate(0, 0, 1+g.rng.IntN(20))
			b.WriteString(d.Format("Monday 2 January"))
		case "DAY":
			b.WriteString(weekdays[g.rng.IntN(len(weekdays))])
		case "T":
			fmt.Fprintf(&b, "%d:%02d", 9+g.rng.IntN(8), []int{0, 15, 30, 45}[g.rng.IntN(4)])
		default:
			b.WriteString("{" + key + "}")
		}
	}
	return b.String()
}

func (g *gen) chooseMode() {
	if g.s.Noise {
		g.mode = "implicit"
		return
	}
	r := g.rng.Float64()
	switch {
	case r < 0.08 && len(g.o.Generic) > 0 && len(g.s.External) > 0 && !g.example:
		g.mode = "sender"
	case r < 0.42:
		g.mode = "named"
	case r < 0.72:
		g.mode = "implicit"
	case r < 0.84 && g.s.Code != "":
		g.mode = "code"
	case r < 0.84:
		g.mode = "implicit"
	default:
		g.mode = "people"
	}
}

func (g *gen) doc() jsonDoc {
	g.chooseMode()
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	g.date = start.AddDate(0, 0, g.rng.IntN(290)).Add(time.Duration(7*60+g.rng.IntN(12*60)) * time.Minute)
	kinds := g.s.Kinds
	if len(kinds) == 0 {
		kinds = []string{"email", "email", "email", "email", "reply", "reply", "forward", "notes", "transcript", "doc", "doc"}
		if g.s.Sheet != nil {
			kinds = append(kinds, "sheet")
		}
	}
	kind := g.pick(kinds)
	if len(g.s.Notices) > 0 && (len(g.s.Bodies) == 0 || g.chance(g.s.NoticeShare)) {
		kind = "notice"
	}
	if (g.mode == "people" || g.mode == "sender") && kind != "email" && kind != "reply" {
		kind = "email" // a stakeholder-only document is a mail
	}
	var d jsonDoc
	switch kind {
	case "email":
		d = g.email(false)
	case "reply":
		d = g.email(true)
	case "forward":
		d = g.forward()
	case "notes":
		d = g.notes()
	case "transcript":
		d = g.transcript()
	case "doc":
		d = g.driveDoc()
	case "sheet":
		d = g.sheet()
	case "notice":
		d = g.notice()
	}
	d.Date = g.date.Format(time.RFC3339)
	d.Mode = g.mode
	if g.s.Noise {
		d.Mode = "none"
	}
	if g.mode == "code" && g.s.Code != "" && !strings.Contains(d.Title+d.Text, g.s.Code) {
		d.Title = "[" + g.s.Code + "] " + d.Title
	}
	return d
}

func addr(p Person) string { return p.Name + " <" + p.Email + ">" }

// sender picks who writes a mail: mostly external stakeholders, sometimes a
// colleague or the owner.
func (g *gen) sender() Person {
	if (g.s.Noise || g.mode == "sender") && len(g.s.External) > 0 {
		return g.s.External[g.rng.IntN(len(g.s.External))]
	}
	if len(g.s.External) > 0 && g.chance(0.65) {
		return g.s.External[g.rng.IntN(len(g.s.External))]
	}
	team := g.s.Internal
	if len(team) == 0 || g.chance(0.3) {
		team = append([]Person{g.o.Me}, g.o.Team...)
	}
	return team[g.rng.IntN(len(team))]
}

func (g *gen) recipientFirst(from Person) string {
	if from.Email != g.o.Me.Email {
		return g.o.Me.First()
	}
	if len(g.s.External) > 0 && g.chance(0.6) {
		return g.s.External[g.rng.IntN(len(g.s.External))].First()
	}
	return g.o.Team[g.rng.IntN(len(g.o.Team))].First()
}

var greetings = []string{"Hi %s,", "Hello %s,", "Dear %s,", "%s,", "Hi %s -", "Morning %s,", "Hey %s,"}
var signoffs = []string{"Thanks,", "Best,", "Kind regards,", "Cheers,", "Many thanks,", "Best regards,", "Thanks again,", "Speak soon,"}
var openers = []string{
	"Hope you had a good weekend.",
	"Sorry for the slow reply, it has been a hectic week.",
	"Following up on our call earlier.",
	"Quick one from me.",
	"Thanks for getting back to me so quickly.",
	"As promised, a short update.",
	"Apologies for the delay on this.",
	"Just picking this up again after the holidays.",
}
var closers = []string{
	"Let me know if you have any questions.",
	"Shout if anything is unclear.",
	"Happy to jump on a call if that is easier.",
	"Let me know what you think.",
	"Can you confirm by end of day {DAY}?",
	"I'll be in the office all week if you want to go through it.",
	"Speak on {DAY}.",
	"No rush on this, but a reply before {D} would help.",
}

var disclaimer = "This email and any attachments are confidential and intended solely for the addressee. If you have received it in error, please notify the sender and delete it. Views expressed are those of the author and not necessarily of the company."

func (g *gen) signature(p Person) string {
	var b strings.Builder
	b.WriteString("-- \n" + p.Name + "\n")
	if p.Role != "" && p.Org != "" {
		b.WriteString(p.Role + " | " + p.Org + "\n")
	} else if p.Role != "" {
		b.WriteString(p.Role + "\n")
	}
	if p.Phone != "" {
		b.WriteString("M: " + p.Phone + "\n")
	}
	if p.Web != "" {
		b.WriteString(p.Web + "\n")
	}
	if p.Disclaimer {
		b.WriteString("\n" + disclaimer + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (g *gen) body(n int, used map[string]bool) []string {
	var paras []string
	for i := 0; i < n; i++ {
		src := g.s.Bodies
		// "people" mode: mostly small talk and logistics, one project fragment at most.
		if g.mode == "people" && i > 0 && len(g.o.Chatter) > 0 {
			src = g.o.Chatter
		}
		// "sender" mode: nothing but generic work talk.
		if g.mode == "sender" {
			src = g.o.Generic
		}
		f := g.pickFrag(src, used)
		if f == "" {
			continue
		}
		paras = append(paras, g.fill(f))
	}
	if g.mode != "people" && g.mode != "sender" && len(g.o.Chatter) > 0 && g.chance(0.25) {
		paras = append(paras, g.fill(g.pick(g.o.Chatter)))
	}
	return paras
}

func (g *gen) subject(used map[string]bool) string {
	if g.mode == "sender" {
		return g.pick([]string{"Quick question", "Catch-up", "Following up", "Next week", "Call?", "Invoice", "Update"})
	}
	s := g.pickFrag(g.s.Subjects, used)
	if s == "" {
		s = g.pick([]string{"Quick question", "Update", "Following up", "Catch-up", "Re: next steps"})
	}
	return g.fill(s)
}

func (g *gen) attachments() []string {
	var out []string
	if len(g.s.Attach) > 0 && g.mode != "sender" && g.chance(0.35) {
		a := g.pickFrag(g.s.Attach, nil)
		if a != "" {
			out = append(out, g.fill(a))
		}
	}
	return out
}

func (g *gen) mail(from Person, used map[string]bool, nParas int) (string, Person) {
	paras := g.body(nParas, used)
	// People rarely write about themselves in the third person: prefer a
	// sender who is not named in the text.
	joined := strings.Join(paras, " ")
	for tries := 0; tries < 4 && strings.Contains(joined, from.First()); tries++ {
		from = g.sender()
	}
	var b strings.Builder
	fmt.Fprintf(&b, g.pick(greetings)+"\n\n", g.recipientFirst(from))
	if g.chance(0.4) {
		b.WriteString(g.fill(g.pick(openers)) + "\n\n")
	}
	for _, p := range paras {
		b.WriteString(p + "\n\n")
	}
	if g.chance(0.6) {
		b.WriteString(g.fill(g.pick(closers)) + "\n\n")
	}
	b.WriteString(g.pick(signoffs) + "\n" + from.First() + "\n")
	if from.Org != "" || g.chance(0.3) {
		b.WriteString("\n" + g.signature(from) + "\n")
	}
	return b.String(), from
}

func quote(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l == "" {
			b.WriteString(">\n")
		} else if strings.HasPrefix(l, ">") {
			b.WriteString(">" + l + "\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	return b.String()
}

func (g *gen) email(reply bool) jsonDoc {
	used := map[string]bool{}
	from := g.sender()
	subj := g.subject(used)
	n := 1 + g.rng.IntN(2)
	text, from := g.mail(from, used, n)
	if reply {
		// The earlier message in the thread, from someone else.
		prev := g.sender()
		for tries := 0; prev.Email == from.Email && tries < 5; tries++ {
			prev = g.sender()
		}
		if prev.Email == from.Email {
			prev = g.o.Me
			if from.Email == g.o.Me.Email {
				prev = g.o.Team[0]
			}
		}
		prevText, prev := g.mail(prev, used, 1+g.rng.IntN(2))
		when := g.date.Add(-time.Duration(2+g.rng.IntN(60)) * time.Hour)
		text += "\nOn " + when.Format("Mon, 2 Jan 2006 at 15:04") + ", " + addr(prev) + " wrote:\n" + quote(prevText)
		subj = "Re: " + subj
	}
	return jsonDoc{Type: "email", Source: "gmail", Author: addr(from), Title: subj, Text: text, Attachments: g.attachments()}
}

func (g *gen) forward() jsonDoc {
	used := map[string]bool{}
	orig := g.sender()
	subj := g.subject(used)
	inner, orig := g.mail(orig, used, 1+g.rng.IntN(2))
	fwd := append([]Person{g.o.Me}, g.o.Team...)[g.rng.IntN(1+len(g.o.Team))]
	notes := []string{"FYI, see below.", "Forwarding this one - can you pick it up?", "See below. Thoughts?", "Adding you to this thread.", "For the file.", "Can we discuss this on {DAY}?"}
	when := g.date.Add(-time.Duration(3+g.rng.IntN(72)) * time.Hour)
	text := g.fill(g.pick(notes)) + "\n\n" + fwd.First() + "\n\n---------- Forwarded message ---------\nFrom: " + addr(orig) +
		"\nDate: " + when.Format("Mon, 2 Jan 2006 at 15:04") + "\nSubject: " + subj + "\nTo: " + addr(g.o.Me) + "\n\n" + inner
	return jsonDoc{Type: "email", Source: "gmail", Author: addr(fwd), Title: "Fwd: " + subj, Text: text, Attachments: g.attachments()}
}

func (g *gen) attendees() []Person {
	ps := []Person{g.o.Me}
	ps = append(ps, g.s.Internal...)
	if len(ps) == 1 {
		ps = append(ps, g.o.Team[g.rng.IntN(len(g.o.Team))])
	}
	for _, p := range g.s.External {
		if !g.s.Noise && g.chance(0.6) {
			ps = append(ps, p)
		}
	}
	return ps
}

func names(ps []Person) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return strings.Join(out, ", ")
}

func (g *gen) meetingTitle() string {
	titles := []string{"Weekly sync", "Progress meeting", "Catch-up", "Review meeting", "Planning session", "Call notes"}
	t := g.pick(titles)
	if g.mode == "named" {
		return t + " - " + g.projRef()
	}
	if g.mode == "code" {
		return t + " " + g.s.Code
	}
	return t
}

func (g *gen) notes() jsonDoc {
	used := map[string]bool{}
	att := g.attendees()
	var b strings.Builder
	title := g.meetingTitle()
	b.WriteString(title + "\n")
	b.WriteString("Date: " + g.date.Format("2 January 2006") + "\n")
	b.WriteString("Attendees: " + names(att) + "\n\n")
	b.WriteString("Notes\n")
	for i := 0; i < 3+g.rng.IntN(4); i++ {
		f := g.pickFrag(g.s.NoteItems, used)
		if f == "" {
			break
		}
		b.WriteString("- " + g.fill(f) + "\n")
	}
	b.WriteString("\nActions\n")
	for i := 0; i < 1+g.rng.IntN(3); i++ {
		f := g.pickFrag(g.s.NoteItems, used)
		if f == "" {
			break
		}
		b.WriteString("- " + att[g.rng.IntN(len(att))].First() + ": " + g.fill(f) + "\n")
	}
	if g.chance(0.5) {
		b.WriteString("\nNext meeting: " + g.fill("{D}") + ", " + g.fill("{T}") + "\n")
	}
	return jsonDoc{Type: "meeting_notes", Source: "drive", Author: g.o.Me.Email, Title: title, Text: b.String()}
}

func (g *gen) transcript() jsonDoc {
	used := map[string]bool{}
	att := g.attendees()
	var b strings.Builder
	title := g.meetingTitle()
	b.WriteString("Transcript: " + title + " (" + g.date.Format("2 Jan 2006") + ")\n\n")
	sec := 5
	lines := 4 + g.rng.IntN(5)
	smalltalk := []string{"Can everyone hear me okay?", "Sorry, I was on mute.", "Okay, let's get going.", "Yeah.", "Right, makes sense.", "Let me share my screen.", "Sorry, go ahead.", "I think that's everything from me."}
	for i := 0; i < lines; i++ {
		who := att[g.rng.IntN(len(att))]
		line := g.pickFrag(g.s.Talk, used)
		if line == "" || g.chance(0.2) {
			line = g.pick(smalltalk)
		}
		fmt.Fprintf(&b, "[%02d:%02d:%02d] %s: %s\n", sec/3600, sec/60%60, sec%60, who.Name, g.fill(line))
		sec += 10 + g.rng.IntN(140)
	}
	return jsonDoc{Type: "transcript", Source: "meet", Author: g.o.Me.Email, Title: title + " (transcript)", Text: b.String()}
}

func (g *gen) driveDoc() jsonDoc {
	used := map[string]bool{}
	title := g.fill(g.pickFrag(g.s.DocTitles, nil))
	if title == "" {
		title = "Notes"
	}
	var b strings.Builder
	b.WriteString(title + "\n\n")
	for i := 0; i < 2+g.rng.IntN(4); i++ {
		f := g.pickFrag(g.s.Bodies, used)
		if f == "" {
			break
		}
		b.WriteString(g.fill(f) + "\n\n")
	}
	author := g.o.Me
	if len(g.s.Internal) > 0 && g.chance(0.5) {
		author = g.s.Internal[g.rng.IntN(len(g.s.Internal))]
	}
	return jsonDoc{Type: "document", Source: "drive", Author: author.Email, Title: title, Text: b.String()}
}

func (g *gen) sheet() jsonDoc {
	sh := g.s.Sheet
	var b strings.Builder
	b.WriteString(sh.Header + "\n")
	rows := append([]string{}, sh.Rows...)
	g.rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	n := 4 + g.rng.IntN(len(rows)-3)
	if n > len(rows) {
		n = len(rows)
	}
	for _, r := range rows[:n] {
		b.WriteString(g.fill(r) + "\n")
	}
	title := g.fill(sh.Title)
	return jsonDoc{Type: "spreadsheet", Source: "drive", Author: g.o.Me.Email, Title: title, Text: b.String()}
}

var footers = []string{
	"You are receiving this email because you signed up for updates. Unsubscribe | Manage preferences",
	"Please do not reply to this email. This mailbox is not monitored.",
	"View this email in your browser.",
}

func (g *gen) notice() jsonDoc {
	s := g.s
	if s.noticeOrder == nil || s.noticeNext >= len(s.noticeOrder) {
		s.noticeOrder = g.rng.Perm(len(s.Notices))
		s.noticeNext = 0
	}
	n := s.Notices[s.noticeOrder[s.noticeNext]]
	s.noticeNext++
	var text string
	if n.Mail {
		var b strings.Builder
		fmt.Fprintf(&b, g.pick(greetings)+"\n\n", g.o.Me.First())
		b.WriteString(g.fill(n.Body) + "\n\n")
		b.WriteString(g.pick(signoffs) + "\n" + n.From.First() + "\n")
		if n.From.Org != "" {
			b.WriteString("\n" + g.signature(n.From) + "\n")
		}
		text = b.String()
	} else {
		text = g.fill(n.Body) + "\n\n" + g.pick(footers) + "\n"
	}
	return jsonDoc{Type: "email", Source: "gmail", Author: addr(n.From), Title: g.fill(n.Subject), Text: text}
}
