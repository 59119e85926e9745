package classify

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// CollectionSource loads an owner's documents for the collection model.
// Local calls it only when it builds or re-checks a model, never for every
// document it classifies.
type CollectionSource interface {
	// CollectionDocuments returns up to max of the owner's documents, the
	// most recent first, with their manual assignments.
	CollectionDocuments(ctx context.Context, ownerID string, max int) ([]CollectionDoc, error)
	// CollectionSize returns the number of the owner's documents.
	CollectionSize(ctx context.Context, ownerID string) (int, error)
}

// CollectionOptions bound the collection model.
type CollectionOptions struct {
	// MaxDocuments bounds the documents a model is built from (the most
	// recent ones). Default 5,000.
	MaxDocuments int
	// MinDocuments is the smallest collection worth a model. Default 50:
	// in a smaller one a document's ten neighbours are a fifth of the
	// collection, and the graph says nothing about sources.
	MinDocuments int
	// Recheck is how often a model is checked for growth of the collection.
	// Default 1 minute.
	Recheck time.Duration
	// Growth is the relative change in the number of documents after which
	// a model is rebuilt (documents that arrive in between are placed by
	// their neighbours all the same). Default 0.1.
	Growth float64
	// MaxOwners bounds the models kept in memory. Default 256.
	MaxOwners int
}

func (o CollectionOptions) withDefaults() CollectionOptions {
	if o.MaxDocuments <= 0 {
		o.MaxDocuments = 5000
	}
	if o.MinDocuments <= 0 {
		o.MinDocuments = 50
	}
	if o.Recheck <= 0 {
		o.Recheck = time.Minute
	}
	if o.Growth <= 0 {
		o.Growth = 0.1
	}
	if o.MaxOwners <= 0 {
		o.MaxOwners = 256
	}
	return o
}

// WithCollection makes the classifier consult each owner's whole collection
// (collection.go) and returns it. A model is built per (owner, projects at
// their revisions) — a manual assignment bumps a project's revision, so a
// correction rebuilds it — and again when the collection has grown or
// shrunk by opts.Growth; it is never built per document.
func (l *Local) WithCollection(src CollectionSource, opts CollectionOptions) *Local {
	l.coll = &collectionCache{src: src, opts: opts.withDefaults(), owners: map[string]*ownerModel{}, now: time.Now}
	return l
}

// collectionCache keeps the owners' models. It is safe for concurrent use.
type collectionCache struct {
	src    CollectionSource
	opts   CollectionOptions
	now    func() time.Time
	mu     sync.Mutex
	owners map[string]*ownerModel
}

// ownerModel is one owner's model. mu serialises its builds, so that
// concurrent classifications of one owner build it once.
type ownerModel struct {
	mu      sync.Mutex
	key     string
	model   *CollectionModel // nil: too few documents
	built   bool
	size    int
	checked time.Time
	used    time.Time
}

func (c *collectionCache) entry(owner string) *ownerModel {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.owners[owner]
	if !ok {
		if len(c.owners) >= c.opts.MaxOwners {
			var oldest string
			var at time.Time
			for o, x := range c.owners {
				if oldest == "" || x.used.Before(at) {
					oldest, at = o, x.used
				}
			}
			delete(c.owners, oldest)
		}
		e = &ownerModel{}
		c.owners[owner] = e
	}
	e.used = c.now()
	return e
}

// model returns the owner's model for the projects (nil when the collection
// is too small), building it when it is missing or stale.
func (l *Local) collectionModel(ctx context.Context, owner string, projects []Project, set *candidateSet) (*CollectionModel, error) {
	c := l.coll
	e := c.entry(owner)
	e.mu.Lock()
	defer e.mu.Unlock()
	key := projectKey(projects)
	now := c.now()
	if e.built && e.key == key {
		if now.Sub(e.checked) < c.opts.Recheck {
			return e.model, nil
		}
		n, err := c.src.CollectionSize(ctx, owner)
		if err != nil {
			return nil, fmt.Errorf("classify: collection size of %s: %w", owner, err)
		}
		e.checked = now
		if float64(n) <= float64(e.size)*(1+c.opts.Growth) && float64(n) >= float64(e.size)*(1-c.opts.Growth) {
			return e.model, nil
		}
	}
	docs, err := c.src.CollectionDocuments(ctx, owner, c.opts.MaxDocuments)
	if err != nil {
		return nil, fmt.Errorf("classify: collection of %s: %w", owner, err)
	}
	e.key, e.size, e.checked, e.built, e.model = key, len(docs), now, true, nil
	if len(docs) >= c.opts.MinDocuments {
		e.model = buildCollectionModel(projects, docs, func(_ int, a *analysis) ([]float64, bool) {
			res := l.params.score(a, set, l.dict)
			return priorOf(res, len(projects)), res.sure()
		}, defaultCollectionParams)
	}
	return e.model, nil
}

// priorOf is the scorer's result as a distribution over the projects (in
// the candidate set's order) and "no project".
func priorOf(res scoreResult, n int) []float64 {
	p := make([]float64, n+1)
	for _, s := range res.scores {
		p[s.index] = s.prob
	}
	p[n] = res.none
	return p
}
