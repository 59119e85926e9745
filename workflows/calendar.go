package workflows

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// Signals of CalendarWorkflow (besides ChangedSignal, a push, and
// SyncNowSignal).
const (
	// UnwatchSignal ends the watch (CalendarUnwatch says why).
	UnwatchSignal = "unwatch"
	// BotPreferencesSignal says the owner changed a notetaker setting
	// (BotPreferences): the upcoming meetings are reviewed.
	BotPreferencesSignal = "bot-preferences"
)

// CalendarPush is a Calendar push notification's content.
type CalendarPush struct {
	ChannelID     string    `json:"channel_id"`
	ResourceState string    `json:"resource_state"`
	MessageNumber int64     `json:"message_number"`
	At            time.Time `json:"at"`
}

// CalendarUnwatch ends a calendar's watch.
type CalendarUnwatch struct {
	Reason string `json:"reason"`
}

// BotPreferences names the meeting whose notetaker setting changed, or
// none for the owner's auto-join setting (every upcoming meeting).
type BotPreferences struct {
	MeetingID string `json:"meeting_id,omitempty"`
}

// CalendarSettings are the Calendar settings a calendar's run reads at its
// start.
type CalendarSettings = activities.CalendarSettings

// CalendarInput starts (or continues) the watch of one user's calendar.
type CalendarInput struct {
	UserID     string         `json:"user_id"`
	CalendarID string         `json:"calendar_id"`
	Carried    *CalendarState `json:"carried,omitempty"`
}

// CalendarCounts add up what the syncs did.
type CalendarCounts struct {
	Events        int `json:"events"`
	Created       int `json:"created"`
	Updated       int `json:"updated"`
	Cancelled     int `json:"cancelled"`
	Deleted       int `json:"deleted"`
	BotsRequested int `json:"bots_requested"`
	BotsWithdrawn int `json:"bots_withdrawn"`
	Classified    int `json:"classified"`
	Skipped       int `json:"skipped"`
}

// CalendarState is what continue-as-new carries; the status query shows it
// without the sync token.
type CalendarState struct {
	UserID     string `json:"user_id"`
	CalendarID string `json:"calendar_id"`
	Summary    string `json:"summary,omitempty"`
	TimeZone   string `json:"time_zone,omitempty"`
	// SyncToken is the events.list cursor; SyncTokenAt when it was issued.
	SyncToken           string                      `json:"sync_token,omitempty"`
	SyncTokenAt         *time.Time                  `json:"sync_token_at,omitempty"`
	LastFullSync        *time.Time                  `json:"last_full_sync,omitempty"`
	LastIncrementalSync *time.Time                  `json:"last_incremental_sync,omitempty"`
	LastWebhook         *time.Time                  `json:"last_webhook,omitempty"`
	LastPoll            *time.Time                  `json:"last_poll,omitempty"`
	Channel             *activities.CalendarChannel `json:"channel,omitempty"`
	// ChannelRetryAt delays another events.watch after one failed.
	ChannelRetryAt   *time.Time     `json:"channel_retry_at,omitempty"`
	FullSyncs        int            `json:"full_syncs"`
	IncrementalSyncs int            `json:"incremental_syncs"`
	Resyncs          int            `json:"resyncs"`
	Pages            int            `json:"pages"`
	Counts           CalendarCounts `json:"counts"`
	LastError        string         `json:"last_error,omitempty"`
	// PendingSync and PendingBotReview carry work a continue-as-new left.
	PendingSync      bool   `json:"pending_sync,omitempty"`
	PendingBotReview bool   `json:"pending_bot_review,omitempty"`
	Ended            string `json:"ended,omitempty"`
}

// CalendarWorkflow keeps one user's calendar in step with Google: a full
// sync (every page of events.list over the window) at start and after 410
// Gone, incremental syncs from the sync token on a push, on the poll timer
// and on sync-now; each event becomes a meeting (or stops being one), new
// meeting revisions are classified, and meetings that want the notetaker
// are handed to the bot call site. It keeps a push channel open (renewing
// it before it expires) when webhooks are configured, and ends when the
// calendar is unwatched or the owner disconnects Google.
func CalendarWorkflow(ctx workflow.Context, in CalendarInput) (CalendarState, error) {
	c, err := newCalendarRun(ctx, in)
	if err != nil {
		return CalendarState{}, err
	}
	return c.run(ctx)
}

// calendarRun is the workflow's state: plain fields that the loop reads
// after each Select; selector callbacks only record what happened.
type calendarRun struct {
	st       CalendarState
	settings CalendarSettings
	log      log.Logger
	ref      activities.CalendarRef
	// ca names the activities (a nil pointer: the worker's instance runs).
	ca *activities.Calendar

	pushes, syncNow, unwatch, botPrefs workflow.ReceiveChannel

	// The poll and the channel renewal.
	pollTimer, renewTimer timerSlot

	// What the last wait saw.
	pushed, polled, renew bool
	unwatchReason         string
	reviewMeetings        []string
	reviewAll             bool
	lastSyncEnd           time.Time
}

func newCalendarRun(ctx workflow.Context, in CalendarInput) (*calendarRun, error) {
	if in.UserID == "" || in.CalendarID == "" {
		return nil, temporal.NewNonRetryableApplicationError("user_id and calendar_id are required", ErrTypeBadWorkflowInput, nil)
	}
	c := &calendarRun{
		st:       CalendarState{UserID: in.UserID, CalendarID: in.CalendarID, PendingSync: true},
		log:      log.With(workflow.GetLogger(ctx), "user_id", in.UserID, "calendar_id", in.CalendarID),
		ref:      activities.CalendarRef{UserID: in.UserID, CalendarID: in.CalendarID},
		pushes:   workflow.GetSignalChannel(ctx, ChangedSignal),
		syncNow:  workflow.GetSignalChannel(ctx, SyncNowSignal),
		unwatch:  workflow.GetSignalChannel(ctx, UnwatchSignal),
		botPrefs: workflow.GetSignalChannel(ctx, BotPreferencesSignal),
	}
	if in.Carried != nil {
		c.st = *in.Carried
	}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (CalendarState, error) { return c.status(), nil }); err != nil {
		return nil, fmt.Errorf("register status query: %w", err)
	}
	return c, nil
}

func (c *calendarRun) run(ctx workflow.Context) (CalendarState, error) {
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), c.ca.CalendarSettings).Get(ctx, &c.settings); err != nil {
		return c.st, fmt.Errorf("load settings: %w", err)
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrUserID.ValueSet([]string{c.st.UserID}),
		AttrCalendarID.ValueSet(c.st.CalendarID), AttrSource.ValueSet("calendar"))
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), c.ca.RegisterCalendar, c.ref).Get(ctx, nil); err != nil {
		return c.st, fmt.Errorf("register calendar: %w", err)
	}
	c.lastSyncEnd = workflow.Now(ctx)
	for c.st.Ended == "" {
		// The channel opens before the first sync, so a change made while
		// the calendar syncs is pushed rather than left for the poll.
		c.ensureChannel(ctx)
		if c.st.PendingSync {
			c.st.PendingSync = false
			c.sync(ctx)
		}
		if c.st.PendingBotReview && c.st.Ended == "" {
			c.st.PendingBotReview = false
			c.reviewBots(ctx)
		}
		if c.st.Ended != "" {
			break
		}
		workflow.SetCurrentDetails(ctx, c.details(workflow.Now(ctx)))
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return c.continueAsNew(ctx)
		}
		c.wait(ctx)
		c.act(ctx)
	}
	workflow.SetCurrentDetails(ctx, c.details(workflow.Now(ctx)))
	return c.status(), nil
}

// wait blocks until a signal, the poll or the channel's renewal time; the
// callbacks only record what happened.
func (c *calendarRun) wait(ctx workflow.Context) {
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(c.pushes, func(ch workflow.ReceiveChannel, _ bool) {
		var p CalendarPush
		ch.Receive(ctx, &p)
		c.pushed = true
	})
	sel.AddReceive(c.syncNow, func(ch workflow.ReceiveChannel, _ bool) {
		ch.Receive(ctx, nil)
		c.st.PendingSync = true
	})
	sel.AddReceive(c.unwatch, func(ch workflow.ReceiveChannel, _ bool) {
		var u CalendarUnwatch
		ch.Receive(ctx, &u)
		c.unwatchReason = u.Reason
		if c.unwatchReason == "" {
			c.unwatchReason = "unwatched"
		}
	})
	sel.AddReceive(c.botPrefs, func(ch workflow.ReceiveChannel, _ bool) {
		var b BotPreferences
		ch.Receive(ctx, &b)
		c.noteBotPreferences(b)
	})
	sel.AddFuture(c.pollTimer.at(ctx, c.lastSyncEnd.Add(c.settings.PollInterval)), func(workflow.Future) {
		c.polled = true
		c.pollTimer.fired()
	})
	if ch := c.st.Channel; ch != nil {
		sel.AddFuture(c.renewTimer.at(ctx, ch.Expiration.Add(-c.renewBefore())), func(workflow.Future) {
			c.renew = true
			c.renewTimer.fired()
		})
	}
	sel.Select(ctx)
}

// timerSlot is a timer kept across waits: a signal that changes nothing
// about its due time leaves it running instead of cancelling and starting
// another (each is history, and cost).
type timerSlot struct {
	due    time.Time
	fut    workflow.Future
	cancel workflow.CancelFunc
}

// at returns a timer firing at due, the running one when it is due then.
func (t *timerSlot) at(ctx workflow.Context, due time.Time) workflow.Future {
	if t.fut != nil && t.due.Equal(due) {
		return t.fut
	}
	if t.cancel != nil {
		t.cancel()
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	t.due, t.cancel = due, cancel
	t.fut = workflow.NewTimer(timerCtx, max(due.Sub(workflow.Now(ctx)), time.Second))
	return t.fut
}

// fired forgets the timer that fired.
func (t *timerSlot) fired() { t.fut, t.cancel = nil, nil }

// act does what the last wait recorded.
func (c *calendarRun) act(ctx workflow.Context) {
	now := workflow.Now(ctx)
	if c.unwatchReason != "" {
		c.end(ctx, c.unwatchReason)
		return
	}
	var times activities.CalendarTimesInput
	if c.pushed {
		// Pushes that queued up meanwhile are one sync.
		for c.pushes.ReceiveAsync(nil) {
		}
		c.st.LastWebhook, times.WebhookAt = &now, &now
		c.st.PendingSync = true
	}
	if c.polled {
		c.st.LastPoll, times.PollAt = &now, &now
		c.st.PendingSync = true
	}
	if times.WebhookAt != nil || times.PollAt != nil {
		times.CalendarRef = c.ref
		c.local(ctx, c.ca.RecordCalendarTimes, times, nil)
	}
	if c.renew {
		c.renewChannel(ctx)
	}
	c.pushed, c.polled, c.renew = false, false, false
}

func (c *calendarRun) noteBotPreferences(b BotPreferences) {
	c.st.PendingBotReview = true
	if b.MeetingID == "" {
		c.reviewAll = true
	} else {
		c.reviewMeetings = append(c.reviewMeetings, b.MeetingID)
	}
}

// renewBefore is how long before expiry the channel is replaced: an hour,
// or a tenth of a short TTL.
func (c *calendarRun) renewBefore() time.Duration {
	return min(time.Hour, c.settings.ChannelTTL/10)
}

// sync brings the calendar's meetings in step: incremental from the sync
// token, or full when there is none (first run, after 410) or the last full
// sync is older than the full-resync interval. A 410 discards the token and
// syncs fully at once.
func (c *calendarRun) sync(ctx workflow.Context) {
	now := workflow.Now(ctx)
	full := c.st.SyncToken == "" || c.st.LastFullSync == nil || now.Sub(*c.st.LastFullSync) >= c.settings.FullResyncInterval
	for range 2 {
		if !c.syncPass(ctx, full) {
			break
		}
		c.log.Warn("sync token expired (410 Gone); full resync")
		c.st.Resyncs++
		c.st.SyncToken, c.st.SyncTokenAt = "", nil
		c.local(ctx, c.ca.SaveSyncToken, activities.SaveSyncTokenInput{CalendarRef: c.ref}, nil)
		full = true
	}
	c.lastSyncEnd = workflow.Now(ctx)
}

// syncPass runs one sync and reports whether the sync token had expired. A
// full sync reads every page over the window, then catches up once from
// its own new token (events changed while its pages were read are left out
// of them), and only then removes the window's meetings it did not see.
func (c *calendarRun) syncPass(ctx workflow.Context, full bool) (gone bool) {
	start := workflow.Now(ctx)
	in := activities.SyncPageInput{CalendarRef: c.ref}
	if full {
		in.TimeMin, in.TimeMax = start.Add(-c.settings.SyncPast), start.Add(c.settings.SyncAhead)
		in.FullSyncMark = start.UnixMilli()
	} else {
		in.SyncToken = c.st.SyncToken
	}
	if gone, ok := c.readPages(ctx, in, full); gone || !ok {
		return gone
	}
	now := workflow.Now(ctx)
	if !full {
		c.st.IncrementalSyncs++
		c.st.LastIncrementalSync = &now
		return false
	}
	catchUp := activities.SyncPageInput{CalendarRef: c.ref, SyncToken: c.st.SyncToken, FullSyncMark: in.FullSyncMark}
	if gone, ok := c.readPages(ctx, catchUp, false); gone || !ok {
		return gone
	}
	var removed []activities.MeetingChange
	finish := activities.FinishFullSyncInput{CalendarRef: c.ref, FullSyncMark: in.FullSyncMark, TimeMin: in.TimeMin, TimeMax: in.TimeMax}
	c.local(ctx, c.ca.FinishFullSync, finish, &removed)
	c.handle(ctx, removed)
	c.st.FullSyncs++
	c.st.LastFullSync = &now
	return false
}

// readPages reads every page of a sync, acting on each page's changes, and
// moves the cursor after the last one. ok is false when the sync stopped
// (an error, lost access); gone when the sync token had expired.
func (c *calendarRun) readPages(ctx workflow.Context, in activities.SyncPageInput, full bool) (gone, ok bool) {
	for {
		var res activities.SyncPageResult
		if err := workflow.ExecuteActivity(calendarCtx(ctx), (*activities.Calendar).SyncPage, in).Get(ctx, &res); err != nil {
			c.fail(ctx, fmt.Sprintf("events.list: %v", err))
			return false, false
		}
		switch {
		case res.Gone:
			return true, false
		case res.Forbidden != "":
			c.end(ctx, "access lost: "+res.Forbidden)
			return false, false
		}
		c.st.Pages++
		c.st.Counts.Events += res.Events
		c.st.Counts.Skipped += res.Skipped
		c.handle(ctx, res.Changes)
		if res.NextPageToken != "" {
			in.PageToken = res.NextPageToken
			continue
		}
		if res.Summary != "" {
			c.st.Summary = res.Summary
		}
		if res.TimeZone != "" {
			c.st.TimeZone = res.TimeZone
		}
		// Only now, with every event of every page stored, does the
		// cursor move.
		now := workflow.Now(ctx)
		c.st.SyncToken, c.st.SyncTokenAt, c.st.LastError = res.NextSyncToken, &now, ""
		c.local(ctx, c.ca.SaveSyncToken, activities.SaveSyncTokenInput{
			CalendarRef: c.ref, SyncToken: res.NextSyncToken, Full: full, Summary: res.Summary, TimeZone: res.TimeZone,
		}, nil)
		return false, true
	}
}

// handle acts on what a sync changed: counts, the bot call sites, and
// classification of new meeting revisions.
func (c *calendarRun) handle(ctx workflow.Context, changes []activities.MeetingChange) {
	var classify []MeetingRevision
	for _, ch := range changes {
		switch ch.Kind {
		case activities.MeetingCreated:
			c.st.Counts.Created++
		case activities.MeetingUpdated:
			c.st.Counts.Updated++
		case activities.MeetingCancelled:
			c.st.Counts.Cancelled++
		case activities.MeetingDeleted:
			c.st.Counts.Deleted++
		}
		if ch.ClassifyRevision > 0 {
			classify = append(classify, MeetingRevision{MeetingID: ch.MeetingID, Revision: ch.ClassifyRevision})
		}
		c.decideBot(ctx, ch)
	}
	if len(classify) > 0 {
		c.st.Counts.Classified += len(startMeetingClassifications(ctx, classify))
	}
}

// decideBot hands a changed meeting to the bot call sites: a cancelled
// meeting's bot is cancelled, a meeting that wants the notetaker gets it
// requested, one that no longer does gets it withdrawn, and a moved meeting
// or a new link is told to the bot.
func (c *calendarRun) decideBot(ctx workflow.Context, ch activities.MeetingChange) {
	hasBot := ch.BotStatus != "none" && ch.BotStatus != "cancelled"
	switch {
	case ch.Kind == activities.MeetingCancelled || ch.Kind == activities.MeetingDeleted:
		if hasBot {
			c.tellBot(ctx, ch.MeetingID, MeetingBotNews{Kind: BotNewsCancelled, Reason: ch.BotReason})
		}
	case ch.WantsBot && !hasBot:
		if requestMeetingBot(ctx, ch.MeetingID, ch.BotReason) {
			c.st.Counts.BotsRequested++
		}
	case !ch.WantsBot && hasBot:
		c.tellBot(ctx, ch.MeetingID, MeetingBotNews{Kind: BotNewsNotWanted, Reason: ch.BotReason})
	case hasBot && (ch.Moved || ch.URLChanged):
		news := MeetingBotNews{Kind: BotNewsMoved}
		if ch.URLChanged {
			news.Kind = BotNewsURLChanged
		}
		c.tellBot(ctx, ch.MeetingID, news)
	}
}

func (c *calendarRun) tellBot(ctx workflow.Context, meetingID string, news MeetingBotNews) {
	if tellMeetingBot(ctx, meetingID, news) && (news.Kind == BotNewsCancelled || news.Kind == BotNewsNotWanted) {
		c.st.Counts.BotsWithdrawn++
	}
}

// reviewBots re-decides the notetaker for the upcoming meetings after the
// owner changed a setting.
func (c *calendarRun) reviewBots(ctx workflow.Context) {
	ids := c.reviewMeetings
	if c.reviewAll || len(ids) == 0 {
		ids = []string{""}
	}
	c.reviewMeetings, c.reviewAll = nil, false
	for _, id := range ids {
		var due []activities.MeetingChange
		c.local(ctx, c.ca.ReviewBots, activities.ReviewBotsInput{CalendarRef: c.ref, MeetingID: id}, &due)
		for _, ch := range due {
			c.decideBot(ctx, ch)
		}
	}
}

// ensureChannel opens a push channel when webhooks are configured and there
// is none; without one the calendar is still polled. The channel id is
// drawn once in the workflow, so a retried events.watch reuses it.
func (c *calendarRun) ensureChannel(ctx workflow.Context) {
	if c.st.Channel != nil || !c.settings.Push || c.st.Ended != "" {
		return
	}
	if c.st.ChannelRetryAt != nil && workflow.Now(ctx).Before(*c.st.ChannelRetryAt) {
		return
	}
	var id string
	if err := workflow.SideEffect(ctx, func(workflow.Context) any { return uuid.NewString() }).Get(&id); err != nil {
		c.fail(ctx, fmt.Sprintf("channel id: %v", err))
		return
	}
	var ch activities.CalendarChannel
	in := activities.OpenCalendarChannelInput{CalendarRef: c.ref, ChannelID: id}
	if err := workflow.ExecuteActivity(calendarCtx(ctx), (*activities.Calendar).OpenCalendarChannel, in).Get(ctx, &ch); err != nil {
		retry := workflow.Now(ctx).Add(c.settings.PollInterval)
		c.st.ChannelRetryAt = &retry
		c.fail(ctx, fmt.Sprintf("open push channel (polling only until %s): %v", retry.Format(time.RFC3339), err))
		return
	}
	c.st.Channel, c.st.ChannelRetryAt = &ch, nil
}

// renewChannel replaces the channel before it expires: channels cannot be
// extended, so the new one opens first and then the old one stops.
func (c *calendarRun) renewChannel(ctx workflow.Context) {
	old := c.st.Channel
	c.st.Channel, c.st.ChannelRetryAt = nil, nil
	c.ensureChannel(ctx)
	if old != nil {
		c.stopChannel(ctx, *old)
	}
}

func (c *calendarRun) stopChannel(ctx workflow.Context, ch activities.CalendarChannel) {
	in := activities.StopCalendarChannelInput{CalendarRef: c.ref, Channel: ch}
	if err := workflow.ExecuteActivity(calendarCtx(ctx), (*activities.Calendar).StopCalendarChannel, in).Get(ctx, nil); err != nil {
		c.fail(ctx, fmt.Sprintf("stop channel %s: %v", ch.ID, err))
	}
}

// end stops the channel, withdraws the notetaker from the upcoming
// meetings (nothing would tell their bots about moves or cancellations any
// more) and marks the calendar unwatched.
func (c *calendarRun) end(ctx workflow.Context, reason string) {
	if c.st.Ended != "" {
		return
	}
	if c.st.Channel != nil {
		ch := *c.st.Channel
		c.st.Channel = nil
		c.stopChannel(ctx, ch)
	}
	var bots []activities.MeetingChange
	c.local(ctx, c.ca.UpcomingBots, c.ref, &bots)
	for _, b := range bots {
		c.tellBot(ctx, b.MeetingID, MeetingBotNews{Kind: BotNewsNotWanted, Reason: "the calendar is no longer watched (" + reason + ")"})
	}
	c.local(ctx, c.ca.EndCalendar, activities.EndCalendarInput{CalendarRef: c.ref, Reason: reason}, nil)
	c.st.Ended, c.st.SyncToken, c.st.PendingSync, c.st.PendingBotReview = reason, "", false, false
	c.log.Info("calendar watch ended", "reason", reason)
}

// fail records an error for the status and the API; the poll tries again.
func (c *calendarRun) fail(ctx workflow.Context, msg string) {
	c.st.LastError = msg
	c.log.Warn("calendar step failed", "error", msg)
	c.local(ctx, c.ca.RecordCalendarError, activities.CalendarErrorInput{CalendarRef: c.ref, Error: msg}, nil)
}

// local runs a database step; it retries until the database answers.
func (c *calendarRun) local(ctx workflow.Context, activity, in, out any) {
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), activity, in).Get(ctx, out); err != nil {
		c.st.LastError = fmt.Sprintf("store: %v", err)
	}
}

// continueAsNew starts the next run with the state; signals that arrived
// meanwhile are carried over as pending work, an unwatch ends the run.
func (c *calendarRun) continueAsNew(ctx workflow.Context) (CalendarState, error) {
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	var u CalendarUnwatch
	if c.unwatch.ReceiveAsync(&u) {
		if u.Reason == "" {
			u.Reason = "unwatched"
		}
		c.end(ctx, u.Reason)
		return c.status(), nil
	}
	for c.pushes.ReceiveAsync(nil) || c.syncNow.ReceiveAsync(nil) {
		c.st.PendingSync = true
	}
	for {
		var b BotPreferences
		if !c.botPrefs.ReceiveAsync(&b) {
			break
		}
		c.st.PendingBotReview = true
	}
	if c.reviewAll || len(c.reviewMeetings) > 0 {
		c.st.PendingBotReview = true
	}
	// A carried review covers every upcoming meeting.
	carried := c.st
	return c.st, workflow.NewContinueAsNewError(ctx, CalendarWorkflow, CalendarInput{UserID: c.st.UserID, CalendarID: c.st.CalendarID, Carried: &carried})
}

func (c *calendarRun) status() CalendarState {
	s := c.st
	s.SyncToken = "" // a cursor, not for display
	return s
}

func (c *calendarRun) details(now time.Time) string {
	s := fmt.Sprintf("%s · %d full / %d incremental syncs · %d meetings created, %d updated, %d cancelled, %d deleted · %d bots requested",
		c.st.CalendarID, c.st.FullSyncs, c.st.IncrementalSyncs, c.st.Counts.Created, c.st.Counts.Updated, c.st.Counts.Cancelled,
		c.st.Counts.Deleted, c.st.Counts.BotsRequested)
	if c.st.SyncTokenAt != nil {
		s += " · token age " + now.Sub(*c.st.SyncTokenAt).Round(time.Second).String()
	}
	if c.st.Channel != nil {
		s += " · push channel until " + c.st.Channel.Expiration.Format(time.RFC3339)
	} else {
		s += " · polled every " + c.settings.PollInterval.String()
	}
	if c.st.Resyncs > 0 {
		s += fmt.Sprintf(" · %d resyncs after 410", c.st.Resyncs)
	}
	if c.st.Ended != "" {
		s += "\n\nended: " + c.st.Ended
	}
	if c.st.LastError != "" {
		s += "\n\nlast error: " + c.st.LastError
	}
	return s
}

// calendarCtx runs Calendar calls: rate limits and outages are retried with
// backoff (for up to an hour, then the next poll tries again); rejected
// requests are not.
func calendarCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeCalendarRejected, activities.ErrTypeInvalidInput},
		},
	})
}
