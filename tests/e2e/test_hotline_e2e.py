"""Issue 12 part 7 through vkemu with the real bot: a parent's hot-line question (/вопрос, the
target chosen with buttons, then the text) reaches the class teacher with «Ответить»; the teacher
presses it (a «/» command meanwhile stays a command) and types the answer; the parent gets it
privately; an unanswered question is reminded and then passed to the school office (time driven
by the app clock and the job); a class teacher who cannot receive the bot's messages (VK 901)
has the question passed to the office at once; the school's figures count both."""

from __future__ import annotations

from bot.jobs import hotline_tick
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.services.hotline import Hotline
from bot.services import report_views as rv
from bot.services.report_months import current_month
from bot.services.report_render import glossary_rows, school_sheets
from bot.texts import cabinet as cabinet_texts
from bot.texts import reports as rt
from bot.web.views import school_page
from bot.texts import hotline as t
from bot.texts import menus as menu_texts
from tests.e2e.presses import labels, press, say
from tests.e2e.seed import NOW, School, add_staff, add_student, make_school


async def _world(emu, harness, *, teacher_allows: bool = True) -> School:
    db = harness.db
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=None,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", muni.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "teacher", "Мария", "Классная", [("class_teacher", "5А"), ("teacher", None)],
                    allows=teacher_allows)
    await add_student(db, emu, a, "petya", "Петя", "Петров", "5А", parent=("anna", "Анна", "Петрова"))
    await add_student(db, emu, a, "katya", "Катя", "Сидорова", "5А", parent=("masha", "Мария", "Сидорова"))
    return a


async def _member(harness, chat_id: int, vk_id: int) -> bool:
    member = await member_repo.get(harness.db, chat_id, vk_id)
    return member is not None and member.state == "member"


async def _parents_chat(emu, harness, a: School):
    mark = len(emu.sent(a.vk["admin"]))
    emu.user_message(a.vk["admin"], a.vk["admin"], "/создать родители 5А")
    await emu.wait_sent(a.vk["admin"], since=mark, contains="vk.me/join", timeout=10)
    chat = next(c for c in await chat_repo.in_org(harness.db, a.org.id) if c.title == "5А — родители")
    emu.join_by_link(chat.peer_id, a.vk["anna"])
    await harness.wait_until(lambda: _member(harness, chat.id, a.vk["anna"]))
    await harness.settled()
    return chat


async def _actions(harness, chat_id: int, vk_id: int) -> int:
    return await harness.db.fetchval("SELECT COALESCE(SUM(actions), 0) FROM activity WHERE chat_id = ? AND vk_id = ?",
                                     (chat_id, vk_id))


async def test_question_answered_reminded_and_passed_to_the_office(emu, harness) -> None:
    a = await _world(emu, harness)
    chat = await _parents_chat(emu, harness, a)
    parent, teacher, admin = a.vk["anna"], a.vk["teacher"], a.vk["admin"]
    chat_mark = len(emu.sent(chat.peer_id))
    parent_before, teacher_before = await _actions(harness, chat.id, parent), await _actions(harness, chat.id, teacher)

    # the parent starts from the start menu's «Вопрос школе» (the same as /вопрос) and chooses the
    # class teacher with a button
    start = await say(emu, parent, "Начать")
    assert menu_texts.BUTTON_HOTLINE in labels(start), labels(start)
    assert menu_texts.BUTTON_HOTLINE not in labels(await say(emu, teacher, "Начать"))
    step = await press(emu, parent, start, menu_texts.BUTTON_HOTLINE, contains="Кому задать вопрос")
    assert labels(step) == ["Классный руководитель 5А", "Администрация школы", "Отмена"], labels(step)
    step = await press(emu, parent, step, "Классный руководитель 5А", contains="Напишите вопрос")
    teacher_mark = len(emu.sent(teacher))
    # free text that starts like a command word is the question (only «/» makes a command here)
    done = await say(emu, parent, "Помощь нужна: когда будет экскурсия в музей?")
    assert "Вопрос №1 отправлен классному руководителю 5А" in done.text, done.text

    # the class teacher gets it with the parent's identity and «Ответить»
    asked = await emu.wait_sent(teacher, contains="Вопрос на горячую линию №1", since=teacher_mark)
    assert "Петрова Анна, родитель ученика Петров Петя (5А)" in asked.text
    assert "Помощь нужна: когда будет экскурсия в музей?" in asked.text
    assert labels(asked) == [t.BUTTON_ANSWER]
    prompt = await press(emu, teacher, asked, t.BUTTON_ANSWER, contains="Напишите ответ на вопрос №1")
    assert labels(prompt) == [t.BUTTON_CANCEL]
    # a command typed meanwhile stays a command (the dialog waits)
    helped = await say(emu, teacher, "/помощь")
    assert "/помощь" in helped.text and "отправлен родителю" not in helped.text
    started = await say(emu, teacher, "Начать")  # VK's start button: the menu, not an answer
    assert started.keyboard and "отправлен родителю" not in started.text
    parent_mark = len(emu.sent(parent))
    sent = await say(emu, teacher, "В пятницу в 9:00, сбор у школы.")
    assert sent.text == t.ANSWER_SENT.format(id=1)
    answer = await emu.wait_sent(parent, contains="Ответ на ваш вопрос №1", since=parent_mark)
    assert "от классного руководителя 5А" in answer.text and "В пятницу в 9:00, сбор у школы." in answer.text
    # nothing of it in any chat; the parent's identity went to the teacher only
    assert not [m for m in emu.sent(chat.peer_id)[chat_mark:] if "экскурсия" in m.text]
    assert not [m for m in emu.sent(admin) if "Петрова Анна" in m.text]
    # a second press on «Ответить» of an answered question answers with a snackbar only
    event_id = emu.press_button(teacher, teacher, asked.cmid, {"a": "hl", "q": 1})
    snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
    assert snack.event_data["text"] == t.ALREADY_ANSWERED.format(id=1)

    # the question and the answer count as participation in the class's parents' chat
    await harness.settled()
    assert await _actions(harness, chat.id, parent) == parent_before + 1
    assert await _actions(harness, chat.id, teacher) == teacher_before + 1
    assert await harness.db.fetchval("SELECT credited_org_id FROM activity WHERE chat_id = ? AND vk_id = ?",
                                     (chat.id, parent)) == a.org.id
    assert await harness.db.fetchval("SELECT SUM(actions) FROM agg_chat WHERE chat_id = ?", (chat.id,)) == \
        await harness.db.fetchval("SELECT SUM(actions) FROM activity WHERE chat_id = ?", (chat.id,))

    # a question typed with the command goes as soon as the target is chosen; nobody answers it
    step = await say(emu, parent, "/вопрос Можно забрать ребёнка в среду пораньше?")
    teacher_mark = len(emu.sent(teacher))
    done = await press(emu, parent, step, "Классный руководитель 5А", contains="Вопрос №2")
    await emu.wait_sent(teacher, contains="Вопрос на горячую линию №2", since=teacher_mark)
    # /вопросы lists what waits for the staff member, with a button each; the office has nothing yet
    waiting = await say(emu, teacher, "/вопросы")
    assert "Ждут ответа: 1 вопрос." in waiting.text and "№2 (классному руководителю 5А" in waiting.text, \
        waiting.text
    assert labels(waiting) == ["Ответить на №2"]
    assert (await say(emu, admin, "/вопросы")).text == t.NONE_WAITING
    await harness.settled()
    app = harness.app
    assert await hotline_tick(app) == 0  # nothing due yet

    # a day passes: the teacher is reminded
    harness.clock.offset += 25 * 3600
    teacher_mark, admin_mark = len(emu.sent(teacher)), len(emu.sent(admin))
    await hotline_tick(app)  # the scheduler runs the same job every minute: the effect is what counts
    reminder = await emu.wait_sent(teacher, contains="Напоминание: вопрос №2 ждёт ответа", since=teacher_mark)
    assert labels(reminder) == [t.BUTTON_ANSWER] and "пораньше" in reminder.text
    assert not emu.sent(admin)[admin_mark:]
    # another day: still unanswered, so the school office gets it (and the parent is told)
    harness.clock.offset += 25 * 3600
    parent_mark = len(emu.sent(parent))
    await hotline_tick(app)
    passed = await emu.wait_sent(admin, contains="Вопрос на горячую линию №2", since=admin_mark)
    assert "администрации школы" in passed.text and "Петрова Анна" in passed.text
    await emu.wait_sent(parent, contains="передан администрации школы", since=parent_mark)
    await harness.settled()
    await hotline_tick(app)
    await harness.settled()
    assert len([m for m in emu.sent(admin) if "Вопрос на горячую линию №2" in m.text]) == 1  # passed once
    assert len([m for m in emu.sent(teacher) if "Напоминание: вопрос №2" in m.text]) == 1
    await press(emu, admin, passed, t.BUTTON_ANSWER, contains="Напишите ответ на вопрос №2")
    parent_mark = len(emu.sent(parent))
    await say(emu, admin, "Да, напишите классному руководителю время.")
    answer = await emu.wait_sent(parent, contains="Ответ на ваш вопрос №2", since=parent_mark)
    assert "от администрации школы" in answer.text

    # the school's figures: two asked, two answered, the mean time to answer
    figures = await Hotline.of(app).figures(a.org.id, current_month(app.now() - 50 * 3600, "Europe/Moscow"))
    assert (figures.asked, figures.answered, figures.waiting) == (2, 2, 0)
    assert figures.mean_seconds is not None and figures.mean_seconds > 24 * 3600
    assert t.report_line(figures).startswith("Вопросы на горячую линию: задано 2, отвечено 2, среднее время ответа")
    # … and in the school's /отчёт
    admin_mark = len(emu.sent(admin))
    emu.user_message(admin, admin, f"/отчёт {current_month(app.now(), 'Europe/Moscow')}")
    report = await emu.wait_sent(admin, contains="Вопросы на горячую линию", since=admin_mark, timeout=20)
    assert "Вопросы на горячую линию: задано 2, отвечено 2, среднее время ответа — 1 дн" in report.text, report.text
    assert report.text.count("Вопросы на горячую линию") == 1
    # … and in the report read API behind the XLSX/CSV and the cabinet's page
    month = current_month(app.now(), "Europe/Moscow")
    view = await rv.school_overview(harness.db, a.org.id, month, now=app.now())
    assert view.hotline is not None
    assert (view.hotline.asked, view.hotline.answered, view.hotline.waiting) == (2, 2, 0)
    summary = {row[0]: row[1] for row in school_sheets(view, month, {})[rt.SHEET_SUMMARY][1]}
    assert summary[rt.GLOSSARY["hotline_asked"][0]] == 2
    assert summary["  " + rt.GLOSSARY["hotline_answered"][0]] == 2
    assert summary[rt.GLOSSARY["hotline_minutes"][0]] > 24 * 60
    assert summary[rt.GLOSSARY["hotline_waiting"][0]] == 0
    assert rt.GLOSSARY["hotline_asked"][0] in dict(glossary_rows())
    page = await school_page(harness.db, a.org, month, show_moderation=False, show_names=False, now=app.now())
    section = next(s for s in page.sections if s.title == cabinet_texts.HOTLINE)
    assert section.table is not None and section.table.rows[0] == [rt.GLOSSARY["hotline_asked"][0], 2]

    # the texts are personal data: dropped after the retention, the times stay
    harness.clock.offset += 31 * 24 * 3600
    await hotline_tick(app)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM hotline_question WHERE text IS NOT NULL") == 0
    assert await harness.db.fetchval("SELECT COUNT(*) FROM hotline_question WHERE answered_at IS NOT NULL") == 2


async def test_class_teacher_who_cannot_receive_messages(emu, harness) -> None:
    a = await _world(emu, harness, teacher_allows=False)
    parent, teacher, admin = a.vk["anna"], a.vk["teacher"], a.vk["admin"]
    step = await say(emu, parent, "/вопрос")
    step = await press(emu, parent, step, "Классный руководитель 5А", contains="Напишите вопрос")
    admin_mark, parent_mark = len(emu.sent(admin)), len(emu.sent(parent))
    await say(emu, parent, "Почему не выставлены оценки?")
    # VK refuses the message to the teacher (901): the bot learns it, the next tick passes it on
    await harness.settled()
    assert not emu.sent(teacher)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM unreachable WHERE vk_id = ?", (teacher,)) == 1
    await hotline_tick(harness.app)
    passed = await emu.wait_sent(admin, contains="Вопрос на горячую линию №1", since=admin_mark)
    assert "не может получать сообщения бота" in passed.text and labels(passed) == [t.BUTTON_ANSWER]
    await emu.wait_sent(parent, contains="Ваш вопрос №1 передан администрации школы", since=parent_mark)

    # the next question goes to the office at once, and the parent is told why
    step = await say(emu, parent, "/вопрос")
    step = await press(emu, parent, step, "Классный руководитель 5А", contains="Напишите вопрос")
    admin_mark = len(emu.sent(admin))
    done = await say(emu, parent, "А когда выставят?")
    assert "отправлен администрации школы" in done.text and "не может получать сообщения" in done.text, done.text
    await emu.wait_sent(admin, contains="Вопрос на горячую линию №2", since=admin_mark)

    # the office answers; a parent who is not a parent cannot use the hot line
    prompt_source = next(m for m in emu.sent(admin) if "№2" in m.text and m.keyboard)
    await press(emu, admin, prompt_source, t.BUTTON_ANSWER, contains="Напишите ответ")
    parent_mark = len(emu.sent(parent))
    await say(emu, admin, "Завтра.")
    await emu.wait_sent(parent, contains="Ответ на ваш вопрос №2", since=parent_mark)
    stranger = emu.add_user("Пётр", "Чужой", allows_messages=True)
    refused = await say(emu, stranger, "/вопрос")
    assert refused.text == t.NOT_A_PARENT
    # another parent forging «Ответить» on a question gets a refusal (rights are checked at the press)
    masha = a.vk["masha"]
    hers = await say(emu, masha, "/вопрос")
    event_id = emu.press_button(masha, masha, hers.cmid, {"a": "hl", "q": 1}, forged=True)
    snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
    assert snack.event_data["text"] == t.NOT_YOURS


async def test_typed_cancel_closes_the_dialog(emu, harness) -> None:
    a = await _world(emu, harness)
    parent = a.vk["anna"]
    step = await say(emu, parent, "/вопрос")
    await press(emu, parent, step, "Администрация школы", contains="Напишите вопрос")
    cancelled = await say(emu, parent, "Отмена")
    assert cancelled.text == "Отменено: вопрос на горячую линию. Ничего не изменилось.", cancelled.text
    # the next free text is not taken as a question any more
    after = await say(emu, parent, "Спасибо, разобралась")
    assert "Вопрос №" not in after.text
    await harness.settled()
    assert await harness.db.fetchval("SELECT COUNT(*) FROM hotline_question") == 0
    assert not emu.sent(a.vk["admin"])
