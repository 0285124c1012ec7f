"""The start menu's «Опросы и собрания» (issue 12 through the issue 11 menus): shown only to staff
who may run the commands, each button starts the very dialog of its typed command, and a forged
press by a parent is refused."""

from __future__ import annotations

from bot.texts import menus as t
from bot.texts import polls as pt
from tests.e2e.presses import labels, press, say
from tests.e2e.test_menus_e2e import _answer_to, _students_chat, _world, harness  # noqa: F401 (fixture)

WORK_BUTTONS = {t.BUTTON_WORK_POLL, t.BUTTON_WORK_QUIZ, t.BUTTON_WORK_MEETING, t.BUTTON_WORK_MATERIAL,
                t.BUTTON_WORK_POST, t.BUTTON_WORK_POSTS}


async def test_staff_start_polls_meetings_and_posts_from_the_menu(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    chat = await _students_chat(emu, harness, a)
    teacher = a.vk["teacher5a"]
    start = await say(emu, teacher, "Начать")
    assert t.BUTTON_WORK in labels(start)
    work = await press(emu, teacher, start, t.BUTTON_WORK)
    assert WORK_BUTTONS <= set(labels(work)), labels(work)
    # «Опрос»: the /опрос dialog, for the teacher's only chat
    step = await press(emu, teacher, work, t.BUTTON_WORK_POLL, contains="Сколько вариантов")
    assert step.text == pt.STEP_MULTIPLE.format(title=chat.title)
    # «Собрание»: the /собрание dialog (the same first question as typed)
    meeting = await press(emu, teacher, work, t.BUTTON_WORK_MEETING)
    typed = await say(emu, teacher, "/собрание")
    assert meeting.text == typed.text and labels(meeting) == labels(typed)
    posts = await press(emu, teacher, work, t.BUTTON_WORK_POSTS)
    assert posts.text == (await say(emu, teacher, "/посты")).text
    await harness.settled()


async def test_the_section_is_not_shown_to_parents_moderators_and_refused_when_forged(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    for who in ("mom", "kid", "moderator"):
        seen = labels(await say(emu, a.vk[who], "Начать"))
        assert t.BUTTON_WORK not in seen, (who, seen)
    mom = a.vk["mom"]
    own = await say(emu, mom, "Начать")
    before = await harness.db.fetchval("SELECT COUNT(*) FROM pending_action")
    for payload in ({"a": "m", "s": "work"}, {"a": "m", "s": "wk", "c": "poll"},
                    {"a": "m", "s": "wk", "c": "meeting"}):
        event_id = emu.press_button(mom, mom, own.cmid, payload, forged=True)
        text = (await _answer_to(emu, event_id)).event_data["text"]
        assert "недоступен" in text, text
    await harness.settled()
    assert await harness.db.fetchval("SELECT COUNT(*) FROM pending_action") == before
    # a staff member's press of a key that does not exist
    admin = a.vk["admin"]
    start = await say(emu, admin, "Начать")
    event_id = emu.press_button(admin, admin, start.cmid, {"a": "m", "s": "wk", "c": "nope"}, forged=True)
    assert "устарела" in (await _answer_to(emu, event_id)).event_data["text"]
