package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/besunny/workflows/internal/classify"
)

// llmRun is one classification of the real-world set through an LLM
// classifier: its results and the LLM requests it made.
type llmRun struct {
	results  []Result
	requests int
}

// llmShare is the share of the results kept whose decision the LLM made,
// and the share that ended in an error (the local decision stands then).
func llmShare(rs []Result, keep func(Result) bool) (decided, failed float64) {
	m := Compute(rs, keep)
	return ratio(m.LLMDecided, m.Docs), ratio(m.Errors, m.Docs)
}

// ReportRealLLM runs the zero-shot and after-5 settings of the
// real-world set with an LLM classifier — which is "openai" (every
// document to the model) or "hybrid" (the production routing: the local
// classifier first, the model only when HybridPolicy says the local
// decision is not sure) — and prints the same tables and goals as
// ReportReal, with the LLM requests per document. newModel makes each
// run's model (it sees the run's manual assignments); requests counts the
// requests of all of them; model names it, and unless live (the real API)
// the goals are marked as no result.
//
// The after-5 setting runs seeds times, like the learning curve; with the
// real API that is about seeds × the set's size requests at most.
func ReportRealLLM(ctx context.Context, w io.Writer, ds *Dataset, which string, newModel llmFactory, requests func() int, seeds int, model string, live bool) {
	route := func(local classify.Classifier, examples classify.ExampleSource) classify.Classifier {
		llm := newModel(ds, examples)
		if which == "openai" {
			return llm
		}
		return classify.NewHybrid(local, llm, classify.HybridPolicy{})
	}
	run := func(k int, seed uint64) llmRun {
		before := requests()
		rs := runRealWith(ctx, ds, pickExamples(ds, k, seed), which+strconv.Itoa(k)+"s"+strconv.FormatUint(seed, 10), route)
		return llmRun{results: rs, requests: requests() - before}
	}
	fmt.Fprintf(w, "real-world set through classifier %s (LLM: %s): %d documents, %d projects\n", which, model, len(ds.Items), len(ds.Projects[RealOwner]))

	zero := run(0, 0)
	fmt.Fprintln(w, "\nzero-shot (names, descriptions and keywords only):")
	printLLMSplits(w, []llmRun{zero})
	fmt.Fprintln(w, "\nzero-shot precision/coverage curve (assigned when the top confidence >= threshold):")
	printCurves(w, Curve(zero.results, isDev), Curve(zero.results, isTest))

	after := make([]llmRun, 0, seeds)
	after5 := make([][]Result, 0, seeds)
	for s := 1; s <= seeds; s++ {
		r := run(5, uint64(s))
		after = append(after, r)
		after5 = append(after5, r.results)
	}
	fmt.Fprintf(w, "\nafter 5 manual assignments per project (chosen among the dev split as in the learning curve; mean ± sd over %d seeds):\n", seeds)
	printLLMSplits(w, after)
	caveat := ""
	if !live {
		caveat = " (NOT a result: " + model + ")"
	}
	printGoals(w, zero.results, after5, caveat)
}

// printLLMSplits prints, for the dev and the test split, the goals'
// numbers over the runs (mean ± sd), the share of documents the LLM
// decided and the LLM requests per document classified.
func printLLMSplits(w io.Writer, runs []llmRun) {
	fmt.Fprintln(w, "  split  top-1           precision       coverage        no-project unclassified   LLM decided   LLM failed")
	for _, s := range []struct {
		name string
		keep func(Result) bool
	}{{"dev", isDev}, {"test", isTest}} {
		ms := make([]RealMetrics, 0, len(runs))
		var decided, failed float64
		for _, r := range runs {
			ms = append(ms, realMetrics(r.results, s.keep))
			d, f := llmShare(r.results, s.keep)
			decided += d / float64(len(runs))
			failed += f / float64(len(runs))
		}
		fmt.Fprintf(w, "  %-5s  %s   %s   %s   %s             %8.3f   %10.3f\n", s.name,
			meanSD(ms, func(m RealMetrics) float64 { return m.Top1 }),
			meanSD(ms, func(m RealMetrics) float64 { return m.Precision }),
			meanSD(ms, func(m RealMetrics) float64 { return m.Coverage }),
			meanSD(ms, func(m RealMetrics) float64 { return m.NoneRate }),
			decided, failed)
	}
	var req, docs, prompt int
	for _, r := range runs {
		req += r.requests
		docs += len(r.results)
		prompt += Compute(r.results, nil).Usage.PromptTokens
	}
	fmt.Fprintf(w, "  LLM requests per document classified (both splits): %.3f; prompt tokens per request: %.0f\n", ratio(req, docs), ratio(prompt, req))
}

// printCurves prints a precision/coverage curve of the dev and the test
// split side by side.
func printCurves(w io.Writer, dev, test []CurvePoint) {
	fmt.Fprintln(w, "  threshold   dev: precision coverage none-left   test: precision coverage none-left")
	for i := range dev {
		fmt.Fprintf(w, "  %9.2f   %14.3f %8.3f %9.3f   %15.3f %8.3f %9.3f\n", dev[i].Threshold,
			dev[i].Precision, dev[i].Coverage, dev[i].NoneRate, test[i].Precision, test[i].Coverage, test[i].NoneRate)
	}
}

// llmName names the LLM of an evaluation for its report.
func llmName(live bool, model, llm string) string {
	switch {
	case live && model != "":
		return "OpenAI " + model
	case live:
		return "OpenAI " + classify.DefaultOpenAIModel
	case llm == "oracle":
		return "oracle (knows the labels: an upper bound of the routing)"
	default:
		return "sandbox fake (a word-overlap heuristic: measures plumbing, not a model)"
	}
}
