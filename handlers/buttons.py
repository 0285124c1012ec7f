"""Callback buttons (message_event): confirmations and picks of pending actions."""

from __future__ import annotations

import logging
from typing import Any

from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, MessageEvent

from bot import texts
from bot.runtime.app import App
from handlers.confirm import CONFIRMERS, cancelled_text
from handlers.replies import Reply, guarded

log = logging.getLogger(__name__)


async def answer_press(app: App, event: MessageEvent, snackbar: str, reply_: Reply | None = None) -> None:
    obj = event.object
    await app.effects.answer_button(obj.event_id, obj.user_id, obj.peer_id, snackbar)
    if reply_ is not None:
        await app.notifier.send(obj.peer_id, reply_.text, keyboard=reply_.keyboard, attachment=reply_.attachment)


def labeler(app: App) -> BotLabeler:
    from handlers.announce import announce_press
    from handlers.console import alert_press
    from handlers.hotline import hotline_press
    from handlers.menus import menu_press
    from handlers.meetings import meeting_press
    from handlers.polls import poll_press
    from handlers.posts import post_press
    from handlers.resources import resource_press
    from handlers.settings import settings_press

    bl = BotLabeler()
    # payload "a" -> handler: alerts, the start menu and its dialogs, chat settings, polls;
    # "pa" (pending confirmations) is handled below
    routes = {"al": alert_press, "m": menu_press, "s": settings_press, "po": poll_press,
              "mg": meeting_press, "ps": post_press, "hl": hotline_press,
              "an": announce_press, "rs": resource_press}

    @bl.raw_event(GroupEventType.MESSAGE_EVENT, dataclass=MessageEvent)
    @guarded
    async def pressed(event: MessageEvent, app: App) -> None:
        payload: dict[str, Any] = event.object.payload or {}
        kind = payload.get("a")
        if event.object.peer_id > 2_000_000_000:
            from handlers.chat_events import count

            await count(app, event.object.peer_id, event.object.user_id, "action", app.now())
        handler = routes.get(kind) if isinstance(kind, str) else None
        if kind == "pa":
            await pending_press(app, event, payload)
        elif handler is not None:
            await handler(app, event, payload)
        else:
            await answer_press(app, event, texts.PENDING_GONE)

    return bl


async def pending_press(app: App, event: MessageEvent, payload: dict[str, Any]) -> None:
    obj = event.object
    action = await app.services.pending.get(int(payload.get("id", 0)))
    if action is None or action.status != "open" or action.expires_at < app.now():
        await answer_press(app, event, texts.PENDING_GONE)
        return
    if action.vk_id != obj.user_id:
        await answer_press(app, event, texts.PENDING_NOT_YOURS)
        return
    caller = await app.access.caller(obj.user_id)
    do = payload.get("do")
    if do == "cancel":
        if await app.services.pending.cancel(action.id):
            text = cancelled_text(action)
            await answer_press(app, event, text, Reply(text))
        else:
            await answer_press(app, event, texts.PENDING_GONE)
        return
    entry = CONFIRMERS.get(action.kind)
    if entry is None:
        await answer_press(app, event, texts.PENDING_GONE)
        return
    # re-check the caller's rights at confirmation time: roles may have been revoked meanwhile
    if action.org_id is not None and not await app.access.allowed(caller, entry.capability, action.org_id):
        await answer_press(app, event, texts.NOT_ALLOWED.format(what=texts.WHAT_THIS_ACTION, hint=""))
        return
    result = await entry.apply(app, caller, action, payload)
    if result.snack is not None:  # e.g. ``handlers.confirm.gone()``: the action is used up
        snack = result.snack
    elif result.keyboard is not None:  # e.g. the roster changed since the preview: confirm again
        snack = texts.PENDING_RECHECK_SNACK
    else:
        snack = texts.PENDING_DONE_SNACK
    await answer_press(app, event, snack, result)
