"""Quiet hours in the school's timezone: a one-time notice, or deletion with one notice.

A quiet period is a contiguous stretch of quiet time: a night (crossing midnight), or with
`weekends` a whole weekend joined to the evenings around it. The caller remembers whether the
notice was already given in the current period; `period_start` gives it a key for that.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .settings import QuietHoursSettings

POLICY = "quiet_hours"
_LOOKBACK_DAYS = 4  # enough to reach the start of a long weekend


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _intervals(day: date, s: QuietHoursSettings, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    def at(d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=zone)

    found = []
    end_day = day if s.start < s.end else day + timedelta(days=1)
    found.append((at(day, s.start), at(end_day, s.end)))
    if s.weekends and day.weekday() >= 5:
        found.append((at(day, time(0)), at(day + timedelta(days=1), time(0))))
    return found


def period_start(now: datetime, settings: QuietHoursSettings) -> datetime | None:
    """Start of the quiet period containing `now` (in the school's timezone), or None when it
    is not quiet time."""
    local = now.astimezone(_zone(settings.timezone))
    return next((start for start, end in _periods(local.date(), settings) if start <= local < end),
                None)


@lru_cache(maxsize=256)  # the same few days and settings for every message of a chat
def _periods(day: date, settings: QuietHoursSettings) -> tuple[tuple[datetime, datetime], ...]:
    """The quiet periods (joined spans) around a local day: from the lookback to the day after."""
    zone = _zone(settings.timezone)
    spans = sorted(
        span
        for offset in range(-_LOOKBACK_DAYS, 2)
        for span in _intervals(day + timedelta(days=offset), settings, zone)
    )
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:  # join overlapping and touching spans into periods
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def is_quiet(now: datetime, settings: QuietHoursSettings) -> bool:
    """Same answer as `period_start(...) is not None`, without building the periods."""
    local = now.astimezone(_zone(settings.timezone))
    t, start, end = local.time(), settings.start, settings.end
    if (start <= t < end) if start < end else (t >= start or t < end):
        return True
    return settings.weekends and local.weekday() >= 5


def notice_text(settings: QuietHoursSettings) -> str:
    template = texts.QUIET_NOTICE_WEEKDAYS if settings.weekends else texts.QUIET_NOTICE_DAILY
    return template.format(
        start=settings.start.strftime("%H:%M"),
        end=settings.end.strftime("%H:%M"),
        consequence=texts.QUIET_CONSEQUENCE[settings.action],
    )


def check(ctx: Context, settings: QuietHoursSettings) -> list[Decision]:
    author = ctx.msg.author
    if author.is_chat_staff or author.status == "staff":
        return []  # staff announcements are exempt
    if not is_quiet(ctx.msg.now, settings):
        return []
    decisions = []
    if settings.action == "delete":
        decisions.append(Decision(Action.DELETE, POLICY, texts.QUIET_REASON, severity=1,
                                  strike=False))
    if not ctx.quiet_notice_given:
        decisions.append(Decision(Action.NOTICE, POLICY, notice_text(settings), severity=1,
                                  strike=False))
    return decisions
