"""/объявление (privately): the audience with buttons, the typed text (with its documents and
photos), the confirmation naming the chats, the delivery report (the service's job)."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.domain.class_list import parse_classes
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.repo.pending import Pending
from bot.runtime.app import App
from bot.services.access import Caller
from bot.services.announce import CAPABILITY, CONFIRM, TYPES, Announcements
from bot.services.announce_results import (Confirm, PickClass, PickGrades, PickScope, PickTypes, Picked, Started,
                                           TextAsked, Typed)
from bot.texts import announce as t
from bot.vk.gateway import is_chat_peer
from bot.vk.keyboards import Button, grid, inline
from handlers.confirm import confirmer
from handlers.replies import Reply, guarded, question_keyboard, reply
from handlers.rules import CommandRule, parse_message


def render(result: Started | Picked | Typed) -> Reply:
    """The dialog's screens: the text from bot/texts/announce.py, the buttons (payload ``an``)."""
    if isinstance(result, PickScope):
        buttons = [Button(t.scope_name(s)[:40], {"a": "an", "id": result.draft, "do": "org", "v": s.id})
                   for s in result.scopes[:10]]
        return Reply(t.PICK_SCOPE, keyboard=inline(grid(buttons, 1 if len(buttons) <= 6 else 2)))
    if isinstance(result, PickTypes):
        buttons = [Button(label, {"a": "an", "id": result.draft, "do": "type", "v": key})
                   for key, label in t.TYPE_LABELS.items()]
        return Reply(t.PICK_TYPES.format(scope=t.scope_name(result.scope)), keyboard=inline(grid(buttons, 2)))
    if isinstance(result, PickGrades):
        buttons = [Button(t.ALL_GRADES, {"a": "an", "id": result.draft, "do": "grade", "v": 0}, "primary")]
        buttons += [Button(t.GRADE_LABEL.format(grade=g), {"a": "an", "id": result.draft, "do": "grade", "v": g})
                    for g in result.grades[:9]]
        return Reply(t.PICK_GRADES.format(types=t.TYPE_NAMES[result.types]), keyboard=inline(grid(buttons, 4)))
    if isinstance(result, PickClass):
        buttons = [Button(t.ALL_OF_GRADE.format(grade=result.grade),
                          {"a": "an", "id": result.draft, "do": "cls", "g": result.grade}, "primary")]
        buttons += [Button(name, {"a": "an", "id": result.draft, "do": "cls", "v": name})
                    for name in result.classes[:9]]
        return Reply(t.PICK_CLASS.format(grade=result.grade), keyboard=inline(grid(buttons, 4)))
    if isinstance(result, TextAsked):
        return Reply(t.ASK_TEXT.format(audience=t.audience(result.audience)))
    return Reply(t.confirm(result), keyboard=confirm_keyboard(result) if result.count else None)


def confirm_keyboard(result: Confirm) -> str:
    """«Отправить в N бесед» and «Отменить» (the pending confirmation, payload ``pa``)."""
    return question_keyboard(result.action_id, t.send_button(result.count), "positive")


class AnnounceTextRule(ABCRule[Message]):
    """A private message (not a command) from someone whose announcement dialog waits for text."""

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
        if cmd is not None and cmd.spec is not None and "\n" not in text:
            return False  # a one-line command typed without «/» is the command
        draft = await Announcements.of(self.app).waiting_text(event.from_id)
        return {"draft": draft} if draft is not None else False


def labeler(app: App) -> BotLabeler:
    from handlers.posts import attachments_of

    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    app.commands.add("announce")

    @bl.private_message(CommandRule("announce", g, s))
    @guarded
    async def start(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        answer_ = render(await Announcements.of(app).start(caller))
        await reply(app, message, answer_.text, keyboard=answer_.keyboard)

    @bl.private_message(AnnounceTextRule(app))
    @guarded
    async def typed(message: Message, app: App, draft: int) -> None:
        caller = await app.access.caller(message.from_id)
        announcements = Announcements.of(app)
        text = message.text or ""
        if await announcements.waits_for_text(caller, draft):
            attachment, unsupported = attachments_of(message)
            result: Typed = await announcements.text_typed(caller, draft, text, attachment, unsupported)
        else:  # typed classes instead of the grade's buttons
            grades, classes = parse_classes(text)
            result = await announcements.classes_typed(caller, draft, grades, classes)
        answer_ = render(result)
        await reply(app, message, answer_.text, keyboard=answer_.keyboard)

    return bl


async def announce_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "an", "id": draft, "do": org|type|grade|cls, "v": ..., "g": grade}``."""
    from handlers.buttons import answer_press

    caller = await app.access.caller(event.object.user_id)
    announcements = Announcements.of(app)
    try:
        draft, do, value = int(payload.get("id", 0)), payload.get("do"), payload.get("v")
        if do == "org":
            result: Picked = await announcements.choose_scope(caller, draft, int(value or 0))
        elif do == "type" and isinstance(value, str) and value in TYPES:
            result = await announcements.choose_types(caller, draft, value)
        elif do == "grade":
            result = await announcements.choose_grade(caller, draft, int(value or 0))
        elif do == "cls":
            result = await announcements.choose_class(caller, draft, str(value or ""), int(payload.get("g", 0)))
        else:
            raise UserError(t.DIALOG_GONE)
    except (ValueError, TypeError):
        await answer_press(app, event, t.DIALOG_GONE[:90])
        return
    await answer_press(app, event, "✔", render(result))


@confirmer(CONFIRM, capability=CAPABILITY)
async def apply_announce(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    return Reply(t.sending((await Announcements.of(app).send(caller, action)).count))
