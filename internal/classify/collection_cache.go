package classify

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"
)

// CollectionSource loads an owner's documents for the collection model.
// Local calls it only when it refreshes a model (after a correction, or
// every CollectionOptions.Recheck), never for every document it classifies.
type CollectionSource interface {
	// CollectionDocuments returns up to max of the owner's documents, the
	// most recent first, with their manual assignments.
	CollectionDocuments(ctx context.Context, ownerID string, max int) ([]CollectionDoc, error)
	// CollectionStats counts the owner's documents, without loading them.
	CollectionStats(ctx context.Context, ownerID string) (CollectionStats, error)
}

// CollectionStats are the counts of an owner's collection.
type CollectionStats struct {
	// Documents is the number of the owner's documents.
	Documents int
	// ManualNoProject is the number the user marked "no project" by hand:
	// labels of the model that no project's profile shows.
	ManualNoProject int
}

// CollectionOptions bound the collection model.
type CollectionOptions struct {
	// MaxDocuments bounds the documents a model is built from (the most
	// recent ones). Default 5,000.
	MaxDocuments int
	// MinDocuments is the smallest collection whose model decides. Default
	// 50: in a smaller one a document's ten neighbours are a fifth of the
	// collection, and the propagated confidences are not calibrated (on
	// mailboxes of 24-48 documents drawn from the real-world set's dev
	// half, filings at them swung between none and 30-50 % of a mailbox at
	// precision 0.69-0.93). A smaller collection, down to
	// MinRankingDocuments, gets a model that only ranks
	// (collectionParams.ranksOnly).
	MinDocuments int
	// MinRankingDocuments is the smallest collection worth a model at all.
	// Default 10.
	MinRankingDocuments int
	// Recheck is how often a model is checked for growth of the collection.
	// Default 1 minute.
	Recheck time.Duration
	// Growth is the relative change in the number of documents after which
	// a model is rebuilt (documents that arrive in between are placed by
	// their neighbours all the same). Default 0.1.
	Growth float64
	// MaxOwners bounds the models kept in memory. Default 256.
	MaxOwners int
	// Builds bounds the models the process builds at once. Default 1: a
	// build of 5,000 documents takes a core for seconds, and the other
	// core keeps classifying.
	Builds int
	// BuildTimeout bounds a refresh in the background (loading the
	// documents and building). Default 2 minutes.
	BuildTimeout time.Duration
	// Logger receives the errors of refreshes in the background, which no
	// caller waits for. Default slog.Default().
	Logger *slog.Logger
}

func (o CollectionOptions) withDefaults() CollectionOptions {
	if o.MaxDocuments <= 0 {
		o.MaxDocuments = 5000
	}
	if o.MinDocuments <= 0 {
		o.MinDocuments = 50
	}
	if o.MinRankingDocuments <= 0 {
		o.MinRankingDocuments = min(10, o.MinDocuments)
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
	if o.Builds <= 0 {
		o.Builds = 1
	}
	if o.BuildTimeout <= 0 {
		o.BuildTimeout = 2 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// WithCollection makes the classifier consult each owner's whole collection
// (collection.go) and returns it. A model is built per (owner, projects at
// their revisions) — a manual assignment bumps a project's revision, so a
// correction rebuilds it — and again when the collection has grown or
// shrunk by opts.Growth; it is never built per document, and never while a
// classification waits (see collectionModel and PrepareCollection).
func (l *Local) WithCollection(src CollectionSource, opts CollectionOptions) *Local {
	opts = opts.withDefaults()
	l.coll = &collectionCache{
		src: src, opts: opts, owners: map[string]*ownerModel{}, now: time.Now,
		builds: make(chan struct{}, opts.Builds), minTaught: defaultCollectionParams.minTaught,
	}
	return l
}

// collectionCache keeps the owners' models. It is safe for concurrent use.
type collectionCache struct {
	src    CollectionSource
	opts   CollectionOptions
	now    func() time.Time
	mu     sync.Mutex
	owners map[string]*ownerModel
	// builds holds a token per build under way: a build keeps a
	// collection's documents and graph in memory and takes a core for
	// seconds, so the process runs at most opts.Builds at once.
	builds chan struct{}
	// refreshes counts the background refreshes under way (tests wait for
	// them).
	refreshes sync.WaitGroup
	// minTaught is the model's own rule (collectionParams.minTaught): a
	// class needs this many manual assignments before the model speaks
	// for it.
	minTaught int
}

// ownerModel is one owner's model and what it was refreshed for. mu guards
// the fields and is held only to read or swap them, never during a build;
// running makes the refreshes of one owner single-flight.
type ownerModel struct {
	mu sync.Mutex
	// model is the latest model built (nil: none, or nothing to spread) and
	// ids the project IDs, in order, it was built for: its classes are
	// those projects, so it serves only a candidate set of the same IDs.
	model *CollectionModel
	ids   string
	// key is the projects at their revisions of the last refresh, size
	// and manualNone the collection's counts then, checked its time.
	key        string
	refreshed  bool
	size       int
	manualNone int
	checked    time.Time
	// running is closed when the refresh under way ends (nil: none).
	running chan struct{}
	// failedKey and failedAt hold back a failed refresh until Recheck has
	// passed, so a failing store is not asked for every document.
	failedKey string
	failedAt  time.Time
	used      time.Time
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
				// An owner whose refresh is under way stays: dropped, its
				// next classification would start a second one.
				x.mu.Lock()
				busy := x.running != nil
				x.mu.Unlock()
				if !busy && (oldest == "" || x.used.Before(at)) {
					oldest, at = o, x.used
				}
			}
			if oldest != "" {
				delete(c.owners, oldest)
			}
		}
		e = &ownerModel{}
		c.owners[owner] = e
	}
	e.used = c.now()
	return e
}

// collectionModel returns the owner's model to classify with right now,
// never waiting for one: when the model is missing or stale it starts a
// refresh in the background (one per owner at a time) and returns what
// there is — the previous model while the projects are the same ones (at
// other revisions), none when a project was added or removed, since the
// old model's classes are other projects. It returns nil without any build
// when the model could not change a decision: no project has minTaught
// manual assignments in its profile, nor the collection minTaught manual
// "no project" ones.
func (l *Local) collectionModel(owner string, projects []Project, set *candidateSet) *CollectionModel {
	c := l.coll
	e := c.entry(owner)
	key, ids := projectKey(projects), projectIDs(projects)
	now := c.now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running == nil && c.due(e, key, now) {
		l.refreshInBackground(e, owner, projects, set, key)
	}
	if !set.teaches(c.minTaught) && e.manualNone < c.minTaught {
		return nil
	}
	if e.model != nil && e.ids == ids {
		return e.model
	}
	return nil
}

// due reports whether the owner's model needs a refresh for key. e.mu is
// held.
func (c *collectionCache) due(e *ownerModel, key string, now time.Time) bool {
	if e.failedKey == key && now.Sub(e.failedAt) < c.opts.Recheck {
		return false
	}
	return !e.refreshed || e.key != key || now.Sub(e.checked) >= c.opts.Recheck
}

// refreshInBackground starts a refresh of the owner's model for key on a
// detached context (the classification that noticed it does not wait, and
// its cancellation must not cut the build short), bounded by
// opts.BuildTimeout. e.mu is held.
func (l *Local) refreshInBackground(e *ownerModel, owner string, projects []Project, set *candidateSet, key string) {
	c := l.coll
	done := make(chan struct{})
	e.running = done
	projects = append([]Project(nil), projects...) // the caller may reuse its slice
	c.refreshes.Add(1)
	go func() {
		defer c.refreshes.Done()
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.BuildTimeout)
		defer cancel()
		err := l.refresh(ctx, e, owner, projects, set, key)
		l.finishRefresh(e, done, key, err)
		if err != nil {
			c.opts.Logger.Error("classify: collection model not refreshed; classifying with the previous one", "owner", owner, "err", err)
		}
	}()
}

// PrepareCollection brings the owner's model for projects up to date and
// waits for it: a refresh under way is waited for, and a missing or stale
// model is built in the caller's goroutine (within the process's bound of
// concurrent builds). Callers that must classify with the user's latest
// corrections — the backlog after corrections, the evaluation — call it
// before they classify; ordinary classification never waits for a model.
func (l *Local) PrepareCollection(ctx context.Context, owner string, projects []Project) error {
	if l.coll == nil || owner == "" || len(projects) == 0 {
		return nil
	}
	set, err := l.candidateSet(ctx, projects)
	if err != nil {
		return err
	}
	c := l.coll
	e := c.entry(owner)
	key := projectKey(projects)
	for {
		e.mu.Lock()
		if r := e.running; r != nil {
			e.mu.Unlock()
			select {
			case <-r:
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if e.refreshed && e.key == key && c.now().Sub(e.checked) < c.opts.Recheck {
			e.mu.Unlock()
			return nil
		}
		done := make(chan struct{})
		e.running = done
		e.mu.Unlock()
		err := l.refresh(ctx, e, owner, projects, set, key)
		l.finishRefresh(e, done, key, err)
		return err
	}
}

// refresh decides whether the owner's model for key must be (re)built and
// builds it; the caller holds e.running. The counts come first and cost one
// query: when no class could be taught (no project with minTaught manual
// assignments in its profile, fewer than minTaught manual "no project" in
// the collection) or the collection is too small, nothing is loaded; when
// the model of key exists and the collection has not moved by opts.Growth,
// it is kept.
func (l *Local) refresh(ctx context.Context, e *ownerModel, owner string, projects []Project, set *candidateSet, key string) error {
	c := l.coll
	stats, err := c.src.CollectionStats(ctx, owner)
	if err != nil {
		return fmt.Errorf("classify: collection counts of %s: %w", owner, err)
	}
	ids := projectIDs(projects)
	e.mu.Lock()
	prev, prevKey, prevSize, prevOK := e.model, e.key, e.size, e.refreshed
	e.mu.Unlock()

	var model *CollectionModel
	teaches := set.teaches(c.minTaught) || stats.ManualNoProject >= c.minTaught
	switch {
	case !teaches || stats.Documents < c.opts.MinRankingDocuments:
		// Nothing to spread, or too few documents for a graph.
	case prevOK && prevKey == key && prev != nil && c.withinGrowth(stats.Documents, prevSize):
		model = prev
	default:
		select {
		case c.builds <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("classify: waiting to build the collection model of %s: %w", owner, ctx.Err())
		}
		defer func() { <-c.builds }()
		docs, err := c.src.CollectionDocuments(ctx, owner, c.opts.MaxDocuments)
		if err != nil {
			return fmt.Errorf("classify: collection of %s: %w", owner, err)
		}
		if len(docs) >= c.opts.MinRankingDocuments {
			model = l.buildAtLowPriority(projects, docs, set, collectionParamsFor(len(docs), c.opts.MinDocuments))
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.model, e.ids = model, ids
	e.key, e.refreshed, e.size, e.manualNone, e.checked = key, true, stats.Documents, stats.ManualNoProject, c.now()
	return nil
}

// buildAtLowPriority builds the model on an OS thread of its own at a lower
// priority, so that the classifications on the other threads keep their
// CPU while it runs; the thread is discarded afterwards.
func (l *Local) buildAtLowPriority(projects []Project, docs []CollectionDoc, set *candidateSet, pp collectionParams) *CollectionModel {
	out := make(chan *CollectionModel, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the lowered thread ends with this goroutine
		lowerThreadPriority()
		out <- buildCollectionModel(projects, docs, func(_ int, a *analysis) ([]float64, bool) {
			res := l.params.score(a, set, l.dict)
			return priorOf(res, len(projects)), res.sure()
		}, pp)
	}()
	return <-out
}

// finishRefresh ends the refresh that holds done.
func (l *Local) finishRefresh(e *ownerModel, done chan struct{}, key string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.failedKey, e.failedAt = key, l.coll.now()
	} else {
		e.failedKey = ""
	}
	if e.running == done {
		e.running = nil
	}
	close(done)
}

// withinGrowth reports whether a collection of n documents is still the
// one of size (within opts.Growth either way).
func (c *collectionCache) withinGrowth(n, size int) bool {
	return float64(n) <= float64(size)*(1+c.opts.Growth) && float64(n) >= float64(size)*(1-c.opts.Growth)
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

// projectIDs identifies a set of projects in order, whatever their
// revisions: a model's classes are these projects.
func projectIDs(projects []Project) string {
	var b strings.Builder
	for _, p := range projects {
		b.WriteString(p.ID)
		b.WriteByte(0)
	}
	return b.String()
}
