"""Polls and quizzes on a real database and the VK emulator with a fixed clock: reading the typed
question, the dialog, votes (single, multiple, changed, withdrawn, forged), the throttled live
edit (one pending per poll, its text read when recorded), closing once, and the named report."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from bot.domain import polls as dom
from bot.domain.classes import parse_class
from bot.domain.clock import FixedClock
from bot.domain.errors import UserError
from bot.pipeline.unit import unit
from bot.repo import chats as chat_repo
from bot.repo import people as people_repo
from bot.repo import polls as repo
from bot.repo.chats import Chat
from bot.runtime.app import App, create_app
from bot.services import polls_results as r
from bot.services.polls import Polls
from bot.texts import polls as t
from handlers import polls_views as views
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

NOON = datetime(2026, 9, 21, 12, 0, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()


# -- reading what the author typed ---------------------------------------------------------

def test_poll_text_question_then_options_markers_dropped() -> None:
    q = dom.parse_poll("  Куда поедем?\n1. В музей\n- В парк\n\n• В театр  \n")
    assert q.text == "Куда поедем?" and q.options == ("В музей", "В парк", "В театр")


@pytest.mark.parametrize(("text", "expected"), [
    ("", "Не вижу вопроса"),
    ("Вопрос?\nОдин", "Вариантов ответа 1, а нужно хотя бы 2"),
    ("Вопрос?\n" + "\n".join(f"Вариант {i}" for i in range(11)), "Вариантов ответа 11, а можно не больше 10"),
    ("Вопрос?\nДа\nда", "Вариант «Да» написан дважды"),
    ("Вопрос?\nДа\n" + "ы" * 101, "длиннее 100 символов"),
])
def test_poll_text_mistakes_say_what_is_wrong(text: str, expected: str) -> None:
    with pytest.raises(UserError) as caught:
        dom.parse_poll(text)
    assert expected in caught.value.message


def test_quiz_blocks_with_one_marked_option_each() -> None:
    questions = dom.parse_quiz("2+2?\n3\n+ 4\n\n\nСтолица?\n* Москва\nКазань\nПермь")
    assert [(q.text, q.options, q.correct) for q in questions] == [
        ("2+2?", ("3", "4"), 1), ("Столица?", ("Москва", "Казань", "Пермь"), 0)]
    with pytest.raises(UserError) as caught:
        dom.parse_quiz("2+2?\n3\n4\n\nСтолица?\n+Москва\n+Казань")
    assert caught.value.message.startswith("Вопрос 1: правильных вариантов отмечено 0")
    with pytest.raises(UserError) as caught:
        dom.parse_quiz("2+2?\n+4\n3\n\nСтолица?\n+Москва\n+Казань")
    assert caught.value.message.startswith("Вопрос 2: правильных вариантов отмечено 2")


def test_press_single_replaces_multiple_toggles() -> None:
    assert dom.press(None, 2, False) == 0b100
    assert dom.press(0b100, 0, False) == 0b001
    assert dom.press(0b001, 2, True) == 0b101
    assert dom.press(0b101, 0, True) == 0b100
    assert dom.press(0b100, 2, True) == 0
    assert dom.counts([0b101, 0b100, 0b001], 3) == [2, 0, 2]
    assert dom.next_edit_at(100, 0) == 100 and dom.next_edit_at(100, 99) == 99 + dom.EDIT_INTERVAL


# -- the service ---------------------------------------------------------------------------

@dataclass
class World:
    emu: Emulator
    app: App
    clock: FixedClock
    school: School
    chat: Chat

    @property
    def polls(self) -> Polls:
        return Polls.of(self.app)

    async def settle(self) -> None:
        await asyncio.wait_for(self.app.runner.drained(), 10)

    async def as_event(self, name: str, coro_fn: Any) -> Any:
        with unit(f"test:{name}"):
            async with self.app.db.transaction():
                result = await coro_fn()
        await self.settle()
        return result

    async def publish(self, text: str, *, multiple: bool = False, named: bool = True) -> tuple[int, int]:
        """The dialog as the teacher goes through it; returns (poll id, cmid of the posted message)."""
        caller = await self.app.access.caller(self.school.vk["teacher"])
        started = await self.polls.start(caller, self.chat, "poll")
        assert started.in_chat and isinstance(started.step, r.AskMultiple)
        assert "Сколько вариантов" in views.step(started.step).text
        draft = await repo.draft_waiting_text(self.app.db, caller.vk_id, self.app.now())
        assert draft is None  # not yet at the typed step
        draft = await self.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'poll_draft'")
        await self.polls.step(caller, draft, "multiple", int(multiple))
        await self.polls.step(caller, draft, "named", int(named))
        await self.polls.step(caller, draft, "deadline", "1h")
        assert await self.polls.waiting_text(caller.vk_id) == draft
        preview = await self.polls.typed(caller, draft, text)
        assert preview.kind == "poll" and preview.questions == (dom.parse_poll(text),)
        assert "Проверьте опрос" in views.step(preview).text
        mark = len(self.emu.sent(self.chat.peer_id))
        await self.as_event(f"publish:{draft}", lambda: self.polls.publish(caller, draft))
        message = self.emu.sent(self.chat.peer_id)[mark]
        poll_id = await self.app.db.fetchval("SELECT MAX(id) FROM poll")
        return poll_id, message.cmid

    async def vote(self, who: str, poll_id: int, option: int, cmid: int) -> r.VoteResult:
        vk_id = self.school.vk[who]
        return await self.as_event(f"vote:{who}:{poll_id}:{option}:{self.clock.now()}:{len(self.emu.calls)}",
                                   lambda: self.polls.vote(vk_id, self.chat.peer_id, cmid, poll_id, option))

    def edits(self, cmid: int) -> list:
        return [c for c in self.emu.calls if c.method == "messages.edit"
                and int(c.params.get("conversation_message_id", 0) or 0) == cmid]

    def text_of(self, cmid: int) -> str:
        return next(m for m in self.emu.history(self.chat.peer_id) if m.cmid == cmid).text


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    emu = Emulator(group_id=1000, token="emu-token")
    await emu.start()
    settings = load_settings(None, vk={"token": "emu-token", "group_id": 1000, "api_url": emu.api_url},
                             db={"path": str(tmp_path / "bot.db")}, bot={"code_pepper": "pepper"})
    clock = FixedClock(NOON)
    app = await create_app(settings, clock=clock)
    await app.runner.start()
    try:
        db = app.db
        school = await make_school(db, emu, "sch-a", "Школа А", None)
        await add_staff(db, emu, school, "teacher", "Мария", "Классная", [("class_teacher", "5А")])
        await add_staff(db, emu, school, "other", "Олег", "Другой", [("teacher", None)])
        await add_student(db, emu, school, "kid", "Петя", "Иванов", "5А")
        await add_student(db, emu, school, "kid2", "Вася", "Сидоров", "5А")
        await add_student(db, emu, school, "kid3", "Катя", "Петрова", "5А")
        members = [school.vk[k] for k in ("kid", "kid2", "kid3", "other")]
        peer = emu.create_chat("5А — ученики", school.vk["teacher"], members, with_bot=True, bot_admin=True)
        chat, _ = await chat_repo.ensure(db, peer, added_by=school.vk["teacher"], now=app.now())
        class_id = await people_repo.class_id(db, school.org.id, parse_class("5А"))
        await chat_repo.bind(db, chat.id, org_id=school.org.id, type_="students_class", class_id=class_id,
                             subject=None, title="5А — ученики", leader_id=school.person["teacher"])
        fresh = await chat_repo.get(db, chat.id)
        assert fresh is not None
        yield World(emu, app, clock, school, fresh)
    finally:
        await app.runner.stop()
        await app.close()
        await emu.stop()


async def test_only_the_chats_staff_start_a_poll(world: World) -> None:
    other = await world.app.access.caller(world.school.vk["other"])  # a teacher, not of this chat
    with pytest.raises(UserError) as caught:
        await world.polls.start(other, world.chat, "poll")
    assert caught.value.message == t.NOT_CHAT_STAFF
    kid = await world.app.access.caller(world.school.vk["kid"])
    with pytest.raises(UserError):
        await world.polls.start(kid, world.chat, "poll")


async def test_a_burst_of_votes_makes_one_edit_with_the_counts_of_its_moment(world: World) -> None:
    poll_id, cmid = await world.publish("Куда поедем?\nМузей\nПарк")
    assert await world.vote("kid", poll_id, 0, cmid) == r.Voted("Музей", changed=False)
    assert await world.vote("kid2", poll_id, 1, cmid) == r.Voted("Парк", changed=False)
    assert await world.vote("kid3", poll_id, 1, cmid) == r.Voted("Парк", changed=False)
    poll = await repo.get(world.app.db, poll_id)
    assert poll is not None and poll.cmid == cmid and poll.refresh_at == int(NOON)
    assert world.edits(cmid) == []  # a press never edits by itself

    assert await world.polls.refresh_due() == 1
    await world.settle()
    assert len(world.edits(cmid)) == 1
    assert "1. Музей — 1 (33%)" in world.text_of(cmid) and "2. Парк — 2 (67%)" in world.text_of(cmid)
    assert await world.polls.refresh_due() == 0  # nothing pending: nothing edited

    # within the interval: a change asks for one edit, not sooner than the interval allows
    assert await world.vote("kid", poll_id, 1, cmid) == r.Voted("Парк", changed=True)
    assert await world.vote("kid2", poll_id, 0, cmid) == r.Voted("Музей", changed=True)
    poll = await repo.get(world.app.db, poll_id)
    assert poll is not None and poll.refresh_at == int(NOON) + dom.EDIT_INTERVAL
    assert await world.polls.refresh_due() == 0
    world.clock.advance(dom.EDIT_INTERVAL)
    assert await world.polls.refresh_due() == 1
    await world.settle()
    assert len(world.edits(cmid)) == 2
    assert "1. Музей — 1 (33%)" in world.text_of(cmid) and "2. Парк — 2 (67%)" in world.text_of(cmid)
    assert await world.app.db.fetchval("SELECT COUNT(*) FROM action WHERE kind = 'edit_message'") == 2
    assert len([m for m in world.emu.sent(world.chat.peer_id) if "📊" in m.text]) == 1


async def test_multiple_choice_toggles_and_a_forged_press_is_refused(world: World) -> None:
    poll_id, cmid = await world.publish("Что взять?\nЧай\nСок\nВоду", multiple=True)
    assert await world.vote("kid", poll_id, 0, cmid) == r.Chosen((1,))
    assert await world.vote("kid", poll_id, 2, cmid) == r.Chosen((1, 3))
    assert await world.vote("kid", poll_id, 0, cmid) == r.Chosen((3,))
    assert await world.vote("kid", poll_id, 2, cmid) == r.Withdrawn()
    assert await repo.choices(world.app.db, poll_id) == []
    # a payload naming the poll from another conversation, or an option it does not have
    snack = await world.as_event("forged", lambda: world.polls.vote(world.school.vk["kid"], world.school.vk["kid"],
                                                                     None, poll_id, 0))
    assert snack == r.VoteRefused(r.Refusal.GONE)
    assert await world.vote("kid", poll_id, 7, cmid) == r.VoteRefused(r.Refusal.GONE)
    assert await repo.choices(world.app.db, poll_id) == []


async def test_closed_once_at_the_deadline_with_the_non_voters_named(world: World) -> None:
    poll_id, cmid = await world.publish("Идём в поход?\nДа\nНет")
    await world.vote("kid", poll_id, 0, cmid)
    assert await world.polls.close_due() == 0  # not yet
    world.clock.advance(3600)
    teacher = world.school.vk["teacher"]
    mark = len(world.emu.sent(teacher))
    assert await world.polls.close_due() == 1
    await world.settle()
    assert await world.polls.close_due() == 0
    report = [m.text for m in world.emu.sent(teacher)[mark:]]
    assert len(report) == 1
    assert "Да — 1:\n— Иванов Петя" in report[0] and "Нет — никто" in report[0]
    assert "Не проголосовали 2 из 3:\n— Петрова Катя\n— Сидоров Вася" in report[0]
    results = [m for m in world.emu.sent(world.chat.peer_id) if "Итоги опроса" in m.text]
    assert len(results) == 1 and "Всего проголосовали: 1 человек." in results[0].text
    assert "Опрос завершён" in world.text_of(cmid)
    assert await world.vote("kid2", poll_id, 1, cmid) == r.VoteRefused(r.Refusal.CLOSED)
    assert await repo.choices(world.app.db, poll_id) == [1]


async def test_a_storm_of_presses_is_answered_in_few_requests(world: World) -> None:
    """Answers to presses go out up to 25 per ``execute``, one request per ANSWER_SPACING at most."""
    poll_id, cmid = await world.publish("Куда поедем?\nМузей\nПарк")
    message = next(m for m in world.emu.history(world.chat.peer_id) if m.cmid == cmid)
    payload = json.loads(message.keyboard["buttons"][0][0]["action"]["payload"])
    voters = [world.emu.add_user("Родитель", f"Номер{i}") for i in range(30)]
    for vk in voters:
        world.emu.invite_user(world.chat.peer_id, world.school.vk["teacher"], vk)
    events = [world.emu.press_button(world.chat.peer_id, vk, cmid, payload) for vk in voters]
    http0 = world.emu.http_requests
    with unit("test:storm"):
        async with world.app.db.transaction():
            for vk, event_id in zip(voters, events):
                voted = await world.polls.vote(vk, world.chat.peer_id, cmid, poll_id, 0)
                await world.app.effects.answer_button(event_id, vk, world.chat.peer_id, views.vote_snack(voted))
    await world.settle()
    assert {s.event_id for s in world.emu.snackbars} >= set(events)
    assert world.emu.http_requests - http0 <= 3  # 30 answers: two executes (25 + 5) at most, not 30 requests
    assert len(await repo.choices(world.app.db, poll_id)) == 30


async def test_started_privately_the_dialog_asks_which_chat(world: World) -> None:
    db = world.app.db
    peer = world.emu.create_chat("5А — родители", world.school.vk["teacher"], [], with_bot=True, bot_admin=True)
    chat, _ = await chat_repo.ensure(db, peer, added_by=world.school.vk["teacher"], now=world.app.now())
    class_id = await people_repo.class_id(db, world.school.org.id, parse_class("5А"))
    await chat_repo.bind(db, chat.id, org_id=world.school.org.id, type_="parents_class", class_id=class_id,
                         subject=None, title="5А — родители", leader_id=world.school.person["teacher"])
    teacher = await world.app.access.caller(world.school.vk["teacher"])
    started = await world.polls.start(teacher, None, "poll")
    draft = await db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'poll_draft'")
    assert not started.in_chat and started.step == r.PickChat(
        draft, "poll", (r.ChatChoice(chat.id, "5А — родители"), r.ChatChoice(world.chat.id, "5А — ученики")), 2)
    shown = views.step(started.step)
    assert shown.text == "Для какой беседы опрос?" and shown.keyboard is not None
    assert "5А — родители" in shown.keyboard and "5А — ученики" in shown.keyboard
    step = await world.polls.step(teacher, draft, "chat", chat.id)
    assert step == r.AskMultiple(draft, "5А — родители")
    assert views.step(step).text.startswith("Опрос для беседы «5А — родители».")
    # someone else's draft cannot be pressed on
    other = await world.app.access.caller(world.school.vk["other"])
    with pytest.raises(UserError) as caught:
        await world.polls.step(other, draft, "multiple", 0)
    assert caught.value.message == t.NOT_YOURS
    # a quiz: only the students' chat qualifies, so it is chosen without asking
    started = await world.polls.start(teacher, None, "quiz")
    assert isinstance(started.step, r.AskLimit) and started.step.title == "5А — ученики"
    assert views.step(started.step).text.startswith("Викторина для беседы «5А — ученики».")
    with pytest.raises(UserError) as caught:  # the poll's draft gave way to the quiz's
        await world.polls.step(teacher, draft, "multiple", 0)
    assert caught.value.message == t.DRAFT_GONE


async def test_no_second_edit_while_one_waits_to_be_performed(world: World) -> None:
    poll_id, cmid = await world.publish("Куда поедем?\nМузей\nПарк")
    await world.vote("kid", poll_id, 0, cmid)
    await world.app.runner.stop()  # VK is slow: the recorded edit waits in its lane
    try:
        assert await world.polls.refresh_due() == 1
        with unit("test:late-vote"):
            async with world.app.db.transaction():
                await world.polls.vote(world.school.vk["kid2"], world.chat.peer_id, cmid, poll_id, 1)
        world.clock.advance(dom.EDIT_INTERVAL + 5)
        assert await world.polls.refresh_due() == 0  # the first edit is still pending
        assert await world.app.db.fetchval(
            "SELECT COUNT(*) FROM action WHERE kind = 'edit_message' AND status = 'pending'") == 1
    finally:
        await world.app.runner.start()
    await world.settle()
    assert len(world.edits(cmid)) == 1
    poll = await repo.get(world.app.db, poll_id)
    assert poll is not None and poll.refresh_at is not None  # still asked for: goes out after the interval
    world.clock.advance(1)
    assert await world.polls.refresh_due() == 0  # performed just now: the interval counts from there
    world.clock.advance(dom.EDIT_INTERVAL)
    assert await world.polls.refresh_due() == 1
    await world.settle()
    assert len(world.edits(cmid)) == 2 and "2. Парк — 1 (50%)" in world.text_of(cmid)


async def test_closing_early_is_asked_first_and_only_for_the_author_or_staff(world: World) -> None:
    poll_id, cmid = await world.publish("Идём в поход?\nДа\nНет")
    await world.vote("kid", poll_id, 1, cmid)
    kid = await world.app.access.caller(world.school.vk["kid"])
    with pytest.raises(UserError) as caught:
        await world.polls.ask_close(kid, poll_id)
    assert caught.value.message == t.NOT_YOURS
    teacher = await world.app.access.caller(world.school.vk["teacher"])
    asked = await world.polls.ask_close(teacher, poll_id)
    assert await world.polls.close_due() == 0  # nothing closed by asking
    from bot.repo import pending as pending_repo

    action_id = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'poll_close'")
    assert asked == r.CloseAsked(action_id, "poll", "Идём в поход?", "5А — ученики")
    shown = views.close_asked(asked)
    assert shown.text.startswith("Подвести итоги опроса «Идём в поход?» сейчас?") and shown.keyboard
    action = await pending_repo.get(world.app.db, action_id)
    assert action is not None and action.payload["what"] == "досрочное подведение итогов опроса «Идём в поход?»"
    done = await world.polls.close_now(teacher, action)
    await world.settle()
    assert done == r.ClosedNow()
    results = [m for m in world.emu.sent(world.chat.peer_id) if "Итоги опроса «Идём в поход?»" in m.text]
    assert len(results) == 1 and "2. Нет — 1 (100%)" in results[0].text
    again = await world.polls.close_now(teacher, action)  # a second press of the same button
    assert again == r.AlreadyHandled()
    with pytest.raises(UserError) as caught:
        await world.polls.ask_close(teacher, poll_id)
    assert caught.value.message == t.ALREADY_CLOSED


async def test_the_typed_question_goes_to_the_latest_dialog_only(world: World) -> None:
    teacher = await world.app.access.caller(world.school.vk["teacher"])
    await world.polls.start(teacher, world.chat, "poll")
    first = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'poll_draft'")
    await world.polls.start(teacher, world.chat, "poll")  # begun again: the older draft goes
    draft = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'poll_draft'")
    assert await world.app.db.fetchval("SELECT status FROM pending_action WHERE id = ?", (first,)) == "cancelled"
    for step, value in (("multiple", 0), ("named", 0), ("deadline", "1d")):
        await world.polls.step(teacher, draft, step, value)
    assert await world.polls.waiting_text(teacher.vk_id) == draft
    from bot.repo import pending as pending_repo

    # another dialog opened after it (e.g. answering a hot-line question) takes the typed text
    await pending_repo.create(world.app.db, kind="hotline_answer", vk_id=teacher.vk_id, org_id=None,
                              payload={}, now=world.app.now())
    assert await world.polls.waiting_text(teacher.vk_id) is None


async def test_a_poll_nobody_pressed_knows_its_message_and_loses_its_buttons_at_the_close(world: World) -> None:
    """The cmid comes from the send itself (the runner's tracked send), not from a first press."""
    poll_id, cmid = await world.publish("Идём в поход?\nДа\nНет")
    poll = await repo.get(world.app.db, poll_id)
    assert poll is not None and poll.cmid == cmid
    world.clock.advance(3600)
    assert await world.polls.close_due() == 1
    await world.settle()
    message = next(m for m in world.emu.history(world.chat.peer_id) if m.cmid == cmid)
    assert "Опрос завершён" in message.text and not (message.keyboard or {}).get("buttons")


async def test_a_poll_closed_before_its_message_went_out_is_edited_once_it_is_sent(world: World) -> None:
    poll_id, cmid = await world.publish("Идём в поход?\nДа\nНет")
    await world.app.db.execute("UPDATE poll SET cmid = NULL WHERE id = ?", (poll_id,))  # not sent yet
    world.clock.advance(3600)
    assert await world.polls.close_due() == 1
    await world.settle()
    assert world.edits(cmid) == []
    await world.polls.sent(f"poll:{poll_id}", cmid)  # the runner reports the send
    await world.settle()
    message = next(m for m in world.emu.history(world.chat.peer_id) if m.cmid == cmid)
    assert len(world.edits(cmid)) == 1
    assert "Опрос завершён" in message.text and not (message.keyboard or {}).get("buttons")
    await world.polls.sent(f"poll:{poll_id}", cmid)  # reported twice: nothing more
    await world.settle()
    assert len(world.edits(cmid)) == 1


def test_a_snackbar_names_a_long_option_shortened_and_stays_within_90_characters() -> None:
    option = "Очень длинный вариант ответа, который не поместится во всплывающее сообщение целиком"
    snack = views.vote_snack(r.Voted(option, changed=False))
    assert snack.startswith("Голос учтён: Очень длинный") and snack.endswith("…") and len(snack) <= 90
    assert views.vote_snack(r.QuizAnswered(right=True)) == t.SNACK_RIGHT
    assert views.vote_snack(r.VoteRefused(r.Refusal.ANSWERED)) == t.SNACK_ANSWERED
    assert views.vote_snack(r.SameVote("Да")) == "Ваш голос уже учтён: Да"
