"""The web cabinet against the real bot: vkemu, the bot with ``[web]`` on a free loopback port, and
a small region seeded into its database. Sign-in links come the real way: a person writes
/кабинет to the bot through vkemu and the test reads the link from the message vkemu received."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.repo import alerts as alert_repo
from bot.repo import audit as audit_repo
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import reach as reach_repo
from bot.domain.classes import parse_class
from tests.e2e.conftest import GROUP_ID, OPERATOR_VK, TOKEN, BotHarness
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts" / "web"
LINK = re.compile(r"https?://\S+/login/[A-Za-z0-9_-]+")
MONTH = "2026-11"  # the harness clock's month (Wed 2026-11-18 noon, Moscow)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class World:
    harness: BotHarness
    emu: Emulator
    base: str
    region: org_repo.Org
    muni: org_repo.Org
    school: School  # Школа № 12, in the municipality
    other: School  # Школа № 5, same municipality
    class_id: int  # 5А of school

    async def link_for(self, vk_id: int) -> str:
        """Write /кабинет to the bot as ``vk_id``; the sign-in link from its answer."""
        answer = await self.say(vk_id, "/кабинет")
        found = LINK.search(answer.text)
        assert found, answer.text
        return found.group(0)

    async def say(self, vk_id: int, text: str):  # noqa: ANN201 - vkemu's Message
        mark = len(self.emu.sent(vk_id))
        self.emu.user_message(vk_id, vk_id, text)
        return await self.emu.wait_sent(vk_id, since=mark, timeout=15)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(group_id=GROUP_ID, token=TOKEN)
    await emulator.start()
    emulator.add_user("Ольга", "Операторова", allows_messages=True, user_id=OPERATOR_VK)
    try:
        yield emulator
    finally:
        await emulator.stop()


def at(day: int, hour: int) -> float:
    return datetime(2026, 11, day, hour, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()


async def seed(harness: BotHarness, emu: Emulator, base: str) -> World:
    db, now = harness.db, int(at(1, 9))
    region = await org_repo.create(db, kind="region", code="r16", name="Тестовый регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=now)
    muni = await org_repo.create(db, kind="municipality", code="mo-kazan", name="Казань", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=now)
    school = await make_school(db, emu, "sch12", "Школа № 12", muni.id)
    other = await make_school(db, emu, "sch5", "Школа № 5", muni.id)
    await add_staff(db, emu, school, "admin", "Ирина", "Админова", [("school_admin", None)])
    await add_staff(db, emu, school, "teacher", "Мария", "Классная", [("class_teacher", "5А")])
    await add_staff(db, emu, other, "admin", "Пётр", "Другой", [("school_admin", None)])
    await add_staff(db, emu, other, "guest", "Гость", "Учитель", [("teacher", None)])
    coordinator = await add_staff(db, emu, School(muni), "coordinator", "Олег", "Координаторов",
                                  [("municipal_coordinator", None)])
    await add_student(db, emu, school, "kid1", "Аня", "Первая", "5А", parent=("mom1", "Анна", "Первая"))
    await add_student(db, emu, school, "kid2", "Боря", "Второй", "5А", linked=False)
    class_id = await people_repo.class_id(db, school.org.id, parse_class("5А"))
    assert class_id is not None
    await add_student(db, emu, school, "kid3", "Вера", "Третья", "6Б", linked=False)
    # the parents' chat of 5А: the mother and the class teacher in it, a teacher of school 5 as a guest
    chat, _ = await chat_repo.ensure(db, 2_000_000_700, added_by=None, now=now)
    await chat_repo.bind(db, chat.id, org_id=school.org.id, type_="parents_class", class_id=class_id, subject=None,
                         title="5А — родители", leader_id=school.person["teacher"])
    chat = await chat_repo.get(db, chat.id)
    assert chat is not None
    for label, owner in (("mom1", school), ("teacher", school), ("guest", other)):
        await member_repo.upsert(db, chat_id=chat.id, vk_id=owner.vk[label], state="member", now=now,
                                 person_id=owner.person[label], credited_org_id=owner.org.id)
    async with db.transaction():
        for day, label, owner in ((3, "mom1", school), (4, "mom1", school), (5, "teacher", school),
                                  (6, "guest", other)):
            await harness.app.activity.count(chat, owner.vk[label], "message", at(day, 12))  # type: ignore[union-attr]
    await audit_repo.write(db, action="warn", now=int(at(7, 10)), org_id=school.org.id, chat_id=chat.id,
                           target_vk=school.vk["mom1"], policy="obscene")
    await alert_repo.create(db, kind="violation", now=int(at(7, 10)), org_id=school.org.id, chat_id=chat.id,
                            target_vk=school.vk["mom1"])
    # VK refused a private message to the class teacher once: the bot cannot reach her
    await reach_repo.mark(db, school.vk["teacher"], now=now, source="send")
    world = World(harness, emu, base, region, muni, school, other, class_id)
    world.school.vk["coordinator"] = coordinator
    return world


@pytest.fixture
async def world(emu: Emulator, tmp_path: Path) -> AsyncIterator[World]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    harness = BotHarness(emu, tmp_path / "bot.db", web={"host": "127.0.0.1", "port": port, "public_url": base})
    await harness.start()
    try:
        yield await seed(harness, emu, base)
    finally:
        await harness.stop()
