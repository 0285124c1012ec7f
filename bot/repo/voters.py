"""Who the answering VK accounts are: shared by polls, meetings and scheduled posts."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from bot.db import Database


async def person_in_org(db: Database, org_id: int, vk_id: int) -> tuple[int, str, str] | None:
    """(person id, full name, kind) of the VK account in the school (students and parents first)."""
    row = await db.fetchone(
        "SELECT id, full_name, kind FROM person WHERE home_org_id = ? AND vk_id = ? AND status = 'active'"
        " ORDER BY kind = 'staff', id LIMIT 1", (org_id, vk_id))
    return (row[0], row[1], row[2]) if row else None


async def names(db: Database, person_ids: AbstractSet[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    marks = ",".join("?" * len(person_ids))
    rows = await db.fetchall(f"SELECT id, full_name FROM person WHERE id IN ({marks})", tuple(person_ids))
    return {r[0]: r[1] for r in rows}


async def families(db: Database, parent_ids: AbstractSet[int], class_id: int | None) -> list[tuple[int, str, list[int]]]:
    """(child id, child's name, its parents among ``parent_ids``) for the children of the class
    (of any class when ``class_id`` is None), by the child's name."""
    if not parent_ids:
        return []
    marks = ",".join("?" * len(parent_ids))
    rows = await db.fetchall(
        "SELECT c.id, c.full_name, pc.parent_id FROM parent_child pc JOIN person c ON c.id = pc.child_id"
        " LEFT JOIN student s ON s.person_id = c.id"
        f" WHERE pc.parent_id IN ({marks}) AND c.status = 'active' AND (? IS NULL OR s.class_id = ?)"
        " ORDER BY c.full_name, c.id, pc.parent_id", (*parent_ids, class_id, class_id))
    out: dict[int, tuple[int, str, list[int]]] = {}
    for child_id, name, parent_id in rows:
        out.setdefault(child_id, (child_id, name, []))[2].append(parent_id)
    return list(out.values())
