"""Chat service events about the bot itself: added to a chat, rights."""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot.app import App
from bot.repo import chats as chat_repo
from handlers.replies import guarded
from handlers.rules import ActionRule, ChatMessageRule


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.message(ActionRule("chat_invite_user", "chat_invite_user_by_link"))
    @guarded
    async def invited(message: Message, app: App) -> None:
        member_id = message.action.member_id if message.action else None
        if member_id == -app.group_id:
            await app.chat_life.bot_added(message.peer_id, message.from_id)
            return
        if member_id and member_id > 0:
            from handlers.chats import on_join

            await on_join(app, message, member_id)

    @bl.message(ChatMessageRule(), blocking=False)
    @guarded
    async def notice_rights(message: Message, app: App) -> None:
        # A community bot sees every chat message only as a chat admin; so an ordinary message
        # (not a mention) from a chat we think we lack rights in means we were made admin.
        chat = await chat_repo.by_peer(app.db, message.peer_id)
        if chat is None:
            chat, _ = await chat_repo.ensure(app.db, message.peer_id, added_by=None, now=app.now())
        if not chat.bot_is_admin:
            await app.chat_life.recheck(chat)

    return bl
