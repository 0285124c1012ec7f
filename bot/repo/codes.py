"""One-time join codes handed out on paper, and the guesses made at them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.db import Database


@dataclass(frozen=True)
class JoinCode:
    id: int
    person_id: int
    expires_at: int
    used_at: int | None
    used_by_vk: int | None


async def add(db: Database, *, person_id: int, code_hash: str, expires_at: int, created_by: int, now: int,
              class_id: int | None) -> int:
    """``class_id``: the class sheet the code was printed on (None: the staff sheet)."""
    return await db.execute(
        "INSERT INTO join_code (person_id, code_hash, expires_at, created_by, created_at, class_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (person_id, code_hash, expires_at, created_by, now, class_id),
    )


async def by_hash(db: Database, code_hash: str) -> JoinCode | None:
    row = await db.fetchone(
        "SELECT id, person_id, expires_at, used_at, used_by_vk FROM join_code WHERE code_hash = ?", (code_hash,)
    )
    return JoinCode(*row) if row else None


async def holding_valid(db: Database, person_ids: Iterable[int], class_id: int | None, now: int) -> set[int]:
    """Who of ``person_ids`` holds a code of this sheet (a class, or None: staff) that still works:
    not redeemed and not expired. Printing the sheet again must not kill those codes."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"SELECT DISTINCT person_id FROM join_code WHERE person_id IN ({marks}) AND used_at IS NULL"
        " AND expires_at > ? AND class_id IS ?", (*ids, now, class_id))
    return {int(row[0]) for row in rows}


async def drop_older(db: Database, kept: Iterable[tuple[int | None, str]]) -> None:
    """For each (person id, hash of the code kept): the person's other unused codes of the kept
    code's class stop working (a sheet of another class stays valid)."""
    await db.executemany(
        "DELETE FROM join_code WHERE person_id = ? AND used_at IS NULL AND code_hash != ?"
        " AND class_id IS (SELECT class_id FROM join_code WHERE code_hash = ?)",
        [(person_id, code_hash, code_hash) for person_id, code_hash in kept])


async def drop_unused(db: Database, code_hashes: Iterable[str]) -> None:
    await db.executemany(
        "DELETE FROM join_code WHERE code_hash = ? AND used_at IS NULL", [(h,) for h in code_hashes])


async def use(db: Database, code_id: int, *, vk_id: int, now: int) -> bool:
    """Mark an unused code used by this account; False when it was already used."""
    count = await db.execute_rowcount(
        "UPDATE join_code SET used_at = ?, used_by_vk = ? WHERE id = ? AND used_at IS NULL",
        (now, vk_id, code_id),
    )
    return bool(count)


# -- guesses --------------------------------------------------------------------------------


async def attempts_since(db: Database, vk_id: int, since: int) -> int:
    return await db.fetchval("SELECT COUNT(*) FROM code_attempt WHERE vk_id = ? AND at > ?", (vk_id, since))


async def add_attempt(db: Database, vk_id: int, at: int) -> int:
    return await db.execute("INSERT INTO code_attempt (vk_id, at) VALUES (?, ?)", (vk_id, at))


async def drop_attempt(db: Database, attempt_id: int) -> None:
    await db.execute("DELETE FROM code_attempt WHERE rowid = ?", (attempt_id,))
