"""Answers to the user: ``Reply`` (a rendered answer: text, keyboard, snackbar), the common
confirmation keyboards, ``reply`` to a message, and the one place that maps errors to answers."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot import texts
from bot.domain.errors import UserError
from bot.vk.errors import VkBadRequest, VkError, VkNoChatRights, VkUnavailable
from bot.vk.keyboards import Button, inline

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """An answer rendered from a use case's typed result."""

    text: str
    keyboard: str | None = None
    attachment: str | None = None
    snack: str | None = None  # after a button press: the snackbar, when not the default
    files: tuple[tuple[str, bytes], ...] = ()  # documents the handler uploads and attaches


def cancel_button(action_id: int, label: str = texts.BUTTON_CANCEL, color: str = "secondary") -> Button:
    """«Отменить» of a pending action or dialog (pressed: handlers/buttons.py cancels it, once)."""
    return Button(label, {"a": "pa", "id": action_id, "do": "cancel"}, color)


def question_keyboard(action_id: int, label: str, color: str = "negative") -> str:
    """One button that does what the question says, and «Отменить»."""
    return inline([[Button(label, {"a": "pa", "id": action_id, "do": "apply"}, color), cancel_button(action_id)]])


def confirm_keyboard(action_id: int) -> str:
    """«Применить / Отменить»."""
    return inline([[
        Button(texts.BUTTON_APPLY, {"a": "pa", "id": action_id, "do": "apply"}, "positive"),
        cancel_button(action_id, color="negative"),
    ]])


def guarded(func: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Run a handler; turn UserError and VK refusals into an answer. Its writes are undone first
    (a savepoint inside the event's transaction), so a refusal never leaves half a change. Any
    other exception reaches the pipeline, which retries the event and, at last, parks it, tells
    the operators and apologises to the person."""

    @functools.wraps(func)
    async def wrapper(event: Any, *args: Any, **kwargs: Any) -> Any:
        app = kwargs.get("app")
        try:
            if app is None:
                return await func(event, *args, **kwargs)
            async with app.db.savepoint():
                return await func(event, *args, **kwargs)
        except UserError as exc:
            await _answer(app, event, exc.message)
        except VkUnavailable:
            log.warning("VK unavailable while handling %s", _ref(event))
            await _answer(app, event, texts.VK_TEMPORARY)
        except VkNoChatRights as exc:
            log.info("no chat rights (%s in %s) while handling %s", exc.code, exc.method, _ref(event))
            await _answer(app, event, texts.VK_NO_CHAT_RIGHTS)
        except VkBadRequest as exc:
            if exc.code not in (7, 15):
                ref = secrets.token_hex(3)
                log.error("VK error %s in %s while handling %s [%s]", exc.code, exc.method, _ref(event), ref)
                await _answer(app, event, texts.INTERNAL_ERROR.format(ref=ref))
            else:
                log.info("VK refused %s (%s) while handling %s", exc.method, exc.code, _ref(event))
                await _answer(app, event, texts.VK_ACCESS_DENIED)
        except VkError as exc:
            ref = secrets.token_hex(3)
            log.error("VK error %s in %s while handling %s [%s]", exc.code, exc.method, _ref(event), ref)
            await _answer(app, event, texts.INTERNAL_ERROR.format(ref=ref))
        return None

    return wrapper


def _ref(event: Any) -> str:
    return f"peer={getattr(event, 'peer_id', '?')} cmid={getattr(event, 'conversation_message_id', '?')}"


async def _answer(app: Any, event: Any, text: str) -> None:
    if app is None:
        return
    obj = getattr(event, "object", None)
    if obj is not None and getattr(obj, "event_id", None):  # a callback button: answer with a snackbar
        await app.effects.answer_button(obj.event_id, obj.user_id, obj.peer_id, text[:90])
        if len(text) > 90:
            await app.notifier.try_send(obj.peer_id, text)
        return
    peer_id = getattr(event, "peer_id", None)
    if peer_id is None:
        return
    await app.notifier.try_send(peer_id, text, reply_to_cmid=_cmid_if_chat(event))


def _cmid_if_chat(event: Any) -> int | None:
    from bot.vk.gateway import is_chat_peer

    if is_chat_peer(event.peer_id):
        return getattr(event, "conversation_message_id", None)
    return None


async def reply(app: Any, message: Any, text: str, **kwargs: Any) -> None:
    """Answer a message: in a chat as a reply to it, privately as a plain message."""
    await app.notifier.send(message.peer_id, text, reply_to_cmid=_cmid_if_chat(message), **kwargs)
