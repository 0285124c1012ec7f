"""Roster column headers and their synonyms; what kind of people a sheet or a row holds."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.domain.roster_types import MODES, PARENT, STAFF_MEMBER, STUDENT, HOMESCHOOL, LONG_ABSENT, REGULAR


class Col(StrEnum):
    FIO = "fio"
    LAST = "last"
    FIRST = "first"
    MIDDLE = "middle"
    CLASS = "class"
    GRADE = "grade"
    LETTER = "letter"
    MODE = "mode"
    CHILD = "child"
    CHILD_CLASS = "child_class"
    POSITION = "position"
    ROLES = "roles"
    TYPE = "type"


NAME_COLUMNS = frozenset({Col.FIO, Col.LAST, Col.FIRST, Col.MIDDLE})

_SYNONYMS: dict[Col, tuple[str, ...]] = {
    Col.FIO: (
        "фио", "фамилия имя отчество", "фамилия имя", "полное имя", "фио полностью", "full name",
        "fullname", "name", "fio", "фио ученика", "фио учащегося", "фио обучающегося",
        "фио родителя", "фио законного представителя", "фио родителя законного представителя",
        "фио сотрудника", "фио педагога", "фио учителя",
    ),
    Col.LAST: ("фамилия", "last name", "lastname", "surname"),
    Col.FIRST: ("имя", "first name", "firstname"),
    Col.MIDDLE: ("отчество", "middle name", "patronymic"),
    Col.CLASS: ("класс", "class", "класс ученика", "класс учащегося", "класс обучающегося"),
    Col.GRADE: ("параллель", "номер класса"),
    Col.LETTER: ("буква", "литера", "литер", "буква класса"),
    Col.MODE: ("режим", "форма обучения", "режим обучения", "форма", "mode"),
    Col.CHILD: (
        "ребенок", "фио ребенка", "ребенок фио", "дети", "фио детей", "child", "child name",
        "фио ребенка ученика", "ребенок ученик",
    ),
    Col.CHILD_CLASS: ("класс ребенка", "child class"),
    Col.POSITION: ("должность", "position"),
    Col.ROLES: ("роли", "роль", "roles", "role", "роли в чатах"),
    Col.TYPE: ("тип", "type", "кто", "категория", "тип записи"),
}
_HEADER_TO_COL = {text: col for col, texts_ in _SYNONYMS.items() for text in texts_}

_KIND_WORDS = {
    STUDENT: (
        "ученик", "ученица", "ученики", "учащийся", "учащиеся", "обучающийся", "обучающаяся",
        "обучающиеся", "student", "students",
    ),
    PARENT: (
        "родитель", "родители", "мать", "отец", "мама", "папа", "законный представитель",
        "законные представители", "опекун", "parent", "parents",
    ),
    STAFF_MEMBER: (
        "сотрудник", "сотрудники", "сотрудница", "педагог", "педагоги", "учитель", "учителя",
        "персонал", "работник", "работники", "staff", "teacher", "teachers",
    ),
}
_WORD_TO_KIND = {word: kind for kind, words in _KIND_WORDS.items() for word in words}

_MODE_WORDS = {
    REGULAR: (
        "", "очное", "очная", "очно", "очное обучение", "очная форма", "обычный", "обычное",
        "обычная", "обычно", "в школе", "regular",
    ),
    HOMESCHOOL: (
        "надомное", "надомное обучение", "надомная", "надомно", "на дому", "обучение на дому",
        "homeschool", "home",
    ),
    LONG_ABSENT: (
        "длительно отсутствует", "долго отсутствует", "длительное отсутствие", "отсутствует",
        "длительно отсутствующий", "long absent", "long_absent",
    ),
}
_WORD_TO_MODE = {word: mode for mode, words in _MODE_WORDS.items() for word in words}
assert set(_MODE_WORDS) == set(MODES)


def _key(text: str) -> str:
    text = text.casefold().replace("ё", "е")
    text = re.sub(r"[.*:]", "", text)
    text = re.sub(r"[^\w]+|_", " ", text)
    return " ".join(text.split())


def map_header(cells: tuple[str, ...]) -> dict[Col, int]:
    """Known columns of a header row → their index (the first one wins if repeated)."""
    found: dict[Col, int] = {}
    for index, cell in enumerate(cells):
        col = _HEADER_TO_COL.get(_key(cell))
        if col is not None and col not in found:
            found[col] = index
    return found


def kind_from_columns(cols: dict[Col, int]) -> str | None:
    """The kind a single-kind file holds, told by its columns; None if they do not say."""
    if Col.CHILD in cols:
        return PARENT
    if Col.ROLES in cols or Col.POSITION in cols:
        return STAFF_MEMBER
    if Col.CLASS in cols or Col.GRADE in cols:
        return STUDENT
    return None


def kind_from_word(text: str) -> str | None:
    """«ученик», «Родитель», «staff», a sheet named «Ученики 5-11»... → kind, or None."""
    key = _key(text)
    if key in _WORD_TO_KIND:
        return _WORD_TO_KIND[key]
    first = key.split(" ", 1)[0] if key else ""
    return _WORD_TO_KIND.get(first)


def mode_from_text(text: str) -> str | None:
    return _WORD_TO_MODE.get(_key(text))
