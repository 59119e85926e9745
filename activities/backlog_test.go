package activities_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/classify"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/internal/testenv"
)

type backlogFixture struct {
	st     *store.Store
	ca     *activities.Classify
	owner  uuid.UUID
	harbor uuid.UUID
	bakery uuid.UUID
	seq    int
	t      *testing.T
}

func newBacklogFixture(t *testing.T) *backlogFixture {
	database := testenv.NewDatabase(t)
	f := &backlogFixture{st: database.Store, owner: uuid.New(), t: t}
	f.ca = &activities.Classify{Store: f.st, Local: classify.NewLocal(activities.StoreExamples{Store: f.st, Max: 200})}
	ctx := t.Context()
	if _, err := f.st.UpsertUserFromClaims(ctx, db.UpsertUserFromClaimsParams{ID: f.owner, Email: "demo@example.org"}); err != nil {
		t.Fatal(err)
	}
	mk := func(name, desc string, keywords ...string) uuid.UUID {
		p, err := f.st.CreateProject(ctx, db.CreateProjectParams{OwnerID: f.owner, Name: name, Description: desc, Status: "active",
			NormalizedTags: []string{}, Categories: []string{}, ReferenceKeywords: keywords, EntityPatterns: json.RawMessage(`{}`),
			ClassificationSignals: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	f.harbor = mk("Harbor Library renovation", "Renovation of the Harbor Library: reading room, roof insulation, structural survey.", "reading room", "roof insulation")
	f.bakery = mk("Sourdough bakery website", "A new website and online shop for a sourdough bakery: product pages, checkout.", "online shop", "checkout")
	return f
}

func (f *backlogFixture) doc(title, text string) uuid.UUID {
	f.t.Helper()
	f.seq++
	r, err := f.st.UpsertDocument(f.t.Context(), db.UpsertDocumentParams{OwnerID: f.owner, Source: "upload", SourceID: title, Type: "email",
		Title: title, Author: "Someone <someone@example.org>", Content: text, Metadata: json.RawMessage(`{}`), ReceivedAt: time.Now()})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.ID
}

func (f *backlogFixture) assign(doc uuid.UUID, project *uuid.UUID) {
	f.t.Helper()
	one := float32(1)
	d := f.get(doc)
	if _, err := f.st.ApplyClassification(f.t.Context(), db.ApplyClassificationParams{ID: doc, ProjectID: project, ClassificationSource: "manual", Confidence: &one, Revision: d.ClassifyRevision}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *backlogFixture) get(doc uuid.UUID) db.Document {
	f.t.Helper()
	d, err := f.st.GetDocumentForOwner(f.t.Context(), db.GetDocumentForOwnerParams{ID: doc, OwnerID: f.owner})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func TestRescoreBacklogPage_FilesWhatItIsSureOfAndNothingAssignedByHand(t *testing.T) {
	f := newBacklogFixture(t)
	sure := f.doc("Harbor Library reading room", "The Harbor Library renovation: roof insulation of the reading room and the structural survey are next.")
	vague := f.doc("Lunch", "Shall we have lunch on Friday?")
	manualNone := f.doc("Harbor Library renovation invoice", "The Harbor Library renovation: reading room and roof insulation invoice.")
	f.assign(manualNone, nil) // the user said: no project
	manualOther := f.doc("Harbor Library and the bakery", "The Harbor Library renovation reading room, for the bakery's shop.")
	f.assign(manualOther, &f.bakery)

	var all activities.BacklogPageResult
	in := activities.BacklogPageInput{OwnerID: f.owner.String(), Limit: 1, MinConfidence: 0.7}
	for pages := 0; ; pages++ {
		page, err := f.ca.RescoreBacklogPage(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		if page.Scanned > 1 || pages > 3 {
			t.Fatalf("page %d scanned %d documents with limit 1", pages, page.Scanned)
		}
		all.Scanned += page.Scanned
		all.Filed += page.Filed
		all.FiledIDs = append(all.FiledIDs, page.FiledIDs...)
		if page.Done {
			break
		}
		in.After = page.Next
	}
	if all.Scanned != 2 || all.Filed != 1 || len(all.FiledIDs) != 1 || all.FiledIDs[0] != sure.String() {
		t.Fatalf("backlog = %+v, want the two unclassified documents scanned and %s filed", all, sure)
	}
	if d := f.get(sure); d.ProjectID == nil || *d.ProjectID != f.harbor || d.ClassificationSource != "local" {
		t.Errorf("sure document = project %v source %s", d.ProjectID, d.ClassificationSource)
	}
	decisions, err := f.st.ListDecisions(t.Context(), sure)
	if err != nil || len(decisions) != 1 || decisions[0].Path != activities.PathBacklog || !decisions[0].Applied {
		t.Errorf("decisions = %+v, %v; want one applied backlog decision", decisions, err)
	}
	if d := f.get(vague); d.ProjectID != nil {
		t.Errorf("vague document filed into %v", *d.ProjectID)
	}
	if d := f.get(manualNone); d.ProjectID != nil || d.ClassificationSource != "manual" {
		t.Errorf("manual no-project document = %v %s", d.ProjectID, d.ClassificationSource)
	}
	if d := f.get(manualOther); d.ProjectID == nil || *d.ProjectID != f.bakery || d.ClassificationSource != "manual" {
		t.Errorf("manual assignment changed: %v %s", d.ProjectID, d.ClassificationSource)
	}

	// A second pass finds nothing more to do and records nothing twice.
	again, err := f.ca.RescoreBacklogPage(t.Context(), activities.BacklogPageInput{OwnerID: f.owner.String(), Limit: 10, MinConfidence: 0.7})
	if err != nil || again.Scanned != 1 || again.Filed != 0 || !again.Done {
		t.Errorf("second pass = %+v, %v", again, err)
	}
}

func TestLockBacklogDocument_OnlyWhatWasScored(t *testing.T) {
	f := newBacklogFixture(t)
	ctx := t.Context()
	doc := f.doc("Harbor Library", "Reading room.")
	lock := func(rev int32) error {
		return f.st.InTx(ctx, func(q *db.Queries) error {
			_, err := q.LockBacklogDocument(ctx, db.LockBacklogDocumentParams{ID: doc, OwnerID: f.owner, ClassifyRevision: rev})
			return err
		})
	}
	if err := lock(1); err != nil {
		t.Fatalf("unclassified document at its revision: %v", err)
	}
	if err := lock(2); !store.IsNotFound(err) {
		t.Errorf("another revision: %v, want not found", err)
	}
	if err := f.st.InTx(ctx, func(q *db.Queries) error {
		_, err := q.LockBacklogDocument(ctx, db.LockBacklogDocumentParams{ID: doc, OwnerID: uuid.New(), ClassifyRevision: 1})
		return err
	}); !store.IsNotFound(err) {
		t.Errorf("another owner: %v, want not found", err)
	}
	f.assign(doc, &f.harbor)
	if err := lock(1); !store.IsNotFound(err) {
		t.Errorf("assigned by hand: %v, want not found", err)
	}
}

func TestRescoreBacklogPage_RejectsBadInput(t *testing.T) {
	ca := &activities.Classify{}
	if _, err := ca.RescoreBacklogPage(t.Context(), activities.BacklogPageInput{OwnerID: "nope"}); err == nil {
		t.Error("bad owner id accepted")
	}
	if _, err := ca.RescoreBacklogPage(t.Context(), activities.BacklogPageInput{OwnerID: uuid.NewString(), After: "x"}); err == nil {
		t.Error("bad cursor accepted")
	}
}
