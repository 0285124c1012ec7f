"""Parsing of the values staff type in chat commands (`/политика`, `/тишина`) into settings."""
from __future__ import annotations

import re
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.texts import policies as texts
from .base import Mode

_WINDOW = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")
_DOMAIN = re.compile(r"^(?:[a-z0-9а-яё](?:[a-z0-9а-яё-]{0,61}[a-z0-9а-яё])?\.)+[a-zа-я]{2,}$")


def parse_mode(value: str) -> Mode:
    word = texts.MODE_WORDS.get(value.strip().lower())
    if word is None:
        raise ValueError(texts.ERR_MODE.format(value=value))
    return Mode(word)


def parse_window(value: str) -> tuple[time, time]:
    m = _WINDOW.match(value)
    if not m:
        raise ValueError(texts.ERR_WINDOW.format(value=value))
    h1, m1, h2, m2 = map(int, m.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(texts.ERR_WINDOW.format(value=value)) from None
    if start == end:
        raise ValueError(texts.ERR_WINDOW.format(value=value))
    return start, end


def parse_time(value: str) -> time:
    m = re.match(r"^\s*(\d{1,2})[:.](\d{2})\s*$", value)
    try:
        if not m:
            raise ValueError
        return time(int(m.group(1)), int(m.group(2)))
    except ValueError:
        raise ValueError(texts.ERR_WINDOW.format(value=value)) from None


def parse_int(param: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValueError(texts.ERR_INT.format(param=param, low=low, high=high, value=value))
    return number


def parse_float(param: str, value: str, low: float, high: float) -> float:
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValueError(texts.ERR_FLOAT.format(param=param, low=low, high=high, value=value))
    return number


def parse_bool(param: str, value: str) -> bool:
    word = value.strip().lower()
    if word in texts.YES_WORDS:
        return True
    if word in texts.NO_WORDS:
        return False
    raise ValueError(texts.ERR_BOOL.format(param=param, value=value))


def parse_quiet_action(value: str) -> str:
    action = texts.QUIET_ACTION_WORDS.get(value.strip().lower())
    if action is None:
        raise ValueError(texts.ERR_QUIET_ACTION.format(value=value))
    return action


def parse_timezone(value: str) -> str:
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(texts.ERR_TIMEZONE.format(value=value)) from None
    return name


def parse_domains(value: str) -> frozenset[str]:
    domains = set()
    for item in re.split(r"[,\s;]+", value.strip().lower()):
        if not item:
            continue
        item = item.removeprefix("https://").removeprefix("http://").removeprefix("www.")
        item = item.split("/", 1)[0]
        if not _DOMAIN.match(item):
            raise ValueError(texts.ERR_DOMAIN.format(value=item))
        domains.add(item)
    return frozenset(domains)
