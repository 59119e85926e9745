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

-- name: ApplyClassification :execrows
-- Puts a decision of revision @revision on the document. It is the one apply
-- path of every decision — the classification workflow's, a backlog's, a
-- user's manual assignment — and it refuses (0 rows) a decision that must
-- not win:
--   * a manual assignment (classification_source 'manual') always applies:
--     it is the user's own act, made at the document's current revision;
--   * an automatic decision never replaces a manual assignment, unless it is
--     forced (the user's explicit reclassify) and of a revision newer than
--     the one the assignment was made at — an assignment made after the
--     reclassify request still wins;
--   * an automatic decision never replaces one of a newer revision (a late
--     LLM answer of revision 1 after revision 2 decided); the same revision
--     applies again, so a retried activity is idempotent.
-- The guard is in the WHERE clause, not read beforehand: concurrent appliers
-- queue on the row lock and PostgreSQL re-checks the condition against the
-- row the other one left.
UPDATE documents
SET project_id            = @project_id,
    classification_source = @classification_source,
    confidence            = @confidence,
    classified_revision   = GREATEST(COALESCE(classified_revision, 0), @revision::integer),
    classified_at         = now(),
    updated_at            = now()
WHERE id = @id
  AND CASE
        WHEN @classification_source::text = 'manual' THEN true
        WHEN classification_source = 'manual'
            THEN @force::boolean AND COALESCE(classified_revision, 0) < @revision::integer
        ELSE COALESCE(classified_revision, 0) <= @revision::integer
      END;

-- name: BumpClassifyRevision :one
UPDATE documents SET classify_revision = classify_revision + 1, updated_at = now()
WHERE id = @id AND owner_id = @owner_id
RETURNING classify_revision;

-- name: ListDecisions :many
SELECT * FROM classification_decisions WHERE document_id = @document_id ORDER BY created_at DESC;
