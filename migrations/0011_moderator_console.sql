-- why: «Ложное срабатывание» asks for a scope: a word can be allowed in one chat only (chat_id set)
-- or in the whole school (chat_id NULL). The old key (org_id, word) cannot hold both, so the table
-- is rebuilt with a unique key over (org_id, chat or 0, word).
CREATE TABLE allow_word_scoped (
    org_id   INTEGER NOT NULL REFERENCES org (id),
    chat_id  INTEGER REFERENCES chat (id),
    word     TEXT NOT NULL,
    added_by INTEGER,
    added_at INTEGER NOT NULL
);
INSERT INTO allow_word_scoped (org_id, chat_id, word, added_by, added_at)
    SELECT org_id, NULL, word, added_by, added_at FROM allow_word;
DROP TABLE allow_word;
ALTER TABLE allow_word_scoped RENAME TO allow_word;
CREATE UNIQUE INDEX allow_word_scope ON allow_word (org_id, COALESCE(chat_id, 0), word);

-- why: an alert's card shows the person's recent history (strikes in the last 30 days, previous
-- mutes): both are read per person and chat.
CREATE INDEX strike_violation ON strike (violation_id);
CREATE INDEX audit_log_target ON audit_log (target_vk, action, created_at);
