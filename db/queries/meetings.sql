-- name: GetMeetingForSync :one
-- The stored meeting of an event, locked for the sync step that compares
-- it with the event's new state.
SELECT id, calendar_id, title, description, location, meeting_url, start_at, end_at, all_day, organizer_email,
       attendees, status, bot_status, auto_join, project_id, transcript_document_id, classify_revision
FROM meetings
WHERE owner_id = @owner_id AND event_id = @event_id
FOR UPDATE;

-- name: UpsertMeeting :one
-- One meeting per (owner, event id): a retried page or a full resync updates
-- it in place. A cancelled meeting whose event comes back is active again.
-- The classify revision grows when what the classifier reads changed.
INSERT INTO meetings (owner_id, calendar_id, event_id, recurring_event_id, ical_uid, title, description, location,
                      meeting_url, meeting_provider, start_at, end_at, all_day, start_date, end_date, time_zone,
                      organizer_email, organizer_name, attendees, virtual_usernames, event_status, html_link,
                      event_updated_at, seen_in_full_sync)
VALUES (@owner_id, @calendar_id, @event_id, @recurring_event_id, @ical_uid, @title, @description, @location,
        @meeting_url, @meeting_provider, @start_at, @end_at, @all_day, @start_date, @end_date, @time_zone,
        @organizer_email, @organizer_name, @attendees, @virtual_usernames, @event_status, @html_link,
        @event_updated_at, @seen_in_full_sync)
ON CONFLICT (owner_id, event_id) DO UPDATE
SET calendar_id        = EXCLUDED.calendar_id,
    recurring_event_id = EXCLUDED.recurring_event_id,
    ical_uid           = EXCLUDED.ical_uid,
    title              = EXCLUDED.title,
    description        = EXCLUDED.description,
    location           = EXCLUDED.location,
    meeting_url        = EXCLUDED.meeting_url,
    meeting_provider   = EXCLUDED.meeting_provider,
    start_at           = EXCLUDED.start_at,
    end_at             = EXCLUDED.end_at,
    all_day            = EXCLUDED.all_day,
    start_date         = EXCLUDED.start_date,
    end_date           = EXCLUDED.end_date,
    time_zone          = EXCLUDED.time_zone,
    organizer_email    = EXCLUDED.organizer_email,
    organizer_name     = EXCLUDED.organizer_name,
    attendees          = EXCLUDED.attendees,
    virtual_usernames  = EXCLUDED.virtual_usernames,
    event_status       = EXCLUDED.event_status,
    html_link          = EXCLUDED.html_link,
    event_updated_at   = EXCLUDED.event_updated_at,
    status             = 'active',
    status_reason      = '',
    cancelled_at       = NULL,
    classify_revision  = meetings.classify_revision + CASE WHEN @reclassify::boolean THEN 1 ELSE 0 END,
    seen_in_full_sync  = GREATEST(meetings.seen_in_full_sync, EXCLUDED.seen_in_full_sync),
    last_synced_at     = now(),
    updated_at         = now()
RETURNING id, classify_revision, bot_status, (xmax = 0)::boolean AS inserted;

-- name: MarkMeetingSeen :exec
-- A full sync saw an unchanged event.
UPDATE meetings SET seen_in_full_sync = GREATEST(seen_in_full_sync, @seen_in_full_sync::bigint)
WHERE id = @id;

-- name: MarkMeetingCancelled :exec
UPDATE meetings
SET status = 'cancelled', status_reason = @status_reason, cancelled_at = now(), updated_at = now()
WHERE id = @id;

-- name: DeleteMeeting :exec
DELETE FROM meetings WHERE id = @id;

-- name: ListSeriesMeetings :many
-- The active instances of a recurring event, for a cancelled series.
SELECT event_id FROM meetings
WHERE owner_id = @owner_id AND calendar_id = @calendar_id AND recurring_event_id = @recurring_event_id
  AND status = 'active'
ORDER BY start_at;

-- name: ListUnseenMeetings :many
-- Active meetings inside a full sync's window that the sync did not see:
-- their events are gone (deleted while no sync token could tell).
SELECT event_id FROM meetings
WHERE owner_id = @owner_id AND calendar_id = @calendar_id AND status = 'active'
  AND seen_in_full_sync < @full_sync_mark::bigint
  AND end_at > @window_start AND start_at < @window_end
ORDER BY start_at;

-- name: ListMeetingsForBotReview :many
-- The upcoming meetings of a calendar (or one of them), with what decides
-- whether they want the notetaker.
SELECT m.id, m.end_at, m.event_status, m.virtual_usernames, m.auto_join, m.bot_status,
       COALESCE(u.username, '')::text AS owner_username, u.auto_join_meetings
FROM meetings m
JOIN users u ON u.id = m.owner_id
WHERE m.owner_id = @owner_id AND m.calendar_id = @calendar_id AND m.status = 'active' AND m.end_at > @after
  AND (sqlc.narg(meeting_id)::uuid IS NULL OR m.id = sqlc.narg(meeting_id)::uuid)
ORDER BY m.start_at;

-- name: RecordMeetingBotIntent :execrows
-- The notetaker is wanted (the calendar workflow's bot call site). A meeting
-- whose bot is already under way keeps its status.
UPDATE meetings SET bot_status = 'pending', bot_reason = @bot_reason, bot_status_reason = '', updated_at = now()
WHERE id = @id AND bot_status IN ('none', 'cancelled');

-- name: CancelMeetingBotIntent :execrows
-- The notetaker is no longer wanted (meeting cancelled, address removed,
-- auto-join off) before any bot was scheduled.
UPDATE meetings SET bot_status = 'cancelled', bot_status_reason = @bot_status_reason, updated_at = now()
WHERE id = @id AND bot_status = 'pending';

-- name: GetMeetingForClassification :one
SELECT id, owner_id, title, description, location, organizer_email, organizer_name, attendees, start_at,
       status, classification_source, classify_revision, project_id
FROM meetings WHERE id = @id;

-- name: UpsertMeetingDecision :one
INSERT INTO classification_decisions (meeting_id, revision, path, classifier, project_id, confidence, matched_tags,
                                      inferred_tags, reason, candidates, tokens_in, tokens_out, latency_ms, applied)
VALUES (@meeting_id::uuid, @revision, @path, @classifier, @project_id, @confidence, @matched_tags,
        @inferred_tags, @reason, @candidates, @tokens_in, @tokens_out, @latency_ms, @applied)
ON CONFLICT (meeting_id, revision, path) WHERE meeting_id IS NOT NULL DO UPDATE
SET classifier = EXCLUDED.classifier, project_id = EXCLUDED.project_id, confidence = EXCLUDED.confidence,
    matched_tags = EXCLUDED.matched_tags, inferred_tags = EXCLUDED.inferred_tags, reason = EXCLUDED.reason,
    candidates = EXCLUDED.candidates, tokens_in = EXCLUDED.tokens_in, tokens_out = EXCLUDED.tokens_out,
    latency_ms = EXCLUDED.latency_ms, applied = EXCLUDED.applied, created_at = now()
RETURNING id;

-- name: ApplyMeetingClassification :execrows
-- An automatic decision lands only on the revision it was made for, and
-- never over the owner's own choice.
UPDATE meetings
SET project_id = @project_id, classification_source = @classification_source, confidence = @confidence,
    classified_at = now(), updated_at = now()
WHERE id = @id AND classify_revision = @revision AND classification_source <> 'manual';

-- name: AssignMeetingProject :exec
-- The owner's choice (a project, or none): it stands until they change it.
UPDATE meetings
SET project_id = @project_id, classification_source = 'manual', confidence = 1, classified_at = now(),
    updated_at = now()
WHERE id = @id AND owner_id = @owner_id;

-- name: ListMeetingDecisions :many
SELECT id, revision, path, classifier, project_id, confidence, matched_tags, inferred_tags, reason,
       tokens_in, tokens_out, latency_ms, applied, created_at
FROM classification_decisions
WHERE meeting_id = @meeting_id::uuid
ORDER BY created_at DESC;

-- name: GetMeetingForOwner :one
SELECT * FROM meetings WHERE id = @id AND owner_id = @owner_id;

-- name: ListMeetingsForOwner :many
-- Keyset pagination by (start_at, id), soonest first. A meeting is in the
-- [from, to) range when it overlaps it.
SELECT * FROM meetings
WHERE owner_id = @owner_id
  AND (sqlc.narg(from_time)::timestamptz IS NULL OR end_at > sqlc.narg(from_time)::timestamptz)
  AND (sqlc.narg(to_time)::timestamptz IS NULL OR start_at < sqlc.narg(to_time)::timestamptz)
  AND (sqlc.narg(project_id)::uuid IS NULL OR project_id = sqlc.narg(project_id)::uuid)
  AND (sqlc.narg(bot_status)::text IS NULL OR bot_status = sqlc.narg(bot_status)::text)
  AND (@status::text = 'all' OR status = @status::text)
  AND (sqlc.narg(after_start)::timestamptz IS NULL
       OR (start_at, id) > (sqlc.narg(after_start)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY start_at, id
LIMIT @max_rows;

-- name: SetMeetingAutoJoin :exec
UPDATE meetings SET auto_join = sqlc.narg(auto_join), updated_at = now()
WHERE id = @id AND owner_id = @owner_id;
