"""Keyboards with callback buttons (VK keyboard JSON): inline ones under a message, and the
persistent keyboard of a private dialog (the start menu).

VK refuses a keyboard it does not like with error 911; the limits are checked here first, so a
mistake fails in tests, not in front of a teacher: a label is 1..40 characters, a payload at most
255 bytes of JSON, at most 5 buttons in a row; inline keyboards take at most 6 rows and 10
buttons, persistent ones 10 rows and 40 buttons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_LABEL = 40
MAX_PAYLOAD = 255
MAX_PER_ROW = 5
INLINE_LIMITS = (6, 10)  # rows, buttons
PERSISTENT_LIMITS = (10, 40)


@dataclass(frozen=True)
class Button:
    label: str
    payload: dict[str, Any]
    color: str = "secondary"  # primary | secondary | negative | positive


def payload_json(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_PAYLOAD:
        raise ValueError("callback payload too long")
    return text


def _rows(rows: list[list[Button]], limits: tuple[int, int], kind: str) -> list[list[dict[str, Any]]]:
    rows = [row for row in rows if row]
    max_rows, max_buttons = limits
    if len(rows) > max_rows or sum(len(row) for row in rows) > max_buttons:
        raise ValueError(f"keyboard too large: {len(rows)} rows, {sum(len(r) for r in rows)} buttons")
    out = []
    for row in rows:
        if len(row) > MAX_PER_ROW:
            raise ValueError("more than 5 buttons in a row")
        out_row = []
        for button in row:
            label = button.label.strip()
            if not label:
                raise ValueError("empty button label")
            if len(label) > MAX_LABEL:
                label = label[:MAX_LABEL - 1].rstrip() + "…"
            out_row.append({
                "action": {"type": kind, "label": label, "payload": payload_json(button.payload)},
                "color": button.color,
            })
        out.append(out_row)
    return out


def inline(rows: list[list[Button]], *, callback: bool = True) -> str:
    """Buttons under a message. ``callback=False``: text buttons (a client without callback
    buttons sends the label as a message, with the payload) — see ``supports_callback``."""
    kind = "callback" if callback else "text"
    return json.dumps({"inline": True, "buttons": _rows(rows, INLINE_LIMITS, kind)}, ensure_ascii=False)


def persistent(rows: list[list[Button]], *, callback: bool = True) -> str:
    """The keyboard that stays under the input field of a private dialog (the start menu)."""
    kind = "callback" if callback else "text"
    return json.dumps({"one_time": False, "inline": False, "buttons": _rows(rows, PERSISTENT_LIMITS, kind)},
                      ensure_ascii=False)


def supports_callback(client_info: Any) -> bool:
    """Whether the person's VK client shows callback buttons (``client_info`` of their message;
    unknown: assumed, as every current client does)."""
    actions = getattr(client_info, "button_actions", None)
    if actions is None:
        return True
    return any(getattr(a, "value", a) == "callback" for a in actions)


def grid(buttons: list[Button], per_row: int) -> list[list[Button]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]
