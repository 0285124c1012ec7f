-- why: the web cabinet signs people in through the bot. A one-time login link and a session are
-- secrets: only their HMAC is stored, so a copy of the database opens nobody's cabinet. Login
-- attempts are counted per client address (hashed too) and per link to slow guessing down; the
-- counts live in the database, not in memory, so several workers share them.
CREATE TABLE web_login_token (
    token_hash TEXT PRIMARY KEY,
    vk_id      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX web_login_token_expiry ON web_login_token (expires_at);

CREATE TABLE web_session (
    id_hash    TEXT PRIMARY KEY,
    vk_id      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    ended_at   INTEGER
);
CREATE INDEX web_session_expiry ON web_session (expires_at);

CREATE TABLE web_login_attempt (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX web_login_attempt_key ON web_login_attempt (key, at);
