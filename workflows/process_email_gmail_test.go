package workflows

import (
	"context"
	"errors"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/besunny/workflows/activities"
)

const gmailKey = "18c0ffee00000042"

// runGmail runs the workflow for a gmail message of testMailbox.
func (s *processEmailSuite) runGmail(in ProcessEmailInput) EmailStatus {
	s.env.RegisterActivity(&activities.Gmail{})
	return runEmail(s.Require(), s.env, ProcessEmailWorkflow, in)
}

var gmailInput = ProcessEmailInput{MessageKey: gmailKey, Source: "gmail", Mailbox: testMailbox}

func accessDenied() error {
	return temporal.NewApplicationErrorWithOptions("gmail messages.get: 403 Delegation denied for ai@besunny.ai",
		activities.ErrTypeGmailAccessDenied, temporal.ApplicationErrorOptions{})
}

// slowRetry is an error whose retries are spaced by delay. The test
// environment stops retrying "unlimited" activities after 10 attempts; spaced
// out, those attempts outlast the deadline, which is then what ends them.
func slowRetry(err error, delay time.Duration) error {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) {
		panic(err)
	}
	return temporal.NewApplicationErrorWithOptions(appErr.Message(), appErr.Type(), temporal.ApplicationErrorOptions{NextRetryDelay: delay})
}

func (s *processEmailSuite) TestGmailMessageIsFetchedThroughRefusedCredentialsOnceTheyAreFixed() {
	var g *activities.Gmail
	calls := 0
	s.env.OnActivity(g.FetchMessage, mock.Anything, activities.FetchInput{Mailbox: testMailbox, MessageID: gmailKey}).
		Return(func(context.Context, activities.FetchInput) (activities.FetchResult, error) {
			calls++
			if calls <= 3 {
				return activities.FetchResult{}, accessDenied()
			}
			return activities.FetchResult{Downloaded: true}, nil
		})
	s.env.OnActivity(s.ea.ParseEmail, mock.Anything, gmailKey).Return(activities.ParseResult{Subject: "Hi"}, nil)
	outcome := s.expectOutcome()

	out := s.runGmail(gmailInput)
	s.Equal(4, calls, "a 403 about the credentials is retried, not taken for a gone message")
	s.Equal(StatusUserNotFound, out.Status, "the message went on to be processed")
	s.Equal(ReasonNoVirtualRecipient, outcome.Reason)
}

func (s *processEmailSuite) TestGmailFetchThatNeverSucceedsEndsFailedAtTheDeadline() {
	attempts := failEveryFetch(s.env, func() error { return slowRetry(accessDenied(), 20*time.Minute) })
	s.env.OnActivity(s.ea.StorePlaceholder, mock.Anything, activities.PlaceholderInput{MessageKey: gmailKey, Mailbox: testMailbox}).Return(nil).Once()
	outcome := s.expectOutcome()

	in := gmailInput
	in.FetchDeadline = 2 * time.Hour
	out := s.runGmail(in)
	s.Equal(StatusFailed, out.Status)
	s.Equal(StatusFailed, outcome.Status)
	s.Contains(outcome.Reason, ReasonGmailUnavailable)
	s.Contains(outcome.Reason, "not fetched within 2h0m0s")
	s.Contains(outcome.Reason, "403 Delegation denied", "the reason says what Gmail last answered")
	s.LessOrEqual(attempts.span(), 2*time.Hour)
	s.Greater(attempts.span(), 100*time.Minute, "retried up to the deadline, not given up early")
}

func (s *processEmailSuite) TestGmailFetchDeadlineDefaultsToADay() {
	attempts := failEveryFetch(s.env, func() error {
		return slowRetry(temporal.NewApplicationError("gmail messages.get: 503 backend error", activities.ErrTypeGmailUnavailable), 3*time.Hour)
	})
	s.env.OnActivity(s.ea.StorePlaceholder, mock.Anything, mock.Anything).Return(nil).Once()
	outcome := s.expectOutcome()

	s.runGmail(gmailInput)
	s.Contains(outcome.Reason, "not fetched within 24h0m0s")
	s.LessOrEqual(attempts.span(), 24*time.Hour)
	s.Greater(attempts.span(), 21*time.Hour)
}

func (s *processEmailSuite) TestGoneGmailMessageEndsFailedOnAPlaceholder() {
	var g *activities.Gmail
	s.env.OnActivity(g.FetchMessage, mock.Anything, mock.Anything).Return(activities.FetchResult{},
		temporal.NewApplicationErrorWithOptions("gmail messages.get: 404 Requested entity was not found.",
			activities.ErrTypeGmailRejected, temporal.ApplicationErrorOptions{NonRetryable: true})).Once()
	s.env.OnActivity(s.ea.StorePlaceholder, mock.Anything, activities.PlaceholderInput{MessageKey: gmailKey, Mailbox: testMailbox}).Return(nil).Once()
	outcome := s.expectOutcome()

	out := s.runGmail(gmailInput)
	s.Equal(StatusFailed, out.Status)
	s.Equal(ReasonGmailUnavailable+": gmail messages.get: 404 Requested entity was not found.", outcome.Reason)
}
