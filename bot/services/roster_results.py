"""What the roster use cases did or ask, as data: the handlers render it (Russian from bot/texts,
buttons from bot/vk/keyboards). Pending actions are named by id; their buttons carry it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.classes import ClassName
from bot.services.roster_effects import Affected


@dataclass(frozen=True)
class Gone:
    """The confirmation is used up, expired, or no longer matches the school: nothing done."""


@dataclass(frozen=True)
class ChangedSince:
    """The student changed between the question and the press: nothing done."""


# -- one student ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    class_name: str | None


@dataclass(frozen=True)
class NeedsPick:
    """Several students fit the name: the caller picks one (pending action ``action_id``)."""

    action_id: int
    org_name: str
    name: str  # as typed
    candidates: tuple[Candidate, ...]  # at most PICK_SHOWN


@dataclass(frozen=True)
class Enrolled:
    name: str
    cls: ClassName
    new_class: bool  # the class did not exist and was created


@dataclass(frozen=True)
class AlreadyEnrolled:
    name: str
    cls: ClassName


@dataclass(frozen=True)
class ExpelAsked:
    action_id: int
    name: str
    class_name: str | None
    affected: tuple[Affected, ...]  # the child and the parents, with the chats they leave


@dataclass(frozen=True)
class Expelled:
    name: str
    class_name: str | None


@dataclass(frozen=True)
class TransferAsked:
    action_id: int
    name: str
    from_class: str | None
    to_class: str
    affected: tuple[Affected, ...]
    new_class: bool  # the school lacks the class: it is created only on this confirmation
    org_name: str
    existing: tuple[str, ...]  # the school's classes (said when ``new_class``)


@dataclass(frozen=True)
class SameClass:
    name: str
    cls: str


@dataclass(frozen=True)
class Transferred:
    name: str
    from_class: str | None
    to_class: str


@dataclass(frozen=True)
class ModeSet:
    name: str
    mode: str  # regular | homeschool | long_absent


@dataclass(frozen=True)
class ModeSame:
    name: str
    mode: str


# -- a new school year --------------------------------------------------------------------------

@dataclass(frozen=True)
class NewYearNothing:
    org_name: str


@dataclass(frozen=True)
class Promotion:
    old: str
    new: str
    students: int


@dataclass(frozen=True)
class NewYearAsked:
    action_id: int
    org_name: str
    moves: tuple[Promotion, ...]
    graduates: tuple[str, ...]  # classes that graduate


@dataclass(frozen=True)
class NewYearApplied:
    graduates: tuple[str, ...]


# -- import -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ForbiddenRole:
    """A role the file gives or takes away that its sender may not grant, with whose."""

    role: str  # role id
    names: tuple[str, ...]


@dataclass(frozen=True)
class ImportRefused:
    """The file has problems (in ``preview``) or hands out roles its sender may not: nothing asked."""

    preview: str
    forbidden: tuple[ForbiddenRole, ...] = ()


@dataclass(frozen=True)
class ImportUnchanged:
    preview: str  # says there is nothing to change


@dataclass(frozen=True)
class ScopedOffer:
    """The file lists only some classes: applying only those expels nobody outside them."""

    classes: tuple[str, ...]
    outside: int  # students of the school outside the file's classes
    preview: str
    has_changes: bool


@dataclass(frozen=True)
class ImportAsked:
    action_id: int
    preview: str  # the domain's preview of the whole file
    expelled: int  # how many the whole file expels
    expelled_csv: bytes | None  # the full list when the preview cannot show every name
    scoped: ScopedOffer | None
    stale: bool = False  # asked again: the school changed since the previous preview


@dataclass(frozen=True)
class ImportApplied:
    summary: tuple[str, ...]  # the plan's count lines («Ученики: новых 4.»)
    classes: tuple[str, ...] | None = None  # only these classes were applied


@dataclass(frozen=True)
class ImportForbidden:
    """At the press: the file would hand out roles the presser may not grant (action cancelled)."""

    forbidden: tuple[ForbiddenRole, ...]


@dataclass(frozen=True)
class ImportChanging:
    """The school kept changing while the file was applied: press again later."""


@dataclass(frozen=True)
class ImportStale:
    """The school changed since the preview and the file no longer applies: nothing asked."""

    preview: str


ImportResult = (ImportRefused | ImportUnchanged | ImportAsked | ImportApplied | ImportForbidden | ImportChanging
                | ImportStale | Gone)
PickResult = ExpelAsked | TransferAsked | ModeSet | ModeSame | SameClass
