-- name: LockGmailQuotaWindow :one
-- Locks the mailbox's window (creating it) until the transaction ends, and
-- reads it with the database's clock, which every worker shares.
INSERT INTO gmail_quota_windows (mailbox) VALUES (@mailbox)
ON CONFLICT (mailbox) DO UPDATE SET mailbox = EXCLUDED.mailbox
RETURNING (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS now_us, spent_at_us, spent_units;

-- name: SaveGmailQuotaWindow :exec
UPDATE gmail_quota_windows
SET spent_at_us = @spent_at_us::bigint[], spent_units = @spent_units::integer[]
WHERE mailbox = @mailbox;
