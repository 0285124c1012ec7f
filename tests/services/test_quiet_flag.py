"""The quiet period's flag (its notice is given once per period) is kept per chat for the
minute it was computed in: it changes when the minute, the period or the settings change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

from bot.services.moderation import Moderation
from policies import default_settings


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def utcnow(self) -> datetime:
        return self.at

    def now(self) -> float:
        return self.at.timestamp()


def _moderation(clock: Clock) -> Moderation:
    mod = object.__new__(Moderation)  # only the clock and the memo are used here
    mod.clock = clock  # type: ignore[assignment]
    mod._quiet_flags = {}
    return mod


def test_the_flag_follows_the_minute_the_period_and_the_settings() -> None:
    settings = default_settings("students_class")
    quiet = settings.policies["quiet_hours"]
    assert quiet.timezone == "Europe/Moscow" and quiet.start == time(22, 0)
    chat = SimpleNamespace(id=7)
    # 21:59:30 Moscow = 18:59:30 UTC: not yet quiet
    clock = Clock(datetime(2026, 11, 30, 18, 59, 30, tzinfo=UTC))
    mod = _moderation(clock)
    assert mod._quiet_flag(chat, settings) is None  # type: ignore[arg-type]
    clock.at += timedelta(seconds=20)  # the same minute: the memo
    assert mod._quiet_flag(chat, settings) is None  # type: ignore[arg-type]
    clock.at += timedelta(seconds=20)  # 22:00:10: the period began
    flag = mod._quiet_flag(chat, settings)  # type: ignore[arg-type]
    assert flag is not None and flag.endswith(f":{int(datetime(2026, 11, 30, 19, 0, tzinfo=UTC).timestamp())}")
    # other settings in the same minute (quiet from 23:00): computed afresh, not the memo
    later = replace(settings, policies={**settings.policies, "quiet_hours": replace(quiet, start=time(23, 0))})
    assert mod._quiet_flag(chat, later) is None  # type: ignore[arg-type]
    assert mod._quiet_flag(SimpleNamespace(id=8), settings) == flag.replace(":7:", ":8:")  # type: ignore[arg-type]
