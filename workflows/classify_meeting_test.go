package workflows

import (
	"testing"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/activities"
)

type classifyMeetingSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	ca  *activities.Classify
}

func TestClassifyMeeting(t *testing.T) { suite.Run(t, new(classifyMeetingSuite)) }

func (s *classifyMeetingSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(s.ca)
}

func (s *classifyMeetingSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

var meetingIn = ClassifyMeetingInput{MeetingID: "m-1", Revision: 3}

func (s *classifyMeetingSuite) run() ClassifyMeetingResult {
	s.env.ExecuteWorkflow(ClassifyMeetingWorkflow, meetingIn)
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var out ClassifyMeetingResult
	s.Require().NoError(s.env.GetWorkflowResult(&out))
	return out
}

func (s *classifyMeetingSuite) expectStore(apply bool, path, project string, applied bool) {
	s.env.OnActivity(s.ca.StoreMeetingDecision, mock.Anything, mock.MatchedBy(func(in activities.StoreMeetingDecisionInput) bool {
		return in.MeetingID == "m-1" && in.Revision == 3 && in.Apply == apply && in.Decision.Path == path && in.Decision.ProjectID == project
	})).Return(applied, nil).Once()
}

func (s *classifyMeetingSuite) TestLocalDecisionIsAppliedToTheMeeting() {
	s.env.OnActivity(s.ca.ClassifyMeetingLocal, mock.Anything, "m-1").Return(local("p1", 0.9, false), nil)
	s.expectStore(true, activities.PathLocal, "p1", true)
	out := s.run()
	s.True(out.Applied)
	s.Equal("p1", out.Decision.ProjectID)
	s.Equal("done", out.Stage)
}

func (s *classifyMeetingSuite) TestUnsureLocalDecisionAsksTheLLMAndLogsBoth() {
	s.env.OnActivity(s.ca.ClassifyMeetingLocal, mock.Anything, "m-1").Return(local("p1", 0.52, true), nil)
	s.expectStore(false, activities.PathLocal, "p1", false)
	s.env.OnActivity(s.ca.ClassifyMeetingLLM, mock.Anything, "m-1").
		Return(activities.DecisionSummary{ProjectID: "p2", Confidence: 0.88, Path: activities.PathLLM, Classifier: "openai:gpt-4o-mini"}, nil).Once()
	s.expectStore(true, activities.PathLLM, "p2", true)
	out := s.run()
	s.Equal("p2", out.Decision.ProjectID)
	s.True(out.Applied)
}

func (s *classifyMeetingSuite) TestFailedLLMLeavesTheLocalDecision() {
	s.env.OnActivity(s.ca.ClassifyMeetingLocal, mock.Anything, "m-1").Return(local("p1", 0.52, true), nil)
	s.expectStore(false, activities.PathLocal, "p1", false)
	s.env.OnActivity(s.ca.ClassifyMeetingLLM, mock.Anything, "m-1").
		Return(activities.DecisionSummary{}, temporal.NewNonRetryableApplicationError("llm auth", activities.ErrTypeLLMFailed, nil)).Once()
	s.expectStore(true, activities.PathLocal, "p1", true)
	out := s.run()
	s.Contains(out.LLMError, "llm auth")
	s.Equal("p1", out.Decision.ProjectID)
}

func (s *classifyMeetingSuite) TestOwnersChoiceIsNotOverwritten() {
	lo := local("p1", 0.9, false)
	lo.Manual = true
	s.env.OnActivity(s.ca.ClassifyMeetingLocal, mock.Anything, "m-1").Return(lo, nil)
	s.expectStore(false, activities.PathLocal, "p1", false)
	out := s.run()
	s.False(out.Applied)
}

func (s *classifyMeetingSuite) TestCancelledMeetingIsSkipped() {
	s.env.OnActivity(s.ca.ClassifyMeetingLocal, mock.Anything, "m-1").Return(activities.LocalOutcome{Skip: "meeting_cancelled"}, nil)
	out := s.run()
	s.Equal("meeting_cancelled", out.Skip)
}
