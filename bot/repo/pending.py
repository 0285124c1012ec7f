"""Multi-step dialogs awaiting a button press (import preview, promotion, picking a person)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.db import Database


@dataclass(frozen=True)
class Pending:
    id: int
    kind: str
    vk_id: int
    org_id: int | None
    payload: dict[str, Any]
    status: str
    expires_at: int


async def create(db: Database, *, kind: str, vk_id: int, org_id: int | None, payload: dict[str, Any],
                 now: int, ttl: int = 24 * 3600) -> int:
    return await db.execute(
        "INSERT INTO pending_action (kind, vk_id, org_id, payload, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (kind, vk_id, org_id, json.dumps(payload, ensure_ascii=False), now, now + ttl),
    )


async def get(db: Database, action_id: int) -> Pending | None:
    row = await db.fetchone(
        "SELECT id, kind, vk_id, org_id, payload, status, expires_at FROM pending_action WHERE id = ?", (action_id,)
    )
    if row is None:
        return None
    return Pending(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6])


async def claim(db: Database, action_id: int, status: str) -> bool:
    """Close an open action exactly once (a double press gets False). Clears the payload."""
    count = await db.execute_rowcount(
        "UPDATE pending_action SET status = ?, payload = '{}' WHERE id = ? AND status = 'open'", (status, action_id)
    )
    return count == 1


async def expire(db: Database, now: int) -> int:
    return await db.execute_rowcount(
        "UPDATE pending_action SET status = 'expired', payload = '{}' WHERE status = 'open' AND expires_at < ?",
        (now,),
    )
