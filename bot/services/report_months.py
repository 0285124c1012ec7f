"""Months of reports: «2026-10», «октябрь», «за октябрь», «октябрь 2026», «прошлый месяц».

A month is always a text "YYYY-MM"; its bounds are cut at local midnight in the org's zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.errors import UserError
from bot.texts import reports as t

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
DOTTED_RE = re.compile(r"^(\d{1,2})[./](\d{4})$")
YEAR_RE = re.compile(r"^\d{4}$")


def parse_month(text: str) -> str:
    """«2026-09» (also «2026-9», «09.2026») -> "2026-09"; anything else is a UserError with the right form."""
    value = text.strip()
    match = MONTH_RE.match(value)
    if match:
        year, mon = int(match[1]), int(match[2])
    else:
        dotted = DOTTED_RE.match(value)
        if not dotted:
            raise UserError(t.BAD_MONTH.format(text=value))
        year, mon = int(dotted[2]), int(dotted[1])
    if not 1 <= mon <= 12 or year < 2000:
        raise UserError(t.BAD_MONTH.format(text=value))
    return f"{year:04d}-{mon:02d}"


def month_word(word: str) -> int | None:
    """«октябрь», «октября», «октябре», «окт» -> 10."""
    w = word.casefold().replace("ё", "е").strip(".,")
    for number, stem in enumerate(t.MONTH_STEMS, start=1):
        if w.startswith(stem) and (len(w) >= 3):
            return number
    return None


def parse_period(words: list[str], now: float, tz: str) -> tuple[str | None, list[str]]:
    """The month named in ``words`` and the words left over (an org code).

    Understands «2026-10», «10.2026», «октябрь», «за октябрь», «октябрь 2026», «в октябре 2025 года»,
    «прошлый месяц», «этот месяц», «текущий месяц». A month named without a year is the latest
    such month that has begun (in October «ноябрь» is last November). None: nothing named.
    """
    rest: list[str] = []
    month: str | None = None
    i = 0
    lowered = [w.casefold().replace("ё", "е") for w in words]
    while i < len(words):
        w = lowered[i]
        if w in t.PERIOD_FILLERS:
            i += 1
            continue
        if w in t.LAST_MONTH_WORDS and i + 1 < len(words) and lowered[i + 1].startswith("месяц"):
            month = _set(month, previous_month(now, tz))
            i += 2
            continue
        if w in t.THIS_MONTH_WORDS and i + 1 < len(words) and lowered[i + 1].startswith("месяц"):
            month = _set(month, current_month(now, tz))
            i += 2
            continue
        number = month_word(w) if not any(ch.isdigit() for ch in w) else None
        if number is not None:
            year = None
            if i + 1 < len(words) and YEAR_RE.match(lowered[i + 1]):
                year = int(lowered[i + 1])
                i += 1
                if i + 1 < len(words) and lowered[i + 1].startswith("г"):
                    i += 1
            if year is None:
                current = current_month(now, tz)
                year = int(current[:4])
                if f"{year:04d}-{number:02d}" > current:
                    year -= 1
            if year < 2000:
                raise UserError(t.BAD_MONTH.format(text=words[i]))
            month = _set(month, f"{year:04d}-{number:02d}")
            i += 1
            continue
        if any(ch.isdigit() for ch in w) and re.fullmatch(r"[\d.\-/]+", w):
            month = _set(month, parse_month(w))
            i += 1
            continue
        rest.append(words[i])
        i += 1
    return month, rest


def _set(current: str | None, new: str) -> str:
    if current is not None and current != new:
        raise UserError(t.TWO_MONTHS)
    return new


def current_month(now: float, tz: str) -> str:
    local = datetime.fromtimestamp(now, ZoneInfo(tz))
    return f"{local.year:04d}-{local.month:02d}"


def previous_month(now: float, tz: str) -> str:
    local = datetime.fromtimestamp(now, ZoneInfo(tz))
    year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    return f"{year:04d}-{month:02d}"


def shift_month(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_days(month: str) -> tuple[date, date]:
    """First day of the month and first day of the next one."""
    year, mon = int(month[:4]), int(month[5:])
    return date(year, mon, 1), date(year + mon // 12, mon % 12 + 1, 1)


def month_bounds(month: str, tz: str) -> tuple[int, int]:
    """[start, end) of the month in unix seconds, cut at local midnight in ``tz``."""
    first, after = month_days(month)
    zone = ZoneInfo(tz)
    return (int(datetime(first.year, first.month, 1, tzinfo=zone).timestamp()),
            int(datetime(after.year, after.month, 1, tzinfo=zone).timestamp()))


def month_ru(month: str) -> str:
    """"2026-10" -> «октябрь 2026»."""
    return f"{t.MONTHS_RU[int(month[5:]) - 1]} {month[:4]}"


def period_ru(month: str, tz: str) -> str:
    """«октябрь 2026 (1–31 октября 2026, время Europe/Moscow)»: the exact period stated."""
    first, after = month_days(month)
    last = (after.toordinal() - first.toordinal())
    return t.PERIOD.format(month=month_ru(month), last=last, genitive=t.MONTHS_GEN[int(month[5:]) - 1],
                           year=month[:4], tz=tz)
