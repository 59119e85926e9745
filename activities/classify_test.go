package activities_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/testenv"
)

// guardStep is one event in the life of a document's classification: an
// automatic decision arriving (auto), the user's manual assignment (manual,
// as POST /documents/{id}/assign makes it), or a new revision being requested
// (bump: a content change or the user's reclassify).
type guardStep struct {
	kind     string // auto, manual, bump
	revision int
	project  string // "a", "b" or "" (no project)
	force    bool
	// For auto: whether the decision must win, and if not, why.
	applied    bool
	notApplied string
}

func auto(revision int, project string, force, applied bool, notApplied string) guardStep {
	return guardStep{kind: "auto", revision: revision, project: project, force: force, applied: applied, notApplied: notApplied}
}

var (
	manualTo = func(project string) guardStep { return guardStep{kind: "manual", project: project} }
	bump     = guardStep{kind: "bump"}
)

// TestStoreDecision_GuardedApplyKeepsManualAssignmentsAndNewerRevisions runs
// the store step of the classification workflow against PostgreSQL: an
// automatic decision never replaces a manual assignment unless forced by a
// reclassify requested after it, and never replaces a newer revision's
// decision.
func TestStoreDecision_GuardedApplyKeepsManualAssignmentsAndNewerRevisions(t *testing.T) {
	cases := []struct {
		name        string
		steps       []guardStep
		wantProject string
		wantSource  string
	}{
		{"a decision applies to an unclassified document",
			[]guardStep{auto(1, "a", false, true, "")}, "a", "local"},
		{"a retried decision of the same revision applies again",
			[]guardStep{auto(1, "a", false, true, ""), auto(1, "a", false, true, "")}, "a", "local"},
		{"a newer revision's decision replaces an older one",
			[]guardStep{auto(1, "a", false, true, ""), bump, auto(2, "b", false, true, "")}, "b", "local"},
		{"an assignment made while the decision was in flight wins",
			[]guardStep{manualTo("b"), auto(1, "a", false, false, activities.NotAppliedManual)}, "b", "manual"},
		{"an assignment to no project wins too",
			[]guardStep{manualTo(""), auto(1, "a", false, false, activities.NotAppliedManual)}, "", "manual"},
		{"a late decision of an older revision does not replace a newer one",
			[]guardStep{bump, auto(2, "b", false, true, ""), auto(1, "a", false, false, activities.NotAppliedNewerRevision)}, "b", "local"},
		{"a late forced decision of an older revision does not replace a newer one",
			[]guardStep{bump, bump, auto(3, "b", true, true, ""), auto(2, "a", true, false, activities.NotAppliedNewerRevision)}, "b", "local"},
		{"a content change does not replace a manual assignment",
			[]guardStep{manualTo("b"), bump, auto(2, "a", false, false, activities.NotAppliedManual)}, "b", "manual"},
		{"a reclassify requested after the assignment replaces it",
			[]guardStep{manualTo("b"), bump, auto(2, "a", true, true, "")}, "a", "local"},
		{"an assignment made after the reclassify request wins over it",
			[]guardStep{bump, manualTo("b"), auto(2, "a", true, false, activities.NotAppliedManual)}, "b", "manual"},
		{"a manual assignment replaces an automatic decision",
			[]guardStep{auto(1, "a", false, true, ""), manualTo("b")}, "b", "manual"},
	}
	database := testenv.NewDatabase(t)
	st := database.Store
	ctx := context.Background()
	ca := &activities.Classify{Store: st}
	owner := uuid.New()
	if _, err := st.Pool.Exec(ctx, `INSERT INTO users (id, username) VALUES ($1, 'guard')`, owner); err != nil {
		t.Fatal(err)
	}
	projects := map[string]string{}
	for _, name := range []string{"a", "b"} {
		var id uuid.UUID
		if err := st.Pool.QueryRow(ctx, `INSERT INTO projects (owner_id, name) VALUES ($1, $2) RETURNING id`, owner, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		projects[name] = id.String()
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var docID uuid.UUID
			if err := st.Pool.QueryRow(ctx, `INSERT INTO documents (owner_id, source, source_id, title) VALUES ($1, 'upload', $2, 'Plan') RETURNING id`,
				owner, uuid.NewString()).Scan(&docID); err != nil {
				t.Fatal(err)
			}
			for i, step := range tc.steps {
				switch step.kind {
				case "bump":
					if _, err := st.BumpClassifyRevision(ctx, db.BumpClassifyRevisionParams{ID: docID, OwnerID: owner}); err != nil {
						t.Fatal(err)
					}
				case "manual":
					assignByHand(t, st.Queries, docID, owner, projects[step.project])
				case "auto":
					got, err := ca.StoreDecision(ctx, activities.StoreDecisionInput{
						DocumentID: docID.String(), Revision: step.revision, Apply: true, Force: step.force,
						Decision: activities.DecisionSummary{ProjectID: projects[step.project], Confidence: 0.9, Path: activities.PathLocal, Classifier: "local", Reason: "test"},
					})
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if got.Applied != step.applied || got.NotApplied != step.notApplied {
						t.Fatalf("step %d (%+v): got %+v", i, step, got)
					}
					var recorded bool
					if err := st.Pool.QueryRow(ctx, `SELECT applied FROM classification_decisions WHERE document_id = $1 AND revision = $2 AND path = 'local'`,
						docID, step.revision).Scan(&recorded); err != nil {
						t.Fatal(err)
					}
					if recorded != step.applied {
						t.Fatalf("step %d: recorded applied = %v, want %v", i, recorded, step.applied)
					}
				}
			}
			var project *uuid.UUID
			var source string
			if err := st.Pool.QueryRow(ctx, `SELECT project_id, classification_source FROM documents WHERE id = $1`, docID).Scan(&project, &source); err != nil {
				t.Fatal(err)
			}
			gotProject := ""
			if project != nil {
				gotProject = project.String()
			}
			if gotProject != projects[tc.wantProject] || source != tc.wantSource {
				t.Fatalf("document: project %q source %s, want %q %s", gotProject, source, projects[tc.wantProject], tc.wantSource)
			}
		})
	}
}

// assignByHand makes the manual assignment the way the API's assign route
// does: at the document's current revision.
func assignByHand(t *testing.T, q *db.Queries, docID, owner uuid.UUID, project string) {
	t.Helper()
	ctx := context.Background()
	doc, err := q.GetDocumentForOwner(ctx, db.GetDocumentForOwnerParams{ID: docID, OwnerID: owner})
	if err != nil {
		t.Fatal(err)
	}
	var pid *uuid.UUID
	if project != "" {
		id := uuid.MustParse(project)
		pid = &id
	}
	one := float32(1)
	n, err := q.ApplyClassification(ctx, db.ApplyClassificationParams{ID: docID, ProjectID: pid, ClassificationSource: "manual", Confidence: &one, Revision: doc.ClassifyRevision})
	if err != nil || n != 1 {
		t.Fatalf("manual assignment: %d rows, %v", n, err)
	}
}
