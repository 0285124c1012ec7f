"""The school as the planner sees it (snapshot), the operations of an import plan, the plan."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from bot.domain.classes import ClassName
from bot.domain.roles import RoleSpec
from bot.domain.roster_types import Problem

PersonId = int


@dataclass(frozen=True)
class CurrentPerson:
    """An active person of the school. ``name_key`` is ``names.normalize_name`` of the name;
    ``children_keys`` are the name keys of a parent's linked children; ``roles`` are the person's
    active role grants in this school."""

    person_id: PersonId
    kind: str  # "student" | "parent" | "staff"
    name_key: str
    display_name: str
    class_name: ClassName | None = None
    mode: str | None = None
    children_keys: frozenset[str] = frozenset()
    roles: frozenset[RoleSpec] = frozenset()


@dataclass(frozen=True)
class RosterSnapshot:
    persons: tuple[CurrentPerson, ...] = ()

    def of_kind(self, kind: str) -> list[CurrentPerson]:
        return [p for p in self.persons if p.kind == kind]


@dataclass(frozen=True)
class NewRef:
    """A person this plan creates; the service maps it to the id the insert returns."""

    n: int


PersonRef = PersonId | NewRef


@dataclass(frozen=True)
class AddStudent:
    ref: NewRef
    name: str
    name_key: str
    class_name: ClassName
    mode: str


@dataclass(frozen=True)
class MoveStudent:
    person_id: PersonId
    name: str
    old_class: ClassName | None
    new_class: ClassName


@dataclass(frozen=True)
class ChangeMode:
    person_id: PersonId
    name: str
    old_mode: str | None
    new_mode: str


@dataclass(frozen=True)
class ExpelStudent:
    person_id: PersonId
    name: str
    class_name: ClassName | None


@dataclass(frozen=True)
class AddParent:
    ref: NewRef
    name: str
    name_key: str


@dataclass(frozen=True)
class LinkChild:
    parent: PersonRef
    child: PersonRef
    child_key: str
    child_name: str


@dataclass(frozen=True)
class AddStaff:
    ref: NewRef
    name: str
    name_key: str
    position: str | None


@dataclass(frozen=True)
class GrantRole:
    person: PersonRef
    role: RoleSpec


@dataclass(frozen=True)
class RevokeRole:
    person_id: PersonId
    role: RoleSpec


Operation = AddStudent | MoveStudent | ChangeMode | ExpelStudent | AddParent | LinkChild | AddStaff | GrantRole | RevokeRole


@dataclass(frozen=True)
class Counts:
    added: int = 0
    moved: int = 0
    mode_changed: int = 0
    expelled: int = 0
    links_added: int = 0
    roles_changed: int = 0  # persons whose roles change
    unchanged: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class PlanCounts:
    students: Counts = Counts()
    parents: Counts = Counts()
    staff: Counts = Counts()

    def __getitem__(self, kind: str) -> Counts:  # plan.counts["students"]
        return getattr(self, kind)


@dataclass(frozen=True)
class ImportPlan:
    """What importing the file would do. Apply ``operations`` in order, in one transaction, and
    only when ``ok``; new persons are referred to by NewRef before they have ids."""

    operations: tuple[Operation, ...] = ()
    counts: PlanCounts = PlanCounts()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()  # shown, but do not block
    orphaned_parents: tuple[CurrentPerson, ...] = field(default=())  # left without children

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.operations)
