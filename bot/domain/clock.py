"""Injectable time: services take a Clock so tests control 'now'."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def now(self) -> float:
        return time.time()

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)


class FixedClock(Clock):
    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += seconds


class ShiftedClock(Clock):
    """Real time moved so that it starts at ``start``: time flows, the hour is known (tests)."""

    def __init__(self, start: float) -> None:
        self.offset = start - time.time()

    def now(self) -> float:
        return time.time() + self.offset
