"""Pressing the bot's callback buttons as a person would (e2e helpers)."""

from __future__ import annotations

import json
from typing import Any

from vkemu import Emulator


def labels(message: Any) -> list[str]:
    return [b["action"]["label"] for row in (message.keyboard or {}).get("buttons", []) for b in row]


def button(message: Any, label: str) -> dict[str, Any]:
    for row in (message.keyboard or {}).get("buttons", []):
        for b in row:
            if b["action"]["label"] == label:
                return b
    raise AssertionError(f"no button «{label}» under: {message.text!r} (buttons: {labels(message)})")


async def press(emu: Emulator, user: int, message: Any, label: str, *, contains: str | None = None,
                timeout: float = 10.0) -> Any:
    """Press the button labelled ``label`` under the bot's private ``message``; returns the next
    message the bot sends the person (containing ``contains`` when given)."""
    payload = json.loads(button(message, label)["action"]["payload"])
    mark = len(emu.sent(user))
    emu.press_button(user, user, message.cmid, payload)
    return await emu.wait_sent(user, contains=contains, since=mark, timeout=timeout)


async def say(emu: Emulator, user: int, text: str, *, attachments: list | None = None, timeout: float = 10.0) -> Any:
    """A user writes to the bot privately; returns the bot's next message to them."""
    mark = len(emu.sent(user))
    emu.user_message(user, user, text, attachments=attachments)
    return await emu.wait_sent(user, since=mark, timeout=timeout)


async def pending_of(harness: Any, reply: Any) -> Any:
    """The pending action a typed question names (``action_id``), or the one behind a service
    Reply's first button (for tests calling services)."""
    from bot.repo import pending as pending_repo

    if hasattr(reply, "action_id"):
        return await pending_repo.get(harness.db, reply.action_id)
    payload = json.loads(json.loads(reply.keyboard)["buttons"][0][0]["action"]["payload"])
    return await pending_repo.get(harness.db, payload["id"])
