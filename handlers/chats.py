"""Chat commands and events: /создать, /чаты, /привязать, /правила, /сбросить ссылку, joins,
leaves."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message

from bot import texts
from bot.runtime.app import App
from bot.domain.capabilities import Capability
from bot.domain.commands import Command
from bot.domain.chat_command import AskClass, parse_chat_command, parse_create
from bot.domain.chat_types import PRESETS
from bot.repo.pending import Pending
from bot.services.access import Caller
from bot.services.chats import ChoiceGone
from bot.texts import chats as chat_texts
from bot.vk.gateway import is_chat_peer
from handlers import chats_views as views
from handlers.admin import usage
from handlers.confirm import confirmer, gone
from handlers.moderation import answer as answer_command
from handlers.moderation import cleaned
from handlers.replies import Reply, guarded, reply
from handlers.settings import route_alerts
from handlers.rules import ActionRule, CommandRule


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name

    @bl.private_message(CommandRule("create", g, s))
    @guarded
    async def create(message: Message, app: App, cmd: Command) -> None:
        if not cmd.args.strip():
            raise usage("create")
        parsed = parse_create(cmd.args)
        caller = await app.access.caller(message.from_id)
        if isinstance(parsed, AskClass):
            answer = views.class_question(await app.services.chats.ask_class(caller, parsed.chat_type,
                                                                             parsed.org_code))
            await reply(app, message, answer.text, keyboard=answer.keyboard)
            return
        await reply(app, message, await views.created_text(app, await app.services.chats.create(caller, parsed)))

    @bl.private_message(CommandRule("chats", g, s))
    @guarded
    async def overview(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        overview = await app.services.chats.overview(caller, cmd.args.strip() or None)
        await reply(app, message, views.overview_text(overview))

    @bl.chat_message(CommandRule("bind", g, s))
    @guarded
    async def bind(message: Message, app: App, cmd: Command) -> None:
        if not cmd.args.strip():
            raise usage("bind")
        await app.services.chats.unbound(message.peer_id)  # a bound chat is told so whatever the arguments
        parsed = parse_chat_command(cmd.args)
        caller = await app.access.caller(message.from_id)
        await reply(app, message, chat_texts.bound(await app.services.chats.bind(caller, message.peer_id, parsed)))

    @bl.chat_message(CommandRule("rules", g, s))
    @guarded
    @cleaned
    async def rules(message: Message, app: App, cmd: Command) -> None:
        # in a children's chat the command and the rules are cleaned up after a while, as every
        # command's answer there
        chat = await app.services.chats.by_peer(message.peer_id)
        if chat is None or not chat.bound or chat.type is None:
            await answer_command(app, message, texts.CHAT_NOT_BOUND_RULES)
            return
        await answer_command(app, message, PRESETS[chat.type].rules_text())

    @bl.chat_message(CommandRule("reset_link", g, s))
    @guarded
    @cleaned
    async def reset_link(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        answer = await app.services.chats.reset_link(caller, message.peer_id)
        # the new link goes privately to the one who asked; the chat learns only that it changed
        # (never the link itself: a refused private message is reported by the action runner)
        await app.notifier.try_send(message.from_id, chat_texts.link_reset(answer))
        await answer_command(app, message, texts.LINK_RESET_SENT_PRIVATELY)

    @bl.chat_message(CommandRule("alerts_here", g, s))
    @guarded
    @cleaned
    async def alerts_here(message: Message, app: App, cmd: Command) -> None:
        word = cmd.args.strip().casefold()
        if word not in ("сюда", "лично"):
            raise usage("alerts_here")
        chat = await app.services.chats.bound(message.peer_id)
        caller = await app.access.caller(message.from_id)
        # the same check, change and audit as the settings menu's toggle
        await answer_command(app, message, await route_alerts(app, caller, chat, word == "сюда"))

    @bl.chat_message(ActionRule("chat_kick_user"))
    @guarded
    async def left(message: Message, app: App) -> None:
        member_id = message.action.member_id if message.action else None
        # the bot's own removals (from_id = -group_id) are recorded when made
        if member_id and member_id > 0 and message.from_id > 0:
            await app.services.admission.on_leave(message.peer_id, member_id, by=message.from_id)
            from handlers.chat_events import count, timestamp

            await count(app, message.peer_id, member_id, "leave", timestamp(message.date))

    return bl


@confirmer("create_chat", capability=Capability.CHAT_CREATE)
async def create_chosen(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    """A class or «Для всей школы» chosen for /создать родители|ученики."""
    if payload.get("do") != "apply":
        return gone()
    result = await app.services.chats.create_chosen(caller, action, payload.get("c"))
    if isinstance(result, ChoiceGone):
        return gone()
    return Reply(await views.created_text(app, result))


async def on_join(app: App, message: Message, member_id: int) -> None:
    if is_chat_peer(message.peer_id) and member_id > 0:
        await app.services.admission.on_join(message.peer_id, member_id, message.from_id)
