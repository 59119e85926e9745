-- name: RegisterCalendar :exec
-- The calendar's workflow started (or started again after an unwatch).
INSERT INTO calendars (owner_id, calendar_id) VALUES (@owner_id, @calendar_id)
ON CONFLICT (owner_id, calendar_id) DO UPDATE
SET active = true, ended_reason = '', last_error = '', updated_at = now();

-- name: SaveCalendarSyncToken :exec
-- Written by the calendar's workflow only, after every event of the last page
-- is stored. An empty token discards the cursor (410 Gone).
UPDATE calendars
SET sync_token               = @sync_token,
    sync_token_at            = CASE WHEN @sync_token::text = '' THEN NULL ELSE now() END,
    summary                  = COALESCE(NULLIF(@summary::text, ''), summary),
    time_zone                = COALESCE(NULLIF(@time_zone::text, ''), time_zone),
    last_full_sync_at        = CASE WHEN @full_sync::boolean THEN now() ELSE last_full_sync_at END,
    last_incremental_sync_at = CASE WHEN @full_sync::boolean OR @sync_token::text = '' THEN last_incremental_sync_at ELSE now() END,
    last_error               = '',
    updated_at               = now()
WHERE owner_id = @owner_id AND calendar_id = @calendar_id;

-- name: RecordCalendarTimes :exec
UPDATE calendars
SET last_webhook_at = COALESCE(sqlc.narg(webhook_at)::timestamptz, last_webhook_at),
    last_poll_at    = COALESCE(sqlc.narg(poll_at)::timestamptz, last_poll_at),
    updated_at      = now()
WHERE owner_id = @owner_id AND calendar_id = @calendar_id;

-- name: SetCalendarError :exec
UPDATE calendars SET last_error = @last_error, updated_at = now()
WHERE owner_id = @owner_id AND calendar_id = @calendar_id;

-- name: EndCalendar :exec
-- The calendar is no longer watched (unwatched, disconnected, access lost);
-- its cursor is dropped, so a new watch starts with a full sync.
UPDATE calendars
SET active = false, ended_reason = @ended_reason, sync_token = '', sync_token_at = NULL, updated_at = now()
WHERE owner_id = @owner_id AND calendar_id = @calendar_id;

-- name: GetCalendar :one
SELECT * FROM calendars WHERE owner_id = @owner_id AND calendar_id = @calendar_id;

-- name: ListCalendarsForOwner :many
SELECT * FROM calendars WHERE owner_id = @owner_id ORDER BY active DESC, calendar_id;

-- name: ListActiveCalendarsForOwner :many
SELECT calendar_id FROM calendars WHERE owner_id = @owner_id AND active ORDER BY calendar_id;

-- name: GetCalendarChannel :one
SELECT * FROM calendar_channels WHERE channel_id = @channel_id;

-- name: AddCalendarChannelToken :exec
-- Stored before events.watch is called: Google sends the channel's first
-- ("sync") notification while the call is still answering.
INSERT INTO calendar_channels (channel_id, owner_id, calendar_id, token_hashes, expiration)
VALUES (@channel_id, @owner_id, @calendar_id, ARRAY[@token_hash::bytea], @expiration)
ON CONFLICT (channel_id) DO UPDATE
SET token_hashes = array_append(calendar_channels.token_hashes, @token_hash::bytea),
    expiration   = EXCLUDED.expiration;

-- name: SetCalendarChannelOpened :exec
UPDATE calendar_channels SET resource_id = @resource_id, expiration = @expiration, active = true
WHERE channel_id = @channel_id;

-- name: LearnCalendarChannelResource :exec
-- A sync notification tells the resource id of a channel whose events.watch
-- answer was lost.
UPDATE calendar_channels SET resource_id = @resource_id
WHERE channel_id = @channel_id AND resource_id = '';

-- name: DeactivateCalendarChannel :exec
UPDATE calendar_channels SET active = false WHERE channel_id = @channel_id;

-- name: CalendarWebhookSeen :one
SELECT EXISTS (SELECT 1 FROM calendar_webhook_logs WHERE channel_id = @channel_id AND message_number = @message_number);

-- name: InsertCalendarWebhookLog :execrows
INSERT INTO calendar_webhook_logs (channel_id, message_number, owner_id, calendar_id, resource_state, outcome)
VALUES (@channel_id, @message_number, @owner_id, @calendar_id, @resource_state, @outcome)
ON CONFLICT (channel_id, message_number) DO NOTHING;

-- name: SetAutoJoinMeetings :one
UPDATE users SET auto_join_meetings = @auto_join_meetings, updated_at = now()
WHERE id = @id
RETURNING *;

-- name: ConnectedUsersWithoutCalendars :many
-- Users who connected Google but never had a calendar watched (connected
-- before the calendar pipeline existed): the worker watches their primary
-- calendar. A calendar the user unwatched has a row and is left alone.
SELECT g.user_id FROM google_credentials g
WHERE NOT EXISTS (SELECT 1 FROM calendars c WHERE c.owner_id = g.user_id)
ORDER BY g.user_id;
