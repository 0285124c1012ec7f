-- why: an announcement across chats is bulk work whose outcome the author must learn: which chats
-- got it and which did not, and why. Each target chat is remembered with the seq of its send in
-- the action table (event_id = announcement.event_id), so the delivery report is assembled from
-- the actions' outcomes once all of them finished, exactly once (reported_at), after a restart too.
-- The announcement's text itself is never kept here (the actions hold it until sent).
CREATE TABLE announcement (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES org (id),
    author_vk   INTEGER NOT NULL,
    event_id    TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    reported_at INTEGER
);
CREATE INDEX announcement_open ON announcement (id) WHERE reported_at IS NULL;

CREATE TABLE announcement_target (
    announcement_id INTEGER NOT NULL REFERENCES announcement (id),
    chat_id         INTEGER NOT NULL REFERENCES chat (id),
    seq             INTEGER,  -- the send's seq; NULL: not sent (reason says why)
    reason          TEXT,
    PRIMARY KEY (announcement_id, chat_id)
);

-- why: each chat keeps one pinned message listing its resources and documents; the entries live
-- here, the pinned message is edited in place (pin_cmid), re-posted and pinned once only when VK
-- shows it is no longer pinned. version/shown: the list changed since the pinned copy was made.
CREATE TABLE chat_resource (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chat (id),
    title       TEXT NOT NULL,
    url         TEXT,
    attachment  TEXT,  -- doc{owner}_{id}[_key] of a document uploaded through VK
    added_by    INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX chat_resource_chat ON chat_resource (chat_id, id);

CREATE TABLE resource_pin (
    chat_id     INTEGER PRIMARY KEY REFERENCES chat (id),
    cmid        INTEGER,          -- the bot's pinned list; NULL while being posted
    posting     INTEGER NOT NULL DEFAULT 0,  -- a post with pin is recorded, its cmid not known yet
    posting_at  INTEGER,          -- when that post was recorded (a refused one is retried later)
    posted_at   INTEGER,          -- when the pinned copy was sent (VK edits only the last 24 hours)
    version     INTEGER NOT NULL DEFAULT 0,  -- bumped by every change of the list
    shown       INTEGER NOT NULL DEFAULT 0   -- the version the pinned copy shows
);
