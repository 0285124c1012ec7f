import pytest

from bot.domain.classes import ClassName
from bot.domain.roles import RoleSpec, parse_roles

A5, B6 = ClassName(5, "А"), ClassName(6, "Б")


@pytest.mark.parametrize(
    ("cell", "roles"),
    [
        ("учитель", [RoleSpec("teacher")]),
        ("Учитель, модератор", [RoleSpec("teacher"), RoleSpec("moderator")]),
        ("классный руководитель 5А", [RoleSpec("class_teacher", A5)]),
        ("Классный руководитель 5 a", [RoleSpec("class_teacher", A5)]),
        ("кл. рук. 5А", [RoleSpec("class_teacher", A5)]),
        ("классный руководитель 5А, 6Б", [RoleSpec("class_teacher", A5), RoleSpec("class_teacher", B6)]),
        ("классный руководитель 5А 6Б", [RoleSpec("class_teacher", A5), RoleSpec("class_teacher", B6)]),
        ("учитель-предметник математика", [RoleSpec("subject_teacher", None, "математика")]),
        ("учитель - предметник: Русский язык", [RoleSpec("subject_teacher", None, "русский язык")]),
        ("учитель-предметник математика 5А", [RoleSpec("subject_teacher", A5, "математика")]),
        ("учитель математики", [RoleSpec("subject_teacher", None, "математики")]),
        ("администратор; ответственный за чаты", [RoleSpec("school_admin"), RoleSpec("chat_responsible")]),
        ("педагог-психолог\nсоциальный педагог", [RoleSpec("psychologist"), RoleSpec("social_pedagogue")]),
        ("советник директора по воспитанию", [RoleSpec("advisor")]),
        ("администрация, завуч", [RoleSpec("admin_team")]),  # repeats collapse
        ("региональный координатор", [RoleSpec("regional_coordinator")]),
        ("", []),
        (None, []),
    ],
)
def test_parse_roles(cell, roles):
    parsed, errors = parse_roles(cell)
    assert errors == []
    assert parsed == roles


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("завхоз", "неизвестная роль «завхоз»"),
        ("учитель, повар", "неизвестная роль «повар»"),
        ("классный руководитель", "нужен класс"),
        ("классный руководитель 5Ы", "буква «Ы»"),
        ("учитель-предметник", "нужен предмет"),
        ("5А", "неизвестная роль «5А»"),
    ],
)
def test_parse_roles_errors(cell, fragment):
    _, errors = parse_roles(cell)
    assert any(fragment in e for e in errors), errors
