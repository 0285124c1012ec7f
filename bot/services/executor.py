"""The one executor of sanctions: it makes the VK call, records the result and writes the
audit row. Automatic sanctions (actor 0) are refused for the chat's staff, whatever the caller
decided: staff are never auto-sanctioned."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.domain.clock import Clock
from bot.db import Database
from bot.repo import audit
from bot.repo import moderation as repo
from bot.repo.audit import BOT_ACTOR
from bot.repo.chats import Chat
from bot.services.admission import Admission
from bot.services.authors import Authors
from bot.services.notify import Notifier
from bot.vk.gateway import VkGateway

log = logging.getLogger(__name__)


class Executor:
    def __init__(self, db: Database, gateway: VkGateway, notifier: Notifier, admission: Admission,
                 authors: Authors, clock: Clock) -> None:
        self.db = db
        self.gateway = gateway
        self.notifier = notifier
        self.admission = admission
        self.authors = authors
        self.clock = clock

    def now(self) -> int:
        return int(self.clock.now())

    async def _permitted(self, chat: Chat, vk_id: int, actor: int, what: str) -> bool:
        if actor == BOT_ACTOR and await self.authors.is_staff(chat, vk_id):
            log.warning("refused automatic %s of staff %s in chat %s", what, vk_id, chat.id)
            return False
        return True

    async def _audit(self, chat: Chat, action: str, vk_id: int, actor: int, policy: str | None,
                     reason: str | None, **details: object) -> None:
        await audit.write(self.db, action=action, now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=actor, target_vk=vk_id, policy=policy, reason=reason, details=details)

    async def delete(self, chat: Chat, vk_id: int, cmids: Sequence[int], *, actor: int = BOT_ACTOR,
                     policy: str | None = None, reason: str | None = None,
                     violation_id: int | None = None) -> bool:
        """Delete messages for everybody (a recorded action: performed once the decision commits;
        lost rights are reported by the action runner). False when refused here (staff)."""
        if not cmids or not await self._permitted(chat, vk_id, actor, "delete"):
            return False
        await self.notifier.effects.delete(chat.peer_id, list(cmids), chat_id=chat.id, violation_id=violation_id)
        await self._audit(chat, "delete", vk_id, actor, policy, reason, cmids=list(cmids), violation=violation_id)
        return True

    async def warn(self, chat: Chat, vk_id: int, *, public: str, private: str | None, actor: int = BOT_ACTOR,
                   policy: str | None = None, reason: str | None = None, reply_to: int | None = None) -> bool:
        """A short public notice without quoting anything, the details privately."""
        if not await self._permitted(chat, vk_id, actor, "warn"):
            return False
        await self.notifier.try_send(chat.peer_id, public, reply_to_cmid=reply_to)
        if private:
            await self.notifier.try_send(vk_id, private)
        await self._audit(chat, "warn", vk_id, actor, policy, reason)
        return True

    async def mute(self, chat: Chat, vk_id: int, seconds: int, *, public: str | None, private: str | None,
                   actor: int = BOT_ACTOR, policy: str | None = None, reason: str | None = None,
                   violation_id: int | None = None) -> bool:
        """Soft mute: recorded here either way (the bot deletes the person's messages until it
        ends); VK's undocumented read-only restriction is tried first where it works."""
        if not await self._permitted(chat, vk_id, actor, "mute"):
            return False
        until = self.now() + seconds
        await repo.set_mute(self.db, chat.id, vk_id, until=until, by_vk=actor, violation_id=violation_id)
        await self.notifier.effects.restrict(chat.peer_id, vk_id, seconds)
        if public:
            await self.notifier.try_send(chat.peer_id, public)
        if private:
            await self.notifier.try_send(vk_id, private)
        await self._audit(chat, "mute", vk_id, actor, policy, reason, seconds=seconds, until=until)
        return True

    async def unmute(self, chat: Chat, vk_id: int, *, actor: int, public: str | None = None) -> bool:
        """Lift a mute; False when there was none."""
        cleared = await repo.clear_mute(self.db, chat.id, vk_id)
        await self.notifier.effects.restrict(chat.peer_id, vk_id, None)
        if cleared:
            if public:
                await self.notifier.try_send(chat.peer_id, public)
            await self._audit(chat, "unmute", vk_id, actor, None, None)
        return cleared

    async def kick(self, chat: Chat, vk_id: int, *, actor: int = BOT_ACTOR, policy: str | None = None,
                   public: str | None = None) -> bool:
        """Remove from the chat (Admission.remove records the member and writes the audit row)."""
        if not await self._permitted(chat, vk_id, actor, "kick"):
            return False
        if not await self.admission.remove(chat, vk_id, reason=f"moderation:{policy or 'manual'}", actor=actor):
            return False
        await repo.clear_mute(self.db, chat.id, vk_id)
        if public:
            await self.notifier.try_send(chat.peer_id, public)
        return True

    async def notice(self, chat: Chat, text: str) -> None:
        """A public notice that sanctions nobody (quiet hours)."""
        await self.notifier.try_send(chat.peer_id, text)

