-- +goose Up

-- The Gmail quota window of each mailbox, shared by every worker process
-- that calls Gmail for it: one row per mailbox holding the calls charged in
-- the last span (times in microseconds of the database's clock, oldest
-- first, and their units). A caller locks the row, finds the first instant
-- its units fit, appends them there and waits until then (see
-- internal/store/gmail_quota.go): the row lock makes the window exact
-- however many workers share it.
CREATE TABLE gmail_quota_windows (
    mailbox     text PRIMARY KEY,
    spent_at_us bigint[] NOT NULL DEFAULT '{}',
    spent_units integer[] NOT NULL DEFAULT '{}'
);

-- +goose Down
DROP TABLE gmail_quota_windows;
