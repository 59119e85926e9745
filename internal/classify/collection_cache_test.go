package classify

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// promptly bounds how long a classification may take while a build is held
// back: it does not wait for the build at all, so a call that takes longer
// waited (the build stays blocked until the test releases it).
const promptly = 5 * time.Second

// gated makes the collection's document loads block until release is
// called; started receives one value per load that began.
func gated(c *fakeCollection) (started chan struct{}, release func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gate, c.started = make(chan struct{}), make(chan struct{}, 64)
	var once sync.Once
	gate := c.gate
	return c.started, func() { once.Do(func() { close(gate) }) }
}

// classifyWithin classifies doc and fails the test when the call does not
// return within promptly.
func classifyWithin(t *testing.T, l *Local, doc Document, ps []Project) Decision {
	t.Helper()
	type result struct {
		d   Decision
		err error
	}
	ch := make(chan result, 1)
	go func() {
		d, err := l.Classify(context.Background(), doc, ps)
		ch <- result{d, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.d
	case <-time.After(promptly):
		t.Fatalf("Classify of %s did not return within %s while the collection model was being built", doc.ID, promptly)
		return Decision{}
	}
}

func waitStarted(t *testing.T, started chan struct{}) {
	t.Helper()
	select {
	case <-started:
	case <-time.After(promptly):
		t.Fatal("no build started")
	}
}

func TestCollection_ClassifyDoesNotWaitForABuildAndTheNextCallUsesTheNewModel(t *testing.T) {
	ps := collectionProjects()
	coll := newCollection(3)
	started, release := gated(coll)
	defer release()
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	scorer := NewLocal(coll) // the same profiles, no collection model
	doc := asDocument(sourceDoc("link", 20), "owner")

	// The first call starts the build and, while it is blocked, classifies
	// without a model: as the scorer alone does.
	d := classifyWithin(t, l, doc, ps)
	waitStarted(t, started)
	want, _ := scorer.Classify(context.Background(), doc, ps)
	if d.ProjectID != want.ProjectID || d.Confidence != want.Confidence {
		t.Errorf("during the build: %q %.4f, the scorer alone %q %.4f", d.ProjectID, d.Confidence, want.ProjectID, want.Confidence)
	}
	for i := 0; i < 5; i++ {
		classifyWithin(t, l, asDocument(sourceDoc("section", i), "owner"), ps)
	}
	if loads, _ := coll.counts(); loads != 1 {
		t.Errorf("calls during the build: %d loads, want 1", loads)
	}

	// Once the build is done, the next call uses the model.
	release()
	l.coll.refreshes.Wait()
	d = classifyWithin(t, l, doc, ps)
	if d.ProjectID != "oddities" || !strings.Contains(d.Reason, "you assigned to it") {
		t.Errorf("after the build: %q (%.2f, %s), want oddities from the corrections", d.ProjectID, d.Confidence, d.Reason)
	}
}

func TestCollection_OneBuildPerOwnerForConcurrentCalls(t *testing.T) {
	ps := collectionProjects()
	coll := newCollection(3)
	started, release := gated(coll)
	defer release()
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	const calls = 32
	var wg sync.WaitGroup
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kind := []string{"section", "link", "spam"}[i%3]
			owner := "owner"
			if i%4 == 3 {
				owner = "other"
			}
			classifyWithin(t, l, asDocument(sourceDoc(kind, i%30), owner), ps)
		}()
	}
	wg.Wait() // every call returned while the builds were blocked
	waitStarted(t, started)
	release()
	l.coll.refreshes.Wait()
	// Two owners, one build each.
	if loads, sizes := coll.counts(); loads != 2 || sizes != 2 {
		t.Errorf("%d concurrent calls of two owners: %d loads, %d size checks; want 2 and 2", calls, loads, sizes)
	}
}

func TestCollection_ABuildAtATimePerProcess(t *testing.T) {
	ps := collectionProjects()
	coll := newCollection(3)
	started, release := gated(coll)
	defer release()
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	for _, owner := range []string{"a", "b", "c"} {
		classifyWithin(t, l, asDocument(sourceDoc("link", 1), owner), ps)
	}
	waitStarted(t, started)
	// The other two owners' refreshes wait for the build token before
	// they load anything.
	time.Sleep(100 * time.Millisecond)
	if loads, _ := coll.counts(); loads != 1 {
		t.Errorf("three owners with Builds 1: %d loads under way, want 1", loads)
	}
	release()
	l.coll.refreshes.Wait()
	if loads, _ := coll.counts(); loads != 3 {
		t.Errorf("after the release: %d loads, want 3", loads)
	}
}

func TestCollection_ProjectSetChangeUsesNoStaleModel(t *testing.T) {
	ctx := context.Background()
	ps := collectionProjects()
	coll := newCollection(3)
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	if err := l.PrepareCollection(ctx, "owner", ps); err != nil {
		t.Fatal(err)
	}
	doc := asDocument(sourceDoc("link", 20), "owner")
	if d := classifyWithin(t, l, doc, ps); d.ProjectID != "oddities" {
		t.Fatalf("with the model: %q", d.ProjectID)
	}
	started, release := gated(coll)
	defer release()

	// A revision changed (a correction): the same projects, so the old
	// model still serves while the new one is built.
	rev := collectionProjects()
	rev[1].Revision = "2"
	d := classifyWithin(t, l, doc, rev)
	waitStarted(t, started)
	if d.ProjectID != "oddities" || !strings.Contains(d.Reason, "you assigned to it") {
		t.Errorf("revision change during the rebuild: %q (%s), want the previous model's oddities", d.ProjectID, d.Reason)
	}
	release()
	l.coll.refreshes.Wait()

	// A project added: the old model's classes are other projects, so none
	// is used until the new one is built.
	_, release = gated(coll)
	defer release()
	added := append(collectionProjects(), Project{ID: "games", Name: "Game industry", Description: "Developers, studios and the business of games.", Revision: "1"})
	added[1].Revision = "2"
	d = classifyWithin(t, l, doc, added)
	want, _ := NewLocal(coll).Classify(ctx, doc, added)
	if d.ProjectID != want.ProjectID || d.Confidence != want.Confidence || strings.Contains(d.Reason, "you assigned") {
		t.Errorf("project added, during the rebuild: %q %.4f (%s); the scorer alone %q %.4f", d.ProjectID, d.Confidence, d.Reason, want.ProjectID, want.Confidence)
	}
	// A project removed: the same.
	removed := collectionProjects()[1:]
	removed[0].Revision = "2"
	d = classifyWithin(t, l, doc, removed)
	want, _ = NewLocal(coll).Classify(ctx, doc, removed)
	if d.ProjectID != want.ProjectID || d.Confidence != want.Confidence || strings.Contains(d.Reason, "you assigned") {
		t.Errorf("project removed, during the rebuild: %q %.4f (%s); the scorer alone %q %.4f", d.ProjectID, d.Confidence, d.Reason, want.ProjectID, want.Confidence)
	}
	release()
	l.coll.refreshes.Wait()
}

func TestCollection_NoBuildWhenNothingCanSpread(t *testing.T) {
	ctx := context.Background()
	ps := collectionProjects()
	// One correction per project: below the model's minTaught, so it
	// could not change a decision.
	coll := newCollection(1)
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	for i := 0; i < 30; i += 3 {
		classifyWithin(t, l, asDocument(sourceDoc("link", i), "owner"), ps)
	}
	if err := l.PrepareCollection(ctx, "owner", ps); err != nil {
		t.Fatal(err)
	}
	l.coll.refreshes.Wait()
	if loads, _ := coll.counts(); loads != 0 {
		t.Errorf("one correction per project: %d document loads, want none", loads)
	}

	// Two manual "no project" assignments can spread (no profile shows
	// them; the counts do): the model is built.
	for i := range coll.docs[:6] {
		if strings.HasPrefix(coll.docs[i].ID, "x") {
			coll.docs[i].Manual = true
		}
	}
	coll.docs = append(coll.docs, CollectionDoc{ID: "x-more", Title: "URGENT CASH", Text: "Dear friend, claim now.", Manual: true})
	ps[0].Revision = "2"
	if err := l.PrepareCollection(ctx, "owner", ps); err != nil {
		t.Fatal(err)
	}
	if loads, _ := coll.counts(); loads != 1 {
		t.Errorf("manual no-project assignments: %d loads, want 1", loads)
	}
}

// failingCollection fails every call.
type failingCollection struct {
	mu    sync.Mutex
	calls int
}

func (f *failingCollection) CollectionDocuments(context.Context, string, int) ([]CollectionDoc, error) {
	return nil, errors.New("store down")
}

func (f *failingCollection) CollectionStats(context.Context, string) (CollectionStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return CollectionStats{}, errors.New("store down")
}

func TestCollection_BackgroundErrorIsLoggedAndHeldBack(t *testing.T) {
	ps := collectionProjects()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	src := &failingCollection{}
	l := NewLocal(newCollection(3)).WithCollection(src, CollectionOptions{Logger: logger, Recheck: time.Hour})
	for i := 0; i < 10; i++ {
		classifyWithin(t, l, asDocument(sourceDoc("link", i), "owner"), ps)
		l.coll.refreshes.Wait()
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "store down") || !strings.Contains(out, "owner=owner") {
		t.Errorf("log: %q, want the error and the owner", out)
	}
	if src.calls != 1 {
		t.Errorf("10 classifications with a failing store: %d refreshes, want 1 until Recheck", src.calls)
	}
	// The explicit prepare step reports the error to its caller.
	if err := l.PrepareCollection(context.Background(), "owner", ps); err == nil || !strings.Contains(err.Error(), "store down") {
		t.Errorf("PrepareCollection: %v, want the store's error", err)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func TestPrepareCollection_WaitsForTheBuildUnderWayAndBuildsOnce(t *testing.T) {
	ctx := context.Background()
	ps := collectionProjects()
	coll := newCollection(3)
	started, release := gated(coll)
	defer release()
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{})
	classifyWithin(t, l, asDocument(sourceDoc("link", 1), "owner"), ps)
	waitStarted(t, started)
	done := make(chan error, 1)
	go func() { done <- l.PrepareCollection(ctx, "owner", ps) }()
	select {
	case err := <-done:
		t.Fatalf("PrepareCollection returned (%v) before the build under way ended", err)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(promptly):
		t.Fatal("PrepareCollection did not return after the build")
	}
	if loads, _ := coll.counts(); loads != 1 {
		t.Errorf("%d loads, want 1: the prepare step waited for the build instead of building again", loads)
	}
	if m := l.collectionModel("owner", ps, mustSet(t, l, ps)); m == nil {
		t.Error("no model after PrepareCollection")
	}
	// A canceled caller stops waiting.
	started, release2 := gated(coll)
	defer release2()
	ps[0].Revision = "2"
	classifyWithin(t, l, asDocument(sourceDoc("link", 1), "owner"), ps)
	waitStarted(t, started)
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := l.PrepareCollection(cctx, "owner", ps); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("canceled prepare: %v", err)
	}
	release2()
	l.coll.refreshes.Wait()
}

func TestCollection_AnOwnerWithARefreshUnderWayIsNotEvicted(t *testing.T) {
	ps := collectionProjects()
	coll := newCollection(3)
	started, release := gated(coll)
	defer release()
	l := NewLocal(coll).WithCollection(coll, CollectionOptions{MaxOwners: 1})
	classifyWithin(t, l, asDocument(sourceDoc("link", 1), "a"), ps)
	waitStarted(t, started)
	classifyWithin(t, l, asDocument(sourceDoc("link", 1), "b"), ps) // over MaxOwners, but a is busy
	classifyWithin(t, l, asDocument(sourceDoc("link", 2), "a"), ps)
	release()
	l.coll.refreshes.Wait()
	if loads, _ := coll.counts(); loads != 2 {
		t.Errorf("%d loads, want 2 (one per owner): a's running refresh was dropped and started again", loads)
	}
}
