-- name: SoftDeleteDocument :one
-- The user deletes their document: it is kept (so the same mail arriving
-- again stays deleted) but leaves every list. Deleting twice is a no-op.
UPDATE documents
SET deleted_at = COALESCE(deleted_at, now()), watch_active = false, updated_at = now()
WHERE id = @id AND owner_id = @owner_id
RETURNING id, source, file_id;
