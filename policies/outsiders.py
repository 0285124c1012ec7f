"""Messages from people who were never admitted to a closed chat."""
from __future__ import annotations

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .settings import OutsiderSettings

POLICY = "outsiders"


def check(ctx: Context, settings: OutsiderSettings) -> list[Decision]:
    if ctx.msg.author.status != "outsider":
        return []
    # The presets switch this policy on for closed chat types only.
    return [
        Decision(Action.DELETE, POLICY, texts.OUTSIDER_REASON, severity=3, strike=False),
        Decision(Action.ALERT, POLICY, texts.OUTSIDER_REASON, severity=3, strike=False),
    ]
