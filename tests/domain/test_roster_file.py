import io
import random
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.domain import file_tables
from bot.domain.classes import ClassName
from bot.domain.roles import RoleSpec
from bot.domain.roster_file import parse_roster
from bot.domain.roster_types import HOMESCHOOL, LONG_ABSENT, REGULAR, ProblemKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "roster"
A5, B7 = ClassName(5, "А"), ClassName(7, "Б")


def fixture(name: str):
    return parse_roster((FIXTURES / name).read_bytes(), name)


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def kinds(parsed) -> list[ProblemKind]:
    return [p.kind for p in parsed.problems]


# -- the sample files ------------------------------------------------------------------------

def test_clean_csv():
    parsed = fixture("clean.csv")
    assert parsed.ok, parsed.problems
    assert [(s.line, s.name, str(s.class_name), s.mode) for s in parsed.students] == [
        (2, "Иванов Пётр Сергеевич", "5А", REGULAR),
        (3, "Иванова Мария Сергеевна", "7Б", REGULAR),
        (4, "Петров Глеб Андреевич", "5А", HOMESCHOOL),
        (5, "Сидорова Анна Олеговна", "11В", LONG_ABSENT),
    ]
    assert [(p.line, p.name_key, p.child_key, p.child_class) for p in parsed.parents] == [
        (6, "иванова елена петровна", "иванов петр сергеевич", A5),
        (7, "иванова елена петровна", "иванова мария сергеевна", B7),
        (8, "петров андрей ильич", "петров глеб андреевич", None),
    ]
    smirnova, kuznetsov = parsed.staff
    assert smirnova.position == "учитель математики"  # a quoted cell over two lines
    assert smirnova.roles == (RoleSpec("class_teacher", A5), RoleSpec("subject_teacher", None, "математика"))
    assert kuznetsov.line == 11  # the record above took lines 9 and 10
    assert kuznetsov.roles == (RoleSpec("admin_team"), RoleSpec("chat_responsible"))


def test_clean_xlsx_three_sheets():
    parsed = fixture("clean.xlsx")
    assert parsed.ok, parsed.problems
    # a title row above the header, a blank row in the middle: numbers stay the sheet's own
    assert [(s.sheet, s.line, s.name) for s in parsed.students] == [
        ("Ученики", 3, "Иванов Пётр Сергеевич"),
        ("Ученики", 4, "Иванова Мария"),  # «Фамилия», «Имя», «Отчество» joined; no patronymic
        ("Ученики", 6, "Петров Глеб Андреевич"),
    ]
    assert parsed.students[2].class_name == A5 and parsed.students[2].mode == HOMESCHOOL
    assert [(p.sheet, p.line, p.child_name, p.child_class) for p in parsed.parents] == [
        ("Родители", 2, "Иванов Пётр Сергеевич", A5),
        ("Родители", 3, "Петров Глеб Андреевич", A5),  # class split off «… 5А» in the child cell
    ]
    assert [(s.sheet, s.line, s.roles) for s in parsed.staff] == [
        ("Сотрудники", 2, (RoleSpec("class_teacher", A5), RoleSpec("psychologist"))),
        ("Сотрудники", 3, (RoleSpec("school_admin"), RoleSpec("admin_team"))),
    ]


def test_cp1251_csv_with_commas():
    parsed = fixture("cp1251.csv")
    assert parsed.ok, parsed.problems
    assert [(s.line, s.name, str(s.class_name), s.mode) for s in parsed.students] == [
        (2, "Ёлкин Фёдор Петрович", "1А", REGULAR),
        (3, "Щукина Юлия Игоревна", "10Б", HOMESCHOOL),
        (4, "Ковалёв Артём Сергеевич", "11В", REGULAR),
    ]


BROKEN_EXPECTED = [
    (3, ProblemKind.EMPTY_NAME, "не указано ФИО"),
    (4, ProblemKind.BAD_CLASS, "не понял класс «5Щ1»"),
    (5, ProblemKind.BAD_CLASS, "номер класса от 1 до 11"),
    (6, ProblemKind.DUPLICATE, "уже есть в строке 2"),
    (7, ProblemKind.UNKNOWN_MODE, "неизвестный режим «заочное»"),
    (8, ProblemKind.PARENT_WITHOUT_CHILD, "не указан ребёнок"),
    (9, ProblemKind.UNKNOWN_ROLE, "неизвестная роль «завхоз»"),
    (11, ProblemKind.BAD_CLASS, "не указан класс"),
    (12, ProblemKind.UNKNOWN_TYPE, "неизвестный тип «директор»"),
    (13, ProblemKind.FORBIDDEN_ROLE, "«региональный координатор» нельзя"),
    (14, ProblemKind.UNKNOWN_ROLE, "нужен класс"),
]


@pytest.mark.parametrize(("line", "kind", "fragment"), BROKEN_EXPECTED)
def test_broken_csv_reports_each_bad_row_with_its_line(line, kind, fragment):
    parsed = fixture("broken.csv")
    matching = [p for p in parsed.problems if p.line == line and p.kind == kind]
    assert matching, parsed.problems
    assert fragment in matching[0].message_ru
    assert matching[0].sheet is None


def test_broken_csv_keeps_good_rows_and_reports_nothing_else():
    parsed = fixture("broken.csv")
    assert [(p.line, p.kind) for p in parsed.problems] == [(line, kind) for line, kind, _ in BROKEN_EXPECTED]
    assert [(s.line, s.name) for s in parsed.students] == [(2, "Иванов Пётр Сергеевич"), (16, "Белов Лев")]
    assert not parsed.ok


# -- whole-file problems ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (b"", "", ProblemKind.EMPTY_FILE),
        (b"\xef\xbb\xbf", "x.csv", ProblemKind.EMPTY_FILE),
        (b" \r\n\r\n ", "x.csv", ProblemKind.EMPTY_FILE),
        ("ФИО;Класс\n".encode(), "x.csv", ProblemKind.EMPTY_FILE),  # a header and nobody
        ("ФИО;Класс\n;;\n".encode(), "x.csv", ProblemKind.EMPTY_FILE),
        (b"\x00\x01\x02binary\x00", "x.csv", ProblemKind.UNDECODABLE),
        (b"\x98\x98\x98 text", "x.csv", ProblemKind.UNDECODABLE),  # 0x98 is not cp1251
        (bytes(range(1, 32)) * 10, "x.csv", ProblemKind.UNDECODABLE),
        ("ФИО;Класс\nИванов;5А\n".encode(), "roster.xlsx", ProblemKind.NOT_XLSX),  # renamed text
        (b"PK\x03\x04 not really a zip", "roster.xlsx", ProblemKind.NOT_XLSX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ProblemKind.NOT_XLSX),
        ("Телефон;Адрес\n123;ул. Ленина\n".encode(), "x.csv", ProblemKind.BAD_HEADER),
        ("ФИО;Телефон\nИванов Пётр;123\n".encode(), "x.csv", ProblemKind.BAD_HEADER),  # kind unknown
    ],
)
def test_file_level_problems(data, filename, kind):
    parsed = parse_roster(data, filename)
    assert kinds(parsed) == [kind]
    assert parsed.students == parsed.parents == parsed.staff == []


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert kinds(parse_roster(buf.getvalue(), "a.xlsx")) == [ProblemKind.NOT_XLSX]


def test_bad_header_names_expected_columns():
    problem = parse_roster("Телефон;Адрес\n1;2\n".encode()).problems[0]
    assert problem.line == 1
    for column in ("«ФИО»", "«Класс»", "«Ребёнок»", "«Роли»", "«Тип»", "«Телефон»"):
        assert column in problem.message_ru


def test_too_many_rows_is_reported_not_parsed():
    body = "".join(f"Ученик {i};5А\n" for i in range(20_001))
    parsed = parse_roster(("ФИО;Класс\n" + body).encode())
    assert kinds(parsed) == [ProblemKind.TOO_MANY_ROWS]
    assert "20 000" in parsed.problems[0].message_ru


def test_row_limit_counts_data_rows_not_the_header(monkeypatch):
    monkeypatch.setattr(file_tables, "MAX_ROWS", 3)
    ok = parse_roster("ФИО;Класс\nА Б;5А\nВ Г;5А\nД Е;5А\n".encode())
    assert ok.ok and len(ok.students) == 3
    too_many = parse_roster("ФИО;Класс\nА Б;5А\nВ Г;5А\nД Е;5А\nЖ З;5А\n".encode())
    assert kinds(too_many) == [ProblemKind.TOO_MANY_ROWS]
    book = xlsx({"Ученики": [["ФИО", "Класс"], ["А Б", "5А"], ["В Г", "5А"]],
                 "Родители": [["ФИО", "Ребёнок"], ["Д Е", "А Б"], ["Ж З", "В Г"]]})
    assert kinds(parse_roster(book)) == [ProblemKind.TOO_MANY_ROWS]


def test_file_too_big(monkeypatch):
    monkeypatch.setattr(file_tables, "MAX_FILE_BYTES", 10)
    assert kinds(parse_roster("ФИО;Класс\nИванов;5А\n".encode())) == [ProblemKind.TOO_BIG]


def test_never_raises_on_garbage():
    rng = random.Random(0)
    clean = (FIXTURES / "clean.xlsx").read_bytes()
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) for _ in range(200)]
    samples += [clean[:n] for n in range(0, len(clean), 97)]
    samples += [clean[:200] + bytes(rng.randrange(256) for _ in range(500)) + clean[700:]]
    for data in samples:
        for name in ("", "x.csv", "x.xlsx"):
            parsed = parse_roster(data, name)
            assert parsed.ok or parsed.problems


# -- formats and layouts ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("ФИО;Класс;Режим\nИванов Пётр;5А;\n", "utf-8"),
        ("ФИО;Класс;Режим\nИванов Пётр;5А;\n", "utf-8-sig"),
        ("ФИО;Класс;Режим\nИванов Пётр;5А;\n", "cp1251"),
        ("ФИО,Класс,Режим\nИванов Пётр,5А,\n", "utf-8"),
        ("ФИО\tКласс\tРежим\nИванов Пётр\t5А\t\n", "utf-8"),
        ("ФИО\tКласс\tРежим\r\nИванов Пётр\t5А\t\r\n", "utf-16"),  # Excel «Текст в Юникоде»
        ('"ФИО";"Класс";"Режим"\r\n"Иванов Пётр";"5А";""\r\n', "cp1251"),
        ("Ф.И.О.;КЛАСС;Форма обучения\nИванов Пётр;5 a;очное\n", "utf-8"),
        ("Фамилия;Имя;Класс\nИванов;Пётр;5А\n", "utf-8"),
        ("Фамилия;Имя;Параллель;Литера\nИванов;Пётр;5;А\n", "utf-8"),
        ("Список 5А класса\n\nФИО;Класс\nИванов Пётр;5А\n", "utf-8"),  # title above the header
        ("sep=,\nФИО,Класс\nИванов Пётр,5А\n", "utf-8"),  # Excel's delimiter hint line
    ],
)
def test_student_file_variants(text, encoding):
    parsed = parse_roster(text.encode(encoding))
    assert parsed.ok, parsed.problems
    assert [(s.name, s.class_name, s.mode) for s in parsed.students] == [("Иванов Пётр", A5, REGULAR)]


def test_title_rows_keep_line_numbers():
    parsed = parse_roster("Список 5А класса\n\nФИО;Класс\nИванов Пётр;5А\n".encode())
    assert parsed.students[0].line == 4


@pytest.mark.parametrize(
    ("text", "child", "child_class"),
    [
        ("ФИО;Ребёнок;Класс ребёнка\nИванова Елена;Иванов Пётр;5А\n", "Иванов Пётр", A5),
        ("ФИО родителя;ФИО ребёнка;Класс\nИванова Елена;Иванов Пётр;5А\n", "Иванов Пётр", A5),
        ("ФИО;Ребенок\nИванова Елена;Иванов Пётр (5 А)\n", "Иванов Пётр", A5),
        ("ФИО;Ребенок\nИванова Елена;Иванов Пётр\n", "Иванов Пётр", None),
    ],
)
def test_parent_file_variants(text, child, child_class):
    parsed = parse_roster(text.encode())
    assert parsed.ok, parsed.problems
    [row] = parsed.parents
    assert (row.name, row.child_name, row.child_class) == ("Иванова Елена", child, child_class)


def test_staff_only_file_by_roles_column():
    parsed = parse_roster("ФИО;Роли\nСмирнова Ольга;модератор\nКозлов Иван;\n".encode())
    assert parsed.ok
    assert [(s.name, s.roles, s.position) for s in parsed.staff] == [
        ("Смирнова Ольга", (RoleSpec("moderator"),), None), ("Козлов Иван", (), None)]


def test_type_column_words():
    text = ("Тип;ФИО;Класс;Ребёнок\nУченица;Иванова Анна;5А;\nмама;Иванова Елена;;Иванова Анна\n"
            "staff;Смирнова Ольга;;\n;Без Типа;5А;\n")
    parsed = parse_roster(text.encode())
    assert (len(parsed.students), len(parsed.parents), len(parsed.staff)) == (1, 1, 1)
    assert [(p.line, p.kind) for p in parsed.problems] == [(5, ProblemKind.UNKNOWN_TYPE)]


def test_same_name_in_different_classes_is_not_a_duplicate():
    parsed = parse_roster("ФИО;Класс\nИванов Пётр;5А\nИванов Пётр;7Б\n".encode())
    assert parsed.ok and len(parsed.students) == 2


def test_duplicates_of_parents_and_staff():
    text = ("Тип;ФИО;Ребёнок;Роли\nродитель;Иванова Елена;Иванов Пётр;\nродитель;Иванова Елена;Иванов Пётр;\n"
            "родитель;Иванова Елена;Иванова Мария;\nсотрудник;Смирнова Ольга;;учитель\nсотрудник;смирнова ольга;;модератор\n")
    parsed = parse_roster(text.encode())
    assert [(p.line, p.kind) for p in parsed.problems] == [(3, ProblemKind.DUPLICATE), (6, ProblemKind.DUPLICATE)]
    assert "все роли в одной строке" in parsed.problems[1].message_ru
    assert len(parsed.parents) == 2 and len(parsed.staff) == 1


def test_xlsx_type_column_on_a_default_sheet_and_numeric_cells():
    book = xlsx({"Лист1": [["Тип", "ФИО", "Параллель", "Буква"], ["ученик", "Иванов Пётр", 5, "А"],
                           ["ученик", "Петров Иван", 7.0, "б"]]})
    parsed = parse_roster(book, "school.xlsx")
    assert parsed.ok, parsed.problems
    assert [(s.sheet, s.line, s.class_name) for s in parsed.students] == [("Лист1", 2, A5), ("Лист1", 3, B7)]


def test_xlsx_problems_carry_the_sheet():
    book = xlsx({"Ученики": [["ФИО", "Класс"], ["Иванов Пётр", "5Ы"]], "Сотрудники": [["Телефон"], ["1"]]})
    parsed = parse_roster(book)
    assert [(p.sheet, p.line, p.kind) for p in parsed.problems] == [
        ("Ученики", 2, ProblemKind.BAD_CLASS), ("Сотрудники", 1, ProblemKind.BAD_HEADER)]


def test_xlsx_without_any_recognisable_sheet():
    parsed = parse_roster(xlsx({"Лист1": [["Телефон", "Адрес"], ["1", "2"]], "Лист2": []}))
    assert [(p.sheet, p.line, p.kind) for p in parsed.problems] == [("Лист1", 1, ProblemKind.BAD_HEADER)]


def test_xlsx_with_only_empty_sheets_is_empty():
    assert kinds(parse_roster(xlsx({"Лист1": [], "Лист2": [[None, None]]}))) == [ProblemKind.EMPTY_FILE]
