package main

import (
	"fmt"
	"math"
	"testing"

	"github.com/besunny/workflows/internal/classify"
)

// labelledRun is a run over n labelled test documents of project "p", the
// first right of them placed in p and the rest in "q".
func labelledRun(n, right int) []Result {
	rs := make([]Result, n)
	for i := range rs {
		got := "q"
		if i < right {
			got = "p"
		}
		rs[i] = Result{
			Item:     Item{Doc: classify.Document{ID: fmt.Sprint("doc", i)}, Label: "p", Holdout: true},
			Decision: classify.Decision{ProjectID: got, Confidence: 0.9},
		}
	}
	return rs
}

func TestInterval_CoversTheNumberWithTheWidthOfItsSample(t *testing.T) {
	lo, hi, ok := interval([][]Result{labelledRun(400, 200)}, isTest, top1Number)
	if !ok || lo > 0.5 || hi < 0.5 {
		t.Fatalf("top-1 0.5 outside its interval [%.3f, %.3f] (ok %v)", lo, hi, ok)
	}
	// A binomial proportion of 400 at 0.5: 95 % of it within ±1.96·0.025.
	if w := hi - lo; math.Abs(w-0.098) > 0.02 {
		t.Errorf("interval width %.3f, want about 0.098", w)
	}
	lo2, hi2, _ := interval([][]Result{labelledRun(400, 200)}, isTest, top1Number)
	if lo2 != lo || hi2 != hi {
		t.Error("the same results gave another interval")
	}
	if lo, hi, _ := interval([][]Result{labelledRun(40, 20)}, isTest, top1Number); hi-lo < 0.2 {
		t.Errorf("40 documents: interval [%.3f, %.3f] narrower than their sample allows", lo, hi)
	}
	if lo, hi, _ := interval([][]Result{labelledRun(50, 50)}, isTest, top1Number); lo != 1 || hi != 1 {
		t.Errorf("every document right: interval [%.3f, %.3f]", lo, hi)
	}
}

func TestInterval_ResamplesDocumentsWithTheirOutcomesInEveryRun(t *testing.T) {
	// The same 300 documents in two runs: right in the first, wrong in the
	// second. Resampling documents (not results) keeps each at half right,
	// so the interval is the single point 0.5.
	lo, hi, ok := interval([][]Result{labelledRun(300, 300), labelledRun(300, 0)}, isTest, top1Number)
	if !ok || lo != 0.5 || hi != 0.5 {
		t.Errorf("interval [%.3f, %.3f] (ok %v), want [0.5, 0.5]", lo, hi, ok)
	}
}

func TestInterval_UndefinedWithoutTheDocumentsItCounts(t *testing.T) {
	if _, _, ok := interval([][]Result{labelledRun(10, 5)}, isDev, top1Number); ok {
		t.Error("an interval over no documents")
	}
	if _, _, ok := interval([][]Result{labelledRun(10, 5)}, isTest, noneLeftNumber); ok {
		t.Error("a no-project interval without no-project documents")
	}
}
