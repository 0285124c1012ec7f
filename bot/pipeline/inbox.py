"""Where events enter the pipeline: the inbox the VK event sources write to (``bot.vk.events``)."""

from __future__ import annotations

from typing import Any

from bot.db import Database
from bot.domain.clock import Clock
from bot.pipeline import dispatcher
from bot.repo import inbox


class Inbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def accept(self, updates: list[dict[str, Any]], *, ts_key: str | None, ts: str | None,
                     peer_of: Any = None) -> list[dict[str, Any]]:
        # every event is stored with its conversation: a busy one's backlog is read back from here
        return await inbox.accept_batch(self.db, updates, ts_key=ts_key, ts=ts, now=int(self.clock.now()),
                                        peer_of=peer_of or dispatcher.peer_of)

    async def position(self, ts_key: str) -> str | None:
        return await inbox.get_kv(self.db, ts_key)

    async def save_position(self, ts_key: str, ts: str) -> None:
        await inbox.set_kv(self.db, ts_key, ts)
