"""Moderation in chats: every ordinary message through the engine, and the staff's commands
(/пред, /снять пред, /мут, /размут, /кик, /политика, /тишина) and /жалоба for everyone."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from vkbottle.bot import BotLabeler, Message

from bot.texts import moderation as t
from bot.runtime.app import App
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.pipeline.effects import Lane
from bot.vk.gateway import is_chat_peer
from policies.settings import STRICT_TYPES as CHILDREN_CHATS
from bot.services.moderation import Incoming, Moderation
from bot.domain.moderation_args import BadTerm, parse_policy_mode, parse_quiet, parse_target, policy_key
from bot.services.moderation_manual import ManualModeration
from bot.services.moderation_results import StaffCommand
from handlers.admin import usage
from handlers.moderation_views import pick_keyboard, run_command, run_on_target
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


async def answer(app: App, message: Message, text: str, *, keyboard: str | None = None) -> None:
    """Answer a command. In a children's chat nothing of moderation stays on show: the command
    message is deleted at once and the answer after ``moderation.command_cleanup_seconds`` (a
    delayed deletion the action runner performs, surviving restarts). Elsewhere: a reply."""
    chat = await chat_of(message, app) if is_chat_peer(message.peer_id) else None
    if chat is None or chat.type not in CHILDREN_CHATS:
        await reply(app, message, text, keyboard=keyboard)
        return
    if message.conversation_message_id:
        await app.effects.delete(message.peer_id, [message.conversation_message_id], chat_id=chat.id,
                                 lane=Lane.NORMAL)
    await app.notifier.send(message.peer_id, text, keyboard=keyboard,
                            delete_after=app.settings.moderation.command_cleanup_seconds)


def cleaned(func: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Under ``guarded``: a refusal (bad input, no rights) is answered like any answer, so in a
    children's chat it is cleaned up too; its writes are undone first."""

    @functools.wraps(func)
    async def wrapper(message: Message, *args: Any, **kwargs: Any) -> Any:
        app: App = kwargs["app"]
        try:
            async with app.db.savepoint():
                return await func(message, *args, **kwargs)
        except UserError as exc:
            await answer(app, message, exc.message)
        return None

    return wrapper


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
            await moderation.signals(incoming, chat=await chat_of(message, app), command=True)
            return
        # not `guarded`: nobody in the chat is answered about a failure here; it reaches the
        # pipeline, which retries the event and at last parks it and tells the operators
        await moderation.on_message(incoming, chat=await chat_of(message, app))

    def staff_command(key: str) -> None:
        """/пред, /снять пред, /мут, /размут, /кик: in reply to a member's message, or by name or
        @mention («/размут Петров», «/пред @id123 причина») in a chat or privately; several people
        fitting the name get buttons to pick."""

        @bl.message(CommandRule(key, g, s))
        @guarded
        @cleaned
        async def handler(message: Message, app: App, cmd: Command) -> None:
            caller = await app.access.caller(message.from_id)
            command = StaffCommand(key)
            in_chat = is_chat_peer(message.peer_id)
            replied = message.reply_message if in_chat else None
            if replied is not None:
                try:
                    result = await run_command(manual, caller, command, message.peer_id, replied.from_id, cmd.args,
                                               cmid=replied.conversation_message_id, text=replied.text)
                except BadTerm as exc:
                    raise usage(key, t.bad_term(exc.value)) from None
                await answer(app, message, t.command_answer(result))
                return
            if not cmd.args.strip():
                raise usage(key, t.NEED_TARGET)
            found = await manual.resolve(caller, parse_target(cmd.args),
                                         peer_id=message.peer_id if in_chat else None,
                                         prefer_muted=command is StaffCommand.UNMUTE)
            if len(found.targets) == 1 and command is not StaffCommand.KICK:  # removing by name is always confirmed
                await answer(app, message, await run_on_target(manual, caller, command, found.targets[0], found.rest,
                                                               private=not in_chat))
                return
            asked = await manual.pick(caller, command, found.targets, found.rest, found.who)
            await answer(app, message, t.pick_question(asked), keyboard=pick_keyboard(asked))

    for key in ("warn", "unwarn", "mute", "unmute", "kick"):
        staff_command(key)

    @bl.private_message(CommandRule("open_alerts", g, s))
    @guarded
    async def open_alerts(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        await reply(app, message, t.open_alerts(await manual.open_alerts(caller, message.peer_id)))

    @bl.chat_message(CommandRule("complain", g, s))
    @guarded
    async def complain(message: Message, app: App, cmd: Command) -> None:
        """The /жалоба message is removed at once and every answer goes privately: the chat never
        learns who complained."""
        try:
            async with app.db.savepoint():
                replied = _replied(message, "complain")
                await manual.complain(
                    message.from_id, message.peer_id, message.conversation_message_id or 0, replied.from_id,
                    replied.conversation_message_id, replied.text, comment=cmd.args.strip()[:300] or None)
            answer_ = t.COMPLAINT_SENT
        except UserError as exc:
            chat = await chat_of(message, app)
            if message.conversation_message_id:
                await app.effects.delete(message.peer_id, [message.conversation_message_id],
                                         chat_id=chat.id if chat is not None else None)
            answer_ = exc.message
        await app.notifier.try_send(message.from_id, answer_)

    @bl.chat_message(CommandRule("policy", g, s))
    @guarded
    @cleaned
    async def policy(message: Message, app: App, cmd: Command) -> None:
        words = cmd.args.split()
        caller = await app.access.caller(message.from_id)
        if len(words) < 2:  # which policy or which mode missing: the toggles ask for it
            await settings_privately(app, caller, message, "p")
            return
        try:
            mode = parse_policy_mode(words[-1])
        except UserError:
            await app.services.chats.require_moderator(caller, message.peer_id)  # no rights: that answer first
            raise
        result = await manual.set_policy(caller, message.peer_id, policy_key(" ".join(words[:-1])), mode)
        await answer(app, message, t.policy_set(result))

    @bl.chat_message(CommandRule("quiet", g, s))
    @guarded
    @cleaned
    async def quiet(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        if not cmd.args.strip():  # the hours asked with preset buttons
            await settings_privately(app, caller, message, "q")
            return
        try:
            window = parse_quiet(cmd.args)
        except UserError:
            await app.services.chats.require_moderator(caller, message.peer_id)  # no rights: that answer first
            raise
        await answer(app, message, t.quiet_set(await manual.set_quiet(caller, message.peer_id, window)))

    return bl


async def settings_privately(app: App, caller: Any, message: Message, do: str) -> None:
    """/политика or /тишина typed without its argument: the chat's settings screen («p» policies,
    «q» quiet hours) privately, its toggles asking for what is missing; the chat is told where."""
    from handlers.settings import screen
    from bot.texts import menus as menu_texts

    chat = await app.services.chats.require_moderator(caller, message.peer_id)
    text, keyboard = await screen(app, caller, chat, do)
    await app.notifier.send(message.from_id, text, keyboard=keyboard)
    await answer(app, message, menu_texts.SETTINGS_SENT_PRIVATELY)
