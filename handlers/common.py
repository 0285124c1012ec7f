"""/помощь and the answer to anything the bot does not understand."""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot import texts
from bot.domain import commands
from bot.runtime.app import App
from bot.domain.commands import Command, Where
from bot.repo.chats import Chat
from bot.services.menus import Menus
from bot.vk.gateway import is_chat_peer
from bot.vk.keyboards import supports_callback
from handlers.menus import start_keyboard
from handlers.moderation import answer as answer_command
from handlers.replies import guarded, reply
from handlers.rules import AnyCommandRule, CommandRule


def help_labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.message(CommandRule("help", app.group_id, app.screen_name))
    @guarded
    async def help_command(message: Message, app: App, cmd: Command) -> None:
        # in a children's chat the help (moderation commands included) does not stay on show;
        # privately it comes with the start keyboard of the person's roles
        keyboard = None if is_chat_peer(message.peer_id) else \
            await start_keyboard(app, message.from_id, callback=supports_callback(message.client_info))
        await answer_command(app, message, await help_text(app, message.from_id, message.peer_id),
                             keyboard=keyboard)

    return bl


def fallback_labeler(app: App) -> BotLabeler:
    """Loaded last: answers commands no handler took, and plain private messages."""
    bl = BotLabeler()

    @bl.message(AnyCommandRule(app.group_id, app.screen_name))
    @guarded
    async def unknown(message: Message, app: App, cmd: Command) -> None:
        if cmd.spec is not None and cmd.spec.key in app.commands:
            # A known command in the wrong place (e.g. /создать in a chat).
            where = texts.COMMAND_ONLY_PRIVATE if cmd.spec.where is Where.PRIVATE else texts.COMMAND_ONLY_CHAT
            await answer_command(app, message, where.format(command=cmd.spec.usage.split()[0]))
            return
        if not cmd.explicit:
            has_file = any(a.doc is not None for a in (message.attachments or []))
            await reply(app, message, texts.FILE_WITHOUT_IMPORT if has_file else texts.NOT_A_COMMAND_PRIVATE)
            return
        if not cmd.word:
            await reply(app, message, texts.EMPTY_COMMAND)
            return
        guess = commands.suggest(cmd.word) if cmd.spec is None else None
        suggestion = texts.UNKNOWN_SUGGEST.format(suggestion="/" + guess) if guess else ""
        await answer_command(app, message, texts.UNKNOWN_COMMAND.format(command=cmd.word, suggestion=suggestion))

    return bl


async def help_text(app: App, vk_id: int, peer_id: int) -> str:
    caller = await app.access.caller(vk_id)

    async def is_staff(chat: Chat) -> bool:
        return await app.services.chats.is_chat_staff(caller, chat)

    found = await Menus(app.db, app.access).help_commands(caller, peer_id, app.commands, is_staff)
    header = texts.HELP_HEADER_CHAT if is_chat_peer(peer_id) else texts.HELP_HEADER_PRIVATE
    return "\n".join([header, *(f"{spec.usage} — {spec.summary}" for spec in found), "", texts.HELP_FOOTER])
