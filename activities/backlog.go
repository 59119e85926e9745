package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// PathBacklog is the path of a decision the ReclassifyBacklogWorkflow filed.
const PathBacklog = "backlog"

// BacklogSettings are the worker's settings of the ReclassifyBacklogWorkflow,
// read by each run at its start.
type BacklogSettings struct {
	// Debounce is the quiet period after the last correction.
	Debounce time.Duration `json:"debounce"`
	// MinConfidence is the local confidence from which a document is filed.
	MinConfidence float64 `json:"min_confidence"`
	// PageSize bounds the documents one activity re-scores.
	PageSize int `json:"page_size"`
}

// DefaultBacklogPageSize is the number of documents one backlog activity
// re-scores: small enough to finish in seconds on a busy machine.
const DefaultBacklogPageSize = 100

// BacklogSettings returns the backlog settings this worker was configured with.
func (a *Classify) BacklogSettings(context.Context) (BacklogSettings, error) {
	s := a.Backlog
	if s.PageSize <= 0 {
		s.PageSize = DefaultBacklogPageSize
	}
	return s, nil
}

// BacklogPageInput names a page of a user's backlog: the unclassified
// documents after the cursor (a document id; "" for the first page).
type BacklogPageInput struct {
	OwnerID       string  `json:"owner_id"`
	After         string  `json:"after,omitempty"`
	Limit         int     `json:"limit"`
	MinConfidence float64 `json:"min_confidence"`
}

// BacklogPageResult says what one page did. Next is the cursor of the next
// page; Done is set when the page was the last one.
type BacklogPageResult struct {
	Next     string   `json:"next,omitempty"`
	Done     bool     `json:"done"`
	Scanned  int      `json:"scanned"`
	Filed    int      `json:"filed"`
	FiledIDs []string `json:"filed_ids,omitempty"`
	// Changed counts documents that were assigned, reclassified or edited
	// between scoring and filing: they are left alone.
	Changed int `json:"changed,omitempty"`
}

// RescoreBacklogPage classifies a page of the owner's unclassified documents
// with the local classifier (whose profiles now include the user's latest
// corrections) and files those it is sure of. A document is filed only if it
// is still unclassified, not assigned by hand and at the revision that was
// scored — checked under a row lock in the transaction that records the
// decision — so a manual assignment or a newer decision always wins.
func (a *Classify) RescoreBacklogPage(ctx context.Context, in BacklogPageInput) (BacklogPageResult, error) {
	owner, err := uuid.Parse(in.OwnerID)
	if err != nil {
		return BacklogPageResult{}, nonRetryable(ErrTypeInvalidInput, err, "owner id %q", in.OwnerID)
	}
	after := uuid.Nil
	if in.After != "" {
		if after, err = uuid.Parse(in.After); err != nil {
			return BacklogPageResult{}, nonRetryable(ErrTypeInvalidInput, err, "cursor %q", in.After)
		}
	}
	limit := in.Limit
	if limit <= 0 {
		limit = DefaultBacklogPageSize
	}
	ids, err := a.Store.ListBacklogPage(ctx, db.ListBacklogPageParams{OwnerID: owner, After: after, MaxRows: int32(limit)})
	if err != nil {
		return BacklogPageResult{}, fmt.Errorf("backlog of %s: %w", in.OwnerID, err)
	}
	res := BacklogPageResult{Done: len(ids) < limit, Scanned: len(ids)}
	if len(ids) > 0 {
		res.Next = ids[len(ids)-1].String()
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		filed, changed, err := a.rescore(ctx, owner, id, in.MinConfidence)
		if err != nil {
			return res, err
		}
		if filed {
			res.Filed++
			res.FiledIDs = append(res.FiledIDs, id.String())
		}
		if changed {
			res.Changed++
		}
	}
	return res, nil
}

// rescore classifies one document and files it when the decision is sure.
func (a *Classify) rescore(ctx context.Context, owner, id uuid.UUID, minConfidence float64) (filed, changed bool, err error) {
	c, skip, err := a.load(ctx, id.String())
	if err != nil || skip != "" || len(c.projects) == 0 {
		return false, false, err
	}
	// The backlog runs after corrections: it scores with the owner's
	// collection model of the current projects, built here if it is not
	// yet (classification alone never waits for one). Once it is current
	// this is a map look-up.
	if err := a.Local.PrepareCollection(ctx, c.document.Owner, c.projects); err != nil {
		return false, false, fmt.Errorf("collection model: %w", err)
	}
	start := time.Now()
	d, err := a.Local.Classify(ctx, c.document, c.projects)
	if err != nil {
		return false, false, fmt.Errorf("local classifier: %w", err)
	}
	if d.ProjectID == "" || d.Confidence < minConfidence {
		return false, false, nil
	}
	sum := summary(d, PathBacklog, time.Since(start))
	sum.Reason = "filed after the user's corrections: " + sum.Reason
	cands, err := json.Marshal(sum.Candidates)
	if err != nil {
		return false, false, err
	}
	project := optionalUUID(sum.ProjectID)
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		_, err := q.LockBacklogDocument(ctx, db.LockBacklogDocumentParams{ID: id, OwnerID: owner, ClassifyRevision: c.doc.ClassifyRevision})
		if store.IsNotFound(err) {
			changed = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("lock %s: %w", id, err)
		}
		// The same decision-apply queries as StoreDecision, guard included: the
		// decision is put on the document, then recorded as applied. The row
		// lock above makes a refusal unlikely; one is not recorded at all.
		conf := float32(sum.Confidence)
		n, err := q.ApplyClassification(ctx, db.ApplyClassificationParams{
			ID: id, ProjectID: project, ClassificationSource: "local", Confidence: &conf, Revision: c.doc.ClassifyRevision,
		})
		if err != nil {
			return fmt.Errorf("apply backlog decision to %s: %w", id, err)
		}
		if n == 0 {
			changed = true
			return nil
		}
		if _, err := q.UpsertDecision(ctx, db.UpsertDecisionParams{
			DocumentID: id, Revision: c.doc.ClassifyRevision, Path: PathBacklog, Classifier: sum.Classifier,
			ProjectID: project, Confidence: float32(sum.Confidence), MatchedTags: nonNil(sum.MatchedTags),
			InferredTags: nonNil(sum.InferredTags), Reason: sum.Reason, Candidates: cands,
			LatencyMs: int32(sum.LatencyMS), Applied: true,
		}); err != nil {
			return fmt.Errorf("record backlog decision for %s: %w", id, err)
		}
		filed = true
		return q.SetProjectLastClassified(ctx, *project)
	})
	return filed, changed, err
}
