from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import RU_HOLIDAYS, first_working_day, is_working_day, next_run_at

MSK = ZoneInfo("Europe/Moscow")
VLAT = ZoneInfo("Asia/Vladivostok")


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2027, 1, date(2027, 1, 11)),  # Jan 1–8 holidays, 9–10 weekend → Monday 11th
        (2026, 1, date(2026, 1, 9)),  # Jan 9 2026 is a Friday
        (2027, 5, date(2027, 5, 3)),  # May 1 Saturday (holiday too), May 2 Sunday
        (2026, 5, date(2026, 5, 4)),  # May 1 Friday holiday, then weekend
        (2026, 8, date(2026, 8, 3)),  # month starts on Saturday
        (2025, 11, date(2025, 11, 3)),  # starts Saturday; Nov 4 holiday comes after
        (2025, 9, date(2025, 9, 1)),  # a plain Monday
        (2024, 6, date(2024, 6, 3)),  # starts Saturday
        (2030, 6, date(2030, 6, 3)),  # Saturday June 1, Sunday, Monday June 3
    ],
)
def test_first_working_day(year, month, expected):
    assert first_working_day(year, month) == expected


def test_holidays_accept_exact_dates_for_decreed_transfers():
    assert first_working_day(2025, 9, RU_HOLIDAYS | {date(2025, 9, 1)}) == date(2025, 9, 2)
    assert not is_working_day(date(2027, 3, 8))
    assert first_working_day(2027, 1, holidays=frozenset()) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        # before 10:00 on the first working day → today at 10:00
        (datetime(2027, 1, 11, 6, 0, tzinfo=timezone.utc), MSK, datetime(2027, 1, 11, 10, 0, tzinfo=MSK)),
        # after it → next month's first working day
        (datetime(2027, 1, 11, 8, 0, tzinfo=timezone.utc), MSK, datetime(2027, 2, 1, 10, 0, tzinfo=MSK)),
        # exactly 10:00 counts as done
        (datetime(2027, 1, 11, 10, 0, tzinfo=MSK), MSK, datetime(2027, 2, 1, 10, 0, tzinfo=MSK)),
        # December rolls over the year, into the January holidays
        (datetime(2026, 12, 15, 12, 0, tzinfo=MSK), MSK, datetime(2027, 1, 11, 10, 0, tzinfo=MSK)),
        # still May 31 in UTC, already Monday June 1, 06:00 in Vladivostok: the local date counts
        (datetime(2026, 5, 31, 20, 0, tzinfo=timezone.utc), VLAT, datetime(2026, 6, 1, 10, 0, tzinfo=VLAT)),
        # 00:30 UTC is 10:30 in Vladivostok: June's run is over there
        (datetime(2026, 6, 1, 0, 30, tzinfo=timezone.utc), VLAT, datetime(2026, 7, 1, 10, 0, tzinfo=VLAT)),
    ],
)
def test_next_run_at(now, tz, expected):
    run = next_run_at(now, tz)
    assert run == expected
    assert run.tzinfo == tz and run > now


def test_next_run_at_other_hour_and_naive_now():
    assert next_run_at(datetime(2027, 1, 11, 6, 0, tzinfo=MSK), MSK, hour=9) == datetime(2027, 1, 11, 9, 0, tzinfo=MSK)
    with pytest.raises(ValueError):
        next_run_at(datetime(2027, 1, 1), MSK)
