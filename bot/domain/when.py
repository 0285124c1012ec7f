"""Dates and times people pick or type for meetings and scheduled posts, in the school's zone,
and where a reminder goes when its moment falls into quiet hours (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import UserError

WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
DAY_NAMES = {"сегодня": 0, "завтра": 1, "послезавтра": 2}
STEP = 5 * 60  # quiet periods are found to within five minutes
MAX_SCAN = 5 * 24 * 3600  # a long weekend with its evenings
BEFORE_QUIET = 15 * 60  # a reminder moved before quiet hours goes this long before they begin
MIN_LEAD = 30 * 60  # a reminder moved to the end of quiet hours must still come this long before the start

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{2,4}))?$")


@dataclass(frozen=True)
class Moment:
    """A moment as a person is shown it: when, seen from when, in the school's zone (a use case's
    result carries it; the texts word it)."""

    at: int
    now: int
    tz: ZoneInfo

    @property
    def shown(self) -> str:
        return shown(self.at, self.now, self.tz)


def local_day(at: float, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(at, tz).date()


def day_presets(now: float, tz: ZoneInfo, count: int = 7) -> list[tuple[str, str]]:
    """(value «YYYY-MM-DD», label) for today and the next days: «Сегодня», «Завтра», «Пт 27.11»."""
    today = local_day(now, tz)
    found = []
    for offset in range(count):
        day = today + timedelta(days=offset)
        if offset == 0:
            label = "Сегодня"
        elif offset == 1:
            label = "Завтра"
        else:
            label = f"{WEEKDAYS[day.weekday()].capitalize()} {day:%d.%m}"
        found.append((day.isoformat(), label))
    return found


def parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise UserError(f"Не понял время «{text.strip()}». Напишите часы и минуты, например 18:30.")
    return time(int(match[1]), int(match[2]))


def parse_day(text: str, now: float, tz: ZoneInfo) -> date:
    word = text.strip().lower()
    today = local_day(now, tz)
    if word in DAY_NAMES:
        return today + timedelta(days=DAY_NAMES[word])
    match = _DATE.match(word)
    if not match:
        raise UserError(f"Не понял дату «{text.strip()}». Напишите «завтра» или число и месяц, например 27.11.")
    year = int(match[3]) if match[3] else today.year
    if year < 100:
        year += 2000
    try:
        day = date(year, int(match[2]), int(match[1]))
    except ValueError:
        raise UserError(f"Такой даты нет: «{text.strip()}».") from None
    if not match[3] and day < today:
        day = date(year + 1, day.month, day.day)  # «05.01» typed in December: next January
    return day


def parse_moment(text: str, now: float, tz: ZoneInfo) -> int:
    """«завтра 18:30», «27.11 9:00», «18:30» (today) → POSIX seconds; must be in the future."""
    parts = text.split()
    if len(parts) == 1:
        day, at = local_day(now, tz), parse_time(parts[0])
    elif len(parts) == 2:
        day, at = parse_day(parts[0], now, tz), parse_time(parts[1])
    else:
        raise UserError("Напишите дату и время, например «завтра 18:30» или «27.11 9:00».")
    moment = at_local(day, at, tz)
    if moment <= now:
        raise UserError("Это время уже прошло. Укажите время в будущем.")
    return moment


def parse_day_or_moment(text: str, now: float, tz: ZoneInfo) -> date | int:
    """A day («завтра», «27.11») or, with a time in it («27.11 18:30», «18:30»), the moment."""
    text = text.strip()
    if len(text.split()) == 2 or ":" in text:
        return parse_moment(text, now, tz)
    return parse_day(text, now, tz)


def parse_asked(text: str, asked: str, now: float, tz: ZoneInfo) -> date | time | int:
    """The answer to «which day?» (``asked`` "day") or «what time?» ("time"): one word is the day
    («завтра», «27.11») or the time («08:15») asked for; a date with a time («завтра 08:00») or a
    time typed for the day is the moment itself."""
    text = text.strip()
    one_word = len(text.split()) == 1
    if asked == "day" and one_word and ":" not in text:
        return parse_day(text, now, tz)
    if asked == "time" and one_word:
        return parse_time(text)
    return parse_moment(text, now, tz)


def at_local(day: date, at: time, tz: ZoneInfo) -> int:
    return int(datetime.combine(day, at, tzinfo=tz).timestamp())


def shown(at: float, now: float, tz: ZoneInfo) -> str:
    """«сегодня в 18:30», «завтра в 09:00», «пт 27.11 в 18:30» in the school's zone."""
    local = datetime.fromtimestamp(at, tz)
    days = (local.date() - local_day(now, tz)).days
    if days == 0:
        return f"сегодня в {local:%H:%M}"
    if days == 1:
        return f"завтра в {local:%H:%M}"
    return f"{WEEKDAYS[local.weekday()]} {local:%d.%m} в {local:%H:%M}"


def quiet_end(at: int, quiet: Callable[[int], bool]) -> int:
    """The first moment (to STEP) at or after ``at`` that is not quiet."""
    moment = at
    while quiet(moment) and moment - at < MAX_SCAN:
        moment += STEP
    return moment


def quiet_start(at: int, quiet: Callable[[int], bool]) -> int:
    """The start (to STEP) of the quiet period containing ``at``."""
    moment = at
    while quiet(moment - STEP) and at - moment < MAX_SCAN:
        moment -= STEP
    return moment


def place_reminder(at: int, starts_at: int, quiet: Callable[[int], bool]) -> int:
    """Where a reminder due at ``at`` goes: there when it is not quiet; otherwise at the end of
    the quiet hours when that is still ``MIN_LEAD`` before the start (a day-before reminder at
    night comes in the morning), else ``BEFORE_QUIET`` before the quiet hours begin (an
    hour-before reminder of an early meeting comes the evening before: never after the start)."""
    if not quiet(at):
        return at
    end = quiet_end(at, quiet)
    if end <= starts_at - MIN_LEAD:
        return end
    return quiet_start(at, quiet) - BEFORE_QUIET
