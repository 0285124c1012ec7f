"""Progress notes: reading any sheet (CSV, XLSX with a title line, Фамилия/Имя columns), matching
rows to the teacher's students, the access check, and the batch's report read from the outcomes
of its recorded messages."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from bot.domain.classes import parse_class
from bot.domain.clock import FixedClock
from bot.domain.errors import UserError
from bot.domain.names import normalize_name
from bot.pipeline.effects import Effects
from bot.repo import outbox
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.repo import progress as repo
from bot.repo import roles as role_repo
from bot.repo.people import Person
from bot.services.progress import Progress, match_rows, read_sheet
from bot.services.progress_results import AlreadyDone, SheetRow, Started
from bot.texts import progress as t
from tests.services.conftest import NOW


def _student(pid: int, name: str, cls: str) -> Person:
    return Person(pid, 1, "student", name, normalize_name(name), None, "active", 1, cls, "regular")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_read_xlsx_with_title_and_split_name() -> None:
    data = _xlsx([["Успеваемость 5А за I четверть"], [],
                  ["Фамилия", "Имя", "Класс", "Математика", "Пропуски", "Комментарий"],
                  ["Петров", "Петя", "5А", 5, 2, None],
                  ["", "", "", "", "", ""],
                  ["Сидорова", "Катя", "5А", 4, 0, "Старается"]])
    rows = read_sheet(data, "marks.xlsx")
    assert [r.name for r in rows] == ["Петров Петя", "Сидорова Катя"]
    assert rows[0].cells == (("Математика", "5"), ("Пропуски", "2"))
    assert rows[1].cells == (("Математика", "4"), ("Пропуски", "0"), ("Комментарий", "Старается"))
    assert rows[0].line == 4 and rows[0].cls == "5А"


@pytest.mark.parametrize("content, message", [
    ("ФИО;Класс\nПетров Петя;5А\n", t.NO_DATA_COLUMNS),
    ("Оценка;Комментарий\n5;хорошо\n", t.NO_NAME_COLUMN),
    ("ФИО;Оценка\n", t.NO_ROWS),
])
def test_sheets_that_cannot_be_sent(content: str, message: str) -> None:
    with pytest.raises(UserError) as refused:
        read_sheet(content.encode(), "m.csv")
    assert refused.value.message == message


def test_too_many_rows() -> None:
    content = "ФИО;Оценка\n" + "".join(f"Ученик Номер{i};5\n" for i in range(600))
    with pytest.raises(UserError) as refused:
        read_sheet(content.encode(), "m.csv")
    assert "600" in refused.value.message


def test_matching() -> None:
    students = [_student(1, "Петров Пётр Иванович", "5А"), _student(2, "Сидорова Катя", "5А"),
                _student(3, "Орлов Олег", "5А"), _student(4, "Орлов Олег", "5Б"), _student(5, "Козлов Коля", "5Б")]

    def row(line: int, name: str, cls: str = "") -> SheetRow:
        return SheetRow(line, name, cls, (("Оценка", "5"),))

    result = match_rows([row(2, "петров петр"), row(3, "Сидорова Катя", "5 а"), row(4, "Орлов Олег"),
                         row(5, "Орлов Олег", "5Б"), row(6, "Иванов Иван"), row(7, "Козлов Коля", "6В"),
                         row(8, "Сидорова Катя")], students)
    assert [(r.line, s.id) for r, s in result.matched] == [(2, 1), (5, 4)]
    assert [r.line for r in result.ambiguous] == [4]  # two Олег Орлов: the class decides
    assert [r.line for r in result.unmatched] == [6]
    assert [r.line for r in result.foreign] == [7]
    assert sorted(r.line for r in result.duplicate) == [3, 8]  # the same student twice: neither sent


async def test_only_own_classes_and_the_report_from_outcomes(world) -> None:
    db, org = world.db, world.school_a
    a5 = await people_repo.ensure_class(db, org.id, parse_class("5А"), NOW)
    b5 = await people_repo.ensure_class(db, org.id, parse_class("5Б"), NOW)
    ids = {}
    for name, cls, parent_vk in (("Петров Петя", a5, 701), ("Сидорова Катя", a5, 702), ("Козлов Коля", b5, 703)):
        sid = await people_repo.create_student(db, org_id=org.id, full_name=name, name_key=normalize_name(name),
                                               class_id_=cls, mode="regular", now=NOW)
        pid = await people_repo.create(db, org_id=org.id, kind="parent", full_name=f"Родитель {parent_vk}",
                                       name_key=f"родитель {parent_vk}", vk_id=parent_vk, now=NOW)
        await people_repo.link_child(db, pid, sid)
        ids[name] = sid
    teacher = await people_repo.create(db, org_id=org.id, kind="staff", full_name="Учитель Один",
                                       name_key="учитель один", vk_id=600, now=NOW)
    await role_repo.grant(db, person_id=teacher, org_id=org.id, role="class_teacher", class_id=a5,
                          granted_by=None, now=NOW)
    caller = await world.access.caller(600)
    clock = FixedClock(NOW)
    progress = Progress(db, Effects(db, clock), clock, "vk.me/zavuch")
    sheet = "ФИО;Оценка\nПетров Петя;5\nСидорова Катя;4\nКозлов Коля;3\n".encode()
    preview = await progress.preview(caller, "m.csv", sheet)
    assert (preview.parents, preview.students) == (2, 2)  # Козлов is in 5Б, not the teacher's class
    assert [r.name for r in preview.unmatched] == ["Козлов Коля"]
    assert preview.classes == ("5А",) and preview.example_student == "Петров Петя"
    assert preview.example_text.startswith("📒 Успеваемость: Петров Петя (5А)")
    shown = t.preview(preview)
    assert "Получат лично: 2 родителям" in shown and "Козлов Коля" in shown.split("Не найдены")[1]
    assert preview.action_id is not None
    action = await pending_repo.get(db, preview.action_id)
    assert action is not None
    started = await progress.apply(caller, action)
    assert started == Started(2) and "2 родителям" in t.applied(started)
    assert await progress.apply(caller, action) == AlreadyDone()  # pressed twice: sent once
    assert (await pending_repo.get(db, action.id)).payload == {}  # type: ignore[union-attr]
    # nothing reported while a message waits; then 702 refused (901), 701 sent
    assert await progress.report_finished() == 0
    [(batch_id, _, _)] = await repo.batches(db)
    sends = await db.fetchall("SELECT id, peer_id FROM action WHERE event_id = ? ORDER BY seq",
                              (repo.event_id(batch_id),))
    by_peer = {int(peer): int(aid) for aid, peer in sends}
    await outbox.mark_done(db, [by_peer[701]], NOW)
    assert await progress.report_finished() == 0
    await outbox.mark_failed(db, by_peer[702], NOW, 901)
    assert await progress.report_finished() == 1
    report = await db.fetchone("SELECT params FROM action WHERE peer_id = 600 AND kind = 'send' ORDER BY id DESC")
    text = json.loads(report[0])["text"]
    assert text.startswith("Успеваемость доставлена: 1 из 2.")
    assert "— Сидорова Катя — родитель не разрешил сообщения сообщества; что сделать: попросите родителя " \
           "написать сообществу vk.me/zavuch" in text
    assert await repo.batches(db) == []
    # a staff member who teaches no class is refused
    admin = await world.staff(org, "school_admin", 650)
    with pytest.raises(UserError) as refused:
        await progress.preview(admin, "m.csv", sheet)
    assert refused.value.message == t.NO_CLASSES


async def test_a_subject_teacher_sends_to_the_class_of_their_subject_chat(world) -> None:
    from bot.repo import chats as chat_repo

    db, org = world.db, world.school_a
    b6 = await people_repo.ensure_class(db, org.id, parse_class("6Б"), NOW)
    sid = await people_repo.create_student(db, org_id=org.id, full_name="Зайцев Игорь", name_key="зайцев игорь",
                                           class_id_=b6, mode="regular", now=NOW)
    pid = await people_repo.create(db, org_id=org.id, kind="parent", full_name="Зайцева Ольга",
                                   name_key="зайцева ольга", vk_id=801, now=NOW)
    await people_repo.link_child(db, pid, sid)
    caller = await world.staff(org, "subject_teacher", 810, "Физикова Нина")
    clock = FixedClock(NOW)
    progress = Progress(db, Effects(db, clock), clock, "vk.me/zavuch")
    sheet = "ФИО;Физика\nЗайцев Игорь;5\n".encode()
    with pytest.raises(UserError):  # no class yet: a role without a class, no subject chat
        await progress.preview(caller, "m.csv", sheet)
    chat, _ = await chat_repo.ensure(db, 2_000_000_001, added_by=810, now=NOW)
    teacher_id = await people_repo.id_in_org_by_vk(db, org.id, 810)
    await chat_repo.bind(db, chat.id, org_id=org.id, type_="subject", class_id=b6, subject="физика",
                         title="6Б — физика", leader_id=teacher_id)
    preview = await progress.preview(caller, "m.csv", sheet)
    assert preview.parents == 1 and "Физика: 5" in preview.example_text
    assert "Получат лично: 1 родителю" in t.preview(preview)


async def test_a_batch_id_is_never_given_again(db) -> None:
    first = await repo.create_batch(db, org_id=await _org(db), teacher_vk=1, now=NOW)
    await repo.drop_batch(db, first)
    second = await repo.create_batch(db, org_id=await _org(db), teacher_vk=1, now=NOW)
    assert second != first and repo.event_id(second) != repo.event_id(first)


async def _org(db) -> int:
    from bot.repo import orgs as org_repo

    found = await org_repo.by_code(db, "p-org")
    if found is None:
        found = await org_repo.create(db, kind="school", code="p-org", name="Школа", parent_id=None,
                                      timezone="Europe/Moscow", created_by=None, now=NOW)
    return found.id
