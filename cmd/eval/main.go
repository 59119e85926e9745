// Command eval measures a document classifier on the generated evaluation
// set in testdata/classify, or the local classifier on real mail.
//
//	go run ./cmd/eval [-classifier local|openai|hybrid] [-data testdata/classify] [-live] [-llm fake|oracle] [-v]
//	go run ./cmd/eval -real <corpus data dir> [-real-projects testdata/classify/real/projects.json] [-real-lists testdata/classify/real/lists.json] [-seeds 5] [-v]
//	go run ./cmd/eval -real <corpus data dir> -classifier openai|hybrid [-live] [-llm fake|oracle] [-seeds 5]
//
// -real runs the real-world evaluation (make eval-real downloads the corpus):
// the SpamAssassin corpus's RSS items against the committed projects, with
// every List-Id message held back unread (see testdata/classify/real).
// With -classifier openai or hybrid it runs the goals' two settings
// (zero-shot, and 5 assignments per project) through the LLM path instead
// of the local learning curve and the list-mail check.
//
// openai and hybrid run against an in-process fake OpenAI server
// (internal/openaifake) unless -live is given and OPENAI_API_KEY is set.
// The fake answers with a word-overlap heuristic, so its numbers measure the
// plumbing and the routing, not a model; -llm oracle replaces it with the
// true labels to bound what the hybrid routing could gain.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	which := flag.String("classifier", "local", "local, openai or hybrid")
	dir := flag.String("data", "testdata/classify", "directory with projects.json and documents.jsonl")
	live := flag.Bool("live", false, "use the real OpenAI API (needs OPENAI_API_KEY)")
	model := flag.String("model", "", "OpenAI model (default gpt-4o-mini)")
	verbose := flag.Bool("v", false, "list every wrong decision")
	llm := flag.String("llm", "fake", "without -live: fake (in-process openaifake) or oracle (knows the labels; an upper bound)")
	real := flag.String("real", "", "run the real-world evaluation on the SpamAssassin corpus in this directory (make eval-real)")
	realProjects := flag.String("real-projects", "testdata/classify/real/projects.json", "projects of the real-world evaluation")
	lists := flag.String("real-lists", "testdata/classify/real/lists.json", "mailing lists of the real-world evaluation's list-mail check (\"\" skips it)")
	seeds := flag.Int("seeds", 5, "real-world evaluation: seeds of the learning curve")
	flag.Parse()

	if *real != "" {
		ds, st, err := LoadReal(*real, *realProjects, DefaultRealOptions)
		if err != nil {
			fmt.Fprintln(os.Stderr, "eval:", err)
			os.Exit(1)
		}
		if *which != "local" {
			// The LLM path on real mail: the goals' settings through the
			// production routing (or the model alone).
			if *which != "openai" && *which != "hybrid" {
				fmt.Fprintf(os.Stderr, "eval: unknown classifier %q (want local, openai or hybrid)\n", *which)
				os.Exit(2)
			}
			newModel, requests, cleanup, err := newLLM(*live, *model, *llm)
			if err != nil {
				fmt.Fprintln(os.Stderr, "eval:", err)
				os.Exit(2)
			}
			defer cleanup()
			ReportRealLLM(context.Background(), os.Stdout, ds, *which, newModel, requests, *seeds, llmName(*live, *model, *llm), *live)
			return
		}
		ReportReal(context.Background(), os.Stdout, ds, st, *seeds, *verbose)
		ReportSmallMailboxes(context.Background(), os.Stdout, ds)
		if *lists != "" {
			opt := DefaultRealOptions
			opt.ListsFile = *lists
			ds, st, err := LoadReal(*real, *realProjects, opt)
			if err != nil {
				fmt.Fprintln(os.Stderr, "eval:", err)
				os.Exit(1)
			}
			ReportLists(context.Background(), os.Stdout, ds, st, *seeds)
		}
		return
	}

	ds, err := Load(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
	c, counter, cleanup, err := Build(*which, ds, *live, *model, *llm)
	if err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(2)
	}
	defer cleanup()

	start := time.Now()
	rs := Run(context.Background(), c, ds)
	wall := time.Since(start)
	Report(os.Stdout, *which, ds, rs, wall, counter, *verbose)
}
