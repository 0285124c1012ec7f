"""Issue 5 through vkemu with the real bot: an obscene message deleted, its author warned and a
moderator alerted; «Исключить» removes the author; a third strike mutes; a muted person's next
message is deleted; quiet hours; staff are never sanctioned; «Ложное срабатывание» stops the
same word from firing again in that school. Time is injected with a FixedClock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.texts import moderation as t
from bot.domain.clock import FixedClock
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import moderation as mod_repo
from bot.repo.chats import Chat
from tests.e2e.conftest import BotHarness
from tests.e2e.seed import School, add_staff, add_student, make_school
from vkemu import Emulator

MSK = ZoneInfo("Europe/Moscow")
NOON = datetime(2026, 9, 21, 12, 0, tzinfo=MSK).timestamp()  # a Monday afternoon: not quiet
RUDE = "ну ты и дебил"


@pytest.fixture
async def clock() -> FixedClock:
    return FixedClock(NOON)


@pytest.fixture
async def harness(emu: Emulator, tmp_path: Path, clock: FixedClock) -> AsyncIterator[BotHarness]:
    h = BotHarness(emu, tmp_path / "bot.db", clock=clock)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()


async def _world(emu: Emulator, harness: BotHarness) -> tuple[School, Chat]:
    """A school with a students' chat of 5А created through the bot, two students inside."""
    db = harness.db
    school = await make_school(db, emu, "sch-a", "Школа № 1", None)
    await add_staff(db, emu, school, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, school, "teacher", "Мария", "Классная", [("class_teacher", "5А")])
    await add_staff(db, emu, school, "moderator", "Игорь", "Модеров", [("moderator", None)])
    await add_student(db, emu, school, "kid", "Петя", "Иванов", "5А")
    await add_student(db, emu, school, "kid2", "Вася", "Сидоров", "5А")
    teacher = school.vk["teacher"]
    mark = len(emu.sent(teacher))
    emu.user_message(teacher, teacher, "/создать ученики 5А")
    answer = await emu.wait_sent(teacher, since=mark, timeout=10)
    assert "создана" in answer.text, answer.text
    chat = (await chat_repo.in_org(db, school.org.id))[0]
    for kid in ("kid", "kid2"):
        emu.join_by_link(chat.peer_id, school.vk[kid])
    for kid in ("kid", "kid2"):
        await harness.wait_until(lambda k=kid: member_repo.get(db, chat.id, school.vk[k]))
    return school, chat


async def _say(emu: Emulator, harness: BotHarness, peer: int, vk_id: int, text: str) -> int:
    """Post a message and wait until the bot has handled it."""
    assert harness.runner is not None
    bot = harness.runner.bot
    before = bot.handled
    cmid = emu.user_message(peer, vk_id, text)

    async def handled() -> bool:
        return bot.handled > before

    await harness.wait_until(handled)
    await harness.settled()  # and the actions its decision recorded performed
    return cmid


def _deleted(emu: Emulator, peer: int, cmid: int) -> bool:
    return any(m.peer_id == peer and m.cmid == cmid for m in emu.deleted)


def _button(alert, label: str) -> dict:
    button = next(b for row in alert.keyboard["buttons"] for b in row if b["action"]["label"] == label)
    return json.loads(button["action"]["payload"])


async def test_obscene_message_deleted_warned_alerted_and_kick_button(emu, harness) -> None:
    school, chat = await _world(emu, harness)
    kid, mod, admin = school.vk["kid"], school.vk["moderator"], school.vk["admin"]
    mark, mod_mark = len(emu.sent(chat.peer_id)), len(emu.sent(mod))
    cmid = emu.user_message(chat.peer_id, kid, "это пиздец")
    await emu.wait_for(lambda: _deleted(emu, chat.peer_id, cmid))
    await emu.wait_sent(chat.peer_id, contains="Это предупреждение", since=mark)
    await emu.wait_sent(kid, contains="Активных предупреждений: 1")
    alert = await emu.wait_sent(mod, contains="Нарушение", since=mod_mark)
    assert "п****ц" in alert.text and "Петя Иванов" in alert.text and "5А — ученики" in alert.text

    # the school admin got the same alert; both press «Исключить» at once: exactly one acts
    admin_alert = await emu.wait_sent(admin, contains="Нарушение")
    await harness.settled()
    marks = len(emu.sent(mod)), len(emu.sent(admin))
    emu.press_button(mod, mod, alert.cmid, _button(alert, t.BUTTON_KICK))
    emu.press_button(admin, admin, admin_alert.cmid, _button(admin_alert, t.BUTTON_KICK))
    # removing a child is asked first; both confirm at once
    asks = [await emu.wait_sent(who, contains="Кнопкой это не отменить", since=mark)
            for who, mark in ((mod, marks[0]), (admin, marks[1]))]
    assert kid in emu.chat(chat.peer_id).members
    count = len(emu.snackbars)
    emu.press_button(mod, mod, asks[0].cmid, _button(asks[0], t.BUTTON_KICK_CONFIRM))
    emu.press_button(admin, admin, asks[1].cmid, _button(asks[1], t.BUTTON_KICK_CONFIRM))
    await emu.wait_for(lambda: kid not in emu.chat(chat.peer_id).members)
    await emu.wait_for(lambda: len(emu.snackbars) >= count + 2)
    answers = sorted(s.event_data["text"] for s in emu.snackbars[count:])
    assert answers == sorted([t.ACTED["kick"], "Уже решено: " + t.ACTED["kick"]]), answers
    assert (await member_repo.get(harness.db, chat.id, kid)).state == "removed"
    removals = await harness.db.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'remove'")
    assert removals == 1
    # every copy of the alert now says who acted, and has no buttons left
    for peer, copy in ((mod, alert), (admin, admin_alert)):
        await emu.wait_for(lambda: next(m for m in emu.history(peer) if m.cmid == copy.cmid).edits)
        edited = next(m for m in emu.history(peer) if m.cmid == copy.cmid)
        assert t.ACTED["kick"] in edited.text and not edited.keyboard


async def test_third_strike_mutes_and_muted_message_is_deleted(emu, harness, clock) -> None:
    emu.restrictions_supported = False  # VK refuses the read-only mute: the bot deletes on arrival
    school, chat = await _world(emu, harness)
    kid, peer = school.vk["kid"], chat.peer_id
    for expected in ("Это предупреждение", "на 1 час", "на 1 день"):
        mark = len(emu.sent(peer))
        cmid = await _say(emu, harness, peer, kid, RUDE)
        assert _deleted(emu, peer, cmid)
        await emu.wait_sent(peer, contains=expected, since=mark)
        clock.advance(2 * 3600)  # past the one-hour mute; strikes last 30 days
    assert await mod_repo.active_strikes(harness.db, chat.id, kid, harness.app.now()) == 3
    assert await mod_repo.muted_until(harness.db, chat.id, kid, harness.app.now())
    cmid = await _say(emu, harness, peer, kid, "а можно вопрос по домашке?")
    assert _deleted(emu, peer, cmid)  # the soft mute
    other = await _say(emu, harness, peer, school.vk["kid2"], "а можно вопрос по домашке?")
    assert not _deleted(emu, peer, other)


async def test_quiet_hours(emu, harness, clock) -> None:
    school, chat = await _world(emu, harness)
    peer = chat.peer_id
    clock.at = datetime(2026, 9, 21, 23, 15, tzinfo=MSK).timestamp()
    mark = len(emu.sent(peer))
    first = await _say(emu, harness, peer, school.vk["kid"], "кто сделал алгебру?")
    await emu.wait_sent(peer, contains="время тишины с 22:00 до 07:00", since=mark)
    second = await _say(emu, harness, peer, school.vk["kid2"], "я сделал")
    assert _deleted(emu, peer, first) and _deleted(emu, peer, second)
    assert len([m for m in emu.sent(peer)[mark:] if "время тишины" in m.text]) == 1  # one notice per night
    announcement = await _say(emu, harness, peer, school.vk["teacher"], "Завтра контрольная, не забудьте!")
    assert not _deleted(emu, peer, announcement)  # staff announcements are exempt
    assert await harness.db.fetchval("SELECT COUNT(*) FROM strike") == 0


async def test_staff_member_is_never_sanctioned(emu, harness) -> None:
    school, chat = await _world(emu, harness)
    peer = chat.peer_id
    co = await add_staff(harness.db, emu, school, "coteacher", "Ирина", "Вторая", [("class_teacher", "5А")])
    emu.join_by_link(peer, co)
    await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, co))
    mark = len(emu.sent(peer))
    for who in ("teacher", "coteacher"):
        cmid = await _say(emu, harness, peer, school.vk[who], "это пиздец какой-то, а не расписание")
        assert not _deleted(emu, peer, cmid)
    assert not [m for m in emu.sent(peer)[mark:] if "предупреждение" in m.text]
    assert await harness.db.fetchval("SELECT COUNT(*) FROM strike") == 0
    assert await harness.db.fetchval("SELECT COUNT(*) FROM audit_log WHERE action IN ('delete', 'warn')") == 0
    assert not emu.sent(school.vk["moderator"])
    # nor by hand: the chat's leader cannot mute another member of the staff
    target = await _say(emu, harness, peer, co, "Тишина в чате!")
    emu.user_message(peer, school.vk["teacher"], "/мут 1ч", reply_to_cmid=target)
    await emu.wait_sent(peer, contains="Сотрудников беседы нельзя", since=mark)
    assert await mod_repo.muted_until(harness.db, chat.id, co, harness.app.now()) is None


def _labels(message) -> list[str]:
    return [b["action"]["label"] for row in (message.keyboard or {}).get("buttons", []) for b in row]


async def _press(emu: Emulator, harness: BotHarness, who: int, message, label: str) -> str:
    """Press a button of a message the bot sent privately; returns the snackbar."""
    count = len(emu.snackbars)
    emu.press_button(who, who, message.cmid, _button(message, label))
    await emu.wait_for(lambda: len(emu.snackbars) > count)
    await harness.settled()
    return emu.snackbars[count].event_data["text"]


def _current(emu: Emulator, peer: int, message):
    return next(m for m in emu.history(peer) if m.cmid == message.cmid)


async def test_moderator_console_decide_undo_and_allow_a_word_in_one_chat_only(emu, harness) -> None:
    """The moderator's path by buttons only: an alert is decided (mute), undone, then the word is
    allow-listed for this chat only after choosing the scope and confirming; another chat of the
    same school still moderates the word."""
    emu.restrictions_supported = False
    school, chat = await _world(emu, harness)
    kid, mod, peer = school.vk["kid"], school.vk["moderator"], chat.peer_id
    mod_mark = len(emu.sent(mod))
    first = emu.user_message(peer, kid, RUDE)
    alert = await emu.wait_sent(mod, contains="Нарушение", since=mod_mark)
    await emu.wait_for(lambda: _deleted(emu, peer, first))
    await harness.settled()
    assert "Сообщение: «ну ты и дебил»" in alert.text and "Петя Иванов, 5А" in alert.text
    assert t.BUTTON_WARN not in _labels(alert)  # the bot already warned: no second strike offered

    # decide: mute; the alert is edited in place with who decided and only undo / «Снять мут»
    snack = await _press(emu, harness, mod, alert, t.BUTTON_MUTE)
    assert snack == "запрет писать на 1 час"
    assert await mod_repo.muted_until(harness.db, chat.id, kid, harness.app.now())
    edited = _current(emu, mod, alert)
    assert "Решение: запрет писать на 1 час — Игорь Модеров" in edited.text
    assert _labels(edited) == [t.BUTTON_UNDO, t.BUTTON_UNMUTE]

    # undo: the mute is lifted, the alert open again with its buttons
    snack = await _press(emu, harness, mod, edited, t.BUTTON_UNDO)
    assert snack.startswith("Решение отменено")
    assert await mod_repo.muted_until(harness.db, chat.id, kid, harness.app.now()) is None
    edited = _current(emu, mod, alert)
    assert "отменено — Игорь Модеров" in edited.text and t.BUTTON_FALSE in _labels(edited)

    # «Ложное срабатывание» asks where, then confirms; only then the word is allowed, in this chat
    mark = len(emu.sent(mod))
    assert await _press(emu, harness, mod, edited, t.BUTTON_FALSE) == t.FP_ASKED_SNACK
    ask = await emu.wait_sent(mod, since=mark)
    assert _labels(ask) == [t.BUTTON_SCOPE["m"], t.BUTTON_SCOPE["c"], t.BUTTON_SCOPE["s"], t.BUTTON_CANCEL]
    assert not await mod_repo.allow_words(harness.db, school.org.id, chat.id)
    mark = len(emu.sent(mod))
    await _press(emu, harness, mod, ask, t.BUTTON_SCOPE["c"])
    confirm = await emu.wait_sent(mod, since=mark)
    assert "в беседе «5А — ученики»" in confirm.text
    assert not await mod_repo.allow_words(harness.db, school.org.id, chat.id)
    assert _labels(_current(emu, mod, ask)) == [] and "Выбрано: В этой беседе" in _current(emu, mod, ask).text
    assert await _press(emu, harness, mod, confirm, t.BUTTON_ALLOW) == t.FP_ACTED["c"]
    assert _labels(_current(emu, mod, confirm)) == []  # the used dialog keeps no buttons
    assert await mod_repo.allow_words(harness.db, school.org.id, chat.id) == {"дебил"}
    assert await mod_repo.allow_words(harness.db, school.org.id) == frozenset()  # not the school
    assert await mod_repo.active_strikes(harness.db, chat.id, kid, harness.app.now()) == 0
    assert _labels(_current(emu, mod, alert)) == [t.BUTTON_UNDO]

    again = await _say(emu, harness, peer, school.vk["kid2"], "Дебил — это персонаж из книги")
    assert not _deleted(emu, peer, again)

    # another chat of the school still moderates the word
    admin = school.vk["admin"]
    mark = len(emu.sent(admin))
    emu.user_message(admin, admin, "/создать предмет математика 5А")
    answer = await emu.wait_sent(admin, since=mark, timeout=10)
    assert "создана" in answer.text, answer.text
    other = next(c for c in await chat_repo.in_org(harness.db, school.org.id) if c.id != chat.id)
    emu.join_by_link(other.peer_id, school.vk["kid2"])
    await harness.wait_until(lambda: member_repo.get(harness.db, other.id, school.vk["kid2"]))
    await harness.settled()
    there = emu.user_message(other.peer_id, school.vk["kid2"], RUDE)
    await emu.wait_for(lambda: _deleted(emu, other.peer_id, there))


async def test_manual_commands_in_chat(emu, harness) -> None:
    school, chat = await _world(emu, harness)
    peer, kid, teacher = chat.peer_id, school.vk["kid"], school.vk["teacher"]
    target = await _say(emu, harness, peer, kid, "ничего не буду делать")
    mark = len(emu.sent(peer))
    emu.user_message(peer, teacher, "/мут завтра", reply_to_cmid=target)
    answer = await emu.wait_sent(peer, since=mark)
    assert "Неверный срок" in answer.text and "/мут Петров 1ч" in answer.text
    emu.user_message(peer, teacher, "/пред грубость", reply_to_cmid=target)
    await emu.wait_sent(peer, contains=t.WARNED.format(count=1), since=mark)
    emu.user_message(peer, school.vk["kid2"], "/кик", reply_to_cmid=target)
    await emu.wait_sent(peer, contains="нет прав", since=mark)
    emu.user_message(peer, teacher, "/политика мат тихо")
    await emu.wait_sent(peer, contains="тихий режим", since=mark)
    assert (await chat_repo.get(harness.db, chat.id)).overrides == {"obscene": "тихо"}
    emu.user_message(peer, teacher, "/кик", reply_to_cmid=target)
    await emu.wait_for(lambda: kid not in emu.chat(peer).members)


async def test_a_muted_students_signal_still_reaches_the_class_teacher(emu, harness) -> None:
    emu.restrictions_supported = False  # the soft mute: the bot deletes what the student writes
    school, chat = await _world(emu, harness)
    peer, kid, teacher = chat.peer_id, school.vk["kid"], school.vk["teacher"]
    target = await _say(emu, harness, peer, kid, "ничего не буду делать")
    mark = len(emu.sent(peer))
    emu.user_message(peer, teacher, "/мут 2ч", reply_to_cmid=target)
    await harness.wait_until(lambda: mod_repo.muted_until(harness.db, chat.id, kid, harness.app.now()))
    await harness.settled()
    teacher_mark = len(emu.sent(teacher))
    cmid = emu.user_message(peer, kid, "я больше не хочу жить")
    await emu.wait_for(lambda: _deleted(emu, peer, cmid))  # the mute holds
    signal = await emu.wait_sent(teacher, contains="Конфиденциально", since=teacher_mark)
    assert "я больше не хочу жить" not in [m.text for m in emu.sent(peer)[mark:]]  # never public
    assert "Петя Иванов" in signal.text


async def test_unmute_by_name_from_private_messages(emu, harness) -> None:
    emu.restrictions_supported = False
    school, chat = await _world(emu, harness)
    peer, kid, mod = chat.peer_id, school.vk["kid"], school.vk["moderator"]
    target = await _say(emu, harness, peer, kid, "ничего не буду делать")
    emu.user_message(peer, school.vk["teacher"], "/мут 2ч", reply_to_cmid=target)
    await harness.wait_until(lambda: mod_repo.muted_until(harness.db, chat.id, kid, harness.app.now()))
    await harness.settled()
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/размут Иванов")
    answer = await emu.wait_sent(mod, since=mark)
    assert answer.text == f"Иванов Петя, «5А — ученики»: {t.UNMUTED}"
    assert await mod_repo.muted_until(harness.db, chat.id, kid, harness.app.now()) is None
    # by @mention too; nobody muted any more
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, f"/размут @id{kid}")
    answer = await emu.wait_sent(mod, since=mark)
    assert t.NOT_MUTED in answer.text
    # by a screen name typed privately (read from VK)
    emu.users[kid].screen_name = "petya_ivanov"
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/мут @petya_ivanov 1ч")
    answer = await emu.wait_sent(mod, since=mark)
    assert answer.text == f"Иванов Петя, «5А — ученики»: {t.MUTED.format(duration='1 час')}"
    # an unknown name is a clear answer
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/размут Несуществующий")
    answer = await emu.wait_sent(mod, since=mark)
    assert "Не нашёл «Несуществующий»" in answer.text and "@id" in answer.text


async def test_ambiguous_name_gets_buttons_and_rights_are_checked_in_the_targets_school(emu, harness) -> None:
    emu.restrictions_supported = False
    school, chat = await _world(emu, harness)
    db, peer, mod = harness.db, chat.peer_id, school.vk["moderator"]
    twin = await add_student(db, emu, school, "twin", "Павел", "Иванов", "5А")
    emu.join_by_link(peer, twin)
    await harness.wait_until(lambda: member_repo.get(db, chat.id, twin))
    await harness.settled()
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/мут Иванов 30м")
    pick = await emu.wait_sent(mod, since=mark)
    assert "несколько человек" in pick.text
    labels = _labels(pick)
    assert "Иванов Петя — 5А — ученики" in labels and "Иванов Павел — 5А — ученики" in labels
    await _press(emu, harness, mod, pick, "Иванов Павел — 5А — ученики")
    assert await mod_repo.muted_until(db, chat.id, twin, harness.app.now())
    assert await mod_repo.muted_until(db, chat.id, school.vk["kid"], harness.app.now()) is None
    # «/размут Иванов»: of the two only one is muted, so no question is needed
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/размут Иванов")
    answer = await emu.wait_sent(mod, since=mark)
    assert answer.text == f"Иванов Павел, «5А — ученики»: {t.UNMUTED}"
    await _say(emu, harness, mod, mod, f"/мут @id{twin} 30м")  # muted again for what follows
    # a moderator of another school cannot act on these children by name
    other = await make_school(db, emu, "sch-b", "Школа № 2", None)
    stranger = await add_staff(db, emu, other, "moderator", "Олег", "Чужой", [("moderator", None)])
    mark = len(emu.sent(stranger))
    emu.user_message(stranger, stranger, "/размут Иванов Павел")
    answer = await emu.wait_sent(stranger, since=mark)
    assert "нет прав модератора" in answer.text
    assert await mod_repo.muted_until(db, chat.id, twin, harness.app.now())


async def test_commands_and_answers_in_a_childrens_chat_are_cleaned_up(emu, harness, clock) -> None:
    school, chat = await _world(emu, harness)
    peer, kid, teacher = chat.peer_id, school.vk["kid"], school.vk["teacher"]
    await _say(emu, harness, peer, kid, "ничего не буду делать")
    mark = len(emu.sent(peer))
    command = emu.user_message(peer, teacher, "/пред Иванов грубость")
    answer = await emu.wait_sent(peer, contains=t.WARNED.format(count=1), since=mark)
    await harness.settled()
    assert _deleted(emu, peer, command)  # the command goes at once
    assert not _deleted(emu, peer, answer.cmid)  # the answer stays a moment to be read
    mistake = emu.user_message(peer, teacher, "/мут")  # a usage answer is cleaned up just the same
    usage_answer = await emu.wait_sent(peer, contains="/мут", since=mark + 1)
    await harness.settled()
    assert _deleted(emu, peer, mistake)
    clock.advance(61)
    assert harness.app is not None
    harness.app.runner.wake()
    await emu.wait_for(lambda: _deleted(emu, peer, answer.cmid) and _deleted(emu, peer, usage_answer.cmid))


async def test_complaint_is_private_and_never_names_the_complainant(emu, harness) -> None:
    school, chat = await _world(emu, harness)
    peer, kid, kid2, mod = chat.peer_id, school.vk["kid"], school.vk["kid2"], school.vk["moderator"]
    target = await _say(emu, harness, peer, kid, "вы все неудачники")
    mark, kid_mark, mod_mark = len(emu.sent(peer)), len(emu.sent(kid)), len(emu.sent(mod))
    command = emu.user_message(peer, kid2, "/жалоба", reply_to_cmid=target)
    thanks = await emu.wait_sent(kid2, contains=t.COMPLAINT_SENT)
    alert = await emu.wait_sent(mod, contains="Жалоба", since=mod_mark)
    await harness.settled()
    assert _deleted(emu, peer, command) and not emu.sent(peer)[mark:]  # nothing public
    assert "вы все неудачники" in alert.text and "Вася Сидоров" in alert.text
    assert not [m for m in emu.sent(kid)[kid_mark:] if "Сидоров" in m.text or "Жалоба" in m.text]
    assert thanks.peer_id == kid2
    # a complaint without a reply: the explanation goes privately, the command is removed
    wrong = emu.user_message(peer, kid2, "/жалоба")
    await emu.wait_sent(kid2, contains=t.NEED_REPLY, since=len(emu.sent(kid2)) - 1)
    await harness.settled()
    assert _deleted(emu, peer, wrong) and not emu.sent(peer)[mark:]


async def test_help_in_a_childrens_chat_is_cleaned_up(emu, harness, clock) -> None:
    school, chat = await _world(emu, harness)
    peer, teacher = chat.peer_id, school.vk["teacher"]
    mark = len(emu.sent(peer))
    command = emu.user_message(peer, teacher, "/помощь")
    help_ = await emu.wait_sent(peer, contains="/размут", since=mark)  # the staff's commands listed
    await harness.settled()
    assert _deleted(emu, peer, command) and not _deleted(emu, peer, help_.cmid)
    clock.advance(61)
    assert harness.app is not None
    harness.app.runner.wake()
    await emu.wait_for(lambda: _deleted(emu, peer, help_.cmid))


async def test_a_signal_in_a_students_command_reaches_the_class_teacher(emu, harness) -> None:
    school, chat = await _world(emu, harness)
    peer, kid, kid2, teacher = chat.peer_id, school.vk["kid"], school.vk["kid2"], school.vk["teacher"]
    target = await _say(emu, harness, peer, kid2, "ты никто")
    mark = len(emu.sent(teacher))
    command = emu.user_message(peer, kid, "/жалоба меня травят, не хочу жить", reply_to_cmid=target)
    signal = await emu.wait_sent(teacher, contains="Конфиденциально", since=mark)
    await harness.settled()
    assert "Петя Иванов" in signal.text and _deleted(emu, peer, command)


async def test_kick_by_name_from_private_messages_is_confirmed(emu, harness) -> None:
    school, chat = await _world(emu, harness)
    peer, kid, mod = chat.peer_id, school.vk["kid"], school.vk["moderator"]
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/кик Иванов")
    ask = await emu.wait_sent(mod, since=mark)
    assert "Кнопкой это не отменить" in ask.text and kid in emu.chat(peer).members
    assert await _press(emu, harness, mod, ask, "Иванов Петя — 5А — ученики") == texts.PENDING_DONE_SNACK
    await emu.wait_for(lambda: kid not in emu.chat(peer).members)
    answer = emu.sent(mod)[-1]
    assert answer.text == f"Иванов Петя, «5А — ученики»: {t.KICKED}"


async def test_open_alerts_are_listed_again_with_their_buttons(emu, harness) -> None:
    school, chat = await _world(emu, harness)
    kid, mod, peer = school.vk["kid"], school.vk["moderator"], chat.peer_id
    mark = len(emu.sent(mod))
    emu.user_message(peer, kid, RUDE)
    first = await emu.wait_sent(mod, contains="Нарушение", since=mark)
    await harness.settled()
    labels = _labels(first)
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/нарушения")
    summary = await emu.wait_sent(mod, contains="Ждут решения: 1", since=mark)
    again = next(m for m in emu.sent(mod)[mark:] if "Нарушение" in m.text)
    assert again.cmid < summary.cmid and _labels(again) == labels
    await harness.settled()
    assert _labels(_current(emu, mod, first)) == [] and "повторено ниже" in _current(emu, mod, first).text
    assert await _press(emu, harness, mod, again, t.BUTTON_OK) == t.ACTED["ok"]
    assert "Решение: принято к сведению" in _current(emu, mod, again).text
    mark = len(emu.sent(mod))
    emu.user_message(mod, mod, "/нарушения")
    assert (await emu.wait_sent(mod, since=mark)).text == t.NO_OPEN_ALERTS
    # a parent or a student has no such list
    kid_mark = len(emu.sent(kid))
    emu.user_message(kid, kid, "/нарушения")
    assert "нет прав" in (await emu.wait_sent(kid, since=kid_mark)).text


async def test_policy_and_quiet_hours_without_an_argument_ask_with_buttons_privately(emu, harness, clock) -> None:
    """«/тишина» or «/политика» alone: the chat's settings screen arrives privately with the
    toggles asking for what was missing; the chat only learns where, and both go in a while."""
    from bot.texts import menus as menu_t

    school, chat = await _world(emu, harness)
    peer, teacher, kid = chat.peer_id, school.vk["teacher"], school.vk["kid"]
    mark, t_mark = len(emu.sent(peer)), len(emu.sent(teacher))
    command = emu.user_message(peer, teacher, "/тишина")
    pick = await emu.wait_sent(teacher, contains="Часы тишины в беседе «5А — ученики»", since=t_mark)
    told = await emu.wait_sent(peer, contains=menu_t.SETTINGS_SENT_PRIVATELY, since=mark)
    await harness.settled()
    assert _deleted(emu, peer, command) and not _deleted(emu, peer, told.cmid)
    preset = _button(pick, menu_t.quiet_label("22:00", "07:00"))
    emu.press_button(teacher, teacher, pick.cmid, preset)

    async def quiet_set() -> bool:
        saved = await chat_repo.get(harness.db, chat.id)
        return saved is not None and saved.overrides.get("quiet_hours") == "22:00-07:00"

    await harness.wait_until(quiet_set)
    # «/политика мат» (no mode): the policies' toggles, privately
    t_mark = len(emu.sent(teacher))
    emu.user_message(peer, teacher, "/политика мат")
    policies = await emu.wait_sent(teacher, contains=menu_t.SETTINGS_POLICIES, since=t_mark)
    assert _button(policies, "Мат: вкл")["do"] == "tp"
    # a student typing it is refused, and the refusal does not stay in the children's chat
    mark, k_mark = len(emu.sent(peer)), len(emu.sent(kid))
    attempt = emu.user_message(peer, kid, "/тишина")
    refusal = await emu.wait_sent(peer, contains="нет прав", since=mark)
    await harness.settled()
    assert _deleted(emu, peer, attempt) and not [m for m in emu.sent(kid)[k_mark:] if m.keyboard]
    clock.advance(61)
    assert harness.app is not None
    harness.app.runner.wake()
    await emu.wait_for(lambda: _deleted(emu, peer, told.cmid) and _deleted(emu, peer, refusal.cmid))


async def test_chat_commands_in_a_childrens_chat_do_not_stay_on_show(emu, harness, clock) -> None:
    """/правила, /сбросить ссылку, /допустить всех, /уведомления: the command goes at once, the
    answer after a while (a refusal too); the new invite link only privately."""
    school, chat = await _world(emu, harness)
    peer, teacher, kid = chat.peer_id, school.vk["teacher"], school.vk["kid"]
    await harness.settled()  # the welcomes of the joins sent
    answers, commands = [], []
    for who, text, expect in ((kid, "/правила", "Правила беседы"),
                              (teacher, "/сбросить ссылку", texts.LINK_RESET_SENT_PRIVATELY),
                              (teacher, "/допустить всех", "никто не ждёт"),
                              (teacher, "/уведомления сюда", "нет прав")):
        mark = len(emu.sent(peer))
        commands.append(emu.user_message(peer, who, text))
        answers.append(await emu.wait_sent(peer, contains=expect, since=mark))
    await harness.settled()
    fresh = await chat_repo.get(harness.db, chat.id)
    assert fresh is not None and fresh.invite_link != chat.invite_link
    assert not [m for m in emu.sent(peer) if fresh.invite_link in m.text]
    await emu.wait_sent(teacher, contains=fresh.invite_link)
    assert all(_deleted(emu, peer, c) for c in commands)
    assert not any(_deleted(emu, peer, a.cmid) for a in answers)
    clock.advance(61)
    assert harness.app is not None
    harness.app.runner.wake()
    await emu.wait_for(lambda: all(_deleted(emu, peer, a.cmid) for a in answers))


async def test_a_forged_press_on_an_alert_decides_nothing(emu, harness) -> None:
    """Rights are checked at every press: a student forging «Исключить» of an alert about
    themselves is refused, a press on an alert that does not exist is told it is gone."""
    school, chat = await _world(emu, harness)
    kid, mod = school.vk["kid"], school.vk["moderator"]
    mod_mark = len(emu.sent(mod))
    cmid = emu.user_message(chat.peer_id, kid, "это пиздец")
    await emu.wait_for(lambda: _deleted(emu, chat.peer_id, cmid))
    alert = await emu.wait_sent(mod, contains="Нарушение", since=mod_mark)
    warning = await emu.wait_sent(kid, contains="Активных предупреждений: 1")  # the bot's private message
    await harness.settled()
    kick = _button(alert, t.BUTTON_KICK)
    for payload, expected in (({**kick, "y": 1}, texts.NOT_ALLOWED.format(what=t.WHAT_ALERT_DECISIONS, hint="")[:90]),
                              ({**kick, "id": kick["id"] + 100}, texts.PENDING_GONE)):
        event_id = emu.press_button(kid, kid, warning.cmid, payload, forged=True)
        snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
        assert snack.event_data["text"] == expected
    await harness.settled()
    assert kid in emu.chat(chat.peer_id).members
    assert await harness.db.fetchval("SELECT status FROM alert WHERE id = ?", (kick["id"],)) == "open"
