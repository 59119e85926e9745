package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"time"

	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/openaifake"
)

// Build returns the classifier to evaluate, a function counting LLM
// requests (nil for local) and a cleanup function. openai and hybrid talk to
// an in-process fake server unless live is set and OPENAI_API_KEY is.
//
// llm "oracle" replaces the fake with a classifier that knows the labels:
// it bounds what the hybrid routing could gain from a perfect model.
func Build(which string, ds *Dataset, live bool, model string, llm ...string) (classify.Classifier, func() int, func(), error) {
	// The production classifier: the owner's collection is consulted
	// (internal/workerapp wires the store's).
	local := classify.NewLocal(ds).WithCollection(generatedCollection(ds), classify.CollectionOptions{})
	// Classification does not wait for a collection model (it is built in
	// the background); the evaluation builds each owner's first, so that
	// every document is scored with it, as the backlog does.
	for owner, ps := range ds.Projects {
		if err := local.PrepareCollection(context.Background(), owner, ps); err != nil {
			return nil, nil, nil, err
		}
	}
	if which == "local" {
		return local, nil, func() {}, nil
	}
	if which != "openai" && which != "hybrid" {
		return nil, nil, nil, fmt.Errorf("unknown classifier %q (want local, openai or hybrid)", which)
	}
	newModel, counter, cleanup, err := newLLM(live, model, llm...)
	if err != nil {
		return nil, nil, nil, err
	}
	return wrap(which, local, newModel(ds, ds)), counter, cleanup, nil
}

// liveTries is how often a live evaluation asks the API about one document
// before it records the failure.
const liveTries = 6

// llmFactory makes an evaluation's LLM classifier for one run: the oracle
// reads the labels of ds; a model sees the projects' manual assignments
// from examples, as the worker's sees the store's.
type llmFactory func(ds *Dataset, examples classify.ExampleSource) classify.Classifier

// newLLM returns the factory of an evaluation's LLM classifier, a function
// counting the requests of every classifier it made and a cleanup function:
// the real OpenAI API when live (with OPENAI_API_KEY), the oracle when llm
// is "oracle", else the in-process fake server.
func newLLM(live bool, model string, llm ...string) (llmFactory, func() int, func(), error) {
	cfg := classify.OpenAIConfig{Model: model}
	withExamples := func(ex classify.ExampleSource) *classify.OpenAI {
		c := cfg
		c.Examples = ex
		return classify.NewOpenAI(c)
	}
	n := 0
	counted := func(c classify.Classifier) classify.Classifier { return countingClassifier{c: c, n: &n} }
	requests := func() int { return n }
	if live {
		cfg.APIKey = os.Getenv("OPENAI_API_KEY")
		if cfg.APIKey == "" {
			return nil, nil, nil, fmt.Errorf("-live needs OPENAI_API_KEY")
		}
		return func(_ *Dataset, ex classify.ExampleSource) classify.Classifier {
			return retrying{c: counted(withExamples(ex)), tries: liveTries, backoff: time.Second}
		}, requests, func() {}, nil
	}
	if len(llm) > 0 && llm[0] == "oracle" {
		return func(ds *Dataset, _ classify.ExampleSource) classify.Classifier { return counted(oracle{ds}) }, requests, func() {}, nil
	}
	fake := openaifake.New(openaifake.Options{})
	srv := httptest.NewServer(fake)
	cfg.APIKey, cfg.BaseURL = "sk-fake", srv.URL+"/v1"
	return func(_ *Dataset, ex classify.ExampleSource) classify.Classifier { return withExamples(ex) }, fake.Requests, srv.Close, nil
}

func wrap(which string, local, llm classify.Classifier) classify.Classifier {
	if which == "openai" {
		return llm
	}
	return classify.NewHybrid(local, llm, classify.HybridPolicy{})
}
