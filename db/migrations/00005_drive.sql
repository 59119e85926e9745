-- +goose Up

-- A user's Google connection (OAuth 2.0, offline access). Tokens are stored
-- encrypted (AES-GCM); key_id names the key that encrypted them, so keys can
-- rotate: new writes use the active key, old rows stay readable.
CREATE TABLE google_credentials (
    user_id           uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    google_email      text NOT NULL DEFAULT '',
    scopes            text[] NOT NULL DEFAULT '{}',
    key_id            text NOT NULL,
    access_token_enc  bytea NOT NULL,
    refresh_token_enc bytea NOT NULL,
    token_type        text NOT NULL DEFAULT 'Bearer',
    expiry            timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- One-time OAuth states: the CSRF check of the authorization-code flow.
CREATE TABLE oauth_states (
    state       text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A user's subscription to a Drive file (from a link in their mail or by
-- hand), kept in step by the file's DriveFileWorkflow.
CREATE TABLE drive_file_watches (
    file_id           text NOT NULL,
    owner_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    document_id       uuid REFERENCES documents (id) ON DELETE SET NULL,
    active            boolean NOT NULL DEFAULT true,
    last_version      bigint NOT NULL DEFAULT 0,
    last_modified_at  timestamptz,
    last_synced_at    timestamptz,
    last_webhook_at   timestamptz,
    last_poll_at      timestamptz,
    last_error        text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, owner_id)
);
CREATE INDEX drive_file_watches_owner_idx ON drive_file_watches (owner_id) WHERE active;
CREATE INDEX drive_file_watches_sweep_idx ON drive_file_watches (file_id) WHERE active;

-- Push channels (files.watch). Only a hash of the channel's secret token is
-- kept; the webhook compares hashes in constant time.
CREATE TABLE drive_channels (
    channel_id   text PRIMARY KEY,
    file_id      text NOT NULL,
    resource_id  text NOT NULL DEFAULT '',
    token_hash   bytea NOT NULL,
    expiration   timestamptz NOT NULL,
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- At most one active channel per file (renewal overlaps briefly: the new
-- one is created before the old one is stopped, so this is not unique).
CREATE INDEX drive_channels_file_idx ON drive_channels (file_id) WHERE active;

-- Every notification received, for operators; the unique key makes a
-- redelivered (channel, message number) a no-op.
CREATE TABLE drive_webhook_logs (
    channel_id      text NOT NULL,
    message_number  bigint NOT NULL,
    file_id         text NOT NULL DEFAULT '',
    resource_state  text NOT NULL,
    changed         text NOT NULL DEFAULT '',
    outcome         text NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, message_number)
);

-- +goose Down
DROP TABLE drive_webhook_logs;
DROP TABLE drive_channels;
DROP TABLE drive_file_watches;
DROP TABLE oauth_states;
DROP TABLE google_credentials;
