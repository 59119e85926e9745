package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// Signals of DriveFileWorkflow.
const (
	// SubscribeSignal adds an owner (DriveOwnerNotice) to the file's watch.
	SubscribeSignal = "subscribe"
	// UnsubscribeSignal removes an owner; the last one ends the watch.
	UnsubscribeSignal = "unsubscribe"
	// ChangedSignal carries a Drive push notification (DriveChange).
	ChangedSignal = "changed"
	// PollSignal asks the file to check for changes (the sweep sends it).
	PollSignal = "poll"
)

// DriveOwnerNotice names the owner a subscribe or unsubscribe is for.
type DriveOwnerNotice struct {
	UserID string `json:"user_id"`
}

// DriveChange is a push notification's content.
type DriveChange struct {
	ResourceState string    `json:"resource_state"`
	MessageNumber int64     `json:"message_number"`
	At            time.Time `json:"at"`
}

// DriveSettings are the Drive settings a file's run reads at its start.
type DriveSettings = activities.DriveSettings

// DriveFileInput starts (or continues) the watch of one file.
type DriveFileInput struct {
	FileID string `json:"file_id"`
	// Owners subscribe at start (the email pipeline starts the run this way).
	Owners  []string        `json:"owners,omitempty"`
	Carried *DriveFileState `json:"carried,omitempty"`
}

// DriveOwner is one user watching the file, with their document and their
// own part of the file's status (what the API shows that user).
type DriveOwner struct {
	UserID       string    `json:"user_id"`
	DocumentID   string    `json:"document_id,omitempty"`
	Version      int64     `json:"version"`
	ModifiedTime time.Time `json:"modified_time"`
	Note         string    `json:"note,omitempty"`
	// LastSync and Syncs count this owner's exports; LastError is the last
	// Drive or store error while reading the file for this owner.
	LastSync  *time.Time `json:"last_sync,omitempty"`
	Syncs     int        `json:"syncs,omitempty"`
	LastError string     `json:"last_error,omitempty"`
}

// DriveFileState is the status query's answer and what continue-as-new
// carries.
type DriveFileState struct {
	FileID      string              `json:"file_id"`
	Owners      []DriveOwner        `json:"owners"`
	Channel     *activities.Channel `json:"channel,omitempty"`
	LastSync    *time.Time          `json:"last_sync,omitempty"`
	LastWebhook *time.Time          `json:"last_webhook,omitempty"`
	LastPoll    *time.Time          `json:"last_poll,omitempty"`
	LastError   string              `json:"last_error,omitempty"`
	// QuietUntil is set while a change waits for the quiet period.
	QuietUntil *time.Time `json:"quiet_until,omitempty"`
	Syncs      int        `json:"syncs"`
	// Ended says why the watch ended (deleted, unsubscribed, …).
	Ended string `json:"ended,omitempty"`
}

// DriveFileWorkflow keeps the documents of one Drive file in step with it,
// for every user who watches it. It syncs on subscribe, re-reads metadata on
// a push or a poll, waits for a quiet period after changes (bursts of edits
// make one export), renews its push channel before it expires, and ends when
// the file is deleted or trashed, or the last owner unsubscribes or loses
// access.
func DriveFileWorkflow(ctx workflow.Context, in DriveFileInput) (DriveFileState, error) {
	f, err := newDriveFile(ctx, in)
	if err != nil {
		return DriveFileState{}, err
	}
	return f.run(ctx, in.Owners)
}

type driveFile struct {
	st          DriveFileState
	settings    DriveSettings
	log         log.Logger
	subscribe   workflow.ReceiveChannel
	unsubscribe workflow.ReceiveChannel
	changed     workflow.ReceiveChannel
	poll        workflow.ReceiveChannel
	// refused are the owners Drive answered 404 in the current round of
	// reads; settleRefusals decides what that means once the round is over.
	refused []refusal
}

func newDriveFile(ctx workflow.Context, in DriveFileInput) (*driveFile, error) {
	if in.FileID == "" {
		return nil, temporal.NewNonRetryableApplicationError("file_id is required", ErrTypeBadWorkflowInput, nil)
	}
	f := &driveFile{
		st:          DriveFileState{FileID: in.FileID},
		log:         log.With(workflow.GetLogger(ctx), "file_id", in.FileID),
		subscribe:   workflow.GetSignalChannel(ctx, SubscribeSignal),
		unsubscribe: workflow.GetSignalChannel(ctx, UnsubscribeSignal),
		changed:     workflow.GetSignalChannel(ctx, ChangedSignal),
		poll:        workflow.GetSignalChannel(ctx, PollSignal),
	}
	if in.Carried != nil {
		f.st = *in.Carried
	}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (DriveFileState, error) { return f.st, nil }); err != nil {
		return nil, fmt.Errorf("register status query: %w", err)
	}
	return f, nil
}

func (f *driveFile) run(ctx workflow.Context, owners []string) (DriveFileState, error) {
	var da *activities.Drive
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), da.DriveSettings).Get(ctx, &f.settings); err != nil {
		return f.st, fmt.Errorf("load settings: %w", err)
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrDriveFileID.ValueSet(f.st.FileID), AttrSource.ValueSet("drive"))
	for _, o := range owners {
		f.addOwner(ctx, o)
	}
	for f.st.Ended == "" {
		f.ensureChannel(ctx)
		if len(f.st.Owners) == 0 {
			// SignalWithStart (the API's subscribe) brings the first owner
			// as a pending signal, not in the input: take it before
			// deciding that nobody watches the file.
			var n DriveOwnerNotice
			if f.subscribe.ReceiveAsync(&n) {
				f.addOwner(ctx, n.UserID)
				continue
			}
			f.end(ctx, "no owner watches the file")
			break
		}
		workflow.SetCurrentDetails(ctx, f.details())
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return f.continueAsNew(ctx)
		}
		f.waitAndHandle(ctx)
	}
	workflow.SetCurrentDetails(ctx, f.details())
	return f.st, nil
}

// waitAndHandle waits for one event — a signal, the end of a quiet period,
// or the channel's renewal time — and handles it.
func (f *driveFile) waitAndHandle(ctx workflow.Context) {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(f.subscribe, func(c workflow.ReceiveChannel, _ bool) {
		var n DriveOwnerNotice
		c.Receive(ctx, &n)
		f.addOwner(ctx, n.UserID)
	})
	sel.AddReceive(f.unsubscribe, func(c workflow.ReceiveChannel, _ bool) {
		var n DriveOwnerNotice
		c.Receive(ctx, &n)
		f.removeOwner(ctx, n.UserID, activities.EndWatchInput{}, "unsubscribed")
	})
	sel.AddReceive(f.changed, func(c workflow.ReceiveChannel, _ bool) {
		var ch DriveChange
		c.Receive(ctx, &ch)
		now := workflow.Now(ctx)
		f.st.LastWebhook = &now
		f.recordTimes(ctx, &now, nil)
		f.onChange(ctx, ch.ResourceState)
	})
	sel.AddReceive(f.poll, func(c workflow.ReceiveChannel, _ bool) {
		c.Receive(ctx, nil)
		now := workflow.Now(ctx)
		f.st.LastPoll = &now
		f.recordTimes(ctx, nil, &now)
		f.onChange(ctx, "poll")
	})
	if f.st.QuietUntil != nil {
		sel.AddFuture(workflow.NewTimer(timerCtx, f.st.QuietUntil.Sub(workflow.Now(ctx))), func(workflow.Future) {
			f.st.QuietUntil = nil
			f.resync(ctx)
		})
	}
	if f.st.Channel != nil {
		renewIn := f.st.Channel.Expiration.Add(-f.renewBefore()).Sub(workflow.Now(ctx))
		sel.AddFuture(workflow.NewTimer(timerCtx, max(renewIn, time.Second)), func(workflow.Future) {
			f.renewChannel(ctx)
		})
	}
	sel.Select(ctx)
}

// renewBefore is how long before expiry the channel is replaced: an hour, or
// a tenth of a short TTL.
func (f *driveFile) renewBefore() time.Duration {
	return min(time.Hour, f.settings.ChannelTTL/10)
}

// onChange reacts to a push or a poll. While a change already waits for its
// quiet period, an edit only moves the quiet period (no Drive call); a trash
// or removal, a poll, or a first change reads the metadata now.
func (f *driveFile) onChange(ctx workflow.Context, state string) {
	if f.st.QuietUntil != nil && state != "trash" && state != "remove" && state != "poll" {
		f.quiet(ctx)
		return
	}
	changed := false
	for _, o := range slices.Clone(f.st.Owners) {
		meta, ok := f.metadata(ctx, o.UserID)
		if !ok {
			if f.st.Ended != "" {
				return
			}
			continue
		}
		if meta.Version > o.Version || meta.ModifiedTime.After(o.ModifiedTime) {
			changed = true
		}
	}
	f.settleRefusals(ctx)
	if changed && f.st.Ended == "" {
		f.quiet(ctx)
	}
}

// quiet (re)starts the quiet period after the latest change.
func (f *driveFile) quiet(ctx workflow.Context) {
	until := workflow.Now(ctx).Add(f.settings.Debounce)
	f.st.QuietUntil = &until
}

// metadata reads the file as the owner and acts on its absence: a trashed
// file ends the watch for everyone; lost access (403) ends it for the owner;
// a 404 is recorded as the owner's refusal, settled when the round of reads
// is over (see settleRefusals; released runs read it as the file's
// deletion). ok is false when there is no metadata to use.
func (f *driveFile) metadata(ctx workflow.Context, owner string) (activities.FileMeta, bool) {
	var res activities.MetaResult
	err := workflow.ExecuteActivity(driveCtx(ctx), (*activities.Drive).GetMetadata, activities.FileRef{FileID: f.st.FileID, OwnerID: owner}).Get(ctx, &res)
	switch {
	case err != nil:
		f.ownerError(owner, fmt.Sprintf("files.get: %v", err))
		return activities.FileMeta{}, false
	case res.Gone:
		if f.notFoundIsPerOwner(ctx) {
			f.refuse(owner, f.hasRead(owner))
			return activities.FileMeta{}, false
		}
		f.fileGone(ctx, "the file was deleted")
		return activities.FileMeta{}, false
	case res.Meta.Trashed:
		f.fileGone(ctx, "the file was moved to the trash")
		return activities.FileMeta{}, false
	case res.Forbidden != "":
		f.removeOwner(ctx, owner, activities.EndWatchInput{DocumentStatus: "error", Reason: res.Forbidden}, "access lost")
		return activities.FileMeta{}, false
	}
	return res.Meta, true
}

// resync exports the file for every owner after the quiet period and hands
// changed documents to classification.
func (f *driveFile) resync(ctx workflow.Context) {
	for _, o := range slices.Clone(f.st.Owners) {
		meta, ok := f.metadata(ctx, o.UserID)
		if !ok {
			if f.st.Ended != "" {
				return
			}
			continue
		}
		f.sync(ctx, o.UserID, meta)
	}
	f.settleRefusals(ctx)
}

// sync writes one owner's document from the file and classifies it.
func (f *driveFile) sync(ctx workflow.Context, owner string, meta activities.FileMeta) {
	var res activities.SyncResult
	in := activities.SyncInput{FileRef: activities.FileRef{FileID: f.st.FileID, OwnerID: owner}, Meta: meta}
	if err := workflow.ExecuteActivity(driveCtx(ctx), (*activities.Drive).SyncContent, in).Get(ctx, &res); err != nil {
		f.ownerError(owner, fmt.Sprintf("sync: %v", err))
		return
	}
	switch {
	case res.Gone:
		if f.notFoundIsPerOwner(ctx) {
			// The metadata read just worked: the owner had the file.
			f.refuse(owner, true)
			return
		}
		f.fileGone(ctx, "the file was deleted")
		return
	case res.Forbidden != "":
		f.removeOwner(ctx, owner, activities.EndWatchInput{DocumentStatus: "error", Reason: res.Forbidden}, "access lost")
		return
	}
	now := workflow.Now(ctx)
	f.st.LastSync = &now
	f.st.Syncs++
	for i := range f.st.Owners {
		if o := &f.st.Owners[i]; o.UserID == owner {
			o.DocumentID, o.Version, o.ModifiedTime, o.Note = res.DocumentID, meta.Version, meta.ModifiedTime, res.Note
			o.LastSync, o.LastError = &now, ""
			o.Syncs++
		}
	}
	f.upsertPeople(ctx)
	startClassifications(ctx, []DocumentRevision{{DocumentID: res.DocumentID, Revision: res.ClassifyRevision}})
}

// addOwner subscribes a user and syncs their document at once.
func (f *driveFile) addOwner(ctx workflow.Context, owner string) {
	if owner == "" || slices.ContainsFunc(f.st.Owners, func(o DriveOwner) bool { return o.UserID == owner }) {
		return
	}
	var da *activities.Drive
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), da.RegisterWatch, activities.FileRef{FileID: f.st.FileID, OwnerID: owner}).Get(ctx, nil); err != nil {
		f.st.LastError = fmt.Sprintf("register watch: %v", err)
		return
	}
	f.st.Owners = append(f.st.Owners, DriveOwner{UserID: owner})
	// The channel opens before the first read, so an edit made while the
	// document syncs is pushed rather than left for the sweep.
	f.ensureChannel(ctx)
	if meta, ok := f.metadata(ctx, owner); ok {
		f.sync(ctx, owner, meta)
	}
	f.settleRefusals(ctx)
}

// removeOwner ends one owner's watch (with their document's final state).
func (f *driveFile) removeOwner(ctx workflow.Context, owner string, end activities.EndWatchInput, why string) {
	i := slices.IndexFunc(f.st.Owners, func(o DriveOwner) bool { return o.UserID == owner })
	if i < 0 {
		return
	}
	var da *activities.Drive
	end.FileRef = activities.FileRef{FileID: f.st.FileID, OwnerID: owner}
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), da.EndWatch, end).Get(ctx, nil); err != nil {
		f.st.LastError = fmt.Sprintf("end watch: %v", err)
	}
	f.log.Info("owner no longer watches the file", "owner", owner, "why", why, "reason", end.Reason)
	f.st.Owners = slices.Delete(f.st.Owners, i, i+1)
	if f.st.Channel != nil && f.st.Channel.OwnerID == owner {
		// The channel was opened with this owner's grant: replace it.
		f.stopChannel(ctx)
	}
	// A subscribe that arrived meanwhile keeps the file watched: the run
	// loop takes it instead of ending.
	if len(f.st.Owners) == 0 && f.subscribe.Len() == 0 {
		f.end(ctx, why)
	}
	f.upsertPeople(ctx)
}

// fileGone ends the watch for everyone: the documents are marked deleted.
func (f *driveFile) fileGone(ctx workflow.Context, reason string) {
	for _, o := range slices.Clone(f.st.Owners) {
		f.removeOwner(ctx, o.UserID, activities.EndWatchInput{DocumentStatus: "deleted", Reason: reason}, reason)
	}
	f.end(ctx, reason)
}

func (f *driveFile) end(ctx workflow.Context, reason string) {
	if f.st.Ended != "" {
		return
	}
	f.stopChannel(ctx)
	f.st.Ended, f.st.QuietUntil = reason, nil
	f.log.Info("watch ended", "reason", reason)
}

// ensureChannel opens a push channel when webhooks are configured and there
// is none; without one the file is still polled by the sweep.
func (f *driveFile) ensureChannel(ctx workflow.Context) {
	if f.st.Channel != nil || !f.settings.Push || len(f.st.Owners) == 0 || f.st.Ended != "" {
		return
	}
	f.openChannelAs(ctx, f.st.Owners[0].UserID)
}

// openChannelAs opens the file's push channel with the owner's grant.
func (f *driveFile) openChannelAs(ctx workflow.Context, owner string) {
	var ch activities.Channel
	ref := activities.FileRef{FileID: f.st.FileID, OwnerID: owner}
	if err := workflow.ExecuteActivity(driveCtx(ctx), (*activities.Drive).OpenChannel, ref).Get(ctx, &ch); err != nil {
		f.st.LastError = fmt.Sprintf("open push channel (polling only until the next change): %v", err)
		return
	}
	f.st.Channel = &ch
}

// renewChannel replaces the channel before it expires: channels cannot be
// extended, so the new one opens first and then the old one stops, leaving
// no gap.
func (f *driveFile) renewChannel(ctx workflow.Context) {
	old := f.st.Channel
	f.st.Channel = nil
	f.ensureChannel(ctx)
	if old != nil {
		if err := workflow.ExecuteActivity(driveCtx(ctx), (*activities.Drive).StopChannel, *old).Get(ctx, nil); err != nil {
			f.st.LastError = fmt.Sprintf("stop old channel: %v", err)
		}
	}
}

func (f *driveFile) stopChannel(ctx workflow.Context) {
	if f.st.Channel == nil {
		return
	}
	ch := *f.st.Channel
	f.st.Channel = nil
	if err := workflow.ExecuteActivity(driveCtx(ctx), (*activities.Drive).StopChannel, ch).Get(ctx, nil); err != nil {
		f.st.LastError = fmt.Sprintf("stop channel: %v", err)
	}
}

// ownerError records an error met while reading the file for one owner:
// in the file's status for operators, and in the owner's own part.
func (f *driveFile) ownerError(owner, msg string) {
	f.st.LastError = msg
	for i := range f.st.Owners {
		if f.st.Owners[i].UserID == owner {
			f.st.Owners[i].LastError = msg
		}
	}
}

func (f *driveFile) recordTimes(ctx workflow.Context, webhook, poll *time.Time) {
	var da *activities.Drive
	in := activities.TimesInput{FileID: f.st.FileID, WebhookAt: webhook, PollAt: poll}
	if err := workflow.ExecuteLocalActivity(withDBSteps(ctx), da.RecordTimes, in).Get(ctx, nil); err != nil {
		f.st.LastError = fmt.Sprintf("record times: %v", err)
	}
}

func (f *driveFile) upsertPeople(ctx workflow.Context) {
	users, docs := []string{}, []string{}
	for _, o := range f.st.Owners {
		users = append(users, o.UserID)
		if o.DocumentID != "" {
			docs = append(docs, o.DocumentID)
		}
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrUserID.ValueSet(users), AttrDocumentID.ValueSet(docs))
}

// continueAsNew starts the next run with the state; pending signals are
// handled first so none is lost.
func (f *driveFile) continueAsNew(ctx workflow.Context) (DriveFileState, error) {
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	// Unsubscribes first: while subscribes still wait, the last owner
	// leaving does not end the watch the newcomers continue.
	for {
		var n DriveOwnerNotice
		if !f.unsubscribe.ReceiveAsync(&n) {
			break
		}
		f.removeOwner(ctx, n.UserID, activities.EndWatchInput{}, "unsubscribed")
	}
	var owners []string
	for {
		var n DriveOwnerNotice
		if !f.subscribe.ReceiveAsync(&n) {
			break
		}
		owners = append(owners, n.UserID)
	}
	for f.changed.ReceiveAsync(nil) || f.poll.ReceiveAsync(nil) {
		f.quiet(ctx)
	}
	carried := f.st
	return f.st, workflow.NewContinueAsNewError(ctx, DriveFileWorkflow, DriveFileInput{FileID: f.st.FileID, Owners: owners, Carried: &carried})
}

func (f *driveFile) details() string {
	s := fmt.Sprintf("%d owner(s) · %d syncs", len(f.st.Owners), f.st.Syncs)
	if f.st.Channel != nil {
		s += " · push channel until " + f.st.Channel.Expiration.Format(time.RFC3339)
	} else {
		s += " · polled"
	}
	if f.st.QuietUntil != nil {
		s += " · change pending until " + f.st.QuietUntil.Format(time.RFC3339)
	}
	if f.st.Ended != "" {
		s += "\n\nended: " + f.st.Ended
	}
	if f.st.LastError != "" {
		s += "\n\nlast error: " + f.st.LastError
	}
	return s
}

// driveCtx runs Drive calls: rate limits and outages are retried with
// backoff; rejected requests are not.
func driveCtx(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeDriveRejected, activities.ErrTypeInvalidInput},
		},
	})
}
