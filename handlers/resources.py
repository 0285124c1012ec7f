"""/ресурсы (in a chat or privately): the chat's pinned list of links and documents — the menu
with «Добавить» and «Убрать: …», the typed entry (with a document attached), the pin edited in
place (the service)."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.domain.resources import read_entry
from bot.runtime.app import App
from bot.services.resources import Resources
from bot.services.resources_results import Added, EntryAsked, PickChat, Removed, Screen
from bot.texts import resources as t
from bot.vk.gateway import is_chat_peer
from bot.vk.keyboards import Button, inline
from handlers.moderation import answer, cleaned
from handlers.replies import Reply, guarded, reply
from handlers.rules import CommandRule, chat_of, parse_message

MAX_BUTTONS = 8  # «Убрать: …» buttons shown (inline keyboards hold 10)


def _two_per_row(buttons: list[Button]) -> list[list[Button]]:
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


def screen_keyboard(s: Screen) -> str:
    rows = [[Button(t.BUTTON_ADD, {"a": "rs", "do": "add", "c": s.chat_id}, "positive")]]
    rows += [[Button(t.BUTTON_REMOVE.format(title=e.title)[:40], {"a": "rs", "do": "rm", "c": s.chat_id, "r": e.id},
                     "negative")] for e in s.entries[-MAX_BUTTONS:]]
    if len(rows) > 6:
        rows = rows[:1] + _two_per_row([b for row in rows[1:] for b in row])
    return inline(rows)


def render(result: Screen | PickChat | EntryAsked | Added | Removed) -> Reply:
    if isinstance(result, Screen):
        return Reply(t.screen(result), keyboard=screen_keyboard(result))
    if isinstance(result, PickChat):
        buttons = [[Button(c.title[:40] or str(c.id), {"a": "rs", "do": "chat", "c": c.id})]
                   for c in result.chats[:10]]
        if len(buttons) > 6:
            buttons = _two_per_row([b for row in buttons for b in row])
        return Reply(t.PICK_CHAT, keyboard=inline(buttons))
    if isinstance(result, EntryAsked):
        return Reply(t.ASK_ENTRY.format(title=result.chat_title))
    if isinstance(result, Added):
        return Reply(t.added(result), keyboard=screen_keyboard(result.screen))
    return Reply(t.removed(result), keyboard=screen_keyboard(result.screen))


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
        chat = await chat_of(message, app)
        if chat is None:
            raise UserError(t.NOT_BOUND)
        caller = await app.access.caller(message.from_id)
        screen = render(await Resources.of(app).start(caller, chat))
        await app.notifier.send(message.from_id, screen.text, keyboard=screen.keyboard)
        await answer(app, message, t.IN_CHAT)

    @bl.private_message(CommandRule("resources", g, s))
    @guarded
    async def private(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        screen = render(await Resources.of(app).start(caller, None))
        await reply(app, message, screen.text, keyboard=screen.keyboard)

    @bl.private_message(EntryTextRule(app))
    @guarded
    async def typed(message: Message, app: App, draft: int) -> None:
        caller = await app.access.caller(message.from_id)
        resources = Resources.of(app)
        await resources.check_draft(caller, draft)
        attachment, unsupported = attachments_of(message)
        entry = read_entry(message.text or "", attachment, unsupported)
        screen = render(await resources.add(caller, draft, entry))
        await reply(app, message, screen.text, keyboard=screen.keyboard)

    return bl


async def resource_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "rs", "do": chat|add|rm, "c": chat id, "r": entry id}``."""
    from handlers.buttons import answer_press

    caller = await app.access.caller(event.object.user_id)
    resources = Resources.of(app)
    try:
        chat_id, do = int(payload.get("c", 0)), payload.get("do")
        if do == "chat":
            result: Screen | EntryAsked | Removed = await resources.open_chat(caller, chat_id)
        elif do == "add":
            result = await resources.begin_add(caller, chat_id)
        elif do == "rm":
            result = await resources.remove(caller, chat_id, int(payload.get("r", 0)))
        else:
            await resources.open_chat(caller, chat_id)  # the chat's checks answer first, as for any press
            raise UserError(t.DIALOG_GONE)
    except (ValueError, TypeError):
        await answer_press(app, event, t.DIALOG_GONE[:90])
        return
    await answer_press(app, event, t.SNACK_DONE, render(result))
