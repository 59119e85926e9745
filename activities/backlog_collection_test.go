package activities_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/classify"
)

// countingCollection is the store's collection, counting document loads.
type countingCollection struct {
	activities.StoreCollection
	mu    sync.Mutex
	loads int
}

func (c *countingCollection) CollectionDocuments(ctx context.Context, owner string, max int) ([]classify.CollectionDoc, error) {
	c.mu.Lock()
	c.loads++
	c.mu.Unlock()
	return c.StoreCollection.CollectionDocuments(ctx, owner, max)
}

func (c *countingCollection) loaded() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads
}

func TestCollectionStats_CountsDocumentsAndManualNoProject(t *testing.T) {
	f := newBacklogFixture(t)
	a := f.doc("One", "first")
	b := f.doc("Two", "second")
	c := f.doc("Three", "third")
	f.doc("Four", "fourth")
	f.assign(a, nil)
	f.assign(b, nil)
	f.assign(c, &f.harbor)
	st, err := activities.StoreCollection{Store: f.st}.CollectionStats(t.Context(), f.owner.String())
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 4 || st.ManualNoProject != 2 {
		t.Errorf("stats = %+v, want 4 documents, 2 of them manual no-project", st)
	}
}

// The backlog scores with the model of the corrections: it builds it
// before the first document (classification alone would only start a
// build in the background), once per page.
func TestRescoreBacklogPage_BuildsTheCollectionModelBeforeItScores(t *testing.T) {
	f := newBacklogFixture(t)
	src := &countingCollection{StoreCollection: activities.StoreCollection{Store: f.st}}
	f.ca.Local = classify.NewLocal(activities.StoreExamples{Store: f.st, Max: 200}).WithCollection(src, classify.CollectionOptions{})
	for i := 0; i < 60; i++ {
		id := f.doc(fmt.Sprintf("Weekly note %d", i), fmt.Sprintf("Notes of week %d: the usual round-up.", i))
		if i < 2 {
			f.assign(id, &f.harbor) // two corrections: the model can spread them
		}
	}
	page, err := f.ca.RescoreBacklogPage(t.Context(), activities.BacklogPageInput{OwnerID: f.owner.String(), Limit: 100, MinConfidence: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	if page.Scanned != 58 {
		t.Errorf("scanned %d, want the 58 unclassified documents", page.Scanned)
	}
	if n := src.loaded(); n != 1 {
		t.Errorf("the collection was loaded %d times by the time the page returned, want 1 (built before scoring, then reused)", n)
	}
	// Every decision, the first scored included, rests on the model (only
	// the collection model says "you assigned to it"): none was scored
	// before it was built.
	if page.Filed != page.Scanned {
		t.Errorf("filed %d of %d", page.Filed, page.Scanned)
	}
	for _, id := range page.FiledIDs {
		decisions, err := f.st.ListDecisions(t.Context(), uuid.MustParse(id))
		if err != nil || len(decisions) != 1 || !strings.Contains(decisions[0].Reason, "you assigned to it") {
			t.Fatalf("decisions of %s = %+v, %v; want one that rests on the collection model of the corrections", id, decisions, err)
		}
	}
}
