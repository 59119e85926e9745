package classify

import (
	"container/list"
	"sort"
	"strings"
	"sync"
)

// Weights of the profile fields (before IDF). The project name is the
// strongest textual signal; examples add vocabulary with a bounded budget.
const (
	pwName        = 3.0
	pwTag         = 2.0
	pwKeyword     = 2.0
	pwCategory    = 1.0
	pwLocation    = 1.5
	pwPerson      = 1.0
	pwDomain      = 1.0
	pwCode        = 1.0
	pwDescription = 1.0
	pwNotes       = 0.5
	pwTermCap     = 5.0

	contactDomainWeight = 0.5
)

type phrase struct {
	stems []string
	label string
}

// termDict interns profile terms so that scoring can merge-join sorted
// integer ids instead of looking every document term up in every profile.
// It only grows (by the vocabulary of the projects seen) and is safe for
// concurrent use.
type termDict struct {
	mu     sync.RWMutex
	ids    map[string]uint32
	common []bool // by id: the term is a common word
}

func newTermDict() *termDict { return &termDict{ids: map[string]uint32{}} }

func (d *termDict) intern(s string) uint32 {
	d.mu.RLock()
	id, ok := d.ids[s]
	d.mu.RUnlock()
	if ok {
		return id
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[s]; ok {
		return id
	}
	id = uint32(len(d.common))
	d.ids[s] = id
	_, c := commonWords[s]
	d.common = append(d.common, c)
	return id
}

// profile is the classification view of one project at one revision.
type profile struct {
	id, name string
	terms    map[string]float64 // while building; dropped afterwards
	termIDs  []uint32           // sorted
	termW    []float64          // weights by termIDs index
	length   float64

	nameStems []string
	subNames  [][]string // contiguous parts of the name with >= 2 words
	people    []phrase   // full names with >= 2 words
	locations []phrase
	keywords  []phrase // multi-word reference keywords
	tags      []phrase // tags, reference keywords, categories (MatchedTags)
	tagStems  map[string]struct{}

	emails    map[string]string  // contact address -> name
	domains   map[string]float64 // 1 for the project's domains, less for its contacts' domains
	codes     []string
	exAuthors map[string]float64 // addresses of example authors
	exDomains map[string]float64

	cent centroid // the examples' centroid (see centroid.go)
	// manual is the number of manual examples (user corrections): whether
	// the collection model can learn anything of the project.
	manual int
}

func buildProfile(p Project, examples []Example, dict *termDict) *profile {
	pr := &profile{
		id: p.ID, name: p.Name,
		terms:     make(map[string]float64, 128),
		tagStems:  map[string]struct{}{},
		emails:    map[string]string{},
		domains:   map[string]float64{},
		exAuthors: map[string]float64{},
		exDomains: map[string]float64{},
	}
	add := func(s string, w float64) {
		for _, st := range stems(s) {
			pr.terms[st] += w
		}
	}
	addSaturated := func(s string, w float64) {
		counts := map[string]int{}
		for _, st := range stems(s) {
			counts[st]++
		}
		for st, c := range counts {
			if c > 2 {
				c = 2
			}
			pr.terms[st] += w * float64(c)
		}
	}

	pr.nameStems = stems(p.Name)
	add(p.Name, pwName)
	for n := len(pr.nameStems) - 1; n >= 2; n-- {
		for i := 0; i+n <= len(pr.nameStems); i++ {
			pr.subNames = append(pr.subNames, pr.nameStems[i:i+n])
		}
	}
	tag := func(s string, w float64) {
		st := stems(s)
		if len(st) == 0 {
			return
		}
		add(s, w)
		pr.tags = append(pr.tags, phrase{st, s})
		for _, x := range st {
			pr.tagStems[x] = struct{}{}
		}
	}
	for _, t := range p.Tags {
		tag(t, pwTag)
	}
	for _, k := range p.ReferenceKeywords {
		tag(k, pwKeyword)
		if st := stems(k); len(st) >= 2 {
			pr.keywords = append(pr.keywords, phrase{st, k})
		}
	}
	for _, c := range p.Categories {
		tag(c, pwCategory)
	}
	addSaturated(p.Description, pwDescription)
	addSaturated(p.Notes, pwNotes)

	e := p.Entities
	for _, per := range e.People {
		add(per.Name, pwPerson)
		if st := stems(per.Name); len(st) >= 2 {
			pr.people = append(pr.people, phrase{st, per.Name})
		}
		if addr := strings.ToLower(strings.TrimSpace(per.Email)); looksLikeEmail(addr) {
			pr.emails[addr] = per.Name
			// A contact's domain is weaker evidence than a project domain:
			// it may be the user's own organisation or a firm that works on
			// several projects.
			if d := domainOf(addr); !isFreemail(d) && pr.domains[d] < contactDomainWeight {
				pr.domains[d] = contactDomainWeight
			}
		}
	}
	for _, l := range e.Locations {
		add(l, pwLocation)
		if st := stems(l); len(st) > 0 {
			pr.locations = append(pr.locations, phrase{st, l})
		}
	}
	for _, d := range e.Domains {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
		d = strings.TrimPrefix(d, "www.")
		if d == "" {
			continue
		}
		pr.domains[d] = 1
		add(domainWords(d), pwDomain)
	}
	for _, c := range e.ProjectCodes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		pr.codes = append(pr.codes, c)
		add(c, pwCode)
	}
	for st, w := range pr.terms {
		if w > pwTermCap {
			pr.terms[st] = pwTermCap
		}
	}

	// Examples: their terms and layouts go into the project's centroid
	// (centroid.go), their authors become known correspondents. They do
	// not change the description's term weights: on real mail, examples'
	// words in the description's profile made confident mistakes, while the
	// centroid, compared with the user's documents at large, does not.
	analyses := make([]*analysis, 0, len(examples))
	manual := make([]bool, 0, len(examples))
	for _, ex := range examples {
		if ex.Manual {
			pr.manual++
		}
		a := analyzeDocument(Document{Title: ex.Title, Author: ex.Author, Text: ex.Text})
		if a.total == 0 && len(a.shapes) == 0 {
			continue
		}
		analyses = append(analyses, a)
		manual = append(manual, ex.Manual)
		if a.sender != "" {
			w := 1.0
			if ex.Manual {
				w = 2
			}
			pr.exAuthors[a.sender] += w
			if !isFreemail(a.senderDomain) {
				pr.exDomains[a.senderDomain] += w
			}
		}
	}
	pr.cent = buildCentroid(pr.terms, analyses, manual, dict)
	type tw struct {
		id uint32
		w  float64
	}
	tws := make([]tw, 0, len(pr.terms))
	for st, w := range pr.terms {
		tws = append(tws, tw{dict.intern(st), w})
		pr.length += w
	}
	sort.Slice(tws, func(i, j int) bool { return tws[i].id < tws[j].id })
	pr.termIDs = make([]uint32, len(tws))
	pr.termW = make([]float64, len(tws))
	for i, x := range tws {
		pr.termIDs[i], pr.termW[i] = x.id, x.w
	}
	pr.terms = nil
	return pr
}

func isFreemail(d string) bool {
	_, ok := freemailDomains[d]
	return ok
}

// profileCache is a bounded LRU of profiles keyed by (project ID, Revision).
// It is safe for concurrent use.
type profileCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[cacheKey]*list.Element
	byID  map[string]cacheKey // the cached revision of each project
}

type cacheKey struct{ id, rev string }

type cacheEntry struct {
	key cacheKey
	p   *profile
}

func newProfileCache(max int) *profileCache {
	return &profileCache{max: max, ll: list.New(), items: map[cacheKey]*list.Element{}, byID: map[string]cacheKey{}}
}

func (c *profileCache) get(k cacheKey) (*profile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*cacheEntry).p, true
	}
	return nil, false
}

func (c *profileCache) put(k cacheKey, p *profile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.Value.(*cacheEntry).p = p
		c.ll.MoveToFront(e)
		return
	}
	// A project has one current revision: drop the profile of the old one.
	if old, ok := c.byID[k.id]; ok {
		c.remove(c.items[old])
	}
	c.items[k] = c.ll.PushFront(&cacheEntry{k, p})
	c.byID[k.id] = k
	for c.ll.Len() > c.max {
		c.remove(c.ll.Back())
	}
}

func (c *profileCache) remove(e *list.Element) {
	if e == nil {
		return
	}
	k := e.Value.(*cacheEntry).key
	c.ll.Remove(e)
	delete(c.items, k)
	if c.byID[k.id] == k {
		delete(c.byID, k.id)
	}
}

func (c *profileCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// candidateSet is a list of candidate profiles with an inverted index of
// their terms. Sets are cached by the candidates' IDs and revisions: a
// user's documents are classified against the same projects again and again.
type candidateSet struct {
	profiles  []*profile
	relLength []float64 // profile length / average length
	postings  map[uint32]termPostings
	cent      *centroidIndex
}

// teaches reports whether a project of the set has at least n manual
// assignments among its examples.
func (s *candidateSet) teaches(n int) bool {
	for _, p := range s.profiles {
		if p.manual >= n {
			return true
		}
	}
	return false
}

type termPostings struct {
	df float64 // number of candidates where the term weighs >= 0.1
	ps []posting
}

type posting struct {
	p int32
	w float64
}

func newCandidateSet(profiles []*profile, dict *termDict) *candidateSet {
	s := &candidateSet{profiles: profiles, relLength: make([]float64, len(profiles)), cent: newCentroidIndex(profiles, dict)}
	avg, size := 0.0, 0
	for _, p := range profiles {
		avg += p.length
		size += len(p.termIDs)
	}
	if len(profiles) > 0 {
		avg /= float64(len(profiles))
	}
	for i, p := range profiles {
		s.relLength[i] = 1
		if avg > 0 {
			s.relLength[i] = p.length / avg
		}
	}
	s.postings = make(map[uint32]termPostings, size/2+1)
	for pi, p := range profiles {
		for j, id := range p.termIDs {
			tp := s.postings[id]
			tp.ps = append(tp.ps, posting{int32(pi), p.termW[j]})
			if p.termW[j] >= 0.1 {
				tp.df++
			}
			s.postings[id] = tp
		}
	}
	return s
}

// setCache is a small LRU of candidate sets, safe for concurrent use.
type setCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type setEntry struct {
	key string
	s   *candidateSet
}

func newSetCache(max int) *setCache {
	return &setCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *setCache) get(k string) (*candidateSet, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*setEntry).s, true
	}
	return nil, false
}

func (c *setCache) put(k string, s *candidateSet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.Value.(*setEntry).s = s
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&setEntry{k, s})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*setEntry).key)
	}
}

func (c *setCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	c.items = map[string]*list.Element{}
}
