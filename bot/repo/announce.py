"""Announcements across chats: the audience query, the announcement and its targets, and the
outcome of each target's send read from the action table (for the delivery report)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database


@dataclass(frozen=True)
class Target:
    chat_id: int
    peer_id: int
    title: str
    type: str | None
    grade: int | None
    letter: str | None
    bot_is_admin: bool
    org_id: int


@dataclass(frozen=True)
class Outcome:
    chat_id: int
    title: str
    sent: bool  # a send was recorded
    reason: str | None  # why it was not sent
    status: str | None  # the action's status: pending, done, failed (None: pruned)
    error: int | None  # VK's error code of a failed send


async def audience(db: Database, org_ids: list[int]) -> list[Target]:
    """Every active chat of these organisations with its class (grade, letter)."""
    if not org_ids:
        return []
    marks = ",".join("?" * len(org_ids))
    rows = await db.fetchall(
        "SELECT c.id, c.peer_id, c.title, c.type, g.grade, g.letter, c.bot_is_admin, c.org_id"
        " FROM chat c LEFT JOIN class_group g ON g.id = c.class_id"
        f" WHERE c.status = 'active' AND c.org_id IN ({marks})"
        " ORDER BY c.org_id, g.grade, g.letter, c.title, c.id", tuple(org_ids))
    return [Target(int(r[0]), int(r[1]), str(r[2]), r[3], None if r[4] is None else int(r[4]), r[5],
                   bool(r[6]), int(r[7])) for r in rows]


async def create(db: Database, *, org_id: int, author_vk: int, event_id: str, now: int) -> int:
    """The announcement once per ``event_id`` (a repeated confirmation finds the same row)."""
    await db.execute("INSERT OR IGNORE INTO announcement (org_id, author_vk, event_id, created_at)"
                     " VALUES (?, ?, ?, ?)", (org_id, author_vk, event_id, now))
    return int(await db.fetchval("SELECT id FROM announcement WHERE event_id = ?", (event_id,)))


async def add_target(db: Database, announcement_id: int, chat_id: int, *, seq: int | None,
                     reason: str | None) -> None:
    await db.execute("INSERT OR IGNORE INTO announcement_target (announcement_id, chat_id, seq, reason)"
                     " VALUES (?, ?, ?, ?)", (announcement_id, chat_id, seq, reason))


async def unreported(db: Database) -> list[tuple[int, int, int]]:
    """(id, org_id, author_vk) of announcements whose report has not been made."""
    rows = await db.fetchall("SELECT id, org_id, author_vk FROM announcement WHERE reported_at IS NULL"
                             " ORDER BY id")
    return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]


async def outcomes(db: Database, announcement_id: int) -> list[Outcome]:
    rows = await db.fetchall(
        "SELECT t.chat_id, c.title, t.seq, t.reason, a.status, a.error"
        " FROM announcement_target t JOIN announcement n ON n.id = t.announcement_id"
        " JOIN chat c ON c.id = t.chat_id"
        " LEFT JOIN action a ON a.event_id = n.event_id AND a.seq = t.seq"
        " WHERE t.announcement_id = ? ORDER BY c.title, t.chat_id", (announcement_id,))
    return [Outcome(int(r[0]), str(r[1]), r[2] is not None, r[3], r[4], None if r[5] is None else int(r[5]))
            for r in rows]


async def mark_reported(db: Database, announcement_id: int, now: int) -> bool:
    """Close the announcement once; False when it was already reported."""
    count = await db.execute_rowcount("UPDATE announcement SET reported_at = ? WHERE id = ? AND reported_at IS NULL",
                                      (now, announcement_id))
    return count == 1


async def save_draft(db: Database, pending_id: int, payload: dict[str, object]) -> None:
    """The dialog's state lives in its open pending_action row (kind announce_draft / resource_draft)."""
    import json

    await db.execute("UPDATE pending_action SET payload = ? WHERE id = ? AND status = 'open'",
                     (json.dumps(payload, ensure_ascii=False), pending_id))


async def draft_waiting(db: Database, kind: str, vk_id: int, now: int) -> int | None:
    """The person's newest open dialog of ``kind`` that waits for typed text, if any."""
    value = await db.fetchval(
        "SELECT id FROM pending_action WHERE kind = ? AND vk_id = ? AND status = 'open' AND expires_at >= ?"
        " AND json_extract(payload, '$.wait') = 1 ORDER BY id DESC LIMIT 1", (kind, vk_id, now))
    return None if value is None else int(value)


async def close_drafts(db: Database, kind: str, vk_id: int) -> None:
    await db.execute("UPDATE pending_action SET status = 'cancelled', payload = '{}'"
                     " WHERE kind = ? AND vk_id = ? AND status = 'open'", (kind, vk_id))
