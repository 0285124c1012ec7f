"""The hot line: /вопрос (a parent), the target buttons, the typed question; «Ответить» (staff)
and the typed answer. A message starting with «/» or «!» stays a command whatever waits."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import Command
from bot.runtime.app import App
from bot.services.hotline import Hotline
from bot.services.hotline_results import AnswerAsked, Asked, PickTarget, TextAsked, Waiting
from bot.texts import hotline as t
from bot.vk.gateway import is_chat_peer
from bot.vk.keyboards import Button, inline
from handlers.replies import Reply, cancel_button, guarded, reply
from handlers.rules import CommandRule, parse_message

CANCEL_WORDS = ("отмена", "отменить", "отмени")
MAX_BUTTONS = 5  # targets, or questions with «Ответить на №…»


def _cancel(dialog: int) -> Button:
    return cancel_button(dialog, t.BUTTON_CANCEL)


def render(result: PickTarget | TextAsked | Asked | AnswerAsked | Waiting) -> Reply:
    """The hot line's answers: the text from bot/texts/hotline.py, the buttons (payload ``hl``)."""
    if isinstance(result, PickTarget):
        rows = [[Button(t.target_label(x), {"a": "hl", "d": result.dialog, "k": x.kind, "v": x.value}
                        | ({"s": x.student_id} if x.kind == "c" else {}), "primary")]
                for x in result.targets[:MAX_BUTTONS]]
        return Reply(t.PICK_TARGET, keyboard=inline([*rows, [_cancel(result.dialog)]]))
    if isinstance(result, TextAsked):
        return Reply(t.ASK_TEXT.format(target=t.target(result.addressee)),
                     keyboard=inline([[_cancel(result.dialog)]]))
    if isinstance(result, Asked):
        return Reply(t.asked(result))
    if isinstance(result, AnswerAsked):
        return Reply(t.ANSWER_PROMPT.format(id=result.question_id), keyboard=inline([[_cancel(result.dialog)]]))
    if not result.questions:
        return Reply(t.NONE_WAITING)
    buttons = [[Button(t.BUTTON_ANSWER_N.format(id=q.id), {"a": "hl", "q": q.id}, "positive")]
               for q in result.questions[:MAX_BUTTONS]]
    return Reply(t.waiting_list(result), keyboard=inline(buttons))


class HotlineTextRule(ABCRule[Message]):
    """A private text (not a command, no file) from someone whose answer or question is awaited."""

    scope = ("private",)

    def __init__(self, app: App) -> None:
        self.app = app

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if is_chat_peer(event.peer_id) or event.from_id <= 0 or event.action is not None:
            return False
        text = (event.text or "").strip()
        if not text or text[:1] in ("/", "!") or event.payload:
            return False  # a command, or a keyboard button's press (its label with a payload)
        if any(a.doc is not None for a in (event.attachments or [])):
            return False  # a file keeps its own meaning (an import, progress notes)
        cmd = parse_message(event, self.app.group_id, self.app.screen_name)
        if cmd is not None and cmd.spec is not None and not cmd.args:
            return False  # a command word alone («Начать», «помощь») stays the command
        hotline = Hotline.of(self.app)
        answering = await hotline.waiting_answer(event.from_id)
        if answering is not None:
            return {"dialog": answering, "answering": True}
        asking = await hotline.waiting_question(event.from_id)
        if asking is not None:
            return {"dialog": asking, "answering": False}
        return False


def text_labeler(app: App) -> BotLabeler:
    """The typed question or answer: loaded before the commands a free text could look like
    («Помощь нужна с…» is a question, not /помощь); «/» commands and bare command words pass."""
    bl = BotLabeler()

    @bl.private_message(HotlineTextRule(app))
    @guarded
    async def typed(message: Message, app: App, dialog: int, answering: bool) -> None:
        hotline = Hotline.of(app)
        if (message.text or "").strip().casefold().rstrip(".!") in CANCEL_WORDS:
            await reply(app, message, t.cancelled(await hotline.cancel(message.from_id, dialog)))
            return
        if answering:
            await reply(app, message, t.answered(await hotline.answer(message.from_id, dialog, message.text or "")))
        else:
            await reply(app, message, t.asked(await hotline.ask(message.from_id, dialog, message.text or "")))

    return bl


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    app.commands.update({"hotline", "hotline_open"})

    @bl.private_message(CommandRule("hotline", g, s))
    @guarded
    async def ask(message: Message, app: App, cmd: Command) -> None:
        started = render(await Hotline.of(app).start(message.from_id, cmd.args))
        await reply(app, message, started.text, keyboard=started.keyboard)

    @bl.private_message(CommandRule("hotline_open", g, s))
    @guarded
    async def waiting(message: Message, app: App, cmd: Command) -> None:
        found = render(await Hotline.of(app).waiting_for(message.from_id))
        await reply(app, message, found.text, keyboard=found.keyboard)

    return bl


async def hotline_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "hl", ...}``: ``q`` «Ответить» on question q; ``d``+``k``+``v`` a target."""
    from handlers.buttons import answer_press

    obj = event.object
    hotline = Hotline.of(app)
    try:
        if "q" in payload:
            pressed = await hotline.pressed_answer(obj.user_id, int(payload["q"]))
            if isinstance(pressed, AnswerAsked):
                await answer_press(app, event, t.SNACK_WRITE, render(pressed))
            else:
                await answer_press(app, event, t.refused(pressed))
            return
        student = payload.get("s")
        result = await hotline.pick(obj.user_id, int(payload.get("d", 0)), str(payload.get("k", "")),
                                    int(payload.get("v", 0)), int(student) if student else None)
        await answer_press(app, event, "✔", render(result))
    except (ValueError, TypeError, KeyError):
        await answer_press(app, event, t.DIALOG_GONE[:90])
