"""/роль's use cases return typed results (bot/services/roles.py): granted, already held, revoked,
not held, linked — with whose roles changed; refusals raise the domain errors."""

from __future__ import annotations

import pytest

from bot.domain.classes import parse_class
from bot.domain.errors import NotAllowed, UserError
from bot.domain.names import normalize_name
from bot.domain.role_command import Order, VkTarget, vk_target
from bot.repo import people as people_repo
from bot.services.roles import (AlreadyHeld, Granted, Linked, LinkRequest, NotHeld, Revoked, RoleChange,
                                changed_vk)
from tests.services.test_chats import NOON, AppWorld, app_world  # noqa: F401  (the fixture)

NOW = int(NOON)


def target(vk_id: int) -> VkTarget:
    found = vk_target(f"vk.com/id{vk_id}")
    assert found is not None
    return found


async def test_grant_revoke_and_who_changed(app_world: AppWorld) -> None:
    roles, admin = app_world.app.services.roles, await app_world.caller("admin")
    moderator = app_world.school.vk["teacher"]
    order = Order("7-к", "01.09.2026")
    granted = await roles.grant(admin, RoleChange(target(moderator), "moderator", order=order), NOW)
    assert granted == Granted("moderator", None, None, "Классная Мария", moderator, "Школа № 1", order, False)
    assert changed_vk(granted) == moderator
    again = await roles.grant(admin, RoleChange(target(moderator), "moderator"), NOW)
    assert again == AlreadyHeld("moderator", None, None, "Классная Мария", "Школа № 1")
    assert changed_vk(again) is None
    revoked = await roles.revoke(admin, RoleChange(target(moderator), "moderator"), NOW)
    assert revoked == Revoked("moderator", "Классная Мария", moderator, "Школа № 1", None)
    assert changed_vk(revoked) == moderator
    not_held = await roles.revoke(admin, RoleChange(target(moderator), "moderator"), NOW)
    assert not_held == NotHeld("moderator", "Классная Мария", "Школа № 1") and changed_vk(not_held) is None


async def test_grant_to_someone_the_bot_cannot_write_to_says_so(app_world: AppWorld) -> None:
    roles, admin = app_world.app.services.roles, await app_world.caller("admin")
    silent = app_world.school.vk["silent"]
    granted = await roles.grant(admin, RoleChange(target(silent), "class_teacher", cls=parse_class("6Б")), NOW)
    assert isinstance(granted, Granted) and granted.unreachable and str(granted.cls) == "6Б"


async def test_refusals(app_world: AppWorld) -> None:
    roles, admin = app_world.app.services.roles, await app_world.caller("admin")
    with pytest.raises(UserError, match="Свою роль администратора школы снять нельзя"):
        await roles.revoke(admin, RoleChange(target(app_world.school.vk["admin"]), "school_admin"), NOW)
    with pytest.raises(UserError, match="нет класса 9Я"):
        await roles.grant(admin, RoleChange(target(app_world.school.vk["silent"]), "class_teacher",
                                            cls=parse_class("9Я")), NOW)
    with pytest.raises(NotAllowed):
        await roles.grant(await app_world.caller("moderator"),
                          RoleChange(target(app_world.school.vk["silent"]), "moderator"), NOW)


async def test_link_a_roster_entry(app_world: AppWorld) -> None:
    roles, admin, db = app_world.app.services.roles, await app_world.caller("admin"), app_world.app.db
    await people_repo.create(db, org_id=app_world.school.org.id, kind="staff", full_name="Новикова Вера",
                             name_key=normalize_name("Новикова Вера"), vk_id=None, now=NOW)
    vera = app_world.emu.add_user("Вера", "Новикова", allows_messages=True)
    linked = await roles.link(admin, LinkRequest(target(vera), "Новикова Вера"), NOW)
    assert linked == Linked("Новикова Вера", vera, "Школа № 1", changed=True, unreachable=False)
    assert changed_vk(linked) == vera
    again = await roles.link(admin, LinkRequest(target(vera), "Новикова"), NOW)
    assert again == Linked("Новикова Вера", vera, "Школа № 1", changed=False, unreachable=False)
    assert changed_vk(again) is None
    with pytest.raises(UserError, match="нет «Сидоров»"):
        await roles.link(admin, LinkRequest(target(vera), "Сидоров"), NOW)
