package main

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/classify"
)

// halvesDataset has feeds a-d with 8 items in each half, e with 3, 20
// no-project items and 5 list messages in each half.
func halvesDataset() *Dataset {
	ds := &Dataset{Projects: map[string][]classify.Project{}}
	for _, f := range []string{"a", "b", "c", "d", "e"} {
		ds.Projects[RealOwner] = append(ds.Projects[RealOwner], classify.Project{ID: f, Name: f})
	}
	add := func(label, mode string, n int) {
		for _, holdout := range []bool{false, true} {
			for i := range n {
				ds.Items = append(ds.Items, Item{Doc: classify.Document{ID: fmt.Sprintf("%s-%s-%v-%d", label, mode, holdout, i)},
					Owner: RealOwner, Label: label, Mode: mode, Holdout: holdout})
			}
		}
	}
	for _, f := range []string{"a", "b", "c", "d"} {
		add(f, KindFeed, 8)
	}
	add("e", KindFeed, 3)
	add("", KindHam, 20)
	add("list", KindList, 5)
	return ds
}

func TestSmallMailbox_DrawnFromOneHalfWithItsFirstItemsCorrected(t *testing.T) {
	ds := halvesDataset()
	shape := smallMailbox{projects: 3, items: 6, none: 5, corrections: 2}
	for _, holdout := range []bool{false, true} {
		sub, assigned, ok := drawSmallMailbox(ds, holdout, shape, 7)
		if !ok {
			t.Fatal("no mailbox drawn")
		}
		if len(sub.Items) != 3*6+5 || len(sub.Projects[RealOwner]) != 3 || len(assigned) != 3*2 {
			t.Fatalf("%d items, %d projects, %d corrections; want 23, 3, 6", len(sub.Items), len(sub.Projects[RealOwner]), len(assigned))
		}
		perProject := map[string]int{}
		projects := map[string]bool{}
		for _, p := range sub.Projects[RealOwner] {
			projects[p.ID] = true
		}
		for i, it := range sub.Items {
			if it.Holdout != holdout || it.Mode == KindList || it.Label == "e" {
				t.Errorf("item %s: holdout %v, mode %s, label %q", it.Doc.ID, it.Holdout, it.Mode, it.Label)
			}
			if it.Label != "" && !projects[it.Label] {
				t.Errorf("item %s of %q, not one of the mailbox's projects", it.Doc.ID, it.Label)
			}
			if p, ok := assigned[i]; ok {
				if p != it.Label {
					t.Errorf("item %s of %q corrected to %q", it.Doc.ID, it.Label, p)
				}
				perProject[p]++
			}
		}
		for p := range projects {
			if perProject[p] != 2 {
				t.Errorf("%s has %d corrections, want 2", p, perProject[p])
			}
		}
		again, assignedAgain, _ := drawSmallMailbox(ds, holdout, shape, 7)
		if !reflect.DeepEqual(again, sub) || !reflect.DeepEqual(assignedAgain, assigned) {
			t.Error("the same mailbox drawn twice differs")
		}
		if other, _, _ := drawSmallMailbox(ds, holdout, shape, 8); reflect.DeepEqual(other.Items, sub.Items) {
			t.Error("mailboxes 7 and 8 are the same")
		}
	}
	if _, _, ok := drawSmallMailbox(ds, false, smallMailbox{projects: 5, items: 6, none: 5, corrections: 2}, 0); ok {
		t.Error("drew 5 projects of 6 items from a half with 4 such feeds")
	}
}

func TestReportSmallMailboxes_RunsOnTheCommittedSample(t *testing.T) {
	ds, _, err := LoadReal(realSample, realProjFile, RealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	saved := SmallMailboxes
	t.Cleanup(func() { SmallMailboxes = saved })
	SmallMailboxes = []smallMailbox{{projects: 2, items: 2, none: 3, corrections: 1}}
	var out bytes.Buffer
	ReportSmallMailboxes(context.Background(), &out, ds)
	for _, want := range []string{"small mailboxes", "dev   words only", "dev   ranking", "test  words only", "test  ranking"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
}
