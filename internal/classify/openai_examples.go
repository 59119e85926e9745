package classify

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// The model learns from the user's corrections the way the local
// classifier does, only in context: each candidate project in the prompt
// lists the openings of a few documents the user filed there by hand. A
// project's description says what its owner meant; what they filed says
// what its mail looks like — on real mail the two share few words
// (testdata/classify/RESULTS.md), and without them a model asked after
// five corrections would decide as if it had seen none.

// DefaultLLMExamples is the number of manual assignments per project shown
// to the model when OpenAIConfig.Examples is set and ExamplesPerProject is
// not.
const DefaultLLMExamples = 3

// Bounds of one example in the prompt: its title and the opening of its
// text, on one line.
const (
	llmExampleTitleBytes   = 80
	llmExampleOpeningBytes = 160
)

// maxFewShotEntries bounds the rendered examples kept (one entry per
// project revision); the cache starts over when it is full.
const maxFewShotEntries = 4096

// fewShot renders and caches each project's examples for the prompt, keyed
// by (project, revision): the revision changes whenever the project's
// assigned documents do, so a correction is seen at the next request and
// the store is asked once per revision, not once per document.
type fewShot struct {
	src ExampleSource
	per int

	mu    sync.Mutex
	cache map[cacheKey][]string
}

func newFewShot(src ExampleSource, per int) *fewShot {
	if src == nil {
		return nil
	}
	if per <= 0 {
		per = DefaultLLMExamples
	}
	return &fewShot{src: src, per: per, cache: map[cacheKey][]string{}}
}

// examples returns, by project id, the rendered manual examples of each
// project: up to f.per, one beyond 15 candidates and none beyond 40, as the
// prompt's descriptions shorten so that the candidates keep room for the
// document (nil when f is nil).
func (f *fewShot) examples(ctx context.Context, projects []Project) (map[string][]string, error) {
	n := 0
	if f != nil {
		n = f.per
	}
	switch {
	case len(projects) > 40:
		n = 0
	case len(projects) > 15:
		n = min(n, 1)
	}
	if n == 0 {
		return nil, nil
	}
	out := make(map[string][]string, len(projects))
	for _, p := range projects {
		lines, err := f.project(ctx, p)
		if err != nil {
			return nil, err
		}
		if len(lines) > n {
			lines = lines[:n]
		}
		out[p.ID] = lines
	}
	return out, nil
}

func (f *fewShot) project(ctx context.Context, p Project) ([]string, error) {
	key := cacheKey{p.ID, p.Revision}
	if p.Revision != "" {
		f.mu.Lock()
		lines, ok := f.cache[key]
		f.mu.Unlock()
		if ok {
			return lines, nil
		}
	}
	exs, err := f.src.Examples(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("classify: examples of project %s for the model: %w", p.ID, err)
	}
	lines := make([]string, 0, f.per)
	for _, e := range exs {
		if len(lines) == f.per {
			break
		}
		// Automatic assignments are the classifier's own guesses, not
		// the user's word.
		if e.Manual {
			lines = append(lines, renderExample(e))
		}
	}
	if p.Revision != "" {
		f.mu.Lock()
		if len(f.cache) >= maxFewShotEntries {
			clear(f.cache)
		}
		f.cache[key] = lines
		f.mu.Unlock()
	}
	return lines, nil
}

// renderExample is an example on one line: its title in quotes, then the
// opening of its text. The prompt's list separator " | " is taken out of
// both.
func renderExample(e Example) string {
	flat := func(s string, n int) string {
		return clip(strings.ReplaceAll(oneLine(s), " | ", " / "), n)
	}
	s := `"` + flat(e.Title, llmExampleTitleBytes) + `"`
	if t := flat(e.Text, llmExampleOpeningBytes); t != "" {
		s += " " + t
	}
	return s
}

// fitExamples keeps the same number of examples for every project, as many
// as fit in maxBytes together (a third of the prompt's budget: the document
// keeps the rest of the room).
func fitExamples(examples map[string][]string, maxBytes int) map[string][]string {
	n := 0
	for _, lines := range examples {
		n = max(n, len(lines))
	}
	size := func(n int) int {
		total := 0
		for _, lines := range examples {
			for _, l := range lines[:min(n, len(lines))] {
				total += len(l) + len(" | ")
			}
		}
		return total
	}
	for n > 0 && size(n) > maxBytes {
		n--
	}
	out := make(map[string][]string, len(examples))
	for id, lines := range examples {
		out[id] = lines[:min(n, len(lines))]
	}
	return out
}
