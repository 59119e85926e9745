package classify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTokenShape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"*Politics:*", "*Xx:*"},
		{"Discuss[2]", "Xx[d]"},
		{"&#8220;In", "&#d;Xx"},
		{"hello", "x"},
		{"HVR-2291", "X-d"},
		{"_Kevin", "_Xx"},
	} {
		if got := tokenShape(tc.in); got != tc.want {
			t.Errorf("tokenShape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAddStyle_WordsWithoutAReferenceAreNoAnchorsAndAListIsNoClose(t *testing.T) {
	f := map[string]float64{}
	addStyle(f, "Notes", "See arrays[i] and the list [1] below.\n[1] http://example.org/", false, 1)
	for k := range f {
		if strings.Contains(k, "linked word arrays") || strings.Contains(k, "last words http") {
			t.Errorf("unexpected feature %q", k)
		}
	}
	if f[shapePrefix+"style last words list below"] == 0 {
		t.Errorf("no close on the prose before the reference list: %v", f)
	}
}

func TestClosingWords_CutsLongProseAtARuneBoundary(t *testing.T) {
	prose := strings.Repeat("é", 150) + " Grüße, Jürgen"
	if got := closingWords(prose, 2); got != "grüße jürgen" || !utf8.ValidString(got) {
		t.Errorf("closingWords = %q", got)
	}
	long := strings.Repeat("日本", 100)
	if got := closingWords(long, 2); !utf8.ValidString(got) {
		t.Errorf("closingWords of one long word is not valid UTF-8: %q", got)
	}
}

func TestAddStyle_DescribesHowASourceWrites(t *testing.T) {
	for _, tc := range []struct {
		name, title, text string
		want              []string
	}{
		{"section label", "Fall in value of mortgages", "*Money:* Further evidence of a slowdown emerged today.", []string{"opens *Xx:*", "mark *Xx:*", "one line"}},
		{"truncated excerpt", "26-hour days", "It seems that my body runs on a 25-26 hour clock. Like when I'm not even close to...", []string{"closes with an ellipsis"}},
		{"title opens the body", "NY Times piece on reporters with weblogs.", "NY Times piece[1] on reporters with weblogs.", []string{"title: opens the body", "mark x[d]"}},
		{"lower-case subject", "quick hack", "New York Times as a Weblog (source code) Comments appreciated.", []string{"title: lower case"}},
		{"capitalised subject", "Conversations From GDC Europe", "In the second of our series we talk with developers.", []string{"title: every word capitalised"}},
		{"template close before the link list, wrapped", "Warchalking FAQ", "Chalk marks on the sidewalk. Link\n[1] Discuss[2]\n\n[1] http://example.org/faq\n[2] http://example.org/discuss", []string{"last words link discuss", "linked word discuss"}},
		{"sign-off", "Re: invoice", "Attached is the corrected invoice.\n\nThanks, Stefan!", []string{"last words thanks stefan"}},
		{"a reply that quotes", "RE: Re: Archer-UK TV Alert", "> Did anyone see it?\n\nYes, I enjoyed it.", []string{"subject answers or forwards", "quotes a message"}},
		{"navigation anchors", "Monkey or man?", "Toumai is stirring rivalries. Quizzes[1] | Crossword[2] | Steve Bell[3]", []string{"linked word quizzes", "linked word crossword", "linked word bell"}},
	} {
		f := map[string]float64{}
		_, reply := threadKey(tc.title)
		addStyle(f, tc.title, tc.text, reply, 1)
		for _, w := range tc.want {
			if f[shapePrefix+"style "+w] == 0 {
				var got []string
				for k := range f {
					got = append(got, strings.TrimPrefix(k, shapePrefix+"style "))
				}
				t.Errorf("%s: no %q in %v", tc.name, w, got)
			}
		}
	}
}

// fakeCollection is an owner's collection with counters, and the store's
// view of it for the profiles (ExampleSource): a project's examples are its
// manual assignments. With gate set, CollectionDocuments signals started
// and waits until gate is closed: a slow build.
type fakeCollection struct {
	mu           sync.Mutex
	docs         []CollectionDoc
	loads, sizes int
	gate         chan struct{}
	started      chan struct{}
}

func (c *fakeCollection) CollectionDocuments(ctx context.Context, _ string, max int) ([]CollectionDoc, error) {
	c.mu.Lock()
	c.loads++
	gate, started := c.gate, c.started
	docs := append([]CollectionDoc(nil), c.docs[:min(max, len(c.docs))]...)
	c.mu.Unlock()
	if gate != nil {
		if started != nil {
			started <- struct{}{}
		}
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return docs, nil
}

func (c *fakeCollection) CollectionStats(context.Context, string) (CollectionStats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sizes++
	st := CollectionStats{Documents: len(c.docs)}
	for _, d := range c.docs {
		if d.Manual && d.ProjectID == "" {
			st.ManualNoProject++
		}
	}
	return st, nil
}

func (c *fakeCollection) Examples(_ context.Context, projectID string) ([]Example, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Example
	for _, d := range c.docs {
		if d.Manual && d.ProjectID == projectID {
			out = append(out, Example{Title: d.Title, Author: d.Author, Text: d.Text, Manual: true})
		}
	}
	return out, nil
}

// counts returns the loads and the size checks so far.
func (c *fakeCollection) counts() (loads, sizes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads, c.sizes
}

// Two sources whose words say nothing of the projects' descriptions, but
// whose layouts are their own, and mail of neither.
var (
	sectionWords = strings.Fields("harbour council budget vote tram school rail court strike hospital minister pension farmers fishing tax port museum election bridge flood")
	linkWords    = strings.Fields("robot toy lego camera drone keyboard gadget comic synth arcade console robot kite clock lamp tape vinyl printer glove watch")
	spamWords    = strings.Fields("winner prize claim offer cheap pills free click money loan credit bonus urgent deal limited casino viagra cash reply account")
)

func sourceDoc(kind string, i int) CollectionDoc {
	w := func(ws []string, k int) string { return ws[(i*7+k*3)%len(ws)] }
	switch kind {
	case "section":
		return CollectionDoc{ID: fmt.Sprintf("s%d", i), Title: fmt.Sprintf("%s %s row over %s", title(w(sectionWords, 0)), w(sectionWords, 1), w(sectionWords, 2)), //nolint:staticcheck // ASCII test words
			Text: fmt.Sprintf("*%s:* The %s and the %s met today as the %s\ngrew, officials said.", title(w(sectionWords, 3)), w(sectionWords, 4), w(sectionWords, 5), w(sectionWords, 6))} //nolint:staticcheck // ASCII test words
	case "link":
		return CollectionDoc{ID: fmt.Sprintf("l%d", i), Title: fmt.Sprintf("the %s %s", w(linkWords, 0), w(linkWords, 1)),
			Text: fmt.Sprintf("A %s made of a %s and a %s, because why not? Link[1] Discuss[2]\n\n[1] http://example.net/%s", w(linkWords, 2), w(linkWords, 3), w(linkWords, 4), w(linkWords, 5))}
	default:
		return CollectionDoc{ID: fmt.Sprintf("x%d", i), Title: fmt.Sprintf("URGENT %s %s !!!", strings.ToUpper(w(spamWords, 0)), strings.ToUpper(w(spamWords, 1))),
			Author: fmt.Sprintf("Deals <deals%d@mailer%d.example>", i, i%3),
			Text:   fmt.Sprintf("Dear friend, %s %s %s %s now. To be removed reply REMOVE. %s %s", w(spamWords, 2), w(spamWords, 3), w(spamWords, 4), w(spamWords, 5), w(spamWords, 6), w(spamWords, 7))}
	}
}

func collectionProjects() []Project {
	return []Project{
		{ID: "news", Name: "UK news", Description: "Politics and world affairs from a British paper.", ReferenceKeywords: []string{"Blair", "Labour"}, Revision: "1"},
		{ID: "oddities", Name: "Net oddities", Description: "Wonderful things found on the web.", ReferenceKeywords: []string{"weird"}, Revision: "1"},
	}
}

// newCollection has 30 documents of each source and 30 of neither; the
// first `taught` of each source are manual assignments.
func newCollection(taught int) *fakeCollection {
	c := &fakeCollection{}
	for i := 0; i < 30; i++ {
		for _, kind := range []string{"section", "link", "spam"} {
			d := sourceDoc(kind, i)
			if i < taught && kind != "spam" {
				d.Manual, d.ProjectID = true, map[string]string{"section": "news", "link": "oddities"}[kind]
			}
			c.docs = append(c.docs, d)
		}
	}
	return c
}

func asDocument(d CollectionDoc, owner string) Document {
	return Document{ID: d.ID, Owner: owner, Title: d.Title, Author: d.Author, Text: d.Text}
}

func TestCollection_CorrectionsSpreadToTheirSourceAndOtherMailStaysUnclassified(t *testing.T) {
	ctx := context.Background()
	ps := collectionProjects()
	coll := newCollection(3)
	with := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	if err := with.PrepareCollection(ctx, "owner", ps); err != nil {
		t.Fatal(err)
	}
	without := NewLocal(nil)
	for _, tc := range []struct {
		kind, want string
	}{{"section", "news"}, {"link", "oddities"}, {"spam", ""}} {
		for i := 10; i < 30; i += 5 {
			doc := asDocument(sourceDoc(tc.kind, i), "owner")
			d, err := with.Classify(ctx, doc, ps)
			if err != nil {
				t.Fatal(err)
			}
			if d.ProjectID != tc.want {
				t.Errorf("%s %d: got %q (%.2f, %s), want %q", tc.kind, i, d.ProjectID, d.Confidence, d.Reason, tc.want)
			}
			if tc.want != "" && (!strings.Contains(d.Reason, "you assigned to it") || !d.FromCorrections) {
				t.Errorf("%s %d: reason %q (FromCorrections %v) does not say the corrections decided", tc.kind, i, d.Reason, d.FromCorrections)
			}
			if tc.want == "" && d.FromCorrections {
				t.Errorf("%s %d: an unclassified decision marked as the corrections'", tc.kind, i)
			}
			// Without the collection the scorer has nothing to go on.
			if d0, _ := without.Classify(ctx, doc, ps); d0.ProjectID != "" {
				t.Errorf("%s %d: without the collection assigned to %q", tc.kind, i, d0.ProjectID)
			}
		}
	}
	// A new document of a source, not in the collection, is placed by its
	// neighbours all the same.
	fresh := asDocument(sourceDoc("link", 31), "owner")
	fresh.ID = "new"
	if d, _ := with.Classify(ctx, fresh, ps); d.ProjectID != "oddities" {
		t.Errorf("a new document of the linked source: got %q (%.2f)", d.ProjectID, d.Confidence)
	}
}

// A document whose words no other document has shares only its template
// with a source (here the section label that opens it): its own words
// still count in its vector, so it is not close to that source's items.
func TestCollection_ADocumentOfWordsNoOtherHasIsNotCloseToASourceByItsTemplateAlone(t *testing.T) {
	ps := collectionProjects()
	coll := newCollection(3)
	var unique []string
	for i := 0; i < 40; i++ {
		unique = append(unique, fmt.Sprintf("zq%cword%c", 'a'+i%26, 'a'+i/26))
	}
	outsider := CollectionDoc{ID: "outsider", Title: "Re: zone transfers",
		Text: "*Notice:* " + strings.Join(unique, " ")}
	coll.docs = append(coll.docs, outsider)
	_, m := preparedModel(t, coll, ps)
	i := m.index["outsider"]
	norm := float32(0)
	for _, e := range m.vecs[i] {
		norm += e.w * e.w
	}
	if norm > 0.2 {
		t.Errorf("the outsider's vector keeps %.2f of its norm in the features it shares, want its unique words to weigh", norm)
	}
	// Nor does it crowd the source's own documents out of their
	// neighbours.
	sc := m.newSearchScratch()
	for j, id := range m.ids {
		if !strings.HasPrefix(id, "s") {
			continue
		}
		for _, nb := range m.neighbours(m.vecs[j], int32(j), sc) {
			if nb.doc == i {
				t.Errorf("the outsider is one of the nearest neighbours of %s (%.2f)", id, nb.w)
			}
		}
	}
}

func TestCollection_OneCorrectionLeavesTheScorerInCharge(t *testing.T) {
	ctx := context.Background()
	ps := collectionProjects()
	coll := newCollection(1)
	with := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	if err := with.PrepareCollection(ctx, "owner", ps); err != nil {
		t.Fatal(err)
	}
	without := NewLocal(coll)
	for i := 5; i < 30; i += 6 {
		for _, kind := range []string{"section", "link", "spam"} {
			doc := asDocument(sourceDoc(kind, i), "owner")
			a, _ := with.Classify(ctx, doc, ps)
			b, _ := without.Classify(ctx, doc, ps)
			if a.ProjectID != b.ProjectID || a.Confidence != b.Confidence {
				t.Errorf("%s %d: with one correction per project %q %.4f, the scorer alone %q %.4f", kind, i, a.ProjectID, a.Confidence, b.ProjectID, b.Confidence)
			}
			if a.FromCorrections {
				t.Errorf("%s %d: the scorer's decision is marked as the corrections' (the hybrid would not check it)", kind, i)
			}
		}
	}
}

func TestCollection_BuiltPerOwnerAndRevisionNotPerDocument(t *testing.T) {
	ctx := context.Background()
	ps := collectionProjects()
	coll := newCollection(3)
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{Recheck: time.Hour})
	now := time.Unix(1000, 0)
	l.coll.now = func() time.Time { return now }
	classify := func(kind string, i int, owner string) {
		t.Helper()
		if _, err := l.Classify(ctx, asDocument(sourceDoc(kind, i), owner), ps); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 20; i++ {
		classify("section", i, "owner")
	}
	l.coll.refreshes.Wait()
	if loads, sizes := coll.counts(); loads != 1 || sizes != 1 {
		t.Fatalf("20 documents: %d loads, %d size checks; want 1 and 1", loads, sizes)
	}
	// A correction bumps a project's revision: the model is rebuilt once.
	ps[0].Revision = "2"
	for i := 0; i < 5; i++ {
		classify("link", i, "owner")
	}
	l.coll.refreshes.Wait()
	if loads, _ := coll.counts(); loads != 2 {
		t.Fatalf("after a revision change: %d loads, want 2", loads)
	}
	// After the re-check period the size is checked; a small growth keeps
	// the model, a tenth more rebuilds it.
	now = now.Add(2 * time.Hour)
	coll.docs = append(coll.docs, sourceDoc("spam", 40))
	classify("link", 1, "owner")
	l.coll.refreshes.Wait()
	if loads, sizes := coll.counts(); sizes != 3 || loads != 2 {
		t.Fatalf("small growth: %d size checks, %d loads; want 3 and 2", sizes, loads)
	}
	now = now.Add(2 * time.Hour)
	for i := 41; i < 52; i++ {
		coll.docs = append(coll.docs, sourceDoc("spam", i))
	}
	classify("link", 1, "owner")
	l.coll.refreshes.Wait()
	if loads, _ := coll.counts(); loads != 3 {
		t.Fatalf("growth by a tenth: %d loads, want 3", loads)
	}
	// Another owner has a model of their own; a document without an owner
	// does not consult any.
	classify("link", 1, "other")
	classify("link", 1, "")
	l.coll.refreshes.Wait()
	if loads, _ := coll.counts(); loads != 4 {
		t.Fatalf("second owner and an ownerless document: %d loads, want 4", loads)
	}
}

func TestCollection_ManualNoProjectIsALabelToo(t *testing.T) {
	ctx := context.Background()
	ps := collectionProjects()
	coll := newCollection(3)
	for i := range coll.docs {
		if strings.HasPrefix(coll.docs[i].ID, "x") && i < 30 {
			coll.docs[i].Manual = true // the user said: no project
		}
	}
	l, m := preparedModel(t, coll, ps)
	if m.taught[len(ps)] == 0 || m.Corrections() != 6+m.taught[len(ps)] {
		t.Errorf("taught %v, corrections %d", m.taught, m.Corrections())
	}
	d, _ := l.Classify(ctx, asDocument(sourceDoc("spam", 20), "owner"), ps)
	if d.ProjectID != "" {
		t.Errorf("spam like the mail the user said is no project's: got %q", d.ProjectID)
	}
}

// preparedModel returns a local classifier with coll as the owner's
// collection, and the model it built for ps.
func preparedModel(t *testing.T, coll *fakeCollection, ps []Project) (*Local, *CollectionModel) {
	t.Helper()
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	if err := l.PrepareCollection(context.Background(), "owner", ps); err != nil {
		t.Fatal(err)
	}
	m := l.collectionModel("owner", ps, mustSet(t, l, ps))
	if m == nil {
		t.Fatal("no collection model")
	}
	return l, m
}

func mustSet(t *testing.T, l *Local, ps []Project) *candidateSet {
	t.Helper()
	s, err := l.candidateSet(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
