package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/attendee"
	"github.com/besunny/workflows/internal/notetaker"
)

// Signals of MeetingBotWorkflow.
const (
	// BotEventSignal carries an Attendee webhook delivery (BotEventNotice).
	BotEventSignal = "bot-event"
	// MeetingChangedSignal says the meeting changed or the owner changed
	// their mind (MeetingChange).
	MeetingChangedSignal = "meeting-changed"
)

// Kinds of MeetingChange.
const (
	// MeetingUpdated: the meeting's time, link or title may have changed.
	MeetingUpdated = "updated"
	// MeetingCancelled: the meeting was cancelled or removed.
	MeetingCancelled = "cancelled"
	// MeetingUnwanted: the notetaker is no longer wanted (the owner called
	// it off, the virtual address was removed, auto-join turned off).
	MeetingUnwanted = "unwanted"
	// MeetingWanted: the notetaker is wanted (again).
	MeetingWanted = "wanted"
)

// BotEventNotice is an Attendee webhook delivery as the webhook hands it on.
type BotEventNotice struct {
	IdempotencyKey string `json:"idempotency_key"`
	BotID          string `json:"bot_id"`
	Trigger        string `json:"trigger"`
	OldState       string `json:"old_state,omitempty"`
	NewState       string `json:"new_state,omitempty"`
	EventType      string `json:"event_type,omitempty"`
	EventSubType   string `json:"event_sub_type,omitempty"`
	// CreatedAt is when the change happened at Attendee.
	CreatedAt time.Time `json:"created_at"`
}

// MeetingChange tells a meeting's run what changed.
type MeetingChange struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
}

// MeetingBotInput starts (or continues) the notetaker of one meeting.
type MeetingBotInput struct {
	MeetingID string           `json:"meeting_id"`
	OwnerID   string           `json:"owner_id"`
	Carried   *MeetingBotState `json:"carried,omitempty"`
}

// MeetingBotState is the status query's answer, the workflow's result and
// what continue-as-new carries.
type MeetingBotState struct {
	MeetingID    string    `json:"meeting_id"`
	OwnerID      string    `json:"owner_id"`
	Title        string    `json:"title"`
	MeetingURL   string    `json:"meeting_url"`
	MeetingStart time.Time `json:"meeting_start"`
	MeetingEnd   time.Time `json:"meeting_end"`

	// BotID is the current bot; Generation counts the bots this run sent
	// (a new link or an impossible move replaces the bot).
	BotID      string     `json:"bot_id,omitempty"`
	Generation int        `json:"generation"`
	KeyBase    string     `json:"key_base"`
	JoinAt     *time.Time `json:"join_at,omitempty"`

	Status      attendee.Status `json:"status"`
	Reason      string          `json:"reason,omitempty"`
	RawState    string          `json:"raw_state,omitempty"`
	RawSubState string          `json:"raw_sub_state,omitempty"`
	// LastEventAt is Attendee's time of the newest change applied: older
	// deliveries that arrive late change nothing.
	LastEventAt     time.Time `json:"last_event_at"`
	Admitted        bool      `json:"admitted"`
	RecordingDenied bool      `json:"recording_denied,omitempty"`

	// Cancelling: the bot was called off and is being taken out.
	Cancelling    bool   `json:"cancelling,omitempty"`
	CancelReason  string `json:"cancel_reason,omitempty"`
	WithdrawAsked bool   `json:"withdraw_asked,omitempty"`
	// Retiring are replaced bots that could not be withdrawn yet (staged).
	Retiring     []string   `json:"retiring,omitempty"`
	LastRetireAt *time.Time `json:"last_retire_at,omitempty"`

	LastWebhookAt *time.Time `json:"last_webhook_at,omitempty"`
	LastPollAt    *time.Time `json:"last_poll_at,omitempty"`
	LastNewsAt    *time.Time `json:"last_news_at,omitempty"`
	NextPollAt    *time.Time `json:"next_poll_at,omitempty"`
	Webhooks      int        `json:"webhooks"`
	Duplicates    int        `json:"duplicate_webhooks"`
	Stale         int        `json:"stale_webhooks"`
	Polls         int        `json:"polls"`
	SeenKeys      []string   `json:"seen_keys,omitempty"`

	TranscriptUtterances int    `json:"transcript_utterances"`
	TranscriptChars      int    `json:"transcript_chars"`
	DocumentID           string `json:"document_id,omitempty"`
	Error                string `json:"error,omitempty"`
	Done                 bool   `json:"done"`
}

// seenKeysKept bounds the idempotency keys a run remembers; Attendee
// redelivers within minutes, and the webhook log deduplicates for good.
const seenKeysKept = 64

// giveUpAfter is how long after the meeting's end a bot that never
// finishes is followed.
const giveUpAfter = 24 * time.Hour

// MeetingBotWorkflow sends Attendee's bot to one meeting and follows it to
// the end: it schedules the bot (join time = start − ATTENDEE_JOIN_EARLY,
// or at once for a running meeting), moves or replaces it when the meeting
// moves or changes link, withdraws it when the meeting is cancelled or the
// owner calls it off, follows its states from webhooks — and polls when
// news was due and none came, because webhooks get lost — and, once
// Attendee has finished post-processing, stores the transcript as a
// document and hands it to classification. Exactly one terminal status:
// completed (with or without a transcript, and why), failed (with a reason
// the owner understands) or cancelled.
func MeetingBotWorkflow(ctx workflow.Context, in MeetingBotInput) (MeetingBotState, error) {
	w, err := newMeetingBot(ctx, in)
	if err != nil {
		return MeetingBotState{}, err
	}
	return w.run(ctx, in.Carried != nil)
}

type meetingBot struct {
	st       MeetingBotState
	settings activities.MeetingBotSettings
	log      log.Logger
	events   workflow.ReceiveChannel
	changes  workflow.ReceiveChannel

	// What the selector's callbacks recorded; acted on after Select.
	notices     []BotEventNotice
	changed     []MeetingChange
	pollFired   bool
	timerAt     time.Time
	timer       workflow.Future
	stopTimer   workflow.CancelFunc
	meetingGone bool
}

func newMeetingBot(ctx workflow.Context, in MeetingBotInput) (*meetingBot, error) {
	if in.MeetingID == "" {
		return nil, temporal.NewNonRetryableApplicationError("meeting_id is required", ErrTypeBadWorkflowInput, nil)
	}
	w := &meetingBot{
		st:      MeetingBotState{MeetingID: in.MeetingID, OwnerID: in.OwnerID, Status: attendee.StatusPending},
		log:     log.With(workflow.GetLogger(ctx), "meeting_id", in.MeetingID),
		events:  workflow.GetSignalChannel(ctx, BotEventSignal),
		changes: workflow.GetSignalChannel(ctx, MeetingChangedSignal),
	}
	if in.Carried != nil {
		w.st = *in.Carried
	}
	if w.st.KeyBase == "" {
		w.st.KeyBase = workflow.GetInfo(ctx).FirstRunID
	}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (MeetingBotState, error) { return w.st, nil }); err != nil {
		return nil, fmt.Errorf("register status query: %w", err)
	}
	return w, nil
}

func (w *meetingBot) run(ctx workflow.Context, carried bool) (MeetingBotState, error) {
	var a *activities.MeetingBots
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), a.MeetingBotSettings).Get(ctx, &w.settings); err != nil {
		return w.st, fmt.Errorf("load settings: %w", err)
	}
	if !carried {
		w.start(ctx)
	}
	for !w.st.Done {
		workflow.SetCurrentDetails(ctx, w.details())
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return w.continueAsNew(ctx)
		}
		w.wait(ctx)
		w.handle(ctx)
	}
	w.cancelTimer()
	workflow.SetCurrentDetails(ctx, w.details())
	return w.st, nil
}

// start reads the meeting and sends its bot, unless there is nothing to do.
func (w *meetingBot) start(ctx workflow.Context) {
	m, ok := w.loadMeeting(ctx)
	if !ok {
		return
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrMeetingID.ValueSet(w.st.MeetingID),
		AttrUserID.ValueSet([]string{m.OwnerID}), AttrSource.ValueSet("meeting"), AttrStatus.ValueSet(string(attendee.StatusPending)))
	switch {
	case m.TranscriptDocumentID != "":
		// A run that starts again after its meeting was transcribed (the
		// calendar saw the event again) has nothing to add.
		w.st.DocumentID, w.st.Status, w.st.Done = m.TranscriptDocumentID, attendee.StatusCompleted, true
		w.st.Reason = "the transcript was stored before"
		_ = workflow.UpsertTypedSearchAttributes(ctx, AttrStatus.ValueSet(string(attendee.StatusCompleted)),
			AttrDocumentID.ValueSet([]string{m.TranscriptDocumentID}))
		return
	case m.Status == "cancelled":
		w.finish(ctx, attendee.StatusCancelled, "the meeting was cancelled")
		return
	case !w.settings.Enabled:
		w.finish(ctx, attendee.StatusFailed, "no notetaker service is configured on this BeSunny server (ATTENDEE_API_KEY)")
		return
	}
	w.schedule(ctx, "")
}

// loadMeeting refreshes what the run knows of the meeting; a meeting that
// no longer exists ends the run.
func (w *meetingBot) loadMeeting(ctx workflow.Context) (activities.MeetingSnapshot, bool) {
	var a *activities.MeetingBots
	var m activities.MeetingSnapshot
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), a.LoadMeeting, w.st.MeetingID).Get(ctx, &m); err != nil {
		w.st.Error = fmt.Sprintf("load meeting: %v", err)
		w.meetingGone = true
		w.st.Status, w.st.Reason, w.st.Done = attendee.StatusFailed, "the meeting could not be read", true
		return m, false
	}
	if !m.Found {
		w.meetingGone = true
		if w.st.BotID != "" {
			w.withdrawAll(ctx)
		}
		w.st.Status, w.st.Reason, w.st.Done = attendee.StatusCancelled, "the meeting no longer exists", true
		return m, false
	}
	if w.st.OwnerID == "" {
		w.st.OwnerID = m.OwnerID
	}
	w.st.Title, w.st.MeetingURL, w.st.MeetingStart, w.st.MeetingEnd = m.Title, m.URL, m.Start, m.End
	return m, true
}

// schedule sends a new bot for the meeting as it now is.
func (w *meetingBot) schedule(ctx workflow.Context, note string) {
	now := workflow.Now(ctx)
	plan := notetaker.PlanJoin(w.st.MeetingStart, w.st.MeetingEnd, now, w.settings.JoinEarly)
	if plan.Over {
		w.finish(ctx, attendee.StatusFailed, "the meeting was over before the notetaker could be sent")
		return
	}
	w.st.Generation++
	in := activities.CreateBotInput{
		MeetingID: w.st.MeetingID, OwnerID: w.st.OwnerID, MeetingURL: w.st.MeetingURL,
		DeduplicationKey: fmt.Sprintf("besunny/meeting/%s/%s/%d", w.st.MeetingID, w.st.KeyBase, w.st.Generation),
	}
	if !plan.JoinAt.IsZero() {
		in.JoinAt = &plan.JoinAt
	}
	// Creation is retried until the meeting is over: a notetaker that
	// arrives late is better than none.
	var bot activities.BotView
	err := workflow.ExecuteActivity(attendeeCtx(ctx, max(w.st.MeetingEnd.Sub(now), 5*time.Minute)), (*activities.MeetingBots).CreateBot, in).Get(ctx, &bot)
	if err != nil {
		w.finish(ctx, attendee.StatusFailed, createFailure(err))
		return
	}
	w.st.BotID = bot.ID
	w.st.JoinAt = bot.JoinAt
	w.st.RawState, w.st.RawSubState, w.st.LastEventAt = "", "", time.Time{}
	w.st.Admitted, w.st.RecordingDenied = false, false
	w.log.Info("bot sent", "bot_id", bot.ID, "join_at", bot.JoinAt, "adopted", bot.Adopted)
	w.news(ctx)
	w.applyBot(ctx, bot, note, nil)
}

func createFailure(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		switch ae.Type() {
		case activities.ErrTypeAttendeeRejected:
			return "the notetaker service refused the bot: " + ae.Message()
		case activities.ErrTypeAttendeeDisabled:
			return "no notetaker service is configured on this BeSunny server (ATTENDEE_API_KEY)"
		}
	}
	return "the notetaker service could not be reached before the meeting ended: " + rootMessage(err)
}

// wait blocks until a webhook, a meeting change or the poll timer, and
// records what came; handle acts on it.
func (w *meetingBot) wait(ctx workflow.Context) {
	w.armTimer(ctx)
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.events, func(c workflow.ReceiveChannel, _ bool) {
		var n BotEventNotice
		c.Receive(ctx, &n)
		w.notices = append(w.notices, n)
	})
	sel.AddReceive(w.changes, func(c workflow.ReceiveChannel, _ bool) {
		var ch MeetingChange
		c.Receive(ctx, &ch)
		w.changed = append(w.changed, ch)
	})
	if w.timer != nil {
		sel.AddFuture(w.timer, func(workflow.Future) {
			w.pollFired = true
			w.timer, w.timerAt = nil, time.Time{}
		})
	}
	sel.Select(ctx)
	for sel.HasPending() {
		sel.Select(ctx)
	}
}

// armTimer keeps one poll timer. News pushes the poll back, but the timer
// is not rebuilt for that: it fires at the earlier time, and handle polls
// only when the poll is really due (the next wait arms the later time). It
// is replaced only when the poll must come sooner.
func (w *meetingBot) armTimer(ctx workflow.Context) {
	now := workflow.Now(ctx)
	due := w.pollDue(now)
	switch {
	case due.IsZero():
		w.cancelTimer()
		return
	case w.timer != nil && !w.timerAt.After(due):
		return
	}
	w.cancelTimer()
	due = maxTime(due, now.Add(time.Second))
	timerCtx, cancel := workflow.WithCancel(ctx)
	w.stopTimer = cancel
	w.timer, w.timerAt = workflow.NewTimer(timerCtx, due.Sub(now)), due
	w.st.NextPollAt = &due
}

func (w *meetingBot) cancelTimer() {
	if w.stopTimer != nil {
		w.stopTimer()
	}
	w.timer, w.timerAt, w.stopTimer, w.st.NextPollAt = nil, time.Time{}, nil, nil
}

// pollDue is when the next poll is due: the current bot's (botDue) or,
// sooner, a replaced bot's that still has to be withdrawn (two minutes after
// the last attempt). Zero: no poll (no bot, or the run is over).
func (w *meetingBot) pollDue(now time.Time) time.Time {
	due := w.botDue(now)
	if len(w.st.Retiring) > 0 && !w.st.Done {
		last := now
		if w.st.LastRetireAt != nil {
			last = *w.st.LastRetireAt
		}
		if r := last.Add(w.settings.PollGrace); due.IsZero() || r.Before(due) {
			due = r
		}
	}
	return due
}

// botDue is when the current bot is polled if no news comes first: a
// little after news was due (the join time; the meeting's end), regularly
// while the bot should be changing state, soon while it is being withdrawn.
func (w *meetingBot) botDue(now time.Time) time.Time {
	if w.st.Done || w.st.BotID == "" {
		return time.Time{}
	}
	grace, every := w.settings.PollGrace, w.settings.PollInterval
	last := now
	if w.st.LastNewsAt != nil {
		last = *w.st.LastNewsAt
	}
	switch {
	case w.st.Cancelling:
		return last.Add(grace)
	case !attendee.Started(w.st.RawState) || w.st.RawState == attendee.StateStaged:
		join := w.st.MeetingStart.Add(-w.settings.JoinEarly)
		if w.st.JoinAt != nil {
			join = *w.st.JoinAt
		}
		if due := join.Add(grace); due.After(last) {
			return due
		}
		return last.Add(grace)
	case attendee.InMeeting(w.st.RawState):
		if due := w.st.MeetingEnd.Add(grace); due.After(last) {
			return due
		}
		return last.Add(every)
	case w.st.RawState == attendee.StateLeaving || w.st.RawState == attendee.StatePostProcessing:
		return last.Add(grace)
	}
	return last.Add(every) // joining, the waiting room
}

// handle acts on what wait recorded: webhooks first, then meeting changes,
// then the poll.
func (w *meetingBot) handle(ctx workflow.Context) {
	notices, changes, poll := w.notices, w.changed, w.pollFired
	w.notices, w.changed, w.pollFired = nil, nil, false
	for _, n := range notices {
		if !w.st.Done {
			w.onWebhook(ctx, n)
		}
	}
	for _, c := range changes {
		if !w.st.Done {
			w.onMeetingChange(ctx, c)
		}
	}
	// The timer may have been armed for an earlier time than news since
	// then allows; then it only re-arms.
	if poll && !w.st.Done && !w.pollDue(workflow.Now(ctx)).After(workflow.Now(ctx)) {
		w.poll(ctx)
	}
}

func (w *meetingBot) onWebhook(ctx workflow.Context, n BotEventNotice) {
	if n.IdempotencyKey != "" && slices.Contains(w.st.SeenKeys, n.IdempotencyKey) {
		w.st.Duplicates++
		return
	}
	if n.IdempotencyKey != "" {
		w.st.SeenKeys = append(w.st.SeenKeys, n.IdempotencyKey)
		if len(w.st.SeenKeys) > seenKeysKept {
			w.st.SeenKeys = w.st.SeenKeys[len(w.st.SeenKeys)-seenKeysKept:]
		}
	}
	w.st.Webhooks++
	now := workflow.Now(ctx)
	if n.Trigger != attendee.TriggerStateChange || n.NewState == "" {
		return
	}
	if n.BotID == w.st.BotID {
		w.st.LastWebhookAt = &now
		w.news(ctx)
	}
	w.observe(ctx, observation{
		BotID: n.BotID, State: n.NewState, EventType: n.EventType, SubType: n.EventSubType, At: n.CreatedAt,
		Admitted: n.EventType == attendee.EventJoinedMeeting, RecordingDenied: n.EventType == attendee.EventRecordingPermissionDenied,
		webhook: true,
	})
}

// poll withdraws the replaced bots still due for it and reads the current
// bot from Attendee when its poll is due.
func (w *meetingBot) poll(ctx workflow.Context) {
	now := workflow.Now(ctx)
	if len(w.st.Retiring) > 0 {
		w.st.LastRetireAt = &now
		for _, id := range slices.Clone(w.st.Retiring) {
			w.retire(ctx, id)
		}
	}
	if due := w.botDue(now); due.IsZero() || due.After(now) {
		return
	}
	if w.st.Cancelling && !w.st.WithdrawAsked {
		w.withdrawCurrent(ctx)
		if w.st.Done {
			return
		}
	}
	if bot, ok := w.read(ctx); ok {
		w.applyBot(ctx, bot, "", &now)
	}
	if !w.st.Done && now.After(w.st.MeetingEnd.Add(giveUpAfter)) {
		w.finish(ctx, attendee.StatusFailed, fmt.Sprintf("the notetaker never finished: it was still %q a day after the meeting", w.st.RawState))
	}
}

// read reads the current bot from Attendee (a poll). A bot Attendee no
// longer knows ends the run; a read that fails leaves the state as it was.
func (w *meetingBot) read(ctx workflow.Context) (activities.BotView, bool) {
	now := workflow.Now(ctx)
	var bot activities.BotView
	err := workflow.ExecuteActivity(attendeeCtx(ctx, 10*time.Minute), (*activities.MeetingBots).GetBot, w.st.BotID).Get(ctx, &bot)
	w.st.Polls++
	w.st.LastPollAt = &now
	w.news(ctx)
	switch {
	case isAppError(err, activities.ErrTypeAttendeeBotNotFound):
		if w.st.Cancelling {
			w.finish(ctx, attendee.StatusCancelled, w.st.CancelReason)
		} else {
			w.finish(ctx, attendee.StatusFailed, "the notetaker's bot no longer exists at the notetaker service")
		}
		return bot, false
	case err != nil:
		w.st.Error = "poll: " + rootMessage(err)
		w.log.Warn("poll failed", "bot_id", w.st.BotID, "error", err)
		return bot, false
	}
	w.st.Error = ""
	return bot, true
}

// observation is one thing learnt about a bot, from a webhook or a read.
type observation struct {
	BotID, State, EventType, SubType string
	At                               time.Time
	Admitted, RecordingDenied        bool
	webhook                          bool
	pollAt                           *time.Time
}

func (w *meetingBot) applyBot(ctx workflow.Context, b activities.BotView, note string, pollAt *time.Time) {
	if b.JoinAt != nil {
		w.st.JoinAt = b.JoinAt
	}
	w.observe(ctx, observation{
		BotID: b.ID, State: b.State, EventType: b.EventType, SubType: b.EventSubType, At: b.EventAt,
		Admitted: b.Admitted, RecordingDenied: b.RecordingDenied, pollAt: pollAt,
	})
	if note != "" && !w.st.Done && w.st.Reason == "" {
		w.st.Reason = note
		w.writeStatus(ctx)
	}
}

// observe applies what was learnt about a bot. Changes older than the
// newest one applied (a late delivery) and other bots' changes (a replaced
// bot) do not move the meeting's status.
func (w *meetingBot) observe(ctx workflow.Context, o observation) {
	if o.BotID != w.st.BotID {
		if slices.Contains(w.st.Retiring, o.BotID) {
			if attendee.Final(o.State) {
				w.st.Retiring = slices.DeleteFunc(w.st.Retiring, func(s string) bool { return s == o.BotID })
			} else if attendee.CanLeave(o.State) {
				w.retire(ctx, o.BotID)
			}
			return
		}
		w.st.Stale++
		return
	}
	if !o.At.IsZero() && o.At.Before(w.st.LastEventAt) {
		w.st.Stale++
		return
	}
	if !o.At.IsZero() {
		w.st.LastEventAt = o.At
	}
	w.st.Admitted = w.st.Admitted || o.Admitted || attendee.InMeeting(o.State)
	w.st.RecordingDenied = w.st.RecordingDenied || o.RecordingDenied || o.State == attendee.StateJoinedPermissionDenied
	changed := o.State != w.st.RawState || o.SubType != w.st.RawSubState
	w.st.RawState, w.st.RawSubState = o.State, o.SubType

	// Deliveries arrive in any order: "ended" may come before "joined". The
	// bot's own event log says for sure whether it was admitted and why it
	// ended, so a final state learnt from a webhook is read back first.
	if o.webhook && attendee.Final(o.State) {
		if bot, ok := w.read(ctx); ok {
			w.applyBot(ctx, bot, "", w.st.LastPollAt)
			return
		}
	}
	if w.st.Cancelling {
		switch {
		case attendee.Final(o.State) && o.State == attendee.StateEnded && w.st.Admitted:
			w.complete(ctx, "the notetaker left when it was called off; the transcript covers the part it attended")
		case attendee.Final(o.State):
			w.finish(ctx, attendee.StatusCancelled, w.st.CancelReason)
		case attendee.CanLeave(o.State) && !w.st.WithdrawAsked:
			w.withdrawCurrent(ctx)
		case changed:
			w.writeStatus(ctx)
		}
		return
	}
	in := attendee.Interpret(o.State, o.EventType, o.SubType, w.st.Admitted)
	switch {
	case !in.Known:
		w.log.Warn("unknown bot state", "bot_id", o.BotID, "state", o.State)
		if changed {
			w.writeStatus(ctx)
		}
	case in.Final && o.State == attendee.StateEnded && w.st.Admitted:
		w.complete(ctx, "")
	case in.Final:
		w.finish(ctx, in.Status, in.Reason)
	case changed || in.Status != w.st.Status || o.pollAt != nil || o.webhook:
		w.st.Status, w.st.Reason = in.Status, in.Reason
		w.writeStatus(ctx)
	}
}

// complete stores the transcript, hands it to classification and ends the
// run completed; an empty transcript ends it completed with the reason.
func (w *meetingBot) complete(ctx workflow.Context, note string) {
	w.st.Status, w.st.Reason = attendee.StatusPostProcessing, "storing the transcript"
	w.writeStatus(ctx)
	var res activities.TranscriptResult
	in := activities.TranscriptInput{MeetingID: w.st.MeetingID, BotID: w.st.BotID}
	err := workflow.ExecuteActivity(attendeeCtx(ctx, time.Hour), (*activities.MeetingBots).StoreTranscript, in).Get(ctx, &res)
	switch {
	case isAppError(err, activities.ErrTypeAttendeeBotNotFound):
		w.finish(ctx, attendee.StatusFailed, "the transcript is no longer available at the notetaker service")
		return
	case err != nil:
		w.finish(ctx, attendee.StatusFailed, "the transcript could not be fetched: "+rootMessage(err))
		return
	}
	w.st.TranscriptUtterances, w.st.TranscriptChars = res.Utterances, res.Chars
	if res.Empty {
		reason := "nobody spoke while the notetaker was in the meeting, so there is no transcript"
		if w.st.RecordingDenied {
			reason = "the host did not allow the notetaker to record, so there is no transcript"
		}
		w.finish(ctx, attendee.StatusCompleted, reason)
		return
	}
	w.st.DocumentID = res.DocumentID
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrDocumentID.ValueSet([]string{res.DocumentID}))
	startClassifications(ctx, []DocumentRevision{{DocumentID: res.DocumentID, Revision: res.Revision}})
	w.finish(ctx, attendee.StatusCompleted, note)
}

// onMeetingChange follows the meeting: a new link replaces the bot, a new
// time moves it (or replaces it when Attendee no longer allows moving it),
// a cancellation or a withdrawn wish takes it out.
func (w *meetingBot) onMeetingChange(ctx workflow.Context, c MeetingChange) {
	oldURL, oldStart := w.st.MeetingURL, w.st.MeetingStart
	m, ok := w.loadMeeting(ctx)
	if !ok {
		return
	}
	switch {
	case c.Kind == MeetingCancelled || m.Status == "cancelled":
		w.cancel(ctx, "the meeting was cancelled")
		return
	case c.Kind == MeetingUnwanted:
		reason := c.Reason
		if reason == "" {
			reason = "the notetaker was called off"
		}
		w.cancel(ctx, reason)
		return
	case w.st.Cancelling:
		// Wanted again while the old bot leaves: the owner asks again once
		// this run has ended.
		w.log.Info("meeting change while the bot is being withdrawn", "kind", c.Kind)
		return
	case m.URL != oldURL:
		w.replace(ctx, "the meeting link changed; a new notetaker was sent")
	case !m.Start.Equal(oldStart):
		w.move(ctx)
	}
}

// move follows a new start time: a scheduled bot is rescheduled; a staged
// one, which Attendee no longer lets anyone move, is replaced; a bot in the
// meeting stays.
func (w *meetingBot) move(ctx workflow.Context) {
	now := workflow.Now(ctx)
	plan := notetaker.PlanJoin(w.st.MeetingStart, w.st.MeetingEnd, now, w.settings.JoinEarly)
	switch {
	case plan.Over:
		w.cancel(ctx, "the meeting was moved to a time that has passed")
	case attendee.Started(w.st.RawState) && w.st.RawState != attendee.StateStaged:
		// Joining or in the meeting: the meeting is under way.
	case w.st.RawState == attendee.StateScheduled && !plan.JoinAt.IsZero():
		var bot activities.BotView
		in := activities.RescheduleInput{BotID: w.st.BotID, JoinAt: plan.JoinAt}
		err := workflow.ExecuteActivity(attendeeCtx(ctx, 30*time.Minute), (*activities.MeetingBots).RescheduleBot, in).Get(ctx, &bot)
		if err == nil {
			w.news(ctx)
			w.st.JoinAt = bot.JoinAt
			w.st.Reason = "moved with the meeting"
			w.writeStatus(ctx)
			return
		}
		w.log.Info("reschedule refused; replacing the bot", "bot_id", w.st.BotID, "error", err)
		w.replace(ctx, "the meeting moved; a new notetaker was sent")
	default:
		if w.st.JoinAt != nil && !plan.JoinAt.IsZero() && absDuration(w.st.JoinAt.Sub(plan.JoinAt)) < time.Minute {
			return
		}
		w.replace(ctx, "the meeting moved; a new notetaker was sent")
	}
}

// replace withdraws the current bot and sends a new one.
func (w *meetingBot) replace(ctx workflow.Context, note string) {
	old := w.st.BotID
	if old != "" {
		res, err := w.withdraw(ctx, old)
		if err != nil || res.Outcome == string(attendee.WithdrawNotYet) {
			w.st.Retiring = append(w.st.Retiring, old)
		}
	}
	w.st.Reason = ""
	w.schedule(ctx, note)
}

// cancel takes the bot out and ends the run cancelled once it is gone.
func (w *meetingBot) cancel(ctx workflow.Context, reason string) {
	w.st.Cancelling, w.st.CancelReason = true, reason
	if w.st.BotID == "" {
		w.finish(ctx, attendee.StatusCancelled, reason)
		return
	}
	w.withdrawCurrent(ctx)
	if w.st.Done {
		return
	}
	w.st.Status = attendee.StatusCancelled
	w.st.Reason = reason + "; the notetaker will leave as soon as the service allows"
	if w.st.WithdrawAsked {
		w.st.Reason = reason + "; the notetaker is leaving"
	}
	w.writeStatus(ctx)
}

// withdrawCurrent asks Attendee to take the current bot out.
func (w *meetingBot) withdrawCurrent(ctx workflow.Context) {
	res, err := w.withdraw(ctx, w.st.BotID)
	if err != nil {
		w.st.Error = "withdraw: " + rootMessage(err)
		return
	}
	w.news(ctx)
	switch attendee.WithdrawOutcome(res.Outcome) {
	case attendee.WithdrawDeleted:
		w.finish(ctx, attendee.StatusCancelled, w.st.CancelReason)
	case attendee.WithdrawGone:
		if res.Bot.State == attendee.StateEnded && (w.st.Admitted || res.Bot.Admitted) {
			w.st.Admitted = true
			w.complete(ctx, "the meeting was over when the notetaker was called off")
			return
		}
		w.finish(ctx, attendee.StatusCancelled, w.st.CancelReason)
	case attendee.WithdrawLeaving:
		w.st.WithdrawAsked = true
	}
}

// retire withdraws a replaced bot; it is forgotten once it is gone or
// leaving.
func (w *meetingBot) retire(ctx workflow.Context, id string) {
	res, err := w.withdraw(ctx, id)
	if err != nil || res.Outcome == string(attendee.WithdrawNotYet) {
		return
	}
	w.st.Retiring = slices.DeleteFunc(w.st.Retiring, func(s string) bool { return s == id })
}

func (w *meetingBot) withdraw(ctx workflow.Context, id string) (activities.WithdrawResult, error) {
	var res activities.WithdrawResult
	err := workflow.ExecuteActivity(attendeeCtx(ctx, 30*time.Minute), (*activities.MeetingBots).WithdrawBot, id).Get(ctx, &res)
	if err != nil {
		w.log.Warn("withdraw failed", "bot_id", id, "error", err)
	}
	return res, err
}

// withdrawAll takes out every bot of a meeting that is gone.
func (w *meetingBot) withdrawAll(ctx workflow.Context) {
	for _, id := range append(slices.Clone(w.st.Retiring), w.st.BotID) {
		_, _ = w.withdraw(ctx, id)
	}
	w.st.Retiring = nil
}

// news notes that something was learnt about the current bot now.
func (w *meetingBot) news(ctx workflow.Context) {
	now := workflow.Now(ctx)
	w.st.LastNewsAt = &now
}

// finish records the run's one terminal status.
func (w *meetingBot) finish(ctx workflow.Context, status attendee.Status, reason string) {
	w.st.Status, w.st.Reason, w.st.Done = status, reason, true
	if !w.meetingGone {
		w.writeStatus(ctx)
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrStatus.ValueSet(string(status)))
	w.log.Info("meeting bot finished", "status", status, "reason", reason, "bot_id", w.st.BotID, "document_id", w.st.DocumentID)
}

// writeStatus stores the run's view of the bot (the one status write),
// with the times of the last webhook and the last poll.
func (w *meetingBot) writeStatus(ctx workflow.Context) {
	var a *activities.MeetingBots
	raw, sub := w.st.RawState, w.st.RawSubState
	in := activities.BotStatusInput{
		MeetingID: w.st.MeetingID, Status: string(w.st.Status), Reason: w.st.Reason, BotID: w.st.BotID,
		RawState: &raw, RawSubState: &sub, SetJoinAt: true, JoinAt: w.st.JoinAt, WebhookAt: w.st.LastWebhookAt, PollAt: w.st.LastPollAt,
	}
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), a.SetBotStatus, in).Get(ctx, nil); err != nil {
		w.st.Error = "record status: " + rootMessage(err)
	}
}

// continueAsNew hands the state to a fresh run; signals that arrived are
// handled first so none is lost.
func (w *meetingBot) continueAsNew(ctx workflow.Context) (MeetingBotState, error) {
	for {
		var n BotEventNotice
		var c MeetingChange
		switch {
		case w.events.ReceiveAsync(&n):
			w.notices = append(w.notices, n)
		case w.changes.ReceiveAsync(&c):
			w.changed = append(w.changed, c)
		default:
			w.handle(ctx)
			if w.st.Done {
				return w.st, nil
			}
			carried := w.st
			return w.st, workflow.NewContinueAsNewError(ctx, MeetingBotWorkflow, MeetingBotInput{
				MeetingID: w.st.MeetingID, OwnerID: w.st.OwnerID, Carried: &carried,
			})
		}
	}
}

func (w *meetingBot) details() string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** · %s · %s–%s UTC", w.st.Status, w.st.Title,
		w.st.MeetingStart.UTC().Format("2 Jan 15:04"), w.st.MeetingEnd.UTC().Format("15:04"))
	if w.st.Reason != "" {
		fmt.Fprintf(&b, "\n\n%s", w.st.Reason)
	}
	if w.st.BotID != "" {
		fmt.Fprintf(&b, "\n\nbot %s (%s", w.st.BotID, orDash(w.st.RawState))
		if w.st.RawSubState != "" {
			fmt.Fprintf(&b, ", %s", w.st.RawSubState)
		}
		b.WriteString(")")
		if w.st.JoinAt != nil {
			fmt.Fprintf(&b, " · joins %s", w.st.JoinAt.UTC().Format(time.RFC3339))
		}
	}
	fmt.Fprintf(&b, "\n\n%d webhooks (%d duplicate, %d stale) · %d polls", w.st.Webhooks, w.st.Duplicates, w.st.Stale, w.st.Polls)
	if w.st.NextPollAt != nil && !w.st.Done {
		fmt.Fprintf(&b, " · next poll %s", w.st.NextPollAt.UTC().Format(time.RFC3339))
	}
	if w.st.DocumentID != "" {
		fmt.Fprintf(&b, "\n\ntranscript document %s (%d utterances)", w.st.DocumentID, w.st.TranscriptUtterances)
	}
	if w.st.Error != "" {
		fmt.Fprintf(&b, "\n\nlast error: %s", w.st.Error)
	}
	return b.String()
}

// attendeeCtx runs Attendee calls: rate limits (after Retry-After), outages
// and a refused API key are retried with backoff up to five minutes apart
// for at most budget; a rejected request or an unknown bot is not retried.
func attendeeCtx(ctx workflow.Context, budget time.Duration) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: budget,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeAttendeeRejected, activities.ErrTypeAttendeeBotNotFound,
				activities.ErrTypeAttendeeDisabled, activities.ErrTypeInvalidInput},
		},
	})
}

func isAppError(err error, errType string) bool {
	var ae *temporal.ApplicationError
	return errors.As(err, &ae) && ae.Type() == errType
}

// rootMessage is the innermost message of an activity error chain, which is
// what an owner or operator needs to read.
func rootMessage(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.Message() != "" {
		return ae.Message()
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
