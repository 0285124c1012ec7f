import pytest

from policies.base import Action, AuthorHistory
from policies.context import Context
from policies.personal_data import check, find_personal_data, luhn_ok, snils_ok
from policies.settings import PersonalDataSettings

from tests.policies.builders import message

FOUND = [
    ("Мой номер +7 912 345-67-89", "phone"),
    ("звоните 8 (921) 555-12-34", "phone"),
    ("89161234567", "phone"),
    ("+79261234567", "phone"),
    ("8-903-111-22-33", "phone"),
    ("912 345 67 89", "phone"),
    ("9051234567", "phone"),
    ("+7(4012)56-78-90", "phone"),
    ("8(912)3456789", "phone"),
    ("пишите на ivanova.m@mail.ru", "email"),
    ("почта: petrov_2010@yandex.ru", "email"),
    ("СНИЛС 112-233-445 95", "snils"),
    ("112-233-445 95", "snils"),
    ("снилс 15678923423", "snils"),
    ("паспорт 45 09 123456", "passport"),
    ("4509 123456", "passport"),
    ("серия 4510 номер 654321", "passport"),
    ("Паспорт 4608567890", "passport"),
    ("карта 4276 3801 2345 6787", "card"),
    ("2200159876543214", "card"),
]

NOT_FOUND = [
    "Собрание 12.05.2024 в 18:00",
    "Домашнее задание: стр. 45, № 123-125",
    "школа № 1234, кабинет 205",
    "уроки 8:30-9:15, 9:25-10:10",
    "2023-2024 учебный год",
    "сдаём по 1 500 рублей, всего 45 000 руб.",
    "оценки: 5 5 4 5 3 5 4 4 5 5 5",
    "горячая линия 8-800-200-01-22",
    "ИНН 3906123456, КПП 390601001",
    "ОГРН 1023900000000",
    "112-233-445 96",  # SNILS shape with a wrong checksum
    "4276 3801 2345 6788",  # fails Luhn
    "Номер задачи 17.3, вариант 2",
    "Трансляция 2024-03-15 18:00:00",
    "Паспорт 4550 123456",  # no form was issued in '50
    "набор детей 2015-2017 г.р.",
    "мой телеграм @masha",
]


@pytest.mark.parametrize("text, kind", FOUND)
def test_finds(text, kind):
    found = find_personal_data(text)
    assert found is not None, text
    assert found.kind == kind


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ignores_school_numbers(text):
    assert find_personal_data(text) is None


def test_checksums():
    assert snils_ok("11223344595")
    assert not snils_ok("11223344596")
    assert not snils_ok("00100100000")  # numbers up to 001-001-998 carry no checksum
    assert luhn_ok("4276380123456787")
    assert not luhn_ok("4276380123456788")


def test_decision_hides_and_explains_privately_without_keeping_the_data():
    ctx = Context(message("мой телефон 8 912 345 67 89"), AuthorHistory())
    [decision] = check(ctx, PersonalDataSettings())
    assert decision.action is Action.DELETE
    assert decision.strike is False
    assert "номер телефона" in decision.notify_private
    assert "345" not in decision.fragment
    assert decision.fragment == decision.masked == "8*********9"
