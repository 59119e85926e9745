-- +goose Up

-- A placeholder is the row of a Gmail message that could not be fetched: it
-- holds the message's terminal status but no raw. A later run (re-processing)
-- fetches the message again and replaces the placeholder; a row that holds
-- the raw is never downloaded twice. Rows written by StorePlaceholder before
-- this column existed are recognised by their empty raw and digest.
ALTER TABLE inbound_emails ADD COLUMN placeholder boolean NOT NULL DEFAULT false;
UPDATE inbound_emails SET placeholder = true WHERE source = 'gmail' AND size_bytes = 0 AND sha256 = '';

-- Every Drive link of a message is recorded, but only the first
-- DRIVE_WATCHED_LINKS_PER_MESSAGE watchable ones (folders never are) ask for
-- their file to be watched: one message must not start thousands of
-- DriveFileWorkflows and files.get calls on its recipients' quota. position
-- is the link's place in the message, so "the first" stays visible.
ALTER TABLE document_links ADD COLUMN watch boolean NOT NULL DEFAULT true;
ALTER TABLE document_links ADD COLUMN position integer NOT NULL DEFAULT 0;
UPDATE document_links SET watch = false WHERE kind = 'folder';

-- Gmail refusing the mailbox's credentials (401, 403 other than rate limits):
-- calls are retried until an operator fixes the service account or its
-- delegation; meanwhile the mailbox shows what Gmail said and since when.
ALTER TABLE mailboxes ADD COLUMN access_error text NOT NULL DEFAULT '';
ALTER TABLE mailboxes ADD COLUMN access_error_at timestamptz;

-- +goose Down
ALTER TABLE mailboxes DROP COLUMN access_error_at;
ALTER TABLE mailboxes DROP COLUMN access_error;
ALTER TABLE document_links DROP COLUMN position;
ALTER TABLE document_links DROP COLUMN watch;
ALTER TABLE inbound_emails DROP COLUMN placeholder;
