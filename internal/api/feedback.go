package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
	"github.com/besunny/workflows/workflows"
)

// AssignDocument records the user's own decision and feeds it back to the
// local classifier by bumping the profile revision of the projects involved
// (the document becomes an example of its project's centroid). Then it
// signals the user's ReclassifyBacklogWorkflow (starting it if needed),
// which re-scores the user's unclassified documents once the corrections
// settle. The assignment is idempotent: if Temporal cannot be reached the
// request fails after the assignment was stored, and repeating it is safe.
func (s *Server) AssignDocument(c echo.Context, id apigen.DocumentId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var in apigen.AssignRequest
	if err := c.Bind(&in); err != nil {
		return badRequest(`send {"project_id": "<uuid>"} or {"project_id": null}`)
	}
	ctx := c.Request().Context()
	var doc db.Document
	err = s.store.InTx(ctx, func(q *db.Queries) error {
		cur, err := q.GetDocumentForOwner(ctx, db.GetDocumentForOwnerParams{ID: id, OwnerID: p.UserID})
		if store.IsNotFound(err) {
			return notFound("no document " + id.String())
		}
		if err != nil {
			return err
		}
		if in.ProjectId != nil {
			if _, err := q.GetProjectForOwner(ctx, db.GetProjectForOwnerParams{ID: *in.ProjectId, OwnerID: p.UserID}); store.IsNotFound(err) {
				return notFound("no project " + in.ProjectId.String())
			} else if err != nil {
				return err
			}
		}
		_, err = q.UpsertDecision(ctx, db.UpsertDecisionParams{
			DocumentID: id, Revision: cur.ClassifyRevision, Path: "manual", Classifier: "manual", ProjectID: in.ProjectId,
			Confidence: 1, MatchedTags: []string{}, InferredTags: []string{}, Reason: "assigned by the user",
			Candidates: json.RawMessage(`[]`), Applied: true,
		})
		if err != nil {
			return err
		}
		one := float32(1)
		// The assignment carries the document's current revision: a
		// reclassify requested before it does not replace it, one requested
		// after it does (see ApplyClassification).
		if _, err := q.ApplyClassification(ctx, db.ApplyClassificationParams{
			ID: id, ProjectID: in.ProjectId, ClassificationSource: "manual", Confidence: &one, Revision: cur.ClassifyRevision,
		}); err != nil {
			return err
		}
		var touched []uuid.UUID
		for _, pid := range []*uuid.UUID{cur.ProjectID, in.ProjectId} {
			if pid != nil {
				touched = append(touched, *pid)
			}
		}
		if err := q.BumpProfileRevision(ctx, touched); err != nil {
			return err
		}
		doc, err = q.GetDocumentForOwner(ctx, db.GetDocumentForOwnerParams{ID: id, OwnerID: p.UserID})
		return err
	})
	if err != nil {
		return err
	}
	user := p.UserID.String()
	if _, err := s.temporal.SignalWithStartWorkflow(ctx, workflows.BacklogWorkflowID(user), workflows.CorrectionSignal,
		workflows.BacklogCorrection{DocumentID: id.String()}, workflows.BacklogStartOptions(s.cfg.Temporal.TaskQueue, user),
		workflows.ReclassifyBacklogWorkflow, workflows.BacklogInput{UserID: user}); err != nil {
		return fmt.Errorf("the assignment is stored, but the backlog run of %s could not be signalled (repeat the request): %w", user, err)
	}
	return c.JSON(http.StatusOK, documentBody(doc))
}

// ReclassifyDocument classifies the document again under a new revision,
// applying the result even over a manual assignment.
func (s *Server) ReclassifyDocument(c echo.Context, id apigen.DocumentId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rev, err := s.store.BumpClassifyRevision(ctx, db.BumpClassifyRevisionParams{ID: id, OwnerID: p.UserID})
	if store.IsNotFound(err) {
		return notFound("no document " + id.String())
	}
	if err != nil {
		return err
	}
	wf := workflows.ClassifyWorkflowID(id.String(), int(rev))
	in := workflows.ClassifyInput{DocumentID: id.String(), Revision: int(rev), Force: true}
	if err := s.startOnce(ctx, wf, workflows.ClassifyDocumentWorkflow, in); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, s.started(wf))
}

// ListDecisions lists the decisions about one of the caller's documents.
func (s *Server) ListDecisions(c echo.Context, id apigen.DocumentId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.GetDocumentForOwner(ctx, db.GetDocumentForOwnerParams{ID: id, OwnerID: p.UserID}); store.IsNotFound(err) {
		return notFound("no document " + id.String())
	} else if err != nil {
		return err
	}
	rows, err := s.store.ListDecisions(ctx, id)
	if err != nil {
		return err
	}
	out := apigen.DecisionList{Decisions: make([]apigen.Decision, 0, len(rows))}
	for _, r := range rows {
		out.Decisions = append(out.Decisions, apigen.Decision{
			Id: r.ID, Revision: int(r.Revision), Path: apigen.DecisionPath(r.Path), Classifier: r.Classifier,
			ProjectId: r.ProjectID, Confidence: float32(r.Confidence), MatchedTags: r.MatchedTags,
			InferredTags: r.InferredTags, Reason: r.Reason, TokensIn: int(r.TokensIn), TokensOut: int(r.TokensOut),
			LatencyMs: int(r.LatencyMs), Applied: r.Applied, CreatedAt: r.CreatedAt,
		})
	}
	return c.JSON(http.StatusOK, out)
}

// OnboardProject stores the summary and starts the onboarding run.
func (s *Server) OnboardProject(c echo.Context, id apigen.ProjectId) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var in apigen.OnboardRequest
	if err := c.Bind(&in); err != nil {
		return badRequest("send {\"summary\": {\"overview\": …}} as JSON: " + err.Error())
	}
	summary, err := json.Marshal(in.Summary)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rev, err := s.store.SaveOnboardingSummary(ctx, db.SaveOnboardingSummaryParams{ID: id, OwnerID: p.UserID, Summary: summary})
	if store.IsNotFound(err) {
		return notFound("no project " + id.String())
	}
	if err != nil {
		return err
	}
	wf := workflows.OnboardWorkflowID(id.String(), int(rev))
	input := workflows.OnboardInput{ProjectID: id.String(), OwnerID: p.UserID.String(), UseLLM: s.cfg.Classify.Mode != config.ClassifierLocal}
	if err := s.startOnce(ctx, wf, workflows.ProjectOnboardingWorkflow, input); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, s.started(wf))
}

// startOnce starts a one-shot workflow whose id names its work; a second
// start of the same id is "already done".
func (s *Server) startOnce(ctx context.Context, id string, wf any, in any) error {
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    id,
		TaskQueue:             s.cfg.Temporal.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, wf, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start %s: %w", id, err)
	}
	return nil
}

func (s *Server) started(id string) apigen.WorkflowStarted {
	return apigen.WorkflowStarted{
		WorkflowId: id,
		StatusUrl:  s.cfg.PublicURL + "/api/v1/runs/" + url.PathEscape(id),
		UiUrl:      ptr(s.workflowUIURL(id)),
	}
}
