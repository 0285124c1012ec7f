from datetime import time

import pytest

from policies.base import Mode
from policies.settings import (
    CHAT_TYPES, POLICY_NAMES, apply_overrides, default_settings,
)

STRICT = ["students_class", "subject", "homeschool"]
PARENTS = ["parents_school", "parents_class"]
STAFF = ["admin_closed", "admin_open", "methodical"]


TITLES = {"мат", "персданные", "ссылки", "флуд", "повторы", "капс", "стикеры", "тишина", "чужие", "травля"}


def test_policy_names_cover_every_policy():
    assert {name: pid for name, pid in POLICY_NAMES.items() if name in TITLES} == {
        "мат": "obscene", "персданные": "personal_data", "ссылки": "links", "флуд": "flood",
        "повторы": "repeats", "капс": "caps", "стикеры": "stickers", "тишина": "quiet_hours",
        "чужие": "outsiders", "травля": "wellbeing",
    }
    assert POLICY_NAMES["персональные данные"] == "personal_data"  # longer spellings people type
    for chat_type in CHAT_TYPES:
        assert set(default_settings(chat_type).policies) == set(POLICY_NAMES.values())


@pytest.mark.parametrize("chat_type", STRICT)
def test_children_chats_are_strict(chat_type):
    s = default_settings(chat_type)
    assert s.policies["obscene"].max_tier == 3
    assert s.policies["links"].block_unknown is True
    assert s.policies["wellbeing"].mode is Mode.ON
    assert s.policies["outsiders"].mode is Mode.ON
    assert s.policies["quiet_hours"].mode is Mode.ON
    assert (s.policies["quiet_hours"].start, s.policies["quiet_hours"].end) == (time(22), time(7))


@pytest.mark.parametrize("chat_type", PARENTS)
def test_parent_chats_are_civil_and_spam_free(chat_type):
    s = default_settings(chat_type)
    assert s.policies["obscene"].max_tier == 2
    assert s.policies["links"].mode is Mode.ON and s.policies["links"].block_unknown is False
    quiet = s.policies["quiet_hours"]
    assert (quiet.start, quiet.end) == (time(19), time(8))
    assert (quiet.weekends, quiet.action) == (True, "notice")
    assert s.policies["wellbeing"].mode is Mode.OFF
    assert s.policies["outsiders"].mode is Mode.OFF  # parents are quarantined, not deleted


@pytest.mark.parametrize("chat_type", STAFF)
def test_staff_chats_are_light(chat_type):
    s = default_settings(chat_type)
    assert s.policies["obscene"].max_tier == 1
    for off in ("personal_data", "flood", "repeats", "caps", "stickers", "quiet_hours"):
        assert s.policies[off].mode is Mode.OFF


def test_quiet_hours_actions_by_type():
    assert default_settings("students_class").policies["quiet_hours"].action == "delete"
    assert default_settings("homeschool").policies["quiet_hours"].action == "notice"


def test_unknown_chat_type_is_explained_in_russian():
    with pytest.raises(ValueError, match="Неизвестный тип чата «chat».*students_class"):
        default_settings("chat")


@pytest.mark.parametrize("overrides, policy, field, value", [
    ({"obscene": "shadow"}, "obscene", "mode", Mode.SHADOW),
    ({"мат": "тихо"}, "obscene", "mode", Mode.SHADOW),
    ({"ссылки": "выкл"}, "links", "mode", Mode.OFF),
    ({"капс": "вкл"}, "caps", "mode", Mode.ON),
    ({"quiet_hours": "23:30-06:45"}, "quiet_hours", "start", time(23, 30)),
    ({"тишина": "23.30 - 06.45"}, "quiet_hours", "end", time(6, 45)),
    ({"quiet_hours.action": "удаление"}, "quiet_hours", "action", "delete"),
    ({"тишина.timezone": "Asia/Vladivostok"}, "quiet_hours", "timezone", "Asia/Vladivostok"),
    ({"obscene.max_tier": "3"}, "obscene", "max_tier", 3),
    ({"links.allow_domains": "Https://www.Sch1.ru/news, olimp.ru"}, "links", "allow_domains",
     frozenset({"sch1.ru", "olimp.ru"})),
    ({"links.block_unknown": "да"}, "links", "block_unknown", True),
    ({"flood.max_messages": "8"}, "flood", "max_messages", 8),
    ({"caps.ratio": "0,8"}, "caps", "ratio", 0.8),
])
def test_overrides(overrides, policy, field, value):
    s = apply_overrides(default_settings("parents_class"), overrides)
    assert getattr(s.policies[policy], field) == value


def test_quiet_window_switches_quiet_hours_on():
    s = apply_overrides(default_settings("admin_open"), {"тишина": "22:00-07:00"})
    assert s.policies["quiet_hours"].mode is Mode.ON


def test_overrides_do_not_touch_the_original():
    base = default_settings("students_class")
    apply_overrides(base, {"мат": "выкл", "strike_ttl_days": "7"})
    assert base.policies["obscene"].mode is Mode.ON
    assert base.strike_ttl_days == 30
    assert apply_overrides(base, {"strike_ttl_days": "7"}).strike_ttl_days == 7


@pytest.mark.parametrize("overrides, message", [
    ({"мусор": "вкл"}, "Неизвестная политика «мусор»"),
    ({"мат": "может быть"}, "Неверный режим «может быть»"),
    ({"тишина": "25:00-07:00"}, "Неверное время тишины"),
    ({"тишина": "22:00-22:00"}, "Неверное время тишины"),
    ({"obscene.max_tier": "5"}, "нужно целое число от 1 до 3"),
    ({"obscene.colour": "red"}, "нет параметра «colour»"),
    ({"quiet_hours.action": "взорвать"}, "Неверное действие"),
    ({"quiet_hours.timezone": "Mars/Olympus"}, "Неизвестный часовой пояс"),
    ({"links.allow_domains": "not a domain!"}, "Неверный домен"),
    ({"links.block_unknown": "наверное"}, "нужно «да» или «нет»"),
    ({"strike_ttl_days": "0"}, "нужно целое число"),
])
def test_invalid_overrides_explained_in_russian(overrides, message):
    with pytest.raises(ValueError, match=message):
        apply_overrides(default_settings("students_class"), overrides)
