package activities

import (
	"context"
	"time"
)

// MailboxSettings are the worker's Gmail settings, read by each mailbox run
// at its start, so a changed setting applies from the next run on.
type MailboxSettings struct {
	PollInterval time.Duration `json:"poll_interval"`
	MaxInFlight  int           `json:"max_in_flight"`
	// FetchDeadline bounds the retries of one message's fetch; the mailbox
	// hands it to each message's run.
	FetchDeadline  time.Duration `json:"fetch_deadline,omitempty"`
	MarkAction     string        `json:"mark_action"`
	ProcessedLabel string        `json:"processed_label"`
	PubSubTopic    string        `json:"pubsub_topic,omitempty"`
	// InboundMailbox is the master mailbox this worker serves.
	InboundMailbox string `json:"inbound_mailbox"`
}

// MailboxSettings returns the mailbox settings this worker was configured with.
func (a *Mailboxes) MailboxSettings(context.Context) (MailboxSettings, error) {
	return a.Config, nil
}
