package classify

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// hitKind names an exact (non-term) feature.
type hitKind uint8

const (
	hitName       hitKind = iota // the project name as a phrase
	hitSubName                   // two or more consecutive words of the name
	hitCode                      // a project code (HVR-2291, FERN-123)
	hitSender                    // the sender is a project contact
	hitSenderName                // the sender's display name is a project contact
	hitDomain                    // the sender's domain is a project domain
	hitExSender                  // the sender wrote examples of the project
	hitExDomain                  // the sender's domain wrote examples
	hitContact                   // a project contact's address is in the text
	hitMDomain                   // a project domain is in the text (address, URL)
	hitPerson                    // a project contact's full name is in the text
	hitLocation                  // a project location is mentioned
	hitKeyword                   // a multi-word reference keyword is mentioned
	numHitKinds
)

// localParams are the scorer's weights. The defaults were calibrated on the
// tuning half of testdata/classify (see calibrate_test.go).
type localParams struct {
	k1      float64 // term frequency saturation (document side)
	b       float64 // profile length normalisation
	bgDocs  float64 // background documents for IDF
	bgCom   float64 // background documents a common word occurs in
	termW   float64 // weight of the term score
	termCap float64 // cap of one term's contribution
	lenNorm float64 // document length damping of the term score
	hitW    [numHitKinds]float64
	hitCap  [numHitKinds]float64 // cap per kind, as a multiple of hitW
	temp    float64              // softmax temperature
	none    float64              // score of the "no project" alternative
	bulkW   float64              // added to none for bulk mail
	// bulkDamp scales down vocabulary evidence (terms, keywords, locations)
	// in bulk mail: newsletters are topical by nature, so only identifiers
	// (names, codes, contacts) should tie them to a project.
	bulkDamp float64
	// centW is the weight of the cosine similarity to a project's centroid
	// of examples, reached as the examples grow: centW × n/(n + centK).
	centW, centK float64
	// seedK: with n examples, the description's vocabulary weighs
	// 1/(1 + n/seedK) (0 = always fully).
	seedK float64
}

var defaultParams = localParams{
	k1: 1.2, b: 0.3, bgDocs: 8, bgCom: 2.9, termW: 1, termCap: 3.4, lenNorm: 0.21,
	hitW: [numHitKinds]float64{
		hitName: 6, hitSubName: 3, hitCode: 7, hitSender: 2.1, hitSenderName: 3, hitDomain: 7,
		hitExSender: 2.8, hitExDomain: 1.2, hitContact: 2, hitMDomain: 1, hitPerson: 2, hitLocation: 5, hitKeyword: 4,
	},
	hitCap: [numHitKinds]float64{
		hitName: 1, hitSubName: 1, hitCode: 1.5, hitSender: 1, hitSenderName: 1, hitDomain: 1,
		hitExSender: 1, hitExDomain: 1, hitContact: 2, hitMDomain: 1.5, hitPerson: 2, hitLocation: 1.5, hitKeyword: 2,
	},
	temp: 3.47, none: 12.2, bulkW: 1.76, bulkDamp: 0.18, centW: 300, centK: 2, seedK: 5,
}

// Local is the default classifier: offline, deterministic and fast. It is
// safe for concurrent use.
type Local struct {
	src    ExampleSource
	cache  *profileCache
	sets   *setCache
	dict   *termDict
	params localParams
	coll   *collectionCache // nil: no collection model (see WithCollection)
}

// DefaultProfileCacheSize is the number of project profiles Local keeps.
const DefaultProfileCacheSize = 2048

// NewLocal returns a local classifier. src provides the projects' assigned
// documents as examples; it may be nil.
func NewLocal(src ExampleSource) *Local {
	return &Local{src: src, cache: newProfileCache(DefaultProfileCacheSize), sets: newSetCache(256), dict: newTermDict(), params: defaultParams}
}

// Invalidate drops any cached profile of the project. Callers normally
// rely on Project.Revision instead.
func (l *Local) Invalidate(projectID string) {
	l.cache.mu.Lock()
	defer l.cache.mu.Unlock()
	if k, ok := l.cache.byID[projectID]; ok {
		l.cache.remove(l.cache.items[k])
	}
	l.sets.clear()
}

func (l *Local) profile(ctx context.Context, p Project) (*profile, error) {
	key := cacheKey{p.ID, p.Revision}
	if p.Revision != "" {
		if pr, ok := l.cache.get(key); ok {
			return pr, nil
		}
	}
	var examples []Example
	if l.src != nil {
		var err error
		examples, err = l.src.Examples(ctx, p.ID)
		if err != nil {
			return nil, fmt.Errorf("classify: examples of project %s: %w", p.ID, err)
		}
	}
	pr := buildProfile(p, examples, l.dict)
	if p.Revision != "" {
		l.cache.put(key, pr)
	}
	return pr, nil
}

// Classify scores doc against projects and decides.
func (l *Local) Classify(ctx context.Context, doc Document, projects []Project) (Decision, error) {
	d := Decision{Decider: "local"}
	if len(projects) == 0 {
		d.Reason = "no candidate projects"
		return d, nil
	}
	if err := ctx.Err(); err != nil {
		return d, err
	}
	set, err := l.candidateSet(ctx, projects)
	if err != nil {
		return d, err
	}
	a := analyzeDocument(doc)
	res := l.params.score(a, set, l.dict)
	if l.coll != nil && doc.Owner != "" {
		// Never waits for a model: a missing or stale one is rebuilt in the
		// background (collection_cache.go).
		if m := l.collectionModel(doc.Owner, projects, set); m != nil {
			cs := m.score(doc, a, priorOf(res, len(projects)), res.sure())
			if m.params.ranksOnly {
				res = res.rankedByCollection(cs, m.params.minTaught)
			} else {
				res = res.withCollection(cs, m.params.minTaught)
			}
		}
	}
	return res.decide(a), nil
}

// sure reports whether the scorer decides on its own.
func (r scoreResult) sure() bool {
	top := r.scores[0]
	need := Threshold
	if top.shared > 0 && r.probWithoutShared < Threshold {
		need = AmbiguousThreshold
	}
	return top.prob >= need
}

// withCollection replaces the scorer's probabilities by the collection
// model's, which start from them. The shared-reference rule of the scorer
// still holds when the collection agrees with it.
func (r scoreResult) withCollection(cs collectionScore, minTaught int) scoreResult {
	localTop := r.scores[0]
	n := len(r.scores)
	best := cs.bestProject(n)
	if cs.taught[best] < minTaught {
		// The collection's best project is not taught enough for its view
		// to stand: the scorer decides.
		return r
	}
	for _, s := range r.scores {
		s.prob = cs.dist[s.index]
	}
	r.none = cs.dist[n]
	sort.SliceStable(r.scores, func(i, j int) bool {
		if r.scores[i].prob != r.scores[j].prob {
			return r.scores[i].prob > r.scores[j].prob
		}
		return r.scores[i].index < r.scores[j].index
	})
	top := r.scores[0]
	r.corrected = cs.corrected[top.index]
	r.fromCollection = true
	if top != localTop || top.shared == 0 {
		r.probWithoutShared = top.prob
	}
	return r
}

// rankedByCollection puts the small collection's best project first and
// keeps the scorer's probabilities: where the two agree the scorer's
// decision stands as it is, and where they disagree the document is left
// unsure, the collection's project its best candidate (the scorer's own
// top project had the higher probability, so the collection's is below
// Threshold).
func (r scoreResult) rankedByCollection(cs collectionScore, minTaught int) scoreResult {
	best := cs.bestProject(len(r.scores))
	if cs.taught[best] < minTaught || r.scores[0].index == best {
		return r
	}
	for i, s := range r.scores {
		if s.index == best {
			copy(r.scores[1:i+1], r.scores[:i])
			r.scores[0] = s
			break
		}
	}
	r.probWithoutShared = r.scores[0].prob
	r.outranked = true
	return r
}

// candidateSet returns the profiles of the projects with their inverted
// index, cached when every project has a Revision.
func (l *Local) candidateSet(ctx context.Context, projects []Project) (*candidateSet, error) {
	var kb strings.Builder
	cacheable := true
	for _, p := range projects {
		if p.Revision == "" {
			cacheable = false
			break
		}
		kb.WriteString(p.ID)
		kb.WriteByte(0)
		kb.WriteString(p.Revision)
		kb.WriteByte(0)
	}
	key := kb.String()
	if cacheable {
		if s, ok := l.sets.get(key); ok {
			return s, nil
		}
	}
	profiles := make([]*profile, len(projects))
	for i, p := range projects {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pr, err := l.profile(ctx, p)
		if err != nil {
			return nil, err
		}
		profiles[i] = pr
	}
	s := newCandidateSet(profiles, l.dict)
	if cacheable {
		l.sets.put(key, s)
	}
	return s, nil
}

type hit struct {
	kind   hitKind
	key    string
	label  string
	value  float64
	shared int // number of candidates with the same hit
}

type projectScore struct {
	p      *profile
	terms  float64
	hits   []hit
	total  float64
	shared float64 // part of total that comes from references shared with other candidates
	cent   float64 // cosine similarity to the project's centroid of examples
	prob   float64
	index  int
}

type scoreResult struct {
	scores []*projectScore // best first
	none   float64         // probability of "no project"
	// probWithoutShared is the top candidate's probability if its
	// references shared with other candidates were ignored.
	probWithoutShared float64
	// corrected is the number of the document's neighbours in the owner's
	// collection that the user assigned to the top candidate by hand.
	corrected int
	// fromCollection is set when the collection model decided.
	fromCollection bool
	// outranked is set when a collection model that only ranks put another
	// project above the scorer's (rankedByCollection).
	outranked bool
}

// score computes each profile's score and the probabilities.
func (pp *localParams) score(a *analysis, set *candidateSet, dict *termDict) scoreResult {
	profiles := set.profiles
	n := len(profiles)
	scores := make([]*projectScore, n)
	norms := make([]float64, n)
	for i, p := range profiles {
		scores[i] = &projectScore{p: p, index: i}
		norms[i] = 1 - pp.b + pp.b*set.relLength[i]
	}

	// Term score: BM25-like with the profiles as the collection plus
	// background documents, so that the IDF does not depend much on how many
	// projects a user has and common words count little. Document terms
	// that no candidate knows cost one lookup; the others walk their
	// postings. Contributions are summed in fixed point, so the result does
	// not depend on the (map) iteration order.
	nt := float64(n) + pp.bgDocs
	fixed := make([]int64, n)
	dict.mu.RLock()
	for t, d := range a.terms {
		id, ok := dict.ids[t]
		if !ok {
			continue
		}
		tp, ok := set.postings[id]
		if !ok {
			continue
		}
		bg := 0.0
		if dict.common[id] {
			bg = pp.bgCom
		}
		w := math.Log(1+math.Max(0, nt-tp.df-bg+0.5)/(tp.df+bg+0.5)) * d * (pp.k1 + 1) / (d + pp.k1)
		for _, p := range tp.ps {
			fixed[p.p] += int64(math.Round(math.Min(pp.termCap, w*p.w/norms[p.p]) * fixedScale))
		}
	}
	dict.mu.RUnlock()
	for i := range scores {
		scores[i].terms = float64(fixed[i]) / fixedScale
	}
	damp := 1 + pp.lenNorm*math.Log1p(a.total/200)
	cos := set.cent.cosines(a, dict, n)

	// Exact features.
	counts := map[string]int{}
	for _, s := range scores {
		s.hits = exactHits(a, s.p)
		for _, h := range s.hits {
			counts[hitID(h)]++
		}
	}
	for _, s := range scores {
		var perKind, sharedKind [numHitKinds]float64
		for i := range s.hits {
			h := &s.hits[i]
			h.shared = counts[hitID(*h)]
			v := pp.hitW[h.kind] * h.value / float64(h.shared)
			perKind[h.kind] += v
			if h.shared > 1 {
				sharedKind[h.kind] += v
			}
		}
		vocab := 1 - pp.bulkDamp*a.bulk
		ex := set.cent.examples[s.index]
		if ex > 0 && pp.seedK > 0 {
			// The description's vocabulary is a prior: the more documents
			// the user assigned, the more their centroid decides.
			vocab /= 1 + ex/pp.seedK
		}
		total := vocab * pp.termW * s.terms / damp
		for k := range perKind {
			c := math.Min(perKind[k], pp.hitW[k]*pp.hitCap[k])
			if k == int(hitKeyword) || k == int(hitLocation) {
				c *= vocab
			}
			total += c
			if perKind[k] > 0 {
				s.shared += c * sharedKind[k] / perKind[k]
			}
		}
		if ex > 0 {
			// How much closer the document is to this project's examples
			// than to the user's assigned documents at large.
			s.cent = cos[s.index] - cos[n]
			total += pp.centW * s.cent * ex / (ex + pp.centK)
		}
		s.total = total
	}

	// Probabilities: softmax over the projects and a "no project" option,
	// which bulk mail (newsletters, notifications) strengthens.
	none := pp.none + pp.bulkW*a.bulk
	m := none
	for _, s := range scores {
		m = math.Max(m, s.total)
	}
	noneE := math.Exp((none - m) / pp.temp)
	sum := noneE
	for _, s := range scores {
		s.prob = math.Exp((s.total - m) / pp.temp)
		sum += s.prob
	}
	for _, s := range scores {
		s.prob /= sum
	}
	sort.SliceStable(scores, func(i, j int) bool {
		if scores[i].prob != scores[j].prob {
			return scores[i].prob > scores[j].prob
		}
		return scores[i].index < scores[j].index
	})
	top := scores[0]
	res := scoreResult{scores: scores, none: noneE / sum, probWithoutShared: top.prob}
	if top.shared > 0 {
		eTop := top.prob * sum
		eWithout := math.Exp((top.total - top.shared - m) / pp.temp)
		res.probWithoutShared = eWithout / (sum - eTop + eWithout)
	}
	return res
}

// fixedScale is the resolution of the fixed-point term sums.
const fixedScale = 1e9

func hitID(h hit) string { return string(rune('a'+h.kind)) + h.key }

// exactHits finds the exact features of profile p in the document. value is
// the weight of the part of the document the feature was found in (1 for
// new text, less for quoted text and signatures).
func exactHits(a *analysis, p *profile) []hit {
	var hits []hit
	if w := a.phraseWeight(p.nameStems); w > 0 {
		if len(p.nameStems) > 1 {
			hits = append(hits, hit{kind: hitName, key: strings.Join(p.nameStems, " "), label: p.name, value: w})
		} else if _, common := commonWords[p.nameStems[0]]; !common {
			// a one-word name is weaker evidence than a phrase
			hits = append(hits, hit{kind: hitName, key: p.nameStems[0], label: p.name, value: w / 2})
		}
	} else {
		for _, sub := range p.subNames {
			if w := a.phraseWeight(sub); w > 0 {
				hits = append(hits, hit{kind: hitSubName, key: strings.Join(sub, " "), label: strings.Join(sub, " "), value: w})
				break // longest first
			}
		}
	}
	for code, w := range a.codes {
		for _, pc := range p.codes {
			if codeMatches(code, pc) {
				hits = append(hits, hit{kind: hitCode, key: pc, label: code, value: w})
			}
		}
	}
	if a.sender != "" {
		if name, ok := p.emails[a.sender]; ok {
			hits = append(hits, hit{kind: hitSender, key: a.sender, label: name, value: 1})
		} else if w, ok := p.exAuthors[a.sender]; ok {
			hits = append(hits, hit{kind: hitExSender, key: a.sender, label: a.sender, value: math.Min(1, w/2)})
		}
		if dw, ok := p.domains[a.senderDomain]; ok {
			hits = append(hits, hit{kind: hitDomain, key: a.senderDomain, label: a.senderDomain, value: dw})
		} else if w, ok := p.exDomains[a.senderDomain]; ok {
			hits = append(hits, hit{kind: hitExDomain, key: a.senderDomain, label: a.senderDomain, value: math.Min(1, w/3)})
		}
	}
	if len(a.senderName) >= 2 && (a.sender == "" || p.emails[a.sender] == "") {
		for _, per := range p.people {
			if equalStems(per.stems, a.senderName) {
				hits = append(hits, hit{kind: hitSenderName, key: per.label, label: per.label, value: 1})
				break
			}
		}
	}
	for addr, w := range a.emails {
		if name, ok := p.emails[addr]; ok {
			hits = append(hits, hit{kind: hitContact, key: addr, label: name, value: w})
		}
	}
	for dom, w := range a.domains {
		if dom == a.senderDomain {
			continue
		}
		if dw, ok := p.domains[dom]; ok {
			hits = append(hits, hit{kind: hitMDomain, key: dom, label: dom, value: w * dw})
		}
	}
	for _, per := range p.people {
		if equalStems(per.stems, a.senderName) {
			continue
		}
		if w := a.phraseWeight(per.stems); w > 0 {
			hits = append(hits, hit{kind: hitPerson, key: per.label, label: per.label, value: w})
		}
	}
	for _, loc := range p.locations {
		if w := a.phraseWeight(loc.stems); w > 0 {
			hits = append(hits, hit{kind: hitLocation, key: strings.Join(loc.stems, " "), label: loc.label, value: w})
		}
	}
	for _, kw := range p.keywords {
		if w := a.phraseWeight(kw.stems); w > 0 {
			hits = append(hits, hit{kind: hitKeyword, key: strings.Join(kw.stems, " "), label: kw.label, value: w})
		}
	}
	// Map iteration above: make the order deterministic.
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].kind != hits[j].kind {
			return hits[i].kind < hits[j].kind
		}
		return hits[i].key < hits[j].key
	})
	return hits
}

func equalStems(a, b []string) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// decide turns scores into a Decision.
func (r scoreResult) decide(a *analysis) Decision {
	d := Decision{Decider: "local"}
	top := r.scores[0]
	second := 0.0
	if len(r.scores) > 1 {
		second = r.scores[1].prob
	}
	d.Confidence = round4(top.prob)
	// An outranked top candidate has no margin: the words rank another
	// project higher.
	d.Margin = round4(max(top.prob-second, 0))
	for i, s := range r.scores {
		if i == maxCandidates {
			break
		}
		d.Candidates = append(d.Candidates, Candidate{ProjectID: s.p.id, Score: round4(s.prob)})
	}

	// A decision that rests on an ambiguous reference needs
	// AmbiguousThreshold (0.6) instead of Threshold (0.5). A reference is
	// ambiguous when another candidate has it too (a contractor or a
	// colleague who works on two projects, a domain or a name part two
	// projects share); the decision rests on it when, without the shared
	// references, the top candidate would fall below Threshold. Such
	// decisions are the main source of confident mistakes between sibling
	// projects.
	ambiguous := top.shared > 0 && r.probWithoutShared < Threshold
	need := Threshold
	if ambiguous {
		need = AmbiguousThreshold
	}

	d.MatchedTags = matchedTags(a, top.p)
	d.InferredTags = inferredTags(a, top.p)
	if top.prob >= need {
		d.ProjectID = top.p.id
		d.FromCorrections = r.fromCollection
		d.Reason = reason(top, a)
		switch {
		case r.corrected > 0:
			d.Reason += fmt.Sprintf("; like %d of its nearest documents, which you assigned to it", r.corrected)
		case r.fromCollection:
			d.Reason += "; like the documents around it in your collection, which lead to ones you assigned to it"
		}
		return d
	}
	d.MatchedTags = nil
	switch {
	case r.outranked:
		d.Reason = fmt.Sprintf("the documents around it in your collection point to %s (%.2f), its words to %s (%.2f)", top.p.name, top.prob, r.scores[1].p.name, r.scores[1].prob)
	case top.total <= 0 || top.prob < 0.15:
		d.Reason = "no project matched"
	case ambiguous && top.prob >= Threshold:
		d.Reason = fmt.Sprintf("only references shared with other projects point to %s (%.2f)", top.p.name, top.prob)
	case len(r.scores) > 1 && r.scores[1].prob > top.prob/2:
		d.Reason = fmt.Sprintf("ambiguous between %s (%.2f) and %s (%.2f)", top.p.name, top.prob, r.scores[1].p.name, r.scores[1].prob)
	default:
		d.Reason = fmt.Sprintf("weak evidence for %s (%.2f)", top.p.name, top.prob)
	}
	return d
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func reason(s *projectScore, a *analysis) string {
	var parts []string
	seen := map[hitKind]bool{}
	for _, h := range s.hits {
		if seen[h.kind] {
			continue
		}
		seen[h.kind] = true
		shared := ""
		if h.shared > 1 {
			shared = " (shared with another project)"
		}
		switch h.kind {
		case hitName:
			parts = append(parts, "project name mentioned")
		case hitSubName:
			parts = append(parts, fmt.Sprintf("part of the project name mentioned (%q)", h.label))
		case hitCode:
			parts = append(parts, "project code "+h.label+" found"+shared)
		case hitSender, hitSenderName:
			parts = append(parts, "sender "+h.label+" is a project contact"+shared)
		case hitDomain:
			parts = append(parts, "sender domain "+h.label+" matches"+shared)
		case hitExSender:
			parts = append(parts, "sender wrote earlier documents of the project"+shared)
		case hitContact, hitPerson:
			parts = append(parts, "mentions "+h.label+shared)
		case hitLocation:
			parts = append(parts, "mentions "+h.label)
		}
	}
	if mt := matchedTags(a, s.p); len(mt) > 0 {
		if len(mt) > 4 {
			mt = mt[:4]
		}
		parts = append(parts, "keywords: "+strings.Join(mt, ", "))
	}
	if len(parts) == 0 {
		parts = append(parts, "vocabulary matches the project")
	}
	// A contact who is also a listed person yields two hits of different
	// kinds with the same sentence; say it once.
	out := parts[:0]
	said := map[string]bool{}
	for _, p := range parts {
		if !said[p] {
			said[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// matchedTags lists the project's tags, reference keywords and categories
// that occur in the document.
func matchedTags(a *analysis, p *profile) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range p.tags {
		if seen[t.label] {
			continue
		}
		if a.phraseWeight(t.stems) > 0 {
			seen[t.label] = true
			out = append(out, t.label)
		}
	}
	return out
}

// inferredTags returns salient document words (snake_case) that are not
// among the project's tags or name.
func inferredTags(a *analysis, p *profile) []string {
	type cand struct {
		stem string
		w    float64
	}
	var cs []cand
	name := map[string]bool{}
	for _, s := range p.nameStems {
		name[s] = true
	}
	for _, s := range a.senderName {
		name[s] = true
	}
	for st, w := range a.terms {
		if len(st) < 4 || w < 1.5 || name[st] {
			continue
		}
		if _, ok := p.tagStems[st]; ok {
			continue
		}
		if _, ok := commonWords[st]; ok {
			continue
		}
		cs = append(cs, cand{st, w})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].w != cs[j].w {
			return cs[i].w > cs[j].w
		}
		return cs[i].stem < cs[j].stem
	})
	var out []string
	for i := 0; i < len(cs) && len(out) < 5; i++ {
		out = append(out, snakeCase(a.surface[cs[i].stem]))
	}
	return out
}
