"""Bytes of a CSV or XLSX file → tables of text cells with the line numbers a person sees.

Knows nothing about rosters: decoding, delimiter sniffing and openpyxl live here. Every size is
bounded before it costs memory: the file, the rows, each cell, and an XLSX's unpacked size, which
is read from the zip's directory before openpyxl opens anything (Python's zipfile never inflates
a member past its declared size, so a lying directory cannot get round the check).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook

from bot.texts import roster as texts
from bot.domain.roster_types import ProblemKind

MAX_ROWS = 20_000
MAX_FILE_BYTES = 2 * 1024 * 1024  # also the download limit: a whole school fits (20 000 rows of CSV)
MAX_CELL_CHARS = 1_000  # no name, class or list of roles comes close
# A real 20 000-row workbook unpacks to well under 10 MB; a 2 KB zip can claim gigabytes.
MAX_XLSX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_XLSX_MEMBERS = 1_000
# A sheet formatted down to row 1 048 576 would otherwise be walked to the end; real rosters have
# no thousand blank lines in a row.
MAX_BLANK_RUN = 1_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and other old Office files
# OOXML writes characters XML cannot hold as «_x000D_» (Excel does, for line breaks in a cell);
# openpyxl leaves them as text. «_x005F_» is an escaped underscore.
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DELIMITERS = (";", "\t", ",")  # ties resolve in this order: «;» is what Russian Excel writes


@dataclass(frozen=True)
class RawRow:
    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    sheet: str | None  # None for CSV
    rows: tuple[RawRow, ...]  # non-blank rows only


class TableReadError(Exception):
    """The file cannot be read at all; carries the problem kind, the Russian message and, when
    one row is to blame, where it is."""

    def __init__(self, kind: ProblemKind, message: str, *, line: int | None = None,
                 sheet: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.sheet = sheet


def read_tables(data: bytes, filename: str = "") -> list[RawTable]:
    """Tables of the file (one for CSV, one per sheet for XLSX); raises TableReadError."""
    if len(data) > MAX_FILE_BYTES:
        raise TableReadError(ProblemKind.TOO_BIG, texts.file_too_big(MAX_FILE_BYTES))
    if not data.strip().removeprefix(codecs.BOM_UTF8).strip():
        raise TableReadError(ProblemKind.EMPTY_FILE, texts.FILE_EMPTY)
    name = filename.lower()
    if data.startswith(_ZIP_MAGIC):
        tables = _read_xlsx(data)
    elif data.startswith(_OLE_MAGIC):
        raise TableReadError(ProblemKind.NOT_XLSX, texts.FILE_OLD_XLS)
    elif name.endswith((".xlsx", ".xlsm")):
        raise TableReadError(ProblemKind.NOT_XLSX, texts.FILE_NOT_XLSX)
    else:
        tables = [_read_csv(data)]
    if not any(t.rows for t in tables):
        raise TableReadError(ProblemKind.EMPTY_FILE, texts.FILE_EMPTY)
    return tables


class _RowBudget:
    """Counts data rows (a table's first row is taken as its header) against MAX_ROWS."""

    def __init__(self) -> None:
        self.used = 0

    def take(self, rows_in_table: int) -> None:
        if rows_in_table > 1:
            self.used += 1
            if self.used > MAX_ROWS:
                raise TableReadError(ProblemKind.TOO_MANY_ROWS, texts.file_too_many_rows(MAX_ROWS))


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's «Текст в Юникоде» export: UTF-16 with a BOM, tab-separated.
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:  # a stray NUL is left to the row checks (they name its line); binary fails the ratio below
        encodings = ("utf-8", "cp1251")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
        if controls > 2 and controls * 100 > len(text):
            break  # binary that happened to decode (a stray one is left to the row checks)
        return text
    raise TableReadError(ProblemKind.UNDECODABLE, texts.FILE_UNDECODABLE)


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.startswith("sep=") and len(first.strip()) == 5:
        return first.strip()[4]  # Excel's own hint line; the header search then skips it
    counts = {d: first.count(d) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equal counts


def _clean(value: str) -> str:
    return " ".join(value.replace("\xa0", " ").split())


def _check_cells(cells: tuple[str, ...], line: int, sheet: str | None) -> None:
    if any(len(c) > MAX_CELL_CHARS for c in cells):
        raise TableReadError(ProblemKind.TOO_BIG, texts.cell_too_long(MAX_CELL_CHARS), line=line, sheet=sheet)


def _read_csv(data: bytes) -> RawTable:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows: list[RawRow] = []
    budget = _RowBudget()
    next_line = 1
    try:
        for record in reader:
            line, next_line = next_line, reader.line_num + 1
            cells = tuple(_clean(c) for c in record)
            _check_cells(cells, line, None)
            if any(cells):
                rows.append(RawRow(line, cells))
                budget.take(len(rows))
    except csv.Error as exc:
        raise TableReadError(ProblemKind.UNDECODABLE, texts.file_bad_csv(next_line)) from exc
    return RawTable(None, tuple(rows))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return _clean(_OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), str(value)))


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip whose members would unpack past the limit, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise TableReadError(ProblemKind.NOT_XLSX, texts.FILE_NOT_XLSX) from exc
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNPACKED_BYTES:
        raise TableReadError(ProblemKind.TOO_BIG, texts.xlsx_too_big_unpacked(MAX_XLSX_UNPACKED_BYTES))


def _read_xlsx(data: bytes) -> list[RawTable]:
    _check_unpacked_size(data)
    # openpyxl raises a wide, undocumented range of exceptions (BadZipFile, KeyError, ValueError,
    # XML parse errors...) on files that are not workbooks; every one of them means the same to
    # the user, so each becomes a NOT_XLSX problem, never a crash.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - see above
        raise TableReadError(ProblemKind.NOT_XLSX, texts.FILE_NOT_XLSX) from exc
    try:
        budget = _RowBudget()
        return [_read_sheet(ws, budget) for ws in workbook.worksheets]
    except TableReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet inside a valid archive
        raise TableReadError(ProblemKind.NOT_XLSX, texts.FILE_NOT_XLSX) from exc
    finally:
        workbook.close()


def _read_sheet(ws, budget: _RowBudget) -> RawTable:
    ws.reset_dimensions()  # some generators write a wrong or no dimension; read what is there
    rows: list[RawRow] = []
    blank_run = 0
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = tuple(_cell_text(v) for v in values)
        _check_cells(cells, number, ws.title)
        if not any(cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        rows.append(RawRow(number, cells))
        budget.take(len(rows))
    return RawTable(ws.title, tuple(rows))
