-- +goose Up

-- An OAuth state is bound to the browser that started the flow: the SHA-256
-- of a random secret the API set as an HttpOnly cookie in that browser. The
-- callback needs both. States issued before this column existed have no
-- binding and are dropped (they lived 15 minutes; the user starts again).
DELETE FROM oauth_states;
ALTER TABLE oauth_states ADD COLUMN browser_hash bytea NOT NULL;

-- A username someone gave up stays theirs for a while (USERNAME_RESERVATION):
-- only they may take it back, and mail still sent to the old address reaches
-- them. username_key is the lower-cased name, as users_username_key compares.
-- A reservation outlives its owner's account (user_id NULL): the name stays
-- unclaimable for the period, and its mail finds no user.
CREATE TABLE username_reservations (
    username_key   text PRIMARY KEY,
    username       text NOT NULL,
    user_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    released_at    timestamptz NOT NULL DEFAULT now(),
    reserved_until timestamptz NOT NULL,
    CONSTRAINT username_reservations_key_is_lower CHECK (username_key = lower(username))
);
CREATE INDEX username_reservations_user_idx ON username_reservations (user_id, reserved_until);

-- +goose Down
DROP TABLE username_reservations;
ALTER TABLE oauth_states DROP COLUMN browser_hash;
