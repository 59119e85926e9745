-- +goose Up

-- The notetaker of a meeting, as its MeetingBotWorkflow (meeting/<id>)
-- follows it. bot_status (00010) is BeSunny's status; bot_raw_state and
-- bot_raw_sub_state are Attendee's own state and the sub-type of the event
-- that led there (e.g. fatal_error / waiting_room_timeout_exceeded), kept
-- for operators. Every write goes through SetMeetingBotStatus.
ALTER TABLE meetings
    ADD COLUMN bot_raw_state       text NOT NULL DEFAULT '',
    ADD COLUMN bot_raw_sub_state   text NOT NULL DEFAULT '',
    ADD COLUMN bot_join_at         timestamptz,
    ADD COLUMN bot_last_webhook_at timestamptz,
    ADD COLUMN bot_last_poll_at    timestamptz,
    ADD COLUMN bot_status_at       timestamptz,
    -- An ad-hoc meeting (POST /api/v1/bots) belongs to no calendar: its
    -- calendar_id is '' and its event_id 'adhoc:<hash>'.
    ADD COLUMN adhoc               boolean NOT NULL DEFAULT false;
CREATE INDEX meetings_bot_id_idx ON meetings (bot_id) WHERE bot_id IS NOT NULL;
CREATE INDEX meetings_transcript_idx ON meetings (transcript_document_id) WHERE transcript_document_id IS NOT NULL;

-- Every authenticated Attendee webhook delivery. Attendee retries a delivery
-- with the same idempotency_key until it gets a 2xx; a key whose delivery
-- already reached its workflow is answered without signalling again.
CREATE TABLE attendee_webhook_logs (
    idempotency_key text PRIMARY KEY,
    bot_id          text NOT NULL DEFAULT '',
    meeting_id      uuid REFERENCES meetings (id) ON DELETE SET NULL,
    trigger         text NOT NULL,
    new_state       text NOT NULL DEFAULT '',
    event_type      text NOT NULL DEFAULT '',
    event_sub_type  text NOT NULL DEFAULT '',
    -- received (not yet handed on), signalled, unknown_bot, no_workflow,
    -- ignored (a trigger the workflow does not follow).
    outcome         text NOT NULL DEFAULT 'received',
    deliveries      integer NOT NULL DEFAULT 1,
    received_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attendee_webhook_logs_bot_idx ON attendee_webhook_logs (bot_id, received_at);

-- +goose Down
DROP TABLE attendee_webhook_logs;
DROP INDEX meetings_transcript_idx;
DROP INDEX meetings_bot_id_idx;
ALTER TABLE meetings
    DROP COLUMN adhoc,
    DROP COLUMN bot_status_at,
    DROP COLUMN bot_last_poll_at,
    DROP COLUMN bot_last_webhook_at,
    DROP COLUMN bot_join_at,
    DROP COLUMN bot_raw_sub_state,
    DROP COLUMN bot_raw_state;
