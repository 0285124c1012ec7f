"""The roster side of a report: who is on the roster, linked, in chats, active, silent, and not on
the platform; coverage per chat type; classes. Every figure is defined once, in
``bot.texts.reports.GLOSSARY``; this module is the only place that computes them.

Membership counts the person's VK account in ANY active chat of ANY organisation (a teacher
who joined another school's methodical chat is in chats). Coverage of a chat type counts the
type's audience at the school (parents of a class for a class's parents' chat, ...) against the
part of it that is a member of such a chat of the school.

Snapshots: the figures of an org's month are stored in ``agg_org``/``agg_people``/
``agg_coverage``; refreshed while the month runs, stored final once it is over in the org's
time zone, so a past month always gives the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.db import Database
from bot.repo import aggregates as agg

KINDS = ("student", "parent", "staff")
PARENT_CHAT, STUDENT_CHAT = "parents_class", "students_class"
MAIN_TYPES = ("parents_school", "parents_class", "students_class", "admin_open")
TYPE_ORDER = ("parents_school", "parents_class", "students_class", "subject", "admin_closed", "admin_open",
              "homeschool", "methodical", "advisor", "")
CLASS_TYPES = ("parents_class", "students_class", "subject")


@dataclass(frozen=True)
class People:
    """One group of a school's roster (pupils, parents or staff). See GLOSSARY for each figure."""

    roster: int = 0  # active persons on the school's lists
    linked: int = 0  # ... with a VK account linked
    in_chats: int = 0  # ... linked and now a member of at least one chat of any organisation
    active: int = 0  # ... with activity in the month that stayed (messages not deleted, votes, buttons)
    silent: int = 0  # ... in chats, not active

    @property
    def not_on_platform(self) -> int:
        """On the roster, never linked: not on the platform at all."""
        return self.roster - self.linked

    @property
    def linked_not_in_chats(self) -> int:
        return self.linked - self.in_chats

    def __add__(self, other: "People") -> "People":
        return People(self.roster + other.roster, self.linked + other.linked, self.in_chats + other.in_chats,
                      self.active + other.active, self.silent + other.silent)


def total(people: dict[str, People]) -> People:
    return sum_people(people.values())


def sum_people(lines: Iterable[People]) -> People:
    roster = linked = in_chats = active = silent = 0
    for p in lines:
        roster += p.roster
        linked += p.linked
        in_chats += p.in_chats
        active += p.active
        silent += p.silent
    return People(roster, linked, in_chats, active, silent)


@dataclass(frozen=True)
class TypeCoverage:
    """People of a chat type's audience in such a chat of the school, against the audience."""

    chat_type: str
    chats: int
    eligible: int
    in_chats: int

    @property
    def share(self) -> float | None:
        return self.in_chats / self.eligible if self.eligible else None

    def __add__(self, other: "TypeCoverage") -> "TypeCoverage":
        return TypeCoverage(self.chat_type, self.chats + other.chats, self.eligible + other.eligible,
                            self.in_chats + other.in_chats)


@dataclass(frozen=True)
class ClassLine:
    class_id: int
    label: str  # «5А»
    students: int
    students_linked: int
    students_in_chats: int
    parents: int
    parents_linked: int
    parents_in_chats: int
    has_parents_chat: bool
    has_students_chat: bool

    @property
    def students_not_on_platform(self) -> int:
        return self.students - self.students_linked

    @property
    def parents_not_on_platform(self) -> int:
        return self.parents - self.parents_linked


@dataclass
class OrgChats:
    chats: int = 0
    classes: int = 0
    with_parents: int = 0
    with_students: int = 0
    with_both: int = 0  # classes with both a parents' and a students' chat


@dataclass
class Snapshot:
    """An org's roster side of one month."""

    org_id: int
    month: str
    org: OrgChats
    people: dict[str, People]
    coverage: list[TypeCoverage]
    taken_at: int
    final: bool
    chat_ids_text: str = ""  # the org's active chats when taken, "1,2,3" (parsed on demand: a region reads 60,000)
    classes: list[ClassLine] = field(default_factory=list)  # only when computed (not read back)
    silent_ids: list[int] = field(default_factory=list)  # only when computed

    @property
    def chat_ids(self) -> list[int]:
        return [int(i) for i in self.chat_ids_text.split(",") if i]


@dataclass
class _Person:
    id: int
    org_id: int
    kind: str
    vk_id: int | None
    class_id: int | None
    mode: str | None
    child_classes: set[int] = field(default_factory=set)


def _audience(admins: set[int]) -> dict[str, Callable[[_Person], bool]]:
    return {
        "parents_school": lambda p: p.kind == "parent",
        "parents_class": lambda p: p.kind == "parent" and bool(p.child_classes),
        "students_class": lambda p: p.kind == "student" and p.class_id is not None,
        "subject": lambda p: p.kind == "student" and p.class_id is not None,
        "admin_closed": lambda p: p.id in admins,
        "admin_open": lambda p: p.kind == "staff",
        "homeschool": lambda p: p.kind == "student" and p.mode == "homeschool",
        "methodical": lambda p: p.kind == "staff",
        "advisor": lambda p: p.kind in ("student", "parent"),
    }


def _matches(person: _Person, type_: str, chat_class: int | None) -> bool:
    """Whether membership in a chat of ``type_`` (of ``chat_class``) covers this person for the type."""
    if type_ == "parents_class":
        return chat_class in person.child_classes
    if type_ in ("students_class", "subject"):
        return chat_class == person.class_id
    return True


async def compute(db: Database, org_ids: Sequence[int], month: str, *, now: int,
                  final: dict[int, bool] | None = None) -> dict[int, Snapshot]:
    """The figures of each org as the tables are now (``month`` gives the activity side)."""
    final = final or {}
    ids = list(org_ids)
    active: dict[int, set[int]] = defaultdict(set)
    for org_id, person_id, _, _, _ in await agg.active_persons(db, ids, month):
        active[org_id].add(person_id)
    persons = {row[0]: _Person(row[0], row[1], row[2], row[3], row[4], row[5])
               for row in await agg.roster_people(db, ids)}
    for parent_id, class_id in await agg.children_classes(db, ids):
        if parent_id in persons and class_id is not None:
            persons[parent_id].child_classes.add(class_id)
    admins = await agg.admin_team(db, ids)
    in_any: set[int] = set()
    of_type: dict[str, set[int]] = defaultdict(set)  # chat type -> persons covered
    for person_id, chat_org, type_, chat_class in await agg.memberships_of_people(db, ids):
        person = persons.get(person_id)
        if person is None:
            continue
        in_any.add(person_id)
        if chat_org == person.org_id and type_ and _matches(person, type_, chat_class):
            of_type[type_].add(person_id)
    orgs = {o: OrgChats() for o in ids}
    chat_count: dict[int, dict[str, int]] = {o: defaultdict(int) for o in ids}
    class_types: dict[int, set[str]] = defaultdict(set)
    chat_ids: dict[int, list[int]] = defaultdict(list)
    for chat_id, org_id, type_, class_id, _ in await agg.org_chats(db, ids):
        orgs[org_id].chats += 1
        chat_ids[org_id].append(chat_id)
        chat_count[org_id][type_ or ""] += 1
        if class_id is not None and type_ in (PARENT_CHAT, STUDENT_CHAT):
            class_types[class_id].add(type_)
    class_rows = await agg.org_classes(db, ids)
    for class_id, org_id, _, _ in class_rows:
        types = class_types.get(class_id, set())
        line = orgs[org_id]
        line.classes += 1
        line.with_parents += PARENT_CHAT in types
        line.with_students += STUDENT_CHAT in types
        line.with_both += types >= {PARENT_CHAT, STUDENT_CHAT}
    # people per kind
    counts: dict[int, dict[str, list[int]]] = {o: {k: [0, 0, 0, 0, 0] for k in KINDS} for o in ids}
    silent: dict[int, list[int]] = defaultdict(list)
    audience = _audience(admins)
    eligible: dict[int, dict[str, list[int]]] = {o: {t: [0, 0] for t in audience} for o in ids}
    per_class: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for person in persons.values():
        c = counts[person.org_id].setdefault(person.kind, [0, 0, 0, 0, 0])
        c[0] += 1
        linked = person.vk_id is not None
        inside = person.id in in_any
        is_active = person.id in active[person.org_id]
        c[1] += linked
        c[2] += inside
        c[3] += is_active
        if inside and not is_active:
            c[4] += 1
            silent[person.org_id].append(person.id)
        for type_, test in audience.items():
            if test(person):
                e = eligible[person.org_id][type_]
                e[0] += 1
                e[1] += person.id in of_type[type_]
        if person.kind == "student" and person.class_id is not None:
            pc = per_class[person.class_id]
            pc[0] += 1
            pc[1] += linked
            pc[2] += inside
        if person.kind == "parent":
            for class_id in person.child_classes:
                pc = per_class[class_id]
                pc[3] += 1
                pc[4] += linked
                pc[5] += inside
    out: dict[int, Snapshot] = {}
    for org_id in ids:
        coverage = []
        for type_ in TYPE_ORDER:
            chats = chat_count[org_id].get(type_, 0)
            e = eligible[org_id].get(type_, [0, 0])
            if chats or (type_ in MAIN_TYPES and e[0]):
                coverage.append(TypeCoverage(type_, chats, e[0], e[1]))
        people = {k: People(*v) for k, v in counts[org_id].items()}
        out[org_id] = Snapshot(org_id, month, orgs[org_id], people, coverage, now, final.get(org_id, False),
                               chat_ids_text=",".join(map(str, chat_ids[org_id])), silent_ids=sorted(silent[org_id]))
    for class_id, org_id, grade, letter in class_rows:
        types = class_types.get(class_id, set())
        pc = per_class[class_id]
        out[org_id].classes.append(ClassLine(class_id, f"{grade}{letter}", pc[0], pc[1], pc[2], pc[3], pc[4], pc[5],
                                             PARENT_CHAT in types, STUDENT_CHAT in types))
    return out


async def store(db: Database, snapshots: Sequence[Snapshot]) -> None:
    for s in snapshots:
        o = s.org
        await agg.store_snapshot(
            db, s.month, s.org_id, (o.chats, o.classes, o.with_parents, o.with_students, o.with_both),
            [(k, p.roster, p.linked, p.in_chats, p.active, p.silent) for k, p in s.people.items()],
            [(c.chat_type, c.chats, c.eligible, c.in_chats) for c in s.coverage], chat_ids=s.chat_ids,
            taken_at=s.taken_at, final=s.final)


async def load(db: Database, org_ids: Sequence[int], months: Sequence[str], *, light: bool = False
               ) -> dict[tuple[str, int], Snapshot]:
    """Stored snapshots by (month, org); ``light``: without coverage per type and chat lists."""
    out: dict[tuple[str, int], Snapshot] = {}
    for month, org_id, chats, classes, wp, ws, wb, taken_at, final, ids in await agg.org_rows(
            db, org_ids, months, chat_ids=not light):
        out[(month, org_id)] = Snapshot(org_id, month, OrgChats(chats, classes, wp, ws, wb), {}, [], taken_at,
                                        bool(final), chat_ids_text=ids)
    for month, org_id, kind, *figures in await agg.people_rows(db, org_ids, months):
        snap = out.get((month, org_id))
        if snap is not None:
            snap.people[kind] = People(*figures)
    for month, org_id, type_, chats, eligible, in_chats in ([] if light else await agg.coverage_rows(db, org_ids, months)):
        snap = out.get((month, org_id))
        if snap is not None:
            snap.coverage.append(TypeCoverage(type_, chats, eligible, in_chats))
    order = {t: i for i, t in enumerate(TYPE_ORDER)}
    for snap in out.values():
        if len(snap.coverage) > 1:
            snap.coverage.sort(key=lambda c: order.get(c.chat_type, len(order)))
        if len(snap.people) < len(KINDS):
            for kind in KINDS:
                snap.people.setdefault(kind, People())
    return out
