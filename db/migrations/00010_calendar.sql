-- +goose Up

-- A user's preference: send the notetaker to every meeting of their watched
-- calendars (not only to those their virtual address is invited to).
ALTER TABLE users ADD COLUMN auto_join_meetings boolean NOT NULL DEFAULT false;

-- A Google calendar a user watches; its CalendarWorkflow
-- (calendar/<owner id>/<calendar id>) keeps it in step. sync_token is the
-- events.list cursor: only the workflow writes it, and only after every event
-- of the page that carried it is stored. calendar_id is "primary" for the
-- user's main calendar.
CREATE TABLE calendars (
    owner_id                 uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    calendar_id              text NOT NULL,
    summary                  text NOT NULL DEFAULT '',
    time_zone                text NOT NULL DEFAULT '',
    active                   boolean NOT NULL DEFAULT true,
    sync_token               text NOT NULL DEFAULT '',
    sync_token_at            timestamptz,
    last_full_sync_at        timestamptz,
    last_incremental_sync_at timestamptz,
    last_webhook_at          timestamptz,
    last_poll_at             timestamptz,
    last_error               text NOT NULL DEFAULT '',
    ended_reason             text NOT NULL DEFAULT '',
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, calendar_id)
);

-- Push channels (events.watch). The channel id comes from the workflow, so a
-- retried watch reuses it instead of opening a second channel; each attempt
-- adds the hash of its own random token (never the token itself), and the
-- webhook accepts any of them in constant time. resource_id is learned from
-- Google's answer or, when an earlier attempt's answer was lost, from the
-- channel's sync notification.
CREATE TABLE calendar_channels (
    channel_id   text PRIMARY KEY,
    owner_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    calendar_id  text NOT NULL,
    resource_id  text NOT NULL DEFAULT '',
    token_hashes bytea[] NOT NULL DEFAULT '{}',
    expiration   timestamptz NOT NULL,
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calendar_channels_calendar_idx ON calendar_channels (owner_id, calendar_id) WHERE active;

-- Every notification received, for operators; the key makes a redelivered
-- (channel, message number) a no-op.
CREATE TABLE calendar_webhook_logs (
    channel_id     text NOT NULL,
    message_number bigint NOT NULL,
    owner_id       uuid,
    calendar_id    text NOT NULL DEFAULT '',
    resource_state text NOT NULL,
    outcome        text NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, message_number)
);

-- A calendar event with a meeting URL, as its owner's calendar shows it. One
-- row per (owner, event id): an event on the calendars of two users is two
-- meetings, each with its owner's response, project and bot. Instances of a
-- recurring event are events of their own (singleEvents=true) and carry the
-- series in recurring_event_id.
CREATE TABLE meetings (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    calendar_id            text NOT NULL,
    event_id               text NOT NULL,
    recurring_event_id     text NOT NULL DEFAULT '',
    ical_uid               text NOT NULL DEFAULT '',
    title                  text NOT NULL,
    description            text NOT NULL DEFAULT '',
    location               text NOT NULL DEFAULT '',
    meeting_url            text NOT NULL,
    -- google_meet, zoom, teams, webex or other (a conference add-on).
    meeting_provider       text NOT NULL,
    start_at               timestamptz NOT NULL,
    end_at                 timestamptz NOT NULL,
    -- All-day events keep their dates (start_at/end_at are then midnight in
    -- time_zone).
    all_day                boolean NOT NULL DEFAULT false,
    start_date             date,
    end_date               date,
    time_zone              text NOT NULL DEFAULT '',
    organizer_email        text NOT NULL DEFAULT '',
    organizer_name         text NOT NULL DEFAULT '',
    -- [{email, name, response_status, self, organizer, optional, resource}]
    attendees              jsonb NOT NULL DEFAULT '[]',
    -- BeSunny virtual addresses among the attendees (usernames, lower case).
    virtual_usernames      text[] NOT NULL DEFAULT '{}',
    -- The owner's own response.
    event_status           text NOT NULL DEFAULT 'needsAction'
        CHECK (event_status IN ('accepted', 'declined', 'tentative', 'needsAction')),
    html_link              text NOT NULL DEFAULT '',
    event_updated_at       timestamptz,
    status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    status_reason          text NOT NULL DEFAULT '',
    cancelled_at           timestamptz,
    -- Classification, as on documents.
    project_id             uuid REFERENCES projects (id) ON DELETE SET NULL,
    classification_source  text NOT NULL DEFAULT 'none' CHECK (classification_source IN ('ai', 'local', 'manual', 'none')),
    confidence             real,
    classify_revision      integer NOT NULL DEFAULT 1,
    classified_at          timestamptz,
    -- The owner's choice for this meeting: true sends the notetaker, false
    -- keeps it away, NULL follows the virtual address and auto_join_meetings.
    auto_join              boolean,
    -- The notetaker. 'none' until a bot is wanted; 'pending' records the
    -- intent (the calendar workflow's bot call site); the bot's own workflow
    -- moves it on from there.
    bot_status             text NOT NULL DEFAULT 'none'
        CHECK (bot_status IN ('none', 'pending', 'bot_scheduled', 'joining', 'in_waiting_room', 'recording',
                              'post_processing', 'completed', 'failed', 'cancelled')),
    bot_status_reason      text NOT NULL DEFAULT '',
    -- Why a bot is wanted: virtual_attendee, auto_join or requested.
    bot_reason             text NOT NULL DEFAULT '',
    bot_id                 text,
    transcript_document_id uuid REFERENCES documents (id) ON DELETE SET NULL,
    -- The full sync that last saw the event: a full sync removes the
    -- meetings of its window it did not see (events deleted while a sync
    -- token was lost).
    seen_in_full_sync      bigint NOT NULL DEFAULT 0,
    last_synced_at         timestamptz NOT NULL DEFAULT now(),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, event_id)
);
CREATE INDEX meetings_owner_start_idx ON meetings (owner_id, start_at, id);
CREATE INDEX meetings_calendar_idx ON meetings (owner_id, calendar_id, start_at);
CREATE INDEX meetings_recurring_idx ON meetings (owner_id, recurring_event_id) WHERE recurring_event_id <> '';
CREATE INDEX meetings_project_idx ON meetings (project_id) WHERE project_id IS NOT NULL;

-- Meetings are classified with the same classifier and decision log as
-- documents: a decision is about a document or about a meeting.
ALTER TABLE classification_decisions ALTER COLUMN document_id DROP NOT NULL;
ALTER TABLE classification_decisions ADD COLUMN meeting_id uuid REFERENCES meetings (id) ON DELETE CASCADE;
ALTER TABLE classification_decisions ADD CONSTRAINT classification_decisions_subject_check
    CHECK (num_nonnulls(document_id, meeting_id) = 1);
CREATE UNIQUE INDEX classification_decisions_meeting_key ON classification_decisions (meeting_id, revision, path)
    WHERE meeting_id IS NOT NULL;
CREATE INDEX classification_decisions_meeting_idx ON classification_decisions (meeting_id, created_at DESC)
    WHERE meeting_id IS NOT NULL;

-- +goose Down
DELETE FROM classification_decisions WHERE meeting_id IS NOT NULL;
DROP INDEX classification_decisions_meeting_idx;
DROP INDEX classification_decisions_meeting_key;
ALTER TABLE classification_decisions DROP CONSTRAINT classification_decisions_subject_check;
ALTER TABLE classification_decisions DROP COLUMN meeting_id;
ALTER TABLE classification_decisions ALTER COLUMN document_id SET NOT NULL;
DROP TABLE meetings;
DROP TABLE calendar_webhook_logs;
DROP TABLE calendar_channels;
DROP TABLE calendars;
ALTER TABLE users DROP COLUMN auto_join_meetings;
