-- name: CreateProject :one
INSERT INTO projects (owner_id, name, description, status, normalized_tags, categories, reference_keywords,
                      entity_patterns, classification_signals, notes)
VALUES (@owner_id, @name, @description, @status, @normalized_tags, @categories, @reference_keywords,
        @entity_patterns, @classification_signals, @notes)
RETURNING *;

-- name: GetProjectForOwner :one
SELECT * FROM projects WHERE id = @id AND owner_id = @owner_id;

-- name: ListProjectsForOwner :many
SELECT * FROM projects
WHERE owner_id = @owner_id AND (sqlc.narg(status)::text IS NULL OR status = sqlc.narg(status)::text)
ORDER BY created_at, id;

-- name: UpdateProject :one
-- Every change of what the classifier reads bumps profile_revision, which
-- invalidates the cached profile.
UPDATE projects
SET name                   = @name,
    description            = @description,
    status                 = @status,
    normalized_tags        = @normalized_tags,
    categories             = @categories,
    reference_keywords     = @reference_keywords,
    entity_patterns        = @entity_patterns,
    classification_signals = @classification_signals,
    notes                  = @notes,
    profile_revision       = profile_revision + 1,
    updated_at             = now()
WHERE id = @id AND owner_id = @owner_id
RETURNING *;

-- name: DeleteProject :execrows
DELETE FROM projects WHERE id = @id AND owner_id = @owner_id;

-- name: BumpProfileRevision :exec
UPDATE projects SET profile_revision = profile_revision + 1, updated_at = now()
WHERE id = ANY (@ids::uuid[]);

-- name: ListActiveProjectsForClassification :many
SELECT id, name, description, normalized_tags, categories, reference_keywords, entity_patterns, notes, profile_revision
FROM projects WHERE owner_id = @owner_id AND status = 'active'
ORDER BY id;

-- name: ListProjectExamples :many
-- What the local classifier learns from: the project's most recent documents,
-- manual assignments first.
SELECT title, author, left(content, 2000)::text AS excerpt, (classification_source = 'manual')::boolean AS manual
FROM documents
WHERE project_id = @project_id AND status <> 'deleted'
ORDER BY (classification_source = 'manual') DESC, received_at DESC
LIMIT @max_rows;

-- name: SetProjectLastClassified :exec
UPDATE projects SET last_classified_at = now() WHERE id = @id;

-- name: SaveOnboardingSummary :one
UPDATE projects
SET onboarding_summary = @summary, onboard_revision = onboard_revision + 1, updated_at = now()
WHERE id = @id AND owner_id = @owner_id
RETURNING onboard_revision;

-- name: GetOnboarding :one
SELECT id, name, onboarding_summary FROM projects WHERE id = @id;

-- name: ApplyOnboardingProfile :exec
-- Derived hints are added to what the project has; nothing a user wrote is
-- removed.
UPDATE projects
SET normalized_tags    = ARRAY(SELECT DISTINCT unnest(normalized_tags || @normalized_tags::text[]) ORDER BY 1),
    categories         = ARRAY(SELECT DISTINCT unnest(categories || @categories::text[]) ORDER BY 1),
    reference_keywords = ARRAY(SELECT DISTINCT unnest(reference_keywords || @reference_keywords::text[]) ORDER BY 1),
    entity_patterns    = @entity_patterns,
    profile_revision   = profile_revision + 1,
    onboarded_at       = now(),
    updated_at         = now()
WHERE id = @id;

-- name: GetProjectEntities :one
SELECT entity_patterns FROM projects WHERE id = @id FOR UPDATE;
