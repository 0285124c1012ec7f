-- why: exactly once per action. A decision's VK side effects are recorded in the same transaction
-- as the event and its state changes, then performed by one executor that marks each done; a
-- replay finishes what was recorded and never decides again. (event_id, seq) is the action's
-- identity: a handler re-run after a crash records nothing new, and random_id derives from it.
CREATE TABLE action (
    id          INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    lane        INTEGER NOT NULL DEFAULT 1,
    kind        TEXT NOT NULL,
    peer_id     INTEGER,
    params      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       INTEGER,
    created_at  INTEGER NOT NULL,
    done_at     INTEGER,
    UNIQUE (event_id, seq)
);
CREATE INDEX action_pending ON action (id) WHERE status = 'pending';
CREATE INDEX action_done_at ON action (done_at) WHERE status != 'pending';

-- why: events of one chat are replayed in order through that chat's queue; poison events are
-- parked with the reason, never with their text.
ALTER TABLE inbox ADD COLUMN peer_id INTEGER;
ALTER TABLE inbox ADD COLUMN error TEXT;
