package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/classify"
)

// OnboardInput names the project whose stored summary to onboard.
type OnboardInput struct {
	ProjectID string `json:"project_id"`
	OwnerID   string `json:"owner_id"`
	// UseLLM derives the hints with the LLM (falling back to local
	// extraction when it fails).
	UseLLM bool `json:"use_llm"`
}

// OnboardResult says what onboarding derived.
type OnboardResult struct {
	ProjectID string `json:"project_id"`
	// By is llm or local.
	By                string `json:"by"`
	Tags              int    `json:"tags"`
	Categories        int    `json:"categories"`
	ReferenceKeywords int    `json:"reference_keywords"`
	People            int    `json:"people"`
	LLMError          string `json:"llm_error,omitempty"`
}

// ProjectOnboardingWorkflow derives a project's classification hints —
// snake_case tags, categories, reference keywords, entity patterns — from the
// summary its owner gave, and adds them to the project.
func ProjectOnboardingWorkflow(ctx workflow.Context, in OnboardInput) (OnboardResult, error) {
	if in.ProjectID == "" {
		return OnboardResult{}, temporal.NewNonRetryableApplicationError("project_id is required", ErrTypeBadWorkflowInput, nil)
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrProjectID.ValueSet(in.ProjectID), AttrUserID.ValueSet([]string{in.OwnerID}))
	var ob *activities.Onboarding
	local := withDBSteps(ctx)
	res := OnboardResult{ProjectID: in.ProjectID, By: "local"}
	var profile classify.Profile
	derived := false
	if in.UseLLM {
		err := workflow.ExecuteActivity(llmCtx(ctx), (*activities.Onboarding).DeriveProfile, activities.DeriveInput{ProjectID: in.ProjectID, UseLLM: true}).Get(ctx, &profile)
		if err == nil {
			res.By, derived = "llm", true
		} else {
			res.LLMError = err.Error()
			workflow.GetLogger(ctx).Warn("LLM onboarding failed; extracting locally", "project_id", in.ProjectID, "error", err)
		}
	}
	if !derived {
		if err := workflow.ExecuteLocalActivity(local, ob.DeriveProfile, activities.DeriveInput{ProjectID: in.ProjectID}).Get(ctx, &profile); err != nil {
			return res, fmt.Errorf("derive profile: %w", err)
		}
	}
	if err := workflow.ExecuteLocalActivity(local, ob.ApplyProfile, activities.ApplyProfileInput{ProjectID: in.ProjectID, Profile: profile}).Get(ctx, nil); err != nil {
		return res, fmt.Errorf("apply profile: %w", err)
	}
	res.Tags, res.Categories, res.ReferenceKeywords = len(profile.NormalizedTags), len(profile.Categories), len(profile.ReferenceKeywords)
	res.People = len(profile.Entities.People)
	workflow.SetCurrentDetails(ctx, fmt.Sprintf("derived by %s: %d tags, %d categories, %d keywords, %d people",
		res.By, res.Tags, res.Categories, res.ReferenceKeywords, res.People))
	return res, nil
}
