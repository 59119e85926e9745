-- +goose Up

-- A user's id is the `sub` of their JWT; the row is created on their first API
-- call. The username tags their virtual address ai+<username>@<domain>.
CREATE TABLE users (
    id         uuid PRIMARY KEY,
    email      text NOT NULL DEFAULT '',
    name       text NOT NULL DEFAULT '',
    username   text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_format CHECK (username IS NULL OR username ~ '^[A-Za-z][A-Za-z0-9]{2,29}$')
);
-- Usernames are unique regardless of case: mail to ai+Alice@ reaches alice.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE projects (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id               uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                   text NOT NULL,
    description            text NOT NULL DEFAULT '',
    status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    normalized_tags        text[] NOT NULL DEFAULT '{}',
    categories             text[] NOT NULL DEFAULT '{}',
    reference_keywords     text[] NOT NULL DEFAULT '{}',
    entity_patterns        jsonb NOT NULL DEFAULT '{}',
    classification_signals jsonb NOT NULL DEFAULT '{}',
    notes                  text NOT NULL DEFAULT '',
    last_classified_at     timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_owner_idx ON projects (owner_id, status);

-- Every message BeSunny receives, raw, before anything else happens to it:
-- nothing received is ever lost, even when it cannot be parsed. message_key is
-- the Gmail message id, or sha256:<hex of raw> for uploads; the processing
-- workflow's id is email/<message_key>.
CREATE TABLE inbound_emails (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_key      text NOT NULL UNIQUE,
    source           text NOT NULL CHECK (source IN ('upload', 'gmail')),
    mailbox          text NOT NULL DEFAULT '',
    sha256           text NOT NULL,
    raw              bytea NOT NULL,
    size_bytes       bigint NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    -- Filled by the parse step; body_text is the full normalised text.
    subject          text NOT NULL DEFAULT '',
    sender           text NOT NULL DEFAULT '',
    sent_at          timestamptz,
    body_text        text NOT NULL DEFAULT '',
    parsed           jsonb,
    -- The message's one terminal outcome, with a reason a person understands.
    status           text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processed', 'user_not_found', 'ignored', 'failed')),
    status_reason    text NOT NULL DEFAULT '',
    revision         integer NOT NULL DEFAULT 1,
    processed_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id            uuid REFERENCES projects (id) ON DELETE SET NULL,
    source                text NOT NULL CHECK (source IN ('gmail', 'upload', 'drive', 'meeting')),
    source_id             text NOT NULL,
    type                  text NOT NULL DEFAULT 'email',
    title                 text NOT NULL DEFAULT '',
    author                text NOT NULL DEFAULT '',
    content               text NOT NULL DEFAULT '',
    metadata              jsonb NOT NULL DEFAULT '{}',
    received_at           timestamptz NOT NULL DEFAULT now(),
    status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'updated', 'deleted', 'error')),
    status_reason         text NOT NULL DEFAULT '',
    classification_source text NOT NULL DEFAULT 'none' CHECK (classification_source IN ('ai', 'local', 'manual', 'none')),
    confidence            real,
    file_id               text,
    watch_active          boolean NOT NULL DEFAULT false,
    last_synced_at        timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- One document per (owner, source, source id): retries, replays and
    -- re-posts update it instead of adding another.
    UNIQUE (owner_id, source, source_id)
);
CREATE INDEX documents_owner_received_idx ON documents (owner_id, received_at DESC, id DESC);
CREATE INDEX documents_project_idx ON documents (project_id) WHERE project_id IS NOT NULL;

-- One row per (message, extracted recipient); recipient is '' for outcomes
-- that concern the whole message (ignored, failed, no virtual recipient).
CREATE TABLE email_processing_logs (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_key        text NOT NULL REFERENCES inbound_emails (message_key) ON DELETE CASCADE,
    inbound_address    text NOT NULL DEFAULT '',
    extracted_username text NOT NULL DEFAULT '',
    user_id            uuid REFERENCES users (id) ON DELETE SET NULL,
    subject            text NOT NULL DEFAULT '',
    sender             text NOT NULL DEFAULT '',
    received_at        timestamptz,
    processed_at       timestamptz NOT NULL DEFAULT now(),
    status             text NOT NULL
        CHECK (status IN ('pending', 'processed', 'user_not_found', 'ignored', 'failed')),
    error_message      text NOT NULL DEFAULT '',
    document_id        uuid REFERENCES documents (id) ON DELETE SET NULL,
    workflow_id        text NOT NULL,
    UNIQUE (message_key, extracted_username)
);
CREATE INDEX email_processing_logs_workflow_idx ON email_processing_logs (workflow_id, user_id);
CREATE INDEX email_processing_logs_user_idx ON email_processing_logs (user_id, processed_at DESC);

-- +goose Down
DROP TABLE email_processing_logs;
DROP TABLE documents;
DROP TABLE inbound_emails;
DROP TABLE projects;
DROP TABLE users;
