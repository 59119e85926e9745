package classify

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// smallCollection has n documents of each source and n of neither; the
// first `taught` of each source are manual assignments.
func smallCollection(n, taught int) *fakeCollection {
	c := newCollection(taught)
	var docs []CollectionDoc
	for _, d := range c.docs {
		var i int
		if _, err := fmt.Sscan(d.ID[1:], &i); err == nil && i < n {
			docs = append(docs, d)
		}
	}
	c.docs = docs
	return c
}

// misleadingProjects are the collection's projects with keywords of the
// other source: the scorer's words point each source's mail to the wrong
// project, and only the corrections say otherwise.
func misleadingProjects() []Project {
	ps := collectionProjects()
	ps[0].Description = "Robots, toys, lego, cameras, drones, keyboards and gadgets."
	ps[0].ReferenceKeywords = []string{"robot", "toy", "lego", "camera", "drone", "keyboard", "gadget"}
	ps[1].Description = "The harbour, the council, budgets, votes, trams, schools and rail."
	ps[1].ReferenceKeywords = []string{"harbour", "council", "budget", "vote", "tram", "school", "rail"}
	return ps
}

func TestCollection_ASmallCollectionRanksAndTheScorerStillDecides(t *testing.T) {
	ctx := context.Background()
	ps := misleadingProjects()
	coll := smallCollection(12, 2) // 36 documents: under MinDocuments
	l, m := preparedModel(t, coll, ps)
	if !m.params.ranksOnly || m.params.knn != 7 {
		t.Fatalf("a model of %d documents: ranksOnly %v, %d neighbours; want a ranking model with 7 (a fifth)", m.Documents(), m.params.ranksOnly, m.params.knn)
	}
	scorer := NewLocal(coll) // the same profiles, no collection model
	want := map[string]string{"s": "news", "l": "oddities", "x": ""}
	outranked, agreed, rightBefore, rightAfter := 0, 0, 0, 0
	for _, d := range coll.docs {
		if d.Manual {
			continue
		}
		doc := asDocument(d, "owner")
		got, err := l.Classify(ctx, doc, ps)
		if err != nil {
			t.Fatal(err)
		}
		alone, _ := scorer.Classify(ctx, doc, ps)
		label := want[d.ID[:1]]
		if got.FromCorrections {
			t.Errorf("%s: a ranking model's decision is marked as the corrections'", d.ID)
		}
		if label != "" && alone.Candidates[0].ProjectID == label {
			rightBefore++
		}
		if label != "" && got.Candidates[0].ProjectID == label {
			rightAfter++
		}
		if got.Candidates[0].ProjectID == alone.Candidates[0].ProjectID {
			agreed++
			if got.ProjectID != alone.ProjectID || got.Confidence != alone.Confidence || got.Reason != alone.Reason {
				t.Errorf("%s: the collection agrees with the scorer, yet %q %.4f %q against the scorer's %q %.4f %q",
					d.ID, got.ProjectID, got.Confidence, got.Reason, alone.ProjectID, alone.Confidence, alone.Reason)
			}
			continue
		}
		outranked++
		var scorerProb float64
		for _, c := range alone.Candidates {
			if c.ProjectID == got.Candidates[0].ProjectID {
				scorerProb = c.Score
			}
		}
		if got.ProjectID != "" || got.Confidence != scorerProb || got.Margin != 0 || !strings.Contains(got.Reason, "point to") {
			t.Errorf("%s outranked: %q %.4f margin %.4f %q; want it unsure at the scorer's %.4f with no margin and the reason why",
				d.ID, got.ProjectID, got.Confidence, got.Margin, got.Reason, scorerProb)
		}
	}
	if outranked == 0 || agreed == 0 {
		t.Fatalf("%d outranked, %d agreed: the fixture no longer tests both", outranked, agreed)
	}
	if rightAfter <= rightBefore {
		t.Errorf("best candidate right %d times with the ranking model, %d by the scorer alone", rightAfter, rightBefore)
	}
}

func TestCollection_ATinyCollectionHasNoModel(t *testing.T) {
	ps := misleadingProjects()
	coll := smallCollection(3, 2) // 9 documents: under MinRankingDocuments
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	if err := l.PrepareCollection(context.Background(), "owner", ps); err != nil {
		t.Fatal(err)
	}
	if m := l.collectionModel("owner", ps, mustSet(t, l, ps)); m != nil {
		t.Fatalf("a model of %d documents", m.Documents())
	}
	if loads, _ := coll.counts(); loads != 0 {
		t.Errorf("%d loads of a collection too small for a model, want none", loads)
	}
}
