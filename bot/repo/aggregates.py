"""Pre-aggregated report tables (migration 0008): written with every count, read by reports.

The writes are the migration's triggers on ``activity``: every count, a count taken back and
the bulk flush update the aggregates in the same statement (so the same transaction) as the raw
row, and no code path can forget them. Reads take lists of org ids (chunked) and never touch the
raw rows: a region's month costs a few thousand aggregate rows, not a million activity rows.
Unknown orgs are 0 and a chat without a type is '' (see the migration).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.db import Database

CHUNK = 500


def _chunks(ids: Sequence[Any]) -> Iterable[list[Any]]:
    items = list(ids)
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _marks(items: Sequence[Any]) -> str:
    return ",".join("?" * len(items))


# -- reads: activity ---------------------------------------------------------------------------


async def flows_in_chats(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> list[tuple]:
    """Activity in these orgs' chats: (month, chat_org, chat_type, credited_org, messages, actions, joins, leaves)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT month, chat_org_id, chat_type, credited_org_id, messages, actions, joins, leaves FROM agg_flow"
            f" WHERE month IN ({_marks(months)}) AND chat_org_id IN ({_marks(part)})", (*months, *part))]
    return out


async def flows_credited(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> list[tuple]:
    """Activity credited to these orgs, wherever it happened: same columns as ``flows_in_chats``."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT month, chat_org_id, chat_type, credited_org_id, messages, actions, joins, leaves FROM agg_flow"
            f" WHERE month IN ({_marks(months)}) AND credited_org_id IN ({_marks(part)})", (*months, *part))]
    return out


async def sums_in_chats(db: Database, org_ids: Sequence[int], month: str) -> list[tuple]:
    """Activity in these orgs' chats by credited org: (chat_org, credited_org, messages, actions)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT chat_org_id, credited_org_id, SUM(messages), SUM(actions) FROM agg_flow"
            f" WHERE month = ? AND chat_org_id IN ({_marks(part)}) GROUP BY chat_org_id, credited_org_id",
            (month, *part))]
    return out


async def sums_credited(db: Database, org_ids: Sequence[int], month: str) -> list[tuple]:
    """Activity credited to these orgs by the chats' org: (credited_org, chat_org, messages, actions)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT credited_org_id, chat_org_id, SUM(messages), SUM(actions) FROM agg_flow"
            f" WHERE month = ? AND credited_org_id IN ({_marks(part)}) GROUP BY credited_org_id, chat_org_id",
            (month, *part))]
    return out


async def credited_messages(db: Database, org_ids: Sequence[int], month: str) -> dict[int, int]:
    """org -> messages credited to it in the month."""
    out: dict[int, int] = {}
    for part in _chunks(org_ids):
        for org_id, messages in await db.fetchall(
                f"SELECT org_id, messages FROM agg_credit WHERE month = ? AND org_id IN ({_marks(part)})",
                (month, *part)):
            out[org_id] = messages
    return out


async def credited_by_month(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> dict[str, int]:
    """Messages credited to these orgs (together), per month."""
    out: dict[str, int] = {}
    for part in _chunks(org_ids):
        for month, messages in await db.fetchall(
                f"SELECT month, SUM(messages) FROM agg_credit WHERE month IN ({_marks(months)})"
                f" AND org_id IN ({_marks(part)}) GROUP BY month", (*months, *part)):
            out[month] = out.get(month, 0) + messages
    return out


async def active_by_month(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in _chunks(org_ids):
        for month, people in await db.fetchall(
                f"SELECT month, SUM(people) FROM agg_active WHERE month IN ({_marks(months)})"
                f" AND org_id IN ({_marks(part)}) GROUP BY month", (*months, *part)):
            out[month] = out.get(month, 0) + people
    return out


async def in_chats_by_month(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> dict[str, int]:
    """People in chats per month, from the months' roster snapshots."""
    out: dict[str, int] = {}
    for part in _chunks(org_ids):
        for month, people in await db.fetchall(
                f"SELECT month, SUM(in_chats) FROM agg_people WHERE month IN ({_marks(months)})"
                f" AND org_id IN ({_marks(part)}) GROUP BY month", (*months, *part)):
            out[month] = out.get(month, 0) + people
    return out


async def daily_total(db: Database, org_ids: Sequence[int], first: str, after: str) -> list[tuple]:
    return await daily(db, org_ids, first, after)


async def chats(db: Database, org_ids: Sequence[int], month: str) -> list[tuple]:
    """(chat_org, chat_id, messages, actions, guest_messages) of the month."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT chat_org_id, chat_id, messages, actions, guest_messages FROM agg_chat"
            f" WHERE month = ? AND chat_org_id IN ({_marks(part)})", (month, *part))]
    return out


async def speaking_chats(db: Database, org_ids: Sequence[int], month: str) -> dict[int, int]:
    """org -> number of its chats with at least one message in the month."""
    out: dict[int, int] = {}
    for part in _chunks(org_ids):
        for org_id, count in await db.fetchall(
                "SELECT chat_org_id, COUNT(*) FROM agg_chat"
                f" WHERE month = ? AND chat_org_id IN ({_marks(part)}) AND messages > 0 GROUP BY chat_org_id",
                (month, *part)):
            out[org_id] = count
    return out


async def daily(db: Database, org_ids: Sequence[int], first: str, after: str) -> list[tuple]:
    """(day, chat_type, messages) summed over these orgs' chats, for days in [first, after)."""
    sums: dict[tuple[str, str], int] = {}
    for part in _chunks(org_ids):
        for day, type_, messages in await db.fetchall(
                "SELECT day, chat_type, SUM(messages) FROM agg_day"
                f" WHERE chat_org_id IN ({_marks(part)}) AND day >= ? AND day < ? GROUP BY day, chat_type",
                (*part, first, after)):
            sums[(day, type_)] = sums.get((day, type_), 0) + messages
    return [(day, type_, messages) for (day, type_), messages in sorted(sums.items()) if messages]


async def active_counts(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> list[tuple]:
    """(month, org, kind, people) active."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            f"SELECT month, org_id, kind, people FROM agg_active WHERE month IN ({_marks(months)})"
            f" AND org_id IN ({_marks(part)})", (*months, *part))]
    return out


async def active_persons(db: Database, org_ids: Sequence[int], month: str) -> list[tuple]:
    """(org, person_id, kind, messages, actions) of people active in the month."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT credited_org_id, person_id, kind, messages, actions FROM agg_person"
            f" WHERE month = ? AND credited_org_id IN ({_marks(part)}) AND messages + actions > 0",
            (month, *part))]
    return out


# -- the roster side (snapshots) ----------------------------------------------------------------


async def org_rows(db: Database, org_ids: Sequence[int], months: Sequence[str], *, chat_ids: bool = True
                   ) -> list[tuple]:
    """(month, org, chats, classes, with_parents, with_students, with_both, taken_at, final, chat_ids);
    chat_ids '' unless asked (a region's list is large)."""
    column = "chat_ids" if chat_ids else "''"
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            f"SELECT month, org_id, chats, classes, with_parents, with_students, with_both, taken_at, final, {column}"
            f" FROM agg_org WHERE month IN ({_marks(months)}) AND org_id IN ({_marks(part)})", (*months, *part))]
    return out


async def coverage_by_parent(db: Database, org_ids: Sequence[int], month: str) -> list[tuple]:
    """Coverage per chat type summed per parent org: (parent_id, chat_type, chats, eligible, in_chats)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT o.parent_id, c.chat_type, SUM(c.chats), SUM(c.eligible), SUM(c.in_chats) FROM agg_coverage c"
            f" JOIN org o ON o.id = c.org_id WHERE c.month = ? AND c.org_id IN ({_marks(part)})"
            " GROUP BY o.parent_id, c.chat_type", (month, *part))]
    return out


async def people_rows(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> list[tuple]:
    """(month, org, kind, roster, linked, in_chats, active, silent)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT month, org_id, kind, roster, linked, in_chats, active, silent FROM agg_people"
            f" WHERE month IN ({_marks(months)}) AND org_id IN ({_marks(part)})", (*months, *part))]
    return out


async def coverage_rows(db: Database, org_ids: Sequence[int], months: Sequence[str]) -> list[tuple]:
    """(month, org, chat_type, chats, eligible, in_chats)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT month, org_id, chat_type, chats, eligible, in_chats FROM agg_coverage"
            f" WHERE month IN ({_marks(months)}) AND org_id IN ({_marks(part)})", (*months, *part))]
    return out


async def store_snapshot(db: Database, month: str, org_id: int, org_row: Sequence[int], people: Iterable[tuple],
                         coverage: Iterable[tuple], *, chat_ids: Sequence[int], taken_at: int, final: bool) -> bool:
    """Replace the org's roster snapshot of ``month`` unless a final one is stored; False if it was."""
    async with db.transaction():
        frozen = await db.fetchval("SELECT final FROM agg_org WHERE month = ? AND org_id = ?", (month, org_id))
        if frozen:
            return False
        await db.execute("DELETE FROM agg_people WHERE month = ? AND org_id = ?", (month, org_id))
        await db.execute("DELETE FROM agg_coverage WHERE month = ? AND org_id = ?", (month, org_id))
        await db.execute("DELETE FROM agg_org WHERE month = ? AND org_id = ?", (month, org_id))
        await db.execute(
            "INSERT INTO agg_org (month, org_id, chats, classes, with_parents, with_students, with_both, chat_ids,"
            " taken_at, final) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (month, org_id, *org_row, ",".join(map(str, chat_ids)), taken_at, int(final)))
        await db.executemany(
            "INSERT INTO agg_people (month, org_id, kind, roster, linked, in_chats, active, silent)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(month, org_id, *row) for row in people])
        await db.executemany(
            "INSERT INTO agg_coverage (month, org_id, chat_type, chats, eligible, in_chats) VALUES (?, ?, ?, ?, ?, ?)",
            [(month, org_id, *row) for row in coverage])
    return True


# -- the roster as it is now (what a snapshot is computed from) --------------------------------


async def roster_people(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Active persons: (id, home_org, kind, vk_id, class_id, mode, full_name)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT p.id, p.home_org_id, p.kind, p.vk_id, s.class_id, s.mode, p.full_name FROM person p"
            " LEFT JOIN student s ON s.person_id = p.id"
            f" WHERE p.home_org_id IN ({_marks(part)}) AND p.status = 'active'", part)]
    return out


async def children_classes(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """(parent_id, class_id) of active children of these orgs' parents."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT pc.parent_id, s.class_id FROM parent_child pc JOIN person p ON p.id = pc.parent_id"
            " JOIN person c ON c.id = pc.child_id AND c.status = 'active' JOIN student s ON s.person_id = c.id"
            f" WHERE p.home_org_id IN ({_marks(part)}) AND p.status = 'active'", part)]
    return out


async def admin_team(db: Database, org_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for part in _chunks(org_ids):
        found |= {r[0] for r in await db.fetchall(
            "SELECT DISTINCT person_id FROM role_grant WHERE revoked_at IS NULL"
            f" AND role IN ('school_admin', 'admin_team') AND org_id IN ({_marks(part)})", part)}
    return found


async def memberships_of_people(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Current memberships of these orgs' linked people in any active chat of any org:
    (person_id, chat_org, chat_type, chat_class)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT p.id, c.org_id, c.type, c.class_id FROM person p"
            " JOIN chat_member m ON m.vk_id = p.vk_id AND m.state = 'member'"
            " JOIN chat c ON c.id = m.chat_id AND c.status = 'active'"
            f" WHERE p.home_org_id IN ({_marks(part)}) AND p.status = 'active' AND p.vk_id IS NOT NULL", part)]
    return out


async def org_chats(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Active chats: (id, org_id, type, class_id, title)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT id, org_id, type, class_id, title FROM chat"
            f" WHERE org_id IN ({_marks(part)}) AND status = 'active' ORDER BY id", part)]
    return out


async def chats_by_id(db: Database, chat_ids: Sequence[int]) -> list[tuple]:
    """Chats whatever their status now: (id, org_id, type, class_id, title), by id."""
    out: list[tuple] = []
    for part in _chunks(chat_ids):
        out += [tuple(r) for r in await db.fetchall(
            f"SELECT id, org_id, type, class_id, title FROM chat WHERE id IN ({_marks(part)})", part)]
    return sorted(out)


async def org_classes(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Active classes: (id, org_id, grade, letter)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT id, org_id, grade, letter FROM class_group"
            f" WHERE org_id IN ({_marks(part)}) AND status = 'active' ORDER BY grade, letter", part)]
    return out


async def violation_message(db: Database, violation_id: int) -> tuple[int, int, int] | None:
    """(chat_id, vk_id, created_at) of a violation's message."""
    row = await db.fetchone("SELECT chat_id, vk_id, created_at FROM violation WHERE id = ?", (violation_id,))
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]))


async def alert_message(db: Database, alert_id: int) -> tuple[int, int, int] | None:
    """(chat_id, vk_id, when written) of an alert's message: its violation's, else the alert's own."""
    row = await db.fetchone(
        "SELECT COALESCE(v.chat_id, a.chat_id), COALESCE(v.vk_id, a.target_vk), COALESCE(v.created_at, a.created_at)"
        " FROM alert a LEFT JOIN violation v ON v.id = a.violation_id WHERE a.id = ?", (alert_id,))
    if row is None or row[0] is None or row[1] is None:
        return None
    return int(row[0]), int(row[1]), int(row[2])


async def messages_on(db: Database, chat_id: int, vk_id: int, day: str) -> int:
    """How many of ``vk_id``'s messages in ``chat_id`` are counted on ``day`` (the raw row)."""
    value = await db.fetchval("SELECT messages FROM activity WHERE day = ? AND chat_id = ? AND vk_id = ?",
                              (day, chat_id, vk_id))
    return int(value or 0)


async def moderation_measures(db: Database, org_ids: Sequence[int], start: int, end: int) -> list[tuple]:
    """(org, action, policy or '', count) of the audit log in [start, end): every measure taken."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT org_id, action, COALESCE(policy, ''), COUNT(*) FROM audit_log"
            f" WHERE org_id IN ({_marks(part)}) AND created_at >= ? AND created_at < ?"
            " GROUP BY org_id, action, COALESCE(policy, '')", (*part, start, end))]
    return out


async def violations_by_policy(db: Database, org_ids: Sequence[int], start: int, end: int) -> list[tuple]:
    """(org, policy, count) of violations recorded in these orgs' chats in [start, end)."""
    out: list[tuple] = []
    for part in _chunks(org_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT c.org_id, v.policy, COUNT(*) FROM violation v JOIN chat c ON c.id = v.chat_id"
            f" WHERE c.org_id IN ({_marks(part)}) AND v.created_at >= ? AND v.created_at < ?"
            " GROUP BY c.org_id, v.policy", (*part, start, end))]
    return out


async def org_names(db: Database, org_ids: Sequence[int]) -> dict[int, tuple[str, str, int | None, str]]:
    """org id -> (name, kind, parent_id, code)."""
    found: dict[int, tuple[str, str, int | None, str]] = {}
    for part in _chunks(org_ids):
        for oid, name, kind, parent, code in await db.fetchall(
                f"SELECT id, name, kind, parent_id, code FROM org WHERE id IN ({_marks(part)})", part):
            found[oid] = (name, kind, parent, code)
    return found


async def children(db: Database, org_id: int) -> list[tuple]:
    """Direct children: (id, code, name, kind, number of schools/other orgs beneath, itself included)."""
    rows = await db.fetchall("SELECT id, code, name, kind FROM org WHERE parent_id = ? ORDER BY name", (org_id,))
    out = []
    for oid, code, name, kind in rows:
        count = await db.fetchval(
            "WITH RECURSIVE sub(id, kind) AS (SELECT id, kind FROM org WHERE id = ?"
            " UNION ALL SELECT o.id, o.kind FROM org o JOIN sub ON o.parent_id = sub.id)"
            " SELECT COUNT(*) FROM sub WHERE kind IN ('school', 'other')", (oid,))
        out.append((oid, code, name, kind, int(count or 0)))
    return out


async def class_people(db: Database, class_id: int) -> list[tuple]:
    """Students of the class and their parents: (person_id, kind, full_name, vk_id, child_id or None)."""
    rows = await db.fetchall(
        "SELECT p.id, p.kind, p.full_name, p.vk_id, NULL FROM person p JOIN student s ON s.person_id = p.id"
        " WHERE s.class_id = ? AND p.status = 'active'"
        " UNION ALL SELECT pp.id, pp.kind, pp.full_name, pp.vk_id, c.id FROM person c"
        " JOIN student s ON s.person_id = c.id JOIN parent_child pc ON pc.child_id = c.id"
        " JOIN person pp ON pp.id = pc.parent_id"
        " WHERE s.class_id = ? AND c.status = 'active' AND pp.status = 'active'", (class_id, class_id))
    return [tuple(r) for r in rows]


async def member_chats_of(db: Database, vk_ids: Sequence[int]) -> list[tuple]:
    """(vk_id, chat_id) current memberships in active chats."""
    out: list[tuple] = []
    for part in _chunks(vk_ids):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT m.vk_id, m.chat_id FROM chat_member m JOIN chat c ON c.id = m.chat_id AND c.status = 'active'"
            f" WHERE m.state = 'member' AND m.vk_id IN ({_marks(part)})", part)]
    return out


async def person_labels(db: Database, person_ids: Sequence[int]) -> dict[int, tuple[str, str, str | None]]:
    """person id -> (full name, kind, class «5А» or None)."""
    found: dict[int, tuple[str, str, str | None]] = {}
    for part in _chunks(person_ids):
        for pid, name, kind, cls in await db.fetchall(
                "SELECT p.id, p.full_name, p.kind, CASE WHEN c.id IS NULL THEN NULL ELSE c.grade || c.letter END"
                " FROM person p LEFT JOIN student s ON s.person_id = p.id LEFT JOIN class_group c ON c.id = s.class_id"
                f" WHERE p.id IN ({_marks(part)})", part):
            found[pid] = (name, kind, cls)
    return found
