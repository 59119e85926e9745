package workflows

import (
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/activities"
)

type classifySuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	ca  *activities.Classify
}

func TestClassifyDocument(t *testing.T) { suite.Run(t, new(classifySuite)) }

func (s *classifySuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(s.ca)
}

func (s *classifySuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

var classifyIn = ClassifyInput{DocumentID: "doc-1", Revision: 2}

func (s *classifySuite) run(in ClassifyInput) ClassifyResult {
	s.env.ExecuteWorkflow(ClassifyDocumentWorkflow, in)
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var out ClassifyResult
	s.Require().NoError(s.env.GetWorkflowResult(&out))
	return out
}

// expectStore expects one store step; a decision asked to be applied is
// applied (the guarded apply lets it win).
func (s *classifySuite) expectStore(apply bool, path, project string) {
	s.expectStoreAnswer(apply, path, project, activities.StoreDecisionResult{Applied: apply})
}

func (s *classifySuite) expectStoreAnswer(apply bool, path, project string, answer activities.StoreDecisionResult) {
	s.env.OnActivity(s.ca.StoreDecision, mock.Anything, mock.MatchedBy(func(in activities.StoreDecisionInput) bool {
		return in.Apply == apply && in.Decision.Path == path && in.Decision.ProjectID == project && in.Revision == 2
	})).Return(answer, nil).Once()
}

func local(project string, conf float64, needsLLM bool) activities.LocalOutcome {
	return activities.LocalOutcome{OwnerID: "u1", NeedsLLM: needsLLM, Decision: activities.DecisionSummary{
		ProjectID: project, Confidence: conf, Path: activities.PathLocal, Classifier: "local", Reason: "keywords",
	}}
}

func (s *classifySuite) TestSureLocalDecisionIsAppliedWithoutTheLLM() {
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(local("p1", 0.93, false), nil)
	s.expectStore(true, activities.PathLocal, "p1")

	out := s.run(classifyIn)
	s.True(out.Applied)
	s.Equal("p1", out.Decision.ProjectID)
	s.Empty(out.LLMError)
}

func (s *classifySuite) TestUnsureLocalDecisionAsksTheLLMAndKeepsBoth() {
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(local("p1", 0.55, true), nil)
	s.expectStore(false, activities.PathLocal, "p1")
	s.env.OnActivity(s.ca.ClassifyLLM, mock.Anything, "doc-1").
		Return(activities.DecisionSummary{ProjectID: "p2", Confidence: 0.9, Path: activities.PathLLM, Classifier: "openai:gpt-4o-mini", TokensIn: 900, TokensOut: 40}, nil).Once()
	s.expectStore(true, activities.PathLLM, "p2")

	out := s.run(classifyIn)
	s.Equal("p2", out.Decision.ProjectID)
	s.Equal(900, out.Decision.TokensIn)
}

func (s *classifySuite) TestRateLimitedLLMIsRetriedUntilItAnswers() {
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(local("", 0.3, true), nil)
	s.expectStore(false, activities.PathLocal, "")
	s.env.OnActivity(s.ca.ClassifyLLM, mock.Anything, "doc-1").
		Return(activities.DecisionSummary{}, temporal.NewApplicationError("llm rate_limited", activities.ErrTypeLLMRetryable)).Twice()
	s.env.OnActivity(s.ca.ClassifyLLM, mock.Anything, "doc-1").
		Return(activities.DecisionSummary{ProjectID: "p2", Confidence: 0.8, Path: activities.PathLLM}, nil).Once()
	s.expectStore(true, activities.PathLLM, "p2")

	out := s.run(classifyIn)
	s.Equal("p2", out.Decision.ProjectID)
}

func (s *classifySuite) TestFailedLLMFallsBackToTheLocalDecision() {
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(local("p1", 0.6, true), nil)
	s.expectStore(false, activities.PathLocal, "p1")
	s.env.OnActivity(s.ca.ClassifyLLM, mock.Anything, "doc-1").
		Return(activities.DecisionSummary{}, temporal.NewNonRetryableApplicationError("llm quota_exhausted: add credit", activities.ErrTypeLLMFailed, nil)).Once()
	s.expectStore(true, activities.PathLocal, "p1")

	out := s.run(classifyIn)
	s.Equal("p1", out.Decision.ProjectID)
	s.Contains(out.LLMError, "quota_exhausted")
	s.Contains(out.Decision.Reason, "local decision used")
}

func (s *classifySuite) TestManualAssignmentIsNotOverwritten() {
	lo := local("p1", 0.95, false)
	lo.Manual = true
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(lo, nil)
	s.expectStore(false, activities.PathLocal, "p1")

	out := s.run(classifyIn)
	s.False(out.Applied)
}

func (s *classifySuite) TestManualAssignmentIsNotOverwritten_SaysWhy() {
	lo := local("p1", 0.95, false)
	lo.Manual = true
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(lo, nil)
	s.expectStore(false, activities.PathLocal, "p1")

	out := s.run(classifyIn)
	s.False(out.Applied)
	s.Equal(activities.NotAppliedManual, out.NotApplied)
}

func (s *classifySuite) TestReclassifyOverridesAManualAssignment() {
	lo := local("p1", 0.95, false)
	lo.Manual = true
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(lo, nil)
	s.env.OnActivity(s.ca.StoreDecision, mock.Anything, mock.MatchedBy(func(in activities.StoreDecisionInput) bool {
		return in.Apply && in.Force && in.Decision.ProjectID == "p1"
	})).Return(activities.StoreDecisionResult{Applied: true}, nil).Once()

	out := s.run(ClassifyInput{DocumentID: "doc-1", Revision: 2, Force: true})
	s.True(out.Applied)
	s.Empty(out.NotApplied)
}

// TestDecisionRefusedByTheStoreIsReportedNotApplied: the local step saw no
// manual assignment, but one (or a newer revision's decision) was made while
// the LLM answered; the guarded apply refuses and the run says so, without
// tagging the run with a project the document is not in.
func (s *classifySuite) TestDecisionRefusedByTheStoreIsReportedNotApplied() {
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(local("p1", 0.55, true), nil)
	s.expectStore(false, activities.PathLocal, "p1")
	s.env.OnActivity(s.ca.ClassifyLLM, mock.Anything, "doc-1").
		Return(activities.DecisionSummary{ProjectID: "p2", Confidence: 0.9, Path: activities.PathLLM}, nil).Once()
	s.expectStoreAnswer(true, activities.PathLLM, "p2", activities.StoreDecisionResult{NotApplied: activities.NotAppliedManual})
	var projectAttr bool
	s.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		if sa, ok := args.Get(0).(temporal.SearchAttributes); ok && sa.ContainsKey(AttrProjectID) {
			projectAttr = true
		}
	}).Return(nil)

	out := s.run(classifyIn)
	s.False(out.Applied)
	s.Equal(activities.NotAppliedManual, out.NotApplied)
	s.Equal("p2", out.Decision.ProjectID, "the decision itself is still reported")
	s.False(projectAttr)
}

func (s *classifySuite) TestDeletedDocumentIsSkipped() {
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "doc-1").Return(activities.LocalOutcome{Skip: "document_deleted"}, nil)

	out := s.run(classifyIn)
	s.Equal("document_deleted", out.Skip)
}

func (s *classifySuite) TestMissingRevisionIsRefused() {
	s.env.ExecuteWorkflow(ClassifyDocumentWorkflow, ClassifyInput{DocumentID: "doc-1"})
	var appErr *temporal.ApplicationError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &appErr)
	s.Equal(ErrTypeBadWorkflowInput, appErr.Type())
}
