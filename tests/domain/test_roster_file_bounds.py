"""Issue 9 item 5: a roster file is bounded before it costs memory (cells, an XLSX's unpacked
size, zip bombs), and control characters in a name are refused with their line."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from bot.domain import file_tables
from bot.domain.names import has_control_chars
from bot.domain.roster_file import parse_roster
from bot.domain.roster_types import ProblemKind
from bot.domain.tables import to_csv, to_xlsx


def kinds(parsed) -> list[ProblemKind]:
    return [p.kind for p in parsed.problems]


def workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ученики"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def replace_member(xlsx: bytes, name: str, write) -> bytes:
    """The same workbook with member ``name`` rewritten by ``write(stream)`` (deflated, streamed:
    the test never holds the inflated text either)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                member = zipfile.ZipInfo(name)
                member.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(member, "w") as stream:
                    write(stream)
            else:
                dst.writestr(info, src.read(info.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def huge_cell_sheet(n_bytes: int):
    """Sheet XML whose cell B2 holds ``n_bytes`` of text, written in 1 MB pieces."""
    def write(stream) -> None:
        stream.write(('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                      'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ФИО</t></is>'
                      ).encode())
        stream.write(b'</c></row><row r="2"><c r="A2" t="inlineStr"><is><t>')
        piece = b"A" * (1024 * 1024)
        for _ in range(n_bytes // len(piece)):
            stream.write(piece)
        stream.write(b"</t></is></c></row></sheetData></worksheet>")
    return write


class NeverOpened:
    """Stands in for openpyxl's load_workbook: a bomb must be refused before it is opened."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        raise AssertionError("load_workbook was called on a zip bomb")


# -- zip bombs ---------------------------------------------------------------------------------

def test_xlsx_zip_bomb_is_refused_from_its_declared_size_without_opening(monkeypatch):
    unpacked = file_tables.MAX_XLSX_UNPACKED_BYTES + 8 * 1024 * 1024
    bomb = replace_member(workbook([["ФИО", "Класс"], ["Иванов Пётр", "5А"]]), "xl/worksheets/sheet1.xml",
                          huge_cell_sheet(unpacked))
    assert len(bomb) < 200 * 1024  # a small file that claims 40 MB
    probe = NeverOpened()
    monkeypatch.setattr(file_tables, "load_workbook", probe)

    parsed = parse_roster(bomb, "spisok.xlsx")

    assert kinds(parsed) == [ProblemKind.TOO_BIG]
    assert "32 МБ" in parsed.problems[0].message_ru
    assert probe.calls == 0
    assert parsed.students == [] and parsed.parents == [] and parsed.staff == []


def test_xlsx_with_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(file_tables, "MAX_XLSX_MEMBERS", 5)
    probe = NeverOpened()
    monkeypatch.setattr(file_tables, "load_workbook", probe)
    assert kinds(parse_roster(workbook([["ФИО", "Класс"], ["Иванов Пётр", "5А"]]), "a.xlsx")) == [ProblemKind.TOO_BIG]
    assert probe.calls == 0


def _understate(data: bytes, name: str, size: int) -> bytes:
    """Rewrite ``name``'s uncompressed size in its local and central headers to ``size``."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            if raw[start + name_at:start + name_at + len(encoded)] == encoded:
                raw[start + size_at:start + size_at + 4] = size.to_bytes(4, "little")
            start += 4
    return bytes(raw)


def test_a_directory_that_understates_the_size_cannot_inflate_more():
    """zipfile stops at the declared size (then the CRC fails): the lie is a broken file."""
    lying = _understate(replace_member(workbook([["ФИО", "Класс"]]), "xl/worksheets/sheet1.xml",
                                       huge_cell_sheet(40 * 1024 * 1024)),
                        "xl/worksheets/sheet1.xml", 4096)
    tracemalloc.start()
    try:
        parsed = parse_roster(lying, "a.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kinds(parsed) == [ProblemKind.NOT_XLSX]
    assert peak < 8 * 1024 * 1024  # never near the 40 MB hidden in the member


def test_a_real_workbook_is_far_below_the_unpacked_limit():
    rows = [["ФИО", "Класс"]] + [[f"Ученик Номер {i}", "5А"] for i in range(2_000)]
    data = workbook(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < file_tables.MAX_XLSX_UNPACKED_BYTES // 20
    assert len(parse_roster(data, "a.xlsx").students) == 2_000


# -- cells -------------------------------------------------------------------------------------

def test_a_cell_over_the_limit_is_refused_with_its_line_csv():
    long_name = "Иванов " + "Я" * file_tables.MAX_CELL_CHARS
    parsed = parse_roster(f"ФИО;Класс\nПетров Глеб;5А\n{long_name};5А\n".encode())
    assert kinds(parsed) == [ProblemKind.TOO_BIG]
    [problem] = parsed.problems
    assert problem.line == 3 and "1 000 знаков" in problem.message_ru


def test_a_cell_over_the_limit_is_refused_with_its_line_and_sheet_xlsx():
    parsed = parse_roster(workbook([["ФИО", "Класс"], ["Петров Глеб", "5А"], ["Я" * 5_000, "5А"]]), "a.xlsx")
    assert kinds(parsed) == [ProblemKind.TOO_BIG]
    assert (parsed.problems[0].line, parsed.problems[0].sheet) == (3, "Ученики")


def test_a_cell_at_the_limit_is_read():
    name = "Иванов " + "я" * (file_tables.MAX_CELL_CHARS - 7)
    assert parse_roster(f"ФИО;Класс\n{name};5А\n".encode()).ok


# -- control characters ------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b", "\x7f", "\x9b"])
def test_control_character_in_a_name_is_refused_with_its_line_csv(bad):
    parsed = parse_roster(f"ФИО;Класс\nПетров Глеб;5А\nИванов{bad}Пётр;5А\n".encode())
    assert kinds(parsed) == [ProblemKind.BAD_CHARACTERS]
    [problem] = parsed.problems
    assert problem.line == 3
    assert "«ФИО»" in problem.message_ru
    assert "Иванов" not in problem.message_ru  # the column is named, the child's name is not repeated
    assert [s.name for s in parsed.students] == ["Петров Глеб"]


def test_nul_in_utf16_and_in_other_columns_is_refused():
    utf16 = "ФИО\tКласс\r\nИванов\x00 Пётр\t5А\r\n".encode("utf-16")
    assert [(p.kind, p.line) for p in parse_roster(utf16).problems] == [(ProblemKind.BAD_CHARACTERS, 2)]
    parent = parse_roster("ФИО;Ребёнок\nИванова Елена;Иванов\x00Пётр\n".encode())
    assert [(p.kind, p.line) for p in parent.problems] == [(ProblemKind.BAD_CHARACTERS, 2)]
    assert "«Ребёнок»" in parent.problems[0].message_ru
    staff = parse_roster("ФИО;Должность;Роли\nСмирнова Ольга;учитель\x07;учитель\n".encode())
    assert [p.kind for p in staff.problems] == [ProblemKind.BAD_CHARACTERS]


def test_nul_escaped_in_an_xlsx_is_refused_with_its_line_and_sheet():
    # OOXML writes a NUL as «_x0000_»; openpyxl reads it back as a NUL character
    data = workbook([["ФИО", "Класс"], ["Петров Глеб", "5А"], ["ИвановXXПётр", "5А"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = "xl/worksheets/sheet1.xml"  # openpyxl writes inline strings
        text = archive.read(member)
    assert "ИвановXXПётр".encode() in text

    def write(stream) -> None:
        stream.write(text.replace("ИвановXXПётр".encode(), "Иванов_x0000_Пётр".encode()))
    parsed = parse_roster(replace_member(data, member, write), "a.xlsx")
    assert [(p.kind, p.line, p.sheet) for p in parsed.problems] == [(ProblemKind.BAD_CHARACTERS, 3, "Ученики")]


def test_ooxml_escapes_are_read_as_the_characters_they_stand_for():
    data = workbook([["ФИО", "Класс"], ["ИвановXXПётр", "5А"], ["ПетровYYГлеб", "5А"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("xl/worksheets/sheet1.xml")

    def write(stream) -> None:
        stream.write(text.replace("XX".encode(), b"_x000D__x000A_").replace("YY".encode(), b"_x005F_x0041_"))
    parsed = parse_roster(replace_member(data, "xl/worksheets/sheet1.xml", write), "a.xlsx")
    first, second = parsed.students
    assert first.name == "Иванов Пётр"  # the line break became a space
    assert "0041" in second.name  # «_x005F_» is «_»: the rest is text, not an escaped «A»


def test_tab_and_line_breaks_in_a_name_are_spaces():
    parsed = parse_roster('ФИО;Класс\n"Иванов\tПётр\nСергеевич";5А\n'.encode())
    assert parsed.ok and [s.name for s in parsed.students] == ["Иванов Пётр Сергеевич"]


@pytest.mark.parametrize(("text", "bad"), [
    ("Иванов Пётр", False), ("Иванов\tПётр", False), ("Иванов\nПётр", False), ("Иванов\x85Пётр", False),
    ("Иванов\x00Пётр", True), ("\x1bИванов", True), ("Иванов\x9b", True), ("Иванов\ud800", True),
    ("", False), (None, False),
])
def test_has_control_chars(text, bad):
    assert has_control_chars(text) is bad


def test_exports_drop_control_characters_stored_before_they_were_refused():
    """/коды for a class with a NUL in a name used to raise (with the name in the message)."""
    data = to_xlsx({"5А": (["ФИО"], [["Иванов\x00Пётр"], ["Петров\x1bГлеб"]])})
    ws = load_workbook(io.BytesIO(data)).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["ИвановПётр", "ПетровГлеб"]
    assert b"\x00" not in to_csv(["ФИО"], [["Иванов\x00Пётр"]])
