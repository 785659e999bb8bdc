-- Web sessions as rows: a session ends when its user signs out, its password is reset or its account is removed.
CREATE TABLE user_sessions (
    id          text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

-- Failed sign-ins per account (whatever the client address), for exponential back-off.
CREATE TABLE login_failures (
    account       text PRIMARY KEY,
    failures      int NOT NULL DEFAULT 0,
    last_failure  timestamptz NOT NULL DEFAULT now(),
    locked_until  timestamptz
);
