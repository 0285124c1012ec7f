"""Who cannot receive the bot's private messages (VK error 901, or the community's messages not
allowed), until they write to the bot."""

from __future__ import annotations

from bot.db import Database


async def mark(db: Database, vk_id: int, *, now: int, source: str) -> bool:
    """Remember ``vk_id`` as unreachable; True when this is news (it was not known before)."""
    return await db.execute_rowcount(
        "INSERT INTO unreachable (vk_id, since, source) VALUES (?, ?, ?) ON CONFLICT (vk_id) DO NOTHING",
        (vk_id, now, source)) == 1


async def clear(db: Database, vk_id: int) -> bool:
    """The person can be written to again; True when they had been unreachable."""
    return await db.execute_rowcount("DELETE FROM unreachable WHERE vk_id = ?", (vk_id,)) == 1


async def is_unreachable(db: Database, vk_id: int) -> bool:
    return await db.fetchval("SELECT COUNT(*) FROM unreachable WHERE vk_id = ?", (vk_id,)) > 0


async def unreachable_of(db: Database, vk_ids: list[int]) -> set[int]:
    if not vk_ids:
        return set()
    marks = ",".join("?" * len(vk_ids))
    rows = await db.fetchall(f"SELECT vk_id FROM unreachable WHERE vk_id IN ({marks})", tuple(vk_ids))
    return {int(row[0]) for row in rows}


async def unreachable_staff(db: Database, org_id: int) -> list[tuple[int, str, int]]:
    """Active staff of the school VK will not deliver to: (person id, full name, vk id), by name."""
    rows = await db.fetchall(
        "SELECT p.id, p.full_name, p.vk_id FROM person p JOIN unreachable u ON u.vk_id = p.vk_id"
        " WHERE p.home_org_id = ? AND p.kind = 'staff' AND p.status = 'active' ORDER BY p.full_name",
        (org_id,))
    return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]
