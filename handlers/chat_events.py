"""Chat service events about the bot itself: added to a chat, rights."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vkbottle.bot import BotLabeler, Message

from bot.runtime.app import App
from handlers.replies import guarded
from handlers.rules import ActionRule, ChatMessageRule, chat_of


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.message(ActionRule("chat_invite_user", "chat_invite_user_by_link"))
    @guarded
    async def invited(message: Message, app: App) -> None:
        member_id = message.action.member_id if message.action else None
        if not member_id and message.action and str(message.action.type.value if hasattr(
                message.action.type, "value") else message.action.type) == "chat_invite_user_by_link":
            member_id = message.from_id  # VK may leave member_id out of a join by link
        if member_id == -app.group_id:
            await app.chat_life.bot_added(message.peer_id, message.from_id)
            return
        await count(app, message.peer_id, member_id or 0, "join", timestamp(message.date))
        if member_id and member_id > 0:
            from handlers.chats import on_join

            await on_join(app, message, member_id)

    @bl.message(ChatMessageRule(), blocking=False)
    async def notice_rights(message: Message, app: App) -> None:
        # A community bot sees every chat message only as a chat admin; so an ordinary message
        # (not a mention) from a chat we think we lack rights in means we were made admin.
        # Not `guarded`: nobody in the chat is answered about a failure of this observer; it
        # reaches the pipeline (retried, at last parked and reported to the operators).
        chat = await chat_of(message, app)
        if chat is None:
            await app.services.chats.ensure(message.peer_id)
            chat = await chat_of(message, app, refresh=True)
        if not chat.bot_is_admin:
            await app.chat_life.recheck(chat)
            chat = await chat_of(message, app, refresh=True)
        await app.activity.count(chat, message.from_id, "message", timestamp(message.date))

    return bl


async def count(app: App, peer_id: int, vk_id: int, kind: str, at: float) -> None:
    """Count a join, leave or button press as participation (bound chats only)."""
    if vk_id <= 0:
        return
    chat = await app.services.chats.by_peer(peer_id)
    if chat is not None:
        await app.activity.count(chat, vk_id, kind, at)


def timestamp(value: object) -> float:
    """vkbottle gives ``message.date`` as a datetime; the counter wants unix seconds. (The
    messages of one second share their datetime: handlers.router._date.)"""
    if value is _LAST[0]:
        return _LAST[1]
    seconds = value.timestamp() if isinstance(value, datetime) else float(value)  # type: ignore[arg-type]
    _LAST[:] = [value, seconds]
    return seconds


_LAST: list[Any] = [None, 0.0]  # the last date converted (immutable: a datetime or a number) and its seconds
