package main

import (
	"math"
	"math/rand/v2"
	"sort"
)

// The test split is a sample: 287 labelled documents and about 170
// no-project ones. A goal's number on it carries the luck of which
// documents the split drew, which the spread over the seeds (the same
// documents each time) does not show. The goals table therefore gives each
// test number a 95 % percentile bootstrap interval over the test
// documents (Efron & Tibshirani 1993): the documents are drawn again with
// replacement, each with its outcomes in every run of the setting, and the
// number is computed again, intervalResamples times.

// intervalResamples is the number of bootstrap resamples: enough for the
// third decimal of a 95 % interval.
const intervalResamples = 2000

// intervalSeed fixes the resampling so that a report is reproducible.
const intervalSeed = 9

// goalNumber is how a goal's number is computed from the counts of the
// documents a sample holds.
type goalNumber func(Metrics) float64

func top1Number(m Metrics) float64      { return ratio(m.Top1, m.Labelled) }
func precisionNumber(m Metrics) float64 { return ratio(m.CorrectClassified, m.Classified) }
func noneLeftNumber(m Metrics) float64  { return ratio(m.NoProjectUnclassified, m.NoProject) }

// interval is the 95 % bootstrap interval of number over the documents
// keep selects, pooled over runs (runs classify the same documents with
// different examples). ok is false when the number is undefined in some
// resample (no document it counts).
func interval(runs [][]Result, keep func(Result) bool, number goalNumber) (lo, hi float64, ok bool) {
	byDoc := map[string][]Result{}
	var ids []string
	for _, rs := range runs {
		for _, r := range rs {
			if keep != nil && !keep(r) {
				continue
			}
			id := r.Item.Doc.ID
			if _, seen := byDoc[id]; !seen {
				ids = append(ids, id)
			}
			byDoc[id] = append(byDoc[id], r)
		}
	}
	if len(ids) == 0 {
		return 0, 0, false
	}
	docs := make([]Metrics, len(ids))
	for i, id := range ids {
		docs[i] = Compute(byDoc[id], nil)
	}
	r := rand.New(rand.NewPCG(intervalSeed, uint64(len(ids))))
	values := make([]float64, intervalResamples)
	for b := range values {
		var sum Metrics
		for range docs {
			sum.addCounts(docs[r.IntN(len(docs))])
		}
		v := number(sum)
		if math.IsNaN(v) {
			return 0, 0, false
		}
		values[b] = v
	}
	sort.Float64s(values)
	return values[intervalResamples*25/1000], values[intervalResamples*975/1000-1], true
}

// addCounts adds the document counts of o to m (not its timings, usage or
// confusions).
func (m *Metrics) addCounts(o Metrics) {
	m.Docs += o.Docs
	m.Labelled += o.Labelled
	m.NoProject += o.NoProject
	m.Top1 += o.Top1
	m.Classified += o.Classified
	m.CorrectClassified += o.CorrectClassified
	m.LabelledClassified += o.LabelledClassified
	m.NoProjectUnclassified += o.NoProjectUnclassified
}
