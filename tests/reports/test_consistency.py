"""Issue 13: every figure is defined once and reads the same everywhere. For school A of the
hand-computed scenario (tests/services/test_reports.py), the cabinet's tables (the page and its
XLSX/CSV downloads), /отчёт's summary, XLSX, CSV and chart must give the same numbers."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from bot.jobs.reports import prepare
from bot.services import report_views as views
from bot.services.report_chart import chart_figure
from bot.texts import reports as rt
from bot.web import render
from tests.services.test_reports import MONTH, OCT_5, scenario  # noqa: F401  (fixture)

# cabinet table key -> /отчёт sheet with the same rows
SAME_TABLES = {"people": rt.SHEET_PEOPLE, "coverage": rt.SHEET_COVERAGE, "chats": rt.SHEET_CHATS,
               "guests": rt.SHEET_GUESTS, "away": rt.SHEET_AWAY, "moderation": rt.SHEET_MODERATION}


def _norm(value: object) -> object:
    """One spelling of a cell: «62%» and 62, «Ученики» and «ученики», None and «»."""
    if value is None:
        return ""
    if isinstance(value, str):
        if re.fullmatch(r"-?\d+%", value):
            return int(value[:-1])
        if re.fullmatch(r"-?\d+", value):
            return int(value)
        return value.casefold()
    return value


def _rows(rows) -> list[list[object]]:
    out = []
    for row in rows:
        cells = [_norm(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    return out


def _csv_sections(data: bytes) -> dict[str, list[list[str]]]:
    """/отчёт's CSV: a title line, the header, the rows, an empty line — per sheet."""
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in lines:
        if not any(line):
            current = None
        elif current is None:
            current = sections.setdefault(line[0], [])
        else:
            current.append(line)
    return sections


async def test_one_schools_figures_agree_in_the_cabinet_summary_files_and_chart(scenario) -> None:  # noqa: F811
    db, org = scenario.db, scenario.w.school_a
    files = await prepare(db, org, MONTH, OCT_5)
    book = load_workbook(io.BytesIO(files.xlsx))
    report_csv = _csv_sections(files.csv)
    page = await render.org_page(db, org, MONTH, now=OCT_5, show_moderation=True, show_names=True)

    for key, sheet in SAME_TABLES.items():
        table = page.table(key)
        assert table is not None, key
        cabinet = _rows([table.headers, *table.rows])
        xlsx = _rows(book[sheet].iter_rows(values_only=True))
        # the coverage sheet keeps types nobody is meant for and no chat exists of; the page drops them
        if key == "coverage":
            xlsx = [r for r in xlsx if r[1:3] != [0, 0]]
        assert cabinet == xlsx, key
        assert _rows(report_csv[sheet]) == xlsx, key  # /отчёт's CSV
        # the cabinet's own downloads of that table
        own = load_workbook(io.BytesIO(table.xlsx())).active
        assert own is not None
        assert _rows(own.iter_rows(values_only=True)) == cabinet, key
        own_csv = list(csv.reader(io.StringIO(table.csv().decode("utf-8-sig")), delimiter=";"))
        assert _rows(own_csv) == cabinet, key
    people = {r[0]: r for r in _rows(page.table("people").rows)}  # type: ignore[union-attr]
    assert people["ученики"] == ["ученики", 3, 1, 2, 2, 0, 2, 0]  # hand-computed in test_reports
    assert people["итого"] == ["итого", 8, 1, 7, 5, 2, 4, 1]

    # the summary's per-kind line: roster / not on platform / linked / in chats / active / silent
    for kind, (_, roster, nop, linked, inside, _, active, silent) in people.items():
        if kind != "итого":
            assert f"• {kind}: {roster} / {nop} / {linked} / {inside} / {active} / {silent}" in files.text, kind
    # the cabinet's «Сообщения» figures are the summary sheet's, label for label
    summary = {str(r[0]).strip(): r[1] for r in book[rt.SHEET_SUMMARY].iter_rows(min_row=2, values_only=True)}
    messages = page.table("messages")
    assert messages is not None and messages.rows
    for label, value in messages.rows:
        assert summary[str(label)] == value, label
    cab = {str(label): value for label, value in messages.rows}
    g = rt.GLOSSARY
    assert rt.MESSAGES_LINE.format(
        total=cab[g["messages_in_chats"][0]], own=cab[g["own_messages"][0]], guests=cab[g["guest_messages"][0]],
        unknown=cab[g["unknown_messages"][0]], actions=cab[g["actions"][0]]) in files.text
    assert rt.CREDITED_LINE.format(credited=cab[g["credited_messages"][0]], away=cab[g["away_messages"][0]]) in files.text
    assert (cab[g["messages_in_chats"][0]], cab[g["credited_messages"][0]]) == (14, 10)  # by hand
    overview = await views.school_overview(db, org.id, MONTH, now=OCT_5)

    # day by day: the PNG chart's bars, the XLSX «По дням» sheet and the cabinet's SVG chart
    figure = chart_figure(overview.daily, MONTH, "Школа")
    png: dict[int, float] = {}
    for container in figure.axes[0].containers:
        for day, bar in enumerate(container, start=1):
            png[day] = png.get(day, 0) + bar.get_height()
    sheet_days = {int(r[0][-2:]): sum(r[1:]) for r in book[rt.SHEET_DAILY].iter_rows(min_row=2, values_only=True)}
    section = next(s for s in page.sections if s.table is messages)
    svg_days = {int(d): int(v) for d, v in re.findall(r"<title>(\d+): (\d+)</title>", str(section.chart))}
    nonzero = {d: v for d, v in svg_days.items() if v}
    assert nonzero == {d: v for d, v in sheet_days.items() if v} == {d: v for d, v in png.items() if v}
    assert nonzero == {1: 5, 2: 2, 10: 7}
    assert sum(nonzero.values()) == overview.messages_in_chats  # every message in the chats, on its day


async def test_a_regions_page_has_no_day_by_day_chart_a_municipalitys_has(scenario) -> None:  # noqa: F811
    """The region page skips the day-by-day read (its 300 ms target at 1,500 schools); the
    municipality's page draws it, the same days as /отчёт's sheet."""
    from bot.texts import cabinet as ct

    db, w = scenario.db, scenario.w
    region = await render.org_page(db, w.region, MONTH, now=OCT_5)
    assert ct.DAILY not in [s.title for s in region.sections] and region.table("schools") is not None
    muni = await render.org_page(db, w.muni, MONTH, now=OCT_5)
    chart = next(s.chart for s in muni.sections if s.title == ct.DAILY)
    days = {int(d): int(v) for d, v in re.findall(r"<title>(\d+): (\d+)</title>", str(chart)) if int(v)}
    book = load_workbook(io.BytesIO((await prepare(db, w.muni, MONTH, OCT_5)).xlsx))
    sheet = {int(r[0][-2:]): sum(r[1:]) for r in book[rt.SHEET_DAILY].iter_rows(min_row=2, values_only=True)}
    assert days == {d: v for d, v in sheet.items() if v} and sum(days.values()) == 22  # the area's 22 messages


async def test_silent_members_are_named_only_for_the_schools_managers(scenario) -> None:  # noqa: F811
    """/отчёт for a coordinator (no roster_manage) lists silent members by kind and class only, as
    the cabinet does; the school's own managers see the names."""
    db, school = scenario.db, scenario.w.school_a
    named = load_workbook(io.BytesIO((await prepare(db, school, MONTH, OCT_5)).xlsx))
    assert list(named[rt.SHEET_SILENT].iter_rows(min_row=2, values_only=True)) == [("Adm Тестовый", "сотрудник", None)]
    files = await prepare(db, school, MONTH, OCT_5, names=False)
    hidden = load_workbook(io.BytesIO(files.xlsx))
    assert list(hidden[rt.SHEET_SILENT].iter_rows(min_row=2, values_only=True)) == [(rt.NAME_HIDDEN, "сотрудник", None)]
    assert "Тестовый" not in files.csv.decode("utf-8-sig") and "Тестовый" not in files.text
