"""Is the running bot healthy? Read from the database only, so that another process
(``zavuch healthcheck``, Docker's HEALTHCHECK) and the callback server's ``/healthz`` judge the
same facts: the heartbeat is fresh, VK answered recently, and no event waits too long."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.repo import inbox

HEARTBEAT_KEY = "heartbeat"          # unix seconds, written every minute by the heartbeat job
VK_OK_KEY = "vk_last_ok"             # unix seconds of the last VK call that succeeded
STALE_HEARTBEAT_S = 180
STALE_VK_S = 300
STALLED_EVENT_S = 120                # an event pending longer than this means the pipeline is stuck


@dataclass(frozen=True)
class Health:
    ok: bool
    problem: str | None = None       # a short English reason for operators' logs; never user data


async def check(db: Database, now: int) -> Health:
    try:
        heartbeat = await inbox.get_kv(db, HEARTBEAT_KEY)
        vk_ok = await inbox.get_kv(db, VK_OK_KEY)
        oldest = await inbox.oldest_pending_at(db)
    except Exception as exc:  # the database itself is the problem
        return Health(False, f"database unreachable: {type(exc).__name__}")
    if heartbeat is None or now - int(heartbeat) > STALE_HEARTBEAT_S:
        return Health(False, "heartbeat stale")
    if vk_ok is not None and now - int(vk_ok) > STALE_VK_S:
        return Health(False, "no successful VK call recently")
    if oldest is not None and now - int(oldest) > STALLED_EVENT_S:
        return Health(False, "pipeline stalled")
    return Health(True)
