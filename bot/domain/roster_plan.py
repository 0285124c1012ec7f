"""Compare a parsed roster file with the school and plan the changes (nothing is applied here).

Matching is by normalised name. When a name is shared by several students (in the file or in
the school) they are told apart by class only; anything left undecided becomes a problem
(«неоднозначно») — the planner never guesses who moved and who is new.
Students of the school missing from a file that lists students are expelled; parents and staff
are never removed by an import (parents left without children are reported instead).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.texts import roster as texts
from bot.domain.classes import ClassName
from bot.domain.roles import SCHOOL_ADMIN, STAFF_FILE_ROLES, RoleSpec
from bot.domain.roster_apply import apply_to_snapshot
from bot.domain.roster_ops import (
    AddParent, AddStaff, AddStudent, ChangeMode, Counts, CurrentPerson, ExpelStudent, GrantRole,
    ImportPlan, LinkChild, MoveStudent, NewRef, Operation, PersonRef, PlanCounts, RevokeRole,
    RosterSnapshot,
)
from bot.domain.roster_preview import format_preview
from bot.domain.roster_types import (
    ALL_SCOPES, PARENT, PARENTS, REGULAR, STAFF, STAFF_MEMBER, STUDENT, STUDENTS, ParentRow,
    ParsedRoster, Problem, ProblemKind, StaffRow, StudentRow,
)

__all__ = [
    "CurrentPerson", "ImportPlan", "RosterSnapshot", "apply_to_snapshot", "file_classes", "format_preview",
    "outside_classes", "plan_import",
]

# Roles an import may take away from a listed staff member. The school admin role is only ever
# granted by a file: losing the last admin because a row missed a word would lock the school out.
REVOCABLE_ROLES = STAFF_FILE_ROLES - {SCHOOL_ADMIN}

# More expulsions than this share of the school gets a warning: likely a one-class file.
MASS_EXPEL_SHARE = 0.2
MASS_EXPEL_MIN = 5


def plan_import(
    parsed: ParsedRoster, current: RosterSnapshot, *, scope: Iterable[str] = ALL_SCOPES,
    only_file_classes: bool = False,
) -> ImportPlan:
    """``scope`` limits which kinds («students», «parents», «staff») are reconciled.
    ``only_file_classes``: students of classes the file does not list are left as they are
    (nobody outside those classes is expelled); a student listed in the file is still matched
    wherever they are now (a move into a listed class)."""
    scope = frozenset(scope)
    if not scope <= ALL_SCOPES:
        raise ValueError(f"unknown scope {sorted(scope - ALL_SCOPES)}")
    planner = _Planner(current, file_classes(parsed) if only_file_classes else None)
    planner.students(parsed.students if STUDENTS in scope else [])
    if PARENTS in scope:
        planner.parents(parsed.parents)
    if STAFF in scope:
        planner.staff(parsed.staff)
    return planner.finish(parsed.problems)


@dataclass(frozen=True)
class _Student:
    """A student of the school after the import: who a parent row may point to."""

    ref: PersonRef
    key: str
    class_name: ClassName | None


def _group(items: Iterable, key) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def _class_list(classes: Iterable[ClassName | None]) -> list[str]:
    return sorted({str(c) for c in classes if c is not None})


def _role_order(spec: RoleSpec) -> tuple[str, str, str]:
    return spec.role, str(spec.class_name or ""), spec.subject or ""


def file_classes(parsed: ParsedRoster) -> frozenset[ClassName]:
    """The classes the file's students are in."""
    return frozenset(row.class_name for row in parsed.students if row.class_name is not None)


def outside_classes(parsed: ParsedRoster, current: RosterSnapshot) -> list[CurrentPerson]:
    """Students of the school in classes the file does not list (when it lists students)."""
    listed = file_classes(parsed)
    if not listed:
        return []
    return [p for p in current.of_kind(STUDENT) if p.class_name not in listed]


class _Planner:
    def __init__(self, current: RosterSnapshot, keep_outside: frozenset[ClassName] | None = None) -> None:
        self.current = current
        self.keep_outside = keep_outside  # expel only students of these classes (None: anyone)
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.ops: dict[type, list[Operation]] = defaultdict(list)
        self.result_students: list[_Student] = []
        self.students_reconciled = False
        self.linked_parent_ids: set[int] = set()
        self._refs = 0
        self.counts: dict[str, defaultdict[str, int]] = {
            STUDENTS: defaultdict(int), PARENTS: defaultdict(int), STAFF: defaultdict(int)}

    def _new_ref(self) -> NewRef:
        self._refs += 1
        return NewRef(self._refs)

    def _op(self, op: Operation) -> None:
        self.ops[type(op)].append(op)

    def _problem(self, row: StudentRow | ParentRow | StaffRow, kind: ProblemKind, message: str) -> None:
        self.problems.append(Problem(row.line, row.sheet, message, kind))

    # -- students ---------------------------------------------------------------------------

    def students(self, rows: list[StudentRow]) -> None:
        self.students_reconciled = bool(rows)
        in_file = _group(rows, lambda r: r.name_key)
        in_school = _group(self.current.of_kind(STUDENT), lambda p: p.name_key)
        for key in [*in_file, *(k for k in in_school if k not in in_file)]:
            self._student_name(in_file.get(key, []), in_school.get(key, []))
        expelled = self.counts[STUDENTS]["expelled"]
        total = len(self.current.of_kind(STUDENT))
        if expelled >= MASS_EXPEL_MIN and expelled > total * MASS_EXPEL_SHARE:
            self.warnings.append(texts.warn_mass_expel(expelled, total))

    def _student_name(self, rows: list[StudentRow], persons: list[CurrentPerson]) -> None:
        """Reconcile everyone sharing one name key: pair by class, never guess the rest."""
        if len(rows) == 1 and len(persons) == 1:
            pairs, rows_left, persons_left = [(rows[0], persons[0])], [], []
        else:
            pairs, rows_left, persons_left = [], list(rows), list(persons)
            for row in rows:
                same = next((p for p in persons_left if p.class_name == row.class_name), None)
                if same is not None:
                    pairs.append((row, same))
                    rows_left.remove(row)
                    persons_left.remove(same)
        for row, person in pairs:
            self._matched_student(row, person)
        if rows_left and persons_left:
            classes = _class_list([p.class_name for p in persons] + [r.class_name for r in rows])
            for row in rows_left:
                self._problem(row, ProblemKind.AMBIGUOUS_PERSON, texts.ambiguous_student(row.name, classes))
            for person in persons_left:
                self.result_students.append(_Student(person.person_id, person.name_key, person.class_name))
            return
        for row in rows_left:
            ref = self._new_ref()
            self._op(AddStudent(ref, row.name, row.name_key, row.class_name, row.mode))
            self.result_students.append(_Student(ref, row.name_key, row.class_name))
            self.counts[STUDENTS]["added"] += 1
        for person in persons_left:
            outside = self.keep_outside is not None and person.class_name not in self.keep_outside
            if self.students_reconciled and not outside:
                self._op(ExpelStudent(person.person_id, person.display_name, person.class_name))
                self.counts[STUDENTS]["expelled"] += 1
            else:
                self.result_students.append(_Student(person.person_id, person.name_key, person.class_name))

    def _matched_student(self, row: StudentRow, person: CurrentPerson) -> None:
        counts = self.counts[STUDENTS]
        changed = False
        if person.class_name != row.class_name:
            self._op(MoveStudent(person.person_id, person.display_name, person.class_name, row.class_name))
            counts["moved"] += 1
            changed = True
        if (person.mode or REGULAR) != row.mode:
            self._op(ChangeMode(person.person_id, person.display_name, person.mode, row.mode))
            counts["mode_changed"] += 1
            changed = True
        if not changed:
            counts["unchanged"] += 1
        self.result_students.append(_Student(person.person_id, person.name_key, row.class_name))

    # -- parents ----------------------------------------------------------------------------

    def parents(self, rows: list[ParentRow]) -> None:
        students = _group(self.result_students, lambda s: s.key)
        in_school = _group(self.current.of_kind(PARENT), lambda p: p.name_key)
        for key, parent_rows in _group(rows, lambda r: r.name_key).items():
            candidates = in_school.get(key, [])
            if len(candidates) > 1:
                # Namesakes: the one already linked to one of these children, if exactly one is.
                child_keys = {r.child_key for r in parent_rows}
                candidates = [p for p in candidates if p.children_keys & child_keys]
                if len(candidates) != 1:
                    self._problem(parent_rows[0], ProblemKind.AMBIGUOUS_PERSON, texts.ambiguous_parent(parent_rows[0].name))
                    continue
            self._parent(parent_rows, candidates[0] if candidates else None, students)

    def _parent(self, rows: list[ParentRow], person: CurrentPerson | None, students: dict[str, list[_Student]]) -> None:
        counts = self.counts[PARENTS]
        if person is None:
            new_ref = self._new_ref()
            parent_ref: PersonRef = new_ref
            self._op(AddParent(new_ref, rows[0].name, rows[0].name_key))
            linked: frozenset[str] = frozenset()
            counts["added"] += 1
        else:
            parent_ref = person.person_id
            linked = person.children_keys
            self.linked_parent_ids.add(person.person_id)
        # Links are known by child name key (see CurrentPerson); within this plan, by child, so
        # that a parent of two namesake children in different classes gets both links.
        new_links: set[PersonRef] = set()
        for row in rows:
            child = self._resolve_child(row, students)
            if child is None or row.child_key in linked or child in new_links:
                continue
            new_links.add(child)
            self._op(LinkChild(parent_ref, child, row.child_key, row.child_name))
        counts["links_added"] += len(new_links)
        if person is not None and not new_links:
            counts["unchanged"] += 1

    def _resolve_child(self, row: ParentRow, students: dict[str, list[_Student]]) -> PersonRef | None:
        candidates = students.get(row.child_key, [])
        if row.child_class is not None:
            in_class = [s for s in candidates if s.class_name == row.child_class]
            if not in_class and candidates:
                found_in = _class_list(s.class_name for s in candidates)
                self._problem(row, ProblemKind.CHILD_NOT_FOUND, texts.child_in_other_class(row.child_name, str(row.child_class), found_in))
                return None
            candidates = in_class
        if not candidates:
            self._problem(row, ProblemKind.CHILD_NOT_FOUND, texts.child_not_found(row.child_name, None if row.child_class is None else str(row.child_class)))
            return None
        if len(candidates) > 1:
            classes = _class_list(s.class_name for s in candidates)
            self._problem(row, ProblemKind.AMBIGUOUS_CHILD, texts.ambiguous_child(row.child_name, classes))
            return None
        return candidates[0].ref

    # -- staff ------------------------------------------------------------------------------

    def staff(self, rows: list[StaffRow]) -> None:
        in_school = _group(self.current.of_kind(STAFF_MEMBER), lambda p: p.name_key)
        counts = self.counts[STAFF]
        for row in rows:
            candidates = in_school.get(row.name_key, [])
            if len(candidates) > 1:
                self._problem(row, ProblemKind.AMBIGUOUS_PERSON, texts.ambiguous_staff(row.name))
                continue
            if not candidates:
                ref = self._new_ref()
                self._op(AddStaff(ref, row.name, row.name_key, row.position))
                for spec in row.roles:
                    self._op(GrantRole(ref, spec))
                counts["added"] += 1
                continue
            person = candidates[0]
            # An empty «Роли» cell leaves the person's roles as they are.
            grants = [r for r in row.roles if r not in person.roles]
            revokes = [] if not row.roles else sorted(
                (r for r in person.roles if r not in row.roles and r.role in REVOCABLE_ROLES), key=_role_order,
            )
            for spec in grants:
                self._op(GrantRole(person.person_id, spec))
            for spec in revokes:
                self._op(RevokeRole(person.person_id, spec))
            counts["roles_changed" if grants or revokes else "unchanged"] += 1

    # -- result -----------------------------------------------------------------------------

    def _orphaned_parents(self) -> tuple[CurrentPerson, ...]:
        if not self.students_reconciled:
            return ()
        remaining = {s.key for s in self.result_students}
        return tuple(
            p for p in self.current.of_kind(PARENT)
            if p.children_keys and not p.children_keys & remaining and p.person_id not in self.linked_parent_ids
        )

    def finish(self, file_problems: list[Problem]) -> ImportPlan:
        order = (AddStudent, MoveStudent, ChangeMode, ExpelStudent, AddParent, LinkChild, AddStaff, GrantRole, RevokeRole)
        operations = tuple(op for kind in order for op in self.ops[kind])
        orphaned = self._orphaned_parents()
        warnings = list(self.warnings)
        if orphaned:
            warnings.append(texts.warn_orphaned_parents([p.display_name for p in orphaned]))
        counts = PlanCounts(**{kind: Counts(**values) for kind, values in self.counts.items()})
        return ImportPlan(operations, counts, (*file_problems, *self.problems), tuple(warnings), orphaned)
