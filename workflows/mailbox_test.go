package workflows

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
)

const testMailbox = "ai@besunny.ai"

// scriptedGmail is the mailbox the mocked Gmail activities read: a history of
// messageAdded records paged like Gmail pages them (the page token is the id
// of the page's last record), plus an inbox for resync listings.
type scriptedGmail struct {
	// mu: the test's callbacks write while activities read.
	mu        sync.Mutex
	historyID uint64
	records   []scriptedRecord
	pageSize  int
	// floor is the oldest start history.list still answers; older ones get
	// "history expired" (Gmail's 404).
	floor uint64
}

type scriptedRecord struct {
	id  uint64
	msg activities.MessageRef
}

func (g *scriptedGmail) deliver(id string, labels ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(labels) == 0 {
		labels = []string{"INBOX", "UNREAD"}
	}
	g.historyID++
	g.records = append(g.records, scriptedRecord{id: g.historyID, msg: activities.MessageRef{ID: id, Labels: labels}})
}

// expire forgets the history so far, as Gmail does after about a week.
func (g *scriptedGmail) expire() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.floor = g.historyID
	g.records = nil
}

func (g *scriptedGmail) current() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strconv.FormatUint(g.historyID, 10)
}

func (g *scriptedGmail) page(in activities.HistoryPageInput) (activities.HistoryPage, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	from, err := strconv.ParseUint(in.StartHistoryID, 10, 64)
	if err != nil {
		return activities.HistoryPage{}, temporal.NewNonRetryableApplicationError("bad cursor "+in.StartHistoryID, activities.ErrTypeInvalidInput, err)
	}
	if from < g.floor {
		return activities.HistoryPage{}, temporal.NewApplicationErrorWithOptions("history expired",
			activities.ErrTypeGmailHistoryExpired, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	if in.PageToken != "" {
		if from, err = strconv.ParseUint(in.PageToken, 10, 64); err != nil {
			return activities.HistoryPage{}, temporal.NewNonRetryableApplicationError("bad token", activities.ErrTypeGmailRejected, err)
		}
	}
	size := g.pageSize
	if size == 0 {
		size = 500
	}
	page := activities.HistoryPage{MailboxHistoryID: strconv.FormatUint(g.historyID, 10)}
	n := 0
	for _, r := range g.records {
		if r.id <= from {
			continue
		}
		if n == size {
			page.NextPageToken = page.LastRecordID
			break
		}
		page.Messages = append(page.Messages, r.msg)
		page.LastRecordID = strconv.FormatUint(r.id, 10)
		n++
	}
	return page, nil
}

type mailboxSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	mb  *activities.Mailboxes
	gm  *activities.Gmail

	settings activities.MailboxSettings
	// stored is the cursor LoadMailbox finds in the database, watch the
	// history id of the mailbox's push watch.
	stored string
	watch  string
	gmail  *scriptedGmail
	// childDelay is how long each ProcessEmailWorkflow runs; childDelays
	// overrides it per message id.
	childDelay  time.Duration
	childDelays map[string]time.Duration
	// childFailures makes the first n runs of a message id fail (a
	// workflow failure, not a terminal status).
	childFailures map[string]int
	// realChildren registers the child body as ProcessEmailWorkflow instead
	// of mocking it with OnWorkflow. The test environment reports a mocked
	// child as started only once the mock returns, so a mocked child that
	// takes time holds the parent's "all runs of the page started" wait
	// until it is done; a registered child is started at its first
	// workflow task, as on a server. Tests about runs that are started but
	// still running need that.
	realChildren bool
	// historyErr, when set, may fail the n-th history.list call (from 1).
	historyErr func(n int) error

	mu sync.Mutex
	// events is the ordered log of what the workflow did:
	// "start <id>", "done <id>", "cursor <history id>", "history <start>/<token>", "mark".
	events       []string
	historyCalls []time.Time
	childIDs     []string
	running      int
	maxRunning   int
	activity     []activities.ActivityInput
	marks        []activities.MarkInput
}

func TestMailbox(t *testing.T) { suite.Run(t, new(mailboxSuite)) }

func (s *mailboxSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.env.RegisterActivity(s.gm)
	s.settings = activities.MailboxSettings{
		PollInterval:   time.Hour,
		MaxInFlight:    10,
		MarkAction:     config.MarkNone,
		ProcessedLabel: "BeSunny/Processed",
		InboundMailbox: testMailbox,
	}
	s.stored, s.watch = "100", ""
	s.gmail = &scriptedGmail{historyID: 100}
	s.childDelay = 0
	s.childDelays = map[string]time.Duration{}
	s.childFailures = map[string]int{}
	s.realChildren = false
	s.historyErr = nil
	s.events, s.historyCalls, s.childIDs, s.activity, s.marks = nil, nil, nil, nil, nil
	s.running, s.maxRunning = 0, 0
}

func (s *mailboxSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func (s *mailboxSuite) log(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, fmt.Sprintf(format, args...))
}

func (s *mailboxSuite) eventLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events...)
}

// mockMailbox installs the default mocks: stored state, cursor and activity
// recording, history from s.gmail and a ProcessEmailWorkflow that runs for
// s.childDelay. The settings step is the real one, reading s.settings.
func (s *mailboxSuite) mockMailbox() {
	s.env.RegisterActivity(&activities.Mailboxes{Config: s.settings})
	s.env.OnActivity(s.mb.LoadMailbox, mock.Anything, testMailbox).Return(func(context.Context, string) (activities.MailboxState, error) {
		s.log("load")
		return activities.MailboxState{HistoryID: s.stored, WatchHistoryID: s.watch}, nil
	}).Maybe()
	s.env.OnActivity(s.mb.SaveCursor, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.CursorInput) error {
		s.Equal(testMailbox, in.Address)
		s.log("cursor %s", in.HistoryID)
		return nil
	}).Maybe()
	s.env.OnActivity(s.mb.RecordActivity, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ActivityInput) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.activity = append(s.activity, in)
		return nil
	}).Maybe()
	s.env.OnActivity(s.gm.ListHistory, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.HistoryPageInput) (activities.HistoryPage, error) {
		s.Equal(testMailbox, in.Mailbox)
		s.mu.Lock()
		s.historyCalls = append(s.historyCalls, s.env.Now())
		n := len(s.historyCalls)
		s.mu.Unlock()
		s.log("history %s/%s", in.StartHistoryID, in.PageToken)
		if s.historyErr != nil {
			if err := s.historyErr(n); err != nil {
				return activities.HistoryPage{}, err
			}
		}
		return s.gmail.page(in)
	}).Maybe()
	if s.realChildren {
		s.env.RegisterWorkflowWithOptions(s.child, workflow.RegisterOptions{Name: "ProcessEmailWorkflowV2"})
	} else {
		s.env.OnWorkflow(EmailWorkflow, mock.Anything, mock.Anything).Return(s.child).Maybe()
	}
}

// child stands in for ProcessEmailWorkflow: it records its start and end and
// runs for s.childDelay.
func (s *mailboxSuite) child(ctx workflow.Context, in ProcessEmailInput) (EmailStatus, error) {
	s.Equal("gmail", in.Source)
	s.Equal(testMailbox, in.Mailbox)
	s.mu.Lock()
	s.childIDs = append(s.childIDs, workflow.GetInfo(ctx).WorkflowExecution.ID)
	s.running++
	s.maxRunning = max(s.maxRunning, s.running)
	s.mu.Unlock()
	s.log("start %s", in.MessageKey)
	s.mu.Lock()
	delay, ok := s.childDelays[in.MessageKey]
	if !ok {
		delay = s.childDelay
	}
	fail := s.childFailures[in.MessageKey] > 0
	if fail {
		s.childFailures[in.MessageKey]--
	}
	s.mu.Unlock()
	if delay > 0 {
		if err := workflow.Sleep(ctx, delay); err != nil {
			return EmailStatus{}, err
		}
	}
	s.mu.Lock()
	s.running--
	s.mu.Unlock()
	if fail {
		s.log("failed %s", in.MessageKey)
		return EmailStatus{}, temporal.NewNonRetryableApplicationError("the run broke", "TestFailure", nil)
	}
	s.log("done %s", in.MessageKey)
	return EmailStatus{MessageKey: in.MessageKey, Stage: "done", Status: StatusProcessed}, nil
}

// mockMarking turns marking on: EnsureLabel finds Label_7 and MarkFinished
// answers the given counts in turn, each but the last saying more remain.
// s.marks records every call — each costs a batchModify or at least a
// gmail activity task, so a flush must never make one that finds nothing —
// and a call past the counts marks nothing.
func (s *mailboxSuite) mockMarking(counts ...int) {
	s.settings.MarkAction = config.MarkLabel
	s.env.OnActivity(s.gm.EnsureLabel, mock.Anything, testMailbox, "BeSunny/Processed").Return("Label_7", nil).Once()
	answered := 0
	s.env.OnActivity(s.gm.MarkFinished, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.MarkInput) (activities.MarkResult, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.marks = append(s.marks, in)
		s.events = append(s.events, "mark")
		if answered >= len(counts) {
			return activities.MarkResult{}, nil
		}
		n := counts[answered]
		answered++
		return activities.MarkResult{Marked: n, More: answered < len(counts)}, nil
	}).Maybe()
}

// at runs f once the workflow has run for d (workflow time).
func (s *mailboxSuite) at(d time.Duration, f func()) { s.env.RegisterDelayedCallback(f, d) }

// push delivers a Gmail push notification to the workflow.
func (s *mailboxSuite) push() {
	s.env.SignalWorkflow(PushSignal, PushNotice{HistoryID: s.gmail.current(), At: s.env.Now()})
}

// stopAt ends the test run at d: continue-as-new is suggested and a sync-now
// wakes the workflow, which then continues as new.
func (s *mailboxSuite) stopAt(d time.Duration) {
	s.at(d, func() {
		s.env.SetContinueAsNewSuggested(true)
		s.env.SignalWorkflow(SyncNowSignal, nil)
	})
}

// run executes the workflow until it continues as new and returns the input
// it carries to the next run.
func (s *mailboxSuite) run(in MailboxInput) MailboxInput {
	s.env.ExecuteWorkflow(MailboxWorkflow, in)
	s.Require().True(s.env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &can, "the mailbox workflow ends only by continuing as new")
	s.Equal("MailboxWorkflow", can.WorkflowType.Name)
	var next MailboxInput
	s.Require().NoError(converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	s.Require().NotNil(next.Carried)
	return next
}

func (s *mailboxSuite) query() MailboxStatus {
	v, err := s.env.QueryWorkflow(StatusQuery)
	s.Require().NoError(err)
	var st MailboxStatus
	s.Require().NoError(v.Get(&st))
	return st
}

func (s *mailboxSuite) historyCallCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.historyCalls)
}

func (s *mailboxSuite) started() []string {
	var out []string
	for _, e := range s.eventLog() {
		if id, ok := strings.CutPrefix(e, "start "); ok {
			out = append(out, id)
		}
	}
	return out
}

func (s *mailboxSuite) cursors() []string {
	var out []string
	for _, e := range s.eventLog() {
		if id, ok := strings.CutPrefix(e, "cursor "); ok {
			out = append(out, id)
		}
	}
	return out
}

// mailboxStart is the input of a mailbox workflow started from scratch.
var mailboxStart = MailboxInput{Address: testMailbox}

func (s *mailboxSuite) TestMissingAddressIsRefused() {
	s.env.ExecuteWorkflow(MailboxWorkflow, MailboxInput{})
	var appErr *temporal.ApplicationError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &appErr)
	s.Equal(ErrTypeBadWorkflowInput, appErr.Type())
}

func (s *mailboxSuite) TestPushWakesASync() {
	s.mockMailbox()
	s.at(10*time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.at(15*time.Minute, func() {
		s.Equal(2, s.historyCallCount(), "one sync at start, one for the push")
		s.Equal([]string{"m1"}, s.started())
		st := s.query()
		s.Require().NotNil(st.LastPush)
		s.Equal(10*time.Minute, st.LastPush.Sub(s.startTime()))
		s.Nil(st.LastPoll, "the poll timer (1h) has not fired")
		s.Equal("101", st.Cursor)
	})
	s.stopAt(20 * time.Minute)

	s.run(mailboxStart)
	s.Equal([]string{EmailWorkflowID("m1", 1)}, s.childIDs)
	s.Require().NotEmpty(s.activity)
	s.NotNil(s.activity[0].PushAt, "the push time is recorded in the database")
}

// startTime is the workflow's start: the test environment's clock starts at
// the real time of the test's start.
func (s *mailboxSuite) startTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.historyCalls[0]
}

func (s *mailboxSuite) TestPollTimerWakesASync() {
	s.settings.PollInterval = time.Minute
	s.mockMailbox()
	// Delivered without a push (a dropped notification): only polling finds it.
	s.at(30*time.Second, func() { s.gmail.deliver("m1") })
	s.at(90*time.Second, func() {
		s.Equal(2, s.historyCallCount(), "one sync at start, one when the poll timer fired")
		s.Equal([]string{"m1"}, s.started())
		st := s.query()
		s.Require().NotNil(st.LastPoll)
		s.Equal(time.Minute, st.LastPoll.Sub(s.startTime()))
		s.Nil(st.LastPush)
	})
	s.stopAt(100 * time.Second)

	s.run(mailboxStart)
	s.Require().NotEmpty(s.activity)
	s.NotNil(s.activity[0].PollAt, "the poll time is recorded in the database")
}

func (s *mailboxSuite) TestPushAndPollAtOnceSyncOnce() {
	s.settings.PollInterval = 10 * time.Minute
	s.mockMailbox()
	// The push is queued without running the workflow just before the poll
	// timer fires, so the workflow wakes once with both at hand.
	s.at(10*time.Minute-time.Second, func() {
		s.gmail.deliver("m1")
		s.env.SignalWorkflowSkippingWorkflowTask(PushSignal, PushNotice{HistoryID: "101"})
	})
	s.at(15*time.Minute, func() {
		s.Equal(2, s.historyCallCount(), "one sync at start, then one sync for the push and the poll together")
		st := s.query()
		s.NotNil(st.LastPush)
		s.Require().NotNil(st.LastSync)
		s.Equal(10*time.Minute, st.LastSync.Sub(s.startTime()))
		s.Equal([]string{"m1"}, s.started())
	})
	s.stopAt(16 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestManyPushesAtOnceSyncOnce() {
	s.mockMailbox()
	s.at(time.Minute, func() {
		for _, id := range []string{"m1", "m2", "m3"} {
			s.gmail.deliver(id)
			s.env.SignalWorkflowSkippingWorkflowTask(PushSignal, PushNotice{HistoryID: s.gmail.current()})
		}
		s.push()
	})
	s.at(2*time.Minute, func() {
		s.Equal(2, s.historyCallCount(), "four pending pushes are covered by one sync")
		s.ElementsMatch([]string{"m1", "m2", "m3"}, s.started())
	})
	s.stopAt(3 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestSyncNowSignalTriggersASync() {
	s.mockMailbox()
	s.at(5*time.Minute, func() {
		s.gmail.deliver("m1")
		s.env.SignalWorkflow(SyncNowSignal, nil)
	})
	s.at(6*time.Minute, func() {
		s.Equal(2, s.historyCallCount())
		s.Equal([]string{"m1"}, s.started())
		st := s.query()
		s.Nil(st.LastPush, "sync-now is not a push")
		s.Nil(st.LastPoll)
		s.Require().NotNil(st.LastSync)
		s.Equal(5*time.Minute, st.LastSync.Sub(s.startTime()))
	})
	s.stopAt(7 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestNewMailboxStartsFromTheCurrentHistoryID() {
	s.stored = ""
	s.gmail.deliver("old") // already in the mailbox before BeSunny reads it
	s.mockMailbox()
	s.env.OnActivity(s.gm.GetProfile, mock.Anything, testMailbox).Return(activities.Profile{EmailAddress: testMailbox, HistoryID: "101"}, nil).Once()
	s.at(time.Minute, func() {
		s.gmail.deliver("new")
		s.push()
	})
	s.stopAt(2 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal([]string{"new"}, s.started(), "mail older than the first cursor is not imported")
	s.Equal("101", s.cursors()[0], "the first cursor is the profile's history id")
	s.Equal("102", next.Carried.Cursor)
}

func (s *mailboxSuite) TestExpiredHistoryResyncsFromAFreshCursor() {
	newest := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	s.mockMailbox()
	s.env.OnActivity(s.mb.NewestMessageAt, mock.Anything, testMailbox).Return(&newest, nil).Once()
	s.env.OnActivity(s.gm.GetProfile, mock.Anything, testMailbox).Return(func(context.Context, string) (activities.Profile, error) {
		s.log("profile")
		return activities.Profile{EmailAddress: testMailbox, HistoryID: s.gmail.current()}, nil
	}).Once()
	var listed []activities.MessagesSinceInput
	s.env.OnActivity(s.gm.ListMessagesSince, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.MessagesSinceInput) (activities.MessagesPage, error) {
		s.log("list %s", in.PageToken)
		listed = append(listed, in)
		if in.PageToken == "" {
			return activities.MessagesPage{Messages: []activities.MessageRef{{ID: "r1", Labels: []string{"INBOX"}}, {ID: "r2", Labels: []string{"INBOX"}}}, NextPageToken: "p2"}, nil
		}
		return activities.MessagesPage{Messages: []activities.MessageRef{{ID: "r3", Labels: []string{"INBOX"}}}}, nil
	}).Twice()
	s.at(time.Minute, func() {
		// A week of mail the history no longer has; r1-r3 are in the inbox.
		s.gmail.mu.Lock()
		s.gmail.historyID = 899
		s.gmail.mu.Unlock()
		s.gmail.deliver("r3")
		s.gmail.expire()
		s.push()
	})
	s.at(2*time.Minute, func() {
		st := s.query()
		s.Equal(1, st.Resyncs)
		s.Require().NotNil(st.LastResync)
		s.Equal(time.Minute, st.LastResync.Sub(s.startTime()))
		s.Equal("900", st.Cursor)
		s.Empty(st.LastError, "an expired cursor is recovered from, not an error")
	})
	s.stopAt(3 * time.Minute)

	s.run(mailboxStart)
	s.Require().Len(listed, 2)
	s.Equal(testMailbox, listed[0].Mailbox)
	s.True(listed[0].After.Equal(newest), "the listing starts at the newest stored message")
	s.Equal("p2", listed[1].PageToken)
	s.ElementsMatch([]string{"r1", "r2", "r3"}, s.started())

	ev := s.eventLog()
	s.Less(indexOf(ev, "profile"), indexOf(ev, "list "), "the fresh cursor is read before listing, so mail arriving meanwhile is not missed")
	for _, id := range []string{"r1", "r2", "r3"} {
		s.Less(indexOf(ev, "start "+id), indexOf(ev, "cursor 900"), "the fresh cursor is saved only after every listed message has a run")
	}
	var resyncRecorded bool
	for _, a := range s.activity {
		resyncRecorded = resyncRecorded || a.ResyncAt != nil
	}
	s.True(resyncRecorded, "the resync time is recorded in the database")
}

// indexOf is the position of e in events, -1 when absent. (drive_file_test.go
// uses it too.)
func indexOf(events []string, e string) int {
	for i, v := range events {
		if v == e {
			return i
		}
	}
	return -1
}

func (s *mailboxSuite) TestSameMessageOnTwoPagesStartsOneRun() {
	s.gmail.pageSize = 2
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("a")
		s.gmail.deliver("b")
		s.gmail.deliver("a") // page 2 repeats a
		s.gmail.deliver("c")
		s.push()
	})
	s.stopAt(2 * time.Minute)

	next := s.run(mailboxStart)
	s.ElementsMatch([]string{"a", "b", "c"}, s.started())
	s.Equal(int64(4), next.Carried.MessagesSeen)
	s.Equal(int64(3), next.Carried.MessagesStarted)
	s.Equal(int64(1), next.Carried.Duplicates)
}

func (s *mailboxSuite) TestSentMailAndDraftsAreSkipped() {
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("incoming")
		s.gmail.deliver("sent", "SENT")
		s.gmail.deliver("draft", "DRAFT")
		s.gmail.deliver("sent-to-self", "SENT", "INBOX")
		s.gmail.deliver("draft-in-inbox", "DRAFT", "INBOX")
		s.push()
	})
	s.stopAt(2 * time.Minute)

	next := s.run(mailboxStart)
	s.ElementsMatch([]string{"incoming", "sent-to-self"}, s.started())
	s.Equal(int64(3), next.Carried.Skipped)
	s.Equal(int64(5), next.Carried.MessagesSeen)
	s.Equal("105", next.Carried.Cursor, "skipped messages do not hold the cursor back")
}

func (s *mailboxSuite) TestInFlightRunsAreBounded() {
	s.settings.MaxInFlight = 2
	s.childDelay = time.Minute
	s.mockMailbox()
	s.at(time.Minute, func() {
		for i := 1; i <= 7; i++ {
			s.gmail.deliver(fmt.Sprintf("m%d", i))
		}
		s.push()
	})
	s.at(90*time.Second, func() {
		st := s.query()
		s.Equal(2, st.InFlight)
		s.Len(s.started(), 2)
		s.Equal("100", st.Cursor, "the page's runs have not all started yet")
	})
	s.stopAt(10 * time.Minute)

	next := s.run(mailboxStart)
	s.Len(s.started(), 7)
	s.Equal(2, s.maxRunning, "never more than GMAIL_MAX_IN_FLIGHT runs at once")
	s.Equal(int64(7), next.Carried.MessagesStarted)
	s.Equal(0, next.Carried.InFlight)
}

func (s *mailboxSuite) TestCursorMovesPerPageOnlyAfterThePagesRunsStarted() {
	s.gmail.pageSize = 2
	s.settings.MaxInFlight = 1
	s.childDelay = time.Minute
	s.realChildren = true
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1") // 101
		s.gmail.deliver("m2") // 102
		s.gmail.deliver("m3") // 103
		s.push()
	})
	s.stopAt(10 * time.Minute)

	s.run(mailboxStart)
	ev := s.eventLog()
	// With one run in flight, m2 starts only when m1 is done, and page 1's
	// cursor (102) may be saved only after that; it does not wait for m2 to
	// finish, though.
	s.Equal([]string{"102", "103"}, s.cursors())
	s.Less(indexOf(ev, "done m1"), indexOf(ev, "start m2"))
	s.Less(indexOf(ev, "start m2"), indexOf(ev, "cursor 102"))
	s.Less(indexOf(ev, "cursor 102"), indexOf(ev, "done m2"), "a started run is enough to move the cursor")
	s.Less(indexOf(ev, "cursor 102"), indexOf(ev, "history 100/102"), "page 2 is read after page 1's cursor is saved, with the listing's own start id")
	s.Less(indexOf(ev, "start m3"), indexOf(ev, "cursor 103"))
}

func (s *mailboxSuite) TestFinishedRunsAreMarkedInBatches() {
	s.mockMarking(3)
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.gmail.deliver("m2")
		s.gmail.deliver("m3")
		s.push()
	})
	s.stopAt(5 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal([]activities.MarkInput{{Mailbox: testMailbox, LabelID: "Label_7"}}, s.marks, "three finished runs, one mark call, and no second one asking whether more remain")
	s.Equal(int64(3), next.Carried.MessagesMarked)
	s.Equal("Label_7", next.Carried.LabelID)
}

func (s *mailboxSuite) TestMarkingRepeatsWhileFullBatchesRemain() {
	s.mockMarking(1000, 5)
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.stopAt(5 * time.Minute)

	next := s.run(mailboxStart)
	s.Len(s.marks, 2, "the first call said more remain; the second said none, so there is no third")
	s.Equal(int64(1005), next.Carried.MessagesMarked)
}

func (s *mailboxSuite) TestMarkNoneNeverTouchesTheMailbox() {
	s.mockMailbox() // no EnsureLabel, no MarkProcessed mocks: a call would fail the test
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.stopAt(5 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal(int64(0), next.Carried.MessagesMarked)
	s.Empty(next.Carried.LabelID)
}

func (s *mailboxSuite) TestStatusQueryReportsProgress() {
	s.settings.PollInterval = 5 * time.Minute
	s.childDelay = 10 * time.Minute
	s.realChildren = true
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.gmail.deliver("m2", "DRAFT")
		s.push()
	})
	s.at(7*time.Minute, func() {
		st := s.query()
		s.Equal(testMailbox, st.Address)
		s.Equal("102", st.Cursor)
		s.Require().NotNil(st.LastPush)
		s.Equal(time.Minute, st.LastPush.Sub(s.startTime()))
		s.Require().NotNil(st.LastPoll)
		s.Equal(6*time.Minute, st.LastPoll.Sub(s.startTime()), "the poll timer restarts after each wake")
		s.Require().NotNil(st.LastSync)
		s.Equal(6*time.Minute, st.LastSync.Sub(s.startTime()))
		s.Equal(int64(2), st.MessagesSeen)
		s.Equal(int64(1), st.MessagesStarted)
		s.Equal(int64(1), st.Skipped)
		s.Equal(1, st.InFlight)
		s.Equal(1, st.Runs)
		s.Empty(st.LastError)
	})
	s.stopAt(30 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestFailedStepIsReportedAndRetriedOnTheNextWake() {
	rejected := temporal.NewApplicationErrorWithOptions("gmail history.list: 400 Invalid startHistoryId",
		activities.ErrTypeGmailRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
	s.historyErr = func(n int) error {
		if n == 2 {
			return rejected
		}
		return nil
	}
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.at(2*time.Minute, func() {
		st := s.query()
		s.Contains(st.LastError, "history.list")
		s.Contains(st.LastError, "Invalid startHistoryId")
		s.Equal("100", st.Cursor, "a failed sync does not move the cursor")
		s.Empty(s.started())
		s.env.SignalWorkflow(SyncNowSignal, nil)
	})
	s.at(3*time.Minute, func() {
		s.Equal([]string{"m1"}, s.started(), "the next wake reads the same history again")
		s.Equal("101", s.query().Cursor)
	})
	s.stopAt(4 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestContinueAsNewCarriesTheState() {
	s.mockMarking(2)
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.gmail.deliver("m2", "SENT")
		s.gmail.deliver("m3")
		s.push()
	})
	s.stopAt(10 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal(testMailbox, next.Address)
	c := next.Carried
	s.Equal(testMailbox, c.Address)
	s.Equal("103", c.Cursor)
	s.Equal("Label_7", c.LabelID)
	s.Equal(int64(3), c.MessagesSeen)
	s.Equal(int64(2), c.MessagesStarted)
	s.Equal(int64(1), c.Skipped)
	s.Equal(int64(2), c.MessagesMarked)
	s.Equal(0, c.InFlight)
	s.Equal(1, c.Runs)
	s.NotNil(c.LastPush)
	s.NotNil(c.LastSync)
	s.False(c.WakePending)
}

// Continue-as-new waits for a run in flight that finishes within
// handOverWait (TestAStuckRunDoesNotHoldUpContinueAsNew: one that does not
// is handed over), and a push meanwhile is carried to the next run.
func (s *mailboxSuite) TestContinueAsNewWaitsForARunThatFinishesSoonAndCarriesAPendingWake() {
	s.childDelay = 20 * time.Second
	s.realChildren = true
	s.mockMailbox()
	s.at(110*time.Second, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.stopAt(2 * time.Minute)
	// A push that arrives while the run waits for m1 to finish must not be
	// lost by continuing as new.
	s.at(125*time.Second, func() {
		s.gmail.deliver("m2")
		s.push()
	})

	next := s.run(mailboxStart)
	s.Equal(s.startTime().Add(130*time.Second), s.env.Now(), "the run ends when m1's run is done")
	s.Equal([]string{"start m1", "done m1"}, eventsWith(s.eventLog(), "start ", "done "))
	s.True(next.Carried.WakePending, "the pending push is carried to the next run")
	s.Empty(next.Carried.HandedOver, "nothing was left in flight")
	s.Equal(int64(1), next.Carried.MessagesStarted)
}

func eventsWith(events []string, prefixes ...string) []string {
	var out []string
	for _, e := range events {
		for _, p := range prefixes {
			if _, ok := strings.CutPrefix(e, p); ok {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

func (s *mailboxSuite) TestContinuedRunStartsFromTheCarriedState() {
	s.gmail = &scriptedGmail{historyID: 500}
	s.gmail.deliver("m501")
	s.settings.MarkAction = config.MarkLabel
	// No GetProfile or EnsureLabel mocks: the carried state has the cursor
	// and the label, which the marks use.
	s.mockMailbox()
	s.env.OnActivity(s.gm.MarkFinished, mock.Anything, activities.MarkInput{Mailbox: testMailbox, LabelID: "Label_3"}).
		Return(activities.MarkResult{Marked: 1}, nil).Once()
	lastPush := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	carried := &MailboxStatus{
		Address: testMailbox, Cursor: "500", LabelID: "Label_3", Runs: 4,
		MessagesSeen: 40, MessagesStarted: 38, Skipped: 2, MessagesMarked: 38,
		LastPush: &lastPush, InFlight: 3, WakePending: true,
	}
	s.at(time.Minute, func() {
		st := s.query()
		s.Equal(5, st.Runs)
		s.Equal(0, st.InFlight, "runs in flight belong to the previous run, which waited for them")
		s.Equal("501", st.Cursor)
		s.Equal(int64(41), st.MessagesSeen)
		s.Equal(int64(39), st.MessagesStarted)
		s.Equal("Label_3", st.LabelID)
		s.False(st.WakePending)
	})
	s.stopAt(2 * time.Minute)

	s.run(MailboxInput{Address: testMailbox, Carried: carried})
	s.Equal([]string{"m501"}, s.started(), "the carried wake syncs at once")
	s.Equal("history 500/", s.eventLog()[0], "the stored cursor is not loaded: the carried one is newer")
}

func (s *mailboxSuite) TestPollingContinuesWhileRunsAreInFlight() {
	s.settings.PollInterval = time.Minute
	s.childDelay = 10 * time.Minute
	s.realChildren = true
	s.mockMailbox()
	s.at(30*time.Second, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	// m2's push is lost; m1's run is still going when it arrives.
	s.at(2*time.Minute, func() { s.gmail.deliver("m2") })
	s.at(3*time.Minute, func() {
		s.Equal([]string{"m1", "m2"}, s.started(), "the poll timer fires on time even while runs are in flight")
		st := s.query()
		s.Require().NotNil(st.LastPoll)
		s.Equal(150*time.Second, st.LastPoll.Sub(s.startTime()), "polls keep the interval from the last wake")
	})
	s.stopAt(4 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestPushesDuringASyncAreCoveredByOneMoreSync() {
	s.childDelay = time.Minute // the mocked run holds the sync for a minute
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.at(90*time.Second, func() {
		for _, id := range []string{"m2", "m3", "m4"} {
			s.gmail.deliver(id)
			s.push()
		}
	})
	s.at(5*time.Minute, func() {
		s.Equal(3, s.historyCallCount(), "start, the first push, then one sync for the three pushes that came meanwhile")
		s.ElementsMatch([]string{"m1", "m2", "m3", "m4"}, s.started())
	})
	s.stopAt(6 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestContinueAsNewBetweenPagesCarriesAWake() {
	s.gmail.pageSize = 2
	s.mockMailbox()
	s.at(time.Minute, func() {
		for i := 1; i <= 5; i++ {
			s.gmail.deliver(fmt.Sprintf("m%d", i))
		}
		s.env.SetContinueAsNewSuggested(true)
		s.push()
	})

	next := s.run(mailboxStart)
	s.ElementsMatch([]string{"m1", "m2"}, s.started(), "the run stops paging when continue-as-new is suggested")
	s.Equal("102", next.Carried.Cursor, "the cursor is past the page that was read")
	s.True(next.Carried.WakePending, "the next run reads the remaining pages at once instead of waiting for the poll")
}

func (s *mailboxSuite) TestCancelledMailboxStops() {
	s.childDelay = time.Hour
	s.realChildren = true
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.at(2*time.Minute, s.env.CancelWorkflow)

	done := make(chan struct{})
	go func() {
		defer close(done)
		s.env.ExecuteWorkflow(MailboxWorkflow, mailboxStart)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		// The workflow spins (every step fails at once on a cancelled
		// context); the test environment cannot be stopped from here.
		s.FailNow("the cancelled mailbox workflow did not stop")
	}
	s.True(s.env.IsWorkflowCompleted())
	var canceled *temporal.CanceledError
	s.ErrorAs(s.env.GetWorkflowError(), &canceled)
	s.Equal([]string{"m1"}, s.started())
	s.Less(s.historyCallCount(), 5, "no sync after the cancellation")
}

func (s *mailboxSuite) marksSoFar() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.marks)
}

func (s *mailboxSuite) TestFinishedRunsAreMarkedWhenThePollIntervalIsShort() {
	// The poll timer and the 5-second mark timer fire together: marks must
	// not wait for a full batch or the next continue-as-new.
	s.settings.PollInterval = 5 * time.Second
	s.mockMarking(3)
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.gmail.deliver("m2")
		s.gmail.deliver("m3")
		s.push()
	})
	s.at(90*time.Second, func() {
		s.Equal(1, s.marksSoFar(), "three finished runs are marked within seconds, in one batch")
		s.Equal(int64(3), s.query().MessagesMarked)
	})
	s.stopAt(2 * time.Minute)
	s.run(mailboxStart)
}

func (s *mailboxSuite) TestFinishedRunsAreMarkedWhilePushesKeepComing() {
	s.mockMarking(1)
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	// A push every 3 seconds (an empty one: nothing new) keeps waking the
	// workflow before its 5-second mark timer fires.
	for i := 1; i <= 20; i++ {
		s.at(time.Minute+time.Duration(i)*3*time.Second, s.push)
	}
	s.at(2*time.Minute, func() {
		s.Equal(1, s.marksSoFar(), "m1 is marked although the workflow never idles for 5 seconds")
	})
	s.stopAt(3 * time.Minute)
	s.run(mailboxStart)
}
