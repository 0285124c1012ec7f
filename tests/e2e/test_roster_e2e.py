"""Issue 3 through vkemu with the real bot: an operator sets up a school and its admin by order,
the admin imports a roster (preview → «Применить»), transfers a student and hands out codes,
a parent links their VK account with a code, and non-staff are refused."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from bot import texts
from bot.texts.roster import CODES_HEADERS
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.services.access import ROLE_NAMES_RU
from tests.e2e.conftest import OPERATOR_VK
from tests.e2e.presses import press
from vkemu import Emulator

ROSTER = Path(__file__).resolve().parents[1] / "fixtures" / "roster"
SCHOOL = "sch12"


async def say(emu: Emulator, user: int, text: str, *, attachments: list | None = None, timeout: float = 10.0):
    """A user writes to the bot privately; returns the bot's next message to them."""
    mark = len(emu.sent(user))
    emu.user_message(user, user, text, attachments=attachments)
    return await emu.wait_sent(user, since=mark, timeout=timeout)


def csv_doc(name: str, content: bytes) -> list[dict]:
    return [{"type": "doc", "title": name, "content": content}]


def button_payload(message, label: str) -> dict:
    for row in (message.keyboard or {}).get("buttons", []):
        for button in row:
            if button["action"]["label"] == label:
                return json.loads(button["action"]["payload"])
    raise AssertionError(f"no button «{label}» under: {message.text!r}")


@dataclass
class School:
    org: org_repo.Org
    admin: int


async def set_up_school(emu: Emulator, harness) -> School:
    answer = await say(emu, OPERATOR_VK, "/организация регион r16 мск Республика Татарстан")
    assert answer.text.startswith("Создано: регион"), answer.text
    answer = await say(emu, OPERATOR_VK, "/организация муниципалитет mo-kazan мск r16 Казань")
    assert answer.text.startswith("Создано: муниципалитет"), answer.text
    answer = await say(emu, OPERATOR_VK, f"/организация школа {SCHOOL} Europe/Moscow mo-kazan Школа № 12")
    assert answer.text.startswith("Создано: школа «Школа № 12»"), answer.text
    admin = emu.add_user("Ирина", "Админова", allows_messages=True)
    answer = await say(emu, OPERATOR_VK,
                       f"/роль выдать администратор vk.com/id{admin} приказ 1 от 01.09.2026 школа {SCHOOL}")
    assert "выдана: Админова Ирина" in answer.text and "приказ № 1 от 01.09.2026" in answer.text, answer.text
    # the new admin is told, with the start keyboard of the role (issue 11)
    told = await emu.wait_sent(admin, contains="Вам выдана роль «администратор школы» в «Школа № 12»")
    assert told.keyboard and not told.keyboard.get("inline")
    org = await org_repo.by_code(harness.db, SCHOOL)
    assert org is not None and org.kind == "school"
    [grant] = await role_repo.active_in_org(harness.db, org.id, ("school_admin",))
    assert (grant.order_no, grant.order_date, grant.granted_by) == ("1", "01.09.2026", OPERATOR_VK)
    return School(org, admin)


async def import_clean(emu: Emulator, harness, school: School) -> None:
    preview = await say(emu, school.admin, "/импорт",
                        attachments=csv_doc("spisok.csv", (ROSTER / "clean.csv").read_bytes()))
    assert texts.IMPORT_CONFIRM in preview.text, preview.text
    assert "4" in preview.text  # four students to add
    payload = button_payload(preview, texts.BUTTON_APPLY)
    button_payload(preview, texts.BUTTON_CANCEL)  # and a way out
    mark = len(emu.sent(school.admin))
    event_id = emu.press_button(school.admin, school.admin, preview.cmid, payload)
    done = await emu.wait_sent(school.admin, contains="списки обновлены", since=mark, timeout=10)
    assert done.text.startswith("Готово, списки обновлены")
    await emu.wait_for(lambda: any(s.event_id == event_id for s in emu.snackbars))


async def test_operator_sets_up_school_and_admin_imports_a_roster(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    await import_clean(emu, harness, school)

    counts = await people_repo.counts(harness.db, school.org.id)
    assert (counts["student"], counts["parent"], counts["classes"]) == (4, 2, 3)
    [petr] = await people_repo.find_prefix(harness.db, school.org.id, "иванов петр", kind="student")
    assert petr.class_name == "5А"
    [elena] = await people_repo.find_prefix(harness.db, school.org.id, "иванова елена", kind="parent")
    assert sorted(k.full_name for k in await people_repo.children(harness.db, elena.id)) == [
        "Иванов Пётр Сергеевич", "Иванова Мария Сергеевна"]
    enrolled = [e for e in await people_repo.events(harness.db, school.org.id) if e["kind"] == "enrol"]
    assert len(enrolled) == 4

    # the same file again: nothing to change, no buttons
    again = await say(emu, school.admin, "/импорт",
                      attachments=csv_doc("spisok.csv", (ROSTER / "clean.csv").read_bytes()))
    assert again.keyboard is None and texts.IMPORT_CONFIRM not in again.text, again.text
    assert (await people_repo.counts(harness.db, school.org.id))["student"] == 4


async def test_broken_file_gets_its_problem_lines_and_no_buttons(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    answer = await say(emu, school.admin, "/импорт",
                       attachments=csv_doc("broken.csv", (ROSTER / "broken.csv").read_bytes()))
    assert answer.keyboard is None
    assert texts.IMPORT_HAS_PROBLEMS in answer.text
    for line in (3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14):
        assert f"строка {line}" in answer.text, line
    counts = await people_repo.counts(harness.db, school.org.id)
    assert (counts["student"], counts["parent"]) == (0, 0)
    assert await harness.db.fetchval("SELECT COUNT(*) FROM pending_action") == 0


async def test_transfer_codes_and_a_parent_linking_by_code(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    await import_clean(emu, harness, school)
    db = harness.db

    # /перевести to a class the school does not have: said so, with the classes it has, and asked
    question = await say(emu, school.admin, "/перевести Иванова Мария 7А")
    assert question.text.startswith("В «Школа № 12» нет класса 7А (есть: 5А, 7Б, 11В)"), question.text
    assert "Иванова Елена Петровна (родитель, VK не привязан" in question.text
    answer = await press(emu, school.admin, question, "Создать 7А и перевести")
    assert "7Б → 7А" in answer.text, answer.text
    [maria] = await people_repo.find_prefix(db, school.org.id, "иванова мария", kind="student")
    assert maria.class_name == "7А"
    [event] = [e for e in await people_repo.events(db, school.org.id) if e["kind"] == "transfer"]
    assert event["person_id"] == maria.id and event["created_by"] == school.admin
    assert await people_repo.class_name_of(db, event["from_class_id"]) is not None
    assert str(await people_repo.class_name_of(db, event["to_class_id"])) == "7А"

    # /коды 5А: an XLSX and a CSV with one code per unlinked student and parent of 5А
    answer = await say(emu, school.admin, "/коды 5А")
    attachments = (answer.attachment or "").split(",")
    assert len(attachments) == 2, answer.text
    workbook = load_workbook(io.BytesIO(emu.doc_bytes(attachments[0])))
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))  # [0]: the slips to cut out
    assert rows[0] == CODES_HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Иванов Пётр Сергеевич", "Петров Глеб Андреевич", "Иванова Елена Петровна",
                            "Петров Андрей Ильич"}
    table = list(csv.reader(io.StringIO(emu.doc_bytes(attachments[1]).decode("utf-8-sig")), delimiter=";"))
    assert sorted(r[3] for r in table[1:]) == sorted(row[3] for row in rows[1:])
    code = by_name["Петров Андрей Ильич"][3]

    # the parent writes the code from the sheet and is linked
    parent = emu.add_user("Андрей", "Петров")
    answer = await say(emu, parent, f"/код {code}")
    assert answer.text.startswith("Готово! Вы привязаны: родитель"), answer.text
    assert "Петров Глеб Андреевич" in answer.text
    [andrey] = await people_repo.find_prefix(db, school.org.id, "петров андрей", kind="parent")
    assert andrey.vk_id == parent
    assert [e["person_id"] for e in await people_repo.events(db, school.org.id) if e["kind"] == "link"] == [andrey.id]

    # someone else with the same sheet gets nothing
    stranger = emu.add_user("Чужой", "Человек")
    answer = await say(emu, stranger, f"/код {code}")
    assert "Такого кода нет" in answer.text
    assert (await people_repo.get(db, andrey.id)).vk_id == parent


async def test_parent_and_teacher_are_refused_import_in_russian(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    await import_clean(emu, harness, school)
    db = harness.db
    # a linked parent (by code) and a teacher (by order)
    answer = await say(emu, school.admin, "/коды 5А")
    rows = list(load_workbook(io.BytesIO(emu.doc_bytes(answer.attachment.split(",")[0]))).worksheets[1]
                .iter_rows(values_only=True))
    code = next(row[3] for row in rows if row[0] == "Иванова Елена Петровна")
    parent = emu.add_user("Елена", "Иванова")
    assert (await say(emu, parent, f"/код {code}")).text.startswith("Готово!")
    teacher = emu.add_user("Ольга", "Смирнова", allows_messages=True)
    answer = await say(emu, school.admin, f"/роль выдать учитель vk.com/id{teacher} приказ 7 от 02.09.2026")
    assert "выдана" in answer.text, answer.text
    await emu.wait_sent(teacher, contains="Вам выдана роль «учитель»")  # told, with the start keyboard

    before = await people_repo.counts(db, school.org.id)
    for who in (parent, teacher):
        for args in ("", f" школа {SCHOOL}"):
            answer = await say(emu, who, "/импорт" + args,
                               attachments=csv_doc("spisok.csv", (ROSTER / "clean.csv").read_bytes()))
            assert answer.text.startswith("У вас нет прав на изменение списков"), (who, args, answer.text)
            assert answer.keyboard is None
    assert await people_repo.counts(db, school.org.id) == before
    assert await db.fetchval("SELECT COUNT(*) FROM pending_action WHERE vk_id IN (?, ?)", (parent, teacher)) == 0


async def test_school_card_shows_the_admin_with_the_order(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    await import_clean(emu, harness, school)
    answer = await say(emu, school.admin, "/школа")
    assert "Школа № 12" in answer.text and SCHOOL in answer.text
    admin_line = f"• {ROLE_NAMES_RU['school_admin']}: Админова Ирина (приказ № 1 от 01.09.2026)"
    assert admin_line in answer.text.split("\n"), answer.text
    assert "учеников 4, родителей 2" in answer.text
    # the operator may look at any school by its code
    answer = await say(emu, OPERATOR_VK, f"/школа {SCHOOL}")
    assert "приказ № 1 от 01.09.2026" in answer.text


# -- issue 9 item 5: whole downloads, a stated limit ----------------------------------------------

SURNAMES = ("Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
            "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов",
            "Козлов", "Степанов")
FIRST_NAMES = ("Александр", "Максим", "Иван", "Артём", "Дмитрий", "Никита", "Михаил", "Даниил", "Егор", "Андрей",
               "Илья", "Кирилл", "Марк", "Тимофей", "Роман")
PATRONYMICS = ("Сергеевич", "Андреевич", "Алексеевич", "Дмитриевич", "Игоревич", "Олегович", "Павлович",
               "Викторович", "Юрьевич", "Николаевич")


def big_students_csv() -> bytes:
    """3,000 distinct students in 33 classes: well over the ~100 KB that used to arrive cut."""
    rows = ["ФИО;Класс;Режим"]
    n = 0
    for last in SURNAMES:
        for first in FIRST_NAMES:
            for middle in PATRONYMICS:
                rows.append(f"{last} {first} {middle};{n % 11 + 1}{'АБВ'[n % 3]};очное")
                n += 1
    return ("\n".join(rows) + "\n").encode()


async def test_a_3000_student_file_over_100_kb_is_downloaded_whole_and_previewed(emu, harness) -> None:
    school = await set_up_school(emu, harness)
    data = big_students_csv()
    assert len(data) > 150 * 1024
    answer = await say(emu, school.admin, "/импорт", attachments=csv_doc("shkola.csv", data), timeout=30)
    assert "Ученики: новых 3000." in answer.text, answer.text
    assert "отчисл" not in answer.text and texts.IMPORT_CONFIRM in answer.text


async def test_a_file_over_the_limit_is_refused_with_the_limit_and_nothing_changes(emu, harness) -> None:
    from bot.services.roster import MAX_FILE_BYTES

    school = await set_up_school(emu, harness)
    data = big_students_csv()
    data += b"\n" * (MAX_FILE_BYTES + 1 - len(data))
    answer = await say(emu, school.admin, "/импорт", attachments=csv_doc("shkola.csv", data))
    assert answer.text.startswith("Файл больше 2 МБ"), answer.text
    assert "отдельными файлами" in answer.text and answer.keyboard is None
    assert (await people_repo.counts(harness.db, school.org.id))["student"] == 0
    assert await harness.db.fetchval("SELECT COUNT(*) FROM pending_action") == 0
