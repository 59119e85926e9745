package classify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func classifyLocal(t *testing.T, l *Local, doc Document) Decision {
	t.Helper()
	d, err := l.Classify(context.Background(), doc, testProjects())
	if err != nil {
		t.Fatalf("Classify: %v", err)
	}
	if d.Decider != "local" {
		t.Errorf("Decider = %q, want local", d.Decider)
	}
	return d
}

func TestLocal_ScorerTable(t *testing.T) {
	tests := []struct {
		name       string
		doc        Document
		want       string // "" = unclassified
		reason     string // substring of Reason
		matchedTag string // expected in MatchedTags
	}{
		{
			name:   "project name mentioned as a phrase",
			doc:    Document{Author: "Sam <sam@example.org>", Title: "Quick update", Text: "Quick update on Harbor View Residences: the scaffold comes down next week and the windows go in after that."},
			want:   "p-hv",
			reason: "project name mentioned",
		},
		{
			name: "keyword overlap without the name",
			doc: Document{Author: "Sam <sam@example.org>", Title: "Balcony drainage",
				Text: "The balconies on Quay Road still drain onto the soffit. The show flat has the same problem, and the fire strategy needs the new detail too."},
			want:       "p-hv",
			matchedTag: "Quay Road",
		},
		{
			name:   "project code in the subject",
			doc:    Document{Author: "Ann <ann@example.org>", Title: "[FERN-412] Apple Pay button missing", Text: "Reproduced on Safari with a bundle in the cart."},
			want:   "p-fw",
			reason: "project code FERN-412 found",
		},
		{
			name: "shared contractor and shared vocabulary only: ambiguous, unclassified",
			doc: Document{Author: "Gareth Price <gareth@brightline-build.com>", Title: "Site closed on Friday",
				Text: "Hi Maya,\n\nThe site will be closed on Friday for the crane lift. Access via the north gate on Monday.\n\nThanks,\nGareth"},
			want: "",
		},
		{
			name: "nothing matches",
			doc:  Document{Author: "Netflix <info@mailer.netflix.com>", Title: "New on Netflix this week", Text: "A true crime documentary and the final season of the space drama."},
			want: "", reason: "no project matched",
		},
		{
			name: "no candidates in common vocabulary",
			doc:  Document{Author: "mum@example.org", Title: "Sunday", Text: "See you on Sunday for lunch, bring the kids."},
			want: "",
		},
	}
	l := NewLocal(nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := classifyLocal(t, l, tc.doc)
			if d.ProjectID != tc.want {
				t.Fatalf("ProjectID = %q (confidence %.2f, candidates %v, reason %q), want %q", d.ProjectID, d.Confidence, d.Candidates, d.Reason, tc.want)
			}
			if tc.want != "" && d.Confidence < Threshold {
				t.Errorf("classified with confidence %.2f < Threshold", d.Confidence)
			}
			if tc.want == "" && d.Confidence >= AmbiguousThreshold {
				t.Errorf("unclassified with confidence %.2f", d.Confidence)
			}
			if tc.reason != "" && !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to contain %q", d.Reason, tc.reason)
			}
			if tc.matchedTag != "" && !contains(d.MatchedTags, tc.matchedTag) {
				t.Errorf("MatchedTags = %v, want %q", d.MatchedTags, tc.matchedTag)
			}
			if len(d.Candidates) == 0 || len(d.Candidates) > 3 {
				t.Errorf("Candidates = %v, want 1 to 3", d.Candidates)
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestLocal_SenderDomainMatchesProjectEntity(t *testing.T) {
	l := NewLocal(nil)
	text := "Hi Maya,\n\nThe apartments handover list is attached; the balconies on levels 3 and 4 still need snagging before the fire strategy sign-off.\n\nThanks,\nJane"
	fromClient := classifyLocal(t, l, Document{Author: "Jane Roe <jane.roe@meridianhomes.com>", Title: "Handover list", Text: text})
	fromStranger := classifyLocal(t, l, Document{Author: "Jane Roe <jane.roe@example.org>", Title: "Handover list", Text: text})
	if fromClient.ProjectID != "p-hv" {
		t.Fatalf("from the client's domain: ProjectID = %q (%.2f, %q), want p-hv", fromClient.ProjectID, fromClient.Confidence, fromClient.Reason)
	}
	if !strings.Contains(fromClient.Reason, "sender domain meridianhomes.com matches") {
		t.Errorf("Reason = %q, want the sender domain", fromClient.Reason)
	}
	if fromStranger.ProjectID != "" || fromStranger.Confidence >= fromClient.Confidence {
		t.Errorf("from another domain: %q %.2f, want unclassified below %.2f", fromStranger.ProjectID, fromStranger.Confidence, fromClient.Confidence)
	}
}

func TestLocal_SenderIsProjectContact(t *testing.T) {
	l := NewLocal(nil)
	text := "The council's budget for the library is fixed, so the second book returns machine has to go. Can you update the cost plan?"
	d := classifyLocal(t, l, Document{Author: "Robert Akande <robert@eastfield.gov.uk>", Title: "Budget", Text: text})
	if d.ProjectID != "p-ms" || !strings.Contains(d.Reason, "Robert Akande is a project contact") {
		t.Fatalf("got %q (%.2f, %q), want p-ms with the contact in the reason", d.ProjectID, d.Confidence, d.Reason)
	}
	// The same words from someone unknown are not enough.
	if o := classifyLocal(t, l, Document{Author: "Sam <sam@example.org>", Title: "Budget", Text: text}); o.ProjectID != "" {
		t.Errorf("from a stranger: %q (%.2f), want unclassified", o.ProjectID, o.Confidence)
	}
}

func TestLocal_AmbiguousBetweenSiblingProjectsLowersConfidence(t *testing.T) {
	l := NewLocal(nil)
	// Gareth works on both building projects; the text names neither.
	shared := classifyLocal(t, l, Document{Author: "Gareth Price <gareth@brightline-build.com>", Title: "Valuation",
		Text: "Please find attached our valuation for this month. The window package and first fix M&E are the main movements."})
	if shared.ProjectID != "" {
		t.Fatalf("ProjectID = %q (%.2f), want unclassified", shared.ProjectID, shared.Confidence)
	}
	c := shared.Candidates
	if len(c) < 2 || !(c[0].ProjectID == "p-hv" && c[1].ProjectID == "p-ms" || c[0].ProjectID == "p-ms" && c[1].ProjectID == "p-hv") {
		t.Errorf("Candidates = %v, want the two building projects on top", c)
	}
	// The same mail naming the library is classified.
	named := classifyLocal(t, l, Document{Author: "Gareth Price <gareth@brightline-build.com>", Title: "Valuation - Maple Street Library",
		Text: "Please find attached our valuation for this month. The window package and first fix M&E are the main movements."})
	if named.ProjectID != "p-ms" || named.Confidence <= shared.Confidence {
		t.Errorf("named: %q %.2f, want p-ms with more confidence than %.2f", named.ProjectID, named.Confidence, shared.Confidence)
	}
}

func TestLocal_AmbiguousReferenceNeedsHigherThreshold(t *testing.T) {
	// Probe the rule directly: a top candidate at 0.55 that rests on a
	// shared reference stays unclassified; one with its own evidence does not.
	p1 := &profile{id: "a", name: "A"}
	p2 := &profile{id: "b", name: "B"}
	mk := func(shared float64, without float64) scoreResult {
		return scoreResult{
			scores:            []*projectScore{{p: p1, prob: 0.55, total: 10, shared: shared}, {p: p2, prob: 0.30, total: 8}},
			probWithoutShared: without,
		}
	}
	a := newAnalysis()
	if d := mk(4, 0.2).decide(a); d.ProjectID != "" {
		t.Errorf("resting on a shared reference at 0.55: ProjectID = %q, want unclassified", d.ProjectID)
	} else if !strings.Contains(d.Reason, "shared with other projects") {
		t.Errorf("Reason = %q", d.Reason)
	}
	if d := mk(4, 0.52).decide(a); d.ProjectID != "a" {
		t.Errorf("shared reference not decisive: ProjectID = %q, want a", d.ProjectID)
	}
	if d := mk(0, 0.55).decide(a); d.ProjectID != "a" {
		t.Errorf("no shared reference: ProjectID = %q, want a", d.ProjectID)
	}
}

func TestLocal_QuotedTextWeighsLess(t *testing.T) {
	l := NewLocal(nil)
	newText := "The conservation officer is happy with the reading room ceiling repair."
	quoted := "Harbor View Residences: the balconies on Quay Road, the show flat and the fire strategy for the apartments all need sign-off. Harbor View again: balconies, balconies."
	var q strings.Builder
	for _, ln := range strings.Split(quoted, ". ") {
		q.WriteString("> " + ln + "\n")
	}
	reply := classifyLocal(t, l, Document{Author: "Sam <sam@example.org>", Title: "Re: update",
		Text: newText + "\n\nOn Tue, 4 Mar 2025 at 10:12, Claire <claire@example.org> wrote:\n" + q.String()})
	if reply.ProjectID != "p-ms" {
		t.Fatalf("reply about the library quoting a Harbor View mail: ProjectID = %q (%v), want p-ms", reply.ProjectID, reply.Candidates)
	}
	// Unquoted, the same Harbor View text wins.
	plain := classifyLocal(t, l, Document{Author: "Sam <sam@example.org>", Title: "update", Text: newText + "\n\n" + quoted})
	if plain.ProjectID != "p-hv" {
		t.Errorf("unquoted: ProjectID = %q (%v), want p-hv", plain.ProjectID, plain.Candidates)
	}
}

func TestLocal_SignatureWeighsLess(t *testing.T) {
	a := analyzeDocument(Document{Text: "Library opening times changed.\n\n-- \nJo Bloggs\nBalconies and cladding specialist\nwww.example.com/balconies"})
	if got := a.terms["library"]; got != wBody {
		t.Errorf("body term weight = %v, want %v", got, wBody)
	}
	if got := a.terms["balcony"]; got >= wBody {
		t.Errorf("signature term weight = %v, want less than %v", got, wBody)
	}
}

func TestLocal_BulkMailLeansToUnclassified(t *testing.T) {
	l := NewLocal(nil)
	text := "This week: five new libraries in Europe and what makes a good reading room."
	personal := classifyLocal(t, l, Document{Author: "Sam <sam@example.org>", Title: "Libraries", Text: text})
	bulk := classifyLocal(t, l, Document{Author: "Design Weekly <newsletter@designweekly.example>", Title: "Libraries",
		Text: text + "\n\nYou are receiving this email because you subscribed. Unsubscribe | Manage preferences"})
	if personal.ProjectID != "p-ms" {
		t.Fatalf("personal note: %q (%.2f), want p-ms", personal.ProjectID, personal.Confidence)
	}
	if bulk.ProjectID != "" || bulk.Confidence >= personal.Confidence {
		t.Errorf("newsletter: %q %.2f, want unclassified below the personal note's %.2f", bulk.ProjectID, bulk.Confidence, personal.Confidence)
	}
}

func TestLocal_NoCandidatesIsUnclassified(t *testing.T) {
	d, err := NewLocal(nil).Classify(context.Background(), Document{Title: "Harbor View Residences"}, nil)
	if err != nil || d.ProjectID != "" || d.Decider != "local" {
		t.Fatalf("got %+v, %v", d, err)
	}
}

func TestLocal_DeterministicAndOrderIndependent(t *testing.T) {
	l := NewLocal(nil)
	doc := Document{Author: "Gareth Price <gareth@brightline-build.com>", Title: "Re: library lift and balconies",
		Text: "The lift shaft at the library clashes with the drainage; the balconies on Quay Road are fine."}
	first := classifyLocal(t, l, doc)
	for i := 0; i < 20; i++ {
		ps := testProjects()
		rand.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		d, err := NewLocal(nil).Classify(context.Background(), doc, ps)
		if err != nil {
			t.Fatal(err)
		}
		if d.ProjectID != first.ProjectID || d.Confidence != first.Confidence || d.Reason != first.Reason || !reflect.DeepEqual(d.InferredTags, first.InferredTags) {
			t.Fatalf("run %d: %+v\nfirst: %+v", i, d, first)
		}
	}
}

func TestLocal_MatchedAndInferredTags(t *testing.T) {
	d := classifyLocal(t, NewLocal(nil), Document{Author: "Robert Akande <robert@eastfield.gov.uk>", Title: "Maple Street Library: asbestos survey",
		Text: "The asbestos survey found asbestos in the boiler room. Asbestos removal starts Monday; the reading room stays closed. Heritage consent is unaffected."})
	if d.ProjectID != "p-ms" {
		t.Fatalf("ProjectID = %q", d.ProjectID)
	}
	for _, want := range []string{"reading room", "heritage"} {
		if !contains(d.MatchedTags, want) {
			t.Errorf("MatchedTags = %v, want %q", d.MatchedTags, want)
		}
	}
	if !contains(d.InferredTags, "asbestos") {
		t.Errorf("InferredTags = %v, want asbestos", d.InferredTags)
	}
	for _, tag := range d.InferredTags {
		if tag != snakeCase(tag) || contains([]string{"library", "heritage"}, tag) {
			t.Errorf("InferredTags = %v: %q is not snake_case or is a project tag", d.InferredTags, tag)
		}
	}
}

func TestLocal_ExamplesTeachVocabulary(t *testing.T) {
	src := newCountingSource()
	src.examples["p-fw"] = []Example{
		{Title: "Klarna rollout", Text: "Klarna instalments behind a feature flag; Klarna settlement reports reconcile nightly.", Manual: true},
	}
	doc := Document{Author: "Ann <ann@example.org>", Title: "Klarna settlement", Text: "The Klarna settlement report is missing two days."}
	without := classifyLocal(t, NewLocal(nil), doc)
	with := classifyLocal(t, NewLocal(src), doc)
	if with.Candidates[0].ProjectID != "p-fw" || with.Confidence <= without.Confidence {
		t.Errorf("with examples: %v (%.2f); without: %v (%.2f)", with.Candidates, with.Confidence, without.Candidates, without.Confidence)
	}
}

func TestLocal_CacheInvalidatedOnRevisionChange(t *testing.T) {
	src := newCountingSource()
	l := NewLocal(src)
	ps := testProjects()
	doc := Document{Author: "Ann <ann@example.org>", Title: "Zebrafish", Text: "The zebrafish tank order for the zebrafish lab."}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := l.Classify(ctx, doc, ps); err != nil {
			t.Fatal(err)
		}
	}
	if src.calls["p-fw"] != 1 {
		t.Fatalf("examples loaded %d times at one revision, want 1", src.calls["p-fw"])
	}
	before, _ := l.Classify(ctx, doc, ps)

	// A new assigned document changes the project's revision.
	src.examples["p-fw"] = []Example{{Title: "Zebrafish lab", Text: "Zebrafish tank checkout integration for the zebrafish lab shop.", Manual: true}}
	ps[2].Revision = "2"
	after, _ := l.Classify(ctx, doc, ps)
	if src.calls["p-fw"] != 2 {
		t.Errorf("examples loaded %d times after the revision changed, want 2", src.calls["p-fw"])
	}
	if after.Candidates[0].ProjectID != "p-fw" || after.Candidates[0].Score <= before.Candidates[0].Score && before.Candidates[0].ProjectID == "p-fw" {
		t.Errorf("new examples not used: before %v, after %v", before.Candidates, after.Candidates)
	}
	if n := l.cache.len(); n != 3 {
		t.Errorf("cache holds %d profiles, want 3 (the old revision is dropped)", n)
	}
	// Other projects were not rebuilt.
	if src.calls["p-hv"] != 1 || src.calls["p-ms"] != 1 {
		t.Errorf("unchanged projects reloaded: %v", src.calls)
	}
}

func TestLocal_EmptyRevisionIsNotCached(t *testing.T) {
	src := newCountingSource()
	l := NewLocal(src)
	ps := testProjects()[:1]
	ps[0].Revision = ""
	for i := 0; i < 2; i++ {
		if _, err := l.Classify(context.Background(), Document{Title: "x"}, ps); err != nil {
			t.Fatal(err)
		}
	}
	if src.calls["p-hv"] != 2 || l.cache.len() != 0 {
		t.Errorf("calls %d, cached %d; want 2 and 0", src.calls["p-hv"], l.cache.len())
	}
}

func TestLocal_CacheIsBounded(t *testing.T) {
	l := NewLocal(nil)
	l.cache = newProfileCache(5)
	var ps []Project
	for i := 0; i < 12; i++ {
		ps = append(ps, Project{ID: fmt.Sprint("p", i), Name: fmt.Sprint("Project ", i), Revision: "1"})
	}
	if _, err := l.Classify(context.Background(), Document{Title: "x"}, ps); err != nil {
		t.Fatal(err)
	}
	if n := l.cache.len(); n != 5 {
		t.Errorf("cache holds %d, want 5", n)
	}
	l.Invalidate("p11")
	if n := l.cache.len(); n != 4 {
		t.Errorf("after Invalidate: %d, want 4", n)
	}
}

func TestLocal_InvalidateRebuildsTheProfile(t *testing.T) {
	src := newCountingSource()
	l := NewLocal(src)
	ps := testProjects()
	doc := Document{Title: "Zebrafish", Text: "zebrafish zebrafish tank"}
	first, _ := l.Classify(context.Background(), doc, ps)
	src.examples["p-fw"] = []Example{{Title: "Zebrafish", Text: "zebrafish tank checkout for the zebrafish shop", Manual: true}}
	l.Invalidate("p-fw") // same Revision, but the caller knows it changed
	second, _ := l.Classify(context.Background(), doc, ps)
	if src.calls["p-fw"] != 2 || second.Candidates[0].ProjectID != "p-fw" || second.Confidence <= first.Confidence {
		t.Errorf("calls %v; before %v, after %v", src.calls, first.Candidates, second.Candidates)
	}
}

func TestLocal_ExampleSourceErrorIsReturned(t *testing.T) {
	src := newCountingSource()
	src.err = errors.New("db down")
	_, err := NewLocal(src).Classify(context.Background(), Document{Title: "x"}, testProjects())
	if err == nil || !strings.Contains(err.Error(), "db down") {
		t.Fatalf("err = %v", err)
	}
}

func TestLocal_ConcurrentUse(t *testing.T) {
	l := NewLocal(ExampleSourceFunc(func(context.Context, string) ([]Example, error) {
		return []Example{{Title: "t", Text: "balconies and cladding"}}, nil
	}))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				ps := testProjects()
				ps[i%3].Revision = fmt.Sprint(i % 4)
				if _, err := l.Classify(context.Background(), Document{Title: "Maple Street Library", Text: "reading room"}, ps); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestLocal_CancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLocal(nil).Classify(ctx, Document{Title: "x"}, testProjects()); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
