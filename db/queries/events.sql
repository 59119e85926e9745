-- name: EventsAfter :many
-- What the listener missed, in commit order (ids are drawn in commit order,
-- see 00013_events.sql), one page at a time.
SELECT * FROM events WHERE id > @after ORDER BY id LIMIT @max_rows;

-- name: UserEventsBetween :many
-- A resuming subscriber's replay: one user's events after its last id and
-- up to where the live stream takes over.
SELECT * FROM events
WHERE user_id = @user_id AND id > @after AND id <= @through
ORDER BY id LIMIT @max_rows;

-- name: AllEventsBetween :many
-- The service role's replay of every user's events.
SELECT * FROM events WHERE id > @after AND id <= @through ORDER BY id LIMIT @max_rows;

-- name: LatestEventID :one
SELECT COALESCE(max(id), 0)::bigint FROM events;

-- name: EventsPrunedThrough :one
SELECT pruned_through FROM events_retention;

-- name: PruneEvents :one
-- Deletes a batch of events older than the retention and remembers the
-- newest id deleted, so a client resuming from before it is told to resync.
WITH doomed AS (
    SELECT ev.id FROM events ev WHERE ev.created_at < @older_than::timestamptz ORDER BY ev.id LIMIT @max_rows
), gone AS (
    DELETE FROM events e USING doomed WHERE e.id = doomed.id RETURNING e.id
)
UPDATE events_retention
SET pruned_through = GREATEST(pruned_through, COALESCE((SELECT max(id) FROM gone), 0)),
    pruned_at      = now()
RETURNING (SELECT count(*) FROM gone)::bigint AS deleted, pruned_through;

-- name: InsertEventTicket :exec
INSERT INTO event_tickets (token_hash, user_id, role, email, auth_expires_at, expires_at)
VALUES (@token_hash, @user_id, @role, @email, @auth_expires_at, @expires_at);

-- name: TakeEventTicket :one
-- A ticket works once, on any replica: taking it deletes it.
DELETE FROM event_tickets WHERE token_hash = @token_hash AND expires_at > now()
RETURNING user_id, role, email, auth_expires_at;

-- name: DeleteExpiredEventTickets :execrows
DELETE FROM event_tickets WHERE expires_at < now();
