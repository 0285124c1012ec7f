"""/успеваемость with a spreadsheet (or the file right after the command): the preview with the
confirmation, and sending (the «progress» confirmer)."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.domain.capabilities import Capability
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.domain.file_tables import MAX_FILE_BYTES
from bot.repo.pending import Pending
from bot.runtime.app import App
from bot.services.access import Caller
from bot.services.files import TooLarge, Unreadable
from bot.services.progress import EXTENSIONS, KIND, Progress
from bot.services.progress_results import Preview
from bot.texts import progress as t
from bot.texts import roster as roster_texts
from bot.vk.gateway import is_chat_peer
from bot.vk.keyboards import Button, inline
from handlers.confirm import confirmer
from handlers.replies import Reply, cancel_button, guarded, reply
from handlers.rules import CommandRule, parse_message


class AwaitedFileRule(ABCRule[Message]):
    """A private file without a command from someone who asked /успеваемость a moment ago."""

    scope = ("private", "document")

    def __init__(self, app: App) -> None:
        self.app = app

    async def check(self, event: Message) -> dict[str, Any] | bool:
        docs = [a.doc for a in (event.attachments or []) if a.doc is not None]
        if not docs or is_chat_peer(event.peer_id) or event.from_id <= 0:
            return False
        cmd = parse_message(event, self.app.group_id, self.app.screen_name)
        if cmd is not None and (cmd.spec is not None or cmd.explicit):
            return False
        if await Progress.of(self.app).waiting_file(event.from_id) is None:
            return False
        return {"doc": docs[0]}


def _extension(doc: Any) -> str:
    return (doc.ext or doc.title.rsplit(".", 1)[-1]).lower()


async def preview(app: App, message: Message, doc: Any) -> None:
    caller = await app.access.caller(message.from_id)
    progress = Progress.of(app)
    if not await progress.classes(caller):
        raise UserError(t.NO_CLASSES)
    if _extension(doc) not in EXTENSIONS:
        raise UserError(t.BAD_EXT.format(name=doc.title))
    data = await app.services.files.download(doc.url, limit=MAX_FILE_BYTES)
    if isinstance(data, TooLarge):
        raise UserError(roster_texts.file_too_big(data.limit))
    if isinstance(data, Unreadable):
        raise UserError(t.DOWNLOAD_FAILED)
    found = await progress.preview(caller, doc.title, data)
    await reply(app, message, t.preview(found), keyboard=preview_keyboard(found))


def preview_keyboard(found: Preview) -> str | None:
    """«Отправить (N родителям)» and «Отменить» under a preview that has something to send."""
    if found.action_id is None:
        return None
    return inline([[Button(t.BUTTON_SEND.format(parents=t.parents_dative(found.parents)),
                           {"a": "pa", "id": found.action_id, "do": "apply"}, "positive"),
                    cancel_button(found.action_id, t.BUTTON_CANCEL, color="negative")]])


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    app.commands.add("progress")

    @bl.private_message(CommandRule("progress", g, s))
    @guarded
    async def progress_command(message: Message, app: App, cmd: Command) -> None:
        docs = [a.doc for a in (message.attachments or []) if a.doc is not None]
        if not docs:
            caller = await app.access.caller(message.from_id)
            await Progress.of(app).wait_for_file(caller)
            await reply(app, message, t.HOW)
            return
        await preview(app, message, docs[0])

    @bl.private_message(AwaitedFileRule(app))
    @guarded
    async def awaited_file(message: Message, app: App, doc: Any) -> None:
        await preview(app, message, doc)

    return bl


@confirmer(KIND, capability=Capability.CHAT_BIND)
async def apply_progress(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    if payload.get("do") != "apply":
        return Reply(t.GONE)
    return Reply(t.applied(await Progress.of(app).apply(caller, action)))
