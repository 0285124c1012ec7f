"""Who wrote a message, as the moderation policies see it: member, staff, guest or outsider."""

from __future__ import annotations

from bot.db import Database
from bot.repo import chat_people
from bot.repo import members as member_repo
from bot.repo.chats import Chat
from bot.services import eligibility
from bot.services.access import Access
from bot.services.chats import Chats
from policies import AuthorInfo


class Authors:
    def __init__(self, db: Database, access: Access, chats: Chats) -> None:
        self.db = db
        self.access = access
        self.chats = chats

    async def info(self, chat: Chat, vk_id: int) -> AuthorInfo:
        """Staff of the chat: staff admitted by its preset, its leader, the school's moderators
        and admins (and operators). Unknown people count as members only when a moderator
        admitted them; otherwise they are outsiders. Asked on every message: kept in memory
        until the roster, the roles, the chat or its members change."""
        return await self.db.cached(("author", *eligibility.chat_key(chat), vk_id), lambda: self._info(chat, vk_id))

    async def _info(self, chat: Chat, vk_id: int) -> AuthorInfo:
        # everyone's rows of this chat in one go, once (asked only when this author is not known:
        # a known author's message asks nothing more)
        await chat_people.warm(self.db, chat.id)
        verdict = await eligibility.judge(self.db, chat, vk_id, kept=False)  # this read model keeps it
        staff = verdict.kind == "staff" or await self.chats.is_chat_staff(await self.access.caller(vk_id), chat)
        if staff:
            return AuthorInfo(vk_id, "staff", is_chat_staff=True)
        if verdict.kind == "audience":
            return AuthorInfo(vk_id, "member")
        if verdict.kind == "guest":
            return AuthorInfo(vk_id, "guest")
        member = await member_repo.get(self.db, chat.id, vk_id)
        admitted = member is not None and member.state == "member" and (member.admitted_by or 0) > 0
        return AuthorInfo(vk_id, "member" if admitted else "outsider")

    async def is_staff(self, chat: Chat, vk_id: int) -> bool:
        return (await self.info(chat, vk_id)).is_chat_staff
