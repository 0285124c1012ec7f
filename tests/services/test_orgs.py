"""Orgs.resolve takes typed arguments (bot/domain/org_choice.py): what the organisation is needed
for and how the command takes its code; the refusal and the hint are worded by bot/texts/orgs.py.
Real temp SQLite with the real migrations."""

from __future__ import annotations

import pytest

from bot.domain.errors import NotAllowed, UserError
from bot.domain.org_choice import CodeForm, OrgPurpose
from bot.repo import roles as role_repo
from bot.texts import orgs as t
from tests.services.conftest import NOW, World


def test_every_purpose_and_form_is_worded() -> None:
    assert set(t.WHAT) == set(OrgPurpose) and all(t.WHAT.values())
    assert set(t.FORMS) == set(CodeForm) and all(t.FORMS.values())
    assert t.not_allowed(OrgPurpose.ROLES).startswith("У вас нет прав на выдачу ролей. ")
    assert t.which(["a", "b"], CodeForm.CHATS) == \
        "У вас роли в нескольких организациях (a, b). Укажите, в какой: /чаты <код>."


async def test_the_only_school_or_the_one_named(world: World) -> None:
    admin = await world.staff(world.school_a, "school_admin", 101)
    org = await world.orgs.resolve(admin, "roster_manage", None, purpose=OrgPurpose.ROSTER)
    assert org.id == world.school_a.id
    named = await world.orgs.resolve(admin, "roster_manage", "sch-a", purpose=OrgPurpose.ROSTER)
    assert named.id == world.school_a.id
    with pytest.raises(UserError, match="Не нашёл организацию с кодом «nope»"):
        await world.orgs.resolve(admin, "roster_manage", "nope", purpose=OrgPurpose.ROSTER)
    with pytest.raises(NotAllowed) as refused:  # another school's lists
        await world.orgs.resolve(admin, "roster_manage", "sch-b", purpose=OrgPurpose.ROSTER)
    assert str(refused.value) == t.not_allowed(OrgPurpose.ROSTER)
    assert str(refused.value).startswith("У вас нет прав на изменение списков. ")


async def test_the_refusal_names_what_the_command_needed(world: World) -> None:
    teacher = await world.staff(world.school_a, "teacher", 102)  # holds no role_manage anywhere
    with pytest.raises(NotAllowed) as refused:
        await world.orgs.resolve(teacher, "role_manage", None, purpose=OrgPurpose.ROLES, form=CodeForm.ROLE)
    assert str(refused.value).startswith("У вас нет прав на выдачу ролей. ")
    with pytest.raises(NotAllowed) as refused:
        await world.orgs.resolve(teacher, "report_view", None, purpose=OrgPurpose.REPORTS, form=CodeForm.REPORT)
    assert str(refused.value).startswith("У вас нет прав на просмотр отчётов. ")


async def test_several_schools_ask_which_in_the_commands_own_form(world: World) -> None:
    admin = await world.staff(world.school_a, "school_admin", 103)
    person = (await role_repo.active_for_vk(world.db, 103))[0].person_id
    await role_repo.grant(world.db, person_id=person, org_id=world.school_b.id, role="school_admin",
                          granted_by=None, now=NOW)
    admin = await world.access.caller(103)
    with pytest.raises(UserError) as asked:
        await world.orgs.resolve(admin, "role_manage", None, purpose=OrgPurpose.ROLES, form=CodeForm.ROLE)
    assert str(asked.value) == t.which(["sch-a", "sch-b"], CodeForm.ROLE)
    assert "«орг <код>»" in str(asked.value) and "sch-a, sch-b" in str(asked.value)
    with pytest.raises(UserError) as asked:  # the default: the code at the end of the command
        await world.orgs.resolve(admin, "roster_manage", None, purpose=OrgPurpose.ROSTER)
    assert str(asked.value).endswith("Укажите, в какой: добавьте в конце команды «школа <код>».")


async def test_an_operator_is_asked_for_the_code_with_schools_named(world: World) -> None:
    operator = await world.access.caller(1)
    with pytest.raises(UserError) as asked:
        await world.orgs.resolve(operator, "school_view", None, purpose=OrgPurpose.SCHOOL_VIEW, form=CodeForm.SCHOOL)
    text = str(asked.value)
    assert text.startswith("Вы оператор платформы") and "/школа <код>" in text
    assert "sch-a (Школа А), sch-b (Школа Б)" in text
    assert t.operator_which([], 0, CodeForm.SCHOOL) == t.ORG_OPERATOR_NONE
    assert t.operator_which([("x", "X")], 3, CodeForm.CHATS).endswith("Школы: x (X) и ещё 3.")
