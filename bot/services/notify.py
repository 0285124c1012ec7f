"""Sending messages to people and chats without letting VK refusals break a use case."""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.db import Database
from bot.vk.errors import VkCannotMessage, VkError
from bot.vk.gateway import SentMessage, VkGateway

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, db: Database, gateway: VkGateway, clock: Clock) -> None:
        self.db = db
        self.gateway = gateway
        self.clock = clock

    async def send(self, peer_id: int, text: str, **kwargs) -> SentMessage:
        """Send and let VK errors propagate (the caller decides what a failure means)."""
        return await self.gateway.send(peer_id, text, **kwargs)

    async def try_send(self, peer_id: int, text: str, **kwargs) -> SentMessage | None:
        """Best-effort send: a refusal is logged (by ids only) and reported as None."""
        try:
            return await self.gateway.send(peer_id, text, **kwargs)
        except VkCannotMessage:
            log.info("peer %s does not accept messages from the community", peer_id)
        except VkError as exc:
            log.warning("send to %s failed: %s %s", peer_id, exc.code, exc.method)
        return None

    async def to_people(self, vk_ids: list[int], text: str, **kwargs) -> list[int]:
        """Send privately to each; returns the ids that could not be reached."""
        missed: list[int] = []
        for vk_id in dict.fromkeys(vk_ids):
            if await self.try_send(vk_id, text, **kwargs) is None:
                missed.append(vk_id)
        return missed
