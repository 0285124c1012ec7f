"""Reading /роль and /организация (pure): the parts, and which mistakes get the command's usage."""

from __future__ import annotations

import pytest

from bot import texts
from bot.domain.classes import parse_class
from bot.domain.errors import UserError
from bot.domain.org_command import NewOrg, OrgUsageError, parse_org_command
from bot.domain.role_command import (Order, RoleAction, RoleUsageError, VkTarget, parse_link_name,
                                     parse_role_command)


def test_grant_with_order_and_school() -> None:
    cmd = parse_role_command("выдать классный руководитель vk.com/id5 5А приказ № 15-к от 1.9.2026 школа sch-a")
    assert cmd.action is RoleAction.GRANT
    assert cmd.role_words == "классный руководитель"
    assert cmd.target == VkTarget("5", "vk.com/id5")
    assert cmd.rest == "5А"
    assert cmd.order == Order("15-к", "01.09.2026")
    assert cmd.org_code == "sch-a"


@pytest.mark.parametrize("ref,key", [("id12", "12"), ("[id7|Анна]", "7"), ("@petrov", "petrov"), ("42", "42"),
                                     ("https://m.vk.com/petrov", "petrov")])
def test_target_forms(ref: str, key: str) -> None:
    assert parse_role_command(f"снять модератор {ref}").target.key == key


@pytest.mark.parametrize("args,message", [("", texts.ROLE_BAD_ACTION), ("дать модератор id1", texts.ROLE_BAD_ACTION),
                                          ("выдать модератор Петров", texts.ROLE_NEED_TARGET),
                                          ("выдать модератор id1 приказ 15", texts.ROLE_BAD_ORDER)])
def test_form_mistakes_get_the_usage(args: str, message: str) -> None:
    with pytest.raises(RoleUsageError) as caught:
        parse_role_command(args)
    assert caught.value.message == message


def test_impossible_order_date_is_its_own_answer() -> None:
    with pytest.raises(UserError) as caught:
        parse_role_command("выдать модератор id1 приказ 15 от 31.02.2026")
    assert not isinstance(caught.value, RoleUsageError)
    assert caught.value.message == texts.ROLE_BAD_ORDER_DATE.format(date="31.02.2026")


def test_link_name_and_class() -> None:
    assert parse_link_name("Иванова Мария 5А") == ("Иванова Мария", parse_class("5А"))
    assert parse_link_name("Иванова Мария") == ("Иванова Мария", None)
    with pytest.raises(UserError, match="ФИО"):
        parse_link_name("5А")


def test_org_command_with_a_two_word_city() -> None:
    assert parse_org_command("школа SCH-NN Нижний Новгород r16 Школа № 5") == \
        NewOrg("school", "sch-nn", "Europe/Moscow", "r16", "Школа № 5")
    assert parse_org_command("регион r16 Казань Республика Татарстан").parent_code is None


@pytest.mark.parametrize("args", ["регион r16 Казань", "школа sch1 мск"])
def test_org_command_too_short_is_usage(args: str) -> None:
    with pytest.raises(OrgUsageError):
        parse_org_command(args)


@pytest.mark.parametrize("args,message", [
    ("город r16 мск Татарстан", texts.ORG_BAD_KIND.format(kind="город")),
    ("регион R_16 мск Татарстан", texts.ORG_BAD_CODE.format(code="r_16")),
    ("регион r16 Марс Татарстан", texts.ORG_BAD_TZ.format(tz="Марс")),
    ("школа sch1 мск r16", texts.ORG_NEED_NAME),
])
def test_org_command_mistakes(args: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_org_command(args)
    assert caught.value.message == message


def test_create_asks_the_class_or_reads_the_chat() -> None:
    from bot.domain.chat_command import AskClass, ChatCommand, parse_chat_command, parse_create

    assert parse_create("родители школа sch-a") == AskClass("parents_class", "sch-a")
    assert parse_create("Класс") == AskClass("students_class", None)
    command = parse_create("родители 5А школа sch-a")
    assert isinstance(command, ChatCommand) and command.org_code == "sch-a"
    assert command.request.preset.type == "parents_class" and str(command.request.cls) == "5А"
    assert parse_chat_command("родители").request.preset.type == "parents_school"
    with pytest.raises(UserError) as caught:
        parse_chat_command("бегемоты 5А")
    assert caught.value.message == texts.CHAT_TYPE_UNKNOWN.format(word="бегемоты")
