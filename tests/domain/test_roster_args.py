"""The words after roster commands read into typed values (bot/domain/roster_args.py)."""

from __future__ import annotations

import pytest

from bot import texts
from bot.domain.classes import ClassName, ClassNameError
from bot.domain.errors import UserError
from bot.domain.roster_args import (
    UsageError, codes_sheet, name_and_class, split_codes_args, split_mode, split_name_class, split_org,
)


def test_a_trailing_school_code_is_split_off() -> None:
    assert split_org("Иванова Мария 5А школа sch-a") == ("sch-a", "Иванова Мария 5А")
    assert split_org("Иванова  Мария 5А орг sch-b") == ("sch-b", "Иванова Мария 5А")
    assert split_org("Иванова Мария 5А") == (None, "Иванова Мария 5А")
    assert split_org("школа") == (None, "школа")  # the word alone names no school


def test_name_and_class_in_the_forms_people_type() -> None:
    assert split_name_class("Иванова Мария 5А", class_required=True) == ("Иванова Мария", ClassName(5, "А"))
    assert split_name_class("иванова мария 5 а", class_required=True) == ("иванова мария", ClassName(5, "А"))
    assert split_name_class("Иванова Мария", class_required=False) == ("Иванова Мария", None)
    assert name_and_class("Петров Илья 10Б") == ("Петров Илья", ClassName(10, "Б"))


def test_a_missing_name_or_class_is_a_usage_error_and_a_bad_class_explains_itself() -> None:
    for args in ("", "5А", "Иванова Мария"):
        with pytest.raises(UsageError) as caught:
            name_and_class(args)
        assert caught.value.message == texts.ROSTER_NEED_NAME_CLASS
    with pytest.raises(UserError) as bad:
        name_and_class("Иванова Мария 5Щ1")
    assert not isinstance(bad.value, UsageError) and isinstance(bad.value, ClassNameError)
    assert "5А" in bad.value.message  # the right form shown


def test_the_mode_switch_is_the_last_word() -> None:
    assert split_mode("Петров Илья вкл") == ("Петров Илья", "homeschool")
    assert split_mode("Петров Илья 5А ВЫКЛ") == ("Петров Илья 5А", "regular")
    assert split_mode("Петров Илья отсутствует") == ("Петров Илья", "long_absent")
    for args in ("", "Петров Илья", "Петров Илья включить"):
        with pytest.raises(UsageError) as caught:
            split_mode(args)
        assert caught.value.message == texts.ROSTER_MODE_WORD


def test_codes_arguments() -> None:
    assert split_codes_args("5А") == (False, None, "5А")
    assert split_codes_args("5А заново школа sch-a") == (True, "sch-a", "5А")
    assert split_codes_args("Сотрудники снова") == (True, None, "Сотрудники")
    assert split_codes_args("заново") == (True, None, "")
    assert codes_sheet("5 А") == ClassName(5, "А")
    assert codes_sheet("сотрудники") is None and codes_sheet("Учителя") is None
    with pytest.raises(ClassNameError):
        codes_sheet("сотрудники 5А")
