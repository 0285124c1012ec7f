"""What the progress notes' use cases answer (rendered by handlers/progress.py with
bot/texts/progress.py): typed results, no Russian text, no keyboards."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SheetRow:
    line: int
    name: str
    cls: str  # as written ('' when the sheet has no class column)
    cells: tuple[tuple[str, str], ...]  # (column header, value), non-empty values only


@dataclass(frozen=True)
class StudentRef:
    name: str
    cls: str | None


@dataclass(frozen=True)
class Preview:
    """The sheet read and matched: who will receive what, and what will not go out. ``action_id``
    is the pending confirmation (None when nothing can be sent)."""

    classes: tuple[str, ...]  # the teacher's classes
    rows: int
    parents: int  # parents who will receive a message
    students: int  # students whose row goes out
    unmatched: tuple[SheetRow, ...] = ()
    ambiguous: tuple[SheetRow, ...] = ()
    foreign: tuple[SheetRow, ...] = ()
    duplicate: tuple[SheetRow, ...] = ()
    no_parent: tuple[StudentRef, ...] = ()
    example_student: str = ""  # the first student sent to, and the message their parent gets
    example_text: str = ""
    action_id: int | None = None


@dataclass(frozen=True)
class Started:
    """The confirmed batch: messages to ``parents`` parents recorded."""

    parents: int


@dataclass(frozen=True)
class AlreadyDone:
    """The confirmation was pressed before (or expired): nothing sent now."""


@dataclass(frozen=True)
class NothingToSend:
    """Confirmed, but no row can go to a parent."""


Applied = Started | AlreadyDone | NothingToSend
