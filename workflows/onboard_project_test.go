package workflows

import (
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/classify"
)

func runOnboarding(t *testing.T, in OnboardInput, setup func(env *testsuite.TestWorkflowEnvironment, ob *activities.Onboarding)) OnboardResult {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	var ob *activities.Onboarding
	env.RegisterActivity(ob)
	setup(env, ob)
	env.ExecuteWorkflow(ProjectOnboardingWorkflow, in)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var out OnboardResult
	require.NoError(t, env.GetWorkflowResult(&out))
	env.AssertExpectations(t)
	return out
}

var derived = classify.Profile{
	NormalizedTags: []string{"operating_rooms", "clinic_extension"},
	Entities:       classify.EntityPatterns{People: []classify.Person{{Name: "Hanna Berg", Email: "hanna@riverside.example"}}},
}

func TestOnboarding_LLMDerivesTheProfile(t *testing.T) {
	out := runOnboarding(t, OnboardInput{ProjectID: "p1", OwnerID: "u1", UseLLM: true}, func(env *testsuite.TestWorkflowEnvironment, ob *activities.Onboarding) {
		env.OnActivity(ob.DeriveProfile, mock.Anything, activities.DeriveInput{ProjectID: "p1", UseLLM: true}).Return(derived, nil).Once()
		env.OnActivity(ob.ApplyProfile, mock.Anything, activities.ApplyProfileInput{ProjectID: "p1", Profile: derived}).Return(nil).Once()
	})
	if out.By != "llm" || out.Tags != 2 || out.People != 1 {
		t.Fatalf("result = %+v", out)
	}
}

func TestOnboarding_FailedLLMFallsBackToLocalExtraction(t *testing.T) {
	out := runOnboarding(t, OnboardInput{ProjectID: "p1", UseLLM: true}, func(env *testsuite.TestWorkflowEnvironment, ob *activities.Onboarding) {
		env.OnActivity(ob.DeriveProfile, mock.Anything, activities.DeriveInput{ProjectID: "p1", UseLLM: true}).
			Return(classify.Profile{}, temporal.NewNonRetryableApplicationError("llm auth", activities.ErrTypeLLMFailed, nil)).Once()
		env.OnActivity(ob.DeriveProfile, mock.Anything, activities.DeriveInput{ProjectID: "p1"}).Return(derived, nil).Once()
		env.OnActivity(ob.ApplyProfile, mock.Anything, mock.Anything).Return(nil).Once()
	})
	if out.By != "local" || out.LLMError == "" {
		t.Fatalf("result = %+v, want a local fallback with the LLM error", out)
	}
}

func TestOnboarding_LocalModeNeverCallsTheLLM(t *testing.T) {
	out := runOnboarding(t, OnboardInput{ProjectID: "p1"}, func(env *testsuite.TestWorkflowEnvironment, ob *activities.Onboarding) {
		env.OnActivity(ob.DeriveProfile, mock.Anything, activities.DeriveInput{ProjectID: "p1"}).Return(derived, nil).Once()
		env.OnActivity(ob.ApplyProfile, mock.Anything, mock.Anything).Return(nil).Once()
	})
	if out.By != "local" {
		t.Fatalf("result = %+v", out)
	}
}
