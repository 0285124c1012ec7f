"""The audit log: every sanction and admission decision, with who made it."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Database

BOT_ACTOR = 0  # actor_vk for automatic decisions


async def write(
    db: Database, *, action: str, now: int, org_id: int | None = None, chat_id: int | None = None,
    actor_vk: int | None = BOT_ACTOR, target_vk: int | None = None, policy: str | None = None,
    reason: str | None = None, details: dict[str, Any] | None = None,
) -> int:
    return await db.execute(
        "INSERT INTO audit_log (org_id, chat_id, actor_vk, action, target_vk, policy, reason, details,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (org_id, chat_id, actor_vk, action, target_vk, policy, reason,
         json.dumps(details or {}, ensure_ascii=False), now),
    )

