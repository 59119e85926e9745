package activities

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/googleapi"

	"github.com/besunny/workflows/internal/config"
	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// Gmail adapts the Gmail API to the mailbox pipeline. Its activities run on
// the gmail task queue, whose rate limit keeps the whole cluster near the
// mailbox's quota (each call is one activity so the limit counts every
// call); the client itself paces its calls by quota units (google.NewGmail).
type Gmail struct {
	Service *gmail.Service
	Store   *store.Store
	// MarkAction is label, label_and_archive or none.
	MarkAction string
	// Log receives what an operator must act on (refused credentials).
	Log *slog.Logger
	// AccessDenied counts Gmail's refusals of the mailbox's credentials by
	// operation (besunny_gmail_access_denied_total); nil counts nothing.
	AccessDenied *prometheus.CounterVec
	// accessClear holds the mailboxes whose stored access error this
	// process has cleared since it last saw a refusal.
	accessClear sync.Map
}

const (
	maxBatchModifyIDs    = 1000
	historyPageSize      = 500
	messagesListPageSize = 500
)

// MessageRef is a message id with its labels, as history.list reports it.
type MessageRef struct {
	ID     string   `json:"id"`
	Labels []string `json:"labels,omitempty"`
}

// Profile is the mailbox's current state.
type Profile struct {
	EmailAddress string `json:"email_address"`
	HistoryID    string `json:"history_id"`
}

// GetProfile returns the mailbox's current history id: where a fresh cursor
// starts.
func (a *Gmail) GetProfile(ctx context.Context, mailbox string) (Profile, error) {
	p, err := a.Service.Users.GetProfile(mailbox).Context(ctx).Do()
	if err != nil {
		return Profile{}, a.callFailed(ctx, mailbox, "getProfile", err)
	}
	a.callSucceeded(ctx, mailbox)
	return Profile{EmailAddress: p.EmailAddress, HistoryID: fmt.Sprint(p.HistoryId)}, nil
}

// HistoryPageInput asks for one page of history after StartHistoryID.
type HistoryPageInput struct {
	Mailbox        string `json:"mailbox"`
	StartHistoryID string `json:"start_history_id"`
	PageToken      string `json:"page_token,omitempty"`
}

// HistoryPage is one page of messageAdded history.
type HistoryPage struct {
	Messages      []MessageRef `json:"messages,omitempty"`
	NextPageToken string       `json:"next_page_token,omitempty"`
	// LastRecordID is the id of the page's last history record: once every
	// message of the page has a run, the cursor may move there.
	LastRecordID string `json:"last_record_id,omitempty"`
	// MailboxHistoryID is the mailbox's current history id.
	MailboxHistoryID string `json:"mailbox_history_id"`
}

// ListHistory reads one page of messageAdded history. A cursor too old for
// Gmail's history (404) is reported as ErrTypeGmailHistoryExpired.
func (a *Gmail) ListHistory(ctx context.Context, in HistoryPageInput) (HistoryPage, error) {
	start, err := parseHistoryID(in.StartHistoryID)
	if err != nil {
		return HistoryPage{}, err
	}
	call := a.Service.Users.History.List(in.Mailbox).StartHistoryId(start).
		HistoryTypes("messageAdded").MaxResults(historyPageSize).Context(ctx)
	if in.PageToken != "" {
		call = call.PageToken(in.PageToken)
	}
	resp, err := call.Do()
	if isNotFound(err) {
		return HistoryPage{}, temporal.NewApplicationErrorWithOptions(
			fmt.Sprintf("history of %s after %s is no longer available", in.Mailbox, in.StartHistoryID),
			ErrTypeGmailHistoryExpired, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	if err != nil {
		return HistoryPage{}, a.callFailed(ctx, in.Mailbox, "history.list", err)
	}
	a.callSucceeded(ctx, in.Mailbox)
	page := HistoryPage{NextPageToken: resp.NextPageToken, MailboxHistoryID: fmt.Sprint(resp.HistoryId)}
	for _, h := range resp.History {
		page.LastRecordID = fmt.Sprint(h.Id)
		for _, added := range h.MessagesAdded {
			if added.Message != nil {
				page.Messages = append(page.Messages, MessageRef{ID: added.Message.Id, Labels: added.Message.LabelIds})
			}
		}
	}
	return page, nil
}

// MessagesSinceInput asks for one page of inbox messages received after a
// time, for a full resync.
type MessagesSinceInput struct {
	Mailbox   string    `json:"mailbox"`
	After     time.Time `json:"after"`
	PageToken string    `json:"page_token,omitempty"`
}

// MessagesPage is one page of messages.list.
type MessagesPage struct {
	Messages      []MessageRef `json:"messages,omitempty"`
	NextPageToken string       `json:"next_page_token,omitempty"`
}

// ListMessagesSince lists inbox messages received after in.After (drafts and
// sent-only mail are not in the inbox, so they are skipped by the query).
func (a *Gmail) ListMessagesSince(ctx context.Context, in MessagesSinceInput) (MessagesPage, error) {
	q := "in:inbox"
	if !in.After.IsZero() {
		// Gmail's after: takes seconds; a day of overlap costs only
		// duplicate starts, which Temporal deduplicates by workflow id.
		q = fmt.Sprintf("in:inbox after:%d", in.After.Add(-24*time.Hour).Unix())
	}
	call := a.Service.Users.Messages.List(in.Mailbox).Q(q).MaxResults(messagesListPageSize).Context(ctx)
	if in.PageToken != "" {
		call = call.PageToken(in.PageToken)
	}
	resp, err := call.Do()
	if err != nil {
		return MessagesPage{}, a.callFailed(ctx, in.Mailbox, "messages.list", err)
	}
	a.callSucceeded(ctx, in.Mailbox)
	page := MessagesPage{NextPageToken: resp.NextPageToken}
	for _, m := range resp.Messages {
		page.Messages = append(page.Messages, MessageRef{ID: m.Id, Labels: []string{"INBOX"}})
	}
	return page, nil
}

// FetchInput names a Gmail message to store.
type FetchInput struct {
	Mailbox   string `json:"mailbox"`
	MessageID string `json:"message_id"`
}

// FetchResult says whether the message had to be downloaded.
type FetchResult struct {
	Downloaded bool  `json:"downloaded"`
	SizeBytes  int64 `json:"size_bytes"`
}

// FetchMessage stores the raw message (messages.get format=raw) in
// inbound_emails. A message already stored is not downloaded again, so
// retries and re-processing cost no quota; a placeholder (an earlier run
// could not fetch it) is, and the raw replaces it.
func (a *Gmail) FetchMessage(ctx context.Context, in FetchInput) (FetchResult, error) {
	stored, err := a.Store.InboundEmailHasRaw(ctx, in.MessageID)
	if err != nil {
		return FetchResult{}, fmt.Errorf("look for message %s: %w", in.MessageID, err)
	}
	if stored {
		return FetchResult{}, nil
	}
	msg, err := a.Service.Users.Messages.Get(in.Mailbox, in.MessageID).Format("raw").Context(ctx).Do()
	if err != nil {
		return FetchResult{}, a.callFailed(ctx, in.Mailbox, "messages.get", err)
	}
	a.callSucceeded(ctx, in.Mailbox)
	raw, err := decodeRaw(msg.Raw)
	if err != nil {
		return FetchResult{}, nonRetryable(ErrTypeGmailRejected, err, "message %s: raw is not base64url", in.MessageID)
	}
	sum := sha256.Sum256(raw)
	received := time.UnixMilli(msg.InternalDate).UTC()
	if msg.InternalDate == 0 {
		received = time.Now().UTC()
	}
	// Over a placeholder, if an earlier run could not fetch the message.
	_, err = a.Store.StoreFetchedEmail(ctx, db.StoreFetchedEmailParams{
		MessageKey: in.MessageID,
		Mailbox:    in.Mailbox,
		Sha256:     hex.EncodeToString(sum[:]),
		Raw:        raw,
		SizeBytes:  int64(len(raw)),
		ReceivedAt: received,
	})
	if err != nil {
		return FetchResult{}, fmt.Errorf("store message %s: %w", in.MessageID, err)
	}
	return FetchResult{Downloaded: true, SizeBytes: int64(len(raw))}, nil
}

func decodeRaw(s string) ([]byte, error) {
	if b, err := base64.URLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// EnsureLabel returns the id of the label called name, creating it if the
// mailbox has none.
func (a *Gmail) EnsureLabel(ctx context.Context, mailbox, name string) (string, error) {
	find := func() (string, error) {
		resp, err := a.Service.Users.Labels.List(mailbox).Context(ctx).Do()
		if err != nil {
			return "", a.callFailed(ctx, mailbox, "labels.list", err)
		}
		a.callSucceeded(ctx, mailbox)
		for _, l := range resp.Labels {
			if strings.EqualFold(l.Name, name) {
				return l.Id, nil
			}
		}
		return "", nil
	}
	if id, err := find(); err != nil || id != "" {
		return id, err
	}
	l, err := a.Service.Users.Labels.Create(mailbox, &gmail.Label{
		Name: name, LabelListVisibility: "labelShow", MessageListVisibility: "show",
	}).Context(ctx).Do()
	var gerr *googleapi.Error
	if errors.As(err, &gerr) && gerr.Code == http.StatusConflict {
		// Created concurrently by another run: use that one.
		return find()
	}
	if err != nil {
		return "", a.callFailed(ctx, mailbox, "labels.create", err)
	}
	return l.Id, nil
}

// MarkInput asks to mark the mailbox's processed messages.
type MarkInput struct {
	Mailbox string `json:"mailbox"`
	LabelID string `json:"label_id"`
}

// MarkResult says how many messages a mark call marked and whether more
// finished messages wait for the next call.
type MarkResult struct {
	Marked int  `json:"marked"`
	More   bool `json:"more,omitempty"`
}

// MarkProcessed is MarkFinished for mailbox runs recorded before it existed:
// it returns only the count, and is asked again until it answers 0.
func (a *Gmail) MarkProcessed(ctx context.Context, in MarkInput) (int, error) {
	res, err := a.MarkFinished(ctx, in)
	return res.Marked, err
}

// MarkFinished labels (and marks read, and with label_and_archive archives)
// up to 1000 messages of the mailbox that reached a terminal status, in one
// messages.batchModify call (50 quota units, versus 5 per message one by
// one), and records them as marked. It says how many it marked and whether
// more remain, so the caller never makes a call that finds nothing.
func (a *Gmail) MarkFinished(ctx context.Context, in MarkInput) (MarkResult, error) {
	// One row more than a batch tells whether another call is needed.
	keys, err := a.Store.ListUnmarkedMessages(ctx, db.ListUnmarkedMessagesParams{Mailbox: in.Mailbox, MaxRows: maxBatchModifyIDs + 1})
	if err != nil {
		return MarkResult{}, fmt.Errorf("list unmarked messages: %w", err)
	}
	more := len(keys) > maxBatchModifyIDs
	keys = keys[:min(len(keys), maxBatchModifyIDs)]
	if len(keys) == 0 {
		return MarkResult{}, nil
	}
	if a.MarkAction != config.MarkNone {
		remove := []string{"UNREAD"}
		if a.MarkAction == config.MarkLabelAndArchive {
			remove = append(remove, "INBOX")
		}
		req := &gmail.BatchModifyMessagesRequest{Ids: keys, AddLabelIds: []string{in.LabelID}, RemoveLabelIds: remove}
		err := a.Service.Users.Messages.BatchModify(in.Mailbox, req).Context(ctx).Do()
		if isNotFound(err) {
			// An id of the batch no longer exists (deleted from the mailbox
			// since). Mark the oldest few one by one — a vanished message
			// counts as done, there is nothing left to label — and leave the
			// rest for the next call, so this detour stays within a few
			// quota units and the vanished id soon leaves the batches.
			n := min(len(keys), markOneByOne)
			if err := a.markEach(ctx, in.Mailbox, keys[:n], req); err != nil {
				return MarkResult{}, a.callFailed(ctx, in.Mailbox, "messages.modify", err)
			}
			return MarkResult{Marked: n, More: more || n < len(keys)}, nil
		}
		if err != nil {
			return MarkResult{}, a.callFailed(ctx, in.Mailbox, "messages.batchModify", err)
		}
		a.callSucceeded(ctx, in.Mailbox)
	}
	if err := a.Store.SetMessagesMarked(ctx, keys); err != nil {
		return MarkResult{}, fmt.Errorf("record marks: %w", err)
	}
	return MarkResult{Marked: len(keys), More: more}, nil
}

// markOneByOne bounds the one-by-one marks of a call (5 units each).
const markOneByOne = 20

func (a *Gmail) markEach(ctx context.Context, mailbox string, ids []string, req *gmail.BatchModifyMessagesRequest) error {
	for _, id := range ids {
		_, err := a.Service.Users.Messages.Modify(mailbox, id, &gmail.ModifyMessageRequest{
			AddLabelIds: req.AddLabelIds, RemoveLabelIds: req.RemoveLabelIds,
		}).Context(ctx).Do()
		if err != nil && !isNotFound(err) {
			return err
		}
		// Recorded one by one: when the quota cuts this loop short, the
		// retry goes on from here instead of starting over.
		if err := a.Store.SetMessagesMarked(ctx, []string{id}); err != nil {
			return fmt.Errorf("record mark of %s: %w", id, err)
		}
	}
	return nil
}

// WatchResult is what users.watch answered.
type WatchResult struct {
	HistoryID  string    `json:"history_id"`
	Expiration time.Time `json:"expiration"`
}

// Watch (re)starts push notifications of the mailbox's INBOX to topic.
func (a *Gmail) Watch(ctx context.Context, mailbox, topic string) (WatchResult, error) {
	resp, err := a.Service.Users.Watch(mailbox, &gmail.WatchRequest{
		TopicName: topic, LabelIds: []string{"INBOX"}, LabelFilterBehavior: "include",
	}).Context(ctx).Do()
	if err != nil {
		return WatchResult{}, a.callFailed(ctx, mailbox, "watch", err)
	}
	a.callSucceeded(ctx, mailbox)
	return WatchResult{HistoryID: fmt.Sprint(resp.HistoryId), Expiration: time.UnixMilli(resp.Expiration).UTC()}, nil
}

func parseHistoryID(s string) (uint64, error) {
	var id uint64
	if _, err := fmt.Sscan(s, &id); err != nil || id == 0 {
		return 0, nonRetryable(ErrTypeInvalidInput, err, "history id %q is not a positive number", s)
	}
	return id, nil
}
