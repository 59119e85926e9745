package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/besunny/workflows/internal/classify"
)

// Result is one classified document.
type Result struct {
	Item     Item
	Decision classify.Decision
	Err      error
	Elapsed  time.Duration
}

// Run classifies every item against its owner's projects.
func Run(ctx context.Context, c classify.Classifier, ds *Dataset) []Result {
	out := make([]Result, 0, len(ds.Items))
	for _, it := range ds.Items {
		doc := it.Doc
		doc.Owner = it.Owner
		start := time.Now()
		d, err := c.Classify(ctx, doc, ds.Projects[it.Owner])
		out = append(out, Result{Item: it, Decision: d, Err: err, Elapsed: time.Since(start)})
	}
	return out
}

// Metrics summarise results.
type Metrics struct {
	Docs, Labelled, NoProject int
	Top1                      int // labelled docs whose best candidate is the label
	Classified                int // docs with a project assigned
	CorrectClassified         int
	LabelledClassified        int
	NoProjectUnclassified     int
	Errors                    int
	LLMDecided                int
	Usage                     classify.Usage
	Total                     time.Duration
	Confusions                map[[2]string]int // label -> predicted ("" = none)
}

func (m Metrics) pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// Accuracy is the top-1 accuracy on documents that belong to a project.
func (m Metrics) Accuracy() float64 { return m.pct(m.Top1, m.Labelled) }

// Precision is the share of correct assignments among assigned documents.
func (m Metrics) Precision() float64 { return m.pct(m.CorrectClassified, m.Classified) }

// Coverage is the share of all documents that were assigned a project.
func (m Metrics) Coverage() float64 { return m.pct(m.Classified, m.Docs) }

// Recall is the share of project documents assigned to their project.
func (m Metrics) Recall() float64 { return m.pct(m.CorrectClassified, m.Labelled) }

// NoneRate is the share of no-project documents left unclassified.
func (m Metrics) NoneRate() float64 { return m.pct(m.NoProjectUnclassified, m.NoProject) }

// Compute computes metrics for the results that keep returns true for.
func Compute(rs []Result, keep func(Result) bool) Metrics {
	m := Metrics{Confusions: map[[2]string]int{}}
	for _, r := range rs {
		if keep != nil && !keep(r) {
			continue
		}
		m.Docs++
		m.Total += r.Elapsed
		if r.Err != nil {
			m.Errors++
		}
		d := r.Decision
		m.Usage.PromptTokens += d.Usage.PromptTokens
		m.Usage.CompletionTokens += d.Usage.CompletionTokens
		if strings.HasPrefix(d.Decider, "openai") {
			m.LLMDecided++
		}
		best := d.ProjectID
		if best == "" && len(d.Candidates) > 0 {
			best = d.Candidates[0].ProjectID
		}
		if d.ProjectID != "" {
			m.Classified++
			if d.ProjectID == r.Item.Label {
				m.CorrectClassified++
			}
		}
		if r.Item.Label == "" {
			m.NoProject++
			if d.ProjectID == "" {
				m.NoProjectUnclassified++
			} else {
				m.Confusions[[2]string{"", d.ProjectID}]++
			}
			continue
		}
		m.Labelled++
		if best == r.Item.Label {
			m.Top1++
		}
		if d.ProjectID != "" {
			m.LabelledClassified++
			if d.ProjectID != r.Item.Label {
				m.Confusions[[2]string{r.Item.Label, d.ProjectID}]++
			}
		} else if best != r.Item.Label {
			m.Confusions[[2]string{r.Item.Label, "(unclassified; best " + best + ")"}]++
		}
	}
	return m
}

// TopConfusions returns the most frequent wrong pairs.
func (m Metrics) TopConfusions(n int) []string {
	type pc struct {
		k [2]string
		c int
	}
	var ps []pc
	for k, c := range m.Confusions {
		ps = append(ps, pc{k, c})
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].c != ps[j].c {
			return ps[i].c > ps[j].c
		}
		return ps[i].k[0]+ps[i].k[1] < ps[j].k[0]+ps[j].k[1]
	})
	var out []string
	for i := 0; i < len(ps) && i < n; i++ {
		from := ps[i].k[0]
		if from == "" {
			from = "(no project)"
		}
		out = append(out, fmt.Sprintf("%s -> %s: %d", from, ps[i].k[1], ps[i].c))
	}
	return out
}

// Print writes a human-readable report.
func Print(w io.Writer, name string, m Metrics, llm bool) {
	fmt.Fprintf(w, "%-9s docs %3d  top-1 accuracy %5.1f%% (%d/%d)  precision %5.1f%% (%d/%d)  coverage %5.1f%%  recall@threshold %5.1f%%  no-project unclassified %5.1f%% (%d/%d)",
		name, m.Docs, m.Accuracy(), m.Top1, m.Labelled, m.Precision(), m.CorrectClassified, m.Classified,
		m.Coverage(), m.Recall(), m.NoneRate(), m.NoProjectUnclassified, m.NoProject)
	if llm {
		fmt.Fprintf(w, "  LLM decided %5.1f%%  tokens %d+%d", m.pct(m.LLMDecided, m.Docs), m.Usage.PromptTokens, m.Usage.CompletionTokens)
	}
	if m.Errors > 0 {
		fmt.Fprintf(w, "  errors %d", m.Errors)
	}
	fmt.Fprintln(w)
}
