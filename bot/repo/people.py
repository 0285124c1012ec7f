"""People of a school: students (class, mode), parents (children), staff; classes; roster events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.db import Database
from bot.domain.classes import ClassName
from bot.domain.roles import RoleSpec
from bot.domain.roster_ops import (
    AddParent, AddStaff, AddStudent, ChangeMode, CurrentPerson, ExpelStudent, GrantRole, ImportPlan,
    LinkChild, MoveStudent, NewRef, RevokeRole, RosterSnapshot,
)


@dataclass(frozen=True)
class Person:
    id: int
    home_org_id: int
    kind: str
    full_name: str
    name_key: str
    vk_id: int | None
    status: str
    class_id: int | None = None
    class_name: str | None = None
    mode: str | None = None


PERSON_SELECT = (
    "SELECT p.id, p.home_org_id, p.kind, p.full_name, p.name_key, p.vk_id, p.status, s.class_id,"
    " CASE WHEN c.id IS NULL THEN NULL ELSE c.grade || c.letter END, s.mode"
    " FROM person p LEFT JOIN student s ON s.person_id = p.id LEFT JOIN class_group c ON c.id = s.class_id"
)


_PERSON_SELECT = PERSON_SELECT


def _person(row: Any) -> Person:
    return Person(*row)


# -- classes ------------------------------------------------------------------------------


async def class_id(db: Database, org_id: int, name: ClassName) -> int | None:
    return await db.fetchval(
        "SELECT id FROM class_group WHERE org_id = ? AND grade = ? AND letter = ? AND status = 'active'",
        (org_id, name.grade, name.letter),
    )


async def ensure_class(db: Database, org_id: int, name: ClassName, now: int) -> int:
    existing = await class_id(db, org_id, name)
    if existing is not None:
        return existing
    return await db.execute(
        "INSERT INTO class_group (org_id, grade, letter, created_at) VALUES (?, ?, ?, ?)",
        (org_id, name.grade, name.letter, now),
    )


async def classes(db: Database, org_id: int) -> list[tuple[int, ClassName]]:
    rows = await db.fetchall(
        "SELECT id, grade, letter FROM class_group WHERE org_id = ? AND status = 'active'"
        " ORDER BY grade, letter",
        (org_id,),
    )
    return [(row[0], ClassName(row[1], row[2])) for row in rows]


async def class_name_of(db: Database, class_id_: int) -> ClassName | None:
    row = await db.fetchone("SELECT grade, letter FROM class_group WHERE id = ?", (class_id_,))
    return ClassName(row[0], row[1]) if row else None


async def graduate_class(db: Database, class_id_: int) -> None:
    await db.execute("UPDATE class_group SET status = 'graduated' WHERE id = ?", (class_id_,))


async def rename_class(db: Database, class_id_: int, name: ClassName) -> None:
    await db.execute("UPDATE class_group SET grade = ?, letter = ? WHERE id = ?", (name.grade, name.letter, class_id_))


async def classes_without_teacher(db: Database, org_id: int) -> list[str]:
    """Names («7Б») of the school's active classes that have no class teacher."""
    rows = await db.fetchall(
        "SELECT c.grade || c.letter FROM class_group c WHERE c.org_id = ? AND c.status = 'active'"
        " AND NOT EXISTS (SELECT 1 FROM role_grant g WHERE g.class_id = c.id AND g.role = 'class_teacher'"
        " AND g.revoked_at IS NULL) ORDER BY c.grade, c.letter", (org_id,))
    return [row[0] for row in rows]


# -- persons ------------------------------------------------------------------------------


async def get(db: Database, person_id: int) -> Person | None:
    row = await db.fetchone(_PERSON_SELECT + " WHERE p.id = ?", (person_id,))
    return _person(row) if row else None


async def find(
    db: Database, org_id: int, name_key: str, *, kind: str | None = None, status: str = "active",
) -> list[Person]:
    sql = _PERSON_SELECT + " WHERE p.home_org_id = ? AND p.name_key = ? AND p.status = ?"
    params: list[Any] = [org_id, name_key, status]
    if kind:
        sql += " AND p.kind = ?"
        params.append(kind)
    rows = await db.fetchall(sql + " ORDER BY p.id", params)
    return [_person(row) for row in rows]


async def find_prefix(db: Database, org_id: int, name_key: str, *, kind: str) -> list[Person]:
    """Persons whose name starts with the given words («иванова мария» finds the patronymic too)."""
    rows = await db.fetchall(
        _PERSON_SELECT + " WHERE p.home_org_id = ? AND p.kind = ? AND p.status = 'active'"
        " AND (p.name_key = ? OR p.name_key LIKE ? ESCAPE '\\') ORDER BY p.id",
        (org_id, kind, name_key, name_key.replace("%", "\\%").replace("_", "\\_") + " %"),
    )
    return [_person(row) for row in rows]


async def by_vk(db: Database, vk_id: int) -> list[Person]:
    async def load() -> tuple[Person, ...]:
        rows = await db.fetchall(_PERSON_SELECT + " WHERE p.vk_id = ? AND p.status = 'active' ORDER BY p.id", (vk_id,))
        return tuple(_person(row) for row in rows)

    return list(await db.cached(by_vk_key(vk_id), load))


def by_vk_key(vk_id: int) -> tuple[str, int]:
    """The read model of a VK account's roster entries (also filled in bulk: bot/repo/chat_people.py)."""
    return ("person.by_vk", vk_id)


async def vk_id_of(db: Database, person_id: int, *, active_only: bool = True) -> int | None:
    """The person's VK account (None when unlinked, or not active while ``active_only``). Asked
    for a chat's leader about every author a chat has not seen yet: kept in memory until the
    person table changes."""

    async def load() -> int | None:
        if active_only:
            return await db.fetchval("SELECT vk_id FROM person WHERE id = ? AND status = 'active'", (person_id,))
        return await db.fetchval("SELECT vk_id FROM person WHERE id = ?", (person_id,))

    value: int | None = await db.cached(("person.vk_id_of", person_id, active_only), load)
    return value


async def id_in_org_by_vk(db: Database, org_id: int, vk_id: int) -> int | None:
    """The school's active person with this VK account, a staff entry first."""
    row = await db.fetchone(
        "SELECT id FROM person WHERE vk_id = ? AND home_org_id = ? AND status = 'active' ORDER BY kind = 'staff' DESC",
        (vk_id, org_id))
    return row[0] if row else None


async def other_with_vk(db: Database, org_id: int, kind: str, vk_id: int, except_id: int) -> int | None:
    """Another entry of the same kind in the school already linked to this VK account."""
    return await db.fetchval(
        "SELECT id FROM person WHERE home_org_id = ? AND kind = ? AND vk_id = ? AND id != ?",
        (org_id, kind, vk_id, except_id),
    )


async def active_staff_ids(db: Database, org_id: int | None) -> frozenset[int]:
    async def load() -> frozenset[int]:
        rows = await db.fetchall(
            "SELECT id FROM person WHERE home_org_id = ? AND status = 'active' AND kind = 'staff'", (org_id,))
        return frozenset(row[0] for row in rows)

    return await db.cached(("person.staff_ids", org_id), load)


async def create(
    db: Database, *, org_id: int, kind: str, full_name: str, name_key: str, now: int,
    vk_id: int | None = None, position: str | None = None,
) -> int:
    return await db.execute(
        "INSERT INTO person (home_org_id, kind, full_name, name_key, vk_id, position, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (org_id, kind, full_name, name_key, vk_id, position, now, now),
    )


async def create_student(
    db: Database, *, org_id: int, full_name: str, name_key: str, class_id_: int, mode: str, now: int,
) -> int:
    async with db.transaction():
        person_id = await create(db, org_id=org_id, kind="student", full_name=full_name, name_key=name_key, now=now)
        await db.execute(
            "INSERT INTO student (person_id, class_id, mode) VALUES (?, ?, ?)", (person_id, class_id_, mode)
        )
        return person_id


async def set_class(db: Database, person_id: int, class_id_: int | None, now: int) -> None:
    await db.execute("UPDATE student SET class_id = ? WHERE person_id = ?", (class_id_, person_id))
    await db.execute("UPDATE person SET updated_at = ? WHERE id = ?", (now, person_id))


async def set_mode(db: Database, person_id: int, mode: str, now: int) -> None:
    await db.execute("UPDATE student SET mode = ? WHERE person_id = ?", (mode, person_id))
    await db.execute("UPDATE person SET updated_at = ? WHERE id = ?", (now, person_id))


async def set_status(db: Database, person_id: int, status: str, now: int) -> None:
    await db.execute("UPDATE person SET status = ?, updated_at = ? WHERE id = ?", (status, now, person_id))


async def link_vk(db: Database, person_id: int, vk_id: int, now: int) -> None:
    await db.execute("UPDATE person SET vk_id = ?, updated_at = ? WHERE id = ?", (vk_id, now, person_id))


async def link_child(db: Database, parent_id: int, child_id: int) -> bool:
    cursor_rows = await db.execute_rowcount(
        "INSERT OR IGNORE INTO parent_child (parent_id, child_id) VALUES (?, ?)", (parent_id, child_id)
    )
    return bool(cursor_rows)


async def children(db: Database, parent_id: int) -> list[Person]:
    rows = await db.fetchall(
        _PERSON_SELECT + " JOIN parent_child pc ON pc.child_id = p.id WHERE pc.parent_id = ? ORDER BY p.id",
        (parent_id,),
    )
    return [_person(row) for row in rows]


async def parents(db: Database, child_id: int) -> list[Person]:
    rows = await db.fetchall(
        _PERSON_SELECT + " JOIN parent_child pc ON pc.parent_id = p.id WHERE pc.child_id = ?"
        " AND p.status = 'active' ORDER BY p.id",
        (child_id,),
    )
    return [_person(row) for row in rows]


async def students_of_class(db: Database, class_id_: int) -> list[Person]:
    rows = await db.fetchall(
        _PERSON_SELECT + " WHERE s.class_id = ? AND p.status = 'active' ORDER BY p.full_name", (class_id_,)
    )
    return [_person(row) for row in rows]


async def unlinked_counts(db: Database, org_id: int) -> dict[str, int]:
    """Active persons without a VK account, by kind (kinds with none are absent)."""
    rows = await db.fetchall(
        "SELECT kind, COUNT(*) FROM person WHERE home_org_id = ? AND status = 'active' AND vk_id IS NULL"
        " GROUP BY kind", (org_id,))
    return {row[0]: row[1] for row in rows}


async def counts(db: Database, org_id: int) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT kind, COUNT(*), SUM(vk_id IS NOT NULL) FROM person WHERE home_org_id = ? AND status = 'active'"
        " GROUP BY kind",
        (org_id,),
    )
    result = {"student": 0, "parent": 0, "staff": 0, "linked": 0}
    for kind, total, linked in rows:
        result[kind] = total
        result["linked"] += linked or 0
    result["classes"] = await db.fetchval(
        "SELECT COUNT(*) FROM class_group WHERE org_id = ? AND status = 'active'", (org_id,)
    )
    return result


# -- roster events ------------------------------------------------------------------------


async def record_event(
    db: Database, *, org_id: int, kind: str, now: int, person_id: int | None = None,
    from_class: int | None = None, to_class: int | None = None, actor_vk: int | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    return await db.execute(
        "INSERT INTO roster_event (org_id, person_id, kind, from_class_id, to_class_id, details, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (org_id, person_id, kind, from_class, to_class, json.dumps(details or {}, ensure_ascii=False),
         actor_vk, now),
    )


async def claim_events(db: Database, token: str, *, until: int, now: int, limit: int) -> list[dict[str, Any]]:
    """Mark up to ``limit`` unconsumed events, unclaimed or whose claim lapsed, with ``token``;
    returns every unconsumed event holding the token. Run it inside a transaction."""
    await db.execute(
        "UPDATE roster_event SET claim_token = ?, claimed_until = ? WHERE id IN ("
        " SELECT id FROM roster_event WHERE consumed_at IS NULL"
        " AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY id LIMIT ?)",
        (token, until, now, limit))
    rows = await db.fetchall(
        "SELECT * FROM roster_event WHERE claim_token = ? AND consumed_at IS NULL ORDER BY id", (token,))
    return [dict(row) for row in rows]


async def consume_events(db: Database, event_ids: list[int], now: int) -> None:
    await db.executemany("UPDATE roster_event SET consumed_at = ?, claim_token = NULL,"
                         " claimed_until = NULL WHERE id = ?", [(now, event_id) for event_id in event_ids])


async def events(db: Database, org_id: int, *, pending_only: bool = False) -> list[dict[str, Any]]:
    sql = "SELECT * FROM roster_event WHERE org_id = ?"
    if pending_only:
        sql += " AND consumed_at IS NULL"
    rows = await db.fetchall(sql + " ORDER BY id", (org_id,))
    return [dict(row) for row in rows]


# -- import: snapshot and apply -----------------------------------------------------------


async def snapshot(db: Database, org_id: int) -> RosterSnapshot:
    rows = await db.fetchall(
        _PERSON_SELECT + " WHERE p.home_org_id = ? AND p.status = 'active' ORDER BY p.id", (org_id,))
    people = [_person(row) for row in rows]
    by_id = {p.id: p for p in people}
    kids: dict[int, set[str]] = {}
    for parent_id, child_id in await db.fetchall(
        "SELECT pc.parent_id, pc.child_id FROM parent_child pc JOIN person p ON p.id = pc.parent_id"
        " WHERE p.home_org_id = ?",
        (org_id,),
    ):
        child = by_id.get(child_id)
        if child is not None:
            kids.setdefault(parent_id, set()).add(child.name_key)
    roles: dict[int, set[RoleSpec]] = {}
    for person_id, role, grade, letter, subject in await db.fetchall(
        "SELECT g.person_id, g.role, c.grade, c.letter, g.subject FROM role_grant g"
        " LEFT JOIN class_group c ON c.id = g.class_id WHERE g.org_id = ? AND g.revoked_at IS NULL",
        (org_id,),
    ):
        cls = ClassName(grade, letter) if grade is not None else None
        roles.setdefault(person_id, set()).add(RoleSpec(role, cls, subject))
    persons = tuple(
        CurrentPerson(
            person_id=p.id, kind=p.kind, name_key=p.name_key, display_name=p.full_name,
            class_name=_parse_class_str(p.class_name), mode=p.mode,
            children_keys=frozenset(kids.get(p.id, ())), roles=frozenset(roles.get(p.id, ())),
        )
        for p in people
    )
    return RosterSnapshot(persons)


def _parse_class_str(value: str | None) -> ClassName | None:
    if not value:
        return None
    return ClassName(int(value[:-1]), value[-1])


async def apply_plan(db: Database, org_id: int, plan: ImportPlan, *, actor_vk: int | None, now: int) -> dict[str, int]:
    """Apply every operation of the plan in one transaction; roster events are recorded."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    refs: dict[NewRef, int] = {}
    done: dict[str, int] = {}

    def resolve(ref: int | NewRef) -> int:
        return refs[ref] if isinstance(ref, NewRef) else ref

    async with db.transaction():
        for op in plan.operations:
            done[type(op).__name__] = done.get(type(op).__name__, 0) + 1
            if isinstance(op, AddStudent):
                cid = await ensure_class(db, org_id, op.class_name, now)
                refs[op.ref] = await create_student(
                    db, org_id=org_id, full_name=op.name, name_key=op.name_key, class_id_=cid, mode=op.mode, now=now,
                )
                await record_event(db, org_id=org_id, kind="enrol", person_id=refs[op.ref], to_class=cid,
                                   actor_vk=actor_vk, now=now)
            elif isinstance(op, MoveStudent):
                old = await class_id(db, org_id, op.old_class) if op.old_class else None
                new = await ensure_class(db, org_id, op.new_class, now)
                await set_class(db, op.person_id, new, now)
                await record_event(db, org_id=org_id, kind="transfer", person_id=op.person_id, from_class=old,
                                   to_class=new, actor_vk=actor_vk, now=now)
            elif isinstance(op, ChangeMode):
                await set_mode(db, op.person_id, op.new_mode, now)
                await record_event(db, org_id=org_id, kind="mode", person_id=op.person_id, actor_vk=actor_vk,
                                   now=now, details={"from": op.old_mode, "to": op.new_mode})
            elif isinstance(op, ExpelStudent):
                old = await class_id(db, org_id, op.class_name) if op.class_name else None
                await set_status(db, op.person_id, "expelled", now)
                await record_event(db, org_id=org_id, kind="expel", person_id=op.person_id, from_class=old,
                                   actor_vk=actor_vk, now=now)
            elif isinstance(op, AddParent):
                refs[op.ref] = await create(db, org_id=org_id, kind="parent", full_name=op.name,
                                            name_key=op.name_key, now=now)
            elif isinstance(op, LinkChild):
                parent_id, child_id = resolve(op.parent), resolve(op.child)
                if await link_child(db, parent_id, child_id):
                    await record_event(db, org_id=org_id, kind="parent_link", person_id=parent_id,
                                       actor_vk=actor_vk, now=now, details={"child": child_id})
            elif isinstance(op, AddStaff):
                refs[op.ref] = await create(db, org_id=org_id, kind="staff", full_name=op.name,
                                            name_key=op.name_key, position=op.position, now=now)
            elif isinstance(op, GrantRole):
                await _grant_role(db, org_id, resolve(op.person), op.role, actor_vk, now)
            elif isinstance(op, RevokeRole):
                await _revoke_role(db, org_id, op.person_id, op.role, actor_vk, now)
            else:  # pragma: no cover - a new operation type must be handled here
                raise TypeError(f"unknown operation {op!r}")
    return done


async def _grant_role(db: Database, org_id: int, person_id: int, spec: RoleSpec, actor_vk: int | None, now: int) -> None:
    from bot.repo import roles

    cid = await ensure_class(db, org_id, spec.class_name, now) if spec.class_name else None
    await roles.grant(db, person_id=person_id, org_id=org_id, role=spec.role, class_id=cid,
                      subject=spec.subject, order_no=None, order_date=None, granted_by=actor_vk, now=now)


async def _revoke_role(db: Database, org_id: int, person_id: int, spec: RoleSpec, actor_vk: int | None, now: int) -> None:
    cid = await class_id(db, org_id, spec.class_name) if spec.class_name else None
    await db.execute(
        "UPDATE role_grant SET revoked_at = ?, revoked_by = ?, revoke_basis = 'импорт списка'"
        " WHERE person_id = ? AND org_id = ? AND role = ? AND class_id IS ? AND subject IS ? AND revoked_at IS NULL",
        (now, actor_vk, person_id, org_id, spec.role, cid, spec.subject),
    )


async def names_by_vk(db: Database, vk_ids: list[int]) -> dict[int, str]:
    """Roster names (full, as the school wrote them) of active people linked to these VK accounts."""
    found: dict[int, str] = {}
    for start in range(0, len(vk_ids), 500):
        chunk = [int(v) for v in vk_ids[start:start + 500]]
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            f"SELECT vk_id, full_name FROM person WHERE vk_id IN ({marks}) AND status = 'active'"
            " ORDER BY kind = 'staff'", tuple(chunk))
        for vk_id, full_name in rows:
            found[int(vk_id)] = str(full_name)  # a staff entry last: it wins
    return found
