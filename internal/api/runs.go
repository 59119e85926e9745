package api

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/besunny/workflows/internal/api/apigen"
	"github.com/besunny/workflows/workflows"
)

// GetRun describes a run and asks it for its progress. Users see only runs
// whose BesunnyUserId search attribute names them; anything else is 404, so
// the existence of other users' runs is not revealed.
func (s *Server) GetRun(c echo.Context, workflowID string) error {
	ctx := c.Request().Context()
	p := principal(c)
	desc, err := s.temporal.DescribeWorkflow(ctx, workflowID, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return notFound("no run " + workflowID)
	}
	if err != nil {
		return fmt.Errorf("describe %s: %w", workflowID, err)
	}
	info := desc.RawResponse.GetWorkflowExecutionInfo()
	owners := runOwners(info.GetSearchAttributes())
	if !canSee(p, owners) {
		return notFound("no run " + workflowID)
	}
	run := s.runBody(info)
	if progress, err := s.progressFor(ctx, p, run.WorkflowType, workflowID, owners); err == nil {
		run.Progress = &progress
	} else {
		s.log.DebugContext(ctx, "no progress shown", "workflow_id", workflowID, "error", err)
	}
	return c.JSON(http.StatusOK, run)
}

// ListRuns lists the caller's runs through Temporal visibility, newest first.
func (s *Server) ListRuns(c echo.Context, params apigen.ListRunsParams) error {
	p := principal(c)
	limit := 20
	if params.Limit != nil {
		limit = min(max(*params.Limit, 1), 100)
	}
	req := &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: s.cfg.Temporal.Namespace,
		PageSize:  int32(limit),
	}
	if !p.IsService() {
		req.Query = fmt.Sprintf("%s = '%s'", workflows.AttrUserID.GetName(), p.UserID)
	}
	if params.PageToken != nil {
		tok, err := base64.RawURLEncoding.DecodeString(*params.PageToken)
		if err != nil {
			return badRequest("page_token is not one this API returned")
		}
		req.NextPageToken = tok
	}
	resp, err := s.temporal.ListWorkflow(c.Request().Context(), req)
	if err != nil {
		return fmt.Errorf("list runs: %w", err)
	}
	out := apigen.RunList{Runs: make([]apigen.Run, 0, len(resp.GetExecutions()))}
	for _, info := range resp.GetExecutions() {
		out.Runs = append(out.Runs, s.runBody(info))
	}
	if len(resp.GetNextPageToken()) > 0 {
		out.NextPageToken = ptr(base64.RawURLEncoding.EncodeToString(resp.GetNextPageToken()))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) runBody(info *workflowpb.WorkflowExecutionInfo) apigen.Run {
	run := apigen.Run{
		WorkflowId:      info.GetExecution().GetWorkflowId(),
		RunId:           info.GetExecution().GetRunId(),
		WorkflowType:    info.GetType().GetName(),
		ExecutionStatus: executionStatus(info),
		StartedAt:       info.GetStartTime().AsTime(),
		UiUrl:           ptr(s.workflowUIURL(info.GetExecution().GetWorkflowId())),
	}
	if info.GetCloseTime() != nil {
		run.ClosedAt = ptr(info.GetCloseTime().AsTime())
	}
	return run
}

// executionStatus renders Temporal's enum the way its UI does (Running,
// Completed, Failed, …).
func executionStatus(info *workflowpb.WorkflowExecutionInfo) string {
	return info.GetStatus().String()
}

func (s *Server) queryStatus(ctx context.Context, workflowID string) (map[string]any, error) {
	v, err := s.temporal.QueryWorkflow(ctx, workflowID, "", workflows.StatusQuery)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, v.Get(&out)
}
