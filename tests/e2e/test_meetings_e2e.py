"""Issue 12 part 3 through vkemu with the real bot: a class meeting in a parents' chat — the
dialog in private messages (day by button, time and topic typed), the invitation with «Приду /
Не смогу», answers with snackbars (counted as participation), the reminder the day before, the
hour-before reminder moved out of the chat's quiet hours (19:00–08:00 in parents' chats) to their
end, the author's list by family, and the VK call started with calls.start shortly before the
start and its link posted — time driven by the app clock, every step once."""

from __future__ import annotations

import json

from bot.domain.names import normalize_name
from bot.jobs.schedule import schedule_tick
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.texts import meetings as t
from tests.e2e.conftest import DAYTIME, GROUP_ID
from tests.e2e.presses import button, press, say
from tests.e2e.seed import NOW, School, add_staff, add_student, make_school

THU_0830 = DAYTIME + 20 * 3600 + 1800   # Wed 12:00 → Thu 08:30 (Moscow)
FRI_0730 = DAYTIME + 43 * 3600 + 1800
FRI_0800 = DAYTIME + 44 * 3600
FRI_0820 = DAYTIME + 44 * 3600 + 1200


async def world(emu, harness) -> School:
    db = harness.db
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", muni.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "teacher", "Мария", "Классная", [("class_teacher", "5А"), ("teacher", None)])
    await add_student(db, emu, a, "petya", "Петя", "Петров", "5А", parent=("anna", "Анна", "Петрова"))
    await add_student(db, emu, a, "katya", "Катя", "Сидорова", "5А", parent=("masha", "Мария", "Сидорова"))
    await add_student(db, emu, a, "kolya", "Коля", "Козлов", "5А", parent=("olga", "Ольга", "Козлова"))
    ivan = emu.add_user("Иван", "Петров", allows_messages=True)
    name = "Петров Иван"
    ivan_id = await people_repo.create(db, org_id=a.org.id, kind="parent", full_name=name,
                                       name_key=normalize_name(name), vk_id=ivan, now=NOW)
    await people_repo.link_child(db, ivan_id, a.person["petya"])
    a.vk["ivan"], a.person["ivan"] = ivan, ivan_id
    return a


async def make_chat(emu, harness, a: School, command: str, title: str, members: list[str]):
    mark = len(emu.sent(a.vk["teacher"]))
    emu.user_message(a.vk["teacher"], a.vk["teacher"], command)
    await emu.wait_sent(a.vk["teacher"], since=mark, contains="vk.me/join", timeout=10)
    chat = next(c for c in await chat_repo.in_org(harness.db, a.org.id) if c.title == title)
    for label in members:
        emu.join_by_link(chat.peer_id, a.vk[label])
    for label in members:
        await harness.wait_until(lambda: _member(harness, chat.id, a.vk[label]))
    await harness.settled()
    return chat


async def _member(harness, chat_id: int, vk_id: int) -> bool:
    member = await member_repo.get(harness.db, chat_id, vk_id)
    return member is not None and member.state == "member"


async def chat_press(emu, peer: int, user: int, message, label: str) -> str:
    payload = json.loads(button(message, label)["action"]["payload"])
    event_id = emu.press_button(peer, user, message.cmid, payload)
    snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
    assert snack.user_id == user
    return snack.event_data["text"]


def move_to(harness, moment: int) -> None:
    """The app clock jumps to ``moment`` (plus a few seconds): the scheduler's next tick sees it."""
    harness.clock.offset += moment + 5 - harness.clock.now()


async def test_meeting_with_answers_reminders_and_call_link(emu, harness) -> None:
    a = await world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await make_chat(emu, harness, a, "/создать родители 5А", "5А — родители", ["anna", "ivan", "masha", "olga"])
    peer = chat.peer_id
    actions_before = await harness.db.fetchval("SELECT COALESCE(SUM(actions), 0) FROM activity WHERE chat_id = ?",
                                               (chat.id,))

    # the dialog: /собрание in the chat goes on privately; the day by button, the time typed
    mark = len(emu.sent(teacher))
    emu.user_message(peer, teacher, "/собрание")
    step = await emu.wait_sent(teacher, since=mark, contains="В какой день?")
    await emu.wait_sent(peer, contains="Продолжим в личных сообщениях")
    step = await press(emu, teacher, step, "Пт 20.11", contains="во сколько начало")
    wrong = await say(emu, teacher, "в полдевятого")
    assert "Не понял время" in wrong.text and "18:30" in wrong.text, wrong.text
    step = await say(emu, teacher, "8:30")
    assert "Напишите тему собрания" in step.text and "пт 20.11 в 08:30" in step.text, step.text
    preview = await say(emu, teacher, "Подготовка к экскурсии")
    assert "Тема: Подготовка к экскурсии" in preview.text
    # the hour-before reminder (07:30) falls into the chat's quiet hours (19:00–08:00): moved to their end
    assert "за день — завтра в 08:30" in preview.text, preview.text
    assert "за час — пт 20.11 в 08:00 (перенесено: часы тишины)" in preview.text, preview.text
    chat_mark = len(emu.sent(peer))
    done = await press(emu, teacher, preview, t.BUTTON_PUBLISH, contains="Собрание назначено")
    invitation = await emu.wait_sent(peer, contains="📅 Собрание: Подготовка к экскурсии", since=chat_mark)
    assert "пт 20.11 в 08:30" in invitation.text
    assert [b["action"]["label"] for row in invitation.keyboard["buttons"] for b in row] == ["Приду", "Не смогу"]

    # answers: two parents of one family differ, one changes nothing, one family stays silent
    assert await chat_press(emu, peer, a.vk["anna"], invitation, "Приду") == t.SNACK_YES
    assert await chat_press(emu, peer, a.vk["ivan"], invitation, "Не смогу") == t.SNACK_NO
    assert await chat_press(emu, peer, a.vk["masha"], invitation, "Приду") == t.SNACK_YES
    assert await chat_press(emu, peer, a.vk["masha"], invitation, "Не смогу") == t.SNACK_NO  # changed her mind
    assert await chat_press(emu, peer, a.vk["anna"], invitation, "Приду") == t.SNACK_SAME
    # the counts under the invitation are edited in place (throttled, never re-sent)
    await emu.wait_for(lambda: "Ответили: придут — 1, не смогут — 2." in next(
        m for m in emu.history(peer) if m.cmid == invitation.cmid).text, timeout=15)
    edits = [c for c in emu.calls if c.method == "messages.edit" and int(c.params.get("peer_id", 0)) == peer]
    assert 1 <= len(edits) < 4
    assert next(m for m in emu.history(peer) if m.cmid == invitation.cmid).keyboard  # the buttons stay
    assert sum("📅 Собрание" in m.text for m in emu.sent(peer)) == 1
    await harness.settled()
    actions = await harness.db.fetchval("SELECT SUM(actions) FROM activity WHERE chat_id = ?", (chat.id,))
    assert actions - actions_before == 5  # every press is participation, credited like any press
    assert await harness.db.fetchval("SELECT actions FROM activity WHERE chat_id = ? AND vk_id = ?",
                                     (chat.id, a.vk["masha"])) == 2

    # «Кто придёт» on demand: by family
    who = await press(emu, teacher, done, t.BUTTON_WHO, contains="Семьи:")
    assert "Семьи: придут 1, не смогут 1, не ответили 1 (всего 3)." in who.text, who.text

    # the day before, 08:30: the reminder in the chat, once
    move_to(harness, THU_0830)
    day = await emu.wait_sent(peer, contains="Напоминание: собрание «Подготовка к экскурсии» — завтра в 08:30",
                              since=chat_mark, timeout=15)
    assert day.keyboard  # the buttons again, for those who have not answered
    # 07:30 on the day is quiet in a parents' chat: nothing is sent then
    move_to(harness, FRI_0730)
    assert await schedule_tick(harness.app) == 0
    await harness.settled()
    assert not [m for m in emu.sent(peer)[chat_mark:] if "собрание «Подготовка" in m.text and "🔔 " in m.text
                and "Напоминание" not in m.text]
    # 08:00, the end of the quiet hours: the hour-before reminder, and the author's list by family
    author_mark = len(emu.sent(teacher))
    move_to(harness, FRI_0800)
    soon = await emu.wait_sent(peer, contains="Скоро собрание «Подготовка к экскурсии»", since=chat_mark, timeout=15)
    assert "08:30" in soon.text
    report = await emu.wait_sent(teacher, contains="Семьи: придут", since=author_mark, timeout=15)
    assert "Придут:\n— семья ученика Петров Петя: Петрова Анна — придёт; Петров Иван — не сможет" in report.text, \
        report.text
    assert "Не смогут:\n— семья ученицы Сидорова Катя: Сидорова Мария — не сможет" in report.text
    assert "Не ответили:\n— семья ученика Козлов Коля: Козлова Ольга" in report.text

    # 10 minutes before the start: the call is started by the community and its link posted
    assert not emu.started_calls
    move_to(harness, FRI_0820)
    link_msg = await emu.wait_sent(peer, contains="Ссылка на видеозвонок VK", since=chat_mark, timeout=15)
    assert len(emu.started_calls) == 1
    started = emu.started_calls[0]
    assert started["group_id"] == GROUP_ID
    assert started["join_link"].startswith("https://vk.com/call/join/") and started["join_link"] in link_msg.text
    call = next(c for c in emu.calls if c.method == "calls.start")
    assert int(call.params["group_id"]) == GROUP_ID

    # every step once: another tick (or a restart) posts nothing more and starts no second call
    assert await schedule_tick(harness.app) == 0
    await harness.restart()
    assert await schedule_tick(harness.app) == 0
    await harness.settled()
    sent = [m.text for m in emu.sent(peer)[chat_mark:]]
    assert sum("📅 Собрание" in s for s in sent) == 1
    assert sum("Напоминание: собрание" in s for s in sent) == 1
    assert sum("Скоро собрание" in s for s in sent) == 1
    assert sum("Ссылка на видеозвонок VK:" in s for s in sent) == 1
    assert len(emu.started_calls) == 1
    # after the start, an answer is no longer taken
    move_to(harness, FRI_0820 + 15 * 60)
    assert await chat_press(emu, peer, a.vk["olga"], invitation, "Приду") == t.SNACK_GONE


async def test_a_meeting_cancelled_from_the_authors_buttons_once(emu, harness) -> None:
    from bot import texts

    a = await world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await make_chat(emu, harness, a, "/создать родители 5А", "5А — родители", ["anna"])
    peer = chat.peer_id
    # typed privately with one chat: straight to the day; a date with its time skips the time step
    step = await say(emu, teacher, "/собрание")
    assert step.text.startswith("Собрание в беседе «5А — родители». В какой день?"), step.text
    assert "Сегодня" in [b["action"]["label"] for row in step.keyboard["buttons"] for b in row]
    step = await say(emu, teacher, "20.11 18:00")
    assert "Начало — пт 20.11 в 18:00" in step.text, step.text
    preview = await say(emu, teacher, "Выпускной")
    chat_mark = len(emu.sent(peer))
    done = await press(emu, teacher, preview, t.BUTTON_PUBLISH, contains="Собрание назначено")
    invitation = await emu.wait_sent(peer, contains="📅 Собрание: Выпускной", since=chat_mark)
    who = await press(emu, teacher, done, t.BUTTON_WHO, contains="Семьи:")
    assert t.REPORT_NONE in who.text

    ask = await press(emu, teacher, done, t.BUTTON_CANCEL_MEETING, contains="Отменить собрание «Выпускной»")
    assert "(пт 20.11 в 18:00) в беседе «5А — родители»" in ask.text, ask.text
    cancelled = await press(emu, teacher, ask, t.BUTTON_CANCEL_YES, contains="Собрание отменено")
    assert cancelled.text == t.CANCELLED.format(title="5А — родители")
    await emu.wait_sent(peer, contains="❌ Собрание «Выпускной» (пт 20.11 в 18:00) отменено.", since=chat_mark)
    # the invitation is edited: its buttons are gone
    await emu.wait_for(lambda: not (next(m for m in emu.history(peer) if m.cmid == invitation.cmid).keyboard
                                    or {}).get("buttons"), 10)
    # the confirmation pressed again: nothing more
    payload = json.loads(button(ask, t.BUTTON_CANCEL_YES)["action"]["payload"])
    event_id = emu.press_button(teacher, teacher, ask.cmid, payload)
    snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
    assert snack.event_data["text"] == texts.PENDING_GONE
    await harness.settled()
    assert len([c for c in emu.calls if c.method == "messages.send"
                and str(c.params.get("message", "")).startswith("❌ Собрание «Выпускной»")]) == 1
