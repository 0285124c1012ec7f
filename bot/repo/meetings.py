"""Meetings and their answers (migration 0015); the creation dialog's draft is a pending action."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.db import Database
from bot.repo.voters import families as families, names as names, person_in_org as person_in_org

DRAFT_KIND = "meeting_draft"


@dataclass(frozen=True)
class Meeting:
    id: int
    chat_id: int
    org_id: int
    author_vk: int
    topic: str
    starts_at: int
    day_at: int | None
    hour_at: int | None
    call_at: int
    day_done: bool
    hour_done: bool
    call_done: bool
    join_link: str | None
    cmid: int | None
    status: str


_COLUMNS = ("id, chat_id, org_id, author_vk, topic, starts_at, day_at, hour_at, call_at, day_done, hour_done,"
            " call_done, join_link, cmid, status")


def _meeting(r: Any) -> Meeting:
    return Meeting(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), bool(r[10]), bool(r[11]),
                   r[12], r[13], r[14])


async def create(db: Database, *, chat_id: int, org_id: int, author_vk: int, topic: str, starts_at: int,
                 day_at: int | None, hour_at: int | None, call_at: int, now: int) -> int:
    return await db.execute(
        "INSERT INTO meeting (chat_id, org_id, author_vk, topic, starts_at, day_at, hour_at, call_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (chat_id, org_id, author_vk, topic, starts_at, day_at, hour_at, call_at, now))


async def get(db: Database, meeting_id: int) -> Meeting | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM meeting WHERE id = ?", (meeting_id,))
    return _meeting(row) if row else None


async def due(db: Database, now: int, limit: int = 50) -> list[Meeting]:
    """Open meetings with a step due: a reminder or the call."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM meeting WHERE status = 'open' AND ("
        " (day_done = 0 AND day_at IS NOT NULL AND day_at <= ?)"
        " OR (hour_done = 0 AND hour_at IS NOT NULL AND hour_at <= ?)"
        " OR (call_done = 0 AND call_at <= ?)) ORDER BY starts_at, id LIMIT ?", (now, now, now, limit))
    return [_meeting(r) for r in rows]


async def mark(db: Database, meeting_id: int, step: str) -> bool:
    """Claim one step (``day``, ``hour``, ``call``) exactly once."""
    column = {"day": "day_done", "hour": "hour_done", "call": "call_done"}[step]
    return await db.execute_rowcount(
        f"UPDATE meeting SET {column} = 1 WHERE id = ? AND {column} = 0 AND status = 'open'", (meeting_id,)) == 1


async def claim_call(db: Database, meeting_id: int, now: int, stale_after: int) -> bool:
    """Only one run starts the call: the claim is taken when nobody holds it (or it is stale)."""
    return await db.execute_rowcount(
        "UPDATE meeting SET call_claim = ? WHERE id = ? AND join_link IS NULL AND call_done = 0"
        " AND (call_claim IS NULL OR call_claim < ?)", (now, meeting_id, now - stale_after)) == 1


async def schedule_refresh(db: Database, meeting_id: int, at: int) -> bool:
    """Ask for an edit of the invitation's counts at ``at`` unless one is pending already."""
    return await db.execute_rowcount(
        "UPDATE meeting SET refresh_at = ? WHERE id = ? AND refresh_at IS NULL AND status = 'open'",
        (at, meeting_id)) == 1


async def refresh_due(db: Database, now: int, limit: int = 100) -> list[tuple[int, int]]:
    """(meeting id, edited_at) of the invitations due for an edit."""
    rows = await db.fetchall("SELECT id, edited_at FROM meeting WHERE refresh_at IS NOT NULL AND refresh_at <= ?"
                             " ORDER BY refresh_at LIMIT ?", (now, limit))
    return [(r[0], r[1]) for r in rows]


async def take_refresh(db: Database, meeting_id: int, now: int) -> bool:
    return await db.execute_rowcount(
        "UPDATE meeting SET refresh_at = NULL, edited_at = ? WHERE id = ? AND refresh_at IS NOT NULL"
        " AND refresh_at <= ?", (now, meeting_id, now)) == 1


async def edited_at(db: Database, meeting_id: int) -> int:
    return int(await db.fetchval("SELECT edited_at FROM meeting WHERE id = ?", (meeting_id,)) or 0)


async def set_link(db: Database, meeting_id: int, link: str) -> None:
    await db.execute("UPDATE meeting SET join_link = ? WHERE id = ? AND join_link IS NULL", (link, meeting_id))


async def set_cmid(db: Database, meeting_id: int, cmid: int) -> None:
    await db.execute("UPDATE meeting SET cmid = ? WHERE id = ? AND cmid IS NULL", (cmid, meeting_id))


async def cancel(db: Database, meeting_id: int) -> bool:
    """Cancel a meeting that has not begun its call step (once)."""
    return await db.execute_rowcount(
        "UPDATE meeting SET status = 'cancelled' WHERE id = ? AND status = 'open' AND call_done = 0",
        (meeting_id,)) == 1


async def finish(db: Database, meeting_id: int) -> None:
    await db.execute("UPDATE meeting SET status = 'done' WHERE id = ? AND status = 'open'", (meeting_id,))


async def answer(db: Database, meeting_id: int, vk_id: int, person_id: int | None, coming: bool,
                 now: int) -> bool | None:
    """Record the answer; returns the previous one (None when there was none)."""
    before = await db.fetchval("SELECT coming FROM meeting_answer WHERE meeting_id = ? AND vk_id = ?",
                               (meeting_id, vk_id))
    await db.execute(
        "INSERT INTO meeting_answer (meeting_id, vk_id, person_id, coming, answered_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (meeting_id, vk_id) DO UPDATE SET coming = excluded.coming,"
        " answered_at = excluded.answered_at, person_id = COALESCE(excluded.person_id, meeting_answer.person_id)",
        (meeting_id, vk_id, person_id, int(coming), now))
    return None if before is None else bool(before)


async def answers(db: Database, meeting_id: int) -> list[tuple[int, int | None, bool]]:
    """(vk id, person id, coming) in the order given."""
    rows = await db.fetchall("SELECT vk_id, person_id, coming FROM meeting_answer WHERE meeting_id = ?"
                             " ORDER BY answered_at, vk_id", (meeting_id,))
    return [(r[0], r[1], bool(r[2])) for r in rows]


# -- drafts of the dialogs (meetings and posts): pending actions whose payload grows step by step


async def save_draft(db: Database, draft_id: int, kind: str, payload: dict[str, Any]) -> bool:
    return await db.execute_rowcount(
        "UPDATE pending_action SET payload = ? WHERE id = ? AND kind = ? AND status = 'open'",
        (json.dumps(payload, ensure_ascii=False), draft_id, kind)) == 1


async def latest_draft(db: Database, vk_id: int, kinds: tuple[str, ...], now: int) -> tuple[int, str] | None:
    """The person's latest open pending action when it is a draft of these kinds: (id, kind). A
    dialog started later (a hot-line answer, a poll) takes the person's next text instead."""
    row = await db.fetchone(
        "SELECT id, kind FROM pending_action WHERE vk_id = ? AND status = 'open' AND expires_at >= ?"
        " ORDER BY id DESC LIMIT 1", (vk_id, now))
    return (row[0], row[1]) if row and row[1] in kinds else None
