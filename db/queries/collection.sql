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

-- name: CollectionStats :one
-- How many documents the owner has (the collection model is rebuilt when
-- this moves by a tenth) and how many of them the user marked "no project"
-- by hand (labels the projects' profiles do not show): counted, not loaded,
-- so that the classifier knows whether a model could spread anything.
SELECT count(*)::integer AS documents,
       (count(*) FILTER (WHERE project_id IS NULL AND classification_source = 'manual'))::integer AS manual_no_project
FROM documents WHERE owner_id = @owner_id AND status <> 'deleted';
