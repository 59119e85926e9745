-- +goose Up

-- One row per Gmail mailbox BeSunny reads. history_id is the cursor of
-- history.list; only the mailbox's MailboxWorkflow writes it, and only after
-- a ProcessEmailWorkflow has been started for every message up to it.
CREATE TABLE mailboxes (
    address           text PRIMARY KEY,
    history_id        text NOT NULL DEFAULT '',
    watch_history_id  text NOT NULL DEFAULT '',
    watch_expiration  timestamptz,
    last_push_at      timestamptz,
    last_poll_at      timestamptz,
    last_resync_at    timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- When the message was labelled (and marked read) in its mailbox. Marks are
-- batched (messages.batchModify), so the mailbox workflow finds the messages
-- that reached a terminal status but are not marked yet here.
ALTER TABLE inbound_emails ADD COLUMN mailbox_marked_at timestamptz;
CREATE INDEX inbound_emails_unmarked_idx ON inbound_emails (mailbox, processed_at)
    WHERE source = 'gmail' AND mailbox_marked_at IS NULL AND status <> 'pending';

-- Where a full resync starts: the newest stored message of a mailbox.
CREATE INDEX inbound_emails_mailbox_received_idx ON inbound_emails (mailbox, received_at DESC) WHERE source = 'gmail';

-- +goose Down
DROP INDEX inbound_emails_mailbox_received_idx;
DROP INDEX inbound_emails_unmarked_idx;
ALTER TABLE inbound_emails DROP COLUMN mailbox_marked_at;
DROP TABLE mailboxes;
