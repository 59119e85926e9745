-- name: EnsureMailbox :one
INSERT INTO mailboxes (address) VALUES (@address)
ON CONFLICT (address) DO UPDATE SET address = EXCLUDED.address
RETURNING *;

-- name: GetMailbox :one
SELECT * FROM mailboxes WHERE address = @address;

-- name: ListMailboxes :many
SELECT * FROM mailboxes ORDER BY address;

-- name: SaveMailboxCursor :exec
UPDATE mailboxes
SET history_id = @history_id, updated_at = now()
WHERE address = @address;

-- name: RecordMailboxActivity :exec
-- Times of the last push, poll and resync, for operators; NULL keeps a value.
UPDATE mailboxes
SET last_push_at   = COALESCE(sqlc.narg(last_push_at)::timestamptz, last_push_at),
    last_poll_at   = COALESCE(sqlc.narg(last_poll_at)::timestamptz, last_poll_at),
    last_resync_at = COALESCE(sqlc.narg(last_resync_at)::timestamptz, last_resync_at),
    updated_at     = now()
WHERE address = @address;

-- name: RecordMailboxWatch :exec
UPDATE mailboxes
SET watch_history_id = @watch_history_id, watch_expiration = @watch_expiration, updated_at = now()
WHERE address = @address;

-- name: ListUnmarkedMessages :many
-- Gmail messages of a mailbox that reached a terminal status but are not yet
-- labelled in the mailbox, oldest first.
SELECT message_key FROM inbound_emails
WHERE source = 'gmail' AND mailbox = @mailbox AND mailbox_marked_at IS NULL AND status <> 'pending'
ORDER BY processed_at
LIMIT @max_rows;

-- name: SetMessagesMarked :exec
UPDATE inbound_emails SET mailbox_marked_at = now()
WHERE message_key = ANY (@message_keys::text[]);

-- name: InboundEmailExists :one
SELECT EXISTS (SELECT 1 FROM inbound_emails WHERE message_key = @message_key);

-- name: InboundEmailHasRaw :one
-- Whether the message is stored with its raw: a placeholder (a message that
-- could not be fetched) does not count, so a re-run fetches it again.
SELECT EXISTS (SELECT 1 FROM inbound_emails WHERE message_key = @message_key AND NOT placeholder);

-- name: ListFinishedMessages :many
-- Which of these messages reached a terminal status: how a mailbox run
-- follows the runs an earlier run handed over at continue-as-new.
SELECT message_key FROM inbound_emails
WHERE message_key = ANY (@message_keys::text[]) AND status <> 'pending';

-- name: SetMailboxAccessError :exec
-- What Gmail said when it refused the mailbox's credentials; the time is that
-- of the first refusal in a row.
UPDATE mailboxes
SET access_error    = @access_error,
    access_error_at = COALESCE(access_error_at, now()),
    updated_at      = now()
WHERE address = @address;

-- name: ClearMailboxAccessError :exec
UPDATE mailboxes
SET access_error = '', access_error_at = NULL, updated_at = now()
WHERE address = @address AND (access_error <> '' OR access_error_at IS NOT NULL);

-- name: NewestMailboxMessageAt :one
-- Where a full resync starts: the internalDate of the newest stored message.
SELECT received_at FROM inbound_emails WHERE source = 'gmail' AND mailbox = @mailbox
ORDER BY received_at DESC LIMIT 1;
