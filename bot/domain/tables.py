"""Export tables as CSV (what Russian Excel opens) and XLSX; the printable sheet of join codes."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.texts import roster as texts
from bot.domain.classes import ClassName

Cell = str | int | float | date | ClassName | None
Rows = Iterable[Sequence[Cell]]

# A cell starting with one of these is a formula to Excel; exported names must not become one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def _text(value: Cell) -> str | int | float | date:
    if value is None:
        return ""
    if isinstance(value, ClassName):
        return str(value)
    if isinstance(value, str):
        # a control character stored before imports refused them would make openpyxl raise
        # (with the whole cell, a child's name, in the message): one bad name must not break
        # every export of its class
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _safe_csv(value: Cell) -> str:
    value = _text(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    if isinstance(value, (int, float)):  # a number (-3) is data, never a formula: no quote before it
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(headers: Sequence[str], rows: Rows) -> bytes:
    """UTF-8 with a BOM and «;» between cells: Excel with Russian settings opens it as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_safe_csv(h) for h in headers])
    writer.writerows([_safe_csv(c) for c in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(name: str, used: set[str]) -> str:
    title = _SHEET_TITLE_BAD.sub(" ", name).strip("' ")[:31] or "Лист"
    base, n = title, 2
    while title in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _width(value: object) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def to_xlsx(sheets: Mapping[str, tuple[Sequence[str], Rows]]) -> bytes:
    """One sheet per entry: bold header row, frozen under it, an autofilter and fitting widths."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty default sheet
    used: set[str] = set()
    bold = Font(bold=True)
    for name, (headers, rows) in sheets.items():
        ws = workbook.create_sheet(_sheet_title(name, used))
        widths = [len(str(h)) for h in headers]
        ws.append([_text(h) for h in headers])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            values = [_text(v) for v in row]
            ws.append(values)
            for index, value in enumerate(values):
                if index >= len(widths):
                    widths.append(0)
                widths[index] = max(widths[index], _width(value))
        for cell_row in ws.iter_rows(min_row=2):
            for cell in cell_row:
                if cell.data_type == "f":  # text such as «=1+1» must stay text
                    cell.data_type = "s"
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
        for cell in (c for r in ws.iter_rows(min_row=2) for c in r if isinstance(c.value, date)):
            cell.number_format = "DD.MM.YYYY HH:MM" if isinstance(cell.value, datetime) else "DD.MM.YYYY"
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    if not workbook.worksheets:
        workbook.create_sheet("Лист")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class CodeEntry:
    """One printed code. ``kind``: "student" | "parent" | "staff"; ``child_name`` for parents."""

    name: str
    class_name: ClassName | None
    kind: str
    code: str
    valid_until: date
    child_name: str | None = None
    person_id: int | None = None  # who the code links (not printed)


def _who(entry: CodeEntry) -> str:
    if entry.kind == "parent":
        return texts.who_parent(entry.child_name)
    return texts.WHO_STUDENT if entry.kind == "student" else texts.WHO_STAFF


def codes_sheet(entries: Iterable[CodeEntry]) -> tuple[tuple[str, ...], list[list[Cell]]]:
    """Headers and rows (ФИО, класс, кто, код, действует до) sorted by class, then name."""
    ordered = sorted(entries, key=lambda e: (e.class_name is None, e.class_name or ClassName(1, "А"), e.name))
    rows: list[list[Cell]] = [[e.name, e.class_name, _who(e), e.code, e.valid_until] for e in ordered]
    return texts.CODES_HEADERS, rows
