-- why: flood, repeat and sticker checks need each author's recent messages. They are kept in
-- the database (a fingerprint hash and a sticker count, never the text), so that several
-- workers behind the Callback API judge the same history; rows older than a few minutes are
-- pruned as new ones arrive. Also an index for the evidence purge.

CREATE TABLE recent_message (
    chat_id     INTEGER NOT NULL REFERENCES chat (id),
    vk_id       INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    stickers    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX recent_message_author ON recent_message (chat_id, vk_id, at);

CREATE INDEX violation_evidence ON violation (created_at) WHERE excerpt IS NOT NULL;
