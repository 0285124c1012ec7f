"""Reachability (issue 11 part 4) on a real database and the VK emulator: a send VK refuses with
901 records the person through the action runner's hook, messages.isMessagesFromGroupAllowed is
asked when needed, writing to the bot clears it, and /школа and the monthly reminder name the
unreachable staff of the school (never parents) with the one step that fixes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.domain.clock import FixedClock
from bot.pipeline.unit import unit
from bot.repo import reach as reach_repo
from bot.runtime.app import App, create_app
from bot.services import upkeep
from bot.services.access import ROLE_NAMES_RU
from bot.texts import admission as t
from bot.texts import orgs as org_texts
from bot.texts import upkeep as upkeep_texts
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

NOON = datetime(2026, 9, 21, 12, 0, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()


@dataclass
class World:
    emu: Emulator
    app: App
    school: School

    async def send(self, vk_id: int, text: str) -> None:
        """Record a private message as any decision would, and wait until the runner is done."""
        with unit():
            async with self.app.db.transaction():
                await self.app.effects.send(vk_id, text)
        await asyncio.wait_for(self.app.runner.drained(), 10)


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
        await add_staff(app.db, emu, school, "admin", "Анна", "Завучева", [("school_admin", None)])
        await add_staff(app.db, emu, school, "silent", "Тихон", "Молчанов", [("moderator", None)], allows=False)
        await add_student(app.db, emu, school, "kid", "Петя", "Иванов", "5А", parent=("mom", "Елена", "Иванова"))
        emu.allow_messages(school.vk["mom"], False)
        yield World(emu, app, school)
    finally:
        await app.runner.stop()
        await app.close()
        await emu.stop()


async def test_a_send_vk_refuses_marks_the_person_until_they_write(world: World) -> None:
    silent = world.school.vk["silent"]
    reach = world.app.services.reach
    assert not await reach_repo.is_unreachable(world.app.db, silent)
    await world.send(silent, "Новое уведомление")
    assert world.emu.sent(silent) == []  # VK refused it (901)
    assert await reach_repo.is_unreachable(world.app.db, silent)
    # a second refusal changes nothing; a message from them clears it, once
    await world.send(silent, "Ещё одно")
    assert await reach.wrote(silent) is True
    assert not await reach_repo.is_unreachable(world.app.db, silent)
    assert await reach.wrote(silent) is False
    # a message that did arrive marks nobody
    await world.send(world.school.vk["admin"], "Доставлено")
    assert not await reach_repo.is_unreachable(world.app.db, world.school.vk["admin"])


async def test_check_asks_vk_and_remembers_both_answers(world: World) -> None:
    silent = world.school.vk["silent"]
    reach = world.app.services.reach
    assert await reach.check(silent) is False
    assert await reach_repo.is_unreachable(world.app.db, silent)
    world.emu.allow_messages(silent, True)
    assert await reach.check(silent) is True
    assert not await reach_repo.is_unreachable(world.app.db, silent)


async def test_school_card_and_monthly_reminder_name_unreachable_staff_only(world: World) -> None:
    db, school = world.app.db, world.school
    assert (await world.app.services.orgs.card(school.org)).unreachable == ()
    assert (await upkeep.discrepancies(db, school.org.id)).unreachable == ()
    await world.send(school.vk["silent"], "тревога")
    await world.send(school.vk["mom"], "ссылки")  # a parent: not the school's staff problem
    card = await world.app.services.orgs.card(school.org)
    assert card.unreachable == ("Молчанов Тихон",)  # a parent is not the school's staff problem
    shown = org_texts.school_card(card, ROLE_NAMES_RU)
    assert t.unreachable([("Молчанов Тихон", False)], reminder=False) in shown
    assert "Попросите его нажать «Разрешить сообщения»" in shown
    found = await upkeep.discrepancies(db, school.org.id)
    assert found.unreachable == ("Молчанов Тихон",)
    assert t.unreachable([("Молчанов Тихон", False)], reminder=True) in upkeep_texts.lines(found)
    # they allowed the community's messages (message_allow arrives as a write)
    await world.app.services.reach.wrote(school.vk["silent"])
    card = await world.app.services.orgs.card(school.org)
    assert card.unreachable == ()
    assert t.SCHOOL_ALL_REACHABLE in org_texts.school_card(card, ROLE_NAMES_RU)
    assert (await upkeep.discrepancies(db, school.org.id)).unreachable == ()


async def test_the_monthly_reminder_asks_vk_again_before_naming_anyone(world: World) -> None:
    from datetime import UTC

    db, school = world.app.db, world.school
    sent: list[str] = []

    class Recorder:
        async def to_people(self, vk_ids: list[int], text: str, **kwargs: object) -> list[int]:
            sent.append(text)
            return []

    await world.send(school.vk["silent"], "тревога")
    world.emu.allow_messages(school.vk["silent"], True)  # allowed while the bot was not listening
    ten_moscow = int(datetime(2026, 10, 1, 7, tzinfo=UTC).timestamp())  # the first working day, 10:00 MSK
    assert await upkeep.monthly_upkeep(db, Recorder(), ten_moscow, recheck=world.app.services.reach.check) == 1
    assert sent and "не может писать" not in sent[0]
    assert not await reach_repo.is_unreachable(db, school.vk["silent"])
