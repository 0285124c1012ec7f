"""Progress-note deliveries (migration 0017): who was sent what row, never the row itself."""

from __future__ import annotations

from bot.db import Database


def event_id(batch_id: int) -> str:
    """The unit the batch's messages are recorded under (their sequence = a delivery's ``seq``)."""
    return f"progress:{batch_id}"


async def create_batch(db: Database, *, org_id: int, teacher_vk: int, now: int) -> int:
    return await db.execute("INSERT INTO progress_batch (org_id, teacher_vk, created_at) VALUES (?, ?, ?)",
                            (org_id, teacher_vk, now))


async def add_delivery(db: Database, batch_id: int, seq: int, student_id: int, parent_id: int | None) -> None:
    await db.execute("INSERT INTO progress_delivery (batch_id, seq, student_id, parent_id) VALUES (?, ?, ?, ?)",
                     (batch_id, seq, student_id, parent_id))


async def batches(db: Database) -> list[tuple[int, int, int]]:
    """Batches whose teacher has not been told yet: (id, org id, teacher VK id)."""
    rows = await db.fetchall("SELECT id, org_id, teacher_vk FROM progress_batch ORDER BY id")
    return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]


async def outcomes(db: Database, batch_id: int) -> list[tuple[int, int, int | None, str | None, int | None]]:
    """Each delivery with its send's state: (seq, student id, parent id, action status or None
    when nothing was sent, the VK error code)."""
    rows = await db.fetchall(
        "SELECT d.seq, d.student_id, d.parent_id, a.status, a.error FROM progress_delivery d"
        " LEFT JOIN action a ON a.event_id = ? AND a.seq = d.seq AND a.kind = 'send' AND d.parent_id IS NOT NULL"
        " WHERE d.batch_id = ? ORDER BY d.seq", (event_id(batch_id), batch_id))
    return [(int(r[0]), int(r[1]), None if r[2] is None else int(r[2]), r[3], None if r[4] is None else int(r[4]))
            for r in rows]


async def drop_batch(db: Database, batch_id: int) -> None:
    await db.execute("DELETE FROM progress_delivery WHERE batch_id = ?", (batch_id,))
    await db.execute("DELETE FROM progress_batch WHERE id = ?", (batch_id,))
