"""Participation counters (one row per local day x chat x author) and the report queries.

Portable SQL only. Month filters are half-open ranges on the ISO ``day`` text, which sort
like dates. Queries take lists of org ids and group by org, so one school and a whole region
cost the same number of statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from bot.db import Database, bulk_form

# The credited org and the person are frozen by the first write that knows them: an unknown
# author may become known later that day, a known one never moves to another org.
UPSERT_SQL = (
    "INSERT INTO activity (day, chat_id, vk_id, person_id, credited_org_id, messages, joins, leaves, actions)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (day, chat_id, vk_id) DO UPDATE SET"
    " messages = activity.messages + excluded.messages,"
    " joins = activity.joins + excluded.joins,"
    " leaves = activity.leaves + excluded.leaves,"
    " actions = activity.actions + excluded.actions,"
    " person_id = COALESCE(activity.person_id, excluded.person_id),"
    " credited_org_id = COALESCE(activity.credited_org_id, excluded.credited_org_id)"
)
# the same upsert for many counts at once (the group commit of many messages' units), row by row
bulk_form(UPSERT_SQL, UPSERT_SQL.replace(
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,"
    " value ->> 7, value ->> 8 FROM json_each(?) WHERE true"))  # WHERE: SQLite's upsert-after-SELECT rule

CHUNK = 500  # ids per IN (...) list: far below every engine's parameter limit


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _marks(items: Sequence[Any]) -> str:
    return ",".join("?" * len(items))


async def upsert_many(db: Database, rows: Sequence[tuple]) -> None:
    """Rows: (day, chat_id, vk_id, person_id, credited_org_id, messages, joins, leaves, actions)."""
    if rows:
        await db.executemany(UPSERT_SQL, rows)


async def upsert_one(db: Database, row: tuple) -> None:
    """One count, written with the event that caused it (a deferred write of its unit)."""
    await db.defer(UPSERT_SQL, row)


async def timezones(db: Database, org_ids: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for part in _chunks(list(org_ids)):
        for org_id, tz in await db.fetchall(f"SELECT id, timezone FROM org WHERE id IN ({_marks(part)})", part):
            found[org_id] = tz
    return found


async def authors(db: Database, vk_ids: Sequence[int]) -> tuple[list[tuple], list[tuple]]:
    """What is known of these VK accounts: chat memberships and active roster persons.

    Returns (members: (chat_id, vk_id, person_id, person_home_org, member_credited_org),
    persons: (person_id, vk_id, home_org_id, kind)).
    """
    members: list[tuple] = []
    persons: list[tuple] = []
    for part in _chunks(list(vk_ids)):
        marks = _marks(part)
        members += [tuple(r) for r in await db.fetchall(
            "SELECT m.chat_id, m.vk_id, m.person_id, p.home_org_id, m.credited_org_id FROM chat_member m"
            f" LEFT JOIN person p ON p.id = m.person_id WHERE m.vk_id IN ({marks})", part)]
        persons += [tuple(r) for r in await db.fetchall(
            f"SELECT id, vk_id, home_org_id, kind FROM person WHERE vk_id IN ({marks}) AND status = 'active'"
            " ORDER BY id", part)]
    return members, persons


# -- report queries: activity (stored rows only, so a closed month never changes) ------------

# Activity of some orgs' chats: the primary key is (day, chat_id, vk_id), so «day IN (each day)»
# plus the chat list makes point lookups — a school's report does not scan the region's month.
_IN_CHATS = "a.day IN ({days}) AND a.chat_id IN (SELECT id FROM chat WHERE org_id IN ({marks}))"


def _days(first: str, after: str) -> list[str]:
    day, end = date.fromisoformat(first), date.fromisoformat(after)
    out = []
    while day < end:
        out.append(day.isoformat())
        day += timedelta(days=1)
    return out


def _in_chats(first: str, after: str, part: Sequence[int]) -> tuple[str, list[Any]]:
    days = _days(first, after)
    return _IN_CHATS.format(days=_marks(days), marks=_marks(part)), [*days, *part]


async def _per_chunk(db: Database, org_ids: Sequence[int], query) -> list[tuple]:  # noqa: ANN001
    """Run ``query(part) -> (sql, params)`` for each chunk of org ids; concatenate the rows."""
    out: list[tuple] = []
    for part in _chunks(list(org_ids)):
        sql, params = query(part)
        out += [tuple(r) for r in await db.fetchall(sql, params)]
    return out


async def chat_activity(db: Database, org_ids: Sequence[int], first: str, after: str) -> list[tuple]:
    """Per chat of these orgs and credited org: (chat_id, chat_org, credited_org, messages, actions)."""
    def query(part: list[int]) -> tuple[str, Any]:
        where, params = _in_chats(first, after, part)
        return ("SELECT a.chat_id, c.org_id, a.credited_org_id, SUM(a.messages), SUM(a.joins + a.leaves + a.actions)"
                f" FROM activity a JOIN chat c ON c.id = a.chat_id WHERE {where}"
                " GROUP BY a.chat_id, c.org_id, a.credited_org_id", params)
    return await _per_chunk(db, org_ids, query)


async def guest_people(db: Database, org_ids: Sequence[int], first: str, after: str) -> list[tuple]:
    """Distinct authors in each org's chats by credited org: (chat_org, credited_org, people)."""
    def query(part: list[int]) -> tuple[str, Any]:
        where, params = _in_chats(first, after, part)
        return ("SELECT c.org_id, a.credited_org_id, COUNT(DISTINCT a.vk_id) FROM activity a"
                f" JOIN chat c ON c.id = a.chat_id WHERE {where} GROUP BY c.org_id, a.credited_org_id", params)
    return await _per_chunk(db, org_ids, query)


async def credited_activity(db: Database, org_ids: Sequence[int], first: str, after: str) -> list[tuple]:
    """Activity credited to these orgs, by chat owner: (credited_org, chat_org, messages, actions, people)."""
    def query(part: list[int]) -> tuple[str, Any]:
        return ("SELECT a.credited_org_id, c.org_id, SUM(a.messages), SUM(a.joins + a.leaves + a.actions),"
                " COUNT(DISTINCT a.vk_id) FROM activity a JOIN chat c ON c.id = a.chat_id"
                f" WHERE a.credited_org_id IN ({_marks(part)}) AND a.day >= ? AND a.day < ?"
                " GROUP BY a.credited_org_id, c.org_id", (*part, first, after))
    return await _per_chunk(db, org_ids, query)


async def active_people(db: Database, org_ids: Sequence[int], first: str, after: str) -> list[tuple]:
    """Persons with any activity credited to these orgs: (credited_org, person_id, kind)."""
    def query(part: list[int]) -> tuple[str, Any]:
        return ("SELECT DISTINCT a.credited_org_id, a.person_id, p.kind FROM activity a"
                " JOIN person p ON p.id = a.person_id"
                f" WHERE a.credited_org_id IN ({_marks(part)}) AND a.day >= ? AND a.day < ?", (*part, first, after))
    return await _per_chunk(db, org_ids, query)


async def daily_by_type(db: Database, org_ids: Sequence[int], first: str, after: str) -> list[tuple]:
    """Messages in these orgs' chats: (chat_org, day, chat_type, messages)."""
    def query(part: list[int]) -> tuple[str, Any]:
        where, params = _in_chats(first, after, part)
        return ("SELECT c.org_id, a.day, c.type, SUM(a.messages) FROM activity a JOIN chat c ON c.id = a.chat_id"
                f" WHERE {where} GROUP BY c.org_id, a.day, c.type HAVING SUM(a.messages) > 0", params)
    return await _per_chunk(db, org_ids, query)


async def violations(db: Database, org_id: int, start: int, end: int) -> list[tuple]:
    """(policy, action, count) for violations in the org's chats within [start, end)."""
    rows = await db.fetchall(
        "SELECT v.policy, v.action, COUNT(*) FROM violation v JOIN chat c ON c.id = v.chat_id"
        " WHERE c.org_id = ? AND v.created_at >= ? AND v.created_at < ? GROUP BY v.policy, v.action",
        (org_id, start, end))
    return [tuple(r) for r in rows]


async def audit_actions(db: Database, org_id: int, start: int, end: int) -> list[tuple]:
    rows = await db.fetchall(
        "SELECT action, COUNT(*) FROM audit_log WHERE org_id = ? AND created_at >= ? AND created_at < ?"
        " GROUP BY action", (org_id, start, end))
    return [tuple(r) for r in rows]


# -- report queries: the roster as it is now (frozen into a snapshot once a month closes) -----


async def chats(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Active chats: (id, org_id, type, class_id, title)."""
    out: list[tuple] = []
    for part in _chunks(list(org_ids)):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT id, org_id, type, class_id, title FROM chat"
            f" WHERE org_id IN ({_marks(part)}) AND status = 'active' ORDER BY id", part)]
    return out


async def classes(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Active classes: (id, org_id)."""
    out: list[tuple] = []
    for part in _chunks(list(org_ids)):
        out += [tuple(r) for r in await db.fetchall(
            f"SELECT id, org_id FROM class_group WHERE org_id IN ({_marks(part)}) AND status = 'active'", part)]
    return out


async def roster(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Active persons: (id, home_org_id, kind, vk_id)."""
    out: list[tuple] = []
    for part in _chunks(list(org_ids)):
        out += [tuple(r) for r in await db.fetchall(
            f"SELECT id, home_org_id, kind, vk_id FROM person WHERE home_org_id IN ({_marks(part)})"
            " AND status = 'active'", part)]
    return out


async def memberships(db: Database, org_ids: Sequence[int]) -> list[tuple]:
    """Membership rows of these orgs' chats: (chat_org, vk_id, person_id, state)."""
    out: list[tuple] = []
    for part in _chunks(list(org_ids)):
        out += [tuple(r) for r in await db.fetchall(
            "SELECT c.org_id, m.vk_id, m.person_id, m.state FROM chat_member m JOIN chat c ON c.id = m.chat_id"
            f" WHERE c.org_id IN ({_marks(part)})", part)]
    return out


async def person_labels(db: Database, person_ids: Sequence[int]) -> dict[int, tuple[str, str, str | None]]:
    """person id -> (full name, kind, class «5А» or None)."""
    found: dict[int, tuple[str, str, str | None]] = {}
    for part in _chunks(list(person_ids)):
        for pid, name, kind, cls in await db.fetchall(
            "SELECT p.id, p.full_name, p.kind, CASE WHEN c.id IS NULL THEN NULL ELSE c.grade || c.letter END"
            " FROM person p LEFT JOIN student s ON s.person_id = p.id LEFT JOIN class_group c ON c.id = s.class_id"
            f" WHERE p.id IN ({_marks(part)})", part):
            found[pid] = (name, kind, cls)
    return found


async def org_names(db: Database, org_ids: Sequence[int]) -> dict[int, tuple[str, str, int | None]]:
    """org id -> (name, kind, parent_id)."""
    found: dict[int, tuple[str, str, int | None]] = {}
    for part in _chunks(list(org_ids)):
        for oid, name, kind, parent in await db.fetchall(
            f"SELECT id, name, kind, parent_id FROM org WHERE id IN ({_marks(part)})", part):
            found[oid] = (name, kind, parent)
    return found


async def frozen_orgs(db: Database, month: str) -> set[int]:
    """Orgs whose roster snapshot for ``month`` is taken (keys ``report-roster:{org}:{month}``)."""
    rows = await db.fetchall("SELECT key FROM kv WHERE key LIKE ?", (f"report-roster:%:{month}",))
    return {int(row[0].split(":")[1]) for row in rows}
