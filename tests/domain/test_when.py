"""Dates people pick or type, and where a reminder goes when it falls into quiet hours."""
from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain import when as dom
from bot.domain.errors import UserError

TZ = ZoneInfo("Europe/Moscow")
NOW = int(datetime(2026, 11, 18, 12, 0, tzinfo=TZ).timestamp())  # Wednesday noon


def at(day: int, hour: int, minute: int = 0) -> int:
    return int(datetime(2026, 11, day, hour, minute, tzinfo=TZ).timestamp())


def quiet_19_08(ts: int) -> bool:
    t = datetime.fromtimestamp(ts, UTC).astimezone(TZ).time()
    return t >= time(19) or t < time(8)


def test_presets_and_shown() -> None:
    presets = dom.day_presets(NOW, TZ)
    assert [label for _, label in presets[:4]] == ["Сегодня", "Завтра", "Пт 20.11", "Сб 21.11"]
    assert presets[2][0] == "2026-11-20"
    assert dom.shown(at(18, 18, 30), NOW, TZ) == "сегодня в 18:30"
    assert dom.shown(at(19, 9), NOW, TZ) == "завтра в 09:00"
    assert dom.shown(at(20, 8, 30), NOW, TZ) == "пт 20.11 в 08:30"


def test_typed_moments() -> None:
    assert dom.parse_moment("завтра 18:30", NOW, TZ) == at(19, 18, 30)
    assert dom.parse_moment("20.11 9.05", NOW, TZ) == at(20, 9, 5)
    assert dom.parse_moment("13:00", NOW, TZ) == at(18, 13)
    assert dom.parse_day("05.01", NOW, TZ).year == 2027  # already past this year: next January
    for bad, says in (("11:00", "уже прошло"), ("25:00", "Не понял время"), ("31.11 10:00", "Такой даты нет"),
                      ("в обед", "Не понял"), ("завтра в 10:00 утра", "Напишите дату и время")):
        with pytest.raises(UserError) as err:
            dom.parse_moment(bad, NOW, TZ)
        assert says in err.value.message, (bad, err.value.message)


def test_a_typed_answer_to_which_day_or_what_time() -> None:
    from datetime import date

    assert dom.parse_asked(" завтра ", "day", NOW, TZ) == date(2026, 11, 19)
    assert dom.parse_asked("завтра 08:00", "day", NOW, TZ) == at(19, 8)
    assert dom.parse_asked("18:30", "day", NOW, TZ) == at(18, 18, 30)  # a time alone: today
    assert dom.parse_asked("8.15", "time", NOW, TZ) == time(8, 15)
    assert dom.parse_asked("20.11 07:45", "time", NOW, TZ) == at(20, 7, 45)
    with pytest.raises(UserError, match="Не понял время «завтра»"):
        dom.parse_asked("завтра", "time", NOW, TZ)
    assert dom.parse_day_or_moment("27.11", NOW, TZ) == date(2026, 11, 27)
    assert dom.parse_day_or_moment("27.11 18:30", NOW, TZ) == at(27, 18, 30)
    assert dom.parse_day_or_moment("19:00", NOW, TZ) == at(18, 19)
    with pytest.raises(UserError, match="уже прошло"):
        dom.parse_day_or_moment("сегодня 09:00", NOW, TZ)


def test_a_moment_is_shown_as_seen_from_its_now() -> None:
    assert dom.Moment(at(19, 9), NOW, TZ).shown == "завтра в 09:00"


def test_reminder_outside_quiet_hours_stays() -> None:
    assert dom.place_reminder(at(19, 17, 30), at(19, 18, 30), quiet_19_08) == at(19, 17, 30)


def test_reminder_in_quiet_hours_moves_to_their_end_when_still_before_the_start() -> None:
    # a meeting at 08:30: the hour-before reminder (07:30) comes at 08:00, when quiet hours end
    assert dom.place_reminder(at(20, 7, 30), at(20, 8, 30), quiet_19_08) == at(20, 8)
    # the day-before reminder of a meeting at 20:00 (19:00 the day before is quiet): next morning 08:00
    assert dom.place_reminder(at(19, 20), at(20, 20), quiet_19_08) == at(20, 8)


def test_reminder_in_quiet_hours_goes_before_them_when_their_end_is_too_late() -> None:
    # a meeting at 08:15: the end of quiet hours (08:00) is too close to the start; 18:45 the day before
    assert dom.place_reminder(at(20, 7, 15), at(20, 8, 15), quiet_19_08) == at(19, 18, 45)
    # a meeting at 19:30 (itself in quiet hours): its hour-before reminder (18:30) is not quiet and stays;
    # one at 21:00: 20:00 is quiet, the next morning is after the start, so 18:45
    assert dom.place_reminder(at(20, 18, 30), at(20, 19, 30), quiet_19_08) == at(20, 18, 30)
    assert dom.place_reminder(at(20, 20), at(20, 21), quiet_19_08) == at(20, 18, 45)
