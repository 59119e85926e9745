-- name: ListCollectionDocuments :many
-- The owner's documents as the local classifier's collection model reads
-- them: the most recent first, with their manual assignments (a manual
-- assignment with no project is a manual "no project"). Automatic
-- assignments are not labels, so only manual says who decided.
SELECT id, title, author, left(content, 2000)::text AS excerpt, project_id,
       (classification_source = 'manual')::boolean AS manual
FROM documents
WHERE owner_id = @owner_id AND status <> 'deleted'
ORDER BY received_at DESC, id DESC
LIMIT @max_rows;

-- name: CountCollectionDocuments :one
-- How many documents the owner has: the collection model is rebuilt when
-- this moves by a tenth.
SELECT count(*) FROM documents WHERE owner_id = @owner_id AND status <> 'deleted';
