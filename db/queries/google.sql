-- name: UpsertGoogleCredentials :exec
INSERT INTO google_credentials (user_id, google_email, scopes, key_id, access_token_enc, refresh_token_enc, token_type, expiry)
VALUES (@user_id, @google_email, @scopes, @key_id, @access_token_enc, @refresh_token_enc, @token_type, @expiry)
ON CONFLICT (user_id) DO UPDATE
SET google_email = EXCLUDED.google_email, scopes = EXCLUDED.scopes, key_id = EXCLUDED.key_id,
    access_token_enc = EXCLUDED.access_token_enc, refresh_token_enc = EXCLUDED.refresh_token_enc,
    token_type = EXCLUDED.token_type, expiry = EXCLUDED.expiry, updated_at = now();

-- name: GetGoogleCredentials :one
SELECT * FROM google_credentials WHERE user_id = @user_id;

-- name: UpdateGoogleAccessToken :exec
-- A refreshed token; the refresh token changes only when Google sends a new one.
UPDATE google_credentials
SET key_id = @key_id, access_token_enc = @access_token_enc, refresh_token_enc = @refresh_token_enc,
    expiry = @expiry, updated_at = now()
WHERE user_id = @user_id;

-- name: DeleteGoogleCredentials :execrows
DELETE FROM google_credentials WHERE user_id = @user_id;

-- name: UsersWithGoogle :many
SELECT user_id FROM google_credentials WHERE user_id = ANY (@user_ids::uuid[]);

-- name: InsertOAuthState :exec
INSERT INTO oauth_states (state, user_id, browser_hash, expires_at) VALUES (@state, @user_id, @browser_hash, @expires_at);

-- name: TakeOAuthState :one
-- A state is used once: taking it deletes it, whether or not the browser
-- that brings it back is the one that started the flow.
DELETE FROM oauth_states WHERE state = @state AND expires_at > now() RETURNING user_id, browser_hash;

-- name: DeleteExpiredOAuthStates :exec
DELETE FROM oauth_states WHERE expires_at <= now();
