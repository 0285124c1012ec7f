"""Role grants: person x organisation x role, with the basis (order) and history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.db import Database


@dataclass(frozen=True)
class Grant:
    id: int
    person_id: int
    org_id: int
    role: str
    class_id: int | None
    subject: str | None
    order_no: str | None
    order_date: str | None
    granted_by: int | None
    granted_at: int


class RoleScope(NamedTuple):
    """What a grant lets a person lead or join: the role, and its class or subject if any."""
    person_id: int
    role: str
    class_id: int | None
    subject: str | None


class ClassTeacher(NamedTuple):
    person_id: int
    vk_id: int | None
    full_name: str


COLUMNS = _COLUMNS = "g.id, g.person_id, g.org_id, g.role, g.class_id, g.subject, g.order_no, g.order_date, g.granted_by, g.granted_at"


async def active_for_vk(db: Database, vk_id: int) -> list[Grant]:
    async def load() -> tuple[Grant, ...]:
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM role_grant g JOIN person p ON p.id = g.person_id"
            " WHERE p.vk_id = ? AND g.revoked_at IS NULL AND p.status = 'active' ORDER BY g.id",
            (vk_id,),
        )
        return tuple(Grant(*row) for row in rows)

    return list(await db.cached(by_vk_key(vk_id), load))


def by_vk_key(vk_id: int) -> tuple[str, int]:
    """The read model of a VK account's roles (also filled in bulk: bot/repo/chat_people.py)."""
    return ("grant.by_vk", vk_id)


async def active_in_org(db: Database, org_id: int, roles: tuple[str, ...] | None = None) -> list[Grant]:
    sql = f"SELECT {_COLUMNS} FROM role_grant g WHERE g.org_id = ? AND g.revoked_at IS NULL"
    params: list = [org_id]
    if roles:
        sql += f" AND g.role IN ({','.join('?' * len(roles))})"
        params.extend(roles)
    rows = await db.fetchall(sql + " ORDER BY g.granted_at", params)
    return [Grant(*row) for row in rows]


async def grant(
    db: Database, *, person_id: int, org_id: int, role: str, class_id: int | None = None,
    subject: str | None = None, order_no: str | None = None, order_date: str | None = None,
    granted_by: int | None, now: int,
) -> int | None:
    """Grant a role unless an identical active grant exists; returns the new id or None."""
    async with db.transaction():
        existing = await db.fetchval(
            "SELECT id FROM role_grant WHERE person_id = ? AND org_id = ? AND role = ?"
            " AND class_id IS ? AND subject IS ? AND revoked_at IS NULL",
            (person_id, org_id, role, class_id, subject),
        )
        if existing:
            return None
        return await db.execute(
            "INSERT INTO role_grant (person_id, org_id, role, class_id, subject, order_no, order_date,"
            " granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (person_id, org_id, role, class_id, subject, order_no, order_date, granted_by, now),
        )


async def revoke(
    db: Database, *, person_id: int, org_id: int, role: str, revoked_by: int | None,
    basis: str | None, now: int,
) -> int:
    return await db.execute_rowcount(
        "UPDATE role_grant SET revoked_at = ?, revoked_by = ?, revoke_basis = ?"
        " WHERE person_id = ? AND org_id = ? AND role = ? AND revoked_at IS NULL",
        (now, revoked_by, basis, person_id, org_id, role),
    )


async def active_for_person(db: Database, person_id: int) -> list[Grant]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM role_grant g WHERE g.person_id = ? AND g.revoked_at IS NULL", (person_id,)
    )
    return [Grant(*row) for row in rows]


async def scopes_in_org(db: Database, org_id: int | None, roles: tuple[str, ...]) -> list[RoleScope]:
    """Active grants of these roles in the org, held by active persons."""
    marks = ",".join("?" * len(roles))

    async def load() -> tuple[RoleScope, ...]:
        rows = await db.fetchall(
            f"SELECT g.person_id, g.role, g.class_id, g.subject FROM role_grant g JOIN person p ON p.id = g.person_id"
            f" WHERE g.org_id = ? AND g.revoked_at IS NULL AND p.status = 'active' AND g.role IN ({marks})",
            (org_id, *roles),
        )
        return tuple(RoleScope(*row) for row in rows)

    return list(await db.cached(("grant.scopes_in_org", org_id, roles), load))


async def scopes_of_person(db: Database, person_id: int, org_id: int | None, roles: tuple[str, ...]) -> list[RoleScope]:
    """The person's active grants of these roles in the org (none once the person is not active)."""
    marks = ",".join("?" * len(roles))

    async def load() -> tuple[RoleScope, ...]:
        rows = await db.fetchall(
            f"SELECT g.person_id, g.role, g.class_id, g.subject FROM role_grant g JOIN person p ON p.id = g.person_id"
            f" WHERE g.person_id = ? AND g.org_id = ? AND g.revoked_at IS NULL AND p.status = 'active'"
            f" AND g.role IN ({marks})", (person_id, org_id, *roles))
        return tuple(RoleScope(*row) for row in rows)

    return list(await db.cached(("grant.scopes_of_person", person_id, org_id, roles), load))


async def class_teacher(db: Database, org_id: int, class_id: int) -> ClassTeacher | None:
    """The class's active class teacher (the latest grant)."""
    row = await db.fetchone(
        "SELECT p.id, p.vk_id, p.full_name FROM role_grant g JOIN person p ON p.id = g.person_id"
        " WHERE g.org_id = ? AND g.role = 'class_teacher' AND g.class_id = ? AND g.revoked_at IS NULL"
        " AND p.status = 'active' ORDER BY g.id DESC", (org_id, class_id))
    return ClassTeacher(*row) if row else None
