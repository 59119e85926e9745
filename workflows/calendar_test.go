package workflows

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

const testCalendar = "primary"

// page is one scripted answer of SyncPage.
type page = activities.SyncPageResult

// calendarSuite runs CalendarWorkflow against mocked activities: SyncPage
// answers from s.answer (scripted per test), store steps and channels are
// recorded in one ordered event log.
type calendarSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	ca  *activities.Calendar

	start    time.Time
	settings activities.CalendarSettings

	mu sync.Mutex
	// events: "page full <page token>", "page inc <sync token> <page token>",
	// "save <token> full|inc", "finish <mark>", "open <channel id>",
	// "stop <channel id>", "bot <meeting> <reason>", "withdraw <meeting> <reason>",
	// "classify <meeting>/<revision>", "times webhook|poll", "end <reason>",
	// "review <meeting>", "error <message>".
	events  []string
	inputs  []activities.SyncPageInput
	opened  []string
	answer  func(in activities.SyncPageInput) (page, error)
	removed []activities.MeetingChange
	review  []activities.MeetingChange
	// upcoming are the meetings with a bot when the watch ends.
	upcoming []activities.MeetingChange
	// openErr fails the next events.watch attempts.
	openErr []error
	// slowSync makes the next SyncPage take a minute of workflow time.
	slowSync bool
}

func TestCalendar(t *testing.T) { suite.Run(t, new(calendarSuite)) }

func (s *calendarSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.start = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: CalendarWorkflowID(ownerA, testCalendar)})
	s.settings = activities.CalendarSettings{Push: true, SyncPast: 7 * 24 * time.Hour, SyncAhead: 60 * 24 * time.Hour,
		PollInterval: 15 * time.Minute, FullResyncInterval: 24 * time.Hour, ChannelTTL: 7 * 24 * time.Hour, PageSize: 250}
	s.events, s.inputs, s.opened, s.removed, s.review, s.upcoming, s.openErr = nil, nil, nil, nil, nil, nil, nil
	s.answer = func(in activities.SyncPageInput) (page, error) {
		return page{NextSyncToken: nextToken(in)}, nil
	}
}

func (s *calendarSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

// nextToken is the scripted cursor after a sync: "s1" after a full sync,
// "<token>+" after an incremental one.
func nextToken(in activities.SyncPageInput) string {
	if in.SyncToken == "" {
		return "s1"
	}
	return in.SyncToken + "+"
}

func (s *calendarSuite) log(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, fmt.Sprintf(format, args...))
}

func (s *calendarSuite) eventLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events...)
}

// only keeps the log entries that start with one of the prefixes.
func (s *calendarSuite) only(prefixes ...string) []string {
	var out []string
	for _, e := range s.eventLog() {
		for _, p := range prefixes {
			if strings.HasPrefix(e, p) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

func (s *calendarSuite) syncInputs() []activities.SyncPageInput {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]activities.SyncPageInput(nil), s.inputs...)
}

func (s *calendarSuite) mockCalendar() {
	ok := func(name string) func(context.Context, activities.CalendarRef) error {
		return func(_ context.Context, ref activities.CalendarRef) error {
			s.Equal(activities.CalendarRef{UserID: ownerA, CalendarID: testCalendar}, ref)
			return nil
		}
	}
	s.env.OnActivity(s.ca.CalendarSettings, mock.Anything).Return(func(context.Context) (activities.CalendarSettings, error) {
		return s.settings, nil
	}).Maybe()
	s.env.OnActivity(s.ca.RegisterCalendar, mock.Anything, mock.Anything).Return(ok("register")).Maybe()
	syncPage := func(_ context.Context, in activities.SyncPageInput) (page, error) {
		s.mu.Lock()
		s.inputs = append(s.inputs, in)
		answer := s.answer
		s.mu.Unlock()
		if in.SyncToken == "" {
			s.Equal(s.env.Now().Add(-s.settings.SyncPast).UTC(), in.TimeMin.UTC())
			s.Equal(s.env.Now().Add(s.settings.SyncAhead).UTC(), in.TimeMax.UTC())
			s.NotZero(in.FullSyncMark)
			s.log("page full %s", in.PageToken)
		} else {
			s.True(in.TimeMin.IsZero() && in.TimeMax.IsZero(), "a sync token never comes with a window")
			s.log("page inc %s %s", in.SyncToken, in.PageToken)
		}
		return answer(in)
	}
	s.env.OnActivity(s.ca.SyncPage, mock.Anything, mock.MatchedBy(func(activities.SyncPageInput) bool { return s.takeSlow() })).
		After(time.Minute).Return(syncPage).Maybe()
	s.env.OnActivity(s.ca.SyncPage, mock.Anything, mock.Anything).Return(syncPage).Maybe()
	s.env.OnActivity(s.ca.SaveSyncToken, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SaveSyncTokenInput) error {
		kind := "inc"
		if in.Full {
			kind = "full"
		}
		s.log("save %s %s", in.SyncToken, kind)
		return nil
	}).Maybe()
	s.env.OnActivity(s.ca.FinishFullSync, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.FinishFullSyncInput) ([]activities.MeetingChange, error) {
		s.log("finish")
		s.mu.Lock()
		defer s.mu.Unlock()
		out := s.removed
		s.removed = nil
		return out, nil
	}).Maybe()
	s.env.OnActivity(s.ca.RecordCalendarTimes, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.CalendarTimesInput) error {
		if in.WebhookAt != nil {
			s.log("times webhook")
		}
		if in.PollAt != nil {
			s.log("times poll")
		}
		return nil
	}).Maybe()
	s.env.OnActivity(s.ca.RecordCalendarError, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.CalendarErrorInput) error {
		s.log("error %s", in.Error)
		return nil
	}).Maybe()
	s.env.OnActivity(s.ca.EndCalendar, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EndCalendarInput) error {
		s.log("end %s", in.Reason)
		return nil
	}).Maybe()
	s.env.OnActivity(s.ca.OpenCalendarChannel, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.OpenCalendarChannelInput) (activities.CalendarChannel, error) {
		s.mu.Lock()
		s.opened = append(s.opened, in.ChannelID)
		var fail error
		if len(s.openErr) > 0 {
			fail, s.openErr = s.openErr[0], s.openErr[1:]
		}
		s.mu.Unlock()
		if fail != nil {
			return activities.CalendarChannel{}, fail
		}
		s.log("open %s", in.ChannelID)
		return activities.CalendarChannel{ID: in.ChannelID, ResourceID: "res-primary", Expiration: s.env.Now().Add(s.settings.ChannelTTL).UTC()}, nil
	}).Maybe()
	s.env.OnActivity(s.ca.StopCalendarChannel, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.StopCalendarChannelInput) error {
		s.log("stop %s", in.Channel.ID)
		return nil
	}).Maybe()
	s.env.OnActivity(s.ca.RecordBotIntent, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.BotIntentInput) (bool, error) {
		s.log("bot %s %s", in.MeetingID, in.Reason)
		return true, nil
	}).Maybe()
	s.env.OnActivity(s.ca.CancelBotIntent, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.BotIntentInput) (bool, error) {
		s.log("withdraw %s %s", in.MeetingID, in.Reason)
		return true, nil
	}).Maybe()
	s.env.OnActivity(s.ca.ReviewBots, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ReviewBotsInput) ([]activities.MeetingChange, error) {
		s.log("review %s", in.MeetingID)
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.review, nil
	}).Maybe()
	s.env.OnActivity(s.ca.UpcomingBots, mock.Anything, mock.Anything).Return(func(context.Context, activities.CalendarRef) ([]activities.MeetingChange, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.upcoming, nil
	}).Maybe()
	s.env.OnWorkflow(ClassifyMeetingWorkflow, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in ClassifyMeetingInput) (ClassifyMeetingResult, error) {
		s.log("classify %s/%d", in.MeetingID, in.Revision)
		return ClassifyMeetingResult{}, nil
	}).Maybe()
	// The notetaker's run (MeetingBotWorkflow, tested on its own) ends at
	// once here, so the call sites fall back to the intent.
	s.env.OnWorkflow(MeetingBotWorkflow, mock.Anything, mock.Anything).Return(MeetingBotState{}, nil).Maybe()
	s.env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", MeetingChangedSignal, mock.Anything).
		Return(&temporal.UnknownExternalWorkflowExecutionError{}).Maybe()
}

func (s *calendarSuite) takeSlow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	slow := s.slowSync
	s.slowSync = false
	return slow
}

func (s *calendarSuite) at(d time.Duration, f func()) { s.env.RegisterDelayedCallback(f, d) }

func (s *calendarSuite) push(n int64) {
	s.env.SignalWorkflow(ChangedSignal, CalendarPush{ChannelID: "c", ResourceState: "exists", MessageNumber: n, At: s.env.Now()})
}

func (s *calendarSuite) unwatchAt(d time.Duration) {
	s.at(d, func() { s.env.SignalWorkflow(UnwatchSignal, CalendarUnwatch{Reason: "unwatched"}) })
}

func (s *calendarSuite) query() CalendarState {
	v, err := s.env.QueryWorkflow(StatusQuery)
	s.Require().NoError(err)
	var st CalendarState
	s.Require().NoError(v.Get(&st))
	return st
}

func (s *calendarSuite) run() CalendarState {
	s.env.ExecuteWorkflow(CalendarWorkflow, CalendarInput{UserID: ownerA, CalendarID: testCalendar})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var out CalendarState
	s.Require().NoError(s.env.GetWorkflowResult(&out))
	return out
}

func created(id string, rev int, wantsBot bool) activities.MeetingChange {
	c := activities.MeetingChange{MeetingID: id, EventID: "ev-" + id, Kind: activities.MeetingCreated, ClassifyRevision: rev, BotStatus: "none", WantsBot: wantsBot}
	if wantsBot {
		c.BotReason = "virtual_attendee"
	}
	return c
}

// --- full sync -------------------------------------------------------------------

func (s *calendarSuite) TestFirstFullSyncReadsEveryPageThenMovesTheTokenOnce() {
	s.answer = func(in activities.SyncPageInput) (page, error) {
		switch {
		case in.SyncToken == "" && in.PageToken == "":
			return page{Events: 250, NextPageToken: "p2", Changes: []activities.MeetingChange{created("m1", 1, true), created("m2", 1, false)}}, nil
		case in.SyncToken == "" && in.PageToken == "p2":
			return page{Events: 250, NextPageToken: "p3", Changes: []activities.MeetingChange{created("m3", 1, false)}}, nil
		case in.SyncToken == "" && in.PageToken == "p3":
			return page{Events: 17, NextSyncToken: "s1", Summary: "demo@besunny.local", TimeZone: "Europe/Berlin"}, nil
		}
		return page{NextSyncToken: nextToken(in)}, nil
	}
	s.mockCalendar()
	s.at(time.Minute, func() {
		st := s.query()
		s.Equal(1, st.FullSyncs)
		s.Equal(0, st.IncrementalSyncs)
		s.Equal(4, st.Pages, "three pages, then the catch-up from the new token")
		s.Equal(517, st.Counts.Events)
		s.Equal(3, st.Counts.Created)
		s.Equal(1, st.Counts.BotsRequested)
		s.Equal(3, st.Counts.Classified)
		s.Empty(st.SyncToken, "the status query does not show the cursor")
		s.Require().NotNil(st.SyncTokenAt)
		s.Require().NotNil(st.LastFullSync)
		s.Equal("Europe/Berlin", st.TimeZone)
		s.Require().NotNil(st.Channel)
	})
	s.unwatchAt(2 * time.Minute)
	s.run()

	s.Equal([]string{"page full ", "page full p2", "page full p3", "save s1 full", "page inc s1 ", "save s1+ inc", "finish"},
		s.only("page", "save", "finish"), "the token moves only after the last page, and the full sync catches up before it sweeps")
	in := s.syncInputs()
	s.Equal(in[0].FullSyncMark, in[3].FullSyncMark, "the catch-up counts as seen by the full sync")
	s.ElementsMatch([]string{"classify m1/1", "classify m2/1", "classify m3/1"}, s.only("classify"))
	s.Equal([]string{"bot m1 virtual_attendee"}, s.only("bot"))
	s.Equal(s.only("open")[0], "open "+s.opened[0])
	s.Less(indexOf(s.eventLog(), "open "+s.opened[0]), indexOf(s.eventLog(), "page full "), "the channel opens before the first read")
}

// --- incremental -----------------------------------------------------------------

func (s *calendarSuite) TestIncrementalSyncOnPushPollAndSyncNowWithAddUpdateCancel() {
	moved := activities.MeetingChange{MeetingID: "m1", Kind: activities.MeetingUpdated, Moved: true, BotStatus: "pending", WantsBot: true}
	relinked := activities.MeetingChange{MeetingID: "m2", Kind: activities.MeetingUpdated, URLChanged: true, ClassifyRevision: 2, BotStatus: "pending", WantsBot: true}
	cancelled := activities.MeetingChange{MeetingID: "m3", Kind: activities.MeetingCancelled, BotStatus: "pending", BotReason: "the event was cancelled"}
	deleted := activities.MeetingChange{MeetingID: "m4", Kind: activities.MeetingDeleted, BotStatus: "none"}
	var calls int
	s.answer = func(in activities.SyncPageInput) (page, error) {
		if in.SyncToken == "" {
			return page{NextSyncToken: "s1"}, nil
		}
		calls++
		switch calls {
		case 2: // the push
			return page{NextSyncToken: nextToken(in), Changes: []activities.MeetingChange{created("m5", 1, true), moved}}, nil
		case 3: // the poll
			return page{NextSyncToken: nextToken(in), Changes: []activities.MeetingChange{relinked, cancelled, deleted}}, nil
		}
		return page{NextSyncToken: nextToken(in)}, nil
	}
	s.mockCalendar()
	s.at(time.Minute, func() { s.push(2) })
	s.at(time.Minute+time.Second, func() { s.push(3) }) // coalesced into the same sync, or one more
	s.at(30*time.Minute, func() { s.env.SignalWorkflow(SyncNowSignal, nil) })
	s.unwatchAt(31 * time.Minute)
	st := s.run()

	s.Equal([]string{"page full ", "save s1 full", "page inc s1 ", "save s1+ inc", "finish", "times webhook", "page inc s1+ "},
		s.only("page", "save", "finish", "times")[:7])
	s.Contains(s.only("times"), "times poll", "the poll timer fires 15 minutes after the last sync")
	s.Equal([]string{"bot m5 virtual_attendee"}, s.only("bot"))
	s.Equal([]string{"withdraw m3 the event was cancelled"}, s.only("withdraw"), "a cancelled meeting's bot is cancelled; a deleted one had none")
	s.ElementsMatch([]string{"classify m5/1", "classify m2/2"}, s.only("classify"))
	s.Equal(1, st.FullSyncs)
	s.GreaterOrEqual(st.IncrementalSyncs, 3, "push, poll and sync-now each sync")
	s.Equal(activities.MeetingCancelled, cancelled.Kind)
	s.Equal(1, st.Counts.Cancelled)
	s.Equal(1, st.Counts.Deleted)
	s.Equal(1, st.Counts.BotsWithdrawn)
	s.Require().NotNil(st.LastWebhook)
	s.Require().NotNil(st.LastPoll)
}

func (s *calendarSuite) TestPushesDuringASyncMakeOneMoreSync() {
	s.mockCalendar()
	s.at(time.Minute, func() {
		s.mu.Lock()
		s.slowSync = true
		s.mu.Unlock()
		s.push(2)
	})
	// While the push's sync reads its page, four more pushes arrive.
	for i := range 4 {
		s.at(time.Minute+time.Duration(10*(i+1))*time.Second, func() { s.push(int64(3 + i)) })
	}
	s.unwatchAt(5 * time.Minute)
	st := s.run()
	s.Equal(2, st.IncrementalSyncs, "the first push syncs; the four that came during it make one more sync")
	s.Equal([]string{"times webhook", "times webhook"}, s.only("times"))
}

// --- 410 -------------------------------------------------------------------------

func (s *calendarSuite) TestGoneTokenDiscardsItAndSyncsFully() {
	var fulls int
	s.answer = func(in activities.SyncPageInput) (page, error) {
		switch {
		case in.SyncToken == "" && fulls == 0:
			fulls++
			return page{NextSyncToken: "s1", Changes: []activities.MeetingChange{created("m1", 1, true)}}, nil
		case in.SyncToken == "":
			fulls++
			// The same meeting again: updated in place (its bot already
			// pending), not created.
			return page{NextSyncToken: "r1", Changes: []activities.MeetingChange{{MeetingID: "m1", Kind: activities.MeetingUpdated, BotStatus: "pending", WantsBot: true}}}, nil
		case in.SyncToken == "s1+":
			return page{Gone: true}, nil
		}
		return page{NextSyncToken: nextToken(in)}, nil
	}
	s.mockCalendar()
	s.at(time.Minute, func() {
		s.mu.Lock()
		// The resync finds m9 gone: its event was deleted while the token
		// was lost.
		s.removed = []activities.MeetingChange{{MeetingID: "m9", Kind: activities.MeetingCancelled, BotStatus: "pending", BotReason: "the event is no longer on the calendar"}}
		s.mu.Unlock()
		s.push(2)
	})
	s.at(2*time.Minute, func() { s.push(3) })
	s.unwatchAt(3 * time.Minute)
	st := s.run()

	s.Equal(1, st.Resyncs)
	s.Equal(2, st.FullSyncs)
	s.Equal(1, st.Counts.Created, "the resync updates, it does not create again")
	s.Equal([]string{"bot m1 virtual_attendee"}, s.only("bot"), "one bot, not two")
	s.Equal([]string{"withdraw m9 the event is no longer on the calendar"}, s.only("withdraw"))
	s.Equal([]string{
		"page full ", "save s1 full", "page inc s1 ", "save s1+ inc", "finish",
		"page inc s1+ ", "save  inc", // 410: the token is discarded
		"page full ", "save r1 full", "page inc r1 ", "save r1+ inc", "finish",
		"page inc r1+ ", "save r1++ inc",
	}, s.only("page", "save", "finish"))
}

// --- channel -----------------------------------------------------------------------

func (s *calendarSuite) TestChannelIsRenewedBeforeItExpiresNewOneFirst() {
	s.settings.ChannelTTL = 24 * time.Hour
	s.mockCalendar()
	s.at(24*time.Hour+time.Minute, func() {
		st := s.query()
		s.Require().NotNil(st.Channel)
		s.Equal(s.opened[1], st.Channel.ID)
	})
	s.unwatchAt(25 * time.Hour)
	s.run()

	s.Require().GreaterOrEqual(len(s.opened), 2)
	s.NotEqual(s.opened[0], s.opened[1], "each channel has its own random id")
	log := s.only("open", "stop")
	s.Equal([]string{"open " + s.opened[0], "open " + s.opened[1], "stop " + s.opened[0], "stop " + s.opened[1]}, log,
		"renewal: the new channel first, then the old one stops; the unwatch stops the last")
}

func (s *calendarSuite) TestRetriedWatchReusesTheChannelID() {
	s.openErr = []error{temporal.NewApplicationError("calendar events.watch: 503", activities.ErrTypeCalendarUnavailable)}
	s.mockCalendar()
	s.unwatchAt(time.Minute)
	s.run()
	s.Require().Len(s.opened, 2, "one failed attempt, one retry")
	s.Equal(s.opened[0], s.opened[1], "the retry asks for the same channel, not a second one")
}

func (s *calendarSuite) TestWithoutWebhooksTheCalendarIsPolledOnly() {
	s.settings.Push = false
	s.mockCalendar()
	s.unwatchAt(46 * time.Minute)
	st := s.run()
	s.Empty(s.opened)
	s.Nil(st.Channel)
	s.Equal(3, len(s.only("times poll")), "every 15 minutes")
}

// --- endings -------------------------------------------------------------------------

func (s *calendarSuite) TestDisconnectStopsTheChannelWithdrawsUpcomingBotsAndEnds() {
	s.upcoming = []activities.MeetingChange{{MeetingID: "m1", BotStatus: "pending"}}
	s.mockCalendar()
	s.at(time.Minute, func() {
		s.env.SignalWorkflow(UnwatchSignal, CalendarUnwatch{Reason: "the owner disconnected Google"})
	})
	st := s.run()
	s.Equal("the owner disconnected Google", st.Ended)
	s.Nil(st.Channel)
	log := s.only("stop", "withdraw", "end")
	s.Equal([]string{"stop " + s.opened[0], "withdraw m1 the calendar is no longer watched (the owner disconnected Google)",
		"end the owner disconnected Google"}, log)
	s.Equal(1, st.Counts.BotsWithdrawn)
}

func (s *calendarSuite) TestLostAccessEndsTheWatch() {
	s.answer = func(activities.SyncPageInput) (page, error) {
		return page{Forbidden: "the owner's Google grant was revoked or expired"}, nil
	}
	s.mockCalendar()
	st := s.run()
	s.Equal("access lost: the owner's Google grant was revoked or expired", st.Ended)
	s.Equal([]string{"end access lost: the owner's Google grant was revoked or expired"}, s.only("end"))
}

func (s *calendarSuite) TestFailedSyncIsRecordedAndTheNextPollTriesAgain() {
	var calls int
	s.answer = func(in activities.SyncPageInput) (page, error) {
		calls++
		if calls == 1 {
			return page{}, temporal.NewNonRetryableApplicationError("calendar events.list: 400 bad", activities.ErrTypeCalendarRejected, nil)
		}
		return page{NextSyncToken: nextToken(in)}, nil
	}
	s.mockCalendar()
	s.at(time.Minute, func() {
		st := s.query()
		s.Contains(st.LastError, "events.list")
		s.Equal(0, st.FullSyncs)
	})
	s.unwatchAt(16 * time.Minute)
	st := s.run()
	s.Equal(1, st.FullSyncs, "the poll retried the full sync")
	s.Empty(st.LastError)
	s.Len(s.only("error"), 1)
}

// --- bot preferences ----------------------------------------------------------------

func (s *calendarSuite) TestBotPreferencesReviewUpcomingMeetings() {
	s.mockCalendar()
	s.at(time.Minute, func() {
		s.mu.Lock()
		s.review = []activities.MeetingChange{
			{MeetingID: "m1", Kind: activities.MeetingUpdated, BotStatus: "none", WantsBot: true, BotReason: "auto_join"},
			{MeetingID: "m2", Kind: activities.MeetingUpdated, BotStatus: "pending", BotReason: "the owner turned the notetaker off for this meeting"},
		}
		s.mu.Unlock()
		s.env.SignalWorkflow(BotPreferencesSignal, BotPreferences{})
	})
	s.unwatchAt(2 * time.Minute)
	s.run()
	s.Equal([]string{"review "}, s.only("review"))
	s.Equal([]string{"bot m1 auto_join"}, s.only("bot"))
	s.Equal([]string{"withdraw m2 the owner turned the notetaker off for this meeting"}, s.only("withdraw"))
}

// --- continue-as-new -----------------------------------------------------------------

func (s *calendarSuite) TestContinueAsNewCarriesTokenChannelAndPendingWork() {
	s.mockCalendar()
	s.at(time.Minute, func() {
		s.env.SetContinueAsNewSuggested(true)
		s.push(2)
		s.env.SignalWorkflow(BotPreferencesSignal, BotPreferences{MeetingID: "m1"})
	})
	s.env.ExecuteWorkflow(CalendarWorkflow, CalendarInput{UserID: ownerA, CalendarID: testCalendar})
	s.Require().True(s.env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &can)
	s.Equal("CalendarWorkflow", can.WorkflowType.Name)
	var next CalendarInput
	s.Require().NoError(converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	s.Equal(ownerA, next.UserID)
	s.Equal(testCalendar, next.CalendarID)
	c := next.Carried
	s.Require().NotNil(c)
	s.NotEmpty(c.SyncToken, "the cursor is carried")
	s.Require().NotNil(c.Channel, "the channel stays open for the next run")
	s.Equal(s.opened[0], c.Channel.ID)
	s.Equal(1, c.FullSyncs)
	s.Empty(c.Ended)
	s.Empty(s.only("stop"))
	// Whatever the last run did not handle yet is carried as pending work.
	s.True(c.PendingSync || c.IncrementalSyncs == 1, "the push is synced or carried")
	s.True(c.PendingBotReview || len(s.only("review")) == 1, "the review is done or carried")
}

func (s *calendarSuite) TestContinuedRunResumesFromTheCarriedToken() {
	s.mockCalendar()
	carried := CalendarState{UserID: ownerA, CalendarID: testCalendar, SyncToken: "s7", LastFullSync: &s.start, FullSyncs: 3, PendingSync: true,
		Channel: &activities.CalendarChannel{ID: "old", ResourceID: "res", Expiration: s.start.Add(6 * 24 * time.Hour)}}
	s.unwatchAt(time.Minute)
	s.env.ExecuteWorkflow(CalendarWorkflow, CalendarInput{UserID: ownerA, CalendarID: testCalendar, Carried: &carried})
	s.Require().NoError(s.env.GetWorkflowError())
	s.Equal([]string{"page inc s7 ", "save s7+ inc"}, s.only("page", "save"), "no full sync: the token carries on")
	s.Empty(s.opened, "the carried channel is kept")
	s.Equal([]string{"stop old", "end unwatched"}, s.only("stop", "end"))
}

func (s *calendarSuite) TestStaleFullSyncIsRenewedByThePoll() {
	s.settings.FullResyncInterval = 30 * time.Minute
	s.mockCalendar()
	s.unwatchAt(50 * time.Minute)
	st := s.run()
	s.Equal(2, st.FullSyncs, "the first, then one when the last is older than the interval")
}

func (s *calendarSuite) TestBadInputFails() {
	s.env.ExecuteWorkflow(CalendarWorkflow, CalendarInput{UserID: ownerA})
	var appErr *temporal.ApplicationError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &appErr)
	s.Equal(ErrTypeBadWorkflowInput, appErr.Type())
}
