-- +goose Up

-- A decision the ReclassifyBacklogWorkflow filed (a document that was
-- unclassified until the user's corrections taught the classifier enough).
ALTER TABLE classification_decisions DROP CONSTRAINT classification_decisions_path_check;
ALTER TABLE classification_decisions ADD CONSTRAINT classification_decisions_path_check
    CHECK (path IN ('local', 'llm', 'manual', 'backlog'));

-- The backlog: a user's unclassified documents, paged by id.
CREATE INDEX documents_owner_unclassified_idx ON documents (owner_id, id)
    WHERE project_id IS NULL AND classification_source <> 'manual' AND status <> 'deleted';

-- +goose Down
DROP INDEX documents_owner_unclassified_idx;
DELETE FROM classification_decisions WHERE path = 'backlog';
ALTER TABLE classification_decisions DROP CONSTRAINT classification_decisions_path_check;
ALTER TABLE classification_decisions ADD CONSTRAINT classification_decisions_path_check
    CHECK (path IN ('local', 'llm', 'manual'));
