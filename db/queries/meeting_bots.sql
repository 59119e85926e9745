-- name: GetMeetingForBot :one
-- What a meeting's bot workflow needs to schedule, move or cancel its bot
-- and to write the transcript document.
SELECT m.id, m.owner_id, m.calendar_id, m.title, m.meeting_url, m.meeting_provider, m.start_at, m.end_at, m.all_day,
       m.time_zone, m.organizer_email, m.organizer_name, m.attendees, m.status, m.status_reason, m.auto_join,
       m.bot_status, m.bot_status_reason, m.bot_reason, m.bot_id, m.bot_raw_state, m.project_id,
       m.transcript_document_id, m.adhoc,
       u.email AS owner_email, u.name AS owner_name
FROM meetings m
JOIN users u ON u.id = m.owner_id
WHERE m.id = @id;

-- name: SetMeetingBotStatus :exec
-- The one write of a meeting's bot status (see internal/notetaker
-- SetBotStatus). NULL arguments keep what is stored.
UPDATE meetings
SET bot_status          = @bot_status,
    bot_status_reason   = @bot_status_reason,
    bot_reason          = COALESCE(sqlc.narg(bot_reason)::text, bot_reason),
    bot_id              = COALESCE(sqlc.narg(bot_id)::text, bot_id),
    bot_raw_state       = COALESCE(sqlc.narg(raw_state)::text, bot_raw_state),
    bot_raw_sub_state   = COALESCE(sqlc.narg(raw_sub_state)::text, bot_raw_sub_state),
    bot_join_at         = CASE WHEN @set_join_at::boolean THEN sqlc.narg(join_at)::timestamptz ELSE bot_join_at END,
    bot_last_webhook_at = COALESCE(sqlc.narg(webhook_at)::timestamptz, bot_last_webhook_at),
    bot_last_poll_at    = COALESCE(sqlc.narg(poll_at)::timestamptz, bot_last_poll_at),
    bot_status_at       = now(),
    updated_at          = now()
WHERE id = @id;

-- name: GetMeetingBotStatus :one
SELECT bot_status, bot_status_reason, bot_id FROM meetings WHERE id = @id FOR UPDATE;

-- name: LinkTranscriptDocument :exec
UPDATE meetings SET transcript_document_id = @document_id, updated_at = now() WHERE id = @id;

-- name: GetMeetingHintForDocument :one
-- The meeting whose transcript a document is: its project is the
-- transcript's strongest classification hint.
SELECT id, project_id, classification_source, confidence
FROM meetings WHERE transcript_document_id = @document_id
LIMIT 1;

-- name: UpsertAdhocMeeting :one
-- An ad-hoc meeting (not in any calendar). The event id is derived from
-- the request, so the same request twice is the same meeting.
INSERT INTO meetings (owner_id, calendar_id, event_id, title, meeting_url, meeting_provider, start_at, end_at,
                      organizer_email, organizer_name, event_status, adhoc, auto_join, bot_reason)
VALUES (@owner_id, '', @event_id, @title, @meeting_url, @meeting_provider, @start_at, @end_at,
        @organizer_email, @organizer_name, 'accepted', true, true, 'requested')
ON CONFLICT (owner_id, event_id) DO UPDATE SET updated_at = now()
RETURNING id, bot_status, (xmax = 0)::boolean AS inserted;

-- name: FindMeetingByBotID :one
SELECT id, owner_id FROM meetings WHERE bot_id = @bot_id LIMIT 1;

-- name: GetMeetingOwner :one
SELECT id, owner_id, bot_id FROM meetings WHERE id = @id;

-- name: RecordAttendeeWebhook :one
-- A delivery arrives. A repeated idempotency key counts the delivery and
-- returns the outcome of the first, so the webhook can tell a redelivery
-- of something already handed on from one that still has to be.
INSERT INTO attendee_webhook_logs (idempotency_key, bot_id, meeting_id, trigger, new_state, event_type, event_sub_type)
VALUES (@idempotency_key, @bot_id, sqlc.narg(meeting_id), @trigger, @new_state, @event_type, @event_sub_type)
ON CONFLICT (idempotency_key) DO UPDATE
SET deliveries = attendee_webhook_logs.deliveries + 1, updated_at = now()
RETURNING outcome, deliveries;

-- name: SetAttendeeWebhookOutcome :exec
UPDATE attendee_webhook_logs
SET outcome = @outcome, meeting_id = COALESCE(sqlc.narg(meeting_id), meeting_id), updated_at = now()
WHERE idempotency_key = @idempotency_key;

-- name: ListAttendeeWebhooksForMeeting :many
SELECT idempotency_key, bot_id, trigger, new_state, event_type, event_sub_type, outcome, deliveries, received_at
FROM attendee_webhook_logs
WHERE meeting_id = @meeting_id
ORDER BY received_at DESC
LIMIT @max_rows;
