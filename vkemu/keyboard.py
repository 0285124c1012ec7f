"""Validation of bot keyboards (error 911 when VK would reject the keyboard)."""
from __future__ import annotations

import json
from typing import Any

from .errors import VKError

BUTTON_TYPES = {"text", "open_link", "location", "vkpay", "open_app", "callback",
                "intent_subscribe", "intent_unsubscribe", "open_photo"}
COLORS = {"primary", "secondary", "negative", "positive"}


def _bad(detail: str) -> VKError:
    return VKError(911, detail=detail)


def validate_keyboard(kb: Any) -> dict:
    if not isinstance(kb, dict) or not isinstance(kb.get("buttons"), list):
        raise _bad("buttons is required")
    inline = bool(kb.get("inline", False))
    if inline and kb.get("one_time"):
        raise _bad("one_time is not allowed for inline keyboards")
    rows = kb["buttons"]
    max_rows, max_total = (6, 10) if inline else (10, 40)
    if len(rows) > max_rows:
        raise _bad(f"too many rows (max {max_rows})")
    total = 0
    for row in rows:
        if not isinstance(row, list):
            raise _bad("each row must be an array")
        if len(row) > 5:
            raise _bad("too many buttons in a row (max 5)")
        for button in row:
            _check_button(button)
            total += 1
    if total > max_total:
        raise _bad(f"too many buttons (max {max_total})")
    return kb


def _check_button(button: Any) -> None:
    action = button.get("action") if isinstance(button, dict) else None
    if not isinstance(action, dict) or action.get("type") not in BUTTON_TYPES:
        raise _bad("button action type is invalid")
    kind = action["type"]
    if kind in ("text", "callback", "open_link", "open_app"):
        label = action.get("label")
        if not isinstance(label, str) or not label or len(label) > 40:
            raise _bad("button label is required, max 40 characters")
    if kind == "open_link" and not action.get("link"):
        raise _bad("open_link button needs link")
    payload = action.get("payload")
    if payload is not None and (not isinstance(payload, str) or len(payload) > 255):
        raise _bad("payload must be a JSON string of at most 255 characters")
    if isinstance(payload, str):
        try:
            json.loads(payload)
        except ValueError:
            raise _bad("payload must be valid JSON") from None
    color = button.get("color")
    if color is not None and (kind not in ("text", "callback") or color not in COLORS):
        raise _bad("button color is invalid")
