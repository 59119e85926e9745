-- name: InsertInboundEmail :one
-- Idempotent on message_key: a re-post or a retried fetch returns the row that
-- is already there, and `inserted` says which case it was.
INSERT INTO inbound_emails (message_key, source, mailbox, sha256, raw, size_bytes, received_at)
VALUES (@message_key, @source, @mailbox, @sha256, @raw, @size_bytes, @received_at)
ON CONFLICT (message_key) DO UPDATE SET message_key = EXCLUDED.message_key
RETURNING id, message_key, status, revision, (xmax = 0)::boolean AS inserted;

-- name: StoreFetchedEmail :execrows
-- A fetched Gmail message: inserted, or written over its placeholder (a
-- message an earlier run could not fetch). A row that already holds the raw
-- is left alone, and no row is affected.
INSERT INTO inbound_emails (message_key, source, mailbox, sha256, raw, size_bytes, received_at)
VALUES (@message_key, 'gmail', @mailbox, @sha256, @raw, @size_bytes, @received_at)
ON CONFLICT (message_key) DO UPDATE
SET mailbox     = EXCLUDED.mailbox,
    sha256      = EXCLUDED.sha256,
    raw         = EXCLUDED.raw,
    size_bytes  = EXCLUDED.size_bytes,
    received_at = EXCLUDED.received_at,
    placeholder = false
WHERE inbound_emails.placeholder;

-- name: InsertPlaceholderEmail :exec
-- The row of a Gmail message that could not be fetched, so its terminal
-- status has somewhere to live. A stored message is never replaced by one.
INSERT INTO inbound_emails (message_key, source, mailbox, sha256, raw, size_bytes, received_at, placeholder)
VALUES (@message_key, 'gmail', @mailbox, '', ''::bytea, 0, now(), true)
ON CONFLICT (message_key) DO NOTHING;

-- name: GetInboundEmailRaw :one
-- The raw bytes come back only when they are within max_bytes, so a message
-- that is too large to parse is never loaded into the worker's memory.
SELECT message_key, source, mailbox, size_bytes, received_at,
       (CASE WHEN size_bytes <= @max_bytes::bigint THEN raw END)::bytea AS raw
FROM inbound_emails WHERE message_key = @message_key;

-- name: GetInboundEmail :one
SELECT id, message_key, source, mailbox, sha256, size_bytes, received_at, subject, sender, sent_at,
       parsed, status, status_reason, revision, processed_at, created_at
FROM inbound_emails WHERE message_key = @message_key;

-- name: SaveParsedEmail :exec
UPDATE inbound_emails
SET subject = @subject, sender = @sender, sent_at = @sent_at, body_text = @body_text, parsed = @parsed
WHERE message_key = @message_key;

-- name: GetParsedEmail :one
SELECT message_key, source, subject, sender, sent_at, received_at, body_text, parsed
FROM inbound_emails WHERE message_key = @message_key;

-- name: SetInboundEmailStatus :exec
UPDATE inbound_emails
SET status = @status, status_reason = @status_reason, processed_at = now()
WHERE message_key = @message_key;

-- name: BumpInboundEmailRevision :one
-- Re-processing runs under the next revision; the message is pending again
-- until that run records its outcome.
UPDATE inbound_emails
SET revision = revision + 1, status = 'pending', status_reason = ''
WHERE message_key = @message_key
RETURNING revision;
