"""/ресурсы (in a chat or privately): the chat's pinned list of links and documents — the menu
with «Добавить» and «Убрать: …», the typed entry (with a document attached), the pin edited in
place (the service)."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.runtime.app import App
from bot.services.resources import Resources
from bot.texts import resources as t
from bot.vk.gateway import is_chat_peer
from handlers.moderation import answer, cleaned
from handlers.replies import guarded, reply
from handlers.rules import CommandRule, chat_of, parse_message


class EntryTextRule(ABCRule[Message]):
    """A private message (not a command) from someone whose «Добавить» waits for the entry."""

    scope = ("private",)

    def __init__(self, app: App) -> None:
        self.app = app

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if is_chat_peer(event.peer_id) or event.from_id <= 0 or event.action is not None:
            return False
        text = (event.text or "").strip()
        if text[:1] in ("/", "!") or (not text and not event.attachments):
            return False
        cmd = parse_message(event, self.app.group_id, self.app.screen_name)
        if cmd is not None and cmd.spec is not None and "\n" not in text and "http" not in text:
            return False
        draft = await Resources.of(self.app).waiting_text(event.from_id)
        return {"draft": draft} if draft is not None else False


def labeler(app: App) -> BotLabeler:
    from handlers.posts import attachments_of

    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    app.commands.add("resources")

    @bl.chat_message(CommandRule("resources", g, s))
    @guarded
    @cleaned
    async def in_chat(message: Message, app: App, cmd: Command) -> None:
        chat = await chat_of(message, app.db)
        if chat is None:
            raise UserError(t.NOT_BOUND)
        caller = await app.access.caller(message.from_id)
        screen = await Resources.of(app).start(caller, chat)
        await app.notifier.send(message.from_id, screen.text, keyboard=screen.keyboard)
        await answer(app, message, t.IN_CHAT)

    @bl.private_message(CommandRule("resources", g, s))
    @guarded
    async def private(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        screen = await Resources.of(app).start(caller, None)
        await reply(app, message, screen.text, keyboard=screen.keyboard)

    @bl.private_message(EntryTextRule(app))
    @guarded
    async def typed(message: Message, app: App, draft: int) -> None:
        caller = await app.access.caller(message.from_id)
        attachment, unsupported = attachments_of(message)
        screen = await Resources.of(app).typed(caller, draft, message.text or "", attachment, unsupported)
        await reply(app, message, screen.text, keyboard=screen.keyboard)

    return bl


async def resource_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "rs", "do": chat|add|rm, "c": chat id, "r": entry id}``."""
    from handlers.buttons import answer_press

    caller = await app.access.caller(event.object.user_id)
    try:
        result = await Resources.of(app).press(caller, payload)
    except (ValueError, TypeError):
        await answer_press(app, event, t.DIALOG_GONE[:90])
        return
    await answer_press(app, event, t.SNACK_DONE, result)
