package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/mail"
	"github.com/besunny/workflows/internal/store"
)

// Email adapts the stored inbound messages and internal/mail to the email
// pipeline.
type Email struct {
	Store  *store.Store
	Rules  mail.RecipientRules
	Ignore mail.IgnorePolicy
	Limits mail.Limits
	// Mailbox is the inbound address recorded in the processing logs.
	Mailbox string
	// WatchedLinksPerMessage caps the Drive links of a message whose files
	// are watched (DRIVE_WATCHED_LINKS_PER_MESSAGE); the others are stored
	// as links without a watch.
	WatchedLinksPerMessage int
}

// ParseResult summarises a parsed message for the workflow: enough to decide
// what happens next and to show an operator, nothing large.
type ParseResult struct {
	Subject   string   `json:"subject"`
	Sender    string   `json:"sender"`
	Usernames []string `json:"usernames,omitempty"`
	// IgnoreReason is set when the message must not become a document.
	IgnoreReason string `json:"ignore_reason,omitempty"`
	// FailReason is set when the message cannot be parsed (too_large,
	// unparseable); FailDetail says more for operators.
	FailReason  string `json:"fail_reason,omitempty"`
	FailDetail  string `json:"fail_detail,omitempty"`
	SizeBytes   int64  `json:"size_bytes"`
	Attachments int    `json:"attachments"`
	DriveLinks  int    `json:"drive_links"`
}

// ParseEmail parses the stored raw message and saves the parsed form (body
// text, headers, attachment metadata, Drive links) next to it. A message that
// cannot be parsed is a result, not an error: the workflow records it.
func (a *Email) ParseEmail(ctx context.Context, messageKey string) (ParseResult, error) {
	row, err := a.Store.GetInboundEmailRaw(ctx, db.GetInboundEmailRawParams{MessageKey: messageKey, MaxBytes: a.Limits.MaxBytes})
	if store.IsNotFound(err) {
		return ParseResult{}, nonRetryable(ErrTypeMessageMissing, err, "message %s is not stored", messageKey)
	}
	if err != nil {
		return ParseResult{}, fmt.Errorf("load message %s: %w", messageKey, err)
	}
	res := ParseResult{SizeBytes: row.SizeBytes}
	if row.Raw == nil {
		res.FailReason = string(mail.ReasonTooLarge)
		res.FailDetail = fmt.Sprintf("the message is %d bytes; the limit is %d (MAX_EMAIL_BYTES)", row.SizeBytes, a.Limits.MaxBytes)
		return res, nil
	}
	msg, err := mail.Parse(row.Raw, a.Limits)
	if err != nil {
		res.FailReason = string(mail.ReasonOf(err))
		if res.FailReason == "" {
			res.FailReason = string(mail.ReasonUnparseable)
		}
		res.FailDetail = err.Error()
		return res, nil
	}
	parsed, err := json.Marshal(msg)
	if err != nil {
		return res, fmt.Errorf("encode parsed message %s: %w", messageKey, err)
	}
	var sentAt *time.Time
	if !msg.Date.IsZero() {
		sentAt = &msg.Date
	}
	err = a.Store.SaveParsedEmail(ctx, db.SaveParsedEmailParams{
		MessageKey: messageKey,
		Subject:    msg.Subject,
		Sender:     msg.From.String(),
		SentAt:     sentAt,
		BodyText:   msg.Text,
		Parsed:     parsed,
	})
	if err != nil {
		return res, fmt.Errorf("save parsed message %s: %w", messageKey, err)
	}
	res.Subject = truncate(msg.Title(), 200)
	res.Sender = truncate(msg.From.String(), 200)
	res.Usernames = a.Rules.Usernames(msg)
	res.IgnoreReason = a.Ignore.Reason(msg)
	res.Attachments = len(msg.Attachments)
	res.DriveLinks = len(msg.DriveLinks)
	return res, nil
}

// Recipient is an extracted username and, when such a user exists, their id.
type Recipient struct {
	Username string `json:"username"`
	UserID   string `json:"user_id,omitempty"`
}

// ResolveRecipients looks the usernames up; unknown ones come back without a
// user id, in the order given.
func (a *Email) ResolveRecipients(ctx context.Context, usernames []string) ([]Recipient, error) {
	rows, err := a.Store.GetUsersByUsernames(ctx, usernames)
	if err != nil {
		return nil, fmt.Errorf("look up users %v: %w", usernames, err)
	}
	ids := make(map[string]string, len(rows))
	for _, r := range rows {
		if r.Username != nil {
			ids[strings.ToLower(*r.Username)] = r.ID.String()
		}
	}
	out := make([]Recipient, 0, len(usernames))
	for _, u := range usernames {
		out = append(out, Recipient{Username: u, UserID: ids[strings.ToLower(u)]})
	}
	return out, nil
}

// StoreDocumentsInput names the message and the users who get a document.
type StoreDocumentsInput struct {
	MessageKey string      `json:"message_key"`
	Recipients []Recipient `json:"recipients"`
}

// StoredDocument is one user's document for a message.
type StoredDocument struct {
	DocumentID string `json:"document_id"`
	UserID     string `json:"user_id"`
	Username   string `json:"username"`
	// Created is false when the document already existed and was updated.
	Created bool `json:"created"`
	// ClassifyRevision names the version to classify; it grows only when
	// the content changed.
	ClassifyRevision int `json:"classify_revision"`
	// UnwatchedLinks counts the Drive files linked past the per-message
	// cap: stored with the document, not watched.
	UnwatchedLinks int `json:"unwatched_links,omitempty"`
}

// StoreDocuments writes one document per recipient from the parsed message,
// in one transaction. The documents' unique (owner, source, source_id) key
// makes a retry or a re-processing update them instead of adding copies.
func (a *Email) StoreDocuments(ctx context.Context, in StoreDocumentsInput) ([]StoredDocument, error) {
	msg, err := a.Store.GetParsedEmail(ctx, in.MessageKey)
	if store.IsNotFound(err) {
		return nil, nonRetryable(ErrTypeMessageMissing, err, "message %s is not stored", in.MessageKey)
	}
	if err != nil {
		return nil, fmt.Errorf("load parsed message %s: %w", in.MessageKey, err)
	}
	metadata, err := documentMetadata(in.MessageKey, msg.Parsed)
	if err != nil {
		return nil, err
	}
	links, err := driveLinks(in.MessageKey, msg.Parsed)
	if err != nil {
		return nil, err
	}
	watch := mail.WatchedLinks(links, a.WatchedLinksPerMessage)
	unwatched := 0
	for i, l := range links {
		if !watch[i] && l.Kind != mail.DriveKindFolder {
			unwatched++
		}
	}
	receivedAt := msg.ReceivedAt
	if msg.Source == "upload" && msg.SentAt != nil {
		// An upload's arrival time is when someone posted it; the Date header
		// is closer to when the mail was actually received.
		receivedAt = *msg.SentAt
	}
	title := msg.Subject
	if title == "" {
		title = "No Subject"
	}
	out := make([]StoredDocument, 0, len(in.Recipients))
	err = a.Store.InTx(ctx, func(q *db.Queries) error {
		out = out[:0]
		for _, r := range in.Recipients {
			owner, err := uuid.Parse(r.UserID)
			if err != nil {
				return nonRetryable(ErrTypeInvalidInput, err, "recipient %q has no valid user id", r.Username)
			}
			row, err := q.UpsertDocument(ctx, db.UpsertDocumentParams{
				OwnerID:    owner,
				Source:     msg.Source,
				SourceID:   in.MessageKey, // the Gmail id, or sha256:<hex> for uploads
				Type:       "email",
				Title:      title,
				Author:     msg.Sender,
				Content:    msg.BodyText,
				Metadata:   metadata,
				ReceivedAt: receivedAt,
			})
			if err != nil {
				return fmt.Errorf("store document for %s: %w", r.Username, err)
			}
			if err := storeLinks(ctx, q, row.ID, links, watch); err != nil {
				return fmt.Errorf("store Drive links of %s: %w", row.ID, err)
			}
			out = append(out, StoredDocument{
				DocumentID: row.ID.String(), UserID: r.UserID, Username: r.Username,
				Created: row.Inserted, ClassifyRevision: int(row.ClassifyRevision),
				UnwatchedLinks: unwatched,
			})
		}
		return nil
	})
	return out, err
}

// OutcomeInput is a message's terminal outcome, with one row per recipient
// (or one message-level row when there is no known recipient).
type OutcomeInput struct {
	MessageKey string           `json:"message_key"`
	WorkflowID string           `json:"workflow_id"`
	Status     string           `json:"status"`
	Reason     string           `json:"reason,omitempty"`
	Subject    string           `json:"subject,omitempty"`
	Sender     string           `json:"sender,omitempty"`
	Recipients []RecipientState `json:"recipients,omitempty"`
}

// RecipientState is the outcome for one extracted username.
type RecipientState struct {
	Username   string `json:"username"`
	UserID     string `json:"user_id,omitempty"`
	Status     string `json:"status"`
	DocumentID string `json:"document_id,omitempty"`
	Error      string `json:"error,omitempty"`
}

// RecordOutcome stores the message's terminal status and its processing log
// rows in one transaction; repeating it rewrites the same rows.
func (a *Email) RecordOutcome(ctx context.Context, in OutcomeInput) error {
	rows := in.Recipients
	if len(rows) == 0 {
		rows = []RecipientState{{Status: in.Status, Error: in.Reason}}
	}
	return a.Store.InTx(ctx, func(q *db.Queries) error {
		email, err := q.GetInboundEmail(ctx, in.MessageKey)
		if store.IsNotFound(err) {
			return nonRetryable(ErrTypeMessageMissing, err, "message %s is not stored", in.MessageKey)
		}
		if err != nil {
			return fmt.Errorf("load message %s: %w", in.MessageKey, err)
		}
		if err := q.SetInboundEmailStatus(ctx, db.SetInboundEmailStatusParams{
			MessageKey: in.MessageKey, Status: in.Status, StatusReason: in.Reason,
		}); err != nil {
			return fmt.Errorf("set status of %s: %w", in.MessageKey, err)
		}
		keep := make([]string, 0, len(rows))
		for _, r := range rows {
			keep = append(keep, r.Username)
			err := q.UpsertProcessingLog(ctx, db.UpsertProcessingLogParams{
				MessageKey:        in.MessageKey,
				InboundAddress:    a.Mailbox,
				ExtractedUsername: r.Username,
				UserID:            optionalUUID(r.UserID),
				Subject:           in.Subject,
				Sender:            in.Sender,
				ReceivedAt:        &email.ReceivedAt,
				Status:            r.Status,
				ErrorMessage:      r.Error,
				DocumentID:        optionalUUID(r.DocumentID),
				WorkflowID:        in.WorkflowID,
			})
			if err != nil {
				return fmt.Errorf("log outcome of %s for %q: %w", in.MessageKey, r.Username, err)
			}
		}
		return q.DeleteStaleProcessingLogs(ctx, db.DeleteStaleProcessingLogsParams{MessageKey: in.MessageKey, Keep: keep})
	})
}

func documentMetadata(messageKey string, parsed json.RawMessage) (json.RawMessage, error) {
	var m map[string]any
	if len(parsed) > 0 {
		if err := json.Unmarshal(parsed, &m); err != nil {
			return nil, fmt.Errorf("decode parsed message %s: %w", messageKey, err)
		}
	}
	if m == nil {
		m = map[string]any{}
	}
	m["message_key"] = messageKey
	out, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode metadata of %s: %w", messageKey, err)
	}
	return out, nil
}

// driveLinks reads the Drive links the parse step found.
func driveLinks(messageKey string, parsed json.RawMessage) ([]mail.DriveLink, error) {
	if len(parsed) == 0 {
		return nil, nil
	}
	var m struct {
		DriveLinks []mail.DriveLink `json:"drive_links"`
	}
	if err := json.Unmarshal(parsed, &m); err != nil {
		return nil, fmt.Errorf("decode parsed message %s: %w", messageKey, err)
	}
	return m.DriveLinks, nil
}

// storeLinks makes the document's links exactly links, in message order,
// each marked whether it asks for its file to be watched. One statement
// however many there are.
func storeLinks(ctx context.Context, q *db.Queries, documentID uuid.UUID, links []mail.DriveLink, watch []bool) error {
	p := db.UpsertDocumentLinksParams{
		DocumentID: documentID,
		FileIds:    make([]string, len(links)),
		Kinds:      make([]string, len(links)),
		Urls:       make([]string, len(links)),
		Watch:      watch,
		Positions:  make([]int32, len(links)),
	}
	for i, l := range links {
		p.FileIds[i], p.Kinds[i], p.Urls[i], p.Positions[i] = l.FileID, l.Kind, l.URL, int32(i)
	}
	if len(links) > 0 {
		if err := q.UpsertDocumentLinks(ctx, p); err != nil {
			return err
		}
	}
	return q.DeleteStaleDocumentLinks(ctx, db.DeleteStaleDocumentLinksParams{DocumentID: documentID, Keep: p.FileIds})
}

func optionalUUID(s string) *uuid.UUID {
	if s == "" {
		return nil
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return nil
	}
	return &id
}

func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// PlaceholderInput names a Gmail message that could not be fetched.
type PlaceholderInput struct {
	MessageKey string `json:"message_key"`
	Mailbox    string `json:"mailbox"`
}

// StorePlaceholder stores a placeholder for a Gmail message that cannot be
// fetched, so its terminal status has a row to live on; a later run's fetch
// replaces it with the message.
func (a *Email) StorePlaceholder(ctx context.Context, in PlaceholderInput) error {
	err := a.Store.InsertPlaceholderEmail(ctx, db.InsertPlaceholderEmailParams{MessageKey: in.MessageKey, Mailbox: in.Mailbox})
	if err != nil {
		return fmt.Errorf("store placeholder for %s: %w", in.MessageKey, err)
	}
	return nil
}
