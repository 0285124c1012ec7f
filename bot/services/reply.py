"""The answer of a use case not yet typed (issue 10): Russian text with its keyboard, built in the
service. Typed use cases return results of their own that the handlers render into this; it moves
to the handler layer once no service returns it (bot.services.roster re-exports it until then)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.vk.keyboards import Button, inline


@dataclass(frozen=True)
class Reply:
    text: str
    keyboard: str | None = None
    attachment: str | None = None
    snack: str | None = None  # after a button press: the snackbar, when not the default
    files: tuple[tuple[str, bytes], ...] = ()  # documents the handler uploads and attaches


def question_keyboard(action_id: int, label: str, color: str = "negative") -> str:
    """One button that does what the question says, and «Отменить»."""
    return inline([[
        Button(label, {"a": "pa", "id": action_id, "do": "apply"}, color),
        Button(texts.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"}),
    ]])


def confirm_keyboard(action_id: int) -> str:
    """«Применить / Отменить»."""
    return inline([[
        Button(texts.BUTTON_APPLY, {"a": "pa", "id": action_id, "do": "apply"}, "positive"),
        Button(texts.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"}, "negative"),
    ]])

