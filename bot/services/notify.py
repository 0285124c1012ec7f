"""Sending messages to people and chats. Messages are recorded actions (see bot/pipeline): they
go out once the decision that caused them has committed, and exactly once."""

from __future__ import annotations

import logging

from bot.domain.clock import Clock
from bot.db import Database
from typing import Any

from bot.pipeline.effects import Effects
from bot.vk.gateway import VkGateway

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, db: Database, gateway: VkGateway, clock: Clock, effects: Effects) -> None:
        self.db = db
        self.gateway = gateway
        self.clock = clock
        self.effects = effects

    async def send(self, peer_id: int, text: str, **kwargs: Any) -> None:
        """Record a message; the action runner sends it after the decision commits."""
        await self.effects.send(peer_id, text, **kwargs)

    async def try_send(self, peer_id: int, text: str, **kwargs: Any) -> None:
        """The same as ``send``: a refusal is handled where it happens (the action runner)."""
        await self.effects.send(peer_id, text, **kwargs)

    async def to_people(self, vk_ids: list[int], text: str, **kwargs: Any) -> list[int]:
        """Record a private message to each; returns the ids already known to be unreachable
        (none yet: delivery failures are reported by the action runner)."""
        for vk_id in dict.fromkeys(vk_ids):
            await self.effects.send(vk_id, text, **kwargs)
        return []
