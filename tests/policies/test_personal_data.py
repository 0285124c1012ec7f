import pytest

from policies.base import Action, AuthorHistory
from policies.context import Context
from policies.personal_data import (
    check, find_personal_data, inn_ok, luhn_ok, oms_ok, passport_series_ok, snils_ok,
)
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
    ("номер 4509 123456", "passport"),
    ("серия 4510 номер 654321", "passport"),
    ("Паспорт 4608567890", "passport"),
    ("карта 4276 3801 2345 6787", "card"),
    ("2200159876543214", "card"),
    ("карта 5536913712345673", "card"),
    ("ИНН 500100732259", "inn"),
    ("мой инн: 770712345633", "inn"),
    ("500100732259", "inn"),  # twelve digits with both check digits right: a person's INN
    ("ИНН сына 3906 9876 5473", "inn"),
    ("ИНН 7707083893", "inn"),  # ten digits only next to «ИНН»
    ("полис ОМС 5001234567890127", "oms"),
    ("номер полиса: 3909 8765 4321 0982", "oms"),
    ("7700001234567895", "oms"),  # not a card's first digit
    ("Омс 7800112233445568", "oms"),
    ("СНИЛС ребёнка 12345678964", "snils"),
    ("987-654-321 83", "snils"),
    ("234567890 99", "snils"),
    ("номер паспорта 4608567890", "passport"),
    ("серия 45 09 номер 123456", "passport"),
    ("паспорт 45 09 № 123456", "passport"),
    ("Паспорт: 4509 №123456", "passport"),
    ("+375 29 123-45-67", "phone"),
    ("ivanova собака mail точка ru", "email"),
    ("пишите ivanova(at)mail.ru", "email"),
    ("petrov [at] yandex [dot] ru", "email"),
    ("olga.s at gmail dot com", "email"),
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
    # the same digits as the identifiers above with a wrong check digit
    "ИНН 500100732258",
    "500100732258",
    "ИНН 7707083894",
    "полис ОМС 5001234567890128",
    "7700001234567896",
    "карта 5536913712345674",
    "СНИЛС ребёнка 12345678965",
    "987-654-321 84",
    # right check digits, but a shape or a context that says it is something else
    "ИНН школы 7707083893",  # ten digits are an organisation's
    "Получатель МБОУ СОШ № 5, ИНН 3906123455",
    "ИНН 3906123455, КПП 390601001, БИК 042748001",
    "номер заказа 500100732259",
    "трек-номер посылки 7700001234567895",
    "лицевой счёт 4276380123456787",
    "12345678964",  # a SNILS checksum, but eleven bare digits with no word «СНИЛС»
    "7707083893",  # an INN checksum, but ten bare digits with no word «ИНН»
    "4608567890",  # a plausible passport, but no word «паспорт»
    "5001 0073 2259",  # grouped twelve digits without «ИНН»
    "Паспорт 0209 123456",  # 02 is no region's code
    "4509 123456",  # the shape of a passport, but no passport word around it
    "Вариант 3210 915802",
    "Ответы: 6141 9495 5773 4196",  # Luhn by chance
    "Код доступа 6605-2713-1206-9530",
    "1234 5678 9012 3452",  # Luhn, but no payment system starts with 1
    "стр. 112-118 120-125 130-135",  # page ranges: eighteen digits, Luhn by chance or not
    "упражнения 345 346 347 348",
    "урок 12345, кабинет 204",
    "сдаём 1 500 000 руб. на ремонт",
    "код класса 5А-2024, код 7777-8888",
    "олимпиада 2024-2025, этапы 12.10-25.11",
    "итого: 12 500 000 рублей",
    "накладная 1234 5678 9012 3456",
    "горячая линия +7 800 200-01-22",
    "look at google.com",  # English homework
    "у нас собака, а у них кот",
    "Mail.ru Group проводит олимпиаду",
]


@pytest.mark.parametrize("text, kind", FOUND)
def test_finds(text, kind):
    found = find_personal_data(text)
    assert found is not None, text
    assert found.kind == kind


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ignores_school_numbers(text):
    assert find_personal_data(text) is None


def test_identifier_checks():
    assert inn_ok("7707083893") and not inn_ok("7707083894")
    assert inn_ok("500100732259") and not inn_ok("500100732250")
    assert not inn_ok("50010073225")
    assert oms_ok("5001234567890127") and not oms_ok("5001234567890128")
    assert not oms_ok("0000000000000000")
    # the FFOMS check digit is Luhn's sum written differently
    for number in ("7700001234567895", "3909876543210982", "6600123456789016"):
        assert oms_ok(number) == luhn_ok(number)
    assert passport_series_ok("4509") and not passport_series_ok("0209")
    assert not passport_series_ok("4550")  # no form was issued in '50


@pytest.mark.parametrize("text, kind", [
    ("СНИЛС 112-233-445 95", "номер СНИЛС"),
    ("ИНН 500100732259", "ИНН"),
    ("полис ОМС 5001234567890127", "номер полиса ОМС"),
    ("карта 4276 3801 2345 6787", "номер банковской карты"),
    ("паспорт 45 09 123456", "серия и номер паспорта"),
])
def test_warning_names_the_kind_found(text, kind):
    [decision] = check(Context(message(text), AuthorHistory()), PersonalDataSettings())
    assert decision.reason == f"Персональные данные в общем чате ({kind})"
    assert f"в нём {kind}." in decision.notify_private
    assert text.split()[-1] not in decision.notify_private + decision.fragment


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
