-- why: a region's month report and a coordinator's page over 1,500 schools and 60,000 chats must
-- not scan the raw activity rows at request time. These tables are kept current by triggers on
-- activity (at the end): every count (bot/services/activity.py) upserts them in the same
-- statement, hence the same transaction, at one round trip; reads are in bot/repo/aggregates.py.
-- (A PostgreSQL port writes the same upserts as plpgsql trigger functions.) The roster side
-- (people in chats, coverage per chat type, classes) is snapshotted per org and month
-- (bot/services/report_people.py): refreshed while the month runs, frozen once it is over.
-- Unknown ids are stored as 0 / '' (never NULL) so they can be part of a primary key.
-- Backfilled below from the activity rows already stored.

-- Activity by month x the chat's org x chat type x the org the author is credited to (0: unknown).
CREATE TABLE agg_flow (
    month           TEXT NOT NULL,
    chat_org_id     INTEGER NOT NULL,
    chat_type       TEXT NOT NULL,
    credited_org_id INTEGER NOT NULL,
    messages        INTEGER NOT NULL DEFAULT 0,
    actions         INTEGER NOT NULL DEFAULT 0,
    joins           INTEGER NOT NULL DEFAULT 0,
    leaves          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, chat_org_id, chat_type, credited_org_id)
);
CREATE INDEX agg_flow_credited ON agg_flow (month, credited_org_id);

-- Activity credited to each org per month, wherever it happened (trends: 1 row per org and month).
CREATE TABLE agg_credit (
    month    TEXT NOT NULL,
    org_id   INTEGER NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    actions  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, org_id)
);

-- Activity by month x chat (its org kept for grouping).
CREATE TABLE agg_chat (
    month          TEXT NOT NULL,
    chat_org_id    INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    messages       INTEGER NOT NULL DEFAULT 0,
    actions        INTEGER NOT NULL DEFAULT 0,
    guest_messages INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, chat_org_id, chat_id)
);

-- Messages by local day x the chat's org x chat type (the charts).
CREATE TABLE agg_day (
    chat_org_id INTEGER NOT NULL,
    day         TEXT NOT NULL,
    chat_type   TEXT NOT NULL,
    messages    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (chat_org_id, day, chat_type)
);

-- One row per person, month and credited org: who was active (messages that stayed + actions).
CREATE TABLE agg_person (
    month           TEXT NOT NULL,
    credited_org_id INTEGER NOT NULL,
    person_id       INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    messages        INTEGER NOT NULL DEFAULT 0,
    actions         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, credited_org_id, person_id)
);

-- Active people per month, org and kind: +1 when a person's month becomes active, -1 when the
-- only activity is taken back (a deleted message).
CREATE TABLE agg_active (
    month  TEXT NOT NULL,
    org_id INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    people INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, org_id, kind)
);

-- The roster side of an org's month (see report_people.py): people per kind ...
CREATE TABLE agg_people (
    month    TEXT NOT NULL,
    org_id   INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    roster   INTEGER NOT NULL DEFAULT 0,
    linked   INTEGER NOT NULL DEFAULT 0,
    in_chats INTEGER NOT NULL DEFAULT 0,
    active   INTEGER NOT NULL DEFAULT 0,
    silent   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, org_id, kind)
);

-- ... coverage per chat type (people of the audience in such a chat vs the audience) ...
CREATE TABLE agg_coverage (
    month     TEXT NOT NULL,
    org_id    INTEGER NOT NULL,
    chat_type TEXT NOT NULL,
    chats     INTEGER NOT NULL DEFAULT 0,
    eligible  INTEGER NOT NULL DEFAULT 0,
    in_chats  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, org_id, chat_type)
);

-- ... and the org's chats and classes, with when the snapshot was taken (frozen: final = 1).
CREATE TABLE agg_org (
    month         TEXT NOT NULL,
    org_id        INTEGER NOT NULL,
    chats         INTEGER NOT NULL DEFAULT 0,
    classes       INTEGER NOT NULL DEFAULT 0,
    with_parents  INTEGER NOT NULL DEFAULT 0,
    with_students INTEGER NOT NULL DEFAULT 0,
    with_both     INTEGER NOT NULL DEFAULT 0,
    chat_ids      TEXT NOT NULL DEFAULT '',  -- the org's active chats then, comma-separated
    taken_at      INTEGER NOT NULL,
    final         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, org_id)
);

-- finding every chat a person is in (people in chats of any school) without a scan
CREATE INDEX chat_member_vk ON chat_member (vk_id, state);

-- backfill from the stored activity rows
INSERT INTO agg_flow (month, chat_org_id, chat_type, credited_org_id, messages, actions, joins, leaves)
SELECT substr(a.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(a.credited_org_id, 0),
       SUM(a.messages), SUM(a.actions), SUM(a.joins), SUM(a.leaves)
FROM activity a JOIN chat c ON c.id = a.chat_id WHERE c.org_id IS NOT NULL
GROUP BY substr(a.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(a.credited_org_id, 0);

INSERT INTO agg_credit (month, org_id, messages, actions)
SELECT month, credited_org_id, SUM(messages), SUM(actions) FROM agg_flow WHERE credited_org_id != 0
GROUP BY month, credited_org_id HAVING SUM(messages) != 0 OR SUM(actions) != 0;

INSERT INTO agg_chat (month, chat_org_id, chat_id, messages, actions, guest_messages)
SELECT substr(a.day, 1, 7), c.org_id, a.chat_id, SUM(a.messages), SUM(a.actions),
       SUM(CASE WHEN COALESCE(a.credited_org_id, 0) = c.org_id THEN 0 ELSE a.messages END)
FROM activity a JOIN chat c ON c.id = a.chat_id WHERE c.org_id IS NOT NULL
GROUP BY substr(a.day, 1, 7), c.org_id, a.chat_id;

INSERT INTO agg_day (chat_org_id, day, chat_type, messages)
SELECT c.org_id, a.day, COALESCE(c.type, ''), SUM(a.messages)
FROM activity a JOIN chat c ON c.id = a.chat_id WHERE c.org_id IS NOT NULL
GROUP BY c.org_id, a.day, COALESCE(c.type, '');

INSERT INTO agg_person (month, credited_org_id, person_id, kind, messages, actions)
SELECT substr(a.day, 1, 7), a.credited_org_id, a.person_id, p.kind, SUM(a.messages), SUM(a.actions)
FROM activity a JOIN person p ON p.id = a.person_id WHERE a.credited_org_id IS NOT NULL
GROUP BY substr(a.day, 1, 7), a.credited_org_id, a.person_id, p.kind;

INSERT INTO agg_active (month, org_id, kind, people)
SELECT month, credited_org_id, kind, COUNT(*) FROM agg_person WHERE messages + actions > 0
GROUP BY month, credited_org_id, kind;

-- triggers: every write to activity (a count, a count taken back, the bulk flush) updates the
-- aggregates in the same statement, hence in the same transaction; created after the backfill.
-- An update that gives a row its first known author/credit moves the old counts to the new keys.
CREATE TRIGGER activity_agg_insert AFTER INSERT ON activity
BEGIN
    INSERT INTO agg_flow (month, chat_org_id, chat_type, credited_org_id, messages, actions, joins, leaves)
    SELECT substr(NEW.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(NEW.credited_org_id, 0),
           NEW.messages, NEW.actions, NEW.joins, NEW.leaves
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL
    ON CONFLICT (month, chat_org_id, chat_type, credited_org_id) DO UPDATE SET
        messages = agg_flow.messages + excluded.messages, actions = agg_flow.actions + excluded.actions,
        joins = agg_flow.joins + excluded.joins, leaves = agg_flow.leaves + excluded.leaves;
    INSERT INTO agg_chat (month, chat_org_id, chat_id, messages, actions, guest_messages)
    SELECT substr(NEW.day, 1, 7), c.org_id, NEW.chat_id, NEW.messages, NEW.actions,
           CASE WHEN COALESCE(NEW.credited_org_id, 0) = c.org_id THEN 0 ELSE NEW.messages END
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL AND (NEW.messages != 0 OR NEW.actions != 0)
    ON CONFLICT (month, chat_org_id, chat_id) DO UPDATE SET
        messages = agg_chat.messages + excluded.messages, actions = agg_chat.actions + excluded.actions,
        guest_messages = agg_chat.guest_messages + excluded.guest_messages;
    INSERT INTO agg_day (chat_org_id, day, chat_type, messages)
    SELECT c.org_id, NEW.day, COALESCE(c.type, ''), NEW.messages
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL AND NEW.messages != 0
    ON CONFLICT (chat_org_id, day, chat_type) DO UPDATE SET messages = agg_day.messages + excluded.messages;
    INSERT INTO agg_person (month, credited_org_id, person_id, kind, messages, actions)
    SELECT substr(NEW.day, 1, 7), NEW.credited_org_id, p.id, p.kind, NEW.messages, NEW.actions
    FROM person p WHERE p.id = NEW.person_id AND NEW.credited_org_id IS NOT NULL
        AND (NEW.messages != 0 OR NEW.actions != 0)
    ON CONFLICT (month, credited_org_id, person_id) DO UPDATE SET
        messages = agg_person.messages + excluded.messages, actions = agg_person.actions + excluded.actions;
END;

CREATE TRIGGER activity_agg_update AFTER UPDATE ON activity
WHEN OLD.credited_org_id IS NEW.credited_org_id AND OLD.person_id IS NEW.person_id
BEGIN
    INSERT INTO agg_flow (month, chat_org_id, chat_type, credited_org_id, messages, actions, joins, leaves)
    SELECT substr(NEW.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(NEW.credited_org_id, 0),
           NEW.messages - OLD.messages, NEW.actions - OLD.actions, NEW.joins - OLD.joins, NEW.leaves - OLD.leaves
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL
    ON CONFLICT (month, chat_org_id, chat_type, credited_org_id) DO UPDATE SET
        messages = agg_flow.messages + excluded.messages, actions = agg_flow.actions + excluded.actions,
        joins = agg_flow.joins + excluded.joins, leaves = agg_flow.leaves + excluded.leaves;
    INSERT INTO agg_chat (month, chat_org_id, chat_id, messages, actions, guest_messages)
    SELECT substr(NEW.day, 1, 7), c.org_id, NEW.chat_id, NEW.messages - OLD.messages, NEW.actions - OLD.actions,
           CASE WHEN COALESCE(NEW.credited_org_id, 0) = c.org_id THEN 0 ELSE NEW.messages - OLD.messages END
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL
        AND (NEW.messages != OLD.messages OR NEW.actions != OLD.actions)
    ON CONFLICT (month, chat_org_id, chat_id) DO UPDATE SET
        messages = agg_chat.messages + excluded.messages, actions = agg_chat.actions + excluded.actions,
        guest_messages = agg_chat.guest_messages + excluded.guest_messages;
    INSERT INTO agg_day (chat_org_id, day, chat_type, messages)
    SELECT c.org_id, NEW.day, COALESCE(c.type, ''), NEW.messages - OLD.messages
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL AND NEW.messages != OLD.messages
    ON CONFLICT (chat_org_id, day, chat_type) DO UPDATE SET messages = agg_day.messages + excluded.messages;
    INSERT INTO agg_person (month, credited_org_id, person_id, kind, messages, actions)
    SELECT substr(NEW.day, 1, 7), NEW.credited_org_id, p.id, p.kind, NEW.messages - OLD.messages,
           NEW.actions - OLD.actions
    FROM person p WHERE p.id = NEW.person_id AND NEW.credited_org_id IS NOT NULL
        AND (NEW.messages != OLD.messages OR NEW.actions != OLD.actions)
    ON CONFLICT (month, credited_org_id, person_id) DO UPDATE SET
        messages = agg_person.messages + excluded.messages, actions = agg_person.actions + excluded.actions;
END;

-- the rare update that learns who an unknown author was: take the old counts out, put the new in
CREATE TRIGGER activity_agg_rekey AFTER UPDATE ON activity
WHEN OLD.credited_org_id IS NOT NEW.credited_org_id OR OLD.person_id IS NOT NEW.person_id
BEGIN
    INSERT INTO agg_flow (month, chat_org_id, chat_type, credited_org_id, messages, actions, joins, leaves)
    SELECT substr(OLD.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(OLD.credited_org_id, 0),
           -OLD.messages, -OLD.actions, -OLD.joins, -OLD.leaves
    FROM chat c WHERE c.id = OLD.chat_id AND c.org_id IS NOT NULL
    ON CONFLICT (month, chat_org_id, chat_type, credited_org_id) DO UPDATE SET
        messages = agg_flow.messages + excluded.messages, actions = agg_flow.actions + excluded.actions,
        joins = agg_flow.joins + excluded.joins, leaves = agg_flow.leaves + excluded.leaves;
    INSERT INTO agg_flow (month, chat_org_id, chat_type, credited_org_id, messages, actions, joins, leaves)
    SELECT substr(NEW.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(NEW.credited_org_id, 0),
           NEW.messages, NEW.actions, NEW.joins, NEW.leaves
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL
    ON CONFLICT (month, chat_org_id, chat_type, credited_org_id) DO UPDATE SET
        messages = agg_flow.messages + excluded.messages, actions = agg_flow.actions + excluded.actions,
        joins = agg_flow.joins + excluded.joins, leaves = agg_flow.leaves + excluded.leaves;
    INSERT INTO agg_chat (month, chat_org_id, chat_id, messages, actions, guest_messages)
    SELECT substr(NEW.day, 1, 7), c.org_id, NEW.chat_id, NEW.messages - OLD.messages, NEW.actions - OLD.actions,
           (CASE WHEN COALESCE(NEW.credited_org_id, 0) = c.org_id THEN 0 ELSE NEW.messages END)
           - (CASE WHEN COALESCE(OLD.credited_org_id, 0) = c.org_id THEN 0 ELSE OLD.messages END)
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL
    ON CONFLICT (month, chat_org_id, chat_id) DO UPDATE SET
        messages = agg_chat.messages + excluded.messages, actions = agg_chat.actions + excluded.actions,
        guest_messages = agg_chat.guest_messages + excluded.guest_messages;
    INSERT INTO agg_day (chat_org_id, day, chat_type, messages)
    SELECT c.org_id, NEW.day, COALESCE(c.type, ''), NEW.messages - OLD.messages
    FROM chat c WHERE c.id = NEW.chat_id AND c.org_id IS NOT NULL AND NEW.messages != OLD.messages
    ON CONFLICT (chat_org_id, day, chat_type) DO UPDATE SET messages = agg_day.messages + excluded.messages;
    INSERT INTO agg_person (month, credited_org_id, person_id, kind, messages, actions)
    SELECT substr(OLD.day, 1, 7), OLD.credited_org_id, p.id, p.kind, -OLD.messages, -OLD.actions
    FROM person p WHERE p.id = OLD.person_id AND OLD.credited_org_id IS NOT NULL
    ON CONFLICT (month, credited_org_id, person_id) DO UPDATE SET
        messages = agg_person.messages + excluded.messages, actions = agg_person.actions + excluded.actions;
    INSERT INTO agg_person (month, credited_org_id, person_id, kind, messages, actions)
    SELECT substr(NEW.day, 1, 7), NEW.credited_org_id, p.id, p.kind, NEW.messages, NEW.actions
    FROM person p WHERE p.id = NEW.person_id AND NEW.credited_org_id IS NOT NULL
    ON CONFLICT (month, credited_org_id, person_id) DO UPDATE SET
        messages = agg_person.messages + excluded.messages, actions = agg_person.actions + excluded.actions;
END;

-- a person's month becomes active (+1) or is no longer (-1, the only message taken back)
CREATE TRIGGER agg_person_active_insert AFTER INSERT ON agg_person
WHEN NEW.messages + NEW.actions > 0
BEGIN
    INSERT INTO agg_active (month, org_id, kind, people) VALUES (NEW.month, NEW.credited_org_id, NEW.kind, 1)
    ON CONFLICT (month, org_id, kind) DO UPDATE SET people = agg_active.people + 1;
END;

CREATE TRIGGER agg_person_active_update AFTER UPDATE ON agg_person
WHEN (OLD.messages + OLD.actions > 0) != (NEW.messages + NEW.actions > 0)
BEGIN
    INSERT INTO agg_active (month, org_id, kind, people)
    VALUES (NEW.month, NEW.credited_org_id, NEW.kind, CASE WHEN NEW.messages + NEW.actions > 0 THEN 1 ELSE -1 END)
    ON CONFLICT (month, org_id, kind) DO UPDATE SET people = agg_active.people + excluded.people;
END;

-- agg_flow -> agg_credit: what each org is credited with per month
CREATE TRIGGER agg_flow_credit_insert AFTER INSERT ON agg_flow
WHEN NEW.credited_org_id != 0 AND (NEW.messages != 0 OR NEW.actions != 0)
BEGIN
    INSERT INTO agg_credit (month, org_id, messages, actions) VALUES (NEW.month, NEW.credited_org_id, NEW.messages,
                                                                       NEW.actions)
    ON CONFLICT (month, org_id) DO UPDATE SET messages = agg_credit.messages + excluded.messages,
        actions = agg_credit.actions + excluded.actions;
END;

CREATE TRIGGER agg_flow_credit_update AFTER UPDATE ON agg_flow
WHEN NEW.credited_org_id != 0 AND (NEW.messages != OLD.messages OR NEW.actions != OLD.actions)
BEGIN
    INSERT INTO agg_credit (month, org_id, messages, actions)
    VALUES (NEW.month, NEW.credited_org_id, NEW.messages - OLD.messages, NEW.actions - OLD.actions)
    ON CONFLICT (month, org_id) DO UPDATE SET messages = agg_credit.messages + excluded.messages,
        actions = agg_credit.actions + excluded.actions;
END;
