"""Confirmations of pending actions («Применить / Отменить», picks): one registry, one press handler.

A feature that asks before acting creates a ``pending_action`` row (``bot.repo.pending.create``) whose
payload carries ``"what"`` — a short Russian description of what would happen («перевод Ивановой Марии
в 5Б») — and registers what applying it means::

    @confirmer("transfer", capability=Capability.ROSTER_MANAGE)
    async def apply_transfer(app, caller, action, payload) -> Reply: ...

Cancelling is generic: the action is closed and the person is told what was cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.domain.capabilities import Capability
from bot import texts
from bot.repo.pending import Pending
from bot.runtime.app import App
from bot.services.access import Caller
from handlers.replies import Reply

Apply = Callable[[App, Caller, Pending, dict[str, Any]], Awaitable[Reply]]


@dataclass(frozen=True)
class Confirmer:
    capability: Capability  # re-checked against the action's org at the moment of the press
    apply: Apply


CONFIRMERS: dict[str, Confirmer] = {}


def confirmer(kind: str, *, capability: Capability) -> Callable[[Apply], Apply]:
    def register(func: Apply) -> Apply:
        if kind in CONFIRMERS and CONFIRMERS[kind].apply is not func:
            raise RuntimeError(f"pending kind {kind!r} registered twice")
        CONFIRMERS[kind] = Confirmer(capability, func)
        return func

    return register


def gone() -> Reply:
    """The answer to a press of a confirmation used up, expired or no longer valid."""
    return Reply(texts.PENDING_GONE, snack=texts.PENDING_GONE)


def cancelled_text(action: Pending) -> str:
    what = action.payload.get("what")
    if isinstance(what, str) and what:
        return texts.PENDING_CANCELLED.format(what=what)
    if action.kind == "import":
        return texts.IMPORT_CANCELLED
    return texts.PENDING_CANCELLED_GENERIC
