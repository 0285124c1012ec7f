"""Shouting: long messages written mostly in capitals."""
from __future__ import annotations

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .settings import CapsSettings

POLICY = "caps"


def is_shouting(text: str, min_letters: int, ratio: float) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < min_letters:
        return False
    upper = sum(1 for ch in letters if ch.isupper())
    return upper / len(letters) >= ratio


def check(ctx: Context, settings: CapsSettings) -> list[Decision]:
    if not is_shouting(ctx.text, settings.min_letters, settings.ratio):
        return []
    return [Decision(
        action=Action.NOTICE,
        policy=POLICY,
        reason=texts.CAPS_REASON,
        severity=1,
        strike=False,
        notify_private=texts.CAPS_PRIVATE,
    )]
