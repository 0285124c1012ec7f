"""/опрос and /викторина (in a chat by its staff, or privately), the dialog's buttons and typed
question, votes and answers (callback buttons under the poll), «Подвести итоги сейчас»."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.domain.capabilities import Capability
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.runtime.app import App
from bot.repo.pending import Pending
from bot.services.access import Caller
from bot.services.polls import CLOSE_KIND, Polls
from bot.services.polls_results import AlreadyHandled
from bot.texts import polls as t
from bot.vk.gateway import is_chat_peer
from handlers import polls_views as views
from handlers.confirm import confirmer, gone
from handlers.moderation import answer, cleaned
from handlers.replies import Reply, guarded, reply
from handlers.rules import CommandRule, chat_of, parse_message


class DraftTextRule(ABCRule[Message]):
    """A private message (not a command) from someone whose poll dialog waits for the question."""

    scope = ("private",)

    def __init__(self, app: App) -> None:
        self.app = app

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if is_chat_peer(event.peer_id) or event.from_id <= 0 or event.action is not None:
            return False
        text = (event.text or "").strip()
        if not text or text[:1] in ("/", "!"):
            return False
        cmd = parse_message(event, self.app.group_id, self.app.screen_name)
        if cmd is not None and cmd.spec is not None and "\n" not in text:
            return False  # a one-line command typed without «/» is the command (a poll has lines)
        draft = await Polls.of(self.app).waiting_text(event.from_id)
        return {"draft": draft} if draft is not None else False


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name
    app.commands.update({"poll", "quiz"})

    async def start(message: Message, app: App, kind: str) -> None:
        caller = await app.access.caller(message.from_id)
        polls = Polls.of(app)
        chat = await chat_of(message, app) if is_chat_peer(message.peer_id) else None
        if is_chat_peer(message.peer_id) and chat is None:
            raise UserError(t.NOT_BOUND)
        started = await polls.start(caller, chat, kind)
        private = views.step(started.step)
        if started.in_chat:
            await answer(app, message, t.continue_private(started.kind))
            await app.notifier.send(message.from_id, private.text, keyboard=private.keyboard)
        else:
            await reply(app, message, private.text, keyboard=private.keyboard)

    @bl.chat_message(CommandRule("poll", g, s))
    @guarded
    @cleaned
    async def poll_in_chat(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "poll")

    @bl.chat_message(CommandRule("quiz", g, s))
    @guarded
    @cleaned
    async def quiz_in_chat(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "quiz")

    @bl.private_message(CommandRule("poll", g, s))
    @guarded
    async def poll_private(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "poll")

    @bl.private_message(CommandRule("quiz", g, s))
    @guarded
    async def quiz_private(message: Message, app: App, cmd: Command) -> None:
        await start(message, app, "quiz")

    @bl.private_message(DraftTextRule(app))
    @guarded
    async def typed(message: Message, app: App, draft: int) -> None:
        caller = await app.access.caller(message.from_id)
        preview = views.step(await Polls.of(app).typed(caller, draft, message.text or ""))
        await reply(app, message, preview.text, keyboard=preview.keyboard)

    return bl


async def poll_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "po", ...}``: ``p``+``o`` a vote; ``d``+``s`` a step of the dialog; ``c`` close now."""
    from handlers.buttons import answer_press

    obj = event.object
    polls = Polls.of(app)
    try:
        if "p" in payload:
            voted = await polls.vote(obj.user_id, obj.peer_id, obj.conversation_message_id,
                                     int(payload["p"]), int(payload.get("o", -1)))
            await answer_press(app, event, views.vote_snack(voted))
            return
        caller = await app.access.caller(obj.user_id)
        if "c" in payload:
            asked = views.close_asked(await polls.ask_close(caller, int(payload["c"])))
            await answer_press(app, event, asked.snack or "", asked)
            return
        draft, step = int(payload.get("d", 0)), str(payload.get("s", ""))
        if step == "go":
            result = views.published(await polls.publish(caller, draft))
        else:
            result = views.step(await polls.step(caller, draft, step, payload.get("v")))
        await answer_press(app, event, "✔", result)
    except (ValueError, TypeError):
        await answer_press(app, event, t.SNACK_GONE)


@confirmer(CLOSE_KIND, capability=Capability.SCHOOL_VIEW)
async def close_confirmed(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    """«Подвести итоги» under the question asked by «Подвести итоги сейчас»."""
    if payload.get("do") != "apply":
        return Reply(t.DRAFT_GONE)
    if isinstance(await Polls.of(app).close_now(caller, action), AlreadyHandled):
        return gone()
    return Reply(t.CLOSED_ON_DEMAND, snack=t.CLOSED_ON_DEMAND)
