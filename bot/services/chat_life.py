"""The bot's own life in a chat: being added, asking for and noticing admin rights."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot import texts
from bot.domain.clock import Clock
from bot.db import Database
from bot.pipeline.unit import unit
from bot.repo import chats as chat_repo
from bot.repo.chats import Chat
from bot.services.notify import Notifier
from bot.vk.errors import VkChatGone, VkNoChatRights
from bot.vk.gateway import VkGateway

log = logging.getLogger(__name__)


class ChatLife:
    def __init__(self, db: Database, gateway: VkGateway, clock: Clock, notifier: Notifier, *,
                 on_rights_regained: Callable[[Chat], Awaitable[Any]] | None = None) -> None:
        self.db = db
        self.gateway = gateway
        self.clock = clock
        self.notifier = notifier
        # admission applied to everyone in a bound chat once the bot can see its members again
        # (Membership.admit_present): joins while it lacked rights went unchecked
        self.on_rights_regained = on_rights_regained

    async def bot_added(self, peer_id: int, added_by: int) -> Chat:
        chat, _ = await chat_repo.ensure(self.db, peer_id, added_by=added_by, now=int(self.clock.now()))
        if await self.probe_admin(chat):
            await self.notifier.try_send(peer_id, texts.BOT_ADMIN_GRANTED)
            if chat.bound:  # added back to a chat bound earlier
                await self._regained(chat)
        else:
            await self.notifier.try_send(peer_id, texts.BOT_ADDED)
        return chat

    async def probe_admin(self, chat: Chat) -> bool:
        """Ask VK whether the bot is an admin now; record the answer."""
        try:
            await self.gateway.check_admin(chat.peer_id)
        except (VkNoChatRights, VkChatGone):
            if chat.bot_is_admin:
                await chat_repo.set_admin(self.db, chat.id, False, now=int(self.clock.now()))
            return False
        if not chat.bot_is_admin:
            await chat_repo.set_admin(self.db, chat.id, True, now=int(self.clock.now()))
        return True

    async def recheck(self, chat: Chat) -> bool:
        """If the bot became admin since last time, confirm in the chat. Returns is_admin."""
        was_admin = chat.bot_is_admin
        is_admin = await self.probe_admin(chat)
        if is_admin and not was_admin:
            text = texts.BOT_ADMIN_GRANTED if not chat.bound else texts.BOT_ADMIN_RESTORED
            await self.notifier.try_send(chat.peer_id, text)
            if chat.bound:
                await self._regained(chat)
        return is_admin

    async def _regained(self, chat: Chat) -> None:
        if self.on_rights_regained is not None:
            await self.on_rights_regained(chat)

    async def recheck_all(self) -> int:
        """Scheduler job: look at chats still waiting for admin rights. Never raises."""
        confirmed = 0
        for chat in await chat_repo.awaiting_rights(self.db):
            try:
                # rights restored, the notice and the check of everyone present in one transaction:
                # if VK fails half-way, the chat still waits for rights and the next run redoes it all
                with unit(f"recheck:{chat.id}:{int(self.clock.now())}"):
                    async with self.db.transaction():
                        confirmed += await self.recheck(chat)
            except Exception:
                log.exception("rights recheck failed for chat %s", chat.id)
        return confirmed
