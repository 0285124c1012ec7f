"""The hot line's service on a real database (actions recorded, not performed): routing, who may
answer, one answer, escalation and reminders recorded once, the text purged after retention."""

from __future__ import annotations

import json

import pytest

from bot.domain.classes import parse_class
from bot.domain.clock import FixedClock
from bot.domain.errors import UserError
from bot.domain.names import normalize_name
from bot.pipeline.effects import Effects
from bot.repo import hotline as repo
from bot.repo import people as people_repo
from bot.repo import reach as reach_repo
from bot.repo import roles as role_repo
from bot.services.activity import ActivityCounter
from bot.services.hotline import Hotline
from bot.services.hotline_results import (OFFICE, Addressee, AnswerAsked, AnswerRefused, AnswerSent, Asked,
                                          Cancelled, NothingToCancel, Refusal, Route, Target, TextAsked)
from bot.texts import hotline as t
from tests.services.conftest import NOW

PARENT, TEACHER, OTHER_TEACHER, ADMIN = 501, 502, 503, 504


async def _person(db, org_id, kind, name, vk_id=None):
    return await people_repo.create(db, org_id=org_id, kind=kind, full_name=name, name_key=normalize_name(name),
                                    vk_id=vk_id, now=NOW)


@pytest.fixture
async def line(world):
    db, org = world.db, world.school_a
    a5 = await people_repo.ensure_class(db, org.id, parse_class("5А"), NOW)
    b5 = await people_repo.ensure_class(db, org.id, parse_class("5Б"), NOW)
    child = await people_repo.create_student(db, org_id=org.id, full_name="Петров Петя", name_key="петров петя",
                                             class_id_=a5, mode="regular", now=NOW)
    parent = await _person(db, org.id, "parent", "Петрова Анна", PARENT)
    await people_repo.link_child(db, parent, child)
    for vk_id, role, cls in ((TEACHER, "class_teacher", a5), (OTHER_TEACHER, "class_teacher", b5),
                             (ADMIN, "school_admin", None)):
        pid = await _person(db, org.id, "staff", f"Сотрудник {vk_id}", vk_id)
        await role_repo.grant(db, person_id=pid, org_id=org.id, role=role, class_id=cls, granted_by=None, now=NOW)
    clock = FixedClock(NOW)
    hotline = Hotline(db, Effects(db, clock), clock, world.access, ActivityCounter(db), remind_seconds=3600,
                      retention_seconds=7 * 24 * 3600)
    return hotline, clock, a5


async def _sent(db, peer: int) -> list[dict]:
    rows = await db.fetchall("SELECT params FROM action WHERE kind = 'send' AND peer_id = ? ORDER BY id", (peer,))
    return [json.loads(r[0]) for r in rows]


async def _ask(hotline: Hotline, text: str, kind: str, value: int, student: int | None) -> int:
    started = await hotline.start(PARENT)
    picked = await hotline.pick(PARENT, started.dialog, kind, value, student)
    assert isinstance(picked, TextAsked) and picked.dialog == started.dialog
    assert await hotline.waiting_question(PARENT) == started.dialog
    answer = await hotline.ask(PARENT, started.dialog, text)
    return answer.question_id


async def test_asked_answered_once_by_who_may(world, line) -> None:
    hotline, clock, a5 = line
    db = world.db
    student = (await people_repo.students_of_class(db, a5))[0].id
    qid = await _ask(hotline, "Когда каникулы?", "c", a5, student)
    to_teacher = await _sent(db, TEACHER)
    assert len(to_teacher) == 1 and "Когда каникулы?" in to_teacher[0]["text"]
    assert "Петрова Анна, родитель ученика Петров Петя (5А)" in to_teacher[0]["text"]
    assert not await _sent(db, ADMIN)
    # another class's teacher may not answer; the office may
    refused = await hotline.pressed_answer(OTHER_TEACHER, qid)
    assert refused == AnswerRefused(qid, Refusal.NOT_YOURS) and t.refused(refused) == t.NOT_YOURS
    prompt = await hotline.pressed_answer(TEACHER, qid)
    assert isinstance(prompt, AnswerAsked) and await hotline.waiting_answer(TEACHER) == prompt.dialog
    assert isinstance(await hotline.pressed_answer(ADMIN, qid), AnswerAsked)
    done = await hotline.answer(TEACHER, int(await hotline.waiting_answer(TEACHER) or 0), "С 28 октября.")
    assert done == AnswerSent(qid) and t.answered(done) == t.ANSWER_SENT.format(id=qid)
    late = await hotline.answer(ADMIN, int(await hotline.waiting_answer(ADMIN) or 0), "С 27-го.")
    assert late == AnswerRefused(qid, Refusal.ANSWERED) and t.answered(late) == t.ALREADY_ANSWERED.format(id=qid)
    assert await hotline.pressed_answer(ADMIN, qid) == AnswerRefused(qid, Refusal.ANSWERED)
    assert await hotline.pressed_answer(ADMIN, 999_999) == AnswerRefused(999_999, Refusal.GONE)
    to_parent = await _sent(db, PARENT)
    assert len(to_parent) == 1 and "С 28 октября." in to_parent[0]["text"]
    assert "от классного руководителя 5А" in to_parent[0]["text"]
    # a stale dialog: the question is not waiting any more
    with pytest.raises(UserError):
        await hotline.ask(PARENT, 999_999, "ещё")


async def test_unreachable_teacher_escalation_and_reminders_recorded_once(world, line) -> None:
    hotline, clock, a5 = line
    db = world.db
    student = (await people_repo.students_of_class(db, a5))[0].id
    qid = await _ask(hotline, "Где справка?", "c", a5, student)
    assert await hotline.tick() == 0
    await reach_repo.mark(db, TEACHER, now=NOW, source="send")
    assert await hotline.tick() == 1
    assert await hotline.tick() == 0  # passed on once
    question = await repo.get(db, qid)
    assert question is not None and question.target == "office" and question.escalated_at == NOW
    assert len(await _sent(db, ADMIN)) == 1
    # the office is reminded after the interval, once per interval
    clock.advance(3601)
    assert await hotline.tick() == 1
    assert await hotline.tick() == 0
    reminders = [s for s in await _sent(db, ADMIN) if "Напоминание" in s["text"]]
    assert len(reminders) == 1
    # with the teacher unreachable the next question goes to the office at once
    admin_before = len(await _sent(db, ADMIN))
    second = await _ask(hotline, "И ещё вопрос", "c", a5, student)
    routed = await repo.get(db, second)
    assert routed is not None and routed.target == "office" and routed.assignee_vk is None
    assert len(await _sent(db, ADMIN)) == admin_before + 1
    assert not [s for s in await _sent(db, TEACHER) if "И ещё вопрос" in s["text"]]
    # the text is dropped after the retention (an unanswered question is closed then)
    clock.advance(8 * 24 * 3600)
    await hotline.tick()
    purged = await repo.get(db, qid)
    assert purged is not None and purged.text is None and purged.status == "closed"
    figures = await hotline.figures(world.school_a.id, "2026-09")
    assert (figures.asked, figures.answered, figures.mean_seconds) == (2, 0, None)


async def test_not_a_parent_and_too_long(world, line) -> None:
    hotline, _, a5 = line
    with pytest.raises(UserError) as refused:
        await hotline.start(TEACHER)
    assert refused.value.message == t.NOT_A_PARENT
    with pytest.raises(UserError):
        await hotline.start(PARENT, "х" * 5000)
    # a forged target (another class) is refused
    started = await hotline.start(PARENT)
    student = (await people_repo.students_of_class(world.db, a5))[0].id
    assert started.targets == (Target("c", a5, student_id=student, class_name="5А"),
                               Target("o", world.school_a.id, school=world.school_a.name))
    b5 = await people_repo.class_id(world.db, world.school_a.id, parse_class("5Б"))
    with pytest.raises(UserError):
        await hotline.pick(PARENT, started.dialog, "c", int(b5 or 0), None)
    # «Отмена» typed: the dialog closes once, saying what was cancelled
    assert await hotline.cancel(PARENT, started.dialog) == Cancelled(t.WHAT_ASK)
    assert await hotline.cancel(PARENT, started.dialog) == NothingToCancel()


async def test_reminders_wait_for_the_schools_daytime(world, line) -> None:
    hotline, clock, a5 = line
    db = world.db
    student = (await people_repo.students_of_class(db, a5))[0].id
    clock.advance(5 * 3600)  # 22:13 in Moscow
    await _ask(hotline, "Вопрос поздно вечером", "c", a5, student)
    clock.advance(2 * 3600)  # 00:13: due, but night
    assert await hotline.tick() == 0
    assert not [s for s in await _sent(db, TEACHER) if "Напоминание" in s["text"]]
    await reach_repo.mark(db, TEACHER, now=NOW, source="send")
    assert await hotline.tick() == 0  # not passed to the office at night either
    clock.advance(8 * 3600)  # 08:13
    assert await hotline.tick() == 1
    assert len(await _sent(db, ADMIN)) == 1


async def test_a_parent_has_at_most_five_open_questions(world, line) -> None:
    hotline, _, a5 = line
    student = (await people_repo.students_of_class(world.db, a5))[0].id
    for n in range(5):
        await _ask(hotline, f"Вопрос {n}", "c", a5, student)
    with pytest.raises(UserError) as refused:
        await hotline.start(PARENT)
    assert refused.value.message == t.TOO_MANY_OPEN.format(count=5)


async def test_a_dialog_started_later_takes_the_typed_text(world, line) -> None:
    hotline, _, a5 = line
    student = (await people_repo.students_of_class(world.db, a5))[0].id
    qid = await _ask(hotline, "Вопрос", "c", a5, student)
    await hotline.pressed_answer(TEACHER, qid)
    assert await hotline.waiting_answer(TEACHER) is not None
    # the teacher then starts a poll's dialog: its typed question is not an answer to the parent
    from bot.repo import pending as pending_repo

    await pending_repo.create(world.db, kind="poll_draft", vk_id=TEACHER, org_id=None, payload={}, now=NOW)
    assert await hotline.waiting_answer(TEACHER) is None


async def test_routes_of_a_question_and_the_staffs_waiting_list(world, line) -> None:
    hotline, clock, a5 = line
    db = world.db
    student = (await people_repo.students_of_class(db, a5))[0].id
    # typed with the command: asked as soon as the target is pressed
    started = await hotline.start(PARENT, "Когда экскурсия?")
    asked = await hotline.pick(PARENT, started.dialog, "c", a5, student)
    assert isinstance(asked, Asked) and (asked.route, asked.class_name) == (Route.CLASS_TEACHER, "5А")
    office = await hotline.start(PARENT)
    picked = await hotline.pick(PARENT, office.dialog, "o", world.school_a.id, None)
    assert picked == TextAsked(office.dialog, OFFICE)
    to_office = await hotline.ask(PARENT, office.dialog, "Где взять справку?")
    assert to_office == Asked(to_office.question_id, Route.OFFICE)
    # the teacher cannot receive the bot's messages: the office gets the next one at once
    await reach_repo.mark(db, TEACHER, now=NOW, source="send")
    third = await hotline.start(PARENT)
    await hotline.pick(PARENT, third.dialog, "c", a5, student)
    escalated = await hotline.ask(PARENT, third.dialog, "И ещё")
    assert (escalated.route, escalated.class_name) == (Route.ESCALATED, "5А")
    assert t.asked(escalated).startswith(f"Вопрос №{escalated.question_id} отправлен администрации школы")
    clock.advance(600)
    waiting = await hotline.waiting_for(ADMIN)
    assert [(q.id, q.addressee, q.waiting_seconds) for q in waiting.questions] == [
        (to_office.question_id, OFFICE, 600), (escalated.question_id, OFFICE, 600)]
    mine = await hotline.waiting_for(TEACHER)
    assert [(q.id, q.addressee) for q in mine.questions] == [(asked.question_id, Addressee("5А"))]
    assert (await hotline.waiting_for(OTHER_TEACHER)).questions == ()
    assert t.waiting_list(mine).startswith("Ждут ответа: 1 вопрос.")
