"""Chats' use cases return typed results (bot/services/chats.py): what was created, bound, asked or
listed, with the data the answer needs — no text, no keyboard. The real app against vkemu."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.domain.chat_command import ChatCommand, parse_chat_command
from bot.domain.clock import FixedClock
from bot.domain.errors import NotAllowed, UserError
from bot.repo import pending as pending_repo
from bot.runtime.app import App, create_app
from bot.services.access import Caller
from bot.services.chats import (ChatCreated, ChatExists, ChatLine, ChoiceGone, ClassQuestion, LinkReset,
                                SchoolChats)
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

NOON = datetime(2026, 9, 21, 12, 0, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()


@dataclass
class AppWorld:
    emu: Emulator
    app: App
    school: School

    async def caller(self, label: str) -> Caller:
        return await self.app.access.caller(self.school.vk[label])


@pytest.fixture
async def app_world(tmp_path: Path) -> AsyncIterator[AppWorld]:
    emu = Emulator(group_id=1000, token="emu-token")
    await emu.start()
    settings = load_settings(None, vk={"token": "emu-token", "group_id": 1000, "api_url": emu.api_url},
                             db={"path": str(tmp_path / "bot.db")}, bot={"code_pepper": "pepper"})
    app = await create_app(settings, clock=FixedClock(NOON))
    await app.runner.start()
    try:
        school = await make_school(app.db, emu, "sch-a", "Школа № 1", None)
        await add_staff(app.db, emu, school, "admin", "Анна", "Завучева", [("school_admin", None)])
        await add_staff(app.db, emu, school, "teacher", "Мария", "Классная", [("class_teacher", "5А")])
        await add_staff(app.db, emu, school, "moderator", "Игорь", "Модеров", [("moderator", None)])
        await add_staff(app.db, emu, school, "silent", "Тихон", "Молчанов", [("teacher", None)], allows=False)
        await add_student(app.db, emu, school, "kid", "Петя", "Иванов", "5А", parent=("mom", "Елена", "Иванова"))
        await add_student(app.db, emu, school, "kid2", "Оля", "Петрова", "6Б")
        yield AppWorld(emu, app, school)
    finally:
        await app.runner.stop()
        await app.close()
        await emu.stop()


async def test_overview_create_and_exists(app_world: AppWorld) -> None:
    chats = app_world.app.services.chats
    admin = await app_world.caller("admin")
    assert await chats.overview(admin, None) == SchoolChats("Школа № 1", (), True, True, ("5А", "6Б"), ("5А", "6Б"))
    moderator = await app_world.caller("moderator")
    assert (await chats.overview(moderator, "sch-a")).may_create is False  # may look, not create
    created = await chats.create(admin, parse_chat_command("родители 5А"))
    assert isinstance(created, ChatCreated)
    assert (created.title, created.shareable, created.leader_not_added) == ("5А — родители", True, None)
    assert created.link.startswith("https://vk.me/join/")
    assert await chats.create(admin, parse_chat_command("родители 5А школа sch-a")) == \
        ChatExists("5А — родители", created.link)
    overview = await chats.overview(admin, None)
    # members: the admin and the class teacher; eligible: the mother, the class teacher, the admin, the moderator
    assert isinstance(overview, SchoolChats) and overview.chats == (ChatLine("5А — родители", 2, 4, True),)
    assert (overview.no_parents, overview.no_students) == (("6Б",), ("5А", "6Б"))


async def test_class_question_and_its_press(app_world: AppWorld) -> None:
    chats = app_world.app.services.chats
    admin = await app_world.caller("admin")
    question = await chats.ask_class(admin, "parents_class", None)
    assert isinstance(question, ClassQuestion)
    assert (question.school, question.classes, question.more, question.whole_school) == \
        ("Школа № 1", ("5А", "6Б"), False, True)
    action = await pending_repo.get(app_world.app.db, question.action_id)
    assert action is not None and action.payload["what"] == "создание беседы"
    assert await chats.create_chosen(admin, action, "9Я") == ChoiceGone()  # not one of the buttons
    created = await chats.create_chosen(admin, action, "6Б")
    assert isinstance(created, ChatCreated) and created.title == "6Б — родители"
    assert await chats.create_chosen(admin, action, "6Б") == ChoiceGone()  # pressed twice: once
    students = await chats.ask_class(admin, "students_class", "sch-a")
    assert not students.whole_school
    action = await pending_repo.get(app_world.app.db, students.action_id)
    assert action is not None and await chats.create_chosen(admin, action, "") == ChoiceGone()


async def test_refusals_carry_their_answer(app_world: AppWorld) -> None:
    chats = app_world.app.services.chats
    teacher = await app_world.caller("teacher")
    with pytest.raises(NotAllowed, match="Создавать и привязывать беседу «ученики класса» могут"):
        await chats.create(teacher, parse_chat_command("ученики 6Б"))
    with pytest.raises(UserError, match="нет класса 9Я"):
        await chats.create(await app_world.caller("admin"), ChatCommand(parse_chat_command("ученики 9Я").request, None))


async def test_reset_link_returns_the_new_link(app_world: AppWorld) -> None:
    chats = app_world.app.services.chats
    admin = await app_world.caller("admin")
    created = await chats.create(admin, parse_chat_command("администрация"))
    assert isinstance(created, ChatCreated) and not created.shareable
    overview = await chats.overview(admin, None)
    assert isinstance(overview, SchoolChats) and overview.chats[0].title == "Школа № 1 — администрация"
    peer = next(c.peer_id for c in app_world.emu.chats.values() if c.title == "Школа № 1 — администрация")
    reset = await chats.reset_link(admin, peer)
    assert isinstance(reset, LinkReset) and reset.link != created.link
    with pytest.raises(NotAllowed):
        await chats.reset_link(await app_world.caller("silent"), peer)
