"""Working days in Russia, for «the first working day of the month at 10:00 local time».

Only weekends and the fixed public holidays (Labour Code art. 112) are known. The government's
yearly decree that moves days off (e.g. a Saturday worked instead of a bridge Monday) is not
modelled: pass extra dates in ``holidays`` when it matters.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# (month, day): New Year holidays and Christmas Jan 1–8, Feb 23, Mar 8, May 1, May 9, Jun 12, Nov 4.
RU_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)


def is_working_day(day: date, holidays: Collection = RU_HOLIDAYS) -> bool:
    """``holidays`` may hold (month, day) pairs that repeat yearly and exact dates."""
    return day.weekday() < 5 and (day.month, day.day) not in holidays and day not in holidays


def first_working_day(year: int, month: int, holidays: Collection = RU_HOLIDAYS) -> date:
    day = date(year, month, 1)
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def next_run_at(now_aware: datetime, tz: ZoneInfo, hour: int = 10, holidays: Collection = RU_HOLIDAYS) -> datetime:
    """The next first-working-day-of-a-month at ``hour``:00 in ``tz``, strictly after now."""
    if now_aware.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now_aware.astimezone(tz)
    year, month = local.year, local.month
    for _ in range(2):
        run = datetime.combine(first_working_day(year, month, holidays), time(hour), tzinfo=tz)
        if run > local:
            return run
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("unreachable: next month's run is always in the future")
