package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
	"github.com/besunny/workflows/internal/config"
)

// Signals of MailboxWorkflow.
const (
	// PushSignal pokes the mailbox after a Gmail push notification.
	PushSignal = "push"
	// SyncNowSignal asks for an immediate sync (operators, the API).
	SyncNowSignal = "sync-now"
)

// GmailTaskQueue is the task queue of every Gmail call. Its worker's
// activity rate keeps the whole cluster under the mailbox's Gmail quota.
const GmailTaskQueue = "gmail"

// markBatch is how many finished messages trigger a batched mark.
const markBatch = 100

// markDelay is how long a finished message waits, at most, for its batch to
// fill before it is marked anyway.
const markDelay = 5 * time.Second

// recentIDs bounds the run's memory of started message ids, which only
// saves pointless duplicate starts (Temporal rejects them anyway).
const recentIDs = 5000

// handOverWait bounds how long continue-as-new waits for the runs in flight.
// Message runs are abandoned children and keep running on their own; waiting
// longer only delays every message behind a slow or stuck one (a poison
// message, a gmail worker that is down). The next run follows the runs it
// was handed through the store (see checkHandedOver).
const handOverWait = 30 * time.Second

// How the next run follows handed-over runs: it asks the store which have
// finished, first at once, then at intervals doubling up to
// handOverCheckMax, and gives up on a run after handOverForget (its message
// is marked anyway once it finishes, with the next batch).
const (
	handOverCheckFirst = 10 * time.Second
	handOverCheckMax   = 10 * time.Minute
	handOverForget     = 24 * time.Hour
	// maxHandedOver bounds what continue-as-new carries.
	maxHandedOver = 1000
)

// Change ids of MailboxWorkflow's workflow.GetVersion gates. Runs recorded
// before a change keep replaying the old branch.
const (
	// versionBoundedHandOver: continue-as-new waits at most handOverWait
	// for the runs in flight and hands the rest to the next run.
	versionBoundedHandOver = "mailbox-bounded-hand-over"
	// versionRunsBeforeCursor: a message whose run could not be started
	// holds the cursor (the page is read again at the next wake), and a
	// message whose run failed may be started again by a later listing.
	versionRunsBeforeCursor = "mailbox-runs-before-cursor"
	// versionHeadClearedByCursor: the follow-head is cleared once the
	// cursor passes it, however the cursor moved.
	versionHeadClearedByCursor = "mailbox-head-cleared-by-cursor"
	// versionRetryMarking: a missing label or a failed mark is retried at
	// the next wake.
	versionRetryMarking = "mailbox-retry-marking"
	// versionMarkMore: the mark activity says whether more remain
	// (MarkFinished) instead of being asked until it marks nothing.
	versionMarkMore = "mailbox-mark-more"
	// versionEmailV2: message runs start as EmailWorkflow
	// (ProcessEmailWorkflowV2), which fetches and classifies inline.
	versionEmailV2 = "mailbox-email-v2"
	// versionKeepLateFinishes: runs that finish while a mark call is out
	// are marked with the next batch instead of being forgotten.
	versionKeepLateFinishes = "mailbox-keep-late-finishes"
	// versionHeadFromWatch: a backlog's follow-head starts at the history
	// id of the mailbox's push watch when the watch is newer than the
	// cursor, so mail pushed before the backlog listing began is read by
	// the follow-head, not behind the whole backlog.
	versionHeadFromWatch = "mailbox-head-from-watch"
)

// MailboxInput starts (or continues) the workflow of one mailbox.
type MailboxInput struct {
	Address string `json:"address"`
	// Carried is the state of the previous run after continue-as-new.
	Carried *MailboxStatus `json:"carried,omitempty"`
}

// PushNotice is the payload of PushSignal.
type PushNotice struct {
	HistoryID string    `json:"history_id"`
	At        time.Time `json:"at"`
}

// MailboxStatus answers the status query, and is what continue-as-new
// carries to the next run.
type MailboxStatus struct {
	Address    string     `json:"address"`
	Cursor     string     `json:"cursor"`
	LabelID    string     `json:"label_id,omitempty"`
	LastPush   *time.Time `json:"last_push,omitempty"`
	LastPoll   *time.Time `json:"last_poll,omitempty"`
	LastSync   *time.Time `json:"last_sync,omitempty"`
	LastResync *time.Time `json:"last_resync,omitempty"`
	Resyncs    int        `json:"resyncs"`
	// MessagesSeen counts message ids read from history; MessagesStarted the
	// runs started for them; Duplicates ids that already had a run; Skipped
	// drafts and sent mail.
	MessagesSeen    int64  `json:"messages_seen"`
	MessagesStarted int64  `json:"messages_started"`
	Duplicates      int64  `json:"duplicates"`
	Skipped         int64  `json:"skipped"`
	MessagesMarked  int64  `json:"messages_marked"`
	InFlight        int    `json:"in_flight"`
	LastError       string `json:"last_error,omitempty"`
	// Runs counts the workflow's runs (continue-as-new).
	Runs int `json:"runs"`
	// WakePending carries a push or sync-now that arrived while the previous
	// run was finishing.
	WakePending bool `json:"wake_pending,omitempty"`
	// Head is how far pushed mail has been read ahead of the cursor during
	// a backlog (see followHead); carried so the next run goes on from there.
	Head string `json:"head,omitempty"`
	// HandedOver are the message runs an earlier run left in flight at
	// continue-as-new: they keep running, and this run marks their messages
	// once the store says they finished.
	HandedOver []HandedOverRun `json:"handed_over,omitempty"`
}

// HandedOverRun is a message run still in flight when its mailbox run
// continued as new.
type HandedOverRun struct {
	MessageID string    `json:"message_id"`
	Since     time.Time `json:"since"`
}

// MailboxWorkflow is the one reader of a Gmail mailbox and the only writer of
// its history cursor. It wakes on a push, a sync-now signal or its poll timer
// (push never disables polling: pushes can be dropped), reads every page of
// history since the cursor, starts an EmailWorkflow run per new message
// (bounded in flight) and moves the cursor only past messages that have a
// run. A cursor too old for Gmail triggers a full resync. Finished messages
// are marked in the mailbox in batches.
func MailboxWorkflow(ctx workflow.Context, in MailboxInput) error {
	m, err := newMailbox(ctx, in)
	if err != nil {
		return err
	}
	return m.run(ctx)
}

type mailbox struct {
	st       MailboxStatus
	settings activities.MailboxSettings
	log      log.Logger
	push     workflow.ReceiveChannel
	syncNow  workflow.ReceiveChannel
	// started remembers recent message ids (oldest first) to skip repeats.
	started        []string
	startedSet     map[string]bool
	pendingStarts  int
	unmarkedFinish int
	// recorded is what recordActivity last wrote to the store.
	recorded recordedTimes
	// unmarkedSince is when the oldest unmarked run finished.
	unmarkedSince time.Time
	// urgentInFlight counts the runs in flight started by followHead;
	// stopHead, while it runs into a continue-as-new, stops it.
	urgentInFlight int
	stopHead       func()
	// running holds the ids of the runs in flight this run started.
	running map[string]bool
	// startFailures counts runs that could not be started; a page with one
	// does not move the cursor.
	startFailures int
	// retryMarks: marking is on but the label is missing or the last mark
	// failed; the next wake tries again.
	retryMarks bool
	// When to ask the store about handed-over runs next, and how often.
	nextHandOverCheck  time.Time
	handOverCheckEvery time.Duration
}

func newMailbox(ctx workflow.Context, in MailboxInput) (*mailbox, error) {
	if in.Address == "" {
		return nil, temporal.NewNonRetryableApplicationError("address is required", ErrTypeBadWorkflowInput, nil)
	}
	m := &mailbox{
		st:         MailboxStatus{Address: in.Address},
		log:        log.With(workflow.GetLogger(ctx), "mailbox", in.Address),
		push:       workflow.GetSignalChannel(ctx, PushSignal),
		syncNow:    workflow.GetSignalChannel(ctx, SyncNowSignal),
		startedSet: map[string]bool{},
		running:    map[string]bool{},
	}
	if in.Carried != nil {
		m.st = *in.Carried
		m.st.InFlight = 0
	}
	m.st.Runs++
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (MailboxStatus, error) { return m.st, nil }); err != nil {
		return nil, fmt.Errorf("register status query: %w", err)
	}
	return m, nil
}

func (m *mailbox) run(ctx workflow.Context) error {
	var mb *activities.Mailboxes
	local := withDBSteps(ctx)
	if err := workflow.ExecuteLocalActivity(local, mb.MailboxSettings).Get(ctx, &m.settings); err != nil {
		return fmt.Errorf("load settings: %w", err)
	}
	if m.st.Cursor == "" {
		var stored activities.MailboxState
		if err := workflow.ExecuteLocalActivity(local, mb.LoadMailbox, m.st.Address).Get(ctx, &stored); err != nil {
			return fmt.Errorf("load mailbox: %w", err)
		}
		m.st.Cursor = stored.HistoryID
	}
	if m.st.Cursor == "" {
		// A new mailbox starts from now: mail already in it is not ours to
		// import (operators can resync with a date if they want it).
		p, err := m.profile(ctx)
		if err != nil {
			return err
		}
		m.saveCursor(ctx, p.HistoryID)
	}
	if m.settings.MarkAction != config.MarkNone && m.st.LabelID == "" {
		m.ensureLabel(ctx)
	}

	reason := "start"
	if m.st.WakePending {
		reason, m.st.WakePending = "carried wake", false
	}
	for {
		m.sync(ctx, reason)
		// Marks are due when the batch is full, or after markDelay even when
		// wakes come too often for wait's mark timer to ever fire.
		if m.marksDue(ctx) {
			m.flushMarks(ctx)
		}
		workflow.SetCurrentDetails(ctx, m.details())
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return m.continueAsNew(ctx)
		}
		if m.stopHead != nil {
			// Handed over by a sync that expected a continue-as-new.
			m.stopHead()
			m.stopHead = nil
		}
		reason = m.wait(ctx)
		if err := ctx.Err(); err != nil {
			// Cancelled: every step now fails at once, so looping on would
			// spin without ever yielding.
			return err
		}
		m.retryMarking(ctx)
	}
}

// marksDue reports whether finished runs wait for their batched mark: a
// full batch, or the oldest has waited markDelay.
func (m *mailbox) marksDue(ctx workflow.Context) bool {
	return m.unmarkedFinish >= markBatch || (m.unmarkedFinish > 0 && workflow.Now(ctx).Sub(m.unmarkedSince) >= markDelay)
}

// noteFinished counts a finished run towards the next mark.
func (m *mailbox) noteFinished(ctx workflow.Context) {
	if m.unmarkedFinish == 0 {
		m.unmarkedSince = workflow.Now(ctx)
	}
	m.unmarkedFinish++
}

// ensureLabel finds or creates the processed label. Without it nothing is
// marked; the marks stay pending in the store and the next wake tries again.
func (m *mailbox) ensureLabel(ctx workflow.Context) {
	if err := workflow.ExecuteActivity(gmailCtx(ctx), (*activities.Gmail).EnsureLabel, m.st.Address, m.settings.ProcessedLabel).Get(ctx, &m.st.LabelID); err != nil {
		m.fail("ensure label", err)
		m.retryMarks = true
	}
}

// retryMarking runs at each wake after marking could not proceed: it gets
// the label if it is still missing, and makes the marks pending in the
// store due at once.
func (m *mailbox) retryMarking(ctx workflow.Context) {
	if !m.retryMarks || m.settings.MarkAction == config.MarkNone {
		return
	}
	if workflow.GetVersion(ctx, versionRetryMarking, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	m.retryMarks = false
	if m.st.LabelID == "" {
		m.ensureLabel(ctx)
		if m.st.LabelID == "" {
			return
		}
	}
	// Due at once: the marks have waited since the failure.
	m.unmarkedFinish = max(m.unmarkedFinish, 1)
	m.unmarkedSince = time.Time{}
}

// wait blocks until a push, a sync-now or the poll timer. Meanwhile it marks
// finished messages a few seconds after they finish.
func (m *mailbox) wait(ctx workflow.Context) string {
	// One poll timer for the whole wait: the 5-second mark timer below must
	// not restart it, or runs in flight would postpone polling indefinitely.
	pollCtx, cancelPoll := workflow.WithCancel(ctx)
	defer cancelPoll()
	var poll workflow.Future
	for {
		if m.coalesceSignals(ctx) {
			return "signal"
		}
		if len(m.st.HandedOver) > 0 && !workflow.Now(ctx).Before(m.nextHandOverCheck) {
			m.checkHandedOver(ctx)
		}
		if poll == nil {
			poll = workflow.NewTimer(pollCtx, m.settings.PollInterval)
		}
		timerCtx, cancel := workflow.WithCancel(ctx)
		reason := ""
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(poll, func(workflow.Future) {
			now := workflow.Now(ctx)
			m.st.LastPoll = &now
			reason = "poll"
		})
		sel.AddReceive(m.push, func(c workflow.ReceiveChannel, _ bool) {
			m.receivePush(ctx, c)
			reason = "push"
		})
		sel.AddReceive(m.syncNow, func(c workflow.ReceiveChannel, _ bool) {
			c.Receive(ctx, nil)
			reason = "sync-now"
		})
		if m.st.InFlight > 0 || m.unmarkedFinish > 0 {
			sel.AddFuture(workflow.NewTimer(timerCtx, markDelay), func(workflow.Future) {})
		}
		if len(m.st.HandedOver) > 0 {
			// Only runs carried from a run that continued with the bounded
			// hand-over have any, so older histories never get here.
			sel.AddFuture(workflow.NewTimer(timerCtx, m.nextHandOverCheck.Sub(workflow.Now(ctx))), func(workflow.Future) {})
		}
		sel.Select(ctx)
		cancel()
		if reason != "" {
			// Signals that arrived with this one are covered by the same sync.
			m.coalesceSignals(ctx)
			return reason
		}
		if m.unmarkedFinish > 0 {
			m.flushMarks(ctx)
		}
	}
}

// coalesceSignals consumes every pending push and sync-now at once: one sync
// covers them all.
func (m *mailbox) coalesceSignals(ctx workflow.Context) bool {
	got := false
	for m.push.ReceiveAsync(nil) {
		now := workflow.Now(ctx)
		m.st.LastPush = &now
		got = true
	}
	for m.syncNow.ReceiveAsync(nil) {
		got = true
	}
	return got
}

func (m *mailbox) receivePush(ctx workflow.Context, c workflow.ReceiveChannel) {
	var n PushNotice
	c.Receive(ctx, &n)
	now := workflow.Now(ctx)
	m.st.LastPush = &now
}

// sync reads every page of history after the cursor and starts a run for
// each new message. The cursor moves page by page, each time only after
// every message of the page has a run.
func (m *mailbox) sync(ctx workflow.Context, reason string) {
	now := workflow.Now(ctx)
	m.st.LastSync = &now
	m.log.Debug("sync", "reason", reason, "cursor", m.st.Cursor)
	m.recordActivity(ctx)
	// A page token belongs to the listing that issued it: every page of
	// this sync asks with the same start id, even as the cursor moves.
	start, token := m.st.Cursor, ""
	caughtUp, handOver := false, false
	for {
		var page activities.HistoryPage
		in := activities.HistoryPageInput{Mailbox: m.st.Address, StartHistoryID: start, PageToken: token}
		err := workflow.ExecuteActivity(gmailCtx(ctx), (*activities.Gmail).ListHistory, in).Get(ctx, &page)
		if isApplicationError(err, activities.ErrTypeGmailHistoryExpired) {
			m.resync(ctx)
			return
		}
		if err != nil {
			m.fail("history.list", err)
			return
		}
		if token == "" && m.isBacklog(page) {
			if v := workflow.GetVersion(ctx, "mailbox-follow-head", workflow.DefaultVersion, 2); v >= 1 {
				stop := m.followHead(ctx, m.headStartOf(ctx, start, page.MailboxHistoryID))
				defer func() {
					if handOver && v >= 2 {
						// Pushes are still answered while continue-as-new
						// waits for the runs in flight.
						m.stopHead = stop
						return
					}
					stop()
					if caughtUp {
						// The cursor has passed what was read ahead.
						m.st.Head = ""
					}
				}()
			}
		}
		failures := m.startFailures
		for _, msg := range page.Messages {
			m.consider(ctx, msg, false)
		}
		// The cursor may pass this page only once all its runs exist.
		_ = workflow.Await(ctx, func() bool { return m.pendingStarts == 0 })
		if m.startFailures > failures {
			// A run could not be started: the next wake reads the page again
			// (its other runs are found started).
			return
		}
		next := page.LastRecordID
		if page.NextPageToken == "" || next == "" {
			next = page.MailboxHistoryID
		}
		if next != "" && next != m.st.Cursor {
			m.saveCursor(ctx, next)
		}
		if m.unmarkedFinish >= markBatch {
			m.flushMarks(ctx)
		}
		if page.NextPageToken == "" {
			caughtUp = true
			return
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			// The next run reads the remaining pages at once.
			m.st.WakePending = true
			handOver = true
			return
		}
		token = page.NextPageToken
	}
}

// resync recovers from a cursor Gmail no longer keeps: list the inbox since
// the newest message we stored, then continue from a fresh cursor. The fresh
// cursor is read first, so mail arriving during the listing is not missed
// (anything seen twice is deduplicated by workflow id).
func (m *mailbox) resync(ctx workflow.Context) {
	var mb *activities.Mailboxes
	now := workflow.Now(ctx)
	m.st.LastResync = &now
	m.st.Resyncs++
	m.log.Warn("history cursor expired; resyncing the mailbox", "cursor", m.st.Cursor)
	var since *time.Time
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), mb.NewestMessageAt, m.st.Address).Get(ctx, &since); err != nil {
		m.fail("resync start", err)
		return
	}
	fresh, err := m.profile(ctx)
	if err != nil {
		return
	}
	in := activities.MessagesSinceInput{Mailbox: m.st.Address}
	if since != nil {
		in.After = *since
	}
	failures := m.startFailures
	for {
		var page activities.MessagesPage
		if err := workflow.ExecuteActivity(gmailCtx(ctx), (*activities.Gmail).ListMessagesSince, in).Get(ctx, &page); err != nil {
			m.fail("messages.list", err)
			return
		}
		for _, msg := range page.Messages {
			m.consider(ctx, msg, false)
		}
		if page.NextPageToken == "" {
			break
		}
		in.PageToken = page.NextPageToken
	}
	_ = workflow.Await(ctx, func() bool { return m.pendingStarts == 0 })
	if m.startFailures > failures {
		// The old cursor stays, so the next wake resyncs again.
		return
	}
	m.saveCursor(ctx, fresh.HistoryID)
	m.recordActivity(ctx)
}

// isBacklog reports whether the sync that read page as its first will take
// long: more pages follow, or the page alone exceeds the in-flight bound.
func (m *mailbox) isBacklog(page activities.HistoryPage) bool {
	return page.NextPageToken != "" || len(page.Messages) > m.settings.MaxInFlight
}

// followHead answers pushes while sync works through a backlog. History is
// read in order, so without it new mail would wait behind the whole
// backlog: instead a push reads the history after the head (at first the
// history id where pushed mail begins, see headStartOf) and starts those
// runs at once, ahead of the backlog and at high priority. The backlog
// reader finds them started when it gets there, and the cursor still moves
// only behind it. A head carried from the previous run is read at once:
// pushes that came while that run ended were coalesced. The returned stop
// lets a read in progress finish, so no push is lost.
func (m *mailbox) followHead(ctx workflow.Context, first string) (stop func()) {
	readNow := m.st.Head != ""
	if !readNow {
		m.st.Head = first
	}
	// A channel, not a cancelled context, ends it: runs started from a
	// cancelled context would be asked to cancel.
	done := workflow.NewChannel(ctx)
	busy := readNow
	workflow.Go(ctx, func(gctx workflow.Context) {
		if readNow {
			m.readHead(gctx)
			busy = false
		}
		for {
			pushed := false
			sel := workflow.NewSelector(gctx)
			sel.AddReceive(m.push, func(c workflow.ReceiveChannel, _ bool) {
				m.receivePush(gctx, c)
				pushed = true
			})
			sel.AddReceive(done, func(workflow.ReceiveChannel, bool) {})
			sel.Select(gctx)
			if !pushed {
				return
			}
			for m.push.ReceiveAsync(nil) {
			}
			busy = true
			m.readHead(gctx)
			busy = false
		}
	})
	return func() {
		_ = workflow.Await(ctx, func() bool { return !busy })
		done.Close()
	}
}

// readHead starts a run for each message after the head, first, and moves
// the head. On failure the backlog reader still gets to the mail.
func (m *mailbox) readHead(ctx workflow.Context) {
	token := ""
	for {
		var page activities.HistoryPage
		in := activities.HistoryPageInput{Mailbox: m.st.Address, StartHistoryID: m.headStart(), PageToken: token}
		urgent := workflow.WithPriority(gmailCtx(ctx), urgentPriority)
		if err := workflow.ExecuteActivity(urgent, (*activities.Gmail).ListHistory, in).Get(ctx, &page); err != nil {
			m.fail("history.list after a push", err)
			return
		}
		for _, msg := range page.Messages {
			m.consider(ctx, msg, true)
		}
		if page.NextPageToken == "" {
			if page.MailboxHistoryID != "" {
				m.st.Head = page.MailboxHistoryID
			}
			return
		}
		token = page.NextPageToken
	}
}

// urgentPriority is the Temporal priority of pushed mail read during a
// backlog (1 is the highest of the default 5; unset means 3). Children and
// activities inherit it, so on a server with the priority matcher
// (matching.useNewMatcher) its tasks pass the backlog's queued ones.
var urgentPriority = temporal.Priority{PriorityKey: 1}

// consider starts an EmailWorkflow run for msg unless it is a draft, sent
// mail, or already has a run, waiting while too many runs are in flight.
// Urgent runs (pushed mail read during a backlog) run at high priority.
func (m *mailbox) consider(ctx workflow.Context, msg activities.MessageRef, urgent bool) {
	m.st.MessagesSeen++
	if slices.Contains(msg.Labels, "DRAFT") || (slices.Contains(msg.Labels, "SENT") && !slices.Contains(msg.Labels, "INBOX")) {
		m.st.Skipped++
		return
	}
	if m.startedSet[msg.ID] {
		m.st.Duplicates++
		return
	}
	// Urgent runs have a tenth more room, so a flood of pushes during a
	// backlog stays bounded too.
	limit := m.settings.MaxInFlight
	if urgent {
		limit += m.settings.MaxInFlight/10 + 1
	}
	_ = workflow.Await(ctx, func() bool { return m.st.InFlight < limit })
	m.remember(msg.ID)
	m.running[msg.ID] = true
	if urgent {
		m.urgentInFlight++
	}
	opts := workflow.ChildWorkflowOptions{
		WorkflowID: EmailWorkflowID(msg.ID, 1),
		// Once per message, as every starter of email runs (EmailReusePolicy).
		WorkflowIDReusePolicy: EmailReusePolicy,
		// The message's run outlives this one: continue-as-new or a mailbox
		// restart must never cancel a message half-way.
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrSource.ValueSet("gmail"),
			AttrGmailMessageID.ValueSet(msg.ID),
			AttrMailbox.ValueSet(m.st.Address),
			AttrStatus.ValueSet(StatusPending),
		),
	}
	if urgent {
		opts.Priority = urgentPriority
	}
	child := workflow.WithChildOptions(ctx, opts)
	var emailWorkflow any = ProcessEmailWorkflow
	if workflow.GetVersion(ctx, versionEmailV2, workflow.DefaultVersion, 1) >= 1 {
		emailWorkflow = EmailWorkflow
	}
	fut := workflow.ExecuteChildWorkflow(child, emailWorkflow, ProcessEmailInput{
		MessageKey: msg.ID, Source: "gmail", Mailbox: m.st.Address, FetchDeadline: m.settings.FetchDeadline,
	})
	m.st.InFlight++
	m.pendingStarts++
	workflow.Go(ctx, func(gctx workflow.Context) {
		defer func() {
			m.st.InFlight--
			delete(m.running, msg.ID)
			if urgent {
				m.urgentInFlight--
			}
		}()
		err := fut.GetChildWorkflowExecution().Get(gctx, nil)
		var dup *temporal.ChildWorkflowExecutionAlreadyStartedError
		switch {
		case errors.As(err, &dup):
			m.pendingStarts--
			m.st.Duplicates++
			return
		case err != nil:
			m.fail("start run for "+msg.ID, err)
			if workflow.GetVersion(gctx, versionRunsBeforeCursor, workflow.DefaultVersion, 1) >= 1 {
				// Counted before the page's wait sees the start settled.
				m.startFailures++
				m.forget(msg.ID)
			}
			m.pendingStarts--
			return
		}
		m.pendingStarts--
		m.st.MessagesStarted++
		// A run that fails (rather than recording a terminal status) has
		// nothing to mark; the mark step finds finished ones in the store.
		if err := fut.Get(gctx, nil); err != nil && workflow.GetVersion(gctx, versionRunsBeforeCursor, workflow.DefaultVersion, 1) >= 1 {
			// Its message is still pending: a resync may start it again
			// (email runs allow a new run after a failed one).
			m.forget(msg.ID)
		}
		m.noteFinished(gctx)
	})
}

// forget drops id from the recent starts, so the next listing that names it
// tries again.
func (m *mailbox) forget(id string) {
	if !m.startedSet[id] {
		return
	}
	delete(m.startedSet, id)
	m.started = slices.DeleteFunc(m.started, func(s string) bool { return s == id })
}

func (m *mailbox) remember(id string) {
	m.started = append(m.started, id)
	m.startedSet[id] = true
	if len(m.started) > recentIDs {
		delete(m.startedSet, m.started[0])
		m.started = m.started[1:]
	}
}

// flushMarks labels finished messages in the mailbox, up to 1000 per call,
// while more remain.
func (m *mailbox) flushMarks(ctx workflow.Context) {
	if m.settings.MarkAction == config.MarkNone {
		m.unmarkedFinish = 0
		return
	}
	if m.st.LabelID == "" {
		// The marks stay pending in the store until the label exists.
		m.unmarkedFinish = 0
		m.retryMarks = true
		return
	}
	if workflow.GetVersion(ctx, versionMarkMore, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		m.flushMarksUntilNone(ctx)
		return
	}
	in := activities.MarkInput{Mailbox: m.st.Address, LabelID: m.st.LabelID}
	// Runs that finish while the mark call is out are counted on top of
	// these; they wait for the next mark.
	pending := m.unmarkedFinish
	for {
		var res activities.MarkResult
		if err := workflow.ExecuteActivity(gmailCtx(ctx), (*activities.Gmail).MarkFinished, in).Get(ctx, &res); err != nil {
			// The marks stay pending in the store; the next wake tries
			// again, rather than a tight loop.
			m.fail("mark processed", err)
			m.unmarkedFinish = 0
			m.retryMarks = true
			return
		}
		m.st.MessagesMarked += int64(res.Marked)
		if !res.More {
			late := m.lateFinishes(ctx, pending)
			m.unmarkedFinish = late
			if late > 0 {
				m.unmarkedSince = workflow.Now(ctx)
			}
			return
		}
	}
}

// lateFinishes is how many runs finished while the mark calls were out
// (counted since pending was read). Before versionKeepLateFinishes they
// were dropped, and a message finishing just then stayed unmarked until
// some later run finished.
func (m *mailbox) lateFinishes(ctx workflow.Context, pending int) int {
	late := m.unmarkedFinish - pending
	if late <= 0 {
		return 0
	}
	if workflow.GetVersion(ctx, versionKeepLateFinishes, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return 0
	}
	return late
}

// flushMarksUntilNone is flushMarks of runs recorded before
// versionMarkMore: it calls the mark activity until one marks nothing.
func (m *mailbox) flushMarksUntilNone(ctx workflow.Context) {
	for {
		var n int
		in := activities.MarkInput{Mailbox: m.st.Address, LabelID: m.st.LabelID}
		if err := workflow.ExecuteActivity(gmailCtx(ctx), (*activities.Gmail).MarkProcessed, in).Get(ctx, &n); err != nil {
			// The marks stay pending in the store; the next finished
			// message or wake tries again, rather than a tight loop.
			m.fail("mark processed", err)
			m.unmarkedFinish = 0
			m.retryMarks = true
			return
		}
		m.st.MessagesMarked += int64(n)
		// A call marks at most a batch (fewer when it works around a
		// vanished message): go on until one finds nothing to mark.
		if n == 0 {
			m.unmarkedFinish = 0
			return
		}
	}
}

func (m *mailbox) profile(ctx workflow.Context) (activities.Profile, error) {
	var p activities.Profile
	err := workflow.ExecuteActivity(gmailCtx(ctx), (*activities.Gmail).GetProfile, m.st.Address).Get(ctx, &p)
	if err != nil {
		m.fail("getProfile", err)
	}
	return p, err
}

func (m *mailbox) saveCursor(ctx workflow.Context, historyID string) {
	var mb *activities.Mailboxes
	in := activities.CursorInput{Address: m.st.Address, HistoryID: historyID}
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), mb.SaveCursor, in).Get(ctx, nil); err != nil {
		m.fail("save cursor", err)
		return
	}
	m.st.Cursor = historyID
	if m.st.Head != "" && !historyBefore(m.st.Cursor, m.st.Head) &&
		workflow.GetVersion(ctx, versionHeadClearedByCursor, workflow.DefaultVersion, 1) >= 1 {
		// Everything up to the head has a run: a head left behind would
		// make the next backlog read from it again, at high priority.
		m.st.Head = ""
	}
}

// headStart is where the follow-head reads from: the head, or the cursor
// once it has passed the head.
func (m *mailbox) headStart() string {
	if m.st.Head == "" || historyBefore(m.st.Head, m.st.Cursor) {
		return m.st.Cursor
	}
	return m.st.Head
}

// historyBefore reports whether history id a is older than b. Ids are
// decimal numbers; anything else compares as never older.
func historyBefore(a, b string) bool {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	return errA == nil && errB == nil && x < y
}

// recordActivity stores whatever happened since its last write — a push
// coalesced into a poll's sync is still a push — and nothing when nothing
// did.
func (m *mailbox) recordActivity(ctx workflow.Context) {
	now := recordedTimes{push: timeOf(m.st.LastPush), poll: timeOf(m.st.LastPoll), resync: timeOf(m.st.LastResync)}
	if now == m.recorded {
		return
	}
	var mb *activities.Mailboxes
	in := activities.ActivityInput{Address: m.st.Address}
	if now.push != m.recorded.push {
		in.PushAt = m.st.LastPush
	}
	if now.poll != m.recorded.poll {
		in.PollAt = m.st.LastPoll
	}
	if now.resync != m.recorded.resync {
		in.ResyncAt = m.st.LastResync
	}
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), mb.RecordActivity, in).Get(ctx, nil); err != nil {
		m.fail("record activity", err)
		return
	}
	m.recorded = now
}

// recordedTimes are the push, poll and resync times recordActivity wrote.
type recordedTimes struct{ push, poll, resync time.Time }

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// fail records an error for the status query; the next wake tries again.
func (m *mailbox) fail(step string, err error) {
	m.st.LastError = fmt.Sprintf("%s: %v", step, err)
	m.log.Error("mailbox step failed", "step", step, "error", err)
}

// continueAsNew waits for the runs in flight (their completion is what
// triggers marking), marks them, carries pending signals over and starts the
// next run with the state.
func (m *mailbox) continueAsNew(ctx workflow.Context) error {
	if workflow.GetVersion(ctx, versionBoundedHandOver, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		m.waitForRunsInFlight(ctx)
	} else {
		m.handOverRunsInFlight(ctx)
	}
	if m.unmarkedFinish > 0 {
		m.flushMarks(ctx)
	}
	m.st.WakePending = m.coalesceSignals(ctx) || m.st.WakePending
	carried := m.st
	m.log.Info("continuing as new", "cursor", carried.Cursor, "runs", carried.Runs, "handed_over", len(carried.HandedOver))
	return workflow.NewContinueAsNewError(ctx, MailboxWorkflow, MailboxInput{Address: m.st.Address, Carried: &carried})
}

// waitForRunsInFlight is the hand-over of runs recorded before
// versionBoundedHandOver: it waits for every run in flight, however long.
func (m *mailbox) waitForRunsInFlight(ctx workflow.Context) {
	if m.stopHead != nil {
		// Pushed mail keeps jumping the queue until the backlog's runs are
		// done; then only the few urgent runs are waited for, so the
		// hand-over, during which pushes are only carried, stays short.
		_ = workflow.Await(ctx, func() bool { return m.st.InFlight == m.urgentInFlight })
		m.stopHead()
		m.stopHead = nil
	}
	_ = workflow.Await(ctx, func() bool { return m.st.InFlight == 0 && workflow.AllHandlersFinished(ctx) })
}

// handOverRunsInFlight waits at most handOverWait for the runs in flight —
// most finish within seconds — and hands the others to the next run, which
// marks their messages once the store says they finished. A stuck run no
// longer holds up every sync behind it.
func (m *mailbox) handOverRunsInFlight(ctx workflow.Context) {
	deadline := workflow.Now(ctx).Add(handOverWait)
	if m.stopHead != nil {
		// Pushed mail keeps jumping the queue while the backlog's runs
		// finish.
		_, _ = workflow.AwaitWithTimeout(ctx, handOverWait, func() bool { return m.st.InFlight == m.urgentInFlight })
		m.stopHead()
		m.stopHead = nil
	}
	if left := deadline.Sub(workflow.Now(ctx)); left > 0 {
		_, _ = workflow.AwaitWithTimeout(ctx, left, func() bool { return m.st.InFlight == 0 && workflow.AllHandlersFinished(ctx) })
	}
	ids := make([]string, 0, len(m.running))
	for id := range m.running {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	now := workflow.Now(ctx)
	handed := slices.Clone(m.st.HandedOver)
	for _, id := range ids {
		handed = append(handed, HandedOverRun{MessageID: id, Since: now})
	}
	if n := len(handed) - maxHandedOver; n > 0 {
		m.log.Warn("too many runs handed over; the oldest are no longer followed (their messages are marked with a later batch)", "dropped", n)
		handed = handed[n:]
	}
	if len(ids) > 0 {
		m.log.Info("runs still in flight are handed over to the next run", "runs", len(ids))
	}
	m.st.HandedOver = handed
}

// checkHandedOver asks the store which handed-over runs finished: their
// messages are marked with the next batch. Runs still going are asked about
// again later, less and less often; one that has not finished within
// handOverForget is given up (and reported).
func (m *mailbox) checkHandedOver(ctx workflow.Context) {
	var mb *activities.Mailboxes
	ids := make([]string, 0, len(m.st.HandedOver))
	for _, r := range m.st.HandedOver {
		ids = append(ids, r.MessageID)
	}
	m.handOverCheckEvery = min(max(2*m.handOverCheckEvery, handOverCheckFirst), handOverCheckMax)
	m.nextHandOverCheck = workflow.Now(ctx).Add(m.handOverCheckEvery)
	var finished []string
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), mb.FinishedMessages, ids).Get(ctx, &finished); err != nil {
		m.fail("follow handed-over runs", err)
		return
	}
	now := workflow.Now(ctx)
	keep := make([]HandedOverRun, 0, len(m.st.HandedOver))
	for _, r := range m.st.HandedOver {
		switch {
		case slices.Contains(finished, r.MessageID):
			m.noteFinished(ctx)
		case now.Sub(r.Since) >= handOverForget:
			m.fail("follow handed-over runs", fmt.Errorf("the run of %s has not finished in %s; no longer followed", r.MessageID, handOverForget))
		default:
			keep = append(keep, r)
		}
	}
	m.st.HandedOver = keep
}

func (m *mailbox) details() string {
	s := fmt.Sprintf("cursor %s · %d seen · %d started · %d in flight · %d marked", m.st.Cursor, m.st.MessagesSeen, m.st.MessagesStarted, m.st.InFlight, m.st.MessagesMarked)
	if n := len(m.st.HandedOver); n > 0 {
		s += fmt.Sprintf(" · %d handed over", n)
	}
	if m.st.LastResync != nil {
		s += fmt.Sprintf(" · %d resyncs, last %s", m.st.Resyncs, m.st.LastResync.Format(time.RFC3339))
	}
	if m.st.LastError != "" {
		s += "\n\nlast error: " + m.st.LastError
	}
	return s
}

// gmailCtx runs Gmail calls on the rate-limited gmail task queue. Rate limits
// and outages are retried until they pass; a rejected request is not.
func gmailCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           GmailTaskQueue,
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
			NonRetryableErrorTypes: []string{
				activities.ErrTypeGmailRejected,
				activities.ErrTypeGmailHistoryExpired,
				activities.ErrTypeInvalidInput,
			},
		},
	})
}

func isApplicationError(err error, errType string) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == errType
}
