"""Typed rows of a roster file and the problems found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.classes import ClassName
from bot.domain.roles import RoleSpec

STUDENTS = "students"
PARENTS = "parents"
STAFF = "staff"
ALL_SCOPES = frozenset({STUDENTS, PARENTS, STAFF})

# Person kinds (singular, as stored in ``CurrentPerson.kind``).
STUDENT = "student"
PARENT = "parent"
STAFF_MEMBER = "staff"

# Study modes of a student.
REGULAR = "regular"
HOMESCHOOL = "homeschool"
LONG_ABSENT = "long_absent"
MODES = (REGULAR, HOMESCHOOL, LONG_ABSENT)


class ProblemKind(StrEnum):
    # the file as a whole
    EMPTY_FILE = "empty_file"
    UNDECODABLE = "undecodable"
    NOT_XLSX = "not_xlsx"
    TOO_BIG = "too_big"
    TOO_MANY_ROWS = "too_many_rows"
    BAD_HEADER = "bad_header"
    # one row
    EMPTY_NAME = "empty_name"
    BAD_CLASS = "bad_class"
    UNKNOWN_MODE = "unknown_mode"
    UNKNOWN_TYPE = "unknown_type"
    DUPLICATE = "duplicate"
    PARENT_WITHOUT_CHILD = "parent_without_child"
    UNKNOWN_ROLE = "unknown_role"
    BAD_CHARACTERS = "bad_characters"  # control characters (NUL...) in a cell that is read
    FORBIDDEN_ROLE = "forbidden_role"
    # matching against the school (from plan_import)
    CHILD_NOT_FOUND = "child_not_found"
    AMBIGUOUS_CHILD = "ambiguous_child"
    AMBIGUOUS_PERSON = "ambiguous_person"


@dataclass(frozen=True)
class Problem:
    """Something that blocks the import. ``line`` is 1-based as a person sees it (the header
    counts); ``sheet`` is the XLSX sheet name or None for CSV; both None for the whole file."""

    line: int | None
    sheet: str | None
    message_ru: str
    kind: ProblemKind

    @property
    def message(self) -> str:
        return self.message_ru


@dataclass(frozen=True)
class StudentRow:
    line: int
    sheet: str | None
    name: str  # display form, see names.clean_display_name
    name_key: str  # matching key, see names.normalize_name
    class_name: ClassName
    mode: str = REGULAR


@dataclass(frozen=True)
class ParentRow:
    """One parent-child link; a parent of two children takes two rows."""

    line: int
    sheet: str | None
    name: str
    name_key: str
    child_name: str
    child_key: str
    child_class: ClassName | None = None


@dataclass(frozen=True)
class StaffRow:
    line: int
    sheet: str | None
    name: str
    name_key: str
    position: str | None = None
    roles: tuple[RoleSpec, ...] = ()


@dataclass(frozen=True)
class ParsedRoster:
    students: list[StudentRow] = field(default_factory=list)
    parents: list[ParentRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems
