-- why: the hot line (issue 12 part 7) and private progress notes (part 8).
-- A hot-line question is a parent's private question to the class teacher or the school office.
-- Its text is personal data: kept only while it may still be answered and a retention period
-- after (``text`` set to NULL by the purge job); the times stay for the school's report.
CREATE TABLE hotline_question (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES org (id),
    class_id     INTEGER REFERENCES class_group (id),   -- the child's class (NULL: asked the office)
    target       TEXT NOT NULL CHECK (target IN ('class', 'office')),  -- who must answer now
    parent_vk    INTEGER NOT NULL,
    parent_id    INTEGER REFERENCES person (id),
    student_id   INTEGER REFERENCES person (id),
    assignee_vk  INTEGER,                               -- the class teacher (NULL: the office)
    text         TEXT,                                  -- NULL once purged
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    asked_at     INTEGER NOT NULL,
    remind_at    INTEGER NOT NULL,                      -- the next reminder (or escalation) is due
    reminders    INTEGER NOT NULL DEFAULT 0,
    escalated_at INTEGER,                               -- passed on to the office
    answered_at  INTEGER,
    answered_by  INTEGER                                -- VK id of the staff member who answered
);
CREATE INDEX hotline_open ON hotline_question (status, remind_at);
CREATE INDEX hotline_org ON hotline_question (org_id, asked_at);

-- Progress notes: a teacher's spreadsheet sent row by row to the parents. Nothing of the sheet is
-- kept: a delivery row names the student and the parent only; the texts live in the recorded
-- actions (event ``progress:<batch id>``, sequence ``seq``) until sent, then are dropped there.
-- The batch and its rows go once the teacher has been told who could not be reached.
-- AUTOINCREMENT: a dropped batch's id is never given again, or a new batch's messages would share
-- the recorded actions' identity (event ``progress:<id>``) with the old ones and be ignored.
CREATE TABLE progress_batch (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES org (id),
    teacher_vk  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE progress_delivery (
    batch_id   INTEGER NOT NULL REFERENCES progress_batch (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,                        -- the send's sequence in the batch's event
    student_id INTEGER NOT NULL REFERENCES person (id),
    parent_id  INTEGER REFERENCES person (id),          -- NULL: the student has no linked parent
    PRIMARY KEY (batch_id, seq)
);

-- Every private message asks whether its author has a dialog waiting for typed text (a hot-line
-- question or answer, a poll's question): open dialogs by person, without scanning old ones.
CREATE INDEX pending_action_open ON pending_action (vk_id, kind) WHERE status = 'open';
