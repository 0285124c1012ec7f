"""Moderator alerts and where they were posted (to update them once handled)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.db import Database


@dataclass(frozen=True)
class Alert:
    id: int
    org_id: int | None
    chat_id: int | None
    kind: str
    target_vk: int | None
    violation_id: int | None
    details: dict[str, Any]
    status: str
    handled_by: int | None
    handled_action: str | None


_COLUMNS = "id, org_id, chat_id, kind, target_vk, violation_id, details, status, handled_by, handled_action"


def _alert(row: Any) -> Alert:
    values = list(row)
    values[6] = json.loads(values[6] or "{}")
    return Alert(*values)


async def create(db: Database, *, kind: str, now: int, org_id: int | None, chat_id: int | None,
                 target_vk: int | None, violation_id: int | None = None, details: dict[str, Any] | None = None) -> int:
    return await db.execute(
        "INSERT INTO alert (org_id, chat_id, kind, target_vk, violation_id, details, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (org_id, chat_id, kind, target_vk, violation_id, json.dumps(details or {}, ensure_ascii=False), now),
    )


async def get(db: Database, alert_id: int) -> Alert | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM alert WHERE id = ?", (alert_id,))
    return _alert(row) if row else None


async def handled_action(db: Database, alert_id: int) -> str | None:
    return await db.fetchval("SELECT handled_action FROM alert WHERE id = ?", (alert_id,))


async def claim(db: Database, alert_id: int, *, by_vk: int, action: str, now: int) -> bool:
    """Mark an open alert handled; exactly one moderator wins."""
    count = await db.execute_rowcount(
        "UPDATE alert SET status = 'handled', handled_by = ?, handled_action = ?, handled_at = ?"
        " WHERE id = ? AND status = 'open'",
        (by_vk, action, now, alert_id),
    )
    return count == 1


async def reopen(db: Database, alert_id: int) -> bool:
    """A decision undone: the alert is open again (exactly one undo wins)."""
    return await db.execute_rowcount(
        "UPDATE alert SET status = 'open', handled_by = NULL, handled_action = NULL, handled_at = NULL"
        " WHERE id = ? AND status = 'handled'", (alert_id,)) == 1


async def handled_with(db: Database, violation_id: int, action: str) -> list[tuple[int, int | None]]:
    """(alert id, who handled it) of the violation's alerts handled with ``action``."""
    rows = await db.fetchall(
        "SELECT id, handled_by FROM alert WHERE violation_id = ? AND status = 'handled' AND handled_action = ?",
        (violation_id, action))
    return [(int(r[0]), r[1]) for r in rows]


async def set_details(db: Database, alert_id: int, details: dict[str, Any]) -> None:
    await db.execute("UPDATE alert SET details = ? WHERE id = ?",
                     (json.dumps(details, ensure_ascii=False), alert_id))


async def add_message(db: Database, alert_id: int, peer_id: int, cmid: int | None) -> None:
    await db.execute(
        "INSERT OR REPLACE INTO alert_message (alert_id, peer_id, cmid) VALUES (?, ?, ?)", (alert_id, peer_id, cmid)
    )


async def messages(db: Database, alert_id: int) -> list[tuple[int, int | None]]:
    rows = await db.fetchall("SELECT peer_id, cmid FROM alert_message WHERE alert_id = ?", (alert_id,))
    return [(row[0], row[1]) for row in rows]


async def open_of_violation(db: Database, violation_id: int) -> list[int]:
    rows = await db.fetchall("SELECT id FROM alert WHERE violation_id = ? AND status = 'open'", (violation_id,))
    return [int(row[0]) for row in rows]


async def open_for(db: Database, chat_id: int, kind: str, target_vk: int) -> Alert | None:
    row = await db.fetchone(
        f"SELECT {_COLUMNS} FROM alert WHERE chat_id = ? AND kind = ? AND target_vk = ? AND status = 'open'"
        " ORDER BY id DESC", (chat_id, kind, target_vk))
    return _alert(row) if row else None


async def open_in_orgs(db: Database, org_ids: list[int], kinds: tuple[str, ...], *,
                       limit: int) -> tuple[list[Alert], int]:
    """Open alerts of these kinds in these organisations, newest first (up to ``limit``), and how
    many are open in all."""
    if not org_ids:
        return [], 0
    orgs, kind_marks = ",".join("?" * len(org_ids)), ",".join("?" * len(kinds))
    where = f" WHERE status = 'open' AND org_id IN ({orgs}) AND kind IN ({kind_marks})"
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM alert{where} ORDER BY id DESC LIMIT ?",
                             (*org_ids, *kinds, limit))
    total = await db.fetchval(f"SELECT COUNT(*) FROM alert{where}", (*org_ids, *kinds))
    return [_alert(row) for row in rows], int(total or 0)
