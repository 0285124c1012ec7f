-- why: the bot's own polls and quizzes (VK does not let a community create native polls). A poll
-- is one message with callback buttons; a quiz is a series of such questions with a correct
-- option each (series = the id of its first question). Counts are read from the votes, never
-- kept twice; the live count is edited in place at most once per interval (refresh_at: when the
-- next edit is due, NULL when none is pending — at most one pending edit per poll message).
CREATE TABLE poll (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL DEFAULT 'poll' CHECK (kind IN ('poll', 'quiz')),
    series     INTEGER,                      -- quiz: the first question's id (its own for the first)
    position   INTEGER NOT NULL DEFAULT 1,   -- quiz: the question's number in the series
    chat_id    INTEGER NOT NULL REFERENCES chat (id),
    org_id     INTEGER NOT NULL REFERENCES org (id),
    author_vk  INTEGER NOT NULL,
    question   TEXT NOT NULL,
    options    TEXT NOT NULL,                -- JSON list of option texts
    correct    INTEGER,                      -- quiz: index of the correct option
    multiple   INTEGER NOT NULL DEFAULT 0,
    anonymous  INTEGER NOT NULL DEFAULT 0,
    deadline   INTEGER NOT NULL,
    cmid       INTEGER,                      -- the posted message (learnt from the first press)
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at INTEGER NOT NULL,
    closed_at  INTEGER,
    refresh_at INTEGER,
    edited_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX poll_open_deadline ON poll (status, deadline);
CREATE INDEX poll_refresh ON poll (refresh_at) WHERE refresh_at IS NOT NULL;
CREATE INDEX poll_series ON poll (series);

-- one row per voter and poll: the chosen options as a bit mask (changeable until the deadline)
CREATE TABLE poll_vote (
    poll_id   INTEGER NOT NULL REFERENCES poll (id),
    vk_id     INTEGER NOT NULL,
    person_id INTEGER REFERENCES person (id),
    choice    INTEGER NOT NULL,
    voted_at  INTEGER NOT NULL,
    PRIMARY KEY (poll_id, vk_id)
) WITHOUT ROWID;
