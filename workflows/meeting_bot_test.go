package workflows

import (
	"context"
	"fmt"
	"slices"
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
	"github.com/besunny/workflows/internal/attendee"
)

const (
	testMeetingID = "0a0a0a0a-1111-4222-8333-444444444444"
	testMeetURL   = "https://meet.google.com/abc-defg-hij"
)

// scriptedBot is one bot of the scripted Attendee: the test moves it
// through its states, with or without a webhook.
type scriptedBot struct {
	view activities.BotView
	key  string
	// deleted by a withdraw while scheduled.
	deleted bool
}

// meetingBotSuite runs MeetingBotWorkflow against a scripted Attendee and
// store: the Attendee activities answer from s.bots, the store steps are
// recorded.
type meetingBotSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env *testsuite.TestWorkflowEnvironment
	mb  *activities.MeetingBots

	start    time.Time // the test's clock at 0
	settings activities.MeetingBotSettings

	mu         sync.Mutex
	meeting    activities.MeetingSnapshot
	bots       []*scriptedBot
	statuses   []activities.BotStatusInput
	calls      []string
	transcript activities.TranscriptResult
	classified []ClassifyInput
	keys       int
	// createFails makes the next creations fail with this error.
	createFails []error
}

func TestMeetingBot(t *testing.T) { suite.Run(t, new(meetingBotSuite)) }

func (s *meetingBotSuite) SetupTest() {
	s.env = s.NewTestWorkflowEnvironment()
	s.start = time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: MeetingBotWorkflowID(testMeetingID)})
	s.settings = activities.MeetingBotSettings{Enabled: true, Mode: "sandbox", BotName: "BeSunny Notetaker",
		WebhookURL: "https://api.example.com/webhooks/attendee", JoinEarly: 2 * time.Minute, PollGrace: 2 * time.Minute, PollInterval: 10 * time.Minute}
	s.meeting = activities.MeetingSnapshot{Found: true, ID: testMeetingID, OwnerID: ownerA, Title: "Q3 review", URL: testMeetURL,
		Start: s.start.Add(time.Hour), End: s.start.Add(2 * time.Hour), Status: "active", BotStatus: "pending", BotReason: "virtual_attendee"}
	s.bots, s.statuses, s.calls, s.classified, s.keys, s.createFails = nil, nil, nil, nil, 0, nil
	s.transcript = activities.TranscriptResult{DocumentID: "doc-transcript", Revision: 1, Utterances: 42, Speakers: 3, Words: 900, Chars: 5400}
	s.mockAll()
}

func (s *meetingBotSuite) AfterTest(_, _ string) { s.env.AssertExpectations(s.T()) }

func (s *meetingBotSuite) call(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf(format, args...))
}

func (s *meetingBotSuite) callLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *meetingBotSuite) count(prefix string) int {
	n := 0
	for _, c := range s.callLog() {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// statusLog is the sequence of distinct statuses written, e.g.
// "bot_scheduled", "joining", "recording", ….
func (s *meetingBotSuite) statusLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, st := range s.statuses {
		if len(out) == 0 || out[len(out)-1] != st.Status {
			out = append(out, st.Status)
		}
	}
	return out
}

func (s *meetingBotSuite) lastStatus() activities.BotStatusInput {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Require().NotEmpty(s.statuses)
	return s.statuses[len(s.statuses)-1]
}

func (s *meetingBotSuite) bot(i int) *scriptedBot {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Require().Greater(len(s.bots), i, "bot %d was never created", i)
	return s.bots[i]
}

func (s *meetingBotSuite) mockAll() {
	s.env.OnActivity(s.mb.MeetingBotSettings, mock.Anything).Return(func(context.Context) (activities.MeetingBotSettings, error) {
		return s.settings, nil
	}).Maybe()
	s.env.OnActivity(s.mb.LoadMeeting, mock.Anything, mock.Anything).Return(func(_ context.Context, id string) (activities.MeetingSnapshot, error) {
		s.Equal(testMeetingID, id)
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.meeting, nil
	}).Maybe()
	s.env.OnActivity(s.mb.SetBotStatus, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.BotStatusInput) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.statuses = append(s.statuses, in)
		return nil
	}).Maybe()
	s.env.OnActivity(s.mb.CreateBot, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.CreateBotInput) (activities.BotView, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		join := "now"
		if in.JoinAt != nil {
			join = in.JoinAt.Sub(s.start).String()
		}
		s.calls = append(s.calls, fmt.Sprintf("create %s join %s", in.MeetingURL, join))
		for _, b := range s.bots {
			if b.key == in.DeduplicationKey && !b.deleted && !attendee.Final(b.view.State) {
				v := b.view
				v.Adopted = true
				return v, nil
			}
		}
		b := &scriptedBot{key: in.DeduplicationKey, view: activities.BotView{ID: fmt.Sprintf("bot_%d", len(s.bots)+1), MeetingURL: in.MeetingURL, JoinAt: in.JoinAt, State: attendee.StateScheduled}}
		if in.JoinAt == nil {
			b.view.State, b.view.EventType, b.view.EventAt = attendee.StateJoining, "join_requested", s.env.Now()
		}
		s.bots = append(s.bots, b)
		if len(s.createFails) > 0 {
			// The bot exists, but the answer is lost.
			err := s.createFails[0]
			s.createFails = s.createFails[1:]
			return activities.BotView{}, err
		}
		return b.view, nil
	}).Maybe()
	s.env.OnActivity(s.mb.GetBot, mock.Anything, mock.Anything).Return(func(_ context.Context, id string) (activities.BotView, error) {
		s.call("get %s", id)
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, b := range s.bots {
			if b.view.ID == id && !b.deleted {
				return b.view, nil
			}
		}
		return activities.BotView{}, temporal.NewNonRetryableApplicationError("Bot not found", activities.ErrTypeAttendeeBotNotFound, nil)
	}).Maybe()
	s.env.OnActivity(s.mb.RescheduleBot, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.RescheduleInput) (activities.BotView, error) {
		s.call("reschedule %s join %s", in.BotID, in.JoinAt.Sub(s.start))
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, b := range s.bots {
			if b.view.ID == in.BotID {
				if b.view.State != attendee.StateScheduled {
					return activities.BotView{}, temporal.NewNonRetryableApplicationError("Bot is in state staged but join_at … can only be updated when in the scheduled state", activities.ErrTypeAttendeeRejected, nil)
				}
				j := in.JoinAt
				b.view.JoinAt = &j
				return b.view, nil
			}
		}
		return activities.BotView{}, temporal.NewNonRetryableApplicationError("Bot not found", activities.ErrTypeAttendeeBotNotFound, nil)
	}).Maybe()
	s.env.OnActivity(s.mb.WithdrawBot, mock.Anything, mock.Anything).Return(func(_ context.Context, id string) (activities.WithdrawResult, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, b := range s.bots {
			if b.view.ID != id || b.deleted {
				continue
			}
			out := attendee.WithdrawNotYet
			switch {
			case attendee.Final(b.view.State):
				out = attendee.WithdrawGone
			case b.view.State == attendee.StateScheduled:
				out, b.deleted = attendee.WithdrawDeleted, true
			case attendee.CanLeave(b.view.State):
				out = attendee.WithdrawLeaving
				b.view.State, b.view.EventType, b.view.EventSubType, b.view.EventAt = attendee.StateLeaving, "leave_requested", "user_requested", s.env.Now()
			}
			s.calls = append(s.calls, fmt.Sprintf("withdraw %s %s", id, out))
			return activities.WithdrawResult{Outcome: string(out), Bot: b.view}, nil
		}
		s.calls = append(s.calls, fmt.Sprintf("withdraw %s gone", id))
		return activities.WithdrawResult{Outcome: string(attendee.WithdrawGone)}, nil
	}).Maybe()
	s.env.OnActivity(s.mb.StoreTranscript, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.TranscriptInput) (activities.TranscriptResult, error) {
		s.call("transcript %s", in.BotID)
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.transcript, nil
	}).Maybe()
	s.env.OnWorkflow(ClassifyDocumentWorkflow, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in ClassifyInput) (ClassifyResult, error) {
		s.mu.Lock()
		s.classified = append(s.classified, in)
		s.mu.Unlock()
		return ClassifyResult{DocumentID: in.DocumentID}, nil
	}).Maybe()
}

// at runs f once the workflow has run for d (workflow time from the start).
func (s *meetingBotSuite) at(d time.Duration, f func()) {
	s.env.RegisterDelayedCallback(f, d)
}

// move sets bot i's state at Attendee as of now; webhook also delivers it.
func (s *meetingBotSuite) move(i int, state, event, sub string, webhook bool) {
	s.mu.Lock()
	b := s.bots[i]
	b.view.State, b.view.EventType, b.view.EventSubType, b.view.EventAt = state, event, sub, s.env.Now()
	if event == attendee.EventJoinedMeeting || attendee.InMeeting(state) {
		b.view.Admitted = true
	}
	if event == attendee.EventRecordingPermissionDenied {
		b.view.RecordingDenied = true
	}
	s.keys++
	key := fmt.Sprintf("key-%d", s.keys)
	id := b.view.ID
	s.mu.Unlock()
	if webhook {
		s.deliver(BotEventNotice{IdempotencyKey: key, BotID: id, Trigger: attendee.TriggerStateChange, NewState: state,
			EventType: event, EventSubType: sub, CreatedAt: s.env.Now()})
	}
}

func (s *meetingBotSuite) deliver(n BotEventNotice) { s.env.SignalWorkflow(BotEventSignal, n) }

func (s *meetingBotSuite) changeMeeting(kind string, edit func(m *activities.MeetingSnapshot)) {
	s.mu.Lock()
	if edit != nil {
		edit(&s.meeting)
	}
	s.mu.Unlock()
	s.env.SignalWorkflow(MeetingChangedSignal, MeetingChange{Kind: kind})
}

// lifecycle scripts bot i through a whole meeting starting at join (offset
// from the test start) and ending at end, with webhooks when webhook.
func (s *meetingBotSuite) lifecycle(i int, join, end time.Duration, webhook bool) {
	s.at(join-5*time.Minute, func() { s.move(i, attendee.StateStaged, "staged", "", webhook) })
	s.at(join, func() { s.move(i, attendee.StateJoining, "join_requested", "", webhook) })
	s.at(join+5*time.Second, func() { s.move(i, attendee.StateJoinedNotRecording, attendee.EventJoinedMeeting, "", webhook) })
	s.at(join+7*time.Second, func() { s.move(i, attendee.StateJoinedRecording, "recording_permission_granted", "", webhook) })
	s.at(end+10*time.Second, func() { s.move(i, attendee.StatePostProcessing, attendee.EventMeetingEnded, "", webhook) })
	s.at(end+40*time.Second, func() { s.move(i, attendee.StateEnded, attendee.EventPostProcessingCompleted, "", webhook) })
}

func (s *meetingBotSuite) run() MeetingBotState {
	s.env.ExecuteWorkflow(MeetingBotWorkflow, MeetingBotInput{MeetingID: testMeetingID, OwnerID: ownerA})
	s.Require().True(s.env.IsWorkflowCompleted())
	s.Require().NoError(s.env.GetWorkflowError())
	var st MeetingBotState
	s.Require().NoError(s.env.GetWorkflowResult(&st))
	s.True(st.Done)
	return st
}

func (s *meetingBotSuite) TestScheduledBotEndsCompletedWithAClassifiedTranscript() {
	s.lifecycle(0, 58*time.Minute, 2*time.Hour, true)
	st := s.run()

	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "get bot_1", "transcript bot_1"}, s.callLog(),
		"no poll, every webhook came; the end is read back from the bot's event log")
	s.Equal([]string{"bot_scheduled", "joining", "recording", "post_processing", "completed"}, s.statusLog())
	last := s.lastStatus()
	s.Equal("completed", last.Status)
	s.Equal("", last.Reason)
	s.Equal("ended", *last.RawState)
	s.Equal(attendee.StatusCompleted, st.Status)
	s.Equal("doc-transcript", st.DocumentID)
	s.Equal(42, st.TranscriptUtterances)
	s.Equal(6, st.Webhooks)
	s.Equal(1, st.Polls)
	s.Equal([]ClassifyInput{{DocumentID: "doc-transcript", Revision: 1}}, s.classified)
	s.Require().NotNil(st.JoinAt)
	s.Equal(s.start.Add(58*time.Minute), *st.JoinAt)
	s.Contains(st.KeyBase, "")
}

func (s *meetingBotSuite) TestStatusQueryShowsTheBotWhileItRecords() {
	s.lifecycle(0, 58*time.Minute, 2*time.Hour, true)
	s.at(90*time.Minute, func() {
		v, err := s.env.QueryWorkflow(StatusQuery)
		s.Require().NoError(err)
		var st MeetingBotState
		s.Require().NoError(v.Get(&st))
		s.Equal(attendee.StatusRecording, st.Status)
		s.Equal("joined_recording", st.RawState)
		s.Equal("bot_1", st.BotID)
		s.NotNil(st.LastWebhookAt)
		s.Require().NotNil(st.NextPollAt)
		s.Equal(s.start.Add(2*time.Hour+2*time.Minute), *st.NextPollAt, "news is due after the meeting's end")
	})
	s.run()
}

func (s *meetingBotSuite) TestLostWebhooksAreRecoveredByThePoll() {
	s.lifecycle(0, 58*time.Minute, 2*time.Hour, false)
	st := s.run()

	// Polls when news was due: two minutes after the join time (it
	// records), two minutes after the meeting's end (it has ended).
	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "get bot_1", "get bot_1", "transcript bot_1"}, s.callLog())
	s.Equal([]string{"bot_scheduled", "recording", "post_processing", "completed"}, s.statusLog())
	s.Equal(attendee.StatusCompleted, st.Status)
	s.Equal(2, st.Polls)
	s.Equal(0, st.Webhooks)
	s.True(st.Admitted)
	s.Len(s.classified, 1)
}

func (s *meetingBotSuite) TestDuplicateAndLateWebhooksChangeNothing() {
	s.lifecycle(0, 58*time.Minute, 2*time.Hour, true)
	var joined BotEventNotice
	s.at(58*time.Minute+6*time.Second, func() {
		// The joined_meeting delivery, retried by Attendee with its key.
		joined = BotEventNotice{IdempotencyKey: "key-3", BotID: "bot_1", Trigger: attendee.TriggerStateChange,
			NewState: attendee.StateJoinedNotRecording, EventType: attendee.EventJoinedMeeting, CreatedAt: s.start.Add(58*time.Minute + 5*time.Second)}
		s.deliver(joined)
	})
	s.at(61*time.Minute, func() {
		// A delivery of the staged change that was held up for minutes.
		s.deliver(BotEventNotice{IdempotencyKey: "late-staged", BotID: "bot_1", Trigger: attendee.TriggerStateChange,
			NewState: attendee.StateStaged, EventType: "staged", CreatedAt: s.start.Add(53 * time.Minute)})
		// And a transcript update, which the workflow does not follow.
		s.deliver(BotEventNotice{IdempotencyKey: "utterance-1", BotID: "bot_1", Trigger: attendee.TriggerTranscriptUpdate})
	})
	st := s.run()

	s.Equal(1, st.Duplicates)
	s.Equal(1, st.Stale)
	s.Equal(8, st.Webhooks)
	s.Equal([]string{"bot_scheduled", "joining", "recording", "post_processing", "completed"}, s.statusLog(), "the late staged change did not move the status back")
	s.Equal(attendee.StatusCompleted, st.Status)
}

func (s *meetingBotSuite) TestContinueAsNewCarriesTheBotOn() {
	s.at(30*time.Minute, func() {
		s.env.SetContinueAsNewSuggested(true)
		s.deliver(BotEventNotice{IdempotencyKey: "wake", BotID: "bot_1", Trigger: attendee.TriggerTranscriptUpdate})
	})
	s.env.ExecuteWorkflow(MeetingBotWorkflow, MeetingBotInput{MeetingID: testMeetingID, OwnerID: ownerA})
	var can *workflow.ContinueAsNewError
	s.Require().ErrorAs(s.env.GetWorkflowError(), &can)
	var next MeetingBotInput
	s.Require().NoError(converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	s.Require().NotNil(next.Carried)
	s.Equal("bot_1", next.Carried.BotID)
	s.Equal([]string{"wake"}, next.Carried.SeenKeys)

	// The next run follows the same bot to its end: no second bot.
	first := s.env.Now()
	s.env = s.NewTestWorkflowEnvironment()
	s.env.SetStartTime(first)
	s.mockAll()
	s.lifecycle(0, 28*time.Minute, 90*time.Minute, true)
	s.env.ExecuteWorkflow(MeetingBotWorkflow, next)
	s.Require().NoError(s.env.GetWorkflowError())
	var st MeetingBotState
	s.Require().NoError(s.env.GetWorkflowResult(&st))
	s.Equal(attendee.StatusCompleted, st.Status)
	s.Equal(1, s.count("create "))
	s.Equal("doc-transcript", st.DocumentID)
}

func (s *meetingBotSuite) TestAnEndThatOvertakesTheJoinIsReadBackAndCompletes() {
	// Attendee delivers each change on its own: here "ended" arrives first
	// and the changes of the meeting itself after it.
	s.at(58*time.Minute, func() { s.move(0, attendee.StateJoining, "join_requested", "", false) })
	s.at(58*time.Minute+5*time.Second, func() { s.move(0, attendee.StateJoinedNotRecording, attendee.EventJoinedMeeting, "", false) })
	s.at(58*time.Minute+7*time.Second, func() { s.move(0, attendee.StateJoinedRecording, "recording_permission_granted", "", false) })
	s.at(58*time.Minute+30*time.Second, func() { s.move(0, attendee.StatePostProcessing, attendee.EventMeetingEnded, "", false) })
	s.at(58*time.Minute+40*time.Second, func() { s.move(0, attendee.StateEnded, attendee.EventPostProcessingCompleted, "", true) })
	s.at(58*time.Minute+41*time.Second, func() {
		s.deliver(BotEventNotice{IdempotencyKey: "late-joined", BotID: "bot_1", Trigger: attendee.TriggerStateChange,
			NewState: attendee.StateJoinedNotRecording, EventType: attendee.EventJoinedMeeting, CreatedAt: s.start.Add(58*time.Minute + 5*time.Second)})
	})
	st := s.run()

	s.Equal(attendee.StatusCompleted, st.Status, "admitted, as the bot's event log says")
	s.Equal("doc-transcript", st.DocumentID)
	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "get bot_1", "transcript bot_1"}, s.callLog())
}

func (s *meetingBotSuite) TestMovedMeetingReschedulesTheScheduledBot() {
	s.at(10*time.Minute, func() {
		s.changeMeeting(MeetingUpdated, func(m *activities.MeetingSnapshot) {
			m.Start, m.End = s.start.Add(3*time.Hour), s.start.Add(4*time.Hour)
		})
	})
	s.lifecycle(0, 178*time.Minute, 4*time.Hour, true)
	st := s.run()

	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "reschedule bot_1 join 2h58m0s", "get bot_1", "transcript bot_1"}, s.callLog())
	s.Equal(s.start.Add(178*time.Minute), *st.JoinAt)
	s.Equal(attendee.StatusCompleted, st.Status)
	s.Equal(1, st.Generation)
}

func (s *meetingBotSuite) TestMovedMeetingReplacesAStagedBot() {
	s.at(53*time.Minute, func() { s.move(0, attendee.StateStaged, "staged", "", true) })
	s.at(54*time.Minute, func() {
		s.changeMeeting(MeetingUpdated, func(m *activities.MeetingSnapshot) {
			m.Start, m.End = s.start.Add(2*time.Hour), s.start.Add(3*time.Hour)
		})
	})
	// The staged bot joins at its old time, and is made to leave then.
	s.at(58*time.Minute, func() { s.move(0, attendee.StateJoining, "join_requested", "", true) })
	s.at(58*time.Minute+30*time.Second, func() { s.move(0, attendee.StatePostProcessing, "left_meeting", "", true) })
	s.at(59*time.Minute, func() { s.move(0, attendee.StateEnded, attendee.EventPostProcessingCompleted, "", true) })
	s.lifecycle(1, 118*time.Minute, 3*time.Hour, true)
	st := s.run()

	calls := s.callLog()
	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "withdraw bot_1 not_yet", "create " + testMeetURL + " join 1h58m0s"}, calls[:3])
	s.Equal(2, s.count("create "))
	s.Equal(1, s.count("withdraw bot_1 leaving"), "the staged bot is made to leave once it joins")
	s.Equal(1, s.count("get bot_2"), "the new bot's webhooks all came: it is read only to confirm its end")
	s.Equal("transcript bot_2", calls[len(calls)-1])
	s.Equal("bot_2", st.BotID)
	s.Equal(2, st.Generation)
	s.Empty(st.Retiring)
	s.Equal(attendee.StatusCompleted, st.Status)
	s.NotEqual(s.bot(0).key, s.bot(1).key, "the replacement has its own deduplication key")
}

func (s *meetingBotSuite) TestChangedLinkReplacesTheBot() {
	newURL := "https://zoom.us/j/123456789"
	s.at(20*time.Minute, func() {
		s.changeMeeting(MeetingUpdated, func(m *activities.MeetingSnapshot) { m.URL = newURL })
	})
	s.lifecycle(1, 58*time.Minute, 2*time.Hour, true)
	st := s.run()

	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "withdraw bot_1 deleted", "create " + newURL + " join 58m0s", "get bot_2", "transcript bot_2"}, s.callLog())
	s.Equal(newURL, st.MeetingURL)
	s.Equal(attendee.StatusCompleted, st.Status)
}

func (s *meetingBotSuite) TestCancelledBeforeJoinDeletesTheBot() {
	s.at(30*time.Minute, func() {
		s.changeMeeting(MeetingCancelled, func(m *activities.MeetingSnapshot) { m.Status = "cancelled" })
	})
	st := s.run()

	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "withdraw bot_1 deleted"}, s.callLog())
	s.Equal(attendee.StatusCancelled, st.Status)
	s.Equal("the meeting was cancelled", st.Reason)
	last := s.lastStatus()
	s.Equal("cancelled", last.Status)
	s.Equal("the meeting was cancelled", last.Reason)
	s.True(s.start.Add(30*time.Minute).Equal(s.env.Now()), "the run ends when the bot is deleted")
}

func (s *meetingBotSuite) TestCalledOffWhileRecordingKeepsWhatWasRecorded() {
	s.lifecycle(0, 58*time.Minute, 2*time.Hour, true)
	s.at(70*time.Minute, func() {
		s.env.SignalWorkflow(MeetingChangedSignal, MeetingChange{Kind: MeetingUnwanted, Reason: "the owner called the notetaker off"})
	})
	s.at(70*time.Minute+5*time.Second, func() { s.move(0, attendee.StatePostProcessing, "left_meeting", "", true) })
	s.at(71*time.Minute, func() { s.move(0, attendee.StateEnded, attendee.EventPostProcessingCompleted, "", true) })
	st := s.run()

	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "withdraw bot_1 leaving", "get bot_1", "transcript bot_1"}, s.callLog())
	s.Equal(attendee.StatusCompleted, st.Status)
	s.Contains(st.Reason, "called off")
	s.Equal("doc-transcript", st.DocumentID)
	s.Contains(s.statusLog(), "cancelled")
}

func (s *meetingBotSuite) TestNeverAdmittedFromTheWaitingRoomEndsFailed() {
	s.at(58*time.Minute, func() { s.move(0, attendee.StateJoining, "join_requested", "", true) })
	s.at(58*time.Minute+5*time.Second, func() { s.move(0, attendee.StateWaitingRoom, attendee.EventPutInWaitingRoom, "", true) })
	s.at(73*time.Minute+5*time.Second, func() {
		s.move(0, attendee.StateFatalError, attendee.EventCouldNotJoin, "waiting_room_timeout_exceeded", true)
	})
	st := s.run()

	s.Equal([]string{"bot_scheduled", "joining", "in_waiting_room", "failed"}, s.statusLog())
	s.Equal(attendee.StatusFailed, st.Status)
	s.Equal("the notetaker was never admitted from the waiting room", st.Reason)
	s.Equal("waiting_room_timeout_exceeded", *s.lastStatus().RawSubState)
	s.Equal(0, s.count("transcript"))
	// While it waited, the bot was polled only at the interval (once), and
	// read once more to confirm its end.
	s.Equal(2, st.Polls)
}

func (s *meetingBotSuite) TestMeetingEndedWhileInTheWaitingRoomEndsFailed() {
	s.at(58*time.Minute, func() { s.move(0, attendee.StateWaitingRoom, attendee.EventPutInWaitingRoom, "", true) })
	s.at(70*time.Minute, func() { s.move(0, attendee.StatePostProcessing, attendee.EventMeetingEnded, "", true) })
	s.at(71*time.Minute, func() { s.move(0, attendee.StateEnded, attendee.EventPostProcessingCompleted, "", true) })
	st := s.run()

	s.Equal(attendee.StatusFailed, st.Status)
	s.Equal("the notetaker was never admitted to the meeting", st.Reason)
	s.Equal(0, s.count("transcript"))
}

func (s *meetingBotSuite) TestEmptyTranscriptEndsCompletedWithoutADocument() {
	s.transcript = activities.TranscriptResult{Empty: true}
	s.lifecycle(0, 58*time.Minute, 2*time.Hour, true)
	st := s.run()

	s.Equal(attendee.StatusCompleted, st.Status)
	s.Equal("nobody spoke while the notetaker was in the meeting, so there is no transcript", st.Reason)
	s.Empty(st.DocumentID)
	s.Empty(s.classified)
}

func (s *meetingBotSuite) TestRecordingDeniedEndsCompletedWithThatReason() {
	s.transcript = activities.TranscriptResult{Empty: true}
	s.at(58*time.Minute, func() { s.move(0, attendee.StateJoining, "join_requested", "", true) })
	s.at(58*time.Minute+5*time.Second, func() { s.move(0, attendee.StateJoinedNotRecording, attendee.EventJoinedMeeting, "", true) })
	s.at(58*time.Minute+7*time.Second, func() {
		s.move(0, attendee.StateJoinedPermissionDenied, attendee.EventRecordingPermissionDenied, "host_denied_permission", true)
	})
	s.at(2*time.Hour, func() { s.move(0, attendee.StatePostProcessing, attendee.EventMeetingEnded, "", true) })
	s.at(2*time.Hour+time.Minute, func() { s.move(0, attendee.StateEnded, attendee.EventPostProcessingCompleted, "", true) })
	st := s.run()

	s.Equal(attendee.StatusCompleted, st.Status)
	s.Equal("the host did not allow the notetaker to record, so there is no transcript", st.Reason)
	s.Contains(s.statusLog(), "joining")
}

func (s *meetingBotSuite) TestCreateRetriedAfterALostAnswerAdoptsTheFirstBot() {
	s.createFails = []error{temporal.NewApplicationError("attendee create bot: 502 upstream connection reset", activities.ErrTypeAttendeeUnavailable)}
	s.lifecycle(0, 58*time.Minute, 2*time.Hour, true)
	st := s.run()

	s.Equal(2, s.count("create "), "the activity was retried")
	s.mu.Lock()
	bots := len(s.bots)
	s.mu.Unlock()
	s.Equal(1, bots, "no second bot")
	s.Equal("bot_1", st.BotID)
	s.Equal(attendee.StatusCompleted, st.Status)
}

func (s *meetingBotSuite) TestRunningMeetingGetsABotAtOnce() {
	s.meeting.Start, s.meeting.End = s.start.Add(-10*time.Minute), s.start.Add(20*time.Minute)
	s.at(5*time.Second, func() { s.move(0, attendee.StateJoinedNotRecording, attendee.EventJoinedMeeting, "", true) })
	s.at(7*time.Second, func() { s.move(0, attendee.StateJoinedRecording, "recording_permission_granted", "", true) })
	s.at(20*time.Minute+10*time.Second, func() { s.move(0, attendee.StatePostProcessing, attendee.EventMeetingEnded, "", true) })
	s.at(21*time.Minute, func() { s.move(0, attendee.StateEnded, attendee.EventPostProcessingCompleted, "", true) })
	st := s.run()

	s.Equal("create "+testMeetURL+" join now", s.callLog()[0])
	s.Nil(st.JoinAt)
	s.Equal(attendee.StatusCompleted, st.Status)
}

func (s *meetingBotSuite) TestEndingsBeforeAnyBot() {
	cases := []struct {
		name   string
		setup  func()
		status attendee.Status
		reason string
	}{
		{"meeting over", func() { s.meeting.Start, s.meeting.End = s.start.Add(-2*time.Hour), s.start.Add(-time.Hour) },
			attendee.StatusFailed, "the meeting was over before the notetaker could be sent"},
		{"cancelled meeting", func() { s.meeting.Status = "cancelled" }, attendee.StatusCancelled, "the meeting was cancelled"},
		{"no Attendee", func() { s.settings.Enabled = false }, attendee.StatusFailed, "no notetaker service is configured on this BeSunny server (ATTENDEE_API_KEY)"},
		{"link refused", func() {
			s.createFails = []error{temporal.NewNonRetryableApplicationError("meeting_url: Invalid meeting URL", activities.ErrTypeAttendeeRejected, nil)}
		}, attendee.StatusFailed, "the notetaker service refused the bot: meeting_url: Invalid meeting URL"},
	}
	for _, c := range cases {
		s.Run(c.name, func() {
			s.SetupTest()
			c.setup()
			st := s.run()
			s.Equal(c.status, st.Status)
			s.Equal(c.reason, st.Reason)
			s.Equal(c.reason, s.lastStatus().Reason)
		})
	}
}

func (s *meetingBotSuite) TestTranscribedMeetingEndsAtOnce() {
	s.meeting.TranscriptDocumentID = "doc-old"
	st := s.run()
	s.Equal(attendee.StatusCompleted, st.Status)
	s.Equal("doc-old", st.DocumentID)
	s.Empty(s.callLog())
}

func (s *meetingBotSuite) TestDeletedMeetingWithdrawsTheBot() {
	s.at(30*time.Minute, func() {
		s.changeMeeting(MeetingUpdated, func(m *activities.MeetingSnapshot) { m.Found = false })
	})
	st := s.run()
	s.Equal(attendee.StatusCancelled, st.Status)
	s.Equal([]string{"create " + testMeetURL + " join 58m0s", "withdraw bot_1 deleted"}, s.callLog())
}

func (s *meetingBotSuite) TestABotThatNeverEndsIsGivenUpADayAfterTheMeeting() {
	s.at(58*time.Minute, func() { s.move(0, attendee.StateJoining, "join_requested", "", true) })
	s.at(58*time.Minute+5*time.Second, func() { s.move(0, attendee.StateJoinedRecording, "recording_permission_granted", "", true) })
	st := s.run()
	s.Equal(attendee.StatusFailed, st.Status)
	s.Contains(st.Reason, "never finished")
	s.True(s.env.Now().After(s.start.Add(26 * time.Hour)))
	s.Less(st.Polls, 160, "polled at the interval, not in a loop")
}

func (s *meetingBotSuite) TestVanishedBotEndsFailed() {
	s.at(30*time.Minute, func() {
		s.mu.Lock()
		s.bots[0].deleted = true
		s.mu.Unlock()
	})
	st := s.run()
	s.Equal(attendee.StatusFailed, st.Status)
	s.Equal("the notetaker's bot no longer exists at the notetaker service", st.Reason)
}

// callSiteProbe is a workflow that uses the calendar's call sites: it
// requests a bot for m-1 (its run starts), cancels m-2 (no run: the pending
// intent is withdrawn), moves m-3 (no run: nothing to do) and calls off
// m-4's bot (its run is signalled).
func callSiteProbe(ctx workflow.Context) ([]bool, error) {
	return []bool{
		requestMeetingBot(ctx, "m-1", "virtual_attendee"),
		tellMeetingBot(ctx, "m-2", MeetingBotNews{Kind: BotNewsCancelled, Reason: "cancelled"}),
		tellMeetingBot(ctx, "m-3", MeetingBotNews{Kind: BotNewsURLChanged}),
		tellMeetingBot(ctx, "m-4", MeetingBotNews{Kind: BotNewsNotWanted, Reason: "auto-join off"}),
	}, nil
}

func TestMeetingBotCallSites_StartTheRunAndSignalItOrWithdrawTheIntent(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(callSiteProbe)
	var ca *activities.Calendar
	env.OnActivity(ca.RecordBotIntent, mock.Anything, activities.BotIntentInput{MeetingID: "m-1", Reason: "virtual_attendee"}).Return(true, nil).Once()
	env.OnActivity(ca.CancelBotIntent, mock.Anything, activities.BotIntentInput{MeetingID: "m-2", Reason: "cancelled"}).Return(true, nil).Once()
	var started []MeetingBotInput
	env.OnWorkflow(MeetingBotWorkflow, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in MeetingBotInput) (MeetingBotState, error) {
		started = append(started, in)
		return MeetingBotState{}, nil
	})
	env.OnSignalExternalWorkflow(mock.Anything, MeetingBotWorkflowID("m-4"), "", MeetingChangedSignal, MeetingChange{Kind: MeetingUnwanted, Reason: "auto-join off"}).Return(nil).Once()
	env.OnSignalExternalWorkflow(mock.Anything, MeetingBotWorkflowID("m-2"), "", MeetingChangedSignal, MeetingChange{Kind: MeetingCancelled, Reason: "cancelled"}).
		Return(&temporal.UnknownExternalWorkflowExecutionError{}).Once()
	env.OnSignalExternalWorkflow(mock.Anything, MeetingBotWorkflowID("m-3"), "", MeetingChangedSignal, MeetingChange{Kind: MeetingUpdated}).
		Return(&temporal.UnknownExternalWorkflowExecutionError{}).Once()
	env.ExecuteWorkflow(callSiteProbe)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var out []bool
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if len(started) != 1 || started[0].MeetingID != "m-1" || !slices.Equal(out, []bool{true, true, false, true}) {
		t.Fatalf("started %+v, results %v", started, out)
	}

	env.AssertExpectations(t)
}
