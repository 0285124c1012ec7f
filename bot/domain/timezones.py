"""Reading a time zone the way school staff write it: a city («Казань», «Петропавловск-Камчатский»),
an offset from Moscow («МСК+2») or from UTC («UTC+5», «GMT+3»), a short form («екб», «нск»),
or an IANA name in any letter case («asia/yekaterinburg»). Pure: the result is an IANA name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# The Russian zones, by offset from Moscow, with the city that names each in Russian.
BY_MSK_OFFSET: dict[int, str] = {
    -1: "Europe/Kaliningrad", 0: "Europe/Moscow", 1: "Europe/Samara", 2: "Asia/Yekaterinburg",
    3: "Asia/Omsk", 4: "Asia/Krasnoyarsk", 5: "Asia/Irkutsk", 6: "Asia/Yakutsk",
    7: "Asia/Vladivostok", 8: "Asia/Magadan", 9: "Asia/Kamchatka",
}
MOSCOW_UTC = 3

# City (and region) words, folded: lower case, «ё» → «е», spaces and dashes → «-».
CITIES: dict[str, str] = {
    # МСК−1
    "калининград": "Europe/Kaliningrad", "клд": "Europe/Kaliningrad",
    # МСК
    "москва": "Europe/Moscow", "мск": "Europe/Moscow", "санкт-петербург": "Europe/Moscow",
    "спб": "Europe/Moscow", "питер": "Europe/Moscow", "казань": "Europe/Moscow",
    "нижний-новгород": "Europe/Moscow", "нн": "Europe/Moscow", "воронеж": "Europe/Moscow",
    "ростов-на-дону": "Europe/Moscow", "ростов": "Europe/Moscow", "краснодар": "Europe/Moscow",
    "сочи": "Europe/Moscow", "ярославль": "Europe/Moscow", "тула": "Europe/Moscow",
    "архангельск": "Europe/Moscow", "мурманск": "Europe/Moscow", "петрозаводск": "Europe/Moscow",
    "сыктывкар": "Europe/Moscow", "киров": "Europe/Kirov", "пенза": "Europe/Moscow",
    "чебоксары": "Europe/Moscow", "йошкар-ола": "Europe/Moscow", "махачкала": "Europe/Moscow",
    "грозный": "Europe/Moscow", "ставрополь": "Europe/Moscow", "белгород": "Europe/Moscow",
    "симферополь": "Europe/Simferopol", "севастополь": "Europe/Simferopol", "крым": "Europe/Simferopol",
    "волгоград": "Europe/Volgograd",
    # МСК+1
    "самара": "Europe/Samara", "смр": "Europe/Samara", "тольятти": "Europe/Samara",
    "ижевск": "Europe/Samara", "ульяновск": "Europe/Ulyanovsk", "саратов": "Europe/Saratov",
    "астрахань": "Europe/Astrakhan",
    # МСК+2
    "екатеринбург": "Asia/Yekaterinburg", "екб": "Asia/Yekaterinburg", "ебург": "Asia/Yekaterinburg",
    "челябинск": "Asia/Yekaterinburg", "пермь": "Asia/Yekaterinburg", "уфа": "Asia/Yekaterinburg",
    "тюмень": "Asia/Yekaterinburg", "оренбург": "Asia/Yekaterinburg", "курган": "Asia/Yekaterinburg",
    "сургут": "Asia/Yekaterinburg", "ханты-мансийск": "Asia/Yekaterinburg",
    # МСК+3
    "омск": "Asia/Omsk",
    # МСК+4
    "новосибирск": "Asia/Novosibirsk", "нск": "Asia/Novosibirsk", "томск": "Asia/Tomsk",
    "барнаул": "Asia/Barnaul", "кемерово": "Asia/Novokuznetsk", "новокузнецк": "Asia/Novokuznetsk",
    "красноярск": "Asia/Krasnoyarsk", "крск": "Asia/Krasnoyarsk", "абакан": "Asia/Krasnoyarsk",
    "кызыл": "Asia/Krasnoyarsk", "горно-алтайск": "Asia/Barnaul",
    # МСК+5
    "иркутск": "Asia/Irkutsk", "улан-удэ": "Asia/Irkutsk", "братск": "Asia/Irkutsk",
    # МСК+6
    "якутск": "Asia/Yakutsk", "чита": "Asia/Chita", "благовещенск": "Asia/Yakutsk",
    # МСК+7
    "владивосток": "Asia/Vladivostok", "влд": "Asia/Vladivostok", "хабаровск": "Asia/Vladivostok",
    "биробиджан": "Asia/Vladivostok", "находка": "Asia/Vladivostok",
    # МСК+8
    "магадан": "Asia/Magadan", "южно-сахалинск": "Asia/Sakhalin", "сахалин": "Asia/Sakhalin",
    "среднеколымск": "Asia/Srednekolymsk",
    # МСК+9
    "камчатка": "Asia/Kamchatka", "петропавловск-камчатский": "Asia/Kamchatka",
    "анадырь": "Asia/Anadyr", "чукотка": "Asia/Anadyr",
}

# How each zone is named back to people.
ZONE_NAMES_RU: dict[str, str] = {
    "Europe/Kaliningrad": "Калининград", "Europe/Moscow": "Москва", "Europe/Simferopol": "Симферополь",
    "Europe/Kirov": "Киров", "Europe/Volgograd": "Волгоград", "Europe/Samara": "Самара",
    "Europe/Ulyanovsk": "Ульяновск", "Europe/Saratov": "Саратов", "Europe/Astrakhan": "Астрахань",
    "Asia/Yekaterinburg": "Екатеринбург", "Asia/Omsk": "Омск", "Asia/Novosibirsk": "Новосибирск",
    "Asia/Tomsk": "Томск", "Asia/Barnaul": "Барнаул", "Asia/Novokuznetsk": "Кемерово",
    "Asia/Krasnoyarsk": "Красноярск", "Asia/Irkutsk": "Иркутск", "Asia/Chita": "Чита",
    "Asia/Yakutsk": "Якутск", "Asia/Vladivostok": "Владивосток", "Asia/Magadan": "Магадан",
    "Asia/Sakhalin": "Южно-Сахалинск", "Asia/Srednekolymsk": "Среднеколымск",
    "Asia/Kamchatka": "Петропавловск-Камчатский", "Asia/Anadyr": "Анадырь",
}

_OFFSET = re.compile(r"^(мск|msk|utc|gmt)(?:([+-])(\d{1,2})(?::?00)?)?$")


@dataclass(frozen=True)
class Zone:
    name: str  # IANA
    offset_hours: float  # from UTC, now

    @property
    def msk(self) -> float:
        return self.offset_hours - MOSCOW_UTC


_MINUSES = str.maketrans(dict.fromkeys("−‐‑‒–—", "-"))


def _fold(raw: str) -> str:
    text = raw.strip().casefold().replace("ё", "е")
    text = re.sub(r"[\s_]+", "-", text.translate(_MINUSES))
    return text.strip("-.,")


@lru_cache(maxsize=1)
def _iana_folded() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def _from_offset(raw: str) -> str | None:
    word = re.sub(r"\s+", "", raw.casefold()).translate(_MINUSES)
    match = _OFFSET.match(word)
    if match is None:
        return None
    base, sign, hours = match.groups()
    value = int(hours or 0) * (-1 if sign == "-" else 1)
    if base in ("мск", "msk"):
        return BY_MSK_OFFSET.get(value)
    if value - MOSCOW_UTC in BY_MSK_OFFSET:  # a Russian zone rather than a bare offset
        return BY_MSK_OFFSET[value - MOSCOW_UTC]
    if -12 <= value <= 14:  # Etc names have the sign inverted: UTC+5 is Etc/GMT-5
        return "Etc/UTC" if value == 0 else f"Etc/GMT{-value:+d}"
    return None


def resolve(raw: str) -> str | None:
    """The IANA name for what was written, or None when it is not a zone we can tell."""
    word = _fold(raw)
    if not word:
        return None
    if word in CITIES:
        return CITIES[word]
    by_offset = _from_offset(raw)
    if by_offset is not None:
        return by_offset
    iana = _iana_folded().get(raw.strip().casefold())
    if iana is None:
        return None
    try:
        ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return iana


def zone(name: str, at: datetime | None = None) -> Zone:
    moment = at or datetime.now(UTC)
    offset = moment.astimezone(ZoneInfo(name)).utcoffset()
    return Zone(name, offset.total_seconds() / 3600 if offset is not None else 0.0)


def _hours(value: float) -> str:
    minutes = round(abs(value) * 60)
    text = f"{minutes // 60}" if minutes % 60 == 0 else f"{minutes // 60}:{minutes % 60:02d}"
    return ("+" if value >= 0 else "−") + text


def describe(name: str, at: datetime | None = None) -> str:
    """«Екатеринбург (Asia/Yekaterinburg), UTC+5, МСК+2» — which zone was chosen, in words."""
    found = zone(name, at)
    city = ZONE_NAMES_RU.get(name)
    head = f"{city} ({name})" if city else name
    utc = "UTC" if found.offset_hours == 0 else f"UTC{_hours(found.offset_hours)}"
    msk = "МСК" if found.msk == 0 else f"МСК{_hours(found.msk)}"
    return f"{head}, {utc}, {msk}"
