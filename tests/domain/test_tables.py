import io
from datetime import date, datetime

from openpyxl import load_workbook

from bot.domain.classes import ClassName
from bot.domain.roster_file import parse_roster
from bot.domain.tables import CodeEntry, codes_sheet, to_csv, to_xlsx


def test_csv_is_what_russian_excel_opens():
    data = to_csv(["ФИО", "Класс"], [["Иванов Пётр", ClassName(5, "А")], ["Петров; Глеб", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == 'ФИО;Класс\r\nИванов Пётр;5А\r\n"Петров; Глеб";\r\n'


def test_csv_neutralises_formulas_and_formats_dates():
    data = to_csv(["a", "b"], [["=HYPERLINK(\"x\")", date(2025, 9, 1)], ["+7", datetime(2025, 9, 1, 10, 30)]])
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[1] == '"\'=HYPERLINK(""x"")";01.09.2025'
    assert lines[2] == "'+7;01.09.2025 10:30"


def test_csv_round_trips_through_the_roster_reader():
    data = to_csv(["ФИО", "Класс"], [["Иванов Пётр", "5А"]])
    assert [s.name for s in parse_roster(data).students] == ["Иванов Пётр"]


def test_xlsx_sheets_header_widths_and_frozen_row():
    data = to_xlsx({
        "Ученики": (["ФИО", "Класс"], [["Иванов Пётр Сергеевич", ClassName(5, "А")], ["=1+1", None]]),
        "Коды: 5А/6Б": (["Код"], [["ABCD-EFGH"]]),
    })
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Ученики", "Коды  5А 6Б"]
    ws = wb["Ученики"]
    assert [c.value for c in ws[1]] == ["ФИО", "Класс"]
    assert ws["A1"].font.bold and not ws["A2"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == "5А"
    assert ws["A3"].value == "=1+1" and ws["A3"].data_type == "s"  # text, not a formula
    assert ws.column_dimensions["A"].width == len("Иванов Пётр Сергеевич") + 2


def test_codes_sheet():
    until = date(2025, 10, 1)
    headers, rows = codes_sheet([
        CodeEntry("Петров Глеб", ClassName(7, "Б"), "student", "ABCD-EFGH", until),
        CodeEntry("Иванова Елена", ClassName(5, "А"), "parent", "BCDE-FGHJ", until, child_name="Иванов Пётр"),
        CodeEntry("Смирнова Ольга", None, "staff", "CDEF-GHJK", until),
    ])
    assert headers == ("ФИО", "Класс", "Кто", "Код", "Действует до")
    assert [r[:4] for r in rows] == [
        ["Иванова Елена", ClassName(5, "А"), "родитель (Иванов Пётр)", "BCDE-FGHJ"],
        ["Петров Глеб", ClassName(7, "Б"), "ученик", "ABCD-EFGH"],
        ["Смирнова Ольга", None, "сотрудник", "CDEF-GHJK"],
    ]
    assert to_csv(headers, rows).decode("utf-8-sig").splitlines()[1] == "Иванова Елена;5А;родитель (Иванов Пётр);BCDE-FGHJ;01.10.2025"
    ws = load_workbook(io.BytesIO(to_xlsx({"Коды": (headers, rows)})))["Коды"]
    assert ws["E2"].number_format == "DD.MM.YYYY"
