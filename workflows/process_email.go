package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/besunny/workflows/activities"
)

// Terminal statuses of a message. Every message reaches exactly one.
const (
	StatusPending      = "pending"
	StatusProcessed    = "processed"
	StatusUserNotFound = "user_not_found"
	StatusIgnored      = "ignored"
	StatusFailed       = "failed"
)

// Reasons recorded with user_not_found and failed outcomes.
const (
	ReasonNoVirtualRecipient = "no_virtual_recipient"
	ReasonUnknownUsername    = "unknown_username"
	ReasonInternalError      = "internal_error"
	ReasonGmailUnavailable   = "gmail_unavailable"
)

// StatusQuery is the query every BeSunny workflow answers with its progress.
const StatusQuery = "status"

// ProcessEmailInput names a stored message. Only the key travels through
// history; the raw bytes stay in PostgreSQL.
type ProcessEmailInput struct {
	MessageKey string `json:"message_key"`
	// Source is upload or gmail.
	Source string `json:"source"`
	// Mailbox is the Gmail mailbox of a gmail message, which is fetched
	// from it first.
	Mailbox string `json:"mailbox,omitempty"`
	// Revision is 1 for the first processing and grows with each re-run.
	Revision int `json:"revision,omitempty"`
	// FetchDeadline bounds how long the fetch of a gmail message is retried
	// (GMAIL_FETCH_DEADLINE; DefaultFetchDeadline when zero).
	FetchDeadline time.Duration `json:"fetch_deadline,omitempty"`
}

// DefaultFetchDeadline bounds a message's fetch when its input names no
// deadline: a day of Gmail outage or refused credentials, after which the
// message ends failed (gmail_unavailable) instead of retrying forever, and
// POST /api/v1/emails/{key}/reprocess fetches it again.
const DefaultFetchDeadline = 24 * time.Hour

// EmailStatus is the answer to the status query and the workflow's result.
type EmailStatus struct {
	MessageKey string `json:"message_key"`
	// Stage is where the run is: fetching, parsing, resolving, storing,
	// classifying, recording, done.
	Stage string `json:"stage"`
	// Status is pending until the run records a terminal status.
	Status           string                      `json:"status"`
	Reason           string                      `json:"reason,omitempty"`
	Subject          string                      `json:"subject,omitempty"`
	Sender           string                      `json:"sender,omitempty"`
	Documents        []activities.StoredDocument `json:"documents,omitempty"`
	UnknownUsernames []string                    `json:"unknown_usernames,omitempty"`
	// WatchedFiles counts the linked Drive files now watched.
	WatchedFiles int `json:"watched_files,omitempty"`
	// UnwatchedLinks counts the Drive files linked past the per-message cap
	// (DRIVE_WATCHED_LINKS_PER_MESSAGE): stored as the documents' links, not
	// watched.
	UnwatchedLinks int `json:"unwatched_links,omitempty"`
}

// ProcessEmailWorkflow turns one stored message into documents: parse it, find
// the BeSunny users it is addressed to, store one document per user, and
// record exactly one terminal status (processed, user_not_found, ignored or
// failed) with its processing log.
func ProcessEmailWorkflow(ctx workflow.Context, in ProcessEmailInput) (EmailStatus, error) {
	p, err := newEmailProcess(ctx, in)
	if err != nil {
		return EmailStatus{}, err
	}
	return p.run(ctx)
}

type emailProcess struct {
	in     ProcessEmailInput
	id     string
	log    log.Logger
	status EmailStatus
	// v2 is ProcessEmailWorkflowV2: fetch and classification inline, and
	// the search attributes written once, with the outcome.
	v2 bool
	// attrs are the search attributes a v2 run writes with its outcome.
	attrs []temporal.SearchAttributeUpdate
}

func newEmailProcess(ctx workflow.Context, in ProcessEmailInput) (*emailProcess, error) {
	if in.MessageKey == "" {
		return nil, temporal.NewNonRetryableApplicationError("message_key is required", ErrTypeBadWorkflowInput, nil)
	}
	info := workflow.GetInfo(ctx)
	p := &emailProcess{
		in:     in,
		id:     info.WorkflowExecution.ID,
		log:    log.With(workflow.GetLogger(ctx), "message_key", in.MessageKey),
		status: EmailStatus{MessageKey: in.MessageKey, Stage: "parsing", Status: StatusPending},
	}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (EmailStatus, error) {
		return p.status, nil
	}); err != nil {
		return nil, fmt.Errorf("register status query: %w", err)
	}
	return p, nil
}

func (p *emailProcess) run(ctx workflow.Context) (EmailStatus, error) {
	var ea *activities.Email
	ctx = withDBSteps(ctx)

	if p.in.Source == "gmail" {
		p.status.Stage = "fetching"
		fetch := p.fetch
		if p.v2 {
			fetch = p.fetchLocalFirst
		}
		if err := fetch(ctx); err != nil {
			var unavailable *gmailUnavailableError
			if errors.As(err, &unavailable) {
				return p.unavailable(ctx, unavailable.reason)
			}
			return p.status, err
		}
		p.status.Stage = "parsing"
	}

	var parsed activities.ParseResult
	if err := workflow.ExecuteLocalActivity(ctx, ea.ParseEmail, p.in.MessageKey).Get(ctx, &parsed); err != nil {
		return p.failInternal(ctx, "parse", err)
	}
	p.status.Subject, p.status.Sender = parsed.Subject, parsed.Sender
	switch {
	case parsed.FailReason != "":
		p.log.Warn("message cannot be parsed", "reason", parsed.FailReason, "detail", parsed.FailDetail)
		return p.finish(ctx, StatusFailed, parsed.FailReason, nil)
	case parsed.IgnoreReason != "":
		return p.finish(ctx, StatusIgnored, parsed.IgnoreReason, nil)
	case len(parsed.Usernames) == 0:
		return p.finish(ctx, StatusUserNotFound, ReasonNoVirtualRecipient, nil)
	}

	p.status.Stage = "resolving"
	var recipients []activities.Recipient
	if err := workflow.ExecuteLocalActivity(ctx, ea.ResolveRecipients, parsed.Usernames).Get(ctx, &recipients); err != nil {
		return p.failInternal(ctx, "resolve recipients", err)
	}
	var known []activities.Recipient
	var rows []activities.RecipientState
	for _, r := range recipients {
		if r.UserID == "" {
			p.status.UnknownUsernames = append(p.status.UnknownUsernames, r.Username)
			rows = append(rows, activities.RecipientState{Username: r.Username, Status: StatusUserNotFound, Error: ReasonUnknownUsername})
			continue
		}
		known = append(known, r)
	}
	if len(known) == 0 {
		return p.finish(ctx, StatusUserNotFound, ReasonUnknownUsername, rows)
	}
	userIDs := make([]string, 0, len(known))
	for _, r := range known {
		userIDs = append(userIDs, r.UserID)
	}
	p.setAttrs(ctx, AttrUserID.ValueSet(userIDs))

	p.status.Stage = "storing"
	var docs []activities.StoredDocument
	in := activities.StoreDocumentsInput{MessageKey: p.in.MessageKey, Recipients: known}
	if err := workflow.ExecuteLocalActivity(ctx, ea.StoreDocuments, in).Get(ctx, &docs); err != nil {
		return p.failInternal(ctx, "store documents", err)
	}
	p.status.Documents = docs
	docIDs := make([]string, 0, len(docs))
	for _, d := range docs {
		p.status.UnwatchedLinks = max(p.status.UnwatchedLinks, d.UnwatchedLinks)
		docIDs = append(docIDs, d.DocumentID)
		rows = append(rows, activities.RecipientState{
			Username: d.Username, UserID: d.UserID, Status: StatusProcessed, DocumentID: d.DocumentID,
		})
	}
	p.setAttrs(ctx, AttrDocumentID.ValueSet(docIDs))

	p.status.Stage = "classifying"
	revs := make([]DocumentRevision, 0, len(docs))
	for _, d := range docs {
		revs = append(revs, DocumentRevision{DocumentID: d.DocumentID, Revision: d.ClassifyRevision})
	}
	if p.v2 {
		p.classifyInline(ctx, revs)
	} else {
		startClassifications(ctx, revs)
	}
	if parsed.DriveLinks > 0 {
		if p.status.UnwatchedLinks > 0 {
			p.log.Warn("Drive links past the per-message cap are stored without a watch", "links", parsed.DriveLinks, "unwatched", p.status.UnwatchedLinks)
		}
		p.watchLinkedFiles(ctx, docIDs)
	}
	return p.finish(ctx, StatusProcessed, "", rows)
}

// finish records the terminal status and ends the run with it.
func (p *emailProcess) finish(ctx workflow.Context, status, reason string, rows []activities.RecipientState) (EmailStatus, error) {
	var ea *activities.Email
	p.status.Stage, p.status.Status, p.status.Reason = "recording", status, reason
	out := activities.OutcomeInput{
		MessageKey: p.in.MessageKey, WorkflowID: p.id, Status: status, Reason: reason,
		Subject: p.status.Subject, Sender: p.status.Sender, Recipients: rows,
	}
	if err := workflow.ExecuteLocalActivity(ctx, ea.RecordOutcome, out).Get(ctx, nil); err != nil {
		// Only a message that vanished from the store gets here: there is no
		// row left to record the outcome on, so the run fails visibly.
		return p.status, fmt.Errorf("record outcome %s: %w", status, err)
	}
	p.status.Stage = "done"
	p.setAttrs(ctx, AttrStatus.ValueSet(status))
	if p.v2 {
		// One visibility write for the whole run, now that the outcome is
		// known.
		p.upsertAttrs(ctx, p.attrs...)
	}
	workflow.SetCurrentDetails(ctx, p.details())
	p.log.Info("message processed", "status", status, "reason", reason, "documents", len(p.status.Documents))
	return p.status, nil
}

// watchLinkedFiles starts (or joins) the watch of every Drive file the
// message links, for each recipient who has connected Google. A failure here
// does not change the message's outcome: the links stay stored, and the user
// can subscribe the file by hand.
func (p *emailProcess) watchLinkedFiles(ctx workflow.Context, documentIDs []string) {
	p.status.Stage = "watching drive links"
	var da *activities.Drive
	var refs []activities.FileRef
	if err := workflow.ExecuteLocalActivity(ctx, da.LinkedFiles, documentIDs).Get(ctx, &refs); err != nil {
		p.log.Warn("linked Drive files not watched", "error", err)
		return
	}
	owners := map[string][]string{}
	var files []string
	for _, r := range refs {
		if _, ok := owners[r.FileID]; !ok {
			files = append(files, r.FileID)
		}
		owners[r.FileID] = append(owners[r.FileID], r.OwnerID)
	}
	if len(files) > 1 && workflow.GetVersion(ctx, versionParallelDriveWatches, workflow.DefaultVersion, 1) >= 1 {
		startDriveWatches(ctx, files, owners)
	} else {
		for _, f := range files {
			startDriveWatch(ctx, f, owners[f])
		}
	}
	p.status.WatchedFiles = len(files)
}

// versionParallelDriveWatches: the linked files' watches are started
// together, not one workflow task after the other.
const versionParallelDriveWatches = "email-parallel-drive-watches"

// startDriveWatches is startDriveWatch for several files at once: every
// start is sent in one workflow task, then each is confirmed; a file whose
// watch already runs gets its new owners by signal.
func startDriveWatches(ctx workflow.Context, files []string, owners map[string][]string) {
	futures := make([]workflow.ChildWorkflowFuture, len(files))
	for i, f := range files {
		child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            DriveFileWorkflowID(f),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			TypedSearchAttributes: temporal.NewSearchAttributes(AttrDriveFileID.ValueSet(f), AttrSource.ValueSet("drive")),
		})
		futures[i] = workflow.ExecuteChildWorkflow(child, DriveFileWorkflow, DriveFileInput{FileID: f, Owners: owners[f]})
	}
	var signals []workflow.Future
	for i, f := range files {
		err := futures[i].GetChildWorkflowExecution().Get(ctx, nil)
		var running *temporal.ChildWorkflowExecutionAlreadyStartedError
		switch {
		case errors.As(err, &running):
			for _, o := range owners[f] {
				signals = append(signals, workflow.SignalExternalWorkflow(ctx, DriveFileWorkflowID(f), "", SubscribeSignal, DriveOwnerNotice{UserID: o}))
			}
		case err != nil:
			workflow.GetLogger(ctx).Error("drive watch not started", "file_id", f, "error", err)
		}
	}
	for _, sig := range signals {
		if err := sig.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("subscribe signal failed", "error", err)
		}
	}
}

// fetch stores the gmail message's raw. Gmail's refusals of the message
// (gone, invalid id) and a fetch that did not succeed within the deadline —
// however Gmail failed meanwhile: outage, refused credentials, no gmail
// worker — come back as a gmailUnavailableError; the run then ends failed
// with that reason instead of retrying forever.
func (p *emailProcess) fetch(ctx workflow.Context) error {
	deadline := p.in.FetchDeadline
	if deadline <= 0 {
		deadline = DefaultFetchDeadline
	}
	fetchCtx := workflow.WithScheduleToCloseTimeout(gmailCtx(ctx), deadline)
	in := activities.FetchInput{Mailbox: p.in.Mailbox, MessageID: p.in.MessageKey}
	err := workflow.ExecuteActivity(fetchCtx, (*activities.Gmail).FetchMessage, in).Get(ctx, nil)
	var appErr *temporal.ApplicationError
	var canceled *temporal.CanceledError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &canceled):
		return err
	case errors.As(err, &appErr) && appErr.NonRetryable():
		// Gmail refused the message itself (gone, invalid id): its own
		// words, without the activity error's wrapping.
		return &gmailUnavailableError{reason: appErr.Message()}
	}
	// Everything else is retried without limit, so only the deadline ended
	// the retries: a timeout, or the last attempt's error once the next
	// attempt would have started past it.
	reason := fmt.Sprintf("not fetched within %s", deadline)
	if appErr != nil {
		reason += "; last error: " + appErr.Message()
	}
	p.log.Error("message not fetched within the deadline", "deadline", deadline, "error", err)
	return &gmailUnavailableError{reason: reason}
}

// gmailUnavailableError is a message Gmail will not give us.
type gmailUnavailableError struct{ reason string }

func (e *gmailUnavailableError) Error() string { return e.reason }

// unavailable ends a Gmail message that cannot be fetched (deleted before
// we got to it, refused, or not fetched by the deadline): a placeholder
// keeps its terminal status, and a re-run fetches it again.
func (p *emailProcess) unavailable(ctx workflow.Context, reason string) (EmailStatus, error) {
	var ea *activities.Email
	in := activities.PlaceholderInput{MessageKey: p.in.MessageKey, Mailbox: p.in.Mailbox}
	if err := workflow.ExecuteLocalActivity(ctx, ea.StorePlaceholder, in).Get(ctx, nil); err != nil {
		return p.status, fmt.Errorf("store placeholder: %w", err)
	}
	return p.finish(ctx, StatusFailed, fmt.Sprintf("%s: %s", ReasonGmailUnavailable, reason), nil)
}

// failInternal records a step's non-retryable failure as the message's
// terminal status, so the run completes with a reason instead of failing.
func (p *emailProcess) failInternal(ctx workflow.Context, step string, err error) (EmailStatus, error) {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == activities.ErrTypeMessageMissing {
		return p.status, err
	}
	p.log.Error("step failed without retry", "step", step, "error", err)
	return p.finish(ctx, StatusFailed, fmt.Sprintf("%s: %s failed: %v", ReasonInternalError, step, err), nil)
}

// setAttrs writes search attributes at once (ProcessEmailWorkflow) or keeps
// them for the run's one write with its outcome (ProcessEmailWorkflowV2).
func (p *emailProcess) setAttrs(ctx workflow.Context, updates ...temporal.SearchAttributeUpdate) {
	if p.v2 {
		p.attrs = append(p.attrs, updates...)
		return
	}
	p.upsertAttrs(ctx, updates...)
}

func (p *emailProcess) upsertAttrs(ctx workflow.Context, updates ...temporal.SearchAttributeUpdate) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		// Search attributes help operators find runs; failing to set them
		// must not stop a message from being processed.
		p.log.Warn("search attributes not set", "error", err)
	}
}

// details renders the run for the Temporal UI's "current details" panel.
func (p *emailProcess) details() string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**", p.status.Status)
	if p.status.Reason != "" {
		fmt.Fprintf(&b, " (%s)", p.status.Reason)
	}
	if p.status.Subject != "" {
		fmt.Fprintf(&b, "\n\nSubject: %s", p.status.Subject)
	}
	if p.status.Sender != "" {
		fmt.Fprintf(&b, "\n\nFrom: %s", p.status.Sender)
	}
	for _, d := range p.status.Documents {
		fmt.Fprintf(&b, "\n\n- document %s for %s", d.DocumentID, d.Username)
	}
	for _, u := range p.status.UnknownUsernames {
		fmt.Fprintf(&b, "\n\n- no user named %s", u)
	}
	return b.String()
}
