-- +goose Up

-- classify_revision names the document's classification runs
-- (classify/<document id>/<revision>): it grows when the content changes or a
-- user asks to reclassify, so each version is classified exactly once.
ALTER TABLE documents ADD COLUMN classify_revision integer NOT NULL DEFAULT 1;
ALTER TABLE documents ADD COLUMN classified_at timestamptz;

-- profile_revision keys the local classifier's cached project profile: it
-- grows when the project's fields or its manual assignments change.
ALTER TABLE projects ADD COLUMN profile_revision bigint NOT NULL DEFAULT 1;

-- The summary a user gave at onboarding, and the count of onboardings (which
-- names their workflow runs, onboard/<project id>/<revision>).
ALTER TABLE projects ADD COLUMN onboarding_summary jsonb;
ALTER TABLE projects ADD COLUMN onboard_revision integer NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN onboarded_at timestamptz;

-- Every decision about a document: automatic ones (path local or llm) once
-- per revision, and manual assignments (feedback for the local profile).
CREATE TABLE classification_decisions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id   uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    revision      integer NOT NULL,
    path          text NOT NULL CHECK (path IN ('local', 'llm', 'manual')),
    classifier    text NOT NULL,
    project_id    uuid REFERENCES projects (id) ON DELETE SET NULL,
    confidence    real NOT NULL DEFAULT 0,
    matched_tags  text[] NOT NULL DEFAULT '{}',
    inferred_tags text[] NOT NULL DEFAULT '{}',
    reason        text NOT NULL DEFAULT '',
    candidates    jsonb NOT NULL DEFAULT '[]',
    tokens_in     integer NOT NULL DEFAULT 0,
    tokens_out    integer NOT NULL DEFAULT 0,
    latency_ms    integer NOT NULL DEFAULT 0,
    applied       boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, revision, path)
);
CREATE INDEX classification_decisions_document_idx ON classification_decisions (document_id, created_at DESC);

-- Examples of a project for the local classifier.
CREATE INDEX documents_project_recent_idx ON documents (project_id, classification_source, received_at DESC)
    WHERE project_id IS NOT NULL;

-- +goose Down
DROP INDEX documents_project_recent_idx;
DROP TABLE classification_decisions;
ALTER TABLE projects DROP COLUMN onboarded_at;
ALTER TABLE projects DROP COLUMN onboard_revision;
ALTER TABLE projects DROP COLUMN onboarding_summary;
ALTER TABLE projects DROP COLUMN profile_revision;
ALTER TABLE documents DROP COLUMN classified_at;
ALTER TABLE documents DROP COLUMN classify_revision;
