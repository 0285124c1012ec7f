"""Admission's decisions are typed (bot/services/admission_results.py): a join and someone found in
VK's member list come back as a ``JoinDecision``, not a string code, and each decision did what it
says (member state, the chat's welcome or notice). The real app against vkemu."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.domain.classes import parse_class
from bot.domain.clock import FixedClock
from bot.pipeline.unit import unit
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import people as people_repo
from bot.repo.chats import Chat
from bot.runtime.app import App, create_app
from bot.services.admission_results import JoinDecision, admitted_as
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

NOON = datetime(2026, 9, 21, 12, 0, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()


@dataclass
class World:
    emu: Emulator
    app: App
    school: School
    parents: Chat  # strangers wait in quarantine
    students: Chat  # strangers are removed

    async def join(self, chat: Chat, vk_id: int) -> JoinDecision:
        with unit(f"test:join:{chat.id}:{vk_id}"):  # one event in one transaction, as the pipeline handles it
            async with self.app.db.transaction():
                decision = await self.app.services.admission.on_join(chat.peer_id, vk_id, vk_id)
        await asyncio.wait_for(self.app.runner.drained(), 10)
        return decision

    async def present(self, chat: Chat, vk_id: int) -> JoinDecision:
        with unit(f"test:present:{chat.id}:{vk_id}"):
            async with self.app.db.transaction():
                decision = await self.app.services.admission.settle_present(chat, vk_id)
        await asyncio.wait_for(self.app.runner.drained(), 10)
        return decision

    async def state(self, chat: Chat, vk_id: int) -> str | None:
        member = await member_repo.get(self.app.db, chat.id, vk_id)
        return member.state if member else None


async def _bind(app: App, emu: Emulator, school: School, type_: str, title: str) -> Chat:
    peer = emu.create_chat(title, school.vk["teacher"], [], with_bot=True, bot_admin=True)
    chat, _ = await chat_repo.ensure(app.db, peer, added_by=school.vk["teacher"], now=app.now())
    class_id = await people_repo.class_id(app.db, school.org.id, parse_class("5А"))
    await chat_repo.bind(app.db, chat.id, org_id=school.org.id, type_=type_, class_id=class_id, subject=None,
                         title=title, leader_id=school.person["teacher"])
    await chat_repo.set_admin(app.db, chat.id, True, now=app.now())
    fresh = await chat_repo.get(app.db, chat.id)
    assert fresh is not None
    return fresh


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    emu = Emulator(group_id=1000, token="emu-token")
    await emu.start()
    settings = load_settings(None, vk={"token": "emu-token", "group_id": 1000, "api_url": emu.api_url},
                             db={"path": str(tmp_path / "bot.db")}, bot={"code_pepper": "pepper"})
    app = await create_app(settings, clock=FixedClock(NOON))
    await app.runner.start()
    try:
        school = await make_school(app.db, emu, "sch-a", "Школа № 1", None)
        await add_staff(app.db, emu, school, "teacher", "Мария", "Классная", [("class_teacher", "5А")])
        await add_staff(app.db, emu, school, "moderator", "Игорь", "Модеров", [("moderator", None)])
        await add_student(app.db, emu, school, "kid", "Петя", "Иванов", "5А", parent=("mom", "Елена", "Иванова"))
        parents = await _bind(app, emu, school, "parents_class", "5А — родители")
        students = await _bind(app, emu, school, "students_class", "5А — ученики")
        yield World(emu, app, school, parents, students)
    finally:
        await app.runner.stop()
        await app.close()
        await emu.stop()


async def test_a_join_returns_what_was_decided(world: World) -> None:
    vk = world.school.vk
    mark = len(world.emu.sent(world.parents.peer_id))
    decision = await world.join(world.parents, vk["mom"])
    assert decision is JoinDecision.AUDIENCE and decision.admitted
    assert await world.state(world.parents, vk["mom"]) == "member"
    assert await world.join(world.parents, vk["moderator"]) is JoinDecision.STAFF
    stranger = world.emu.add_user("Чужой", "Человек", allows_messages=True)
    decision = await world.join(world.parents, stranger)
    assert decision is JoinDecision.QUARANTINE and not decision.admitted
    assert await world.state(world.parents, stranger) == "quarantine"
    said = [m.text for m in world.emu.sent(world.parents.peer_id)[mark:]]
    assert len(said) == 3  # two welcomes and the quarantine notice, one each
    # a students' chat removes strangers
    other = world.emu.add_user("Другой", "Чужой", allows_messages=True)
    assert await world.join(world.students, other) is JoinDecision.REMOVED
    assert await world.state(world.students, other) == "removed"
    assert await world.join(world.students, vk["kid"]) is JoinDecision.AUDIENCE


async def test_joins_that_are_not_decided_are_ignored(world: World) -> None:
    assert await world.join(world.parents, -5) is JoinDecision.IGNORED  # a community
    unbound = world.emu.create_chat("Просто беседа", world.school.vk["teacher"], [], with_bot=True)
    await chat_repo.ensure(world.app.db, unbound, added_by=world.school.vk["teacher"], now=world.app.now())
    with unit("test:unbound"):
        async with world.app.db.transaction():
            decision = await world.app.services.admission.on_join(unbound, world.school.vk["mom"], 0)
    assert decision is JoinDecision.IGNORED
    # the old codes are still what the decisions print as (logs)
    assert [str(d) for d in JoinDecision] == ["ignored", "audience", "staff", "guest", "removed", "quarantine"]


async def test_someone_found_present_is_decided_the_same_way(world: World) -> None:
    vk = world.school.vk
    stranger = world.emu.add_user("Чужой", "Человек", allows_messages=True)
    mark = len(world.emu.sent(world.parents.peer_id))
    assert await world.present(world.parents, stranger) is JoinDecision.QUARANTINE
    assert await world.present(world.parents, stranger) is JoinDecision.QUARANTINE  # already waiting: once
    assert await world.present(world.parents, vk["mom"]) is JoinDecision.AUDIENCE
    assert world.emu.sent(world.parents.peer_id)[mark:] == []  # nothing announced in the chat
    assert await world.present(world.students, stranger) is JoinDecision.REMOVED


def test_only_an_admitting_verdict_is_an_admission() -> None:
    assert [admitted_as(k) for k in ("audience", "staff", "guest")] == \
        [JoinDecision.AUDIENCE, JoinDecision.STAFF, JoinDecision.GUEST]
    with pytest.raises(ValueError):
        admitted_as("unknown")
