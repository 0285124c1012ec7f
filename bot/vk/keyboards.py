"""Inline keyboards with callback buttons (VK keyboard JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_LABEL = 40
MAX_PAYLOAD = 255


@dataclass(frozen=True)
class Button:
    label: str
    payload: dict[str, Any]
    color: str = "secondary"  # primary | secondary | negative | positive


def inline(rows: list[list[Button]]) -> str:
    buttons = []
    for row in rows:
        out_row = []
        for button in row:
            payload = json.dumps(button.payload, ensure_ascii=False, separators=(",", ":"))
            if len(payload) > MAX_PAYLOAD:
                raise ValueError("callback payload too long")
            out_row.append({
                "action": {"type": "callback", "label": button.label[:MAX_LABEL], "payload": payload},
                "color": button.color,
            })
        buttons.append(out_row)
    return json.dumps({"inline": True, "buttons": buttons}, ensure_ascii=False)
