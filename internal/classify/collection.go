package classify

import (
	"math"
	"sort"
	"strings"
	"sync"
)

// The collection model: what the owner's whole collection tells.
//
// A user's mail comes from a few sources — a newsletter, a colleague, a
// feed, a mailing list — and each source writes in its own way (style.go)
// about its own things. So the owner's documents, assigned or not, form
// clusters, and a document's nearest neighbours in the collection mostly
// come from its own source: on the real-world evaluation set 89 % of the
// labelled documents have a nearest neighbour of their own feed, against
// 50 % on words alone. The model is graph-based semi-supervised learning
// ("Learning with local and global consistency", Zhou, Bousquet, Lal,
// Weston & Schölkopf, 2004): a k-nearest-neighbour graph over the
// collection (cosine of TF-IDF vectors of words, layout, style, sender and
// conversation features, thread.go), on which the user's manual
// assignments spread their project to the documents around them, and
// every document starts from its own weak prior — the local scorer's
// probabilities (descriptions, keywords, contacts, the centroids of
// assigned documents), "no project" included.
// Five corrections per project thus teach the whole cluster each of them
// sits in, not five documents; a document far from every correction keeps
// what the scorer said, mostly "no project".
//
// A document is scored inductively: its neighbours among the collection
// (itself excluded, so a document of the collection scores as one more
// step of the propagation would place it) pass it their propagated
// distributions, mixed with its own prior and sharpened (collectionParams).

// CollectionDoc is one of the owner's documents as the collection model sees
// it: its text, and the project a user assigned it to by hand (Manual; a
// manual assignment with ProjectID "" is a manual "no project"). Automatic
// assignments are not labels: the model must not learn from its own guesses
// as if they were the user's.
type CollectionDoc struct {
	ID, Title, Author, Text string
	ProjectID               string
	Manual                  bool
}

// collectionParams are the model's settings, chosen on the development half
// of the real-world evaluation (cmd/eval -real; see
// testdata/classify/RESULTS.md).
type collectionParams struct {
	styleW float64 // weight of a layout or style feature (a word weighs up to 3)
	// senderW is the weight of the sender's address and domain: people
	// write to the same few places, so on the list-mail check a sender
	// says more than a style mark (twice: 0.81 -> 0.85 top-1 after 5 on
	// dev; four times began to cost the feeds precision).
	senderW float64
	// threadW is the weight of the conversation a subject names
	// (thread.go): twice a style mark, as a shared conversation says as
	// much as a sender (list-mail check, dev, after 5: 0.78 -> 0.81 top-1;
	// 4 gave 0.80, 16 the same 0.81; the feeds unchanged).
	threadW float64
	knn     int // neighbours per document in the graph
	// alpha is how much a document takes from its neighbours (vs its own
	// prior). 0.95 rather than the usual 0.9 lets a correction reach
	// further into its cluster (dev after 5: feeds top-1 0.956 -> 0.963,
	// list mail 0.849 -> 0.878) but flattens every distribution, which
	// sharpen restores.
	alpha float64
	// sharpen is the power the propagated distribution is raised to before
	// it is normalised again (temperature scaling): 1.25 brings the
	// confidences back to the scale the production threshold was set on
	// (dev after 5 at alpha 0.95: coverage 0.29 at 1, 0.47 at 1.2, 0.52 at
	// 1.25 with precision 0.982, 0.57 at 1.3 with 0.977).
	sharpen float64
	priorW  float64 // weight of an unlabelled document's prior, against 1 for a correction
	// sureW is the weight of the document's own prior when the scorer is
	// sure of a project on its own, and sureSeedW the same for the
	// collection's documents in the propagation.
	sureW, sureSeedW float64
	// minTaught is the number of manual assignments a project needs before
	// the collection's view of it replaces the scorer's: one correction is
	// one example, two begin to say what the project's mail is like.
	minTaught int
	// iters is the number of propagation steps. At alpha 0.95, 30 leave
	// 0.95^30 ≈ 0.2 of the series out: a walk cut at 30 steps; 60 gave the
	// same dev top-1 within 0.006 and lower coverage, so the cheaper walk
	// stays.
	iters int
	minDF int // a feature must occur in this many documents
	// ranksOnly makes the model order the candidates while the scorer's
	// confidence decides (rankedByCollection): a small collection's
	// neighbours rank a document's projects far better than its words do,
	// but their propagated confidences are not calibrated.
	ranksOnly bool
}

var defaultCollectionParams = collectionParams{styleW: 4, senderW: 8, threadW: 8, knn: 10, alpha: 0.95, sharpen: 1.25, priorW: 0.01, sureW: 0.01, sureSeedW: 0.01, minTaught: 2, iters: 30, minDF: 2}

// collectionParamsFor are the settings of a model of n documents: below
// minDecide it only ranks, with a fifth of the collection (at least 3) as
// a document's neighbours, as ten are of fifty.
func collectionParamsFor(n, minDecide int) collectionParams {
	pp := defaultCollectionParams
	if n < minDecide {
		pp.ranksOnly = true
		pp.knn = max(3, n/5)
	}
	return pp
}

// CollectionModel is the propagated collection of one owner for one set of
// projects. It is immutable and safe for concurrent use.
type CollectionModel struct {
	params   collectionParams
	projects []string       // class i < len(projects) is project i; the last class is "no project"
	pindex   map[string]int // project ID -> class
	vocab    map[string]int32
	idf      []float32
	ids      []string            // by document
	index    map[string]int32    // document ID -> index
	postings [][]collectionEntry // by term: the documents' unit-vector weights
	vecs     [][]collectionEntry // by document: its unit vector (entry.doc is the term)
	deg      []float32           // by document: its degree in the graph
	dist     [][]float32         // by document: the propagated class distribution
	label    []int16             // by document: the class of a manual assignment, -1 for none
	taught   []int               // by class: its manual assignments
	manual   int
	scratch  sync.Pool // of *searchScratch, for score
}

type collectionEntry struct {
	doc int32
	w   float32
}

// Documents returns the number of documents the model holds.
func (m *CollectionModel) Documents() int { return len(m.ids) }

// Corrections returns the number of manual assignments among them.
func (m *CollectionModel) Corrections() int { return m.manual }

// collectionFeatures are a document's features for the collection graph:
// its words (weighted by where they occur, as for the scorer, and
// saturated), its layout and style, who sent it, the sites it links to and
// the conversation its subject names.
func collectionFeatures(doc Document, a *analysis, pp collectionParams) map[string]float64 {
	styleW := pp.styleW
	f := make(map[string]float64, len(a.terms)+len(a.shapes)+32)
	for t, w := range a.terms {
		f[t] = math.Min(w, 3)
	}
	for t, w := range a.shapes {
		f[t] = w * styleW
	}
	if a.sender != "" {
		f[shapePrefix+"from "+a.sender] = pp.senderW
		if !isFreemail(a.senderDomain) {
			f[shapePrefix+"domain "+a.senderDomain] = pp.senderW
		}
	}
	for d := range a.domains {
		f[shapePrefix+"link "+d] = 1
	}
	if a.thread != "" {
		f[threadFeature+a.thread] = pp.threadW
	}
	addStyle(f, doc.Title, doc.Text, a.reply, styleW)
	return f
}

// buildCollectionModel builds the graph over docs and propagates the manual
// assignments. prior gives each document's prior over the classes (the
// projects in order, then "no project"); it is not called for manually
// assigned documents.
func buildCollectionModel(projects []Project, docs []CollectionDoc, prior func(i int, a *analysis) ([]float64, bool), pp collectionParams) *CollectionModel {
	np := len(projects)
	C := np + 1
	m := &CollectionModel{params: pp, pindex: make(map[string]int, np), vocab: map[string]int32{}}
	for i, p := range projects {
		m.projects = append(m.projects, p.ID)
		m.pindex[p.ID] = i
	}
	N := len(docs)
	m.ids = make([]string, N)
	m.index = make(map[string]int32, N)
	feats := make([]map[string]float64, N)
	analyses := make([]*analysis, N)
	df := map[string]int{}
	answered := map[string]bool{} // conversations with a reply or a forward
	for i, d := range docs {
		m.ids[i] = d.ID
		m.index[d.ID] = int32(i)
		doc := Document{ID: d.ID, Title: d.Title, Author: d.Author, Text: d.Text}
		analyses[i] = analyzeDocument(doc)
		feats[i] = collectionFeatures(doc, analyses[i], pp)
		for t := range feats[i] {
			df[t]++
		}
		if analyses[i].reply {
			answered[threadFeature+analyses[i].thread] = true
		}
	}
	terms := make([]string, 0, len(df))
	for t, n := range df {
		if n < pp.minDF {
			continue
		}
		if strings.HasPrefix(t, threadFeature) && !answered[t] {
			// Two messages called "Quick question" are two conversations
			// until one of them is answered.
			continue
		}
		terms = append(terms, t)
	}
	sort.Strings(terms)
	m.idf = make([]float32, len(terms))
	for i, t := range terms {
		m.vocab[t] = int32(i)
		m.idf[i] = float32(math.Log(float64(N) / float64(df[t])))
	}
	m.postings = make([][]collectionEntry, len(terms))
	vecs := make([][]collectionEntry, N) // by document: (term, weight)
	for i, f := range feats {
		vecs[i] = m.unitVector(f)
		for _, e := range vecs[i] {
			m.postings[e.doc] = append(m.postings[e.doc], collectionEntry{int32(i), e.w})
		}
	}

	// The graph: every document's k nearest neighbours, made symmetric.
	nbrs := make([]map[int32]float32, N)
	for i := range nbrs {
		nbrs[i] = map[int32]float32{}
	}
	m.vecs = vecs
	sc := m.newSearchScratch()
	for i := range docs {
		for _, nb := range m.neighbours(vecs[i], int32(i), sc) {
			if nb.w > nbrs[i][nb.doc] {
				nbrs[i][nb.doc] = nb.w
			}
			if nb.w > nbrs[nb.doc][int32(i)] {
				nbrs[nb.doc][int32(i)] = nb.w
			}
		}
	}
	m.deg = make([]float32, N)
	for i, ns := range nbrs {
		for _, w := range ns {
			m.deg[i] += w
		}
	}

	// Seeds: a manual assignment is its class; any other document its
	// prior, weighted down.
	seed := make([][]float64, N)
	m.taught = make([]int, C)
	m.label = make([]int16, N)
	for i, d := range docs {
		m.label[i] = -1
		seed[i] = make([]float64, C)
		if d.Manual {
			c, ok := np, d.ProjectID == ""
			if !ok {
				c, ok = m.pindex[d.ProjectID]
			}
			if ok {
				seed[i][c] = 1
				m.label[i] = int16(c)
				m.taught[c]++
				m.manual++
				continue
			}
		}
		dist, sure := prior(i, analyses[i])
		w := pp.priorW
		if sure {
			w = pp.sureSeedW
		}
		for c, p := range dist {
			seed[i][c] = w * p
		}
	}

	// Propagation: F ← αSF + (1−α)Y, S the symmetrically normalised graph.
	type edge struct {
		j int32
		s float64
	}
	edges := make([][]edge, N)
	for i, ns := range nbrs {
		keys := make([]int32, 0, len(ns))
		for j := range ns {
			keys = append(keys, j)
		}
		sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
		for _, j := range keys {
			edges[i] = append(edges[i], edge{j, float64(ns[j]) / math.Sqrt(float64(m.deg[i])*float64(m.deg[j]))})
		}
	}
	F := make([][]float64, N)
	next := make([][]float64, N)
	for i := range F {
		F[i] = append([]float64(nil), seed[i]...)
		next[i] = make([]float64, C)
	}
	for it := 0; it < pp.iters; it++ {
		for i := range F {
			row := next[i]
			for c := range row {
				row[c] = (1 - pp.alpha) * seed[i][c]
			}
			for _, e := range edges[i] {
				fj := F[e.j]
				for c := range row {
					row[c] += pp.alpha * e.s * fj[c]
				}
			}
		}
		F, next = next, F
	}
	m.dist = make([][]float32, N)
	for i, row := range F {
		m.dist[i] = make([]float32, C)
		for c, x := range row {
			m.dist[i][c] = float32(x)
		}
	}
	return m
}

// unitVector turns features into a unit TF-IDF vector over the vocabulary
// (entry.doc holds the term index). A feature outside the vocabulary (in
// fewer than minDF documents: it can link to nothing) has no entry but
// still counts in the norm, with the IDF of a feature of one document:
// without it a document made of words no other document has would be
// reduced to the few common features it shares — a template's opening, a
// line layout — and look as close to a source as that source's own items.
func (m *CollectionModel) unitVector(f map[string]float64) []collectionEntry {
	out := make([]collectionEntry, 0, len(f))
	norm := 0.0
	rareIDF := math.Log(float64(max(len(m.ids), 1)))
	for t, w := range f {
		id, ok := m.vocab[t]
		if !ok {
			if strings.HasPrefix(t, threadFeature) {
				continue // a conversation of its own says nothing about the document
			}
			x := math.Log1p(w) * rareIDF
			norm += x * x
			continue
		}
		if m.idf[id] <= 0 {
			continue
		}
		x := math.Log1p(w) * float64(m.idf[id])
		out = append(out, collectionEntry{id, float32(x)})
		norm += x * x
	}
	if len(out) == 0 {
		return nil
	}
	norm = math.Sqrt(norm)
	for i := range out {
		out[i].w = float32(float64(out[i].w) / norm)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].doc < out[j].doc })
	return out
}

// Bounds of the neighbour search: candidates come from the vector's
// heaviest features (the rarest words and marks, which say most about
// where a document comes from), and the best of them are compared in full.
const (
	searchTerms      = 40
	searchCandidates = 60
)

// searchScratch is the working memory of one neighbour search: acc is
// len(documents) long and zero between searches. Reused (a pool per model
// for scoring), because allocating it per search made most of a
// classification's garbage on a large collection.
type searchScratch struct {
	acc     []float32
	touched []int32
	cands   []collectionEntry
}

func (m *CollectionModel) newSearchScratch() *searchScratch {
	return &searchScratch{acc: make([]float32, len(m.ids))}
}

// neighbours returns the knn documents most similar to vec, except self,
// most similar first (ties by index, for determinism). The result is the
// caller's; sc is left ready for the next search.
func (m *CollectionModel) neighbours(vec []collectionEntry, self int32, sc *searchScratch) []collectionEntry {
	acc := sc.acc
	query := vec
	if len(query) > searchTerms {
		query = append([]collectionEntry(nil), vec...)
		sort.Slice(query, func(i, j int) bool {
			if query[i].w != query[j].w {
				return query[i].w > query[j].w
			}
			return query[i].doc < query[j].doc
		})
		query = query[:searchTerms]
	}
	touched := sc.touched[:0]
	for _, e := range query {
		for _, p := range m.postings[e.doc] {
			if acc[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			acc[p.doc] += e.w * p.w
		}
	}
	cands := sc.cands[:0]
	for _, j := range touched {
		if j != self && acc[j] > 0 {
			cands = append(cands, collectionEntry{j, acc[j]})
		}
		acc[j] = 0
	}
	byScore := func(c []collectionEntry) func(a, b int) bool {
		return func(a, b int) bool {
			if c[a].w != c[b].w {
				return c[a].w > c[b].w
			}
			return c[a].doc < c[b].doc
		}
	}
	sc.touched, sc.cands = touched, cands
	if len(cands) > searchCandidates {
		cands = selectTop(cands, searchCandidates)
	} else {
		cands = append([]collectionEntry(nil), cands...)
	}
	for i := range cands {
		cands[i].w = dot(vec, m.vecs[cands[i].doc])
	}
	sort.Slice(cands, byScore(cands))
	if len(cands) > m.params.knn {
		cands = cands[:m.params.knn]
	}
	return cands
}

// selectTop returns the n entries of c with the largest weights (ties by
// index), in no particular order.
func selectTop(c []collectionEntry, n int) []collectionEntry {
	less := func(a, b collectionEntry) bool { return a.w < b.w || a.w == b.w && a.doc > b.doc }
	// A min-heap of the best n so far.
	h := append([]collectionEntry(nil), c[:n]...)
	down := func(i int) {
		for {
			l, r, s := 2*i+1, 2*i+2, i
			if l < n && less(h[l], h[s]) {
				s = l
			}
			if r < n && less(h[r], h[s]) {
				s = r
			}
			if s == i {
				return
			}
			h[i], h[s] = h[s], h[i]
			i = s
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, e := range c[n:] {
		if less(h[0], e) {
			h[0] = e
			down(0)
		}
	}
	return h
}

// dot is the dot product of two vectors sorted by term.
func dot(a, b []collectionEntry) float32 {
	var s float32
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].doc < b[j].doc:
			i++
		case a[i].doc > b[j].doc:
			j++
		default:
			s += a[i].w * b[j].w
			i++
			j++
		}
	}
	return s
}

// collectionScore is a document's distribution over the model's classes
// and what it rests on.
type collectionScore struct {
	dist []float64 // projects in model order, then "no project"; sums to 1
	// neighbours assigned by hand, by class
	corrected map[int]int
	taught    []int // manual assignments of the model, by class
}

// bestProject is the class of the n projects (not "no project") the
// collection rates highest, the first on a tie.
func (cs collectionScore) bestProject(n int) int {
	best := 0
	for c := 1; c < n; c++ {
		if cs.dist[c] > cs.dist[best] {
			best = c
		}
	}
	return best
}

// score places a document (doc.ID, if it is one of the collection, is left
// out of its own neighbours) and returns its class distribution, given its
// own prior over the classes.
func (m *CollectionModel) score(doc Document, a *analysis, prior []float64, sure bool) collectionScore {
	C := len(m.projects) + 1
	row := make([]float64, C)
	w := m.params.priorW
	if sure {
		w = m.params.sureW
	}
	for c, p := range prior {
		row[c] = (1 - m.params.alpha) * w * p
	}
	vec := m.unitVector(collectionFeatures(doc, a, m.params))
	self := int32(-1)
	if i, ok := m.index[doc.ID]; ok && doc.ID != "" {
		self = i
	}
	sc, _ := m.scratch.Get().(*searchScratch)
	if sc == nil {
		sc = m.newSearchScratch()
	}
	nbs := m.neighbours(vec, self, sc)
	m.scratch.Put(sc)
	deg := 0.0
	for _, nb := range nbs {
		deg += float64(nb.w)
	}
	cs := collectionScore{corrected: map[int]int{}, taught: m.taught}
	for _, nb := range nbs {
		s := float64(nb.w) / math.Sqrt(deg*math.Max(float64(m.deg[nb.doc]), 1e-9))
		for c, x := range m.dist[nb.doc] {
			row[c] += m.params.alpha * s * float64(x)
		}
		if c := m.label[nb.doc]; c >= 0 {
			cs.corrected[int(c)]++
		}
	}
	// Sharpened (a power of the row) and normalised in one pass: scaling
	// the row first would not change the result.
	sum := 0.0
	for c, x := range row {
		if g := m.params.sharpen; g != 1 {
			x = math.Pow(x, g)
			row[c] = x
		}
		sum += x
	}
	if sum <= 0 {
		row[C-1], sum = 1, 1
	}
	for c := range row {
		row[c] /= sum
	}
	cs.dist = row
	return cs
}

// projectKey identifies a set of projects at their revisions.
func projectKey(projects []Project) string {
	var b strings.Builder
	for _, p := range projects {
		b.WriteString(p.ID)
		b.WriteByte(0)
		b.WriteString(p.Revision)
		b.WriteByte(0)
	}
	return b.String()
}
