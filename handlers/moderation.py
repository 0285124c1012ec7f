"""Moderation in chats: every ordinary message through the engine, and the staff's commands
(/пред, /снять пред, /мут, /размут, /кик, /политика, /тишина) and /жалоба for everyone."""

from __future__ import annotations

import logging
from typing import Any

from vkbottle.bot import BotLabeler, Message

from bot.texts import moderation as t
from bot.runtime.app import App
from bot.domain.commands import Command
from bot.services.moderation import Incoming, Moderation
from bot.services.moderation_manual import ManualModeration
from handlers.admin import usage
from handlers.replies import guarded, reply
from handlers.rules import ChatMessageRule, CommandRule, chat_of, parse_message

log = logging.getLogger(__name__)


def _kinds(message: Message) -> tuple[str, ...]:
    kinds = []
    for item in message.attachments or ():
        kind = getattr(item, "type", None)
        kinds.append(str(getattr(kind, "value", kind)))
    return tuple(kinds)


def _replied(message: Message, key: str) -> Any:
    replied = message.reply_message
    if replied is None:
        raise usage(key, t.NEED_REPLY)
    return replied


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    moderation: Moderation = app.moderation
    manual: ManualModeration = app.manual

    @bl.message(ChatMessageRule(), blocking=False)
    async def moderate(message: Message, app: App) -> None:
        # commands addressed to the bot are not chat messages to moderate: retrying /правила must
        # never count as repeats or flood
        cmd = parse_message(message, app.group_id, app.screen_name)
        incoming = Incoming(
            peer_id=message.peer_id, vk_id=message.from_id, cmid=message.conversation_message_id or 0,
            text=message.text or "", attachments=_kinds(message))
        if cmd is not None and cmd.explicit:
            # a command is not moderated, but a safety signal in it («/жалоба мне не хочется жить»)
            # still reaches the people who must know
            await moderation.signals(incoming, chat=await chat_of(message, app.db))
            return
        # not `guarded`: nobody in the chat is answered about a failure here; it reaches the
        # pipeline, which retries the event and at last parks it and tells the operators
        await moderation.on_message(incoming, chat=await chat_of(message, app.db))

    @bl.chat_message(CommandRule("warn", g, s))
    @guarded
    async def warn(message: Message, app: App, cmd: Command) -> None:
        replied = _replied(message, "warn")
        caller = await app.access.caller(message.from_id)
        await reply(app, message, await manual.warn(caller, message.peer_id, replied.from_id,
                                                    replied.conversation_message_id, replied.text,
                                                    cmd.args[:200]))  # a reason, not an essay

    @bl.chat_message(CommandRule("mute", g, s))
    @guarded
    async def mute(message: Message, app: App, cmd: Command) -> None:
        replied = _replied(message, "mute")
        caller = await app.access.caller(message.from_id)
        try:
            answer = await manual.mute(caller, message.peer_id, replied.from_id, cmd.args)
        except ValueError as exc:
            raise usage("mute", str(exc)) from None
        await reply(app, message, answer)

    def on_reply(key: str, action) -> None:  # noqa: ANN001
        """A staff command answered to a message that needs nothing but its author."""

        @bl.chat_message(CommandRule(key, g, s))
        @guarded
        async def handler(message: Message, app: App, cmd: Command) -> None:
            replied = _replied(message, key)
            caller = await app.access.caller(message.from_id)
            await reply(app, message, await action(caller, message.peer_id, replied.from_id))

    on_reply("unwarn", manual.unwarn)
    on_reply("unmute", manual.unmute)
    on_reply("kick", manual.kick)

    @bl.chat_message(CommandRule("complain", g, s))
    @guarded
    async def complain(message: Message, app: App, cmd: Command) -> None:
        replied = _replied(message, "complain")
        answer = await manual.complain(message.from_id, message.peer_id, message.conversation_message_id or 0,
                                       replied.from_id, replied.conversation_message_id, replied.text,
                                       comment=cmd.args.strip()[:300] or None)
        # privately only, so the chat does not learn who complained
        await app.notifier.try_send(message.from_id, answer)

    @bl.chat_message(CommandRule("policy", g, s))
    @guarded
    async def policy(message: Message, app: App, cmd: Command) -> None:
        words = cmd.args.split()
        if len(words) < 2:
            raise usage("policy")
        caller = await app.access.caller(message.from_id)
        await reply(app, message, await manual.set_policy(caller, message.peer_id, " ".join(words[:-1]), words[-1]))

    @bl.chat_message(CommandRule("quiet", g, s))
    @guarded
    async def quiet(message: Message, app: App, cmd: Command) -> None:
        if not cmd.args.strip():
            raise usage("quiet")
        caller = await app.access.caller(message.from_id)
        await reply(app, message, await manual.set_quiet(caller, message.peer_id, cmd.args))

    return bl
