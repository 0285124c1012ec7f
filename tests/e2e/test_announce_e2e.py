"""Issue 12 part 5 through vkemu with the real bot: an announcement to the parents' chats of one
grade, picked with buttons; the confirmation names how many chats and which; the bot lost its
rights in one of them (found by the weekly check of members): reported to the author with what to
do, the others delivered; chats of another grade or type get nothing; the report comes once."""

from __future__ import annotations

from bot.domain.classes import parse_class
from bot.repo import chats as chat_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.services.announce import Announcements
from bot.texts import announce as t
from tests.e2e.presses import labels, press, say
from tests.e2e.seed import NOW, School, add_staff, make_school
from tests.e2e.test_membership_truth_e2e import _bind


async def _world(emu, harness) -> School:
    db = harness.db
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", muni.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "teacher", "Мария", "Классная", [("class_teacher", "5А")])
    for cls in ("5Б", "5В", "6А"):
        await people_repo.ensure_class(db, a.org.id, parse_class(cls), NOW)
    return a


async def test_announcement_to_parents_of_one_grade_with_a_chat_without_rights(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    chats = {}
    for title, command in (("5А — родители", "/привязать родители 5А"), ("5Б — родители", "/привязать родители 5Б"),
                           ("5В — родители", "/привязать родители 5В"), ("6А — родители", "/привязать родители 6А"),
                           ("5А — ученики", "/привязать ученики 5А")):
        peer = emu.create_chat("беседа", admin, [])
        chat = await _bind(emu, harness, peer, admin, command)
        assert chat.title == title, chat.title
        chats[title] = chat
    # the bot loses its rights in 5В; the weekly check of members finds it out
    lost = chats["5В — родители"]
    emu.set_bot_admin(lost.peer_id, False)
    await harness.app.services.membership.reconcile_all()
    await harness.settled()
    assert not (await chat_repo.get(harness.db, lost.id)).bot_is_admin
    marks = {title: len(emu.sent(chat.peer_id)) for title, chat in chats.items()}

    # the audience with buttons: parents' chats of the 5th grade
    first = await say(emu, admin, "/объявление")
    assert t.TYPE_LABELS["p"] in labels(first), first.text
    grades = await press(emu, admin, first, t.TYPE_LABELS["p"])
    assert set(labels(grades)) == {t.ALL_GRADES, "5-е классы", "6-е классы"}, labels(grades)
    classes = await press(emu, admin, grades, "5-е классы")
    assert labels(classes) == ["Все 5-е классы", "5А", "5Б", "5В"], labels(classes)
    ask = await press(emu, admin, classes, "Все 5-е классы")
    assert "Напишите текст объявления" in ask.text, ask.text

    # the text: a confirmation naming how many chats and which (a school-wide action)
    question = await say(emu, admin, "Завтра в 18:00 родительское собрание пятых классов.")
    assert "Отправить объявление в 2 беседы" in question.text, question.text
    assert "• 5А — родители" in question.text and "• 5Б — родители" in question.text
    assert "«5В — родители» — бот не администратор" in question.text
    assert "6А" not in question.text and "ученики" not in question.text
    assert "для всей школы" in question.text
    done = await press(emu, admin, question, "Отправить в 2 беседы")
    assert done.text == t.SENDING.format(count=2, chats="беседы"), done.text

    # the delivery report: delivered in 2 of 3, where not and why, with what to do
    report = await emu.wait_sent(admin, contains="доставлено в", timeout=15)
    assert report.text.startswith("Объявление доставлено в 2 из 3 бесед."), report.text
    assert "«5В — родители» — бот не администратор, что сделать: назначьте сообщество администратором" \
        in report.text, report.text
    for title in ("5А — родители", "5Б — родители"):
        got = [m for m in emu.sent(chats[title].peer_id)[marks[title]:] if "родительское собрание" in m.text]
        assert len(got) == 1, title
        assert got[0].text.startswith("Объявление (Школа № 1)")
    for title in ("5В — родители", "6А — родители", "5А — ученики"):
        assert not [m for m in emu.sent(chats[title].peer_id)[marks[title]:] if "собрание" in m.text], title

    # exactly once: the job running again (or after a restart) reports nothing more
    assert await Announcements.of(harness.app).report_finished() == 0
    await harness.restart()
    assert await Announcements.of(harness.app).report_finished() == 0
    await harness.settled()
    assert len([m for m in emu.sent(admin) if "доставлено в" in m.text]) == 1


async def test_announcement_with_a_document_to_one_class(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    chats = {}
    for title, command in (("5А — родители", "/привязать родители 5А"), ("5А — ученики", "/привязать ученики 5А"),
                           ("5Б — родители", "/привязать родители 5Б")):
        peer = emu.create_chat("беседа", admin, [])
        chats[title] = await _bind(emu, harness, peer, admin, command)

    first = await say(emu, admin, "объявление")  # typed without «/» privately: the same command
    grades = await press(emu, admin, first, t.TYPE_LABELS["c"])
    classes = await press(emu, admin, grades, "5-е классы")
    ask = await press(emu, admin, classes, "5А")
    assert "классы: 5А" in ask.text, ask.text
    mark = len(emu.sent(admin))
    emu.user_message(admin, admin, "Памятка к экскурсии во вложении.",
                     attachments=[{"type": "doc", "title": "ekskursiya.pdf", "content": b"%PDF-1.4 trip"}])
    question = await emu.wait_sent(admin, since=mark, contains="Отправить объявление")
    assert "в 2 беседы" in question.text and "5Б" not in question.text, question.text
    await press(emu, admin, question, "Отправить в 2 беседы")
    report = await emu.wait_sent(admin, contains="доставлено", timeout=15)
    assert report.text == "Объявление доставлено во все 2 беседы.", report.text
    doc = next(d for d in emu.docs.values() if d.owner_id == admin)
    for title in ("5А — родители", "5А — ученики"):
        got = [m for m in emu.sent(chats[title].peer_id) if "экскурсии" in m.text]
        assert len(got) == 1 and got[0].attachment == doc.attachment, title  # the author's document, with its key
    assert not [m for m in emu.sent(chats["5Б — родители"].peer_id) if "экскурсии" in m.text]


async def test_classes_typed_instead_of_the_grades_buttons(emu, harness) -> None:
    a = await _world(emu, harness)
    admin = a.vk["admin"]
    for command in ("/привязать родители 5А", "/привязать родители 5Б", "/привязать родители 6А"):
        await _bind(emu, harness, emu.create_chat("беседа", admin, []), admin, command)

    first = await say(emu, admin, "/объявление")
    grades = await press(emu, admin, first, t.TYPE_LABELS["p"])
    assert t.ALL_GRADES in labels(grades)
    wrong = await say(emu, admin, "пятые")  # not a class: said what is wrong and how to write it
    assert wrong.text == t.BAD_CLASSES.format(text="пятые"), wrong.text
    ask = await say(emu, admin, "5Б, 6")
    assert ask.text == t.ASK_TEXT.format(audience="беседы родителей классов, классы: 6, 5Б"), ask.text
    question = await say(emu, admin, "Экскурсия переносится.")
    assert "Отправить объявление в 2 беседы" in question.text and "5А" not in question.text, question.text
    assert {"Отправить в 2 беседы", "Отменить"} == set(labels(question))
