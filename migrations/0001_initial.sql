-- why: the initial schema — organisations, people, roles, rosters, chats, moderation,
-- activity and the runtime state (long poll position, event inbox). Instants are unix
-- seconds (INTEGER), calendar days are ISO text.

CREATE TABLE org (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('region', 'municipality', 'school', 'other')),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES org (id),
    timezone    TEXT NOT NULL,
    last_grade  INTEGER NOT NULL DEFAULT 11,
    site_domain TEXT,
    created_by  INTEGER,
    created_at  INTEGER NOT NULL
);

CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    home_org_id INTEGER NOT NULL REFERENCES org (id),
    kind        TEXT NOT NULL CHECK (kind IN ('student', 'parent', 'staff')),
    full_name   TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    vk_id       INTEGER,
    status      TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'expelled', 'graduated', 'left')),
    position    TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX person_org_name ON person (home_org_id, name_key);
CREATE INDEX person_vk ON person (vk_id) WHERE vk_id IS NOT NULL;
CREATE UNIQUE INDEX person_org_kind_vk ON person (home_org_id, kind, vk_id) WHERE vk_id IS NOT NULL;

-- A class is a cohort: it keeps its id when promoted, so its chats keep their chat.
CREATE TABLE class_group (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL REFERENCES org (id),
    grade     INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    letter    TEXT NOT NULL,
    status    TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'graduated')),
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX class_group_active ON class_group (org_id, grade, letter) WHERE status = 'active';

CREATE TABLE student (
    person_id INTEGER PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,
    class_id  INTEGER REFERENCES class_group (id),
    mode      TEXT NOT NULL DEFAULT 'regular' CHECK (mode IN ('regular', 'homeschool', 'long_absent'))
);
CREATE INDEX student_class ON student (class_id);

CREATE TABLE parent_child (
    parent_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    child_id  INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX parent_child_child ON parent_child (child_id);

CREATE TABLE role_grant (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES person (id),
    org_id       INTEGER NOT NULL REFERENCES org (id),
    role         TEXT NOT NULL,
    class_id     INTEGER REFERENCES class_group (id),
    subject      TEXT,
    order_no     TEXT,
    order_date   TEXT,
    granted_by   INTEGER,
    granted_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    revoked_by   INTEGER,
    revoke_basis TEXT
);
CREATE INDEX role_grant_person ON role_grant (person_id) WHERE revoked_at IS NULL;
CREATE INDEX role_grant_org ON role_grant (org_id, role) WHERE revoked_at IS NULL;

CREATE TABLE join_code (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by_vk INTEGER,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE code_attempt (
    vk_id INTEGER NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX code_attempt_vk ON code_attempt (vk_id, at);

-- Roster changes that chat membership follows; consumed_at is set by the chat reconciler.
CREATE TABLE roster_event (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES org (id),
    person_id     INTEGER REFERENCES person (id),
    kind          TEXT NOT NULL,
    from_class_id INTEGER REFERENCES class_group (id),
    to_class_id   INTEGER REFERENCES class_group (id),
    details       TEXT NOT NULL DEFAULT '{}',
    created_by    INTEGER,
    created_at    INTEGER NOT NULL,
    consumed_at   INTEGER
);
CREATE INDEX roster_event_pending ON roster_event (org_id) WHERE consumed_at IS NULL;

CREATE TABLE chat (
    id             INTEGER PRIMARY KEY,
    peer_id        INTEGER NOT NULL UNIQUE,
    org_id         INTEGER REFERENCES org (id),
    type           TEXT,
    class_id       INTEGER REFERENCES class_group (id),
    subject        TEXT,
    title          TEXT NOT NULL DEFAULT '',
    leader_id      INTEGER REFERENCES person (id),
    overrides      TEXT NOT NULL DEFAULT '{}',
    invite_link    TEXT,
    status         TEXT NOT NULL DEFAULT 'unbound'
                   CHECK (status IN ('unbound', 'active', 'archived')),
    bot_is_admin   INTEGER NOT NULL DEFAULT 0,
    rights_lost_at INTEGER,
    added_by       INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX chat_org ON chat (org_id, type);

CREATE TABLE chat_member (
    chat_id         INTEGER NOT NULL REFERENCES chat (id),
    vk_id           INTEGER NOT NULL,
    person_id       INTEGER REFERENCES person (id),
    state           TEXT NOT NULL CHECK (state IN ('member', 'quarantine', 'left', 'removed')),
    credited_org_id INTEGER REFERENCES org (id),
    admitted_by     INTEGER,
    joined_at       INTEGER NOT NULL,
    left_at         INTEGER,
    PRIMARY KEY (chat_id, vk_id)
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES org (id),
    chat_id    INTEGER REFERENCES chat (id),
    actor_vk   INTEGER,
    action     TEXT NOT NULL,
    target_vk  INTEGER,
    policy     TEXT,
    reason     TEXT,
    details    TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, created_at);

CREATE TABLE violation (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER REFERENCES org (id),
    chat_id    INTEGER NOT NULL REFERENCES chat (id),
    vk_id      INTEGER NOT NULL,
    policy     TEXT NOT NULL,
    action     TEXT NOT NULL,
    severity   INTEGER NOT NULL DEFAULT 1,
    cmid       INTEGER,
    excerpt    TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX violation_chat ON violation (chat_id, created_at);

CREATE TABLE strike (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL REFERENCES chat (id),
    vk_id        INTEGER NOT NULL,
    violation_id INTEGER REFERENCES violation (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX strike_member ON strike (chat_id, vk_id, expires_at);

CREATE TABLE mute (
    chat_id INTEGER NOT NULL REFERENCES chat (id),
    vk_id   INTEGER NOT NULL,
    until   INTEGER NOT NULL,
    by_vk   INTEGER,
    PRIMARY KEY (chat_id, vk_id)
);

CREATE TABLE alert (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER REFERENCES org (id),
    chat_id        INTEGER REFERENCES chat (id),
    kind           TEXT NOT NULL,
    target_vk      INTEGER,
    violation_id   INTEGER REFERENCES violation (id),
    details        TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handled')),
    handled_by     INTEGER,
    handled_action TEXT,
    handled_at     INTEGER,
    created_at     INTEGER NOT NULL
);

CREATE TABLE alert_message (
    alert_id INTEGER NOT NULL REFERENCES alert (id),
    peer_id  INTEGER NOT NULL,
    cmid     INTEGER,
    PRIMARY KEY (alert_id, peer_id)
);

CREATE TABLE allow_word (
    org_id   INTEGER NOT NULL REFERENCES org (id),
    word     TEXT NOT NULL,
    added_by INTEGER,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, word)
);

-- Participation: one row per local day x chat x author; the credited org is frozen at write time.
CREATE TABLE activity (
    day             TEXT NOT NULL,
    chat_id         INTEGER NOT NULL REFERENCES chat (id),
    vk_id           INTEGER NOT NULL,
    person_id       INTEGER REFERENCES person (id),
    credited_org_id INTEGER REFERENCES org (id),
    messages        INTEGER NOT NULL DEFAULT 0,
    joins           INTEGER NOT NULL DEFAULT 0,
    leaves          INTEGER NOT NULL DEFAULT 0,
    actions         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, chat_id, vk_id)
);
CREATE INDEX activity_credit ON activity (credited_org_id, day);

-- Multi-step dialogs (import preview, promotion, disambiguation) awaiting a button or answer.
CREATE TABLE pending_action (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    vk_id      INTEGER NOT NULL,
    org_id     INTEGER REFERENCES org (id),
    payload    TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied', 'cancelled', 'expired')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Every VK event is recorded before it is handled: a restart resumes pending ones and never
-- handles a done one twice (long poll replays and Callback API retries alike).
CREATE TABLE inbox (
    event_id    TEXT PRIMARY KEY,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    received_at INTEGER NOT NULL,
    done_at     INTEGER
);
CREATE INDEX inbox_pending ON inbox (received_at) WHERE status = 'pending';

CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
