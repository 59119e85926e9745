package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// The goals of the local classifier on the evaluation set; a regression
// below them fails CI.
const (
	goalAccuracy  = 90.0 // top-1 accuracy on documents that belong to a project
	goalPrecision = 97.0 // precision among classified documents
	goalNoneRate  = 90.0 // no-project documents left unclassified
)

func TestEval_LocalMeetsGoals(t *testing.T) {
	ds, err := Load("../../testdata/classify")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Items) < 400 || len(ds.Names) < 12 {
		t.Fatalf("dataset has %d documents and %d projects", len(ds.Items), len(ds.Names))
	}
	c, _, cleanup, err := Build("local", ds, false, "")
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	rs := Run(context.Background(), c, ds)
	all := Compute(rs, nil)
	if share := 100 * float64(all.NoProject) / float64(all.Docs); share < 15 {
		t.Errorf("only %.1f%% of documents belong to no project", share)
	}
	if all.Errors > 0 {
		t.Errorf("%d errors", all.Errors)
	}
	if all.Accuracy() < goalAccuracy || all.Precision() < goalPrecision || all.NoneRate() < goalNoneRate {
		var b bytes.Buffer
		Report(&b, "local", ds, rs, 0, nil, true)
		t.Errorf("goals missed: accuracy %.1f%% (>= %.0f), precision %.1f%% (>= %.0f), no-project unclassified %.1f%% (>= %.0f)\n%s",
			all.Accuracy(), goalAccuracy, all.Precision(), goalPrecision, all.NoneRate(), goalNoneRate, b.String())
	}
	// The held-out half was never used for tuning: it must stay close.
	hold := Compute(rs, func(r Result) bool { return r.Item.Holdout })
	if hold.Accuracy() < goalAccuracy || hold.Precision() < goalPrecision-2 || hold.NoneRate() < goalNoneRate-5 {
		t.Errorf("held-out half: accuracy %.1f%%, precision %.1f%%, no-project unclassified %.1f%%", hold.Accuracy(), hold.Precision(), hold.NoneRate())
	}
	if per := all.Total / time.Duration(all.Docs); per > 5*time.Millisecond {
		t.Errorf("%v per document", per)
	}
}

func TestEval_HybridRunsAgainstTheFake(t *testing.T) {
	ds, err := Load("../../testdata/classify")
	if err != nil {
		t.Fatal(err)
	}
	ds.Items = ds.Items[:60]
	c, requests, cleanup, err := Build("hybrid", ds, false, "")
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	rs := Run(context.Background(), c, ds)
	m := Compute(rs, nil)
	if m.Errors > 0 || requests() == 0 || requests() == len(rs) || m.LLMDecided != requests() {
		t.Errorf("errors %d, LLM requests %d of %d, LLM decided %d", m.Errors, requests(), len(rs), m.LLMDecided)
	}
	var b bytes.Buffer
	Report(&b, "hybrid", ds, rs, time.Second, requests, false)
	for _, want := range []string{"top-1 accuracy", "precision", "coverage", "no-project unclassified", "LLM decided", "wrong pairs", "timing"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestEval_UnknownClassifier(t *testing.T) {
	if _, _, _, err := Build("magic", &Dataset{}, false, ""); err == nil {
		t.Error("no error")
	}
}
