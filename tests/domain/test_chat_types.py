from __future__ import annotations

import pytest

from bot.domain.chat_types import PRESETS, ChatRequestError, parse_chat_request
from bot.domain.classes import ClassName


@pytest.mark.parametrize(
    ("args", "type_", "cls", "subject", "name"),
    [
        ("родители 5А", "parents_class", ClassName(5, "А"), None, None),
        ("родители 5 а", "parents_class", ClassName(5, "А"), None, None),
        ("Родители 5A", "parents_class", ClassName(5, "А"), None, None),
        ("родители", "parents_school", None, None, None),
        ("ученики 10б", "students_class", ClassName(10, "Б"), None, None),
        ("предмет математика 7В", "subject", ClassName(7, "В"), "математика", None),
        ("предмет русский язык 7В", "subject", ClassName(7, "В"), "русский язык", None),
        ("администрация", "admin_closed", None, None, None),
        ("коллектив", "admin_open", None, None, None),
        ("надомное", "homeschool", None, None, None),
        ("надомное 3А", "homeschool", ClassName(3, "А"), None, None),
        ("мо учителей истории", "methodical", None, None, "учителей истории"),
        ("советник Движение первых", "advisor", None, None, "Движение первых"),
    ],
)
def test_parse_chat_request(args, type_, cls, subject, name) -> None:
    request = parse_chat_request(args)
    assert (request.preset.type, request.cls, request.subject, request.name) == (type_, cls, subject, name)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        ("", "Типы:"),
        ("друзья 5А", "Не знаю типа"),
        ("ученики", "укажите класс"),
        ("предмет 5А", "предмет и класс"),
        ("мо", "название"),
        ("ученики 5Щ1", "5А"),
        ("администрация 5А", "класс не нужен"),
    ],
)
def test_bad_requests_say_what_is_wrong(args, hint) -> None:
    with pytest.raises(ChatRequestError) as info:
        parse_chat_request(args)
    assert hint in info.value.message


def test_every_preset_is_complete() -> None:
    from policies.settings import default_settings

    assert set(PRESETS) == {"parents_school", "parents_class", "students_class", "subject", "admin_closed",
                            "admin_open", "homeschool", "methodical", "advisor"}
    for preset in PRESETS.values():
        rules = preset.rules_text()
        assert "персональные данные" in rules and preset.purpose in rules
        assert default_settings(preset.moderation) is not None
        assert preset.title_for(cls=ClassName(5, "А"), subject="физика", name="x", school="Школа").strip()
    assert PRESETS["methodical"].guests and PRESETS["advisor"].guests
    assert not PRESETS["students_class"].guests
    assert PRESETS["students_class"].on_unknown == "remove" and PRESETS["parents_class"].on_unknown == "quarantine"
