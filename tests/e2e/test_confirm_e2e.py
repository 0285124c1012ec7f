"""Issue 11, part 2, through vkemu with the real bot: what cannot be undone is asked first, naming
the people and chats it touches; cancelling says what was cancelled; the people affected are told
what changed; one-class imports; files sent alone; roster templates."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.domain.classes import parse_class
from bot.domain.roster_file import parse_roster
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import people as people_repo
from bot.texts import confirm as ct
from tests.e2e.presses import labels, press, say
from tests.e2e.test_chats_e2e import _world
from tests.e2e.test_roster_e2e import csv_doc, import_clean, set_up_school

ROSTER = Path(__file__).resolve().parents[1] / "fixtures" / "roster"


async def test_expel_asks_naming_people_and_chats_cancel_says_what_and_confirm_tells_them(emu, harness) -> None:
    a, _ = await _world(emu, harness)
    admin, mom, kid = a.vk["admin"], a.vk["mom"], a.vk["kid"]
    await say(emu, admin, "/создать родители 5А")
    [chat] = await chat_repo.in_org(harness.db, a.org.id)
    emu.join_by_link(chat.peer_id, mom)
    await harness.wait_until(lambda: member_repo.get(harness.db, chat.id, mom))

    question = await say(emu, admin, "/отчислить Иванов Петя")
    assert question.text.startswith("Отчислить: Иванов Петя (5А)?"), question.text
    assert "• Иванова Елена (родитель): удалю из «5А — родители»" in question.text.split("\n")
    assert "• Иванов Петя (ученик): беседы не меняются" in question.text.split("\n")
    assert labels(question) == ["Отчислить", "Отменить"]

    cancelled = await press(emu, admin, question, "Отменить")
    assert cancelled.text == "Отменено: отчисление ученика Иванов Петя (5А). Ничего не изменилось.", cancelled.text
    assert (await people_repo.get(harness.db, a.person["kid"])).status == "active"
    assert mom in emu.chat(chat.peer_id).members

    question = await say(emu, admin, "/отчислить Иванов Петя")
    mark = len(emu.sent(mom))
    done = await press(emu, admin, question, "Отчислить", contains="Готово")
    assert done.text.startswith("Готово: отчисление Иванов Петя (5А)"), done.text
    await emu.wait_for(lambda: mom not in emu.chat(chat.peer_id).members)
    notice = await emu.wait_sent(mom, contains="Школа № 1", since=mark)
    assert notice.text == ("Иванов Петя больше не числится в списках «Школа № 1».\n"
                           "Я удалил вас из беседы «5А — родители»."), notice.text
    assert kid is not None


async def test_one_class_import_lists_names_and_applies_only_its_classes_by_default(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    await import_clean(emu, harness, school)
    one_class = "ФИО;Класс\nИванов Пётр Сергеевич;5А\nПетров Глеб Андреевич;5А\nНовиков Илья Павлович;5А\n"
    preview = await say(emu, school.admin, "/импорт", attachments=csv_doc("5a.csv", one_class.encode()))
    assert "В файле только классы 5А" in preview.text, preview.text
    assert "Иванова Мария Сергеевна (7Б)" in preview.text and "Сидорова Анна Олеговна (11В)" in preview.text
    assert labels(preview) == [ct.BUTTON_SCOPED, "Применить всё, отчислить 2", "Отменить"]
    colors = [b["color"] for row in preview.keyboard["buttons"] for b in row]
    assert colors == ["positive", "negative", "secondary"]

    done = await press(emu, school.admin, preview, ct.BUTTON_SCOPED)
    assert done.text.startswith("Готово, применены только классы из файла (5А)"), done.text
    active = {p.display_name for p in (await people_repo.snapshot(harness.db, school.org.id)).of_kind("student")}
    assert active == {"Иванов Пётр Сергеевич", "Петров Глеб Андреевич", "Новиков Илья Павлович",
                      "Иванова Мария Сергеевна", "Сидорова Анна Олеговна"}


async def test_cancelling_an_import_names_the_file(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    preview = await say(emu, school.admin, "/импорт",
                        attachments=csv_doc("spisok.csv", (ROSTER / "clean.csv").read_bytes()))
    cancelled = await press(emu, school.admin, preview, "Отменить")
    assert cancelled.text == "Отменено: импорт файла «spisok.csv». Ничего не изменилось."
    assert (await people_repo.counts(harness.db, school.org.id))["student"] == 0


async def test_a_spreadsheet_sent_alone_is_an_import_for_the_admin_and_answered_for_others(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    preview = await say(emu, school.admin, "", attachments=csv_doc("spisok.csv", (ROSTER / "clean.csv").read_bytes()))
    assert "Ученики: новых 4" in preview.text and labels(preview) == ["Применить", "Отменить"], preview.text
    done = await press(emu, school.admin, preview, "Применить")
    assert done.text.startswith("Готово, списки обновлены"), done.text

    stranger = emu.add_user("Случайный", "Родитель")
    answer = await say(emu, stranger, "вот список", attachments=csv_doc("spisok.csv", b"x;y\n"))
    assert answer.text == ct.FILE_NOT_FOR_YOU and answer.keyboard is None
    answer = await say(emu, school.admin, "", attachments=csv_doc("scan.pdf", b"%PDF-1.4"))
    assert answer.text == ct.FILE_NOT_SPREADSHEET.format(name="scan.pdf")


async def test_import_without_a_file_sends_the_templates(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    answer = await say(emu, school.admin, "/импорт")
    assert answer.text == ct.IMPORT_TEMPLATES
    xlsx, csv = (answer.attachment or "").split(",")
    rows = list(load_workbook(io.BytesIO(emu.doc_bytes(xlsx))).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Тип", "ФИО", "Класс")
    # filled in (the example marks removed), the template is a valid roster file
    filled = parse_roster(emu.doc_bytes(csv).replace("пример: ".encode(), b""), "t.csv")
    assert not filled.problems and len(filled.students) == 2


async def test_a_picked_namesake_is_asked_about_before_the_transfer(emu, harness) -> None:
    from tests.e2e.seed import add_student

    a, _ = await _world(emu, harness)
    admin = a.vk["admin"]
    await add_student(harness.db, emu, a, "kid6", "Петя", "Иванов", "6Б")
    pick = await say(emu, admin, "/перевести Иванов Петя 7А")
    assert labels(pick) == ["Иванов Петя, 5А", "Иванов Петя, 6Б", "Отменить"], pick.text
    question = await press(emu, admin, pick, "Иванов Петя, 6Б")
    await emu.wait_for(lambda: emu.snackbars)
    assert emu.snackbars[-1].event_data["text"] == ct.PICKED_SNACK
    assert "нет класса 7А" in question.text and "Перевести: Иванов Петя, 6Б → 7А?" in question.text
    assert (await people_repo.get(harness.db, a.person["kid6"])).class_name == "6Б"
    cancelled = await press(emu, admin, question, "Отменить")
    assert cancelled.text == "Отменено: перевод ученика Иванов Петя (6Б → 7А). Ничего не изменилось."
    assert await people_repo.class_id(harness.db, a.org.id, parse_class("7А")) is None
