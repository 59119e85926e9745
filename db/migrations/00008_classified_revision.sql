-- +goose Up

-- classified_revision is the classify revision whose decision the document
-- carries now (NULL: none yet). The decision-apply query compares it with
-- the revision of a decision that arrives, so that a late answer of an older
-- revision never replaces a newer one, and a manual assignment (which takes
-- the document's current revision) is replaced only by a reclassification
-- the user asked for after it.
ALTER TABLE documents ADD COLUMN classified_revision integer;

-- Documents classified before this column existed: the newest revision with
-- an applied decision (automatic or manual) is the one they carry.
UPDATE documents d
SET classified_revision = applied.revision
FROM (SELECT document_id, max(revision) AS revision
      FROM classification_decisions
      WHERE applied
      GROUP BY document_id) applied
WHERE applied.document_id = d.id;

-- +goose Down
ALTER TABLE documents DROP COLUMN classified_revision;
