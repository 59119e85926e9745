package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// LLMTaskQueue is the task queue of LLM calls; its worker's activity rate is
// LLM_REQUESTS_PER_SECOND for the whole cluster.
const LLMTaskQueue = "llm"

// ClassifyInput names the document revision to classify.
type ClassifyInput struct {
	DocumentID string `json:"document_id"`
	Revision   int    `json:"revision"`
	// Force applies the decision even over a manual assignment (a user's
	// explicit reclassify request).
	Force bool `json:"force,omitempty"`
}

// ClassifyResult is the classification's outcome and status query answer.
type ClassifyResult struct {
	DocumentID string                     `json:"document_id"`
	Stage      string                     `json:"stage"`
	Skip       string                     `json:"skip,omitempty"`
	Decision   activities.DecisionSummary `json:"decision"`
	Applied    bool                       `json:"applied"`
	// NotApplied says why the decision is not on the document (assigned by
	// hand, or a newer revision decided first).
	NotApplied string `json:"not_applied,omitempty"`
	// LLMError says why the LLM did not decide when it should have; the
	// local decision stood in.
	LLMError string `json:"llm_error,omitempty"`
}

// classifyGuardedApply is the change id of the version that believes the
// store step when it refuses a decision (the run then reports it not applied
// and does not tag itself with the project). Its GetVersion is called only
// on a refusal, which released runs never met (their store step answered
// nothing): the common path pays no marker and no extra search-attribute
// write, and released histories replay unchanged.
const classifyGuardedApply = "classify-guarded-apply"

// ClassifyDocumentWorkflow decides which project a document belongs to: the
// local classifier first (a local activity), the LLM only when configured and
// the local decision is unsure (an activity on the rate-limited llm queue),
// then the decision is stored on the document. A manual assignment is never
// overwritten unless the user asked to reclassify.
func ClassifyDocumentWorkflow(ctx workflow.Context, in ClassifyInput) (ClassifyResult, error) {
	if in.DocumentID == "" || in.Revision < 1 {
		return ClassifyResult{}, temporal.NewNonRetryableApplicationError("document_id and revision are required", ErrTypeBadWorkflowInput, nil)
	}
	res := ClassifyResult{DocumentID: in.DocumentID, Stage: "local"}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (ClassifyResult, error) { return res, nil }); err != nil {
		return res, fmt.Errorf("register status query: %w", err)
	}
	var ca *activities.Classify
	local := withDBSteps(ctx)

	var lo activities.LocalOutcome
	if err := workflow.ExecuteLocalActivity(local, ca.ClassifyLocal, in.DocumentID).Get(ctx, &lo); err != nil {
		return res, fmt.Errorf("local classification: %w", err)
	}
	if lo.Skip != "" {
		res.Stage, res.Skip = "done", lo.Skip
		return res, nil
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrUserID.ValueSet([]string{lo.OwnerID}), AttrDocumentID.ValueSet([]string{in.DocumentID}))
	res.Decision = lo.Decision

	if lo.NeedsLLM {
		res.Stage = "llm"
		// The local decision is kept for comparison, not applied.
		keep := activities.StoreDecisionInput{DocumentID: in.DocumentID, Revision: in.Revision, Decision: lo.Decision}
		if err := workflow.ExecuteLocalActivity(local, ca.StoreDecision, keep).Get(ctx, nil); err != nil {
			return res, fmt.Errorf("store local decision: %w", err)
		}
		var llm activities.DecisionSummary
		if err := workflow.ExecuteActivity(llmCtx(ctx), (*activities.Classify).ClassifyLLM, in.DocumentID).Get(ctx, &llm); err != nil {
			res.LLMError = err.Error()
			res.Decision.Reason += " (the LLM could not decide; local decision used)"
			workflow.GetLogger(ctx).Warn("LLM classification failed; using the local decision", "document_id", in.DocumentID, "error", err)
		} else {
			res.Decision = llm
		}
	}

	res.Stage = "storing"
	// "manual" was read at the local step, possibly minutes ago: the store
	// step's guarded apply is what decides (an assignment, or a newer
	// revision's decision, made meanwhile wins) and says so.
	res.Applied = !lo.Manual || in.Force
	store := activities.StoreDecisionInput{DocumentID: in.DocumentID, Revision: in.Revision, Decision: res.Decision, Apply: res.Applied, Force: in.Force}
	var stored activities.StoreDecisionResult
	if err := workflow.ExecuteLocalActivity(local, ca.StoreDecision, store).Get(ctx, &stored); err != nil {
		return res, fmt.Errorf("store decision: %w", err)
	}
	switch {
	case !store.Apply:
		res.NotApplied = activities.NotAppliedManual
	case stored.NotApplied != "" && workflow.GetVersion(ctx, classifyGuardedApply, workflow.DefaultVersion, 1) >= 1:
		res.Applied, res.NotApplied = false, stored.NotApplied
		workflow.GetLogger(ctx).Info("decision not applied", "document_id", in.DocumentID, "revision", in.Revision, "why", res.NotApplied)
	}
	if res.Applied && res.Decision.ProjectID != "" {
		_ = workflow.UpsertTypedSearchAttributes(ctx, AttrProjectID.ValueSet(res.Decision.ProjectID))
	}
	res.Stage = "done"
	workflow.SetCurrentDetails(ctx, classifyDetails(res))
	return res, nil
}

func classifyDetails(r ClassifyResult) string {
	d := r.Decision
	project := d.ProjectID
	if project == "" {
		project = "unclassified"
	}
	s := fmt.Sprintf("**%s** (confidence %.2f, by %s via %s)\n\n%s", project, d.Confidence, d.Classifier, d.Path, d.Reason)
	switch {
	case r.NotApplied != "":
		s += "\n\nnot applied: " + r.NotApplied
	case !r.Applied:
		s += "\n\nnot applied: the document was assigned by hand"
	}
	if r.LLMError != "" {
		s += "\n\nLLM error: " + r.LLMError
	}
	return s
}

// llmCtx runs LLM calls on the llm task queue: rate limits and outages are
// retried (after the server's Retry-After) for up to 15 minutes, after which
// the local decision stands in; errors no retry can fix stop at once.
func llmCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              LLMTaskQueue,
		StartToCloseTimeout:    90 * time.Second,
		ScheduleToCloseTimeout: 15 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        2 * time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeLLMFailed, activities.ErrTypeInvalidInput},
		},
	})
}
