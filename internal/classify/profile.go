package classify

import (
	"container/list"
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

	exBudgetAuto   = 12.0 // total term weight one automatic example adds
	exBudgetManual = 24.0 // manual examples (user corrections) weigh double
	exTermCapAuto  = 0.8
	exTermCapMan   = 1.2
	exTermCapTotal = 2.0
	maxExamples    = 60

	contactDomainWeight = 0.5
)

type phrase struct {
	stems []string
	label string
}

// profile is the classification view of one project at one revision.
type profile struct {
	id, name string
	terms    map[string]float64
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
}

func buildProfile(p Project, examples []Example) *profile {
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

	// Examples: vocabulary with a bounded budget per example, plus their
	// authors as known correspondents.
	if len(examples) > maxExamples {
		examples = examples[:maxExamples]
	}
	exTerms := map[string]float64{}
	for _, ex := range examples {
		a := analyzeDocument(Document{Title: ex.Title, Author: ex.Author, Text: ex.Text})
		if a.total == 0 {
			continue
		}
		budget, tcap := exBudgetAuto, exTermCapAuto
		if ex.Manual {
			budget, tcap = exBudgetManual, exTermCapMan
		}
		scale := budget / a.total
		for st, tf := range a.terms {
			w := tf * scale
			if w > tcap {
				w = tcap
			}
			exTerms[st] += w
		}
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
	for st, w := range exTerms {
		if w > exTermCapTotal {
			w = exTermCapTotal
		}
		nw := pr.terms[st] + w
		if nw > pwTermCap {
			nw = pwTermCap
		}
		pr.terms[st] = nw
	}
	for _, w := range pr.terms {
		pr.length += w
	}
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
