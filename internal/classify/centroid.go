package classify

import (
	"math"
	"sort"
)

// Learning from assigned documents: each project has a centroid (Rocchio)
// of its examples' term vectors, with the project's own description,
// keywords and name as a prior pseudo-document. A document's cosine
// similarity to the centroids is evidence that grows with the number of
// examples: with none it adds nothing (the zero-shot score stands alone),
// with a handful it is what tells a user's projects apart, the way a text
// classifier trained on those documents would.
//
// Term weights are log(1 + tf) × IDF, where the IDF comes from the
// candidate set's own examples (the user's assigned documents, so what is
// distinctive for this user, not for English in general), smoothed with
// background documents.

const (
	// centPrior is the weight of the project's own description in its
	// centroid, in examples.
	centPrior = 1.0
	// centAutoWeight is the weight of an automatic assignment relative to a
	// manual one.
	centAutoWeight = 0.5
	// centMaxTerms bounds a centroid's vocabulary (the heaviest terms are
	// kept), so that 200 examples per project stay cheap to score.
	centMaxTerms = 1500
	// centBgDocs are background documents in the IDF, and centBgCommon
	// the background documents a common word occurs in.
	centBgDocs   = 20.0
	centBgCommon = 12.0
)

// centroid is the example side of a profile, before IDF.
type centroid struct {
	ids []uint32  // sorted
	w   []float64 // sum of the examples' unit vectors (no IDF yet)
	// df is, by ids index, the weighted number of examples with the term.
	df []float64
	// examples is the weighted number of examples (manual 1, automatic
	// centAutoWeight); 0 means the profile has no centroid evidence.
	examples float64
}

// buildCentroid sums the unit term vectors of the examples and the seed
// (the profile's own terms before examples).
func buildCentroid(seed map[string]float64, examples []*analysis, manual []bool, dict *termDict) centroid {
	sum := map[string]float64{}
	df := map[string]float64{}
	var c centroid
	addVec := func(terms map[string]float64, weight float64, countDF bool) {
		norm := 0.0
		for t, tf := range terms {
			if !isStopFeature(t) {
				v := math.Log1p(tf)
				norm += v * v
			}
		}
		if norm == 0 {
			return
		}
		norm = math.Sqrt(norm)
		for t, tf := range terms {
			if isStopFeature(t) {
				continue
			}
			sum[t] += weight * math.Log1p(tf) / norm
			if countDF {
				df[t] += weight
			}
		}
	}
	for i, a := range examples {
		w := 1.0
		if !manual[i] {
			w = centAutoWeight
		}
		addVec(a.feat, w, true)
		c.examples += w
	}
	if c.examples == 0 {
		return c
	}
	addVec(seed, centPrior, false)

	type tw struct {
		t string
		w float64
	}
	tws := make([]tw, 0, len(sum))
	for t, w := range sum {
		tws = append(tws, tw{t, w})
	}
	if len(tws) > centMaxTerms {
		sort.Slice(tws, func(i, j int) bool {
			if tws[i].w != tws[j].w {
				return tws[i].w > tws[j].w
			}
			return tws[i].t < tws[j].t
		})
		tws = tws[:centMaxTerms]
	}
	type iw struct {
		id    uint32
		w, df float64
	}
	iws := make([]iw, len(tws))
	for i, x := range tws {
		iws[i] = iw{dict.intern(x.t), x.w, df[x.t]}
	}
	sort.Slice(iws, func(i, j int) bool { return iws[i].id < iws[j].id })
	c.ids = make([]uint32, len(iws))
	c.w = make([]float64, len(iws))
	c.df = make([]float64, len(iws))
	for i, x := range iws {
		c.ids[i], c.w[i], c.df[i] = x.id, x.w, x.df
	}
	return c
}

// centroidIndex is the candidate set's centroids with IDF applied, as an
// inverted index.
type centroidIndex struct {
	idf      map[uint32]float64
	postings map[uint32][]posting // unit-length centroid weights
	examples []float64            // by profile
}

func newCentroidIndex(profiles []*profile, dict *termDict) *centroidIndex {
	ix := &centroidIndex{idf: map[uint32]float64{}, postings: map[uint32][]posting{}, examples: make([]float64, len(profiles))}
	total := 0.0
	df := map[uint32]float64{}
	for i, p := range profiles {
		ix.examples[i] = p.cent.examples
		total += p.cent.examples
		for j, id := range p.cent.ids {
			df[id] += p.cent.df[j]
		}
	}
	if total == 0 {
		return ix
	}
	dict.mu.RLock()
	for id, d := range df {
		ix.idf[id] = centIDF(total, d, dict.common[id])
	}
	dict.mu.RUnlock()
	for i, p := range profiles {
		norm := 0.0
		for j, id := range p.cent.ids {
			v := p.cent.w[j] * ix.idf[id]
			norm += v * v
		}
		if norm == 0 {
			continue
		}
		norm = math.Sqrt(norm)
		for j, id := range p.cent.ids {
			if v := p.cent.w[j] * ix.idf[id] / norm; v > 0 {
				ix.postings[id] = append(ix.postings[id], posting{int32(i), v})
			}
		}
	}
	return ix
}

// centIDF is the IDF of a feature that df of the examples (out of total)
// have, with background documents in which a common word is frequent.
func centIDF(total, df float64, common bool) float64 {
	bg := 0.0
	if common {
		bg = centBgCommon
	}
	return math.Max(0, math.Log((total+centBgDocs+1)/(df+bg+0.5)))
}

// cosines returns the document's cosine similarity to every centroid
// (0 for profiles without examples). Features the index does not know
// still count in the document's norm; stop words count nowhere.
func (ix *centroidIndex) cosines(a *analysis, dict *termDict, n int) []float64 {
	out := make([]float64, n)
	if len(ix.postings) == 0 {
		return out
	}
	fixed := make([]int64, n)
	norm := 0.0
	dict.mu.RLock()
	for t, tf := range a.feat {
		id, ok := dict.ids[t]
		idf := 0.0
		switch {
		case !ok:
			if isStopFeature(t) {
				continue
			}
			_, common := commonWords[t]
			idf = centIDF(0, 0, common)
		case dict.stop[id]:
			continue
		default:
			if v, known := ix.idf[id]; known {
				idf = v
			} else {
				idf = centIDF(0, 0, dict.common[id])
			}
		}
		v := math.Log1p(tf) * idf
		norm += v * v
		if !ok {
			continue
		}
		for _, p := range ix.postings[id] {
			fixed[p.p] += int64(math.Round(v * p.w * fixedScale))
		}
	}
	dict.mu.RUnlock()
	if norm == 0 {
		return out
	}
	norm = math.Sqrt(norm)
	for i := range out {
		out[i] = float64(fixed[i]) / fixedScale / norm
	}
	return out
}
