"""/объявление (privately): the audience with buttons, the typed text (with its documents and
photos), the confirmation naming the chats, the delivery report (the service's job)."""

from __future__ import annotations

from typing import Any

from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import Command
from bot.repo.pending import Pending
from bot.runtime.app import App
from bot.services.access import Caller
from bot.services.announce import CAPABILITY, CONFIRM, Announcements
from bot.services.roster import Reply
from bot.vk.gateway import is_chat_peer
from handlers.confirm import confirmer
from handlers.replies import guarded, reply
from handlers.rules import CommandRule, parse_message


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
        answer_ = await Announcements.of(app).start(caller)
        await reply(app, message, answer_.text, keyboard=answer_.keyboard)

    @bl.private_message(AnnounceTextRule(app))
    @guarded
    async def typed(message: Message, app: App, draft: int) -> None:
        caller = await app.access.caller(message.from_id)
        attachment, unsupported = attachments_of(message)
        answer_ = await Announcements.of(app).typed(caller, draft, message.text or "", attachment, unsupported)
        await reply(app, message, answer_.text, keyboard=answer_.keyboard)

    return bl


async def announce_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    """Payload ``{"a": "an", "id": draft, "do": org|type|grade, "v": ...}``."""
    from handlers.buttons import answer_press

    caller = await app.access.caller(event.object.user_id)
    try:
        result = await Announcements.of(app).press(caller, payload)
    except (ValueError, TypeError):
        from bot.texts import announce as t

        await answer_press(app, event, t.DIALOG_GONE[:90])
        return
    await answer_press(app, event, "✔", result)


@confirmer(CONFIRM, capability=CAPABILITY)
async def apply_announce(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    return await Announcements.of(app).send(caller, action)
