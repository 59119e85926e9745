-- name: UpsertUserFromClaims :one
-- Creates the caller's row on first sight and refreshes email/name from newer
-- claims without ever blanking them.
INSERT INTO users (id, email, name)
VALUES (@id, @email, @name)
ON CONFLICT (id) DO UPDATE
SET email      = COALESCE(NULLIF(EXCLUDED.email, ''), users.email),
    name       = COALESCE(NULLIF(EXCLUDED.name, ''), users.name),
    updated_at = CASE
        WHEN users.email IS DISTINCT FROM COALESCE(NULLIF(EXCLUDED.email, ''), users.email)
          OR users.name IS DISTINCT FROM COALESCE(NULLIF(EXCLUDED.name, ''), users.name)
        THEN now() ELSE users.updated_at END
RETURNING *;

-- name: GetUser :one
SELECT * FROM users WHERE id = @id;

-- name: SetUsername :one
UPDATE users SET username = @username, updated_at = now()
WHERE id = @id
RETURNING *;

-- name: GetUsersByUsernames :many
-- Usernames compare case-insensitively (see users_username_key).
SELECT id, username FROM users
WHERE lower(username) = ANY (@usernames::text[]);

-- name: SetDisplayName :one
UPDATE users SET display_name = @display_name, updated_at = now()
WHERE id = @id
RETURNING *;

-- name: UserByUsername :one
-- Usernames compare case-insensitively (see users_username_key).
SELECT id FROM users WHERE lower(username) = lower(@username::text);
