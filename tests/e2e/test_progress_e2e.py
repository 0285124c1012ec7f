"""Issue 12 part 8 through vkemu with the real bot: a teacher's spreadsheet of marks becomes one
private message per linked parent with only their child's row; rows that match nobody, several
students or another class, and students without a linked parent are reported before sending; the
teacher confirms (how many parents), a parent VK will not deliver to (901) is reported by the
student's name with what to do; nothing of the sheet stays in the database once all is sent."""

from __future__ import annotations

from bot.domain.classes import parse_class
from bot.domain.file_tables import MAX_FILE_BYTES
from bot.domain.names import normalize_name
from bot.jobs import progress_tick
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.texts import progress as t
from bot.texts import roster as roster_texts
from tests.e2e.presses import labels, press, say
from tests.e2e.seed import NOW, School, add_staff, add_student, make_school

SHEET = (
    "ФИО;Класс;Алгебра;Русский язык;Комментарий\n"
    "Петров Петя;5А;5;4;Молодец, так держать\n"
    "Сидорова Катя;5 а;4;5;\n"
    "Петров Илья;5А;3;3;Нужно подтянуть дроби\n"
    "Козлов Коля;5А;4;4;\n"
    "Неизвестный Ученик;5А;5;5;\n"
    "Иванов Иван;6Б;5;5;Отлично\n"
    "Орлов Олег;;4;4;\n"
)
CELLS = ("Молодец, так держать", "Нужно подтянуть дроби", "Алгебра", "Русский язык", "Отлично")


def doc(name: str, content: bytes) -> list[dict]:
    return [{"type": "doc", "title": name, "content": content}]


async def _world(emu, harness) -> School:
    db = harness.db
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=None,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await make_school(db, emu, "sch-a", "Школа № 1", muni.id)
    await add_staff(db, emu, a, "admin", "Анна", "Завучева", [("school_admin", None)])
    await add_staff(db, emu, a, "teacher", "Мария", "Классная", [("class_teacher", "5А"), ("teacher", None)])
    await add_student(db, emu, a, "petya", "Петя", "Петров", "5А", parent=("anna", "Анна", "Петрова"))
    await add_student(db, emu, a, "katya", "Катя", "Сидорова", "5А", parent=("masha", "Мария", "Сидорова"))
    await add_student(db, emu, a, "ilya", "Илья", "Петров", "5А", parent=("irina", "Ирина", "Петрова"))
    await add_student(db, emu, a, "kolya", "Коля", "Козлов", "5А")  # no parent linked
    await add_student(db, emu, a, "ivan", "Иван", "Иванов", "6Б", parent=("olga", "Ольга", "Иванова"))
    for first, middle in (("Олег", "Иванович"), ("Олег", "Петрович")):
        name = f"Орлов {first} {middle}"
        class_id = await people_repo.class_id(db, a.org.id, parse_class("5А"))
        await people_repo.create_student(db, org_id=a.org.id, full_name=name, name_key=normalize_name(name),
                                         class_id_=class_id, mode="regular", now=NOW)
    # Ilya's mother never allowed the community's messages: VK answers 901 (the bot does not know yet)
    emu.user(a.vk["irina"]).allows_messages = False
    return a


def _everything(rows: list) -> str:
    return "\n".join(repr(tuple(r)) for r in rows)


async def _database_text(harness) -> str:
    db = harness.db
    tables = [r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = []
    for table in tables:
        dump.append(_everything(await db.fetchall(f'SELECT * FROM "{table}"')))
    return "\n".join(dump)


async def test_progress_notes_to_parents(emu, harness) -> None:
    a = await _world(emu, harness)
    teacher = a.vk["teacher"]
    preview = await say(emu, teacher, "/успеваемость", attachments=doc("5А.csv", SHEET.encode()))
    text = preview.text
    assert "Строк в таблице: 7." in text, text
    assert "Получат лично: 3 родителям — по строке своего ребёнка (3 ученика)." in text
    assert "Не найдены среди учеников ваших классов (им ничего не уйдёт):\n— строка 6: Неизвестный Ученик (5А)" in text
    assert "Подходят несколько учеников" in text and "— строка 8: Орлов Олег" in text
    assert "Не ваш класс (им ничего не уйдёт):\n— строка 7: Иванов Иван (6Б)" in text
    assert "Нет привязанного к боту родителя (им ничего не уйдёт):\n— Козлов Коля (5А)" in text
    assert "Алгебра: 5\nРусский язык: 4\nКомментарий: Молодец, так держать" in text  # the example
    assert labels(preview) == ["Отправить (3 родителям)", "Отменить"]
    assert not [m for m in emu.sent() if m.peer_id in (a.vk["anna"], a.vk["masha"], a.vk["olga"])]

    started = await press(emu, teacher, preview, "Отправить (3 родителям)", contains="Рассылка началась")
    assert "3 родителям" in started.text
    mark = len(emu.sent(teacher))  # the report may come any moment now (the job runs every 2 s)
    anna = await emu.wait_sent(a.vk["anna"], contains="📒 Успеваемость: Петров Петя (5А)")
    assert "Алгебра: 5\nРусский язык: 4\nКомментарий: Молодец, так держать" in anna.text
    assert "Сидорова" not in anna.text and "Илья" not in anna.text
    masha = await emu.wait_sent(a.vk["masha"], contains="📒 Успеваемость: Сидорова Катя (5А)")
    assert "Алгебра: 4\nРусский язык: 5" in masha.text and "Комментарий" not in masha.text  # empty cells left out
    assert "Петров" not in masha.text
    # the other class's parent and every chat got nothing
    assert not emu.sent(a.vk["olga"])
    assert not [m for m in emu.sent() if m.peer_id > 2_000_000_000 and "Алгебра" in m.text]

    # once every message went (or was refused), the teacher learns who was not reached
    await harness.settled()
    await progress_tick(harness.app)
    report = await emu.wait_sent(teacher, contains="Успеваемость доставлена", since=mark, timeout=15)
    assert report.text.startswith("Успеваемость доставлена: 2 из 3."), report.text
    assert ("Не доставлено родителям:\n— Петров Илья — родитель не разрешил сообщения сообщества; что сделать: "
            "попросите родителя написать сообществу vk.me/") in report.text
    assert "— Козлов Коля — не привязан ни один родитель; что сделать: выдайте родителю код привязки (/коды 5А)" \
        in report.text
    assert not emu.sent(a.vk["irina"])
    await harness.settled()
    assert await progress_tick(harness.app) == 0  # told once
    assert len([m for m in emu.sent(teacher) if "Успеваемость доставлена" in m.text]) == 1

    # nothing of the sheet is kept: no cell value anywhere in the database
    await harness.app.runner.drained()
    dump = await _database_text(harness)
    for cell in CELLS:
        assert cell not in dump, cell
    assert await harness.db.fetchval("SELECT COUNT(*) FROM progress_delivery") == 0
    assert await harness.db.fetchval("SELECT COUNT(*) FROM action WHERE event_id LIKE 'progress:%'"
                                     " AND params != '{}'") == 0


async def test_progress_notes_refusals(emu, harness) -> None:
    a = await _world(emu, harness)
    teacher, admin = a.vk["teacher"], a.vk["admin"]
    # not a teacher of a class: refused, whatever the file
    refused = await say(emu, admin, "/успеваемость", attachments=doc("5А.csv", SHEET.encode()))
    assert refused.text == t.NO_CLASSES
    # a broken workbook, a huge file, a sheet without names: a clear answer, nothing sent
    broken = await say(emu, teacher, "/успеваемость", attachments=doc("5А.xlsx", b"not a workbook at all"))
    assert broken.text == roster_texts.FILE_NOT_XLSX
    huge = await say(emu, teacher, "/успеваемость",
                     attachments=doc("big.csv", b"x;y\n" + b"1;2\n" * (MAX_FILE_BYTES // 4 + 10)))
    assert huge.text == roster_texts.file_too_big(MAX_FILE_BYTES)
    nameless = await say(emu, teacher, "/успеваемость", attachments=doc("m.csv", "Оценка;Комментарий\n5;хорошо\n".encode()))
    assert nameless.text == t.NO_NAME_COLUMN
    # /успеваемость first, the file next (alone): the file is the sheet, not a roster import
    how = await say(emu, teacher, "/успеваемость")
    assert how.text == t.HOW
    preview = await say(emu, teacher, "", attachments=doc("5А.csv", SHEET.encode()))
    assert "Проверьте рассылку успеваемости (5А)" in preview.text, preview.text
    # cancelling says what was cancelled; nothing goes to parents; the rows leave the database
    cancelled = await press(emu, teacher, preview, "Отменить")
    assert "рассылка успеваемости родителям (5А)" in cancelled.text, cancelled.text
    await harness.settled()
    assert not emu.sent(a.vk["anna"]) and not emu.sent(a.vk["masha"])
    dump = await _database_text(harness)
    assert "Молодец, так держать" not in dump
