"""Organisations: regions, municipalities, schools and other organisations."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database


@dataclass(frozen=True)
class Org:
    id: int
    kind: str
    code: str
    name: str
    parent_id: int | None
    timezone: str
    last_grade: int
    site_domain: str | None


_COLUMNS = "id, kind, code, name, parent_id, timezone, last_grade, site_domain"


def _org(row) -> Org:
    return Org(*row)


async def create(
    db: Database, *, kind: str, code: str, name: str, parent_id: int | None, timezone: str,
    created_by: int | None, now: int, last_grade: int = 11, site_domain: str | None = None,
) -> Org:
    org_id = await db.execute(
        "INSERT INTO org (kind, code, name, parent_id, timezone, last_grade, site_domain, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, code.lower(), name, parent_id, timezone, last_grade, site_domain, created_by, now),
    )
    org = await get(db, org_id)
    assert org is not None
    return org


async def get(db: Database, org_id: int) -> Org | None:
    async def load() -> Org | None:
        row = await db.fetchone(f"SELECT {_COLUMNS} FROM org WHERE id = ?", (org_id,))
        return _org(row) if row else None

    return await db.cached(("org.get", org_id), load)


async def name_of(db: Database, org_id: int | None) -> str | None:
    return await db.fetchval("SELECT name FROM org WHERE id = ?", (org_id,))


async def by_code(db: Database, code: str) -> Org | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM org WHERE code = ?", (code.lower(),))
    return _org(row) if row else None


async def ancestors(db: Database, org_id: int) -> list[int]:
    """Ids of the org's parents, nearest first (not including the org)."""

    async def load() -> tuple[int, ...]:
        rows = await db.fetchall(
            "WITH RECURSIVE up(id, parent_id, depth) AS ("
            " SELECT id, parent_id, 0 FROM org WHERE id = ?"
            " UNION ALL SELECT org.id, org.parent_id, up.depth + 1 FROM org JOIN up ON org.id = up.parent_id)"
            " SELECT id FROM up WHERE depth > 0 ORDER BY depth",
            (org_id,),
        )
        return tuple(row[0] for row in rows)

    return list(await db.cached(("org.ancestors", org_id), load))


async def descendants(db: Database, org_id: int, kind: str | None = None) -> list[Org]:
    rows = await db.fetchall(
        "WITH RECURSIVE down(id) AS ("
        " SELECT id FROM org WHERE parent_id = ?"
        " UNION ALL SELECT org.id FROM org JOIN down ON org.parent_id = down.id)"
        f" SELECT {_COLUMNS} FROM org WHERE id IN (SELECT id FROM down)"
        + (" AND kind = ?" if kind else "") + " ORDER BY name",
        (org_id, kind) if kind else (org_id,),
    )
    return [_org(row) for row in rows]


async def all_of_kind(db: Database, kind: str) -> list[Org]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM org WHERE kind = ? ORDER BY name", (kind,))
    return [_org(row) for row in rows]
