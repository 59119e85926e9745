package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/besunny/workflows/internal/classify"
)

func TestEvalReal_LLMPathAsksTheModelWhereTheRoutingSays(t *testing.T) {
	ds, _, err := LoadReal(realSample, realProjFile, RealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	newModel, requests, cleanup, err := newLLM(false, "", "oracle")
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ctx := context.Background()

	// The model alone: one request per document, and the oracle's answers.
	rs := runRealWith(ctx, ds, nil, "openai", func(_ classify.Classifier, ex classify.ExampleSource) classify.Classifier { return newModel(ds, ex) })
	if requests() != len(rs) || len(rs) != len(ds.Items) {
		t.Fatalf("openai: %d requests for %d documents of %d", requests(), len(rs), len(ds.Items))
	}
	if m := realMetrics(rs, nil); m.Top1 != 1 || m.Precision != 1 || m.NoneRate != 1 {
		t.Errorf("openai with the oracle: %+v, want every decision right", m)
	}

	// The hybrid routing: the local decision stands where the policy is
	// sure of it, and only the rest reaches the model.
	before := requests()
	rs = runRealWith(ctx, ds, pickExamples(ds, 2, 1), "hybrid", func(local classify.Classifier, ex classify.ExampleSource) classify.Classifier {
		return classify.NewHybrid(local, newModel(ds, ex), classify.HybridPolicy{})
	})
	asked := 0
	for _, r := range rs {
		if strings.HasPrefix(r.Decision.Decider, "openai") {
			asked++
		} else if r.Decision.Decider != "local" {
			t.Errorf("%s decided by %q", r.Item.Doc.ID, r.Decision.Decider)
		}
	}
	if got := requests() - before; got != asked || asked == 0 {
		t.Errorf("hybrid: %d requests, %d decisions by the model", got, asked)
	}
	if decided, failed := llmShare(rs, nil); decided != float64(asked)/float64(len(rs)) || failed != 0 {
		t.Errorf("llmShare = %v, %v", decided, failed)
	}

	var b bytes.Buffer
	ReportRealLLM(ctx, &b, ds, "hybrid", newModel, requests, 2, llmName(false, "", "oracle"), false)
	for _, want := range []string{"classifier hybrid (LLM: oracle", "zero-shot", "after 5 manual assignments", "LLM requests per document classified", "goals (issue 9), dev and test; met = on test (NOT a result: oracle"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
