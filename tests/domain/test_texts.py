import pytest

from bot.texts.roster import lower_first, place, plural


@pytest.mark.parametrize(
    ("n", "form"),
    [(0, "учеников"), (1, "ученик"), (2, "ученика"), (4, "ученика"), (5, "учеников"), (11, "учеников"),
     (12, "учеников"), (14, "учеников"), (21, "ученик"), (22, "ученика"), (101, "ученик"), (111, "учеников")],
)
def test_plural(n, form):
    assert plural(n, "ученик", "ученика", "учеников") == form


@pytest.mark.parametrize(
    ("line", "sheet", "text"),
    [(7, None, "строка 7"), (7, "Ученики", "лист «Ученики», строка 7"), (None, "Ученики", "лист «Ученики»"), (None, None, "файл")],
)
def test_place(line, sheet, text):
    assert place(line, sheet) == text


def test_lower_first():
    assert lower_first("Не понял") == "не понял"
    assert lower_first("") == ""
