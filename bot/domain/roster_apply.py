"""Apply an import plan to a snapshot in memory: what the school looks like afterwards.

The service layer applies plans to the database; this is the same semantics on plain values, used
by tests (planning the applied file again must give no changes) and by dry runs.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.roster_ops import (
    AddParent, AddStaff, AddStudent, ChangeMode, CurrentPerson, ExpelStudent, GrantRole, ImportPlan,
    LinkChild, MoveStudent, NewRef, PersonRef, RevokeRole, RosterSnapshot,
)
from bot.domain.roster_types import PARENT, STAFF_MEMBER, STUDENT


def apply_to_snapshot(snapshot: RosterSnapshot, plan: ImportPlan) -> RosterSnapshot:
    """New persons get ids after the largest existing one. Refuses a plan with problems."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    persons: dict[int, CurrentPerson] = {p.person_id: p for p in snapshot.persons}
    next_id = max(persons, default=0) + 1
    ids: dict[NewRef, int] = {}

    def resolve(ref: PersonRef) -> int:
        return ids[ref] if isinstance(ref, NewRef) else ref

    def add(ref: NewRef, person: CurrentPerson) -> None:
        nonlocal next_id
        ids[ref] = next_id
        persons[next_id] = replace(person, person_id=next_id)
        next_id += 1

    for op in plan.operations:
        match op:
            case AddStudent():
                add(op.ref, CurrentPerson(0, STUDENT, op.name_key, op.name, op.class_name, op.mode))
            case MoveStudent():
                persons[op.person_id] = replace(persons[op.person_id], class_name=op.new_class)
            case ChangeMode():
                persons[op.person_id] = replace(persons[op.person_id], mode=op.new_mode)
            case ExpelStudent():
                del persons[op.person_id]
            case AddParent():
                add(op.ref, CurrentPerson(0, PARENT, op.name_key, op.name))
            case LinkChild():
                parent = persons[resolve(op.parent)]
                persons[parent.person_id] = replace(parent, children_keys=parent.children_keys | {op.child_key})
            case AddStaff():
                add(op.ref, CurrentPerson(0, STAFF_MEMBER, op.name_key, op.name))
            case GrantRole():
                person = persons[resolve(op.person)]
                persons[person.person_id] = replace(person, roles=person.roles | {op.role})
            case RevokeRole():
                person = persons[op.person_id]
                persons[person.person_id] = replace(person, roles=person.roles - {op.role})
            case _:
                raise TypeError(f"unknown operation {op!r}")
    return RosterSnapshot(tuple(persons.values()))
