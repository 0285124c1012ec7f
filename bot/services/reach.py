"""Who cannot receive the bot's private messages, so that the school is told (when a role is
given, in /школа, in the monthly reminder) with the one step that fixes it.

Learnt two ways: VK refuses a send with 901/902 (the action runner's ``on_undeliverable``), or
``messages.isMessagesFromGroupAllowed`` says no when a role is given. Forgotten as soon as the
person writes to the bot or allows the community's messages.
"""

from __future__ import annotations

import logging

from bot.db import Database
from bot.domain.clock import Clock
from bot.pipeline.effects import CHAT_PEER_BASE
from bot.repo import reach as reach_repo
from bot.repo.outbox import Recorded
from bot.vk.errors import VkError
from bot.vk.gateway import VkGateway

log = logging.getLogger(__name__)


def community_ref(group_id: int, screen_name: str | None) -> str:
    """How people find the community in VK, for texts and printed slips."""
    return f"vk.me/{screen_name}" if screen_name else f"vk.me/club{group_id}"


class Reach:
    def __init__(self, db: Database, gateway: VkGateway, clock: Clock) -> None:
        self.db = db
        self.gateway = gateway
        self.clock = clock

    def now(self) -> int:
        return int(self.clock.now())

    async def undeliverable(self, action: Recorded) -> None:
        """The action runner: VK would not deliver a private message to this person."""
        peer = int(action.peer_id or 0)
        if 0 < peer < CHAT_PEER_BASE:
            async with self.db.transaction():
                if await reach_repo.mark(self.db, peer, now=self.now(), source="send"):
                    log.info("private messages to a person are refused by VK (901); recorded")

    async def check(self, vk_id: int) -> bool | None:
        """Ask VK whether the bot may write to ``vk_id`` and remember the answer; None when VK
        did not answer (nothing is recorded then)."""
        try:
            allowed = await self.gateway.messages_allowed(vk_id)
        except VkError as exc:
            log.info("VK did not say whether it delivers to a person: %s", exc.code)
            return None
        async with self.db.transaction():
            if allowed:
                await reach_repo.clear(self.db, vk_id)
            else:
                await reach_repo.mark(self.db, vk_id, now=self.now(), source="check")
        return allowed

    async def wrote(self, vk_id: int) -> bool:
        """The person wrote to the bot (or allowed its messages): reachable again. True when
        they had been recorded unreachable."""
        if vk_id <= 0 or not await reach_repo.is_unreachable(self.db, vk_id):
            return False  # the common case: a read, no write transaction per private message
        async with self.db.transaction():
            return await reach_repo.clear(self.db, vk_id)

    async def denied(self, vk_id: int) -> None:
        """VK told us the person stopped allowing the community's messages (message_deny)."""
        if vk_id > 0:
            async with self.db.transaction():
                await reach_repo.mark(self.db, vk_id, now=self.now(), source="deny")
