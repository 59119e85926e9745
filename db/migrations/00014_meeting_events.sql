-- +goose Up

-- Live events of meetings and their notetakers (the template at the end of
-- 00013_events.sql): meeting.created, meeting.updated, meeting.cancelled,
-- meeting.deleted and bot.status_changed, written by a deferred constraint
-- trigger through besunny_emit_event in the transaction of the change.
--
-- Whose: a meetings row has exactly one owner (UNIQUE (owner_id, event_id);
-- an event on the calendars of two users is two rows, each with its own
-- response, project and bot), so every event goes to the row's owner_id and
-- one user's change or Google answer never reaches the other's stream.
--
-- meeting.updated is sent only when something the owner sees changed. The
-- bookkeeping columns (seen_in_full_sync, last_synced_at, updated_at,
-- event_updated_at, ical_uid, classify_revision, classified_at alone) and
-- the notetaker's own columns (bot_*: bot.status_changed reports those) are
-- not: a full sync that re-reads an unchanged calendar announces nothing.
-- Its data lists what changed (`changed`), so a page can refresh only that.
-- +goose StatementBegin
CREATE FUNCTION besunny_meeting_summary(m meetings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'meeting_id', m.id, 'calendar_id', m.calendar_id, 'event_id', m.event_id, 'title', left(m.title, 200),
        'meeting_url', m.meeting_url, 'meeting_provider', m.meeting_provider, 'start', m.start_at, 'end', m.end_at,
        'all_day', m.all_day, 'status', m.status, 'project_id', m.project_id, 'bot_status', m.bot_status,
        'adhoc', m.adhoc)
$$;
-- +goose StatementEnd

-- besunny_meeting_changes names the user-visible fields that differ, in a
-- fixed order (empty: nothing the owner sees).
-- +goose StatementBegin
CREATE FUNCTION besunny_meeting_changes(o meetings, n meetings) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    changed text[] := '{}';
BEGIN
    IF n.title IS DISTINCT FROM o.title THEN changed := changed || 'title'::text; END IF;
    IF n.description IS DISTINCT FROM o.description THEN changed := changed || 'description'::text; END IF;
    IF n.location IS DISTINCT FROM o.location THEN changed := changed || 'location'::text; END IF;
    IF (n.meeting_url, n.meeting_provider) IS DISTINCT FROM (o.meeting_url, o.meeting_provider) THEN
        changed := changed || 'meeting_url'::text;
    END IF;
    IF (n.start_at, n.end_at, n.all_day, n.start_date, n.end_date, n.time_zone)
       IS DISTINCT FROM (o.start_at, o.end_at, o.all_day, o.start_date, o.end_date, o.time_zone) THEN
        changed := changed || 'time'::text;
    END IF;
    IF (n.organizer_email, n.organizer_name) IS DISTINCT FROM (o.organizer_email, o.organizer_name) THEN
        changed := changed || 'organizer'::text;
    END IF;
    IF (n.attendees, n.virtual_usernames) IS DISTINCT FROM (o.attendees, o.virtual_usernames) THEN
        changed := changed || 'attendees'::text;
    END IF;
    IF n.event_status IS DISTINCT FROM o.event_status THEN changed := changed || 'event_status'::text; END IF;
    IF (n.status, n.status_reason) IS DISTINCT FROM (o.status, o.status_reason) THEN
        changed := changed || 'status'::text;
    END IF;
    IF (n.project_id, n.classification_source, n.confidence) IS DISTINCT FROM (o.project_id, o.classification_source, o.confidence) THEN
        changed := changed || 'project'::text;
    END IF;
    IF n.auto_join IS DISTINCT FROM o.auto_join THEN changed := changed || 'auto_join'::text; END IF;
    IF n.transcript_document_id IS DISTINCT FROM o.transcript_document_id THEN
        changed := changed || 'transcript'::text;
    END IF;
    IF (n.calendar_id, n.html_link) IS DISTINCT FROM (o.calendar_id, o.html_link) THEN
        changed := changed || 'calendar'::text;
    END IF;
    RETURN changed;
END;
$$;
-- +goose StatementEnd

-- One row change may be a meeting event and a bot event (a cancelled
-- meeting whose pending bot is called off in the same statement), always in
-- that order.
-- +goose StatementBegin
CREATE FUNCTION besunny_meeting_events() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    summary jsonb;
    changed text[];
    old_bot text := 'none';
BEGIN
    IF TG_OP = 'DELETE' THEN
        -- The event is gone from the calendar and nothing (bot, project,
        -- transcript) kept the meeting; or its owner was deleted.
        PERFORM besunny_emit_event(OLD.owner_id, 'meeting.deleted', OLD.id::text,
            besunny_meeting_summary(OLD) || jsonb_build_object('reason', 'removed'));
        RETURN NULL;
    END IF;
    summary := besunny_meeting_summary(NEW);
    IF TG_OP = 'INSERT' THEN
        PERFORM besunny_emit_event(NEW.owner_id, 'meeting.created', NEW.id::text, summary);
    ELSIF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
        PERFORM besunny_emit_event(NEW.owner_id, 'meeting.cancelled', NEW.id::text,
            summary || jsonb_build_object('reason', NEW.status_reason));
    ELSE
        changed := besunny_meeting_changes(OLD, NEW);
        IF cardinality(changed) > 0 THEN
            PERFORM besunny_emit_event(NEW.owner_id, 'meeting.updated', NEW.id::text,
                summary || jsonb_build_object('changed', to_jsonb(changed)));
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        old_bot := OLD.bot_status;
    END IF;
    IF NEW.bot_status IS DISTINCT FROM old_bot THEN
        PERFORM besunny_emit_event(NEW.owner_id, 'bot.status_changed', NEW.id::text, jsonb_build_object(
            'meeting_id', NEW.id, 'bot_id', NEW.bot_id, 'status', NEW.bot_status, 'previous_status', old_bot,
            'reason', NEW.bot_status_reason, 'raw_state', NEW.bot_raw_state, 'title', left(NEW.title, 200),
            'start', NEW.start_at, 'transcript_document_id', NEW.transcript_document_id));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER meetings_events AFTER INSERT OR UPDATE OR DELETE ON meetings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION besunny_meeting_events();

-- +goose Down
DROP TRIGGER meetings_events ON meetings;
DROP FUNCTION besunny_meeting_events();
DROP FUNCTION besunny_meeting_changes(meetings, meetings);
DROP FUNCTION besunny_meeting_summary(meetings);
