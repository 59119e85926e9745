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
-- Usernames compare case-insensitively (see users_username_key). A name its
-- owner gave up within USERNAME_RESERVATION still finds them (the reserved
-- name is returned as asked), so mail sent to the old address is not lost.
SELECT u.id, u.username FROM users u
WHERE lower(u.username) = ANY (@usernames::text[])
UNION ALL
SELECT r.user_id, r.username FROM username_reservations r
WHERE r.username_key = ANY (@usernames::text[]) AND r.reserved_until > now() AND r.user_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.username) = r.username_key);

-- name: GetUserForUpdate :one
SELECT * FROM users WHERE id = @id FOR UPDATE;

-- name: LockUsername :exec
-- Serialises everyone claiming or giving up one name (case-insensitively)
-- until the transaction ends: a claim must see the reservation of a rename
-- that frees the name at the same moment, which a row lock cannot give
-- (the reservation row does not exist yet).
SELECT pg_advisory_xact_lock(hashtextextended('besunny-username:' || lower(@username::text), 0));

-- name: GetUsernameReservationForUpdate :one
-- The reservation of a name, still in force, locked until the transaction
-- that may claim the name ends.
SELECT * FROM username_reservations
WHERE username_key = lower(@username::text) AND reserved_until > now()
FOR UPDATE;

-- name: ReserveUsername :exec
-- The name its owner gives up stays theirs until reserved_until; an expired
-- reservation of the same name (anyone's) is replaced.
INSERT INTO username_reservations (username_key, username, user_id, reserved_until)
VALUES (lower(@username::text), @username, @user_id, @reserved_until)
ON CONFLICT (username_key) DO UPDATE
SET username = EXCLUDED.username, user_id = EXCLUDED.user_id,
    released_at = now(), reserved_until = EXCLUDED.reserved_until;

-- name: DeleteUsernameReservation :exec
DELETE FROM username_reservations WHERE username_key = lower(@username::text);

-- name: ListUsernameReservationsForUser :many
-- The names the user gave up and may still take back, newest first.
SELECT username, released_at, reserved_until FROM username_reservations
WHERE user_id = @user_id AND reserved_until > now()
ORDER BY released_at DESC;

-- name: CountUsernameReservationsForUser :one
SELECT count(*) FROM username_reservations WHERE user_id = @user_id AND reserved_until > now();

-- name: FirstUsernameReservationEnd :one
SELECT min(reserved_until)::timestamptz FROM username_reservations WHERE user_id = @user_id AND reserved_until > now();

-- name: SetDisplayName :one
UPDATE users SET display_name = @display_name, updated_at = now()
WHERE id = @id
RETURNING *;

-- name: UserByUsername :one
-- Usernames compare case-insensitively (see users_username_key).
SELECT id FROM users WHERE lower(username) = lower(@username::text);

-- name: GetActiveUsernameReservation :one
-- The reservation of a name still in force, read without locking (for the
-- signup form's availability check).
SELECT * FROM username_reservations
WHERE username_key = lower(@username::text) AND reserved_until > now();
