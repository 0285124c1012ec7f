"""Shouting: long messages written mostly in capitals."""
from __future__ import annotations

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .settings import CapsSettings

POLICY = "caps"


def is_shouting(text: str, min_letters: int, ratio: float) -> bool:
    if text.islower() and ratio > 0 and min_letters >= 1:
        return False  # most messages: no capital at all (islower: no str.isupper character)
    if ratio > 0.5 and min_letters >= 2 and text[1:].islower():
        return False  # a capital first only («Завтра физра?»): one of two letters at most
    upper = sum(map(str.isupper, text))  # map: the loop runs in C, on every message
    if ratio > 0.5 and 2 * upper <= min_letters:
        # A few capitals («скиньте, Ралошеку»): upper / letters >= ratio > 0.5 (a quotient that
        # rounds above 0.5 is above it) needs 2 * upper > letters >= min_letters.
        return False
    letters = sum(map(str.isalpha, text))
    if letters < min_letters:
        return False
    return upper / letters >= ratio


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
