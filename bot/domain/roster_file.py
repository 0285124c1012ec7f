"""A roster file (CSV or XLSX bytes) → typed student, parent and staff rows plus problems.

What kind of person a row describes comes from, in this order: a «Тип» column, the sheet name
(«Ученики», «Родители», «Сотрудники»), the columns of a single-kind file («Ребёнок» → parents,
«Роли»/«Должность» → staff, «Класс» → students). A broken file never raises: it becomes a Problem.
Resolving a parent's child against the school is left to ``roster_plan``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.texts import roster as texts
from bot.domain.classes import ClassName, ClassNameError, parse_class
from bot.domain.file_tables import RawRow, RawTable, TableReadError, read_tables
from bot.domain.names import clean_display_name, has_control_chars, normalize_name
from bot.domain.roles import STAFF_FILE_ROLES, parse_roles
from bot.domain.roster_headers import (
    NAME_COLUMNS, Col, kind_from_columns, kind_from_word, map_header, mode_from_text,
)
from bot.domain.roster_types import (
    PARENT, STAFF_MEMBER, STUDENT, ParentRow, ParsedRoster, Problem, ProblemKind, StaffRow,
    StudentRow,
)

HEADER_SEARCH_ROWS = 10  # a title line or two above the header is common in school exports

# «Иванов Пётр 5А» or «Иванов Пётр (5 А)» in the child cell: the class is split off.
_CHILD_WITH_CLASS = re.compile(r"^(.*?)[\s,(]+(\d{1,2}\s*-?\s*[^\W\d_])\)?$")

Getter = Callable[[Col], str]


def parse_roster(data: bytes, filename: str = "") -> ParsedRoster:
    try:
        tables = read_tables(data, filename)
    except TableReadError as exc:
        return ParsedRoster(problems=[Problem(exc.line, exc.sheet, exc.message, exc.kind)])
    reader = _RosterReader()
    for table in tables:
        reader.read_table(table)
    return reader.result()


def _find_header(table: RawTable) -> tuple[int, dict[Col, int]] | None:
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        cols = map_header(row.cells)
        if NAME_COLUMNS & cols.keys():
            return index, cols
    return None


def _getter(row: RawRow, cols: dict[Col, int]) -> Getter:
    def get(col: Col) -> str:
        index = cols.get(col)
        return row.cells[index] if index is not None and index < len(row.cells) else ""
    return get


def _raw_name(get: Getter) -> str:
    return get(Col.FIO) or " ".join(p for p in (get(Col.LAST), get(Col.FIRST), get(Col.MIDDLE)) if p)


class _RosterReader:
    def __init__(self) -> None:
        self.students: list[StudentRow] = []
        self.parents: list[ParentRow] = []
        self.staff: list[StaffRow] = []
        self.problems: list[Problem] = []
        self.unrecognised: list[RawTable] = []
        self.any_table_read = False
        self._seen: dict[tuple, tuple[int, str | None]] = {}

    def result(self) -> ParsedRoster:
        if not self.any_table_read and not self.problems:
            first = self.unrecognised[0] if self.unrecognised else None
            if first is not None:
                self._problem(first.rows[0], first.sheet, ProblemKind.BAD_HEADER, texts.bad_header(first.rows[0].cells))
        if not (self.students or self.parents or self.staff or self.problems):
            self.problems.append(Problem(None, None, texts.FILE_NO_PEOPLE, ProblemKind.EMPTY_FILE))
        return ParsedRoster(self.students, self.parents, self.staff, self.problems)

    def _problem(self, row: RawRow, sheet: str | None, kind: ProblemKind, message: str) -> None:
        self.problems.append(Problem(row.line, sheet, message, kind))

    def read_table(self, table: RawTable) -> None:
        if not table.rows:
            return
        sheet_kind = kind_from_word(table.sheet) if table.sheet is not None else None
        found = _find_header(table)
        if found is None:
            if table.sheet is not None and sheet_kind is None:
                self.unrecognised.append(table)  # e.g. an «Инструкция» sheet; fine if others read
            else:
                self._problem(table.rows[0], table.sheet, ProblemKind.BAD_HEADER, texts.bad_header(table.rows[0].cells))
            return
        index, cols = found
        has_type = Col.TYPE in cols
        default_kind = sheet_kind or (None if has_type else kind_from_columns(cols))
        if default_kind is None and not has_type:
            header = table.rows[index]
            self._problem(header, table.sheet, ProblemKind.BAD_HEADER, texts.bad_header(header.cells))
            return
        self.any_table_read = True
        header = table.rows[index]
        for row in table.rows[index + 1:]:
            if self._has_control_chars(row, header, cols, table.sheet):
                continue
            get = _getter(row, cols)
            kind = default_kind
            if has_type and get(Col.TYPE):
                kind = kind_from_word(get(Col.TYPE))
                if kind is None:
                    self._problem(row, table.sheet, ProblemKind.UNKNOWN_TYPE, texts.unknown_type(get(Col.TYPE)))
                    continue
            if kind is None:
                self._problem(row, table.sheet, ProblemKind.UNKNOWN_TYPE, texts.TYPE_MISSING)
                continue
            {STUDENT: self._student, PARENT: self._parent, STAFF_MEMBER: self._staff}[kind](row, table.sheet, get)

    def _has_control_chars(self, row: RawRow, header: RawRow, cols: dict[Col, int], sheet: str | None) -> bool:
        """Refuse the row (never store such a name): the message names the column, not the value."""
        for index in sorted(set(cols.values())):
            if index < len(row.cells) and has_control_chars(row.cells[index]):
                self._problem(row, sheet, ProblemKind.BAD_CHARACTERS, texts.control_characters(header.cells[index]))
                return True
        return False

    # -- one row of each kind ---------------------------------------------------------------

    def _name(self, row: RawRow, sheet: str | None, get: Getter) -> tuple[str, str] | None:
        raw = _raw_name(get)
        key = normalize_name(raw)
        if not key:
            self._problem(row, sheet, ProblemKind.EMPTY_NAME, texts.NAME_EMPTY)
            return None
        return clean_display_name(raw), key

    def _class(self, row: RawRow, sheet: str | None, text: str) -> ClassName | None:
        try:
            return parse_class(text)
        except ClassNameError as exc:
            self._problem(row, sheet, ProblemKind.BAD_CLASS, texts.lower_first(exc.message))
            return None

    def _first_seen(self, key: tuple, row: RawRow, sheet: str | None) -> tuple[int, str | None] | None:
        """Where this key was seen before, or None (and remember it)."""
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = (row.line, sheet)
        return earlier

    def _student(self, row: RawRow, sheet: str | None, get: Getter) -> None:
        before = len(self.problems)
        named = self._name(row, sheet, get)
        class_text = get(Col.CLASS) or (get(Col.GRADE) + get(Col.LETTER))
        class_name = None
        if not class_text:
            self._problem(row, sheet, ProblemKind.BAD_CLASS, texts.STUDENT_NO_CLASS)
        else:
            class_name = self._class(row, sheet, class_text)
        mode = mode_from_text(get(Col.MODE))
        if mode is None:
            self._problem(row, sheet, ProblemKind.UNKNOWN_MODE, texts.unknown_mode(get(Col.MODE)))
        if len(self.problems) > before or named is None or class_name is None or mode is None:
            return
        name, key = named
        earlier = self._first_seen((STUDENT, key, class_name), row, sheet)
        if earlier is not None:
            message = texts.duplicate_student(name, str(class_name), *earlier)
            self._problem(row, sheet, ProblemKind.DUPLICATE, message)
            return
        self.students.append(StudentRow(row.line, sheet, name, key, class_name, mode))

    def _parent(self, row: RawRow, sheet: str | None, get: Getter) -> None:
        before = len(self.problems)
        named = self._name(row, sheet, get)
        child_raw = get(Col.CHILD)
        # In a parents-only file «Класс» can only mean the child's class.
        class_text = get(Col.CHILD_CLASS) or get(Col.CLASS)
        if child_raw and not class_text:
            match = _CHILD_WITH_CLASS.match(child_raw)
            if match:
                child_raw, class_text = match[1], match[2]
        child_key = normalize_name(child_raw)
        if not child_key:
            self._problem(row, sheet, ProblemKind.PARENT_WITHOUT_CHILD, texts.PARENT_WITHOUT_CHILD)
        child_class = self._class(row, sheet, class_text) if class_text else None
        if len(self.problems) > before or named is None:
            return
        name, key = named
        earlier = self._first_seen((PARENT, key, child_key, child_class), row, sheet)
        if earlier is not None:
            self._problem(row, sheet, ProblemKind.DUPLICATE, texts.duplicate_parent(name, clean_display_name(child_raw), *earlier))
            return
        self.parents.append(ParentRow(row.line, sheet, name, key, clean_display_name(child_raw), child_key, child_class))

    def _staff(self, row: RawRow, sheet: str | None, get: Getter) -> None:
        before = len(self.problems)
        named = self._name(row, sheet, get)
        roles, errors = parse_roles(get(Col.ROLES))
        for message in errors:
            self._problem(row, sheet, ProblemKind.UNKNOWN_ROLE, message)
        for spec in roles:
            if spec.role not in STAFF_FILE_ROLES:
                self._problem(row, sheet, ProblemKind.FORBIDDEN_ROLE, texts.role_forbidden(spec.role))
        if len(self.problems) > before or named is None:
            return
        name, key = named
        earlier = self._first_seen((STAFF_MEMBER, key), row, sheet)
        if earlier is not None:
            self._problem(row, sheet, ProblemKind.DUPLICATE, texts.duplicate_staff(name, *earlier))
            return
        self.staff.append(StaffRow(row.line, sheet, name, key, get(Col.POSITION) or None, tuple(roles)))
