"""/собрание (in a chat by its staff, or privately), its dialog's buttons and typed answers, the
«Приду / Не смогу» presses and «Кто придёт»; the typed steps of the post dialogs go through the
same text rule (see handlers/posts.py)."""

from __future__ import annotations

import logging
from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.domain.capabilities import Capability
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.repo import meetings as meeting_repo
from bot.repo import schedule as schedule_repo
from bot.repo.pending import Pending
from bot.runtime.app import App
from bot.services.access import Caller
from bot.services import meetings_results as r
from bot.services.meetings import Meetings
from bot.texts import meetings as t
from bot.vk.gateway import is_chat_peer
from handlers import meetings_views as views
from handlers.confirm import confirmer, gone
from handlers.moderation import answer, cleaned
from handlers.replies import Reply, guarded, reply
from handlers.rules import CommandRule, chat_of

log = logging.getLogger(__name__)

TEXT_STEPS = {meeting_repo.DRAFT_KIND: ("day", "time", "topic"),
              schedule_repo.DRAFT_KIND: ("content", "due_day", "due_time", "lesson_day", "lesson_time")}


class DraftTextRule(ABCRule[Message]):
    """A private message (not a command) from someone whose meeting or post dialog waits for text."""

    scope = ("private",)

    def __init__(self, app: App) -> None:
        self.app = app

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if is_chat_peer(event.peer_id) or event.from_id <= 0 or event.action is not None:
            return False
        text = (event.text or "").strip()
        if (not text and not event.attachments) or text[:1] in ("/", "!"):
            return False
        draft = await self.app.services.pending.awaiting_text(event.from_id, TEXT_STEPS)
        if draft is None:
            return False
        return {"draft": draft.id, "draft_kind": draft.kind}


async def send_started(app: App, message: Message, in_chat: str | None, private: Reply) -> None:
    if in_chat is not None:
        await answer(app, message, in_chat)
        await app.notifier.send(message.from_id, private.text, keyboard=private.keyboard)
    else:
        await reply(app, message, private.text, keyboard=private.keyboard)


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    app.commands.add("meeting")

    async def start(message: Message, app: App) -> None:
        caller = await app.access.caller(message.from_id)
        chat = await chat_of(message, app) if is_chat_peer(message.peer_id) else None
        if is_chat_peer(message.peer_id) and chat is None:
            raise UserError(t.NOT_BOUND)
        started = await Meetings.of(app).start(caller, chat)
        await send_started(app, message, t.CONTINUE_PRIVATE if started.in_chat else None, views.step(started.step))

    @bl.chat_message(CommandRule("meeting", g, s))
    @guarded
    @cleaned
    async def meeting_in_chat(message: Message, app: App, cmd: Command) -> None:
        await start(message, app)

    @bl.private_message(CommandRule("meeting", g, s))
    @guarded
    async def meeting_private(message: Message, app: App, cmd: Command) -> None:
        await start(message, app)

    @bl.private_message(DraftTextRule(app))
    @guarded
    async def typed(message: Message, app: App, draft: int, draft_kind: str) -> None:
        caller = await app.access.caller(message.from_id)
        if draft_kind == meeting_repo.DRAFT_KIND:
            result = views.step(await Meetings.of(app).typed(caller, draft, message.text or ""))
        else:
            from handlers.posts import typed_content

            result = await typed_content(app, caller, draft, message)
        await reply(app, message, result.text, keyboard=result.keyboard)

    return bl


@confirmer("meeting_cancel", capability=Capability.CHAT_BIND)
async def apply_cancel(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    try:
        result = await Meetings.of(app).cancel_apply(caller, action.id, int(action.payload.get("meeting_id", 0)))
    except UserError as exc:
        return Reply(exc.message, snack=exc.message[:90])
    if isinstance(result, r.AlreadyHandled):
        return gone()
    if isinstance(result, r.AlreadyOver):
        return Reply(t.ALREADY_OVER)
    return Reply(t.CANCELLED.format(title=result.title))


async def meeting_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "mg", ...}``: ``m``+``c`` an answer; ``d``+``s`` a dialog step; ``r`` who is coming."""
    from handlers.buttons import answer_press

    obj = event.object
    meetings = Meetings.of(app)
    try:
        if "m" in payload:
            answered = await meetings.answer(obj.user_id, obj.peer_id, obj.conversation_message_id,
                                             int(payload["m"]), bool(int(payload.get("c", 0))))
            await answer_press(app, event, t.answer_snack(answered))
            return
        caller = await app.access.caller(obj.user_id)
        if "r" in payload:
            await answer_press(app, event, "✔", views.attendance(await meetings.who(caller, int(payload["r"]))))
            return
        if "x" in payload:
            await answer_press(app, event, "✔", views.cancel_asked(await meetings.cancel_ask(caller, int(payload["x"]))))
            return
        draft, step = int(payload.get("d", 0)), str(payload.get("s", ""))
        if step == "go":
            result = views.published(await meetings.publish(caller, draft))
        else:
            result = views.step(await meetings.step(caller, draft, step, payload.get("v")))
        await answer_press(app, event, "✔", result)
    except UserError as exc:
        await answer_press(app, event, exc.message[:90], Reply(exc.message))
    except (ValueError, TypeError):
        log.warning("meeting button with a bad payload", exc_info=True)
        await answer_press(app, event, t.SNACK_GONE)
