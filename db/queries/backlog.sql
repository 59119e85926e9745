-- name: ListBacklogPage :many
-- A page of a user's unclassified documents (never a manual assignment, also
-- not a manual "no project"), after the cursor, in id order.
SELECT id FROM documents
WHERE owner_id = @owner_id AND project_id IS NULL AND classification_source <> 'manual' AND status <> 'deleted'
  AND id > @after
ORDER BY id
LIMIT @max_rows;

-- name: LockBacklogDocument :one
-- Locks a document the backlog run is about to file, if it is still what the
-- run scored: unclassified, not assigned by hand, at the same classification
-- revision. Anything else (a manual assignment, a newer decision, a new
-- revision) wins, and the run leaves the document alone.
SELECT id FROM documents
WHERE id = @id AND owner_id = @owner_id AND project_id IS NULL AND classification_source <> 'manual'
  AND status <> 'deleted' AND classify_revision = @classify_revision
FOR UPDATE;
