package workflows

import (
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// MeetingRevision is a meeting version to classify.
type MeetingRevision struct {
	MeetingID string `json:"meeting_id"`
	Revision  int    `json:"revision"`
}

// ClassifyMeetingInput names the meeting revision to classify.
type ClassifyMeetingInput struct {
	MeetingID string `json:"meeting_id"`
	Revision  int    `json:"revision"`
}

// ClassifyMeetingResult is the classification's outcome and status query
// answer.
type ClassifyMeetingResult struct {
	MeetingID string                     `json:"meeting_id"`
	Stage     string                     `json:"stage"`
	Skip      string                     `json:"skip,omitempty"`
	Decision  activities.DecisionSummary `json:"decision"`
	Applied   bool                       `json:"applied"`
	LLMError  string                     `json:"llm_error,omitempty"`
}

// ClassifyMeetingWorkflow decides which project a meeting belongs to, like
// ClassifyDocumentWorkflow does for documents: the local classifier first,
// the LLM when configured and the local decision is unsure, then the
// decision is logged and put on the meeting — unless the owner chose the
// project themselves or a newer revision of the meeting exists.
func ClassifyMeetingWorkflow(ctx workflow.Context, in ClassifyMeetingInput) (ClassifyMeetingResult, error) {
	if in.MeetingID == "" || in.Revision < 1 {
		return ClassifyMeetingResult{}, temporal.NewNonRetryableApplicationError("meeting_id and revision are required", ErrTypeBadWorkflowInput, nil)
	}
	res := ClassifyMeetingResult{MeetingID: in.MeetingID, Stage: "local"}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (ClassifyMeetingResult, error) { return res, nil }); err != nil {
		return res, fmt.Errorf("register status query: %w", err)
	}
	var ca *activities.Classify
	local := withDBSteps(ctx)

	var lo activities.LocalOutcome
	if err := workflow.ExecuteLocalActivity(local, ca.ClassifyMeetingLocal, in.MeetingID).Get(ctx, &lo); err != nil {
		return res, fmt.Errorf("local classification: %w", err)
	}
	if lo.Skip != "" {
		res.Stage, res.Skip = "done", lo.Skip
		return res, nil
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrUserID.ValueSet([]string{lo.OwnerID}), AttrMeetingID.ValueSet(in.MeetingID))
	res.Decision = lo.Decision

	if lo.NeedsLLM {
		res.Stage = "llm"
		keep := activities.StoreMeetingDecisionInput{MeetingID: in.MeetingID, Revision: in.Revision, Decision: lo.Decision}
		if err := workflow.ExecuteLocalActivity(local, ca.StoreMeetingDecision, keep).Get(ctx, nil); err != nil {
			return res, fmt.Errorf("store local decision: %w", err)
		}
		var llm activities.DecisionSummary
		if err := workflow.ExecuteActivity(llmCtx(ctx), (*activities.Classify).ClassifyMeetingLLM, in.MeetingID).Get(ctx, &llm); err != nil {
			res.LLMError = err.Error()
			res.Decision.Reason += " (the LLM could not decide; local decision used)"
			workflow.GetLogger(ctx).Warn("LLM classification failed; using the local decision", "meeting_id", in.MeetingID, "error", err)
		} else {
			res.Decision = llm
		}
	}

	res.Stage = "storing"
	store := activities.StoreMeetingDecisionInput{MeetingID: in.MeetingID, Revision: in.Revision, Decision: res.Decision, Apply: !lo.Manual}
	if err := workflow.ExecuteLocalActivity(local, ca.StoreMeetingDecision, store).Get(ctx, &res.Applied); err != nil {
		return res, fmt.Errorf("store decision: %w", err)
	}
	if res.Applied && res.Decision.ProjectID != "" {
		_ = workflow.UpsertTypedSearchAttributes(ctx, AttrProjectID.ValueSet(res.Decision.ProjectID))
	}
	res.Stage = "done"
	workflow.SetCurrentDetails(ctx, classifyMeetingDetails(res, lo.Manual))
	return res, nil
}

func classifyMeetingDetails(r ClassifyMeetingResult, manual bool) string {
	d := r.Decision
	project := d.ProjectID
	if project == "" {
		project = "unclassified"
	}
	s := fmt.Sprintf("**%s** (confidence %.2f, by %s via %s)\n\n%s", project, d.Confidence, d.Classifier, d.Path, d.Reason)
	switch {
	case manual:
		s += "\n\nnot applied: the owner chose the project"
	case !r.Applied:
		s += "\n\nnot applied: a newer revision of the meeting exists"
	}
	if r.LLMError != "" {
		s += "\n\nLLM error: " + r.LLMError
	}
	return s
}

// startMeetingClassifications hands meeting revisions to classification,
// as startClassifications does for documents: an abandoned child per
// revision, confirmed started, a revision that already has one left alone.
func startMeetingClassifications(ctx workflow.Context, revs []MeetingRevision) []string {
	futures := make([]workflow.ChildWorkflowFuture, 0, len(revs))
	for _, r := range revs {
		child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            ClassifyMeetingWorkflowID(r.MeetingID, r.Revision),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			TypedSearchAttributes: temporal.NewSearchAttributes(AttrMeetingID.ValueSet(r.MeetingID), AttrSource.ValueSet("calendar")),
		})
		futures = append(futures, workflow.ExecuteChildWorkflow(child, ClassifyMeetingWorkflow, ClassifyMeetingInput(r)))
	}
	var started []string
	for i, f := range futures {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		var dup *temporal.ChildWorkflowExecutionAlreadyStartedError
		switch {
		case err == nil:
			started = append(started, revs[i].MeetingID)
		case errors.As(err, &dup):
		default:
			workflow.GetLogger(ctx).Error("meeting classification not started", "meeting_id", revs[i].MeetingID, "error", err)
		}
	}
	return started
}
