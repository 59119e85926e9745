package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

const (
	realSample   = "../../testdata/classify/real/sample"
	realProjFile = "../../testdata/classify/real/projects.json"
)

func TestEvalReal_CommittedSampleRunsThePipelineOffline(t *testing.T) {
	ds, st, err := LoadReal(realSample, realProjFile, RealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.HeldBack != 1 {
		t.Errorf("held back %d, want the one synthetic List-Id message", st.HeldBack)
	}
	kinds := map[string]int{}
	for _, it := range ds.Items {
		kinds[it.Mode]++
		if strings.Contains(it.Doc.ID, "synthetic-list-id") {
			t.Errorf("the List-Id message %s was loaded", it.Doc.ID)
		}
	}
	if kinds[KindFeed] != 30 || kinds[KindOtherFeed] != 2 || kinds[KindHam] != 9 || kinds[KindSpam] != 4 {
		t.Errorf("kinds = %v, want 30 feed items (3 per project), 2 of other feeds, 9 ham (6 of them list mail: no project without the lists file), 4 spam", kinds)
	}
	for feed, n := range st.FeedItems {
		if n != 3 {
			t.Errorf("%s has %d items", feed, n)
		}
	}
	if len(ds.Projects[RealOwner]) != 10 {
		t.Errorf("%d projects", len(ds.Projects[RealOwner]))
	}
	for _, it := range ds.Items {
		if it.Mode != KindFeed && it.Mode != KindOtherFeed {
			continue
		}
		if it.Doc.Author != "" {
			t.Errorf("%s keeps its sender %q", it.Doc.ID, it.Doc.Author)
		}
		for _, s := range []string{it.Doc.Title, it.Doc.Text} {
			if loc := feedNameRE.FindStringIndex(s); loc != nil {
				t.Errorf("%s still names its feed: %q", it.Doc.ID, s[loc[0]:loc[1]])
			}
			for _, u := range urlRE.FindAllString(s, -1) {
				if isFeedURL(u) {
					t.Errorf("%s still links its feed: %s", it.Doc.ID, u)
				}
			}
			if strings.HasPrefix(s, "URL:") {
				t.Errorf("%s keeps the gateway's URL line", it.Doc.ID)
			}
		}
	}

	var b bytes.Buffer
	ReportReal(context.Background(), &b, ds, st, 2, false)
	for _, want := range []string{"zero-shot", "precision/coverage curve", "learning curve", "\n  10 ", "held back unread", "goals (issue 9)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if !regexp.MustCompile(`after 5 assignments per project: top-1 on the rest .* met: (yes|no) +\[0\.\d{3}, [01]\.\d{3}\]`).MatchString(b.String()) {
		t.Errorf("the goals table gives the test top-1 no interval:\n%s", b.String())
	}
}

func TestStripFeedItem_RemovesWhatNamesTheFeed(t *testing.T) {
	cases := []struct {
		subject, text, wantSubject, wantText string
	}{
		{"Boing Boing: new toys", "URL: http://boingboing.net/#85537486\nDate: Not supplied\n\nSteve sez: great. Link[1] Discuss[2]\n\n[1] http://story.news.yahoo.com/x\n[2] http://www.quicktopic.com/boing/H/K9n",
			": new toys", "Steve sez: great. Link[1] Discuss[2]\n\n[1] http://story.news.yahoo.com/x"},
		{"Police pay damages", "URL: http://www.newsisfree.com/click/-2,8655706,215/\nDate: 2002-10-08T03:31:00+01:00\n\nA report in the Guardian today.",
			"Police pay damages", "A report in  today."},
		{"Yahoo Finance RSS", "URL: http://jeremy.zawodny.com/blog/archives/000187.html\n\nSee http://jeremy.zawodny.com/x and www.mysql.com.",
			"Yahoo Finance RSS", "See  and www.mysql.com."},
	}
	for _, c := range cases {
		s, txt := stripFeedItem(c.subject, c.text)
		if s != c.wantSubject || txt != c.wantText {
			t.Errorf("stripFeedItem(%q) = %q, %q\nwant %q, %q", c.subject, s, txt, c.wantSubject, c.wantText)
		}
	}
}

func TestPickExamples_DeterministicPerSeedAndLeavesOneToEvaluate(t *testing.T) {
	ds, _, err := LoadReal(realSample, realProjFile, RealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := pickExamples(ds, 5, 1), pickExamples(ds, 5, 1), pickExamples(ds, 5, 2)
	if len(a) == 0 || len(a) > 20 { // at most 2 of the 3 per project in the sample, fewer in the dev split
		t.Fatalf("%d examples", len(a))
	}
	same := true
	for i, l := range a {
		if b[i] != l {
			t.Fatal("the same seed chose differently")
		}
		if c[i] != l {
			same = false
		}
	}
	if same {
		t.Error("another seed chose the same examples")
	}
	for i, l := range a {
		if ds.Items[i].Label != l {
			t.Errorf("item %d labelled %q chosen as an example of %q", i, ds.Items[i].Label, l)
		}
		if ds.Items[i].Holdout {
			t.Errorf("item %d of the test split chosen as an example", i)
		}
	}
}

func TestRealCollection_HoldsNoTestLabelAndNoListIDMail(t *testing.T) {
	ds, _, err := LoadReal(realSample, realProjFile, RealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{0, 1, 2} {
		assigned := pickExamples(ds, k, 1)
		coll := realCollection(ds, assigned)
		docs, _ := coll.CollectionDocuments(context.Background(), RealOwner, 1<<20)
		if len(docs) != len(ds.Items) {
			t.Fatalf("k=%d: collection of %d documents, the set has %d", k, len(docs), len(ds.Items))
		}
		byID := map[string]Item{}
		for _, it := range ds.Items {
			byID[it.Doc.ID] = it
		}
		labelled := 0
		for _, d := range docs {
			if strings.Contains(d.ID, "synthetic-list-id") {
				t.Errorf("k=%d: the List-Id message %s is in the collection", k, d.ID)
			}
			it := byID[d.ID]
			if !d.Manual {
				if d.ProjectID != "" {
					t.Errorf("k=%d: %s carries project %q without being assigned", k, d.ID, d.ProjectID)
				}
				continue
			}
			labelled++
			if it.Holdout {
				t.Errorf("k=%d: test-split document %s is labelled in the collection", k, d.ID)
			}
			if d.ProjectID != it.Label {
				t.Errorf("k=%d: %s labelled %q, its label is %q", k, d.ID, d.ProjectID, it.Label)
			}
		}
		if labelled != len(assigned) {
			t.Errorf("k=%d: %d labelled documents, %d assigned", k, labelled, len(assigned))
		}
	}
}
