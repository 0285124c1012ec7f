"""Escalation ladder: which sanction the next strike earns. Strikes expire after a TTL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from .base import Action


@dataclass(frozen=True)
class Step:
    action: Action
    duration: timedelta | None = None  # for mutes; None means permanent or not applicable
    alert: bool = False  # also tell the moderators


DEFAULT_LADDER: tuple[Step, ...] = (
    Step(Action.WARN),
    Step(Action.MUTE, timedelta(hours=1)),
    Step(Action.MUTE, timedelta(hours=24)),
    Step(Action.KICK, alert=True),
)


def active(strikes: Iterable[datetime], now: datetime, ttl: timedelta) -> int:
    """How many strikes are still in force at `now` (a strike older than `ttl` has expired)."""
    return sum(1 for at in strikes if now - ttl < at <= now)


def next_sanction(active_strikes: int, ladder: tuple[Step, ...] = DEFAULT_LADDER) -> Step:
    """The step for a new violation when `active_strikes` earlier strikes are still in force;
    past the top of the ladder the last step repeats."""
    if not ladder:
        raise ValueError("empty ladder")
    return ladder[min(max(active_strikes, 0), len(ladder) - 1)]
