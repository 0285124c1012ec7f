import pytest

from bot.domain.classes import ClassName, ClassNameError, looks_like_class, parse_class, promote
from bot.domain.errors import UserError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5А", "5А"),
        ("5а", "5А"),
        ("5 А", "5А"),
        ("5-А", "5А"),
        ("5 - а", "5А"),
        ("5–А", "5А"),  # en dash
        ("5A", "5А"),  # Latin A
        ("5a", "5А"),
        ("10B", "10В"),  # Latin B looks like Cyrillic В
        ("7K", "7К"),
        ("10Б", "10Б"),
        ("11 в", "11В"),
        (" 1Я ", "1Я"),
        ("«5А»", "5А"),
        ("5А класс", "5А"),
        ("05А", "5А"),
    ],
)
def test_parse_class_accepts(text, expected):
    assert str(parse_class(text)) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Не указан класс"),
        ("   ", "Не указан класс"),
        (None, "Не указан класс"),
        ("5Щ1", "Не понял класс «5Щ1»"),
        ("А5", "Не понял класс"),
        ("5", "Не понял класс"),
        ("5АБ", "Не понял класс"),
        ("пятый А", "Не понял класс"),
        ("0А", "номер класса от 1 до 11"),
        ("12А", "номер класса от 1 до 11"),
        ("5Ы", "буква «Ы» не подходит"),
        ("5Ь", "буква «Ь» не подходит"),
        ("5Й", "буква «Й» не подходит"),
        ("5Ё", "буква «Ё» не подходит"),
        ("5D", "буква «D» не подходит"),
    ],
)
def test_parse_class_rejects_with_russian_hint(text, fragment):
    with pytest.raises(ClassNameError) as info:
        parse_class(text)
    assert fragment in info.value.message
    assert "5А, 10Б" in info.value.message
    assert isinstance(info.value, ValueError) and isinstance(info.value, UserError)


def test_parse_class_max_grade_is_configurable():
    assert parse_class("12А", max_grade=12) == ClassName(12, "А")


@pytest.mark.parametrize(
    ("token", "expected"),
    [("5А", True), ("5a", True), ("12Ы", True), ("5 А", True), ("5-й", True), ("А", False),
     ("математика", False), ("55", False), ("5АБ", False), ("", False), ("123А", False)],
)
def test_looks_like_class(token, expected):
    assert looks_like_class(token) is expected


@pytest.mark.parametrize(
    ("c", "last_grade", "expected"),
    [(ClassName(1, "А"), 11, ClassName(2, "А")), (ClassName(10, "Б"), 11, ClassName(11, "Б")),
     (ClassName(11, "В"), 11, None), (ClassName(9, "А"), 9, None), (ClassName(11, "А"), 12, ClassName(12, "А"))],
)
def test_promote(c, last_grade, expected):
    assert promote(c, last_grade) == expected


def test_class_name_is_ordered_hashable_and_validated():
    assert sorted([ClassName(10, "А"), ClassName(5, "Б"), ClassName(5, "А")]) == [
        ClassName(5, "А"), ClassName(5, "Б"), ClassName(10, "А")]
    assert len({ClassName(5, "А"), parse_class("5a")}) == 1
    for grade, letter in [(0, "А"), (5, "A"), (5, "Ы")]:  # Latin A
        with pytest.raises(ValueError):
            ClassName(grade, letter)
