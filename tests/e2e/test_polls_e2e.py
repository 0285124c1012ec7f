"""Issue 12 parts 1 and 2 through vkemu with the real bot: a named poll in a parents' chat (the
dialog in private messages, votes with snackbars, a changed vote, live counts edited in place and
throttled, results at the deadline driven by the app clock, the non-voters by family privately to
the author, presses counted once as participation) and a quiz in a students' chat (each student
told privately right or wrong, one answer each, the teacher's XLSX read back)."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from bot.domain import polls as dom
from bot.domain.names import normalize_name
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.texts import polls as t
from tests.e2e.presses import button, press, say
from tests.e2e.seed import NOW, School, add_staff, add_student, make_school


async def _world(emu, harness) -> School:
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
    # Petya's father: the second parent of one family
    ivan = emu.add_user("Иван", "Петров", allows_messages=True)
    name = "Петров Иван"
    ivan_id = await people_repo.create(db, org_id=a.org.id, kind="parent", full_name=name,
                                       name_key=normalize_name(name), vk_id=ivan, now=NOW)
    await people_repo.link_child(db, ivan_id, a.person["petya"])
    a.vk["ivan"], a.person["ivan"] = ivan, ivan_id
    return a


async def _chat(emu, harness, a: School, command: str, title: str, members: list[str]):
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


def _payload(message, label: str) -> dict:
    return json.loads(button(message, label)["action"]["payload"])


async def _vote(emu, peer: int, user: int, message, label: str) -> str:
    event_id = emu.press_button(peer, user, message.cmid, _payload(message, label))
    snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
    assert snack.user_id == user and snack.event_data["type"] == "show_snackbar"
    return snack.event_data["text"]


def _edits_of(emu, peer: int, cmid: int) -> list:
    return [c for c in emu.calls if c.method == "messages.edit" and int(c.params.get("peer_id", 0)) == peer
            and int(c.params.get("conversation_message_id", c.params.get("cmid", 0)) or 0) == cmid]


async def test_named_poll_in_parents_chat(emu, harness) -> None:
    a = await _world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await _chat(emu, harness, a, "/создать родители 5А", "5А — родители", ["anna", "ivan", "masha", "olga"])
    peer = chat.peer_id
    actions_before = await harness.db.fetchval("SELECT COALESCE(SUM(actions), 0) FROM activity WHERE chat_id = ?",
                                               (chat.id,))

    # the teacher types /опрос in the chat: the dialog goes on privately, with buttons
    mark = len(emu.sent(teacher))
    emu.user_message(peer, teacher, "/опрос")
    step = await emu.wait_sent(teacher, since=mark, contains="Сколько вариантов")
    await emu.wait_sent(peer, contains="Продолжим в личных сообщениях")
    step = await press(emu, teacher, step, t.BUTTON_SINGLE, contains="анонимное или именное")
    step = await press(emu, teacher, step, t.BUTTON_NAMED, contains="Сколько длится")
    step = await press(emu, teacher, step, t.DEADLINE_LABELS["1h"], contains="одним сообщением")
    # a mistake first: one option is not a poll
    wrong = await say(emu, teacher, "Когда собрание?\nВо вторник")
    assert "Вариантов ответа 1, а нужно хотя бы 2" in wrong.text, wrong.text
    preview = await say(emu, teacher, "Когда провести собрание?\nВо вторник в 18:00\nВ четверг в 19:00")
    assert "Проверьте опрос" in preview.text and "именное голосование" in preview.text, preview.text
    sent_to_chat = len(emu.sent(peer))
    done = await press(emu, teacher, preview, t.BUTTON_PUBLISH, contains="Опрос опубликован")
    assert "кто не голосовал" in done.text
    poll_msg = await emu.wait_sent(peer, contains="📊 Опрос: Когда провести собрание?", since=sent_to_chat)
    assert [b["action"]["label"] for row in poll_msg.keyboard["buttons"] for b in row] == [
        "1. Во вторник в 18:00", "2. В четверг в 19:00"]
    payload = _payload(poll_msg, "1. Во вторник в 18:00")
    assert len(json.dumps(payload, ensure_ascii=False).encode()) <= 255

    # three parents vote (two of one family), one changes her mind, a repeated press changes nothing
    started = emu.clock()
    tue, thu = "1. Во вторник в 18:00", "2. В четверг в 19:00"
    assert await _vote(emu, peer, a.vk["anna"], poll_msg, tue) == "Голос учтён: Во вторник в 18:00"
    assert await _vote(emu, peer, a.vk["ivan"], poll_msg, thu) == "Голос учтён: В четверг в 19:00"
    assert await _vote(emu, peer, a.vk["masha"], poll_msg, tue) == "Голос учтён: Во вторник в 18:00"
    assert await _vote(emu, peer, a.vk["anna"], poll_msg, thu) == "Голос изменён: В четверг в 19:00"
    assert await _vote(emu, peer, a.vk["anna"], poll_msg, thu) == "Ваш голос уже учтён: В четверг в 19:00"
    presses = 5

    # the live count is edited in place once the throttle allows: never re-sent, fewer edits than presses
    def counted() -> bool:
        text = next(m for m in emu.history(peer) if m.cmid == poll_msg.cmid).text
        return "1. Во вторник в 18:00 — 1 (33%)" in text and "2. В четверг в 19:00 — 2 (67%)" in text \
            and "Проголосовали: 3 человека" in text

    await emu.wait_for(counted, timeout=15)
    elapsed = emu.clock() - started
    edits = _edits_of(emu, peer, poll_msg.cmid)
    assert 1 <= len(edits) < presses
    assert len(edits) <= 1 + int(elapsed // dom.EDIT_INTERVAL) + 1
    for earlier, later in zip(edits, edits[1:]):
        assert later.at - earlier.at >= dom.EDIT_INTERVAL - 1.1  # the throttle (whole seconds, a tick apart)
    assert len([m for m in emu.sent(peer) if "📊 Опрос" in m.text]) == 1  # never re-sent
    edited = next(m for m in emu.history(peer) if m.cmid == poll_msg.cmid)
    assert edited.keyboard and edited.keyboard["buttons"]  # the buttons stay while it is open

    # each press counted once as participation (an action), credited like any press
    await harness.settled()
    actions = await harness.db.fetchval("SELECT SUM(actions) FROM activity WHERE chat_id = ?", (chat.id,))
    assert actions - actions_before == presses
    assert await harness.db.fetchval("SELECT SUM(actions) FROM agg_chat WHERE chat_id = ?", (chat.id,)) == actions
    assert await harness.db.fetchval(
        "SELECT actions FROM activity WHERE chat_id = ? AND vk_id = ?", (chat.id, a.vk["anna"])) == 3
    assert await harness.db.fetchval("SELECT credited_org_id FROM activity WHERE chat_id = ? AND vk_id = ?",
                                     (chat.id, a.vk["ivan"])) == a.org.id

    # the deadline passes (the app clock moves an hour on): results in the chat, the report to the author
    author_mark = len(emu.sent(teacher))
    chat_mark = len(emu.sent(peer))
    harness.clock.offset += 3600 + 5
    results = await emu.wait_sent(peer, contains="Итоги опроса «Когда провести собрание?»", since=chat_mark,
                                  timeout=15)
    assert "1. Во вторник в 18:00 — 1 (33%)" in results.text and "Всего проголосовали: 3 человека" in results.text
    report = await emu.wait_sent(teacher, contains="Кто как проголосовал", since=author_mark, timeout=15)
    assert "Во вторник в 18:00 — 1:\n— Сидорова Мария" in report.text, report.text
    assert "Петрова Анна" in report.text and "Петров Иван" in report.text
    assert "Семей, где проголосовал хотя бы один родитель: 2 из 3." in report.text
    assert "Не проголосовали 1 из 3 (по семьям):\n— семья ученика Козлов Коля: Козлова Ольга" in report.text
    assert "Сидорова Катя" not in report.text.split("Не проголосовали")[1]
    closed = await emu.wait_for(lambda: next(m for m in emu.history(peer) if m.cmid == poll_msg.cmid
                                             and "Опрос завершён" in m.text), 10)
    assert not closed.keyboard
    # closing twice (a second tick, a restart) posts nothing more
    await harness.app.runner.drained()
    from bot.jobs import poll_tick

    assert await poll_tick(harness.app) == 0
    await harness.settled()
    assert len([m for m in emu.sent(peer) if "Итоги опроса" in m.text]) == 1
    assert len([m for m in emu.sent(teacher) if "Кто как проголосовал" in m.text]) == 1


async def test_a_deadline_passed_while_the_bot_was_down_is_handled_at_start(emu, harness) -> None:
    a = await _world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await _chat(emu, harness, a, "/создать родители 5А", "5А — родители", ["anna"])
    step = await say(emu, teacher, "/опрос")  # privately: one chat to choose, so it is chosen
    assert "5А — родители" in step.text, step.text
    step = await press(emu, teacher, step, t.BUTTON_MULTIPLE, contains="анонимное или именное")
    step = await press(emu, teacher, step, t.BUTTON_ANONYMOUS, contains="Сколько длится")
    step = await press(emu, teacher, step, t.DEADLINE_LABELS["3h"], contains="одним сообщением")
    preview = await say(emu, teacher, "Что взять в поход?\n- Палатку\n- Котелок\n- Гитару")
    await press(emu, teacher, preview, t.BUTTON_PUBLISH, contains="Опрос опубликован")
    poll_msg = await emu.wait_sent(chat.peer_id, contains="📊 Опрос: Что взять в поход?")
    assert await _vote(emu, chat.peer_id, a.vk["anna"], poll_msg, "1. Палатку") == "Ваш выбор: 1"
    assert await _vote(emu, chat.peer_id, a.vk["anna"], poll_msg, "3. Гитару") == "Ваш выбор: 1, 3"
    await harness.settled()
    await harness.stop()
    harness.clock.offset += 4 * 3600
    mark = len(emu.sent(chat.peer_id))
    await harness.start()
    results = await emu.wait_sent(chat.peer_id, contains="Итоги опроса «Что взять в поход?»", since=mark, timeout=15)
    assert "1. Палатку — 1 (100%)" in results.text and "3. Гитару — 1 (100%)" in results.text
    assert "Котелок — 0 (0%)" in results.text
    assert not [m for m in emu.sent(teacher) if "Кто как проголосовал" in m.text]  # anonymous: no names


async def test_quiz_in_students_chat(emu, harness) -> None:
    a = await _world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await _chat(emu, harness, a, "/создать ученики 5А", "5А — ученики", ["petya", "katya"])
    peer = chat.peer_id
    mark = len(emu.sent(teacher))
    emu.user_message(peer, teacher, "/викторина")
    step = await emu.wait_sent(teacher, since=mark, contains="Сколько времени дать на ответы")
    step = await press(emu, teacher, step, t.LIMIT_LABELS["15m"], contains="правильный отметьте")
    wrong = await say(emu, teacher, "2 + 2 = ?\n3\n4")
    assert "Вопрос 1: правильных вариантов отмечено 0" in wrong.text, wrong.text
    preview = await say(emu, teacher, "2 + 2 = ?\n3\n+4\n5\n\nСтолица России?\n+Москва\nКазань")
    assert "Проверьте викторину" in preview.text and "✅ 4" in preview.text
    chat_mark = len(emu.sent(peer))
    published = await press(emu, teacher, preview, t.BUTTON_PUBLISH, contains="Викторина опубликована")
    q1 = await emu.wait_sent(peer, contains="Вопрос 1 из 2: 2 + 2 = ?", since=chat_mark)
    q2 = await emu.wait_sent(peer, contains="Вопрос 2 из 2: Столица России?", since=chat_mark)
    assert "4" in q1.text and "✅" not in q1.text  # the answer is not on show

    petya, katya = a.vk["petya"], a.vk["katya"]
    assert await _vote(emu, peer, petya, q1, "2. 4") == t.SNACK_RIGHT
    assert await _vote(emu, peer, petya, q2, "2. Казань") == t.SNACK_WRONG
    assert await _vote(emu, peer, katya, q1, "1. 3") == t.SNACK_WRONG
    assert await _vote(emu, peer, katya, q1, "2. 4") == t.SNACK_ANSWERED  # one answer each
    assert await _vote(emu, peer, teacher, q1, "2. 4") == t.SNACK_QUIZ_STUDENTS
    # every verdict went to the one who pressed, never into the chat
    assert not [m for m in emu.sent(peer)[chat_mark:] if "Верно" in m.text or "Неверно" in m.text]

    # the teacher ends it early (asked first: it is for good): the results table arrives as XLSX
    ask = await press(emu, teacher, published, t.BUTTON_CLOSE_NOW, contains="Завершить викторину")
    assert "«5А — ученики»" in ask.text
    mark = len(emu.sent(teacher))
    event_id = emu.press_button(teacher, teacher, ask.cmid, _payload(ask, t.BUTTON_CLOSE_CONFIRM))
    snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
    assert snack.event_data["text"] == t.CLOSED_ON_DEMAND
    report = await emu.wait_sent(teacher, contains="Итоги викторины", since=mark, timeout=15)
    assert "ответили 2 из 3 учеников" in report.text and "0,5 из 2" in report.text, report.text
    assert report.attachment
    book = load_workbook(io.BytesIO(emu.doc_bytes(report.attachment.split(",")[0])))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Ученик" and rows[0][-2:] == ("Верно", "Из")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Петров Петя"][1:] == ("4 — верно", "Казань — неверно", 1, 2)
    assert by_name["Сидорова Катя"][1:] == ("3 — неверно", "нет ответа", 0, 2)
    assert len(by_name) == 3  # Kolya is in the class: a row with no answers
    assert by_name["Козлов Коля"][-2:] == (0, 2)
    await emu.wait_sent(peer, contains="Викторина завершена", since=chat_mark)
    closed = await emu.wait_for(lambda: next(m for m in emu.history(peer) if m.cmid == q1.cmid
                                             and "Правильный ответ: 4" in m.text), 10)
    assert not closed.keyboard


async def _snack_of(emu, user: int, message, label: str) -> str:
    """Press ``label`` under the bot's private ``message``; the snackbar's text."""
    event_id = emu.press_button(user, user, message.cmid, _payload(message, label))
    snack = await emu.wait_for(lambda: next((s for s in emu.snackbars if s.event_id == event_id), None), 10)
    return snack.event_data["text"]


async def test_closing_a_poll_early_is_asked_first_and_done_once(emu, harness) -> None:
    from bot import texts

    a = await _world(emu, harness)
    teacher = a.vk["teacher"]
    chat = await _chat(emu, harness, a, "/создать родители 5А", "5А — родители", ["anna"])
    peer = chat.peer_id
    # typed privately with one chat to run polls in: no question which chat
    step = await say(emu, teacher, "/опрос")
    assert step.text.startswith("Опрос для беседы «5А — родители».") and "Сколько вариантов" in step.text
    step = await press(emu, teacher, step, t.BUTTON_SINGLE, contains="анонимное или именное")
    step = await press(emu, teacher, step, t.BUTTON_ANONYMOUS, contains="Сколько длится")
    step = await press(emu, teacher, step, t.DEADLINE_LABELS["1d"], contains="одним сообщением")
    preview = await say(emu, teacher, "Идём в музей?\nДа\nНет")
    assert "Один вариант, анонимно" in preview.text, preview.text
    done = await press(emu, teacher, preview, t.BUTTON_PUBLISH, contains="Опрос опубликован")
    assert "кто не голосовал" not in done.text  # anonymous: no report promised
    poll_msg = await emu.wait_sent(peer, contains="📊 Опрос: Идём в музей?")
    assert await _vote(emu, peer, a.vk["anna"], poll_msg, "1. Да") == "Голос учтён: Да"

    # «Подвести итоги сейчас» asks first (nothing closed yet), then «Подвести итоги» closes
    mark = len(emu.sent(teacher))
    assert await _snack_of(emu, teacher, done, t.BUTTON_CLOSE_NOW) == t.SNACK_CONFIRM
    ask = await emu.wait_sent(teacher, since=mark, contains="Подвести итоги опроса «Идём в музей?» сейчас?")
    assert not [m for m in emu.sent(peer) if "Итоги опроса" in m.text]
    mark = len(emu.sent(teacher))
    assert await _snack_of(emu, teacher, ask, t.BUTTON_CLOSE_CONFIRM) == t.CLOSED_ON_DEMAND
    assert (await emu.wait_sent(teacher, since=mark)).text == t.CLOSED_ON_DEMAND
    results = await emu.wait_sent(peer, contains="Итоги опроса «Идём в музей?»")
    assert "1. Да — 1 (100%)" in results.text
    # the same confirmation pressed again: nothing more
    assert await _snack_of(emu, teacher, ask, t.BUTTON_CLOSE_CONFIRM) == texts.PENDING_GONE
    await harness.settled()
    assert len([m for m in emu.sent(peer) if "Итоги опроса" in m.text]) == 1
