-- name: UpsertDriveWatch :exec
INSERT INTO drive_file_watches (file_id, owner_id) VALUES (@file_id, @owner_id)
ON CONFLICT (file_id, owner_id) DO UPDATE SET active = true, last_error = '', updated_at = now();

-- name: SetDriveWatchSynced :exec
UPDATE drive_file_watches
SET document_id = @document_id, last_version = @last_version, last_modified_at = @last_modified_at,
    last_synced_at = now(), last_error = '', updated_at = now()
WHERE file_id = @file_id AND owner_id = @owner_id;

-- name: EndDriveWatch :exec
UPDATE drive_file_watches SET active = false, last_error = @last_error, updated_at = now()
WHERE file_id = @file_id AND owner_id = @owner_id;

-- name: RecordDriveWatchTimes :exec
UPDATE drive_file_watches
SET last_webhook_at = COALESCE(sqlc.narg(webhook_at)::timestamptz, last_webhook_at),
    last_poll_at    = COALESCE(sqlc.narg(poll_at)::timestamptz, last_poll_at),
    updated_at      = now()
WHERE file_id = @file_id AND active;

-- name: ListDriveWatchesForOwner :many
SELECT * FROM drive_file_watches WHERE owner_id = @owner_id ORDER BY active DESC, updated_at DESC;

-- name: GetDriveWatch :one
SELECT * FROM drive_file_watches WHERE file_id = @file_id AND owner_id = @owner_id;

-- name: ListActiveDriveWatchesForOwner :many
SELECT file_id FROM drive_file_watches WHERE owner_id = @owner_id AND active;

-- name: ListStaleDriveFiles :many
-- Files whose push has been silent for the grace period (or that have no
-- push): the sweep polls them.
SELECT file_id FROM drive_file_watches
WHERE active
GROUP BY file_id
HAVING max(COALESCE(last_webhook_at, 'epoch'::timestamptz)) < @silent_since::timestamptz
ORDER BY file_id;

-- name: InsertDriveChannel :exec
INSERT INTO drive_channels (channel_id, file_id, resource_id, token_hash, expiration)
VALUES (@channel_id, @file_id, @resource_id, @token_hash, @expiration)
ON CONFLICT (channel_id) DO UPDATE SET resource_id = EXCLUDED.resource_id, expiration = EXCLUDED.expiration;

-- name: GetDriveChannel :one
SELECT * FROM drive_channels WHERE channel_id = @channel_id;

-- name: DeactivateDriveChannel :exec
UPDATE drive_channels SET active = false WHERE channel_id = @channel_id;

-- name: InsertDriveWebhookLog :execrows
INSERT INTO drive_webhook_logs (channel_id, message_number, file_id, resource_state, changed, outcome)
VALUES (@channel_id, @message_number, @file_id, @resource_state, @changed, @outcome)
ON CONFLICT (channel_id, message_number) DO NOTHING;

-- name: UpsertDriveDocument :one
-- A Drive file's document for its owner; the classify revision grows when
-- the text (or title) changed.
INSERT INTO documents (owner_id, source, source_id, type, title, author, content, metadata, received_at,
                       status, status_reason, file_id, watch_active, last_synced_at)
VALUES (@owner_id, 'drive', @file_id, @type, @title, @author, @content, @metadata, @received_at,
        'active', @status_reason, @file_id, true, now())
ON CONFLICT (owner_id, source, source_id) DO UPDATE
SET type              = EXCLUDED.type,
    title             = EXCLUDED.title,
    author            = EXCLUDED.author,
    content           = EXCLUDED.content,
    metadata          = EXCLUDED.metadata,
    received_at       = EXCLUDED.received_at,
    status            = CASE WHEN documents.content IS DISTINCT FROM EXCLUDED.content OR documents.title IS DISTINCT FROM EXCLUDED.title
                             THEN 'updated' ELSE documents.status END,
    status_reason     = EXCLUDED.status_reason,
    watch_active      = true,
    last_synced_at    = now(),
    classify_revision = documents.classify_revision
        + CASE WHEN (documents.title, documents.content) IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.content)
               THEN 1 ELSE 0 END,
    updated_at        = now()
RETURNING id, classify_revision, status, (xmax = 0)::boolean AS inserted;

-- name: SetDriveDocumentState :exec
-- A watched file ended: deleted or trashed (status deleted) or no longer
-- readable (status error, with the reason).
UPDATE documents SET status = @status, status_reason = @status_reason, watch_active = false, updated_at = now()
WHERE owner_id = @owner_id AND source = 'drive' AND source_id = @file_id;

-- name: LinkedFilesToWatch :many
-- Drive files linked from these documents whose owners have connected
-- Google (folders are not watched), among the links that ask for a watch
-- (the first DRIVE_WATCHED_LINKS_PER_MESSAGE of a message).
SELECT DISTINCT l.file_id, d.owner_id
FROM document_links l
JOIN documents d ON d.id = l.document_id
JOIN google_credentials g ON g.user_id = d.owner_id
WHERE l.document_id = ANY (@document_ids::uuid[]) AND l.kind <> 'folder' AND l.watch
ORDER BY l.file_id, d.owner_id;

-- name: ListActiveOwnersForFile :many
SELECT owner_id FROM drive_file_watches WHERE file_id = @file_id AND active ORDER BY created_at;

-- name: DriveWebhookSeen :one
SELECT EXISTS (SELECT 1 FROM drive_webhook_logs WHERE channel_id = @channel_id AND message_number = @message_number);
