"""Scheduled posts and material before a lesson, and who has read the material (migration 0015)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.db import Database

DRAFT_KIND = "post_draft"


@dataclass(frozen=True)
class Post:
    id: int
    kind: str
    chat_id: int
    org_id: int
    author_vk: int
    text: str
    attachment: str | None
    due_at: int
    hold_until: int | None
    force: bool
    deadline: int | None
    report_at: int | None
    report_done: bool
    status: str
    sent_at: int | None
    cmid: int | None

    @property
    def material(self) -> bool:
        return self.kind == "material"


_COLUMNS = ("id, kind, chat_id, org_id, author_vk, text, attachment, due_at, hold_until, force, deadline,"
            " report_at, report_done, status, sent_at, cmid")


def _post(r: Any) -> Post:
    return Post(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10], r[11], bool(r[12]),
                r[13], r[14], r[15])


async def create(db: Database, *, kind: str, chat_id: int, org_id: int, author_vk: int, text: str,
                 attachment: str | None, due_at: int, force: bool, deadline: int | None, report_at: int | None,
                 now: int) -> int:
    return await db.execute(
        "INSERT INTO post (kind, chat_id, org_id, author_vk, text, attachment, due_at, force, deadline, report_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, chat_id, org_id, author_vk, text, attachment, due_at, int(force), deadline, report_at, now))


async def get(db: Database, post_id: int) -> Post | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM post WHERE id = ?", (post_id,))
    return _post(row) if row else None


async def scheduled_of(db: Database, author_vk: int, limit: int = 20) -> list[Post]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM post WHERE author_vk = ? AND status = 'scheduled'"
                             " ORDER BY due_at, id LIMIT ?", (author_vk, limit))
    return [_post(r) for r in rows]


async def due(db: Database, now: int, limit: int = 50) -> list[Post]:
    """Scheduled posts whose time has come (also those held by quiet hours until now)."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM post WHERE status = 'scheduled' AND due_at <= ?"
        " AND (hold_until IS NULL OR hold_until <= ?) ORDER BY due_at, id LIMIT ?", (now, now, limit))
    return [_post(r) for r in rows]


async def hold(db: Database, post_id: int, until: int) -> None:
    await db.execute("UPDATE post SET hold_until = ? WHERE id = ? AND status = 'scheduled'", (until, post_id))


async def finish(db: Database, post_id: int, status: str, now: int) -> bool:
    """Move a scheduled post to ``sent``, ``expired`` or ``cancelled`` exactly once."""
    return await db.execute_rowcount(
        "UPDATE post SET status = ?, sent_at = ? WHERE id = ? AND status = 'scheduled'",
        (status, now, post_id)) == 1


async def edit(db: Database, post_id: int, *, text: str | None = None, attachment: str | None = None,
               due_at: int | None = None, report_at: int | None = None, deadline: int | None = None,
               force: bool | None = None) -> bool:
    """Change a post that is still scheduled (the quiet-hours hold is worked out again)."""
    post = await get(db, post_id)
    if post is None or post.status != "scheduled":
        return False
    return await db.execute_rowcount(
        "UPDATE post SET text = ?, attachment = ?, due_at = ?, report_at = ?, deadline = ?, force = ?,"
        " hold_until = NULL WHERE id = ? AND status = 'scheduled'",
        (text if text is not None else post.text, attachment if text is not None else post.attachment,
         due_at if due_at is not None else post.due_at, report_at if report_at is not None else post.report_at,
         deadline if deadline is not None else post.deadline, int(force if force is not None else post.force),
         post_id)) == 1


async def reports_due(db: Database, now: int, limit: int = 50) -> list[Post]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM post WHERE kind = 'material' AND report_done = 0 AND report_at <= ?"
        " AND status = 'sent' ORDER BY report_at, id LIMIT ?", (now, limit))
    return [_post(r) for r in rows]


async def claim_report(db: Database, post_id: int) -> bool:
    return await db.execute_rowcount(
        "UPDATE post SET report_done = 1 WHERE id = ? AND report_done = 0", (post_id,)) == 1


async def set_cmid(db: Database, post_id: int, cmid: int) -> None:
    await db.execute("UPDATE post SET cmid = ? WHERE id = ? AND cmid IS NULL", (cmid, post_id))


async def mark_read(db: Database, post_id: int, vk_id: int, person_id: int | None, now: int) -> bool:
    """True when this is the person's first mark."""
    return await db.execute_rowcount(
        "INSERT OR IGNORE INTO post_read (post_id, vk_id, person_id, read_at) VALUES (?, ?, ?, ?)",
        (post_id, vk_id, person_id, now)) == 1


async def readers(db: Database, post_id: int) -> list[tuple[int, int | None]]:
    rows = await db.fetchall("SELECT vk_id, person_id FROM post_read WHERE post_id = ? ORDER BY read_at",
                             (post_id,))
    return [(r[0], r[1]) for r in rows]
