package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/besunny/workflows/activities"
)

const testTopic = "projects/besunny/topics/gmail-push"

type renewWatchesSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	mb  *activities.Mailboxes
	gm  *activities.Gmail

	now      time.Time
	settings activities.MailboxSettings

	mu       sync.Mutex
	watched  []string
	recorded []activities.WatchRecord
}

func TestRenewWatches(t *testing.T) { suite.Run(t, new(renewWatchesSuite)) }

func (s *renewWatchesSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(s.gm)
	s.now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.now)
	s.settings = activities.MailboxSettings{
		PollInterval: time.Minute, MaxInFlight: 10, MarkAction: "label", ProcessedLabel: "BeSunny/Processed",
		PubSubTopic: testTopic, InboundMailbox: testMailbox,
	}
	s.watched, s.recorded = nil, nil
}

func (s *renewWatchesSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

// mockStore registers the settings step (the real one, on s.settings) and the
// database steps: the inbound mailbox is ensured, then boxes are listed.
func (s *renewWatchesSuite) mockStore(boxes []activities.MailboxWatch) {
	s.env.RegisterActivity(&activities.Mailboxes{Config: s.settings})
	s.env.OnActivity(s.mb.LoadMailbox, mock.Anything, testMailbox).Return(activities.MailboxState{}, nil).Once()
	s.env.OnActivity(s.mb.ListMailboxes, mock.Anything).Return(boxes, nil).Once()
	s.env.OnActivity(s.mb.RecordWatch, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.WatchRecord) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.recorded = append(s.recorded, in)
		return nil
	}).Maybe()
}

// mockWatch answers users.watch with a 7-day watch, or with fail(address)
// when that is not nil.
func (s *renewWatchesSuite) mockWatch(fail func(address string) error) {
	s.env.OnActivity(s.gm.Watch, mock.Anything, mock.Anything, testTopic).Return(func(_ context.Context, address, _ string) (activities.WatchResult, error) {
		s.mu.Lock()
		s.watched = append(s.watched, address)
		s.mu.Unlock()
		if fail != nil {
			if err := fail(address); err != nil {
				return activities.WatchResult{}, err
			}
		}
		return activities.WatchResult{HistoryID: "4242", Expiration: s.now.Add(7 * 24 * time.Hour)}, nil
	}).Maybe()
}

func (s *renewWatchesSuite) run() RenewWatchesResult {
	s.env.ExecuteWorkflow(RenewWatchesWorkflow)
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var out RenewWatchesResult
	s.Require().NoError(s.env.GetWorkflowResult(&out))
	return out
}

func (s *renewWatchesSuite) in(d time.Duration) *time.Time {
	t := s.now.Add(d)
	return &t
}

func (s *renewWatchesSuite) TestRenewsOnlyMailboxesExpiringWithinADayOrNeverWatched() {
	s.mockStore([]activities.MailboxWatch{
		{Address: "never@besunny.ai"},
		{Address: "soon@besunny.ai", WatchExpiration: s.in(2 * time.Hour)},
		{Address: "lapsed@besunny.ai", WatchExpiration: s.in(-time.Hour)},
		{Address: "edge@besunny.ai", WatchExpiration: s.in(24 * time.Hour)},
		{Address: "tomorrow@besunny.ai", WatchExpiration: s.in(25 * time.Hour)},
		{Address: "fresh@besunny.ai", WatchExpiration: s.in(6 * 24 * time.Hour)},
	})
	s.mockWatch(nil)

	out := s.run()
	s.Equal([]string{"never@besunny.ai", "soon@besunny.ai", "lapsed@besunny.ai", "edge@besunny.ai"}, out.Renewed)
	s.Equal([]string{"tomorrow@besunny.ai", "fresh@besunny.ai"}, out.Kept)
	s.Empty(out.Failed)
	s.Empty(out.Skipped)
	s.Equal(out.Renewed, s.watched, "kept mailboxes cost no watch call (100 quota units each)")
	s.Require().Len(s.recorded, 4)
	for i, r := range s.recorded {
		s.Equal(out.Renewed[i], r.Address)
		s.Equal(activities.WatchResult{HistoryID: "4242", Expiration: s.now.Add(7 * 24 * time.Hour)}, r.Watch)
	}
}

func (s *renewWatchesSuite) TestSkipsWithoutATopic() {
	s.settings.PubSubTopic = ""
	s.env.RegisterActivity(&activities.Mailboxes{Config: s.settings})
	// No LoadMailbox, ListMailboxes or Watch mocks: any call fails the test.

	out := s.run()
	s.Contains(out.Skipped, "GMAIL_PUBSUB_TOPIC")
	s.Empty(out.Renewed)
	s.Empty(out.Kept)
	s.Empty(out.Failed)
}

func (s *renewWatchesSuite) TestOneFailureDoesNotStopTheOthers() {
	s.mockStore([]activities.MailboxWatch{
		{Address: "a@besunny.ai"},
		{Address: "b@besunny.ai"},
		{Address: "c@besunny.ai", WatchExpiration: s.in(time.Hour)},
	})
	s.mockWatch(func(address string) error {
		if address == "b@besunny.ai" {
			return temporal.NewApplicationErrorWithOptions("gmail watch: 403 Delegation denied",
				activities.ErrTypeGmailRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
		}
		return nil
	})

	out := s.run()
	s.Equal([]string{"a@besunny.ai", "c@besunny.ai"}, out.Renewed)
	s.Equal([]string{"b@besunny.ai"}, out.Failed)
	s.Len(s.recorded, 2, "only successful watches are recorded")
	s.Equal([]string{"a@besunny.ai", "b@besunny.ai", "c@besunny.ai"}, s.watched, "a rejected watch is not retried")
}

func (s *renewWatchesSuite) TestRateLimitedWatchIsRetriedUntilItPasses() {
	s.mockStore([]activities.MailboxWatch{{Address: testMailbox}})
	calls := 0
	s.mockWatch(func(string) error {
		calls++
		if calls <= 2 {
			return temporal.NewApplicationErrorWithOptions("gmail watch: 429 rate limit", activities.ErrTypeGmailRateLimited,
				temporal.ApplicationErrorOptions{NextRetryDelay: 3 * time.Second})
		}
		return nil
	})

	out := s.run()
	s.Equal([]string{testMailbox}, out.Renewed)
	s.Equal(3, calls)
}
