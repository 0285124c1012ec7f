"""Time zones as school staff write them: cities, МСК±N, UTC±N, IANA names in any case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.timezones import describe, resolve

WINTER = datetime(2026, 11, 18, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "iana"),
    [
        ("Москва", "Europe/Moscow"), ("москва", "Europe/Moscow"), ("Казань", "Europe/Moscow"),
        ("Екатеринбург", "Asia/Yekaterinburg"), ("Новосибирск", "Asia/Novosibirsk"),
        ("Владивосток", "Asia/Vladivostok"), ("Калининград", "Europe/Kaliningrad"), ("Самара", "Europe/Samara"),
        ("Омск", "Asia/Omsk"), ("Красноярск", "Asia/Krasnoyarsk"), ("Иркутск", "Asia/Irkutsk"),
        ("Якутск", "Asia/Yakutsk"), ("Магадан", "Asia/Magadan"), ("Камчатка", "Asia/Kamchatka"),
        ("Петропавловск-Камчатский", "Asia/Kamchatka"), ("петропавловск камчатский", "Asia/Kamchatka"),
        ("Санкт-Петербург", "Europe/Moscow"), ("Нижний Новгород", "Europe/Moscow"), ("Ёбург", "Asia/Yekaterinburg"),
        ("МСК", "Europe/Moscow"), ("мск+2", "Asia/Yekaterinburg"), ("МСК +7", "Asia/Vladivostok"),
        ("МСК-1", "Europe/Kaliningrad"), ("МСК−1", "Europe/Kaliningrad"), ("MSK+9", "Asia/Kamchatka"),
        ("UTC+5", "Asia/Yekaterinburg"), ("utc+3", "Europe/Moscow"), ("GMT+10", "Asia/Vladivostok"),
        ("UTC+12:00", "Asia/Kamchatka"), ("UTC-5", "Etc/GMT+5"), ("UTC", "Etc/UTC"),
        ("Europe/Moscow", "Europe/Moscow"), ("asia/yekaterinburg", "Asia/Yekaterinburg"),
        ("екб", "Asia/Yekaterinburg"), ("нск", "Asia/Novosibirsk"), ("влд", "Asia/Vladivostok"),
    ],
)
def test_resolve(written: str, iana: str) -> None:
    assert resolve(written) == iana


@pytest.mark.parametrize("written", ["", "Марс", "Mars/Olympus", "МСК+10", "UTC+15", "mo-kazan", "12", "+3"])
def test_unknown_is_none(written: str) -> None:
    assert resolve(written) is None


def test_describe_says_which_zone_and_offsets() -> None:
    assert describe("Asia/Yekaterinburg", WINTER) == "Екатеринбург (Asia/Yekaterinburg), UTC+5, МСК+2"
    assert describe("Europe/Kaliningrad", WINTER) == "Калининград (Europe/Kaliningrad), UTC+2, МСК−1"
    assert describe("Europe/Moscow", WINTER) == "Москва (Europe/Moscow), UTC+3, МСК"
    assert describe("Etc/GMT+5", WINTER) == "Etc/GMT+5, UTC−5, МСК−8"
    assert describe("Asia/Kolkata", WINTER) == "Asia/Kolkata, UTC+5:30, МСК+2:30"
