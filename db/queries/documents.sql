-- name: UpsertDocument :one
-- The unique (owner, source, source_id) key makes this safe to repeat: a retry
-- or a re-processed message updates the document in place. The classify
-- revision grows only when what a classifier reads changed, so repeating the
-- same write never classifies twice.
INSERT INTO documents (owner_id, source, source_id, type, title, author, content, metadata, received_at)
VALUES (@owner_id, @source, @source_id, @type, @title, @author, @content, @metadata, @received_at)
ON CONFLICT (owner_id, source, source_id) DO UPDATE
SET type              = EXCLUDED.type,
    title             = EXCLUDED.title,
    author            = EXCLUDED.author,
    content           = EXCLUDED.content,
    metadata          = EXCLUDED.metadata,
    received_at       = EXCLUDED.received_at,
    classify_revision = documents.classify_revision
        + CASE WHEN (documents.title, documents.author, documents.content)
                    IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.author, EXCLUDED.content)
               THEN 1 ELSE 0 END,
    updated_at        = now()
RETURNING id, classify_revision, (xmax = 0)::boolean AS inserted;

-- name: ListDocumentsForOwner :many
-- Keyset pagination, newest first: (received_at, id) of the last row seen.
-- Optional filters: one project, or only unclassified documents.
SELECT id, owner_id, project_id, source, source_id, type, title, author, received_at, status,
       classification_source, confidence, created_at, updated_at
FROM documents
WHERE owner_id = @owner_id AND deleted_at IS NULL
  AND (sqlc.narg(project_id)::uuid IS NULL OR project_id = sqlc.narg(project_id)::uuid)
  AND (NOT @unclassified::boolean OR project_id IS NULL)
  AND (sqlc.narg(before_received_at)::timestamptz IS NULL
       OR (received_at, id) < (sqlc.narg(before_received_at)::timestamptz, sqlc.narg(before_id)::uuid))
ORDER BY received_at DESC, id DESC
LIMIT @max_rows;

-- name: GetDocumentForOwner :one
-- A document its owner deleted is gone for them.
SELECT * FROM documents WHERE id = @id AND owner_id = @owner_id AND deleted_at IS NULL;

-- name: UpsertDocumentLinks :exec
-- All of a document's links in one statement (a message may carry
-- thousands), each with its place in the message and whether it asks for its
-- file to be watched. The arrays are parallel.
INSERT INTO document_links (document_id, file_id, kind, url, watch, position)
SELECT @document_id::uuid, unnest(@file_ids::text[]), unnest(@kinds::text[]), unnest(@urls::text[]),
       unnest(@watch::boolean[]), unnest(@positions::integer[])
ON CONFLICT (document_id, file_id) DO UPDATE
SET kind = EXCLUDED.kind, url = EXCLUDED.url, watch = EXCLUDED.watch, position = EXCLUDED.position;

-- name: ListDocumentLinksPage :many
-- A document's links in message order, keyset-paged on (position, file_id).
SELECT file_id, kind, url, watch, position FROM document_links
WHERE document_id = @document_id
  AND (position, file_id) > (@after_position::integer, @after_file_id::text)
ORDER BY position, file_id
LIMIT @max_rows;

-- name: DeleteStaleDocumentLinks :exec
-- A re-processed message may link other files than before.
DELETE FROM document_links
WHERE document_id = @document_id AND NOT (file_id = ANY (@keep::text[]));

-- name: ListDocumentLinks :many
SELECT file_id, kind, url FROM document_links WHERE document_id = @document_id ORDER BY created_at, file_id;

-- name: ListDocumentsBySource :many
SELECT id, owner_id, title, status, classification_source, project_id
FROM documents WHERE source = @source AND source_id = @source_id ORDER BY created_at;
