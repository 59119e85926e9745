package classify

import (
	"math"
	"sort"
)

// Learning from assigned documents: each project has a centroid (Rocchio)
// of its examples' term vectors (words and layout features), with the
// project's own description, keywords and name as a prior pseudo-document.
// The evidence for a project is how much closer a document is to that
// project's centroid than to the background centroid — all the projects'
// centroids (a project without examples by its description), each
// weighing the same — so what every
// project's mail has in common counts for none of them, and mail unlike all
// of it stays unclassified. It weighs more as the examples grow (with none
// the zero-shot score stands alone), and the description's vocabulary
// weighs less (localParams.seedK): the user's corrections win over the
// words they typed.
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
	addVec := func(weight float64, countDF bool, terms ...map[string]float64) {
		norm := 0.0
		for _, m := range terms {
			for _, tf := range m {
				v := math.Log1p(tf)
				norm += v * v
			}
		}
		if norm == 0 {
			return
		}
		norm = math.Sqrt(norm)
		for _, m := range terms {
			for t, tf := range m {
				sum[t] += weight * math.Log1p(tf) / norm
				if countDF {
					df[t] += weight
				}
			}
		}
	}
	for i, a := range examples {
		w := 1.0
		if !manual[i] {
			w = centAutoWeight
		}
		addVec(w, true, a.terms, a.shapes)
		c.examples += w
	}
	// A project without examples still has its description: it is part of
	// the background the other projects' centroids are compared with.
	addVec(centPrior, false, seed)

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
	// The background centroid (index len(profiles)): every project's
	// examples together, each project with the same weight. A document is
	// evidence for a project by how much closer it is to that project's
	// centroid than to the user's documents at large.
	bg := map[uint32]float64{}
	add := func(i int, ids []uint32, w []float64) {
		norm := 0.0
		for j, id := range ids {
			v := w[j] * ix.idf[id]
			norm += v * v
		}
		if norm == 0 {
			return
		}
		norm = math.Sqrt(norm)
		for j, id := range ids {
			if v := w[j] * ix.idf[id] / norm; v > 0 {
				ix.postings[id] = append(ix.postings[id], posting{int32(i), v})
				if i < len(profiles) {
					bg[id] += v
				}
			}
		}
	}
	for i, p := range profiles {
		add(i, p.cent.ids, p.cent.w)
	}
	ids := make([]uint32, 0, len(bg))
	for id := range bg {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	w := make([]float64, len(ids))
	for i, id := range ids {
		w[i] = bg[id] / ix.idf[id] // add applies the IDF again
	}
	add(len(profiles), ids, w)
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

// cosines returns the document's cosine similarity to every profile's
// centroid (0 for profiles without examples) and, last, to the background
// centroid. Terms the index does not know count in the document's norm with
// the IDF of an unseen term.
func (ix *centroidIndex) cosines(a *analysis, dict *termDict, n int) []float64 {
	out := make([]float64, n+1)
	if len(ix.postings) == 0 {
		return out
	}
	fixed := make([]int64, n+1)
	norm := 0.0
	dict.mu.RLock()
	for _, m := range []map[string]float64{a.terms, a.shapes} {
		for t, tf := range m {
			id, ok := dict.ids[t]
			_, common := commonWords[t]
			idf := centIDF(0, 0, common)
			if ok {
				if v, known := ix.idf[id]; known {
					idf = v
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
