package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/mock"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
)

// --- a stuck run does not freeze the mailbox ---

func handedOverIDs(runs []HandedOverRun) []string {
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.MessageID)
	}
	return ids
}

func (s *mailboxSuite) TestAStuckRunDoesNotHoldUpContinueAsNew() {
	s.realChildren = true
	s.childDelays["stuck"] = 6 * time.Hour
	// The stuck run keeps running after its mailbox run has continued: the
	// test must not wait for it.
	s.env.SetDetachedChildWait(false)
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("stuck")
		s.gmail.deliver("quick")
		s.push()
	})
	s.stopAt(2 * time.Minute)

	next := s.run(mailboxStart)
	s.LessOrEqual(s.env.Now().Sub(s.startTime()), 2*time.Minute+handOverWait,
		"continue-as-new waits at most handOverWait for a run in flight, not the 6 hours it takes")
	s.Equal([]string{"stuck"}, handedOverIDs(next.Carried.HandedOver), "the stuck run is handed to the next run, which marks it once it finishes")
	s.Equal("102", next.Carried.Cursor)
}

// continued is the state a run hands over with the stuck run still going.
func (s *mailboxSuite) continuedWithStuckRun() *MailboxStatus {
	return &MailboxStatus{
		Address: testMailbox, Cursor: "100", LabelID: "Label_7", Runs: 1,
		HandedOver: []HandedOverRun{{MessageID: "stuck", Since: time.Now().Add(-time.Minute)}},
	}
}

func (s *mailboxSuite) TestHandedOverRunsAreFollowedThroughTheStoreAndMarkedWhenTheyFinish() {
	s.settings.MarkAction = config.MarkLabel
	s.mockMailbox()
	var checks []time.Time
	var finishedAt time.Time
	s.env.OnActivity(s.mb.FinishedMessages, mock.Anything, mock.Anything).Return(func(_ context.Context, ids []string) ([]string, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.Equal([]string{"stuck"}, ids)
		checks = append(checks, s.env.Now())
		if s.env.Now().Sub(checks[0]) >= 6*time.Hour {
			if finishedAt.IsZero() {
				finishedAt = s.env.Now()
			}
			return []string{"stuck"}, nil
		}
		return nil, nil
	})
	var marks []time.Time
	s.env.OnActivity(s.gm.MarkFinished, mock.Anything, activities.MarkInput{Mailbox: testMailbox, LabelID: "Label_7"}).
		Return(func(context.Context, activities.MarkInput) (activities.MarkResult, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			marks = append(marks, s.env.Now())
			return activities.MarkResult{Marked: 1}, nil
		})
	s.at(time.Minute, func() {
		s.gmail.deliver("fresh")
		s.push()
	})
	s.at(90*time.Second, func() {
		s.Contains(s.started(), "fresh", "mail pushed while the handed-over run is stuck is started at once")
		st := s.query()
		s.Equal([]string{"stuck"}, handedOverIDs(st.HandedOver), "the status shows the run still followed")
	})
	s.stopAt(7 * time.Hour)

	next := s.run(MailboxInput{Address: testMailbox, Carried: s.continuedWithStuckRun()})
	s.Require().False(finishedAt.IsZero(), "the store was asked after the run finished")
	s.Require().NotEmpty(marks)
	last := marks[len(marks)-1]
	s.True(!last.Before(finishedAt) && last.Sub(finishedAt) < time.Minute, "the finished run is marked with the next batch: finished %v, marked %v", finishedAt, last)
	s.Empty(next.Carried.HandedOver)
	s.Less(len(checks), 60, "the store is asked less and less often (%d checks in 6 h)", len(checks))
}

func (s *mailboxSuite) TestAHandedOverRunThatNeverFinishesIsGivenUpAfterADay() {
	s.mockMailbox()
	s.env.OnActivity(s.mb.FinishedMessages, mock.Anything, mock.Anything).Return(nil, nil)
	s.stopAt(25 * time.Hour)

	next := s.run(MailboxInput{Address: testMailbox, Carried: s.continuedWithStuckRun()})
	s.Empty(next.Carried.HandedOver, "not followed forever (a run that failed never reaches a terminal status)")
	s.Contains(next.Carried.LastError, "stuck")
	s.Contains(next.Carried.LastError, "no longer followed")
}

// --- the cursor never passes a message without a run ---

// failingStarts makes the start of chosen child workflow ids fail, as a
// start refused by the server for anything but "already started" would.
type failingStarts struct {
	interceptor.WorkerInterceptorBase
	mu   sync.Mutex
	left map[string]int
}

func (f *failingStarts) take(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.left[id] == 0 {
		return false
	}
	f.left[id]--
	return true
}

func (f *failingStarts) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &failingStartsInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, root: f}
}

type failingStartsInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	root *failingStarts
}

func (i *failingStartsInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&failingStartsOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, root: i.root})
}

type failingStartsOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	root *failingStarts
}

func (o *failingStartsOutbound) ExecuteChildWorkflow(ctx workflow.Context, childWorkflowType string, args ...any) workflow.ChildWorkflowFuture {
	if o.root.take(workflow.GetChildWorkflowOptions(ctx).WorkflowID) {
		f, set := workflow.NewFuture(ctx)
		set.SetError(errors.New("start child workflow: the namespace is not ready"))
		return refusedChild{Future: f}
	}
	return o.Next.ExecuteChildWorkflow(ctx, childWorkflowType, args...)
}

// refusedChild is a child whose start failed: it and its start are the
// same failed future. (The mailbox never signals its children.)
type refusedChild struct {
	workflow.Future
	workflow.ChildWorkflowFuture
}

func (c refusedChild) Get(ctx workflow.Context, v any) error      { return c.Future.Get(ctx, v) }
func (c refusedChild) IsReady() bool                              { return c.Future.IsReady() }
func (c refusedChild) GetChildWorkflowExecution() workflow.Future { return c.Future }

func (s *mailboxSuite) failStarts(id string, times int) {
	s.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{&failingStarts{left: map[string]int{id: times}}}})
}

func (s *mailboxSuite) TestARunThatCouldNotBeStartedHoldsTheCursorUntilItIs() {
	s.failStarts(EmailWorkflowID("m2", 1), 1)
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.gmail.deliver("m2")
		s.gmail.deliver("m3")
		s.push()
	})
	s.at(2*time.Minute, func() {
		st := s.query()
		s.Equal("100", st.Cursor, "the cursor must not pass m2, which has no run")
		s.Contains(st.LastError, "start run for m2")
		s.ElementsMatch([]string{"m1", "m3"}, s.started())
		s.env.SignalWorkflow(SyncNowSignal, nil)
	})
	s.at(3*time.Minute, func() {
		s.ElementsMatch([]string{"m1", "m2", "m3"}, s.started(), "the next wake reads the page again and starts m2")
		s.Equal("103", s.query().Cursor)
	})
	s.stopAt(4 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal(int64(3), next.Carried.MessagesStarted)
	s.Equal(int64(2), next.Carried.Duplicates, "m1 and m3 were found started the second time")
}

func (s *mailboxSuite) TestAResyncThatCouldNotStartARunKeepsTheOldCursor() {
	s.failStarts(EmailWorkflowID("r1", 1), 1)
	s.mockMailbox()
	s.env.OnActivity(s.mb.NewestMessageAt, mock.Anything, testMailbox).Return(nil, nil)
	s.env.OnActivity(s.gm.GetProfile, mock.Anything, testMailbox).Return(func(context.Context, string) (activities.Profile, error) {
		return activities.Profile{EmailAddress: testMailbox, HistoryID: s.gmail.current()}, nil
	})
	s.env.OnActivity(s.gm.ListMessagesSince, mock.Anything, mock.Anything).Return(
		activities.MessagesPage{Messages: []activities.MessageRef{{ID: "r1", Labels: []string{"INBOX"}}}}, nil)
	s.at(time.Minute, func() {
		s.gmail.deliver("r1")
		s.gmail.expire()
		s.push()
	})
	s.at(2*time.Minute, func() {
		s.Equal("100", s.query().Cursor, "the fresh cursor is not saved while r1 has no run")
		s.Empty(s.started())
		s.env.SignalWorkflow(SyncNowSignal, nil)
	})
	s.stopAt(3 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal([]string{"r1"}, s.started(), "the next wake resyncs again and starts r1")
	s.Equal(s.gmail.current(), next.Carried.Cursor)
	s.Equal(2, next.Carried.Resyncs)
}

func (s *mailboxSuite) TestAFailedRunIsStartedAgainByAResyncButACompletedOneIsNot() {
	s.realChildren = true
	s.childFailures["m1"] = 1
	s.mockMailbox()
	s.env.OnActivity(s.mb.NewestMessageAt, mock.Anything, testMailbox).Return(nil, nil)
	s.env.OnActivity(s.gm.GetProfile, mock.Anything, testMailbox).Return(func(context.Context, string) (activities.Profile, error) {
		return activities.Profile{EmailAddress: testMailbox, HistoryID: s.gmail.current()}, nil
	})
	s.env.OnActivity(s.gm.ListMessagesSince, mock.Anything, mock.Anything).Return(activities.MessagesPage{Messages: []activities.MessageRef{
		{ID: "m1", Labels: []string{"INBOX"}}, {ID: "m2", Labels: []string{"INBOX"}},
	}}, nil)
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.gmail.deliver("m2")
		s.push()
	})
	s.at(2*time.Minute, func() {
		s.ElementsMatch([]string{"start m1", "start m2", "failed m1", "done m2"}, eventsWith(s.eventLog(), "start ", "done ", "failed "))
		// A cursor Gmail no longer keeps: the resync lists both again.
		s.gmail.mu.Lock()
		s.gmail.historyID = 899
		s.gmail.mu.Unlock()
		s.gmail.expire()
		s.push()
	})
	s.stopAt(3 * time.Minute)

	next := s.run(mailboxStart)
	got := eventsWith(s.eventLog(), "start ", "done ", "failed ")
	s.Require().Len(got, 6, "%v", got)
	s.ElementsMatch([]string{"start m1", "done m1"}, got[4:],
		"the failed run's message is processed again, and the completed one is not processed twice: %v", got)
	s.Equal(int64(3), next.Carried.MessagesStarted)
	s.Equal(int64(1), next.Carried.Duplicates)
}

// --- a stale follow-head ---

func (s *mailboxSuite) TestAHeadTheCursorPassedIsClearedAndNotReadAgain() {
	s.settings.MaxInFlight = 10
	s.gmail.pageSize = 5
	for i := 1; i <= 4; i++ {
		s.gmail.deliver(fmt.Sprintf("a%d", i)) // 101–104
	}
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.Equal("104", s.query().Cursor)
		s.Empty(s.query().Head, "the cursor passed the head carried from a backlog: nothing is ahead of it any more")
		// A later backlog must not start its follow-head from the old head.
		for i := 1; i <= 12; i++ {
			s.gmail.deliver(fmt.Sprintf("b%d", i)) // 105–116
		}
		s.push()
	})
	s.stopAt(10 * time.Minute)

	// A run carried over from a backlog whose first page was small: the
	// follow-head never ran in it, and its head stayed behind.
	s.run(MailboxInput{Address: testMailbox, Carried: &MailboxStatus{Address: testMailbox, Cursor: "100", Head: "103", WakePending: true}})
	for _, e := range s.eventLog() {
		s.False(strings.HasPrefix(e, "history 103/"), "history re-read from the stale head: %v", s.eventLog())
	}
	s.Len(s.started(), 16)
}

// --- marking survives a failed label and makes no empty call ---

func (s *mailboxSuite) TestAMissingLabelIsRetriedAtTheNextWakeAndThePendingMarksAreMade() {
	s.settings.MarkAction = config.MarkLabel
	rejected := temporal.NewApplicationErrorWithOptions("gmail labels.create: 400 Invalid label name",
		activities.ErrTypeGmailRejected, temporal.ApplicationErrorOptions{NonRetryable: true})
	// At the start, and again at the wake for m1's push.
	s.env.OnActivity(s.gm.EnsureLabel, mock.Anything, testMailbox, "BeSunny/Processed").Return("", rejected).Twice()
	s.env.OnActivity(s.gm.EnsureLabel, mock.Anything, testMailbox, "BeSunny/Processed").Return("Label_7", nil).Once()
	var marks []time.Time
	s.env.OnActivity(s.gm.MarkFinished, mock.Anything, activities.MarkInput{Mailbox: testMailbox, LabelID: "Label_7"}).
		Return(func(context.Context, activities.MarkInput) (activities.MarkResult, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			marks = append(marks, s.env.Now())
			return activities.MarkResult{Marked: 1}, nil
		})
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.at(3*time.Minute, func() {
		st := s.query()
		s.Contains(st.LastError, "ensure label")
		s.Equal(int64(0), st.MessagesMarked, "no label, no marks: m1's stays pending in the store")
		s.Empty(marks)
		s.gmail.deliver("m2")
		s.push()
	})
	s.at(4*time.Minute, func() {
		s.Require().NotEmpty(marks, "the wake for m2 got the label, and the marks pending since were made")
		s.Less(marks[0].Sub(s.startTime()), 3*time.Minute+markDelay+time.Second)
		s.Equal(int64(len(marks)), s.query().MessagesMarked)
	})
	s.stopAt(5 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal("Label_7", next.Carried.LabelID)
}

func (s *mailboxSuite) TestAFailedMarkIsRetriedAtTheNextWake() {
	s.settings.MarkAction = config.MarkLabel
	// Nothing new arrives after m1: only the poll wakes the mailbox.
	s.settings.PollInterval = 10 * time.Minute
	s.mockMailbox()
	s.env.OnActivity(s.gm.EnsureLabel, mock.Anything, testMailbox, "BeSunny/Processed").Return("Label_7", nil).Once()
	calls := 0
	s.env.OnActivity(s.gm.MarkFinished, mock.Anything, mock.Anything).Return(func(context.Context, activities.MarkInput) (activities.MarkResult, error) {
		calls++
		if calls == 1 {
			return activities.MarkResult{}, temporal.NewNonRetryableApplicationError("gmail messages.batchModify: 400 Invalid label", activities.ErrTypeGmailRejected, nil)
		}
		return activities.MarkResult{Marked: 1}, nil
	})
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.stopAt(15 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal(2, calls, "the poll's wake retried the failed mark without a new message to trigger it")
	s.Equal(int64(1), next.Carried.MessagesMarked)
}

func (s *mailboxSuite) TestEmailRunsOfEveryStarterShareOneReusePolicy() {
	s.mockMailbox()
	var policies []enumspb.WorkflowIdReusePolicy
	s.env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{&childOptionsSpy{seen: func(o workflow.ChildWorkflowOptions) {
		policies = append(policies, o.WorkflowIDReusePolicy)
	}}}})
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.push()
	})
	s.stopAt(2 * time.Minute)
	s.run(mailboxStart)
	// A failed or terminated run may be started again; a completed one never.
	s.Equal(enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY, EmailReusePolicy)
	s.Equal([]enumspb.WorkflowIdReusePolicy{EmailReusePolicy}, policies, "the mailbox's child starts")
	s.Equal(EmailReusePolicy, EmailStartOptions("q", "email/x", "upload").WorkflowIDReusePolicy, "the API's uploads and re-processing")
}

// childOptionsSpy reports the options of every child a workflow starts.
type childOptionsSpy struct {
	interceptor.WorkerInterceptorBase
	seen func(workflow.ChildWorkflowOptions)
}

func (c *childOptionsSpy) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &childOptionsSpyInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, spy: c}
}

type childOptionsSpyInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	spy *childOptionsSpy
}

func (i *childOptionsSpyInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&childOptionsSpyOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, spy: i.spy})
}

type childOptionsSpyOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	spy *childOptionsSpy
}

func (o *childOptionsSpyOutbound) ExecuteChildWorkflow(ctx workflow.Context, childWorkflowType string, args ...any) workflow.ChildWorkflowFuture {
	o.spy.seen(workflow.GetChildWorkflowOptions(ctx))
	return o.Next.ExecuteChildWorkflow(ctx, childWorkflowType, args...)
}

// A run that finishes while a mark call is out is marked with the next
// batch: the call's answer must not wipe its count (the 500-message load
// test once left such a message unlabelled until some later run finished).
func (s *mailboxSuite) TestARunFinishingDuringAMarkIsMarkedNext() {
	s.settings.MarkAction = config.MarkLabel
	s.env.OnActivity(s.gm.EnsureLabel, mock.Anything, testMailbox, "BeSunny/Processed").Return("Label_7", nil).Once()
	s.env.OnActivity(s.gm.MarkFinished, mock.Anything, mock.Anything).Return(func(context.Context, activities.MarkInput) (activities.MarkResult, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.events = append(s.events, "mark")
		return activities.MarkResult{Marked: 1}, nil
	}).After(30 * time.Second)
	s.realChildren = true
	s.childDelays["m2"] = 20 * time.Second // finishes while the first mark is out
	s.mockMailbox()
	s.at(time.Minute, func() {
		s.gmail.deliver("m1")
		s.gmail.deliver("m2")
		s.push()
	})
	s.stopAt(5 * time.Minute)

	next := s.run(mailboxStart)
	s.Equal(int64(2), next.Carried.MessagesMarked, "m2 finished during m1's mark and is marked by the next call: %v", s.eventLog())
}
