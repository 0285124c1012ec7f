-- why: class meetings and staff mini-meetings (invitation with «Приду / Не смогу», reminders, a
-- VK call link shortly before the start) and scheduled posts (plain posts and material before a
-- lesson with a «Прочитано» button). Every step that sends something has its own mark, set in the
-- same transaction as the recorded send: a restart never repeats one and never loses one.
CREATE TABLE meeting (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chat (id),
    org_id      INTEGER NOT NULL REFERENCES org (id),
    author_vk   INTEGER NOT NULL,
    topic       TEXT NOT NULL,
    starts_at   INTEGER NOT NULL,
    day_at      INTEGER,            -- the day-before reminder (moved out of quiet hours; NULL: none)
    hour_at     INTEGER,            -- the hour-before reminder (likewise)
    call_at     INTEGER NOT NULL,   -- when the call is started and its link posted
    day_done    INTEGER NOT NULL DEFAULT 0,
    hour_done   INTEGER NOT NULL DEFAULT 0,
    call_done   INTEGER NOT NULL DEFAULT 0,
    join_link   TEXT,
    call_claim  INTEGER,            -- when a run began starting the call (another run waits; stale after a minute)
    cmid        INTEGER,            -- the invitation (learnt from the first press)
    refresh_at  INTEGER,            -- the invitation's counts are due for an edit then (NULL: none pending)
    edited_at   INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled', 'done')),
    created_at  INTEGER NOT NULL
);
CREATE INDEX meeting_open ON meeting (status, starts_at);
CREATE INDEX meeting_refresh ON meeting (refresh_at) WHERE refresh_at IS NOT NULL;

-- one answer per person and meeting, changeable
CREATE TABLE meeting_answer (
    meeting_id  INTEGER NOT NULL REFERENCES meeting (id),
    vk_id       INTEGER NOT NULL,
    person_id   INTEGER REFERENCES person (id),
    coming      INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, vk_id)
) WITHOUT ROWID;

-- a scheduled post; kind 'material' has a lesson time (deadline), a «Прочитано» button and a
-- report of who has not read it, sent to the author before the lesson (report_at)
CREATE TABLE post (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'material')),
    chat_id     INTEGER NOT NULL REFERENCES chat (id),
    org_id      INTEGER NOT NULL REFERENCES org (id),
    author_vk   INTEGER NOT NULL,
    text        TEXT NOT NULL,
    attachment  TEXT,               -- VK attachment strings taken from the author's message
    due_at      INTEGER NOT NULL,   -- as planned, in UTC seconds (shown in the school's zone)
    hold_until  INTEGER,            -- quiet hours: waits until then (not set when forced)
    force       INTEGER NOT NULL DEFAULT 0,
    deadline    INTEGER,            -- material: the lesson
    report_at   INTEGER,            -- material: when the author gets who has not read it
    report_done INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'sent', 'cancelled', 'expired')),
    sent_at     INTEGER,
    cmid        INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX post_due ON post (status, due_at);
CREATE INDEX post_report ON post (report_done, report_at) WHERE kind = 'material';
CREATE INDEX post_author ON post (author_vk, status);

CREATE TABLE post_read (
    post_id   INTEGER NOT NULL REFERENCES post (id),
    vk_id     INTEGER NOT NULL,
    person_id INTEGER REFERENCES person (id),
    read_at   INTEGER NOT NULL,
    PRIMARY KEY (post_id, vk_id)
) WITHOUT ROWID;
