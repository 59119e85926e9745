-- name: GetDocumentForClassification :one
SELECT id, owner_id, type, source, title, author, left(content, 20000)::text AS excerpt, metadata, received_at,
       status, classification_source, classify_revision, project_id
FROM documents WHERE id = @id;

-- name: UpsertDecision :one
INSERT INTO classification_decisions (document_id, revision, path, classifier, project_id, confidence, matched_tags,
                                      inferred_tags, reason, candidates, tokens_in, tokens_out, latency_ms, applied)
VALUES (@document_id, @revision, @path, @classifier, @project_id, @confidence, @matched_tags,
        @inferred_tags, @reason, @candidates, @tokens_in, @tokens_out, @latency_ms, @applied)
ON CONFLICT (document_id, revision, path) DO UPDATE
SET classifier = EXCLUDED.classifier, project_id = EXCLUDED.project_id, confidence = EXCLUDED.confidence,
    matched_tags = EXCLUDED.matched_tags, inferred_tags = EXCLUDED.inferred_tags, reason = EXCLUDED.reason,
    candidates = EXCLUDED.candidates, tokens_in = EXCLUDED.tokens_in, tokens_out = EXCLUDED.tokens_out,
    latency_ms = EXCLUDED.latency_ms, applied = EXCLUDED.applied, created_at = now()
RETURNING id;

-- name: ApplyClassification :exec
UPDATE documents
SET project_id = @project_id, classification_source = @classification_source, confidence = @confidence,
    classified_at = now(), updated_at = now()
WHERE id = @id;

-- name: BumpClassifyRevision :one
UPDATE documents SET classify_revision = classify_revision + 1, updated_at = now()
WHERE id = @id AND owner_id = @owner_id
RETURNING classify_revision;

-- name: ListDecisions :many
SELECT * FROM classification_decisions WHERE document_id = @document_id ORDER BY created_at DESC;
