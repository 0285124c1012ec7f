"""Announcements (issue 12 part 5) against a real temp database: a municipal coordinator reaches
the chats of every school of the territory, typed classes pick the audience, a school admin of
another school is refused, the sends are BULK actions, and the delivery report maps VK's
refusals to a reason and what to do — once."""

from __future__ import annotations

import pytest

from bot.domain.classes import parse_class
from bot.domain.clock import FixedClock
from bot.domain.errors import UserError
from bot.pipeline.effects import Effects, Lane
from bot.repo import chats as chat_repo
from bot.repo import outbox
from bot.repo import people as people_repo
from bot.repo import pending as pending_repo
from bot.domain.class_list import parse_classes
from bot.services.announce import Announcements
from bot.services.announce_results import Confirm, PickGrades, PickTypes, Sending, TextAsked
from bot.texts import announce as t
from tests.services.conftest import NOW, World

_peer = iter(range(2_000_000_100, 2_000_001_000))


async def _chat(world: World, org, type_: str, cls: str | None, title: str, *, admin: bool = True) -> int:
    chat, _ = await chat_repo.ensure(world.db, next(_peer), added_by=None, now=NOW)
    class_id = await people_repo.ensure_class(world.db, org.id, parse_class(cls), NOW) if cls else None
    await chat_repo.bind(world.db, chat.id, org_id=org.id, type_=type_, class_id=class_id, subject=None,
                         title=title, leader_id=None)
    await chat_repo.set_admin(world.db, chat.id, admin, now=NOW)
    return chat.id


def test_typed_classes_and_grades() -> None:
    assert parse_classes("5А, 5б; 7") == ((7,), ("5А", "5Б"))
    assert parse_classes("6 8") == ((6, 8), ())
    with pytest.raises(UserError, match="Не понял классы"):
        parse_classes("пятые")


async def test_coordinator_announces_to_the_territory_and_gets_one_report(world: World) -> None:
    a1 = await _chat(world, world.school_a, "parents_class", "5А", "5А — родители (А)")
    b1 = await _chat(world, world.school_b, "parents_class", "5Б", "5Б — родители (Б)")
    b2 = await _chat(world, world.school_b, "parents_class", "6А", "6А — родители (Б)")
    await _chat(world, world.school_a, "students_class", "5А", "5А — ученики (А)")
    coordinator = await world.staff(world.muni, "municipal_coordinator", 500)
    service = Announcements(world.db, Effects(world.db, FixedClock(NOW)), FixedClock(NOW), world.access)

    first = await service.start(coordinator)
    assert isinstance(first, PickTypes) and first.scope.territory and t.scope_name(first.scope) == "Город: все школы"
    grades = await service.choose_types(coordinator, first.draft, "p")
    assert isinstance(grades, PickGrades) and grades.grades == (5, 6)
    draft = await service.waiting_text(500)
    assert draft == first.draft
    assert not await service.waits_for_text(coordinator, draft)
    ask = await service.classes_typed(coordinator, draft, *parse_classes("5А, 5Б"))
    assert isinstance(ask, TextAsked) and ask.audience.classes == ("5А", "5Б")
    assert "классы: 5А, 5Б" in t.audience(ask.audience)
    assert await service.waits_for_text(coordinator, draft)
    question = await service.text_typed(coordinator, draft, "Собрание в пятницу", None, [])
    assert isinstance(question, Confirm) and question.count == 2 and question.skipped == ()
    assert set(question.chats) == {"5А — родители (А)", "5Б — родители (Б)"}  # not 6А, not the students'
    assert "Отправить объявление в 2 беседы" in t.confirm(question)
    confirm = await pending_repo.get(world.db, question.action_id)

    # a school admin of school A alone may not confirm the territory's announcement
    other = await world.staff(world.school_a, "school_admin", 501)
    assert not await world.access.allowed(other, "role_manage", world.muni.id)

    done = await service.send(coordinator, confirm)
    assert done == Sending(2) and "2 беседы" in t.sending(done.count)
    with pytest.raises(UserError):
        await service.send(coordinator, confirm)  # a second press sends nothing
    actions = await outbox.pending(world.db)
    sends = [x for x in actions if x.event_id.startswith("announce:")]
    assert len(sends) == 2 and all(x.lane == int(Lane.BULK) for x in sends)
    peers = {(await chat_repo.get(world.db, c)).peer_id for c in (a1, b1)}
    assert {x.peer_id for x in sends} == peers  # one school each; not 6А (b2) nor the students' chat
    assert (await chat_repo.get(world.db, b2)).peer_id not in peers
    assert {x.params["text"].split("\n\n", 1)[1] for x in sends} == {"Собрание в пятницу"}

    # not finished yet: no report; then one send delivered, one refused (the bot is not an admin)
    assert await service.report_finished() == 0
    await outbox.mark_done(world.db, [sends[0].id], NOW)
    await outbox.mark_failed(world.db, sends[1].id, NOW, 925)
    lost: list[int] = []

    async def rights_lost(chat_id: int) -> None:
        lost.append(chat_id)

    service = Announcements(world.db, Effects(world.db, FixedClock(NOW)), FixedClock(NOW), world.access,
                            rights_lost=rights_lost)
    assert await service.report_finished() == 1
    assert await service.report_finished() == 0
    refused_chat = (await chat_repo.by_peer(world.db, sends[1].peer_id)).id
    assert lost == [refused_chat]  # the chat's staff are told the bot lost its rights there
    report = [x for x in await outbox.pending(world.db) if x.event_id.startswith("announce-report:")]
    assert len(report) == 1 and report[0].peer_id == 500
    text = report[0].params["text"]
    assert text.startswith("Объявление доставлено в 1 из 2 бесед."), text
    assert "— бот не администратор, что сделать: назначьте сообщество администратором" in text


async def test_someone_without_the_role_is_told_who_may(world: World) -> None:
    teacher = await world.staff(world.school_a, "class_teacher", 502)
    service = Announcements(world.db, Effects(world.db, FixedClock(NOW)), FixedClock(NOW), world.access)
    with pytest.raises(UserError, match="администратор школы и ответственный за чаты"):
        await service.start(teacher)
