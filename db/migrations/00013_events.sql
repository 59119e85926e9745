-- +goose Up

-- The event log behind the live stream (GET /api/v1/events, /api/v1/ws): one
-- small row per change a user should see, written by triggers in the same
-- transaction as the change, announced with pg_notify in that transaction.
-- Nothing is announced that did not commit, nothing committed goes
-- unannounced, and every API replica reads what it missed from here.
--
-- Ids are in COMMIT order, not in insert order. A reader resumes "after id
-- N"; with plain sequence ids a transaction that took id 41 but commits after
-- the one that took id 42 would be skipped by a reader that already saw 42.
-- So events are written by DEFERRED constraint triggers (they run just before
-- COMMIT) that first take a transaction-scoped advisory lock and only then
-- draw the id: the lock is released after the transaction is visible, so the
-- next writer's ids are larger and become visible later. The lock is held
-- for the last instant of a transaction only, after every row lock it takes,
-- so it cannot be part of a deadlock. It costs no extra concurrency:
-- PostgreSQL already serialises the commits of transactions that NOTIFY (on
-- a lock of its own, to keep the notification queue in commit order), and
-- every event transaction notifies. The alternative — an xid column and
-- readers holding back ids above the oldest in-flight transaction — needs
-- every reader to compute a safe horizon and still leaves a gap when a
-- transaction draws its id before an older one; this way a reader needs only
-- "id > N".
CREATE TABLE events (
    id         bigint PRIMARY KEY,
    -- Whose event: NULL for changes no user owns (a message with no known
    -- recipient), which only the service role sees.
    user_id    uuid,
    kind       text NOT NULL,
    -- The id of what changed (document id, message key, Drive file id…).
    subject_id text NOT NULL DEFAULT '',
    data       jsonb NOT NULL DEFAULT '{}',
    -- clock_timestamp() under the lock: in id order, which makes pruning by
    -- time the same as pruning by id.
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE SEQUENCE events_id_seq AS bigint OWNED BY events.id;
CREATE INDEX events_user_idx ON events (user_id, id);
CREATE INDEX events_created_idx ON events (created_at);

-- The newest id the retention schedule deleted: a client resuming from below
-- it has missed events and is told to resync.
CREATE TABLE events_retention (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through bigint NOT NULL DEFAULT 0,
    pruned_at      timestamptz
);
INSERT INTO events_retention DEFAULT VALUES;

-- besunny_emit_event is the one way an event is written. Triggers of every
-- table call it (meetings and bots add theirs with one more migration, see
-- the template at the end of this file). It must run in a deferred trigger
-- (or at least late in the transaction): it holds the events lock until
-- COMMIT.
-- +goose StatementBegin
CREATE FUNCTION besunny_emit_event(p_user uuid, p_kind text, p_subject text, p_data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    -- 0x6265_7375_6e6e_79 is "besunny": the lock that orders event ids by commit.
    PERFORM pg_advisory_xact_lock(27708158826048889);
    new_id := nextval('events_id_seq');
    INSERT INTO events (id, user_id, kind, subject_id, data)
    VALUES (new_id, p_user, p_kind, COALESCE(p_subject, ''), COALESCE(p_data, '{}'));
    -- The payload is only a wake-up call (well under NOTIFY's 8000 bytes):
    -- listeners read the rows themselves, in id order.
    PERFORM pg_notify('besunny_events', json_build_object('id', new_id, 'user_id', p_user)::text);
END;
$$;
-- +goose StatementEnd

-- Documents: created, updated (what a reader sees changed), deleted (by the
-- user, or the Drive file was deleted or trashed), classified (a classifier
-- set the project, or decided none) and assigned (the user chose). One row
-- change may be several events (a re-synced file that is also re-classified
-- in the same transaction), always in this order.
-- +goose StatementBegin
CREATE FUNCTION besunny_document_events() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d documents;
    summary jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        d := OLD;
    ELSE
        d := NEW;
    END IF;
    summary := jsonb_build_object(
        'document_id', d.id, 'source', d.source, 'source_id', d.source_id, 'type', d.type,
        'title', left(d.title, 200), 'status', d.status, 'project_id', d.project_id,
        'classification_source', d.classification_source);
    IF TG_OP = 'INSERT' THEN
        PERFORM besunny_emit_event(d.owner_id, 'document.created', d.id::text, summary);
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM besunny_emit_event(d.owner_id, 'document.deleted', d.id::text,
            summary || jsonb_build_object('reason', 'removed'));
        RETURN NULL;
    END IF;
    IF OLD.deleted_at IS NOT NULL THEN
        RETURN NULL; -- the user deleted it: what happens to it now is not theirs to see
    END IF;
    IF (NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL)
       OR (NEW.status = 'deleted' AND OLD.status <> 'deleted') THEN
        PERFORM besunny_emit_event(d.owner_id, 'document.deleted', d.id::text,
            summary || jsonb_build_object('reason', CASE WHEN NEW.deleted_at IS NOT NULL THEN 'deleted_by_user'
                                                          ELSE NULLIF(NEW.status_reason, '') END));
    ELSIF (NEW.title, NEW.author, NEW.content, NEW.status, NEW.status_reason, NEW.type, NEW.received_at, NEW.watch_active)
          IS DISTINCT FROM
          (OLD.title, OLD.author, OLD.content, OLD.status, OLD.status_reason, OLD.type, OLD.received_at, OLD.watch_active) THEN
        PERFORM besunny_emit_event(d.owner_id, 'document.updated', d.id::text,
            summary || jsonb_build_object('content_changed', (NEW.title, NEW.author, NEW.content) IS DISTINCT FROM (OLD.title, OLD.author, OLD.content),
                                          'status_reason', NEW.status_reason, 'watch_active', NEW.watch_active));
    END IF;
    IF (NEW.project_id, NEW.classification_source, NEW.classified_at)
       IS DISTINCT FROM (OLD.project_id, OLD.classification_source, OLD.classified_at) THEN
        PERFORM besunny_emit_event(d.owner_id,
            CASE WHEN NEW.classification_source = 'manual' THEN 'document.assigned' ELSE 'document.classified' END,
            d.id::text,
            summary || jsonb_build_object('previous_project_id', OLD.project_id, 'confidence', NEW.confidence,
                                          'revision', NEW.classify_revision));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- Email runs: a processing-log row reaching (or changing) its terminal
-- status is the recipient's "email.finished". A retried step that writes the
-- same outcome again is no event; a re-processing run is (its workflow id
-- differs). Rows without a user (no known recipient) are the service role's.
-- +goose StatementBegin
CREATE FUNCTION besunny_email_log_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'pending' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.status, NEW.error_message, NEW.document_id, NEW.workflow_id, NEW.user_id)
                            IS NOT DISTINCT FROM (OLD.status, OLD.error_message, OLD.document_id, OLD.workflow_id, OLD.user_id) THEN
        RETURN NULL;
    END IF;
    PERFORM besunny_emit_event(NEW.user_id, 'email.finished', NEW.message_key, jsonb_build_object(
        'message_key', NEW.message_key, 'status', NEW.status, 'reason', NEW.error_message,
        'username', NEW.extracted_username, 'document_id', NEW.document_id,
        'subject', left(NEW.subject, 200), 'sender', left(NEW.sender, 200), 'workflow_id', NEW.workflow_id));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- Drive watches: subscribed, ended (with the reason) or failing — each
-- owner sees their own watch of a shared file only.
-- +goose StatementBegin
CREATE FUNCTION besunny_drive_watch_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.active, NEW.last_error, NEW.document_id)
                            IS NOT DISTINCT FROM (OLD.active, OLD.last_error, OLD.document_id) THEN
        RETURN NULL;
    END IF;
    PERFORM besunny_emit_event(NEW.owner_id, 'drive_watch.changed', NEW.file_id, jsonb_build_object(
        'file_id', NEW.file_id, 'active', NEW.active, 'last_error', NEW.last_error,
        'document_id', NEW.document_id, 'last_version', NEW.last_version));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- A document the user deleted (DELETE /api/v1/documents/{id}) is kept, so
-- the same mail arriving again stays deleted instead of coming back.
ALTER TABLE documents ADD COLUMN deleted_at timestamptz;

-- The name a user chose to be shown (PATCH /api/v1/me); the claims' name
-- never overwrites it.
ALTER TABLE users ADD COLUMN display_name text;

CREATE CONSTRAINT TRIGGER documents_events AFTER INSERT OR UPDATE OR DELETE ON documents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION besunny_document_events();
CREATE CONSTRAINT TRIGGER email_processing_logs_events AFTER INSERT OR UPDATE ON email_processing_logs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION besunny_email_log_events();
CREATE CONSTRAINT TRIGGER drive_file_watches_events AFTER INSERT OR UPDATE ON drive_file_watches
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION besunny_drive_watch_events();

-- Stream tickets (POST /api/v1/events/ticket): a browser cannot send an
-- Authorization header with EventSource or WebSocket, so it trades its JWT
-- for a ticket that lives seconds and works once. Only the SHA-256 of the
-- ticket is stored; it lives here (not in a process) so any replica redeems
-- it.
CREATE TABLE event_tickets (
    token_hash      bytea PRIMARY KEY,
    user_id         uuid,
    role            text NOT NULL,
    email           text NOT NULL DEFAULT '',
    -- When the JWT that bought the ticket expires: the stream ends then.
    auth_expires_at timestamptz,
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_tickets_expires_idx ON event_tickets (expires_at);

-- Template for the tables that come later (meetings, meeting bots): a
-- trigger function that decides the kind from the row change and calls
-- besunny_emit_event, and a deferred constraint trigger, e.g.
--
--   CREATE FUNCTION besunny_meeting_events() RETURNS trigger LANGUAGE plpgsql AS $$
--   BEGIN
--       IF TG_OP = 'INSERT' THEN
--           PERFORM besunny_emit_event(NEW.user_id, 'meeting.created', NEW.id::text, jsonb_build_object(…));
--       ELSIF NEW.event_status = 'cancelled' AND OLD.event_status <> 'cancelled' THEN
--           PERFORM besunny_emit_event(NEW.user_id, 'meeting.cancelled', NEW.id::text, …);
--       ELSIF (NEW.title, NEW.start_time, …) IS DISTINCT FROM (OLD.title, OLD.start_time, …) THEN
--           PERFORM besunny_emit_event(NEW.user_id, 'meeting.updated', NEW.id::text, …);
--       END IF;
--       RETURN NULL;
--   END $$;
--   CREATE CONSTRAINT TRIGGER meetings_events AFTER INSERT OR UPDATE OR DELETE ON meetings
--       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION besunny_meeting_events();
--
-- and the kinds in internal/live/kinds.go and api/openapi.yaml.

-- +goose Down
DROP TABLE event_tickets;
DROP TRIGGER drive_file_watches_events ON drive_file_watches;
DROP TRIGGER email_processing_logs_events ON email_processing_logs;
DROP TRIGGER documents_events ON documents;
ALTER TABLE users DROP COLUMN display_name;
ALTER TABLE documents DROP COLUMN deleted_at;
DROP FUNCTION besunny_drive_watch_events();
DROP FUNCTION besunny_email_log_events();
DROP FUNCTION besunny_document_events();
DROP FUNCTION besunny_emit_event(uuid, text, text, jsonb);
DROP TABLE events_retention;
DROP TABLE events;
