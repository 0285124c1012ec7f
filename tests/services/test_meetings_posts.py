"""Meetings and scheduled posts on a real database and the VK emulator with a fixed clock: who may
start them, reminders moved out of quiet hours, a reminder missed while the bot was down dropped
rather than sent late, the call VK refuses to start (the author told, nothing posted), ticks
racing each other (every step once), a post whose chat was unbound, the dialog's mistakes."""

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
from bot.domain.errors import UserError
from bot.repo import chats as chat_repo
from bot.repo import meetings as meeting_repo
from bot.repo import people as people_repo
from bot.repo import schedule as post_repo
from bot.repo.chats import Chat
from bot.runtime.app import App, create_app
from bot.services.meetings import Meetings
from bot.services.schedule import Schedule
from bot.texts import meetings as mt
from bot.texts import posts as pt
from bot.domain.when import Moment
from bot.services import meetings_results as mr
from bot.services import schedule_results as sr
from handlers import meetings_views, posts_views
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

TZ = ZoneInfo("Europe/Moscow")
NOON = datetime(2026, 11, 18, 12, 0, tzinfo=TZ).timestamp()  # a Wednesday


def at(day: int, hour: int, minute: int = 0) -> int:
    return int(datetime(2026, 11, day, hour, minute, tzinfo=TZ).timestamp())


@dataclass
class World:
    emu: Emulator
    app: App
    clock: FixedClock
    school: School
    chat: Chat

    @property
    def meetings(self) -> Meetings:
        return Meetings.of(self.app)

    @property
    def posts(self) -> Schedule:
        return Schedule.of(self.app)

    async def settle(self) -> None:
        await asyncio.wait_for(self.app.runner.drained(), 10)

    async def tick(self) -> int:
        done = await self.meetings.tick() + await self.posts.tick()
        await self.settle()
        return done

    async def meeting(self, day: str, hour: str, topic: str = "Итоги четверти") -> int:
        caller = await self.app.access.caller(self.school.vk["teacher"])
        started = await self.meetings.start(caller, self.chat)
        draft = await self.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'meeting_draft'")
        assert started == mr.Started(True, mr.AskDay(draft, "5А — ученики", int(self.app.now()), TZ))
        await self.meetings.step(caller, draft, "day", day)
        await self.meetings.step(caller, draft, "time", hour)
        await self.meetings.typed(caller, draft, topic)
        await self.meetings.publish(caller, draft)
        await self.settle()
        return await self.app.db.fetchval("SELECT MAX(id) FROM meeting")

    async def post(self, text: str, when: str, *, force: bool = False) -> int:
        caller = await self.app.access.caller(self.school.vk["teacher"])
        await self.posts.start(caller, self.chat, "post")
        draft = await self.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'post_draft'")
        await self.posts.typed(caller, draft, text, None, [])
        await self.posts.typed(caller, draft, when, None, [])
        await self.posts.schedule(caller, draft, force=force)
        return await self.app.db.fetchval("SELECT MAX(id) FROM post")

    def chat_texts(self) -> list[str]:
        return [m.text for m in self.emu.sent(self.chat.peer_id)]


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
        members = [school.vk[k] for k in ("kid", "kid2", "other")]
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


async def test_only_the_chats_staff_start_meetings_and_posts(world: World) -> None:
    for who in ("other", "kid"):  # a teacher of another class; a student
        caller = await world.app.access.caller(world.school.vk[who])
        with pytest.raises(UserError) as caught:
            await world.meetings.start(caller, world.chat)
        assert caught.value.message == mt.NOT_CHAT_STAFF
        with pytest.raises(UserError) as caught:
            await world.posts.start(caller, world.chat, "material")
        assert caught.value.message == pt.NOT_CHAT_STAFF


async def test_reminders_are_placed_out_of_quiet_hours(world: World) -> None:
    # students' chat: quiet 22:00–07:00. A meeting at 07:20 on Friday: the hour-before reminder
    # (06:20) cannot wait for 07:00 (too close to the start): 21:45 on Thursday
    meeting_id = await world.meeting("2026-11-20", "07:20")
    meeting = await meeting_repo.get(world.app.db, meeting_id)
    assert meeting is not None
    assert meeting.day_at == at(19, 7, 20)
    assert meeting.hour_at == at(19, 21, 45)
    assert meeting.call_at == at(20, 7, 10)
    # the moved reminder names the start as it is from the evening before
    world.clock.at = at(19, 7, 20)
    assert await world.tick() == 1
    world.clock.at = at(19, 21, 45)
    assert await world.tick() == 1
    reminders = [s for s in world.chat_texts() if s.startswith("🔔")]
    assert reminders == ["🔔 Напоминание: собрание «Итоги четверти» — завтра в 07:20. Если ещё не ответили — "
                         "нажмите кнопку."] * 2, reminders


async def test_a_reminder_missed_while_down_is_dropped_and_a_refused_call_is_told(world: World) -> None:
    meeting_id = await world.meeting("2026-11-19", "18:00")
    world.clock.at = at(19, 17, 5)  # the bot was down through the day-before reminder (18:00 on Wednesday)
    world.emu.fail_next("calls.start", 15)
    assert await world.tick() == 1  # only the hour-before reminder
    texts_ = world.chat_texts()
    assert not any("Напоминание: собрание" in s for s in texts_)
    assert sum("Через час собрание «Итоги четверти»" in s for s in texts_) == 1
    world.clock.at = at(19, 17, 51)
    assert await world.tick() == 0  # VK refused to start the call
    told = [m.text for m in world.emu.sent(world.school.vk["teacher"]) if "Не удалось создать звонок" in m.text]
    assert len(told) == 1 and "«Итоги четверти»" in told[0]
    assert not any("Ссылка на видеозвонок VK:" in s for s in world.chat_texts())
    meeting = await meeting_repo.get(world.app.db, meeting_id)
    assert meeting is not None and meeting.call_done and meeting.status == "done"
    assert await world.tick() == 0


async def test_racing_ticks_send_each_post_and_reminder_once(world: World) -> None:
    await world.meeting("2026-11-19", "18:00")
    await world.post("Не забудьте форму на физкультуру", "завтра 17:50")
    world.clock.at = at(19, 17, 51)  # everything is due at once: hour reminder, call, the post
    results = await asyncio.gather(*(world.meetings.tick() for _ in range(3)),
                                   *(world.posts.tick() for _ in range(3)))
    await world.settle()
    assert sum(results) == 3
    texts_ = world.chat_texts()
    assert sum("Не забудьте форму" in s for s in texts_) == 1
    assert sum("Скоро собрание" in s or "Через час собрание" in s for s in texts_) == 1
    assert sum("Ссылка на видеозвонок VK:" in s for s in texts_) == 1
    assert len(world.emu.started_calls) == 1


async def test_a_post_for_a_chat_no_longer_bound_is_not_sent_and_the_author_told(world: World) -> None:
    post_id = await world.post("Экскурсия переносится", "13:00")
    await world.app.db.execute("UPDATE chat SET org_id = NULL, type = NULL WHERE id = ?", (world.chat.id,))
    world.clock.at = at(18, 13, 0)
    assert await world.tick() == 0
    post = await post_repo.get(world.app.db, post_id)
    assert post is not None and post.status == "cancelled"
    assert any("беседа больше не привязана" in m.text for m in world.emu.sent(world.school.vk["teacher"]))
    assert not any("Экскурсия" in s for s in world.chat_texts())


async def test_dialog_mistakes_say_what_to_do(world: World) -> None:
    caller = await world.app.access.caller(world.school.vk["teacher"])
    await world.posts.start(caller, world.chat, "material")
    draft = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'post_draft'")
    with pytest.raises(UserError) as caught:
        await world.posts.typed(caller, draft, "  ", None, [])
    assert caught.value.message == pt.CONTENT_EMPTY
    await world.posts.typed(caller, draft, "Параграф 5", None, [])
    await world.posts.typed(caller, draft, "завтра 10:00", None, [])
    with pytest.raises(UserError) as caught:
        await world.posts.typed(caller, draft, "завтра 09:00", None, [])  # the lesson before the post
    assert "Урок должен быть позже публикации (завтра в 10:00)" in caught.value.message
    with pytest.raises(UserError) as caught:
        await world.posts.typed(caller, draft, "вчера 09:00", None, [])
    assert "Не понял дату «вчера»" in caught.value.message
    preview = await world.posts.typed(caller, draft, "завтра 11:30", None, [])
    assert isinstance(preview, sr.Preview) and preview.text == "Параграф 5" and preview.quiet is None
    assert (preview.lesson, preview.report) == (Moment(at(19, 11, 30), int(NOON), TZ), Moment(at(19, 11), int(NOON), TZ))
    shown = posts_views.step(preview).text
    assert "Урок: завтра в 11:30" in shown and "Кто не прочитал, пришлю вам завтра в 11:00" in shown
    # someone else cannot edit or cancel the teacher's post
    await world.posts.schedule(caller, draft, force=False)
    post_id = await world.app.db.fetchval("SELECT MAX(id) FROM post")
    other = await world.app.access.caller(world.school.vk["other"])
    with pytest.raises(UserError) as caught:
        await world.posts.cancel_ask(other, post_id)
    assert caught.value.message == pt.NOT_YOURS


async def test_a_cancelled_meeting_says_so_and_sends_nothing_more(world: World) -> None:
    meeting_id = await world.meeting("2026-11-20", "18:00", topic="Выпускной")
    caller = await world.app.access.caller(world.school.vk["teacher"])
    kid = await world.app.access.caller(world.school.vk["kid"])
    with pytest.raises(UserError) as caught:
        await world.meetings.cancel_ask(kid, meeting_id)
    assert caught.value.message == mt.NOT_YOURS
    ask = await world.meetings.cancel_ask(caller, meeting_id)
    action = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'meeting_cancel'")
    assert ask == mr.CancelAsked(action, "Выпускной", Moment(at(20, 18), int(NOON), TZ), "5А — ученики")
    assert "Отменить собрание «Выпускной» (пт 20.11 в 18:00)" in meetings_views.cancel_asked(ask).text
    done = await world.meetings.cancel_apply(caller, action, meeting_id)
    await world.settle()
    assert done == mr.Cancelled("5А — ученики")
    # the invitation edited in place (its buttons gone) and one notice in the chat
    assert sum("❌ Собрание «Выпускной» (пт 20.11 в 18:00) отменено." in s for s in world.chat_texts()) == 2
    sent = [c for c in world.emu.calls if c.method == "messages.send"
            and "отменено" in str(c.params.get("message", ""))]
    assert len(sent) == 1
    with pytest.raises(UserError) as caught:  # once
        await world.meetings.cancel_apply(caller, action, meeting_id)
    assert caught.value.message == mt.ALREADY_OVER
    kid_vk = world.school.vk["kid"]
    assert await world.meetings.answer(kid_vk, world.chat.peer_id, None, meeting_id, True) == mr.Answer.GONE
    mark = len(world.chat_texts())
    for moment in (at(19, 18), at(20, 17), at(20, 17, 50)):
        world.clock.at = moment
        assert await world.tick() == 0
    assert len(world.chat_texts()) == mark and not world.emu.started_calls


async def test_who_is_coming_by_person_outside_parents_chats(world: World) -> None:
    meeting_id = await world.meeting("2026-11-20", "15:00", topic="Субботник")
    peer = world.chat.peer_id
    assert await world.meetings.answer(world.school.vk["kid"], peer, None, meeting_id, True) == mr.Answer.COMING
    assert await world.meetings.answer(world.school.vk["kid"], peer, None, meeting_id, True) == mr.Answer.SAME
    assert await world.meetings.answer(world.school.vk["other"], peer, None, meeting_id, False) == mr.Answer.NOT_COMING
    assert await world.meetings.answer(world.school.vk["kid"], peer + 1, None, meeting_id, True) == mr.Answer.GONE
    caller = await world.app.access.caller(world.school.vk["teacher"])
    who = await world.meetings.who(caller, meeting_id)
    assert (who.by_family, who.yes, who.no, who.silent, who.total, who.answered) == (
        False, ("Иванов Петя",), ("Другой Олег",), ("Сидоров Вася",), 3, True)
    report = meetings_views.attendance(who).text
    assert "Придут 1, не смогут 1, не ответили 1 из 3." in report, report
    assert "Придут:\n— Иванов Петя" in report and "Не смогут:\n— Другой Олег" in report
    assert "Не ответили:\n— Сидоров Вася" in report


async def test_material_in_a_parents_chat_reports_by_family(world: World) -> None:
    db, emu, school = world.app.db, world.emu, world.school
    await add_student(db, emu, school, "kid4", "Оля", "Смирнова", "5А", parent=("mom4", "Ирина", "Смирнова"))
    await add_student(db, emu, school, "kid5", "Дима", "Орлов", "5А", parent=("mom5", "Нина", "Орлова"))
    peer = emu.create_chat("5А — родители", school.vk["teacher"], [school.vk["mom4"], school.vk["mom5"]],
                           with_bot=True, bot_admin=True)
    chat, _ = await chat_repo.ensure(db, peer, added_by=school.vk["teacher"], now=world.app.now())
    class_id = await people_repo.class_id(db, school.org.id, parse_class("5А"))
    await chat_repo.bind(db, chat.id, org_id=school.org.id, type_="parents_class", class_id=class_id,
                         subject=None, title="5А — родители", leader_id=school.person["teacher"])
    parents_chat = await chat_repo.get(db, chat.id)
    assert parents_chat is not None
    caller = await world.app.access.caller(school.vk["teacher"])
    await world.posts.start(caller, parents_chat, "material")
    draft = await db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'post_draft'")
    await world.posts.typed(caller, draft, "Памятка к экскурсии", None, [])
    await world.posts.typed(caller, draft, "13:00", None, [])
    await world.posts.typed(caller, draft, "завтра 10:00", None, [])
    await world.posts.schedule(caller, draft, force=False)
    post_id = await db.fetchval("SELECT MAX(id) FROM post")
    world.clock.at = at(18, 13, 0)
    assert await world.tick() == 1
    assert await world.posts.read(school.vk["mom4"], peer, None, post_id) == sr.ReadMark.READ
    assert await world.posts.read(school.vk["mom4"], peer, None, post_id) == sr.ReadMark.AGAIN
    assert await world.posts.read(school.vk["mom4"], peer + 1, None, post_id) == sr.ReadMark.GONE
    world.clock.at = at(19, 9, 30)
    assert await world.tick() == 1
    report = [m.text for m in emu.sent(school.vk["teacher"]) if "Памятка" in m.text or "прочитали" in m.text][-1]
    # the class has four children; only the families with a parent in the chat's audience count
    assert "Ещё не прочитали (по семьям):" in report and "— семья ученика Орлов Дима" in report, report
    assert "Смирнова Оля" not in report
    assert report.startswith("Материал к уроку (сегодня в 10:00) в беседе «5А — родители»: прочитали 1 из 2."), report


async def test_editing_material_keeps_the_lesson_after_the_post(world: World) -> None:
    caller = await world.app.access.caller(world.school.vk["teacher"])
    await world.posts.start(caller, world.chat, "material")
    draft = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'post_draft'")
    await world.posts.typed(caller, draft, "Параграф 7", None, [])
    await world.posts.typed(caller, draft, "завтра 08:00", None, [])
    await world.posts.typed(caller, draft, "завтра 10:00", None, [])
    await world.posts.schedule(caller, draft, force=False)
    post_id = await world.app.db.fetchval("SELECT MAX(id) FROM post")
    menu = await world.posts.edit_menu(caller, post_id)
    assert menu == sr.EditMenu(post_id, "Параграф 7", material=True)
    assert pt.BUTTON_EDIT_LESSON in (posts_views.edit_menu(menu).keyboard or "")
    # the lesson moved earlier than the publication: refused, the same step waits for another time
    await world.posts.edit_start(caller, post_id, "lesson")
    edit = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'post_draft'")
    with pytest.raises(UserError) as caught:
        await world.posts.typed(caller, edit, "завтра 07:30", None, [])
    assert "Урок должен быть позже публикации (завтра в 08:00)" in caught.value.message
    done = await world.posts.typed(caller, edit, "20.11 09:00", None, [])
    assert done == sr.EditedLesson(Moment(at(20, 9), int(NOON), TZ), Moment(at(20, 8, 30), int(NOON), TZ))
    assert posts_views.step(done).text == pt.EDITED_LESSON.format(lesson="пт 20.11 в 09:00", report="пт 20.11 в 08:30")
    post = await post_repo.get(world.app.db, post_id)
    assert post is not None and post.deadline == at(20, 9) and post.report_at == at(20, 8, 30)
    # the publication moved after the lesson: refused as well
    await world.posts.edit_start(caller, post_id, "time")
    edit = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'post_draft'")
    with pytest.raises(UserError):
        await world.posts.typed(caller, edit, "20.11 09:30", None, [])
    done = await world.posts.typed(caller, edit, "20.11 07:45", None, [])
    assert done == sr.Edited(Moment(at(20, 7, 45), int(NOON), TZ))
    assert posts_views.step(done).text == pt.EDITED.format(due="пт 20.11 в 07:45")
    post = await post_repo.get(world.app.db, post_id)
    assert post is not None and post.due_at == at(20, 7, 45) and post.deadline == at(20, 9)


async def test_an_invitation_nobody_answered_is_known_from_its_send_and_edited_when_cancelled(world: World) -> None:
    """The invitation's cmid comes from the send (the runner's tracked send), not from a first press."""
    meeting_id = await world.meeting("2026-11-20", "18:00", topic="Выпускной")
    invitation = next(m for m in world.emu.sent(world.chat.peer_id) if "Выпускной" in m.text)
    meeting = await meeting_repo.get(world.app.db, meeting_id)
    assert meeting is not None and meeting.cmid == invitation.cmid
    caller = await world.app.access.caller(world.school.vk["teacher"])
    await world.meetings.cancel_ask(caller, meeting_id)
    action = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'meeting_cancel'")
    await world.meetings.cancel_apply(caller, action, meeting_id)
    await world.settle()
    edited = next(m for m in world.emu.history(world.chat.peer_id) if m.cmid == invitation.cmid)
    assert "отменено" in edited.text and not (edited.keyboard or {}).get("buttons")


async def test_an_invitation_cancelled_before_it_went_out_is_edited_once_sent(world: World) -> None:
    meeting_id = await world.meeting("2026-11-20", "18:00", topic="Выпускной")
    invitation = next(m for m in world.emu.sent(world.chat.peer_id) if "Выпускной" in m.text)
    await world.app.db.execute("UPDATE meeting SET cmid = NULL WHERE id = ?", (meeting_id,))  # not sent yet
    caller = await world.app.access.caller(world.school.vk["teacher"])
    await world.meetings.cancel_ask(caller, meeting_id)
    action = await world.app.db.fetchval("SELECT MAX(id) FROM pending_action WHERE kind = 'meeting_cancel'")
    await world.meetings.cancel_apply(caller, action, meeting_id)
    await world.settle()
    assert "отменено" not in next(m for m in world.emu.history(world.chat.peer_id)
                                  if m.cmid == invitation.cmid).text
    await world.meetings.sent(f"meet:{meeting_id}", invitation.cmid)
    await world.settle()
    edited = next(m for m in world.emu.history(world.chat.peer_id) if m.cmid == invitation.cmid)
    assert "отменено" in edited.text and not (edited.keyboard or {}).get("buttons")
