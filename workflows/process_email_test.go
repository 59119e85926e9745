package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/activities"
)

type processEmailSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	ea  *activities.Email
}

func TestProcessEmail(t *testing.T) { suite.Run(t, new(processEmailSuite)) }

func (s *processEmailSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(s.ea)
	s.env.RegisterWorkflow(ClassifyDocumentWorkflow)
}

// expectClassification asserts that the document's revision is handed to
// classification.
func (s *processEmailSuite) expectClassification(documentID string, revision int) {
	s.env.OnWorkflow(ClassifyDocumentWorkflow, mock.Anything, ClassifyInput{DocumentID: documentID, Revision: revision}).
		Return(ClassifyResult{}, nil).Once()
}

func (s *processEmailSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

const key = "sha256:abc"

var input = ProcessEmailInput{MessageKey: key, Source: "upload"}

func (s *processEmailSuite) run() EmailStatus {
	return runEmail(s.Require(), s.env, ProcessEmailWorkflow, input)
}

// expectOutcome asserts the one RecordOutcome call and returns what it got.
func (s *processEmailSuite) expectOutcome() *activities.OutcomeInput {
	return expectOneOutcome(s.env, s.ea)
}

func (s *processEmailSuite) TestMessageForAKnownUserIsProcessed() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Subject: "Hi", Sender: "pat@x", Usernames: []string{"alice"}}, nil)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, []string{"alice"}).Return([]activities.Recipient{{Username: "alice", UserID: "u1"}}, nil)
	s.env.OnActivity(s.ea.StoreDocuments, mock.Anything, activities.StoreDocumentsInput{MessageKey: key, Recipients: []activities.Recipient{{Username: "alice", UserID: "u1"}}}).
		Return([]activities.StoredDocument{{DocumentID: "d1", UserID: "u1", Username: "alice", Created: true, ClassifyRevision: 1}}, nil)
	s.expectClassification("d1", 1)
	outcome := s.expectOutcome()

	out := s.run()
	s.Equal(StatusProcessed, out.Status)
	s.Equal("done", out.Stage)
	s.Len(out.Documents, 1)
	s.Equal(StatusProcessed, outcome.Status)
	s.Equal([]activities.RecipientState{{Username: "alice", UserID: "u1", Status: StatusProcessed, DocumentID: "d1"}}, outcome.Recipients)
	s.Equal(EmailWorkflowID(key, 1), outcome.WorkflowID)
}

func (s *processEmailSuite) TestKnownAndUnknownRecipientsAreBothLogged() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Usernames: []string{"alice", "ghost"}}, nil)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, mock.Anything).Return([]activities.Recipient{{Username: "alice", UserID: "u1"}, {Username: "ghost"}}, nil)
	s.env.OnActivity(s.ea.StoreDocuments, mock.Anything, mock.Anything).Return([]activities.StoredDocument{{DocumentID: "d1", UserID: "u1", Username: "alice", ClassifyRevision: 3}}, nil)
	s.expectClassification("d1", 3)
	outcome := s.expectOutcome()

	out := s.run()
	s.Equal(StatusProcessed, out.Status)
	s.Equal([]string{"ghost"}, out.UnknownUsernames)
	s.ElementsMatch([]activities.RecipientState{
		{Username: "ghost", Status: StatusUserNotFound, Error: ReasonUnknownUsername},
		{Username: "alice", UserID: "u1", Status: StatusProcessed, DocumentID: "d1"},
	}, outcome.Recipients)
}

func (s *processEmailSuite) TestMessageWithoutVirtualRecipientEndsUserNotFound() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Subject: "Hi"}, nil)
	outcome := s.expectOutcome()

	out := s.run()
	s.Equal(StatusUserNotFound, out.Status)
	s.Equal(ReasonNoVirtualRecipient, outcome.Reason)
}

func (s *processEmailSuite) TestUnknownUsernameEndsUserNotFound() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Usernames: []string{"ghost"}}, nil)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, mock.Anything).Return([]activities.Recipient{{Username: "ghost"}}, nil)
	outcome := s.expectOutcome()

	out := s.run()
	s.Equal(StatusUserNotFound, out.Status)
	s.Equal(ReasonUnknownUsername, out.Reason)
	s.Equal([]activities.RecipientState{{Username: "ghost", Status: StatusUserNotFound, Error: ReasonUnknownUsername}}, outcome.Recipients)
}

func (s *processEmailSuite) TestIgnoredMessageCreatesNoDocument() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Usernames: []string{"alice"}, IgnoreReason: "auto_submitted"}, nil)
	outcome := s.expectOutcome()

	out := s.run()
	s.Equal(StatusIgnored, out.Status)
	s.Equal("auto_submitted", outcome.Reason)
}

func (s *processEmailSuite) TestUnparseableMessageEndsFailedWithItsReason() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{FailReason: "unparseable", FailDetail: "no mail headers"}, nil)
	outcome := s.expectOutcome()

	out := s.run()
	s.Equal(StatusFailed, out.Status)
	s.Equal("unparseable", outcome.Reason)
}

func (s *processEmailSuite) TestTransientDatabaseErrorsAreRetriedUntilTheyPass() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Usernames: []string{"alice"}}, nil)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, mock.Anything).Return(nil, errors.New("connection refused")).Times(3)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, mock.Anything).Return([]activities.Recipient{{Username: "alice", UserID: "u1"}}, nil).Once()
	s.env.OnActivity(s.ea.StoreDocuments, mock.Anything, mock.Anything).Return([]activities.StoredDocument{{DocumentID: "d1", UserID: "u1", Username: "alice", ClassifyRevision: 1}}, nil)
	s.expectClassification("d1", 1)
	s.expectOutcome()

	out := s.run()
	s.Equal(StatusProcessed, out.Status)
}

func (s *processEmailSuite) TestNonRetryableStepFailureIsRecordedAndTheRunCompletes() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Usernames: []string{"alice"}}, nil)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, mock.Anything).Return([]activities.Recipient{{Username: "alice", UserID: "u1"}}, nil)
	s.env.OnActivity(s.ea.StoreDocuments, mock.Anything, mock.Anything).
		Return(nil, temporal.NewNonRetryableApplicationError("recipient has no valid user id", activities.ErrTypeInvalidInput, nil)).Once()
	outcome := s.expectOutcome()

	out := s.run()
	s.Equal(StatusFailed, out.Status)
	s.Contains(outcome.Reason, ReasonInternalError)
}

func (s *processEmailSuite) TestMissingMessageFailsTheRun() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).
		Return(activities.ParseResult{}, temporal.NewNonRetryableApplicationError("not stored", activities.ErrTypeMessageMissing, nil)).Once()

	s.env.ExecuteWorkflow(ProcessEmailWorkflow, input)
	s.True(s.env.IsWorkflowCompleted())
	var appErr *temporal.ApplicationError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &appErr)
	s.Equal(activities.ErrTypeMessageMissing, appErr.Type())
}

func (s *processEmailSuite) TestEmptyMessageKeyIsRefused() {
	s.env.ExecuteWorkflow(ProcessEmailWorkflow, ProcessEmailInput{})
	var appErr *temporal.ApplicationError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &appErr)
	s.Equal(ErrTypeBadWorkflowInput, appErr.Type())
}

func (s *processEmailSuite) TestStatusQueryShowsProgressMidRun() {
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, key).Return(activities.ParseResult{Subject: "Hi", Usernames: []string{"alice"}}, nil)
	s.env.OnActivity(s.ea.ResolveRecipients, mock.Anything, mock.Anything).
		After(time.Minute).Return([]activities.Recipient{{Username: "alice", UserID: "u1"}}, nil)
	s.env.OnActivity(s.ea.StoreDocuments, mock.Anything, mock.Anything).Return([]activities.StoredDocument{{DocumentID: "d1", UserID: "u1", Username: "alice", ClassifyRevision: 1}}, nil)
	s.expectClassification("d1", 1)
	s.expectOutcome()
	queried := false
	s.env.RegisterDelayedCallback(func() {
		v, err := s.env.QueryWorkflow(StatusQuery)
		s.Require().NoError(err)
		var st EmailStatus
		s.Require().NoError(v.Get(&st))
		s.Equal("resolving", st.Stage)
		s.Equal(StatusPending, st.Status)
		s.Equal("Hi", st.Subject)
		queried = true
	}, 30*time.Second)

	s.run()
	s.True(queried)
}
