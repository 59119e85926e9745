package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

type processEmailV2Suite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	ea  *activities.Email
	ca  *activities.Classify
	g   *activities.Gmail
	// children counts the ClassifyDocumentWorkflow runs started.
	children []ClassifyInput
}

func TestProcessEmailV2(t *testing.T) { suite.Run(t, new(processEmailV2Suite)) }

func (s *processEmailV2Suite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(s.ea)
	s.env.RegisterActivity(s.ca)
	s.env.RegisterActivity(&activities.Gmail{})
	s.env.RegisterWorkflow(ClassifyDocumentWorkflow)
	s.children = nil
	s.env.OnWorkflow(ClassifyDocumentWorkflow, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in ClassifyInput) (ClassifyResult, error) {
		s.children = append(s.children, in)
		return ClassifyResult{}, nil
	}).Maybe()
}

func (s *processEmailV2Suite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func (s *processEmailV2Suite) run(in ProcessEmailInput) EmailStatus {
	return runEmail(s.Require(), s.env, ProcessEmailWorkflowV2, in)
}

func (s *processEmailV2Suite) expectOutcome() *activities.OutcomeInput {
	return expectOneOutcome(s.env, s.ea)
}

// oneDocumentFor mocks parse, recipients and store of a message to alice.
func (s *processEmailV2Suite) oneDocumentFor(msgKey string, revision int) {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, msgKey).Return(activities.ParseResult{Subject: "Hi", Usernames: []string{"alice"}}, nil).Once()
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, []string{"alice"}).Return([]activities.Recipient{{Username: "alice", UserID: "u1"}}, nil).Once()
	s.env.OnActivity(s.ea.StoreDocuments, mock.Anything, mock.Anything).
		Return([]activities.StoredDocument{{DocumentID: "d1", UserID: "u1", Username: "alice", Created: true, ClassifyRevision: revision}}, nil).Once()
}

// The common path: fetched by the local activity, classified and decided
// inline with the guarded apply, no child run, no gmail-queue activity.
func (s *processEmailV2Suite) TestGmailMessageIsFetchedAndClassifiedInOneRun() {
	s.env.OnActivity(s.g.FetchMessageLocal, mock.Anything, activities.FetchInput{Mailbox: testMailbox, MessageID: gmailKey}).
		Return(activities.FetchResult{Downloaded: true}, nil).Once()
	s.oneDocumentFor(gmailKey, 1)
	decision := activities.DecisionSummary{ProjectID: "p1", Confidence: 0.9, Classifier: activities.PathLocal, Path: activities.PathLocal}
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "d1").Return(activities.LocalOutcome{OwnerID: "u1", Decision: decision}, nil).Once()
	s.env.OnActivity(s.ca.StoreDecision, mock.Anything, activities.StoreDecisionInput{DocumentID: "d1", Revision: 1, Decision: decision, Apply: true}).
		Return(activities.StoreDecisionResult{Applied: true}, nil).Once()
	outcome := s.expectOutcome()

	out := s.run(gmailInput)
	s.Equal(StatusProcessed, out.Status)
	s.Equal(StatusProcessed, outcome.Status)
	s.Empty(s.children, "no ClassifyDocumentWorkflow in the common case")
}

// A manual assignment read by the local step is kept: the decision is
// recorded, not applied.
func (s *processEmailV2Suite) TestManualAssignmentIsNotOverwrittenInline() {
	in := ProcessEmailInput{MessageKey: key, Source: "upload"}
	s.oneDocumentFor(key, 1)
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "d1").Return(activities.LocalOutcome{OwnerID: "u1", Manual: true, Decision: activities.DecisionSummary{ProjectID: "p2"}}, nil).Once()
	s.env.OnActivity(s.ca.StoreDecision, mock.Anything, mock.MatchedBy(func(in activities.StoreDecisionInput) bool { return !in.Apply && !in.Force })).
		Return(activities.StoreDecisionResult{}, nil).Once()
	s.expectOutcome()

	s.Equal(StatusProcessed, s.run(in).Status)
	s.Empty(s.children)
}

// The LLM path (hybrid or openai classifier) and a re-classification go to
// the ClassifyDocumentWorkflow child.
func (s *processEmailV2Suite) TestLLMAndReclassificationGoToTheirOwnRun() {
	in := ProcessEmailInput{MessageKey: key, Source: "upload"}
	s.oneDocumentFor(key, 1)
	s.env.OnActivity(s.ca.ClassifyLocal, mock.Anything, "d1").Return(activities.LocalOutcome{OwnerID: "u1", NeedsLLM: true}, nil).Once()
	s.expectOutcome()

	s.Equal(StatusProcessed, s.run(in).Status)
	s.Equal([]ClassifyInput{{DocumentID: "d1", Revision: 1}}, s.children)
}

func (s *processEmailV2Suite) TestAReclassifiedRevisionGoesToItsOwnRun() {
	in := ProcessEmailInput{MessageKey: key, Source: "upload", Revision: 2}
	s.oneDocumentFor(key, 2)
	s.expectOutcome()

	s.Equal(StatusProcessed, s.run(in).Status)
	s.Equal([]ClassifyInput{{DocumentID: "d1", Revision: 2}}, s.children, "no inline classification of a re-processed message")
}

// A local fetch that would wait too long for the quota falls back to the
// gmail task queue's activity.
func (s *processEmailV2Suite) TestBusyQuotaFallsBackToTheGmailQueue() {
	s.env.OnActivity(s.g.FetchMessageLocal, mock.Anything, mock.Anything).Return(activities.FetchResult{},
		temporal.NewApplicationError("quota busy", activities.ErrTypeGmailQuotaBusy)).Once()
	s.env.OnActivity(s.g.FetchMessage, mock.Anything, activities.FetchInput{Mailbox: testMailbox, MessageID: gmailKey}).
		Return(activities.FetchResult{Downloaded: true}, nil).Once()
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, gmailKey).Return(activities.ParseResult{Subject: "Hi"}, nil).Once()
	outcome := s.expectOutcome()

	s.run(gmailInput)
	s.Equal(StatusUserNotFound, outcome.Status)
}

// The fallback keeps the fetch deadline: a message Gmail never gives ends
// failed with the reason, retried up to the deadline.
func (s *processEmailV2Suite) TestGmailFetchThatNeverSucceedsEndsFailedAtTheDeadline() {
	s.env.OnActivity(s.g.FetchMessageLocal, mock.Anything, mock.Anything).Return(activities.FetchResult{}, accessDenied()).Once()
	attempts := failEveryFetch(s.env, func() error { return slowRetry(accessDenied(), 20*time.Minute) })
	s.env.OnActivity(s.ea.StorePlaceholder, mock.Anything, activities.PlaceholderInput{MessageKey: gmailKey, Mailbox: testMailbox}).Return(nil).Once()
	outcome := s.expectOutcome()

	in := gmailInput
	in.FetchDeadline = 2 * time.Hour
	out := s.run(in)
	s.Equal(StatusFailed, out.Status)
	s.Contains(outcome.Reason, ReasonGmailUnavailable)
	s.Contains(outcome.Reason, "not fetched within 2h0m0s")
	s.Contains(outcome.Reason, "403 Delegation denied")
	s.Greater(attempts.span(), 100*time.Minute, "retried up to the deadline, not given up early")
}

// Gmail's refusal of the message itself ends the run at once, without the
// fallback.
func (s *processEmailV2Suite) TestGoneGmailMessageEndsFailedWithoutFallback() {
	s.env.OnActivity(s.g.FetchMessageLocal, mock.Anything, mock.Anything).Return(activities.FetchResult{},
		temporal.NewApplicationErrorWithOptions("gmail messages.get: 404 Requested entity was not found.",
			activities.ErrTypeGmailRejected, temporal.ApplicationErrorOptions{NonRetryable: true})).Once()
	s.env.OnActivity(s.ea.StorePlaceholder, mock.Anything, mock.Anything).Return(nil).Once()
	outcome := s.expectOutcome()

	s.Equal(StatusFailed, s.run(gmailInput).Status)
	s.Equal(ReasonGmailUnavailable+": gmail messages.get: 404 Requested entity was not found.", outcome.Reason)
}
