package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/besunny/workflows/internal/db"
	"github.com/besunny/workflows/internal/store"
)

// Mailboxes keeps the mailbox workflows' durable state in PostgreSQL: the
// history cursor, the watch, and times an operator wants to see.
type Mailboxes struct {
	Store  *store.Store
	Config MailboxSettings
}

// MailboxState is the stored state of a mailbox.
type MailboxState struct {
	HistoryID       string     `json:"history_id,omitempty"`
	WatchExpiration *time.Time `json:"watch_expiration,omitempty"`
	// WatchHistoryID is the mailbox's history id when its push watch was
	// last (re)started: mail after it is pushed.
	WatchHistoryID string `json:"watch_history_id,omitempty"`
}

// LoadMailbox returns the mailbox's stored state, creating its row if new.
func (a *Mailboxes) LoadMailbox(ctx context.Context, address string) (MailboxState, error) {
	m, err := a.Store.EnsureMailbox(ctx, address)
	if err != nil {
		return MailboxState{}, fmt.Errorf("load mailbox %s: %w", address, err)
	}
	return MailboxState{HistoryID: m.HistoryID, WatchExpiration: m.WatchExpiration, WatchHistoryID: m.WatchHistoryID}, nil
}

// NewestMessageAt returns the internalDate of the mailbox's newest stored
// message (nil when there is none): where a full resync starts.
func (a *Mailboxes) NewestMessageAt(ctx context.Context, address string) (*time.Time, error) {
	newest, err := a.Store.NewestMailboxMessageAt(ctx, address)
	if store.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("newest message of %s: %w", address, err)
	}
	return &newest, nil
}

// FinishedMessages returns which of the messages reached a terminal
// status: how a mailbox run follows the runs its predecessor handed over.
func (a *Mailboxes) FinishedMessages(ctx context.Context, messageKeys []string) ([]string, error) {
	keys, err := a.Store.ListFinishedMessages(ctx, messageKeys)
	if err != nil {
		return nil, fmt.Errorf("finished messages: %w", err)
	}
	return keys, nil
}

// CursorInput is a mailbox's new history cursor.
type CursorInput struct {
	Address   string `json:"address"`
	HistoryID string `json:"history_id"`
}

// SaveCursor persists the history cursor.
func (a *Mailboxes) SaveCursor(ctx context.Context, in CursorInput) error {
	err := a.Store.SaveMailboxCursor(ctx, db.SaveMailboxCursorParams{Address: in.Address, HistoryID: in.HistoryID})
	if err != nil {
		return fmt.Errorf("save cursor of %s: %w", in.Address, err)
	}
	return nil
}

// ActivityInput records when the mailbox was last pushed, polled or resynced.
type ActivityInput struct {
	Address  string     `json:"address"`
	PushAt   *time.Time `json:"push_at,omitempty"`
	PollAt   *time.Time `json:"poll_at,omitempty"`
	ResyncAt *time.Time `json:"resync_at,omitempty"`
}

// RecordActivity stores the times of the last push, poll and resync.
func (a *Mailboxes) RecordActivity(ctx context.Context, in ActivityInput) error {
	err := a.Store.RecordMailboxActivity(ctx, db.RecordMailboxActivityParams{
		Address: in.Address, LastPushAt: in.PushAt, LastPollAt: in.PollAt, LastResyncAt: in.ResyncAt,
	})
	if err != nil {
		return fmt.Errorf("record activity of %s: %w", in.Address, err)
	}
	return nil
}

// WatchRecord is a watch's answer to store.
type WatchRecord struct {
	Address string      `json:"address"`
	Watch   WatchResult `json:"watch"`
}

// RecordWatch stores the watch's history id and expiration.
func (a *Mailboxes) RecordWatch(ctx context.Context, in WatchRecord) error {
	exp := in.Watch.Expiration
	err := a.Store.RecordMailboxWatch(ctx, db.RecordMailboxWatchParams{Address: in.Address, WatchHistoryID: in.Watch.HistoryID, WatchExpiration: &exp})
	if err != nil {
		return fmt.Errorf("record watch of %s: %w", in.Address, err)
	}
	return nil
}

// ListMailboxes returns the addresses of every known mailbox with their
// watch expiration.
func (a *Mailboxes) ListMailboxes(ctx context.Context) ([]MailboxWatch, error) {
	rows, err := a.Store.Queries.ListMailboxes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list mailboxes: %w", err)
	}
	out := make([]MailboxWatch, 0, len(rows))
	for _, r := range rows {
		out = append(out, MailboxWatch{Address: r.Address, WatchExpiration: r.WatchExpiration})
	}
	return out, nil
}

// MailboxWatch is a mailbox and when its push watch expires.
type MailboxWatch struct {
	Address         string     `json:"address"`
	WatchExpiration *time.Time `json:"watch_expiration,omitempty"`
}
