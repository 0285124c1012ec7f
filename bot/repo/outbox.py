"""Recorded actions (the outbox): written with the event's transaction, performed afterwards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.db import Database


@dataclass(frozen=True)
class Recorded:
    id: int
    event_id: str
    seq: int
    lane: int
    kind: str
    peer_id: int | None
    params: dict[str, Any]
    attempts: int


async def record(db: Database, *, event_id: str, seq: int, lane: int, kind: str, peer_id: int | None,
                 params: dict[str, Any], now: int) -> int | None:
    """Insert once per (event_id, seq); a re-run of the same handler records nothing new."""
    return await db.execute_insert_ignore(
        "INSERT OR IGNORE INTO action (event_id, seq, lane, kind, peer_id, params, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (event_id, seq, lane, kind, peer_id, json.dumps(params, ensure_ascii=False), now),
    )


def _row(row: Any) -> Recorded:
    return Recorded(int(row[0]), str(row[1]), int(row[2]), int(row[3]), str(row[4]),
                    None if row[5] is None else int(row[5]), json.loads(row[6]), int(row[7]))


async def pending(db: Database, *, after_id: int = 0, limit: int = 1000) -> list[Recorded]:
    rows = await db.fetchall(
        "SELECT id, event_id, seq, lane, kind, peer_id, params, attempts FROM action"
        " WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?", (after_id, limit))
    return [_row(r) for r in rows]


async def mark_done(db: Database, action_ids: list[int], now: int) -> None:
    # texts are not kept once delivered
    marks = ",".join("?" * len(action_ids))
    await db.execute("UPDATE action SET status = 'done', done_at = ?, attempts = attempts + 1, params = '{}'"
                     f" WHERE id IN ({marks})", (now, *action_ids))


async def mark_failed(db: Database, action_id: int, now: int, code: int) -> None:
    await db.execute("UPDATE action SET status = 'failed', done_at = ?, attempts = attempts + 1, error = ?,"
                     " params = '{}' WHERE id = ?", (now, code, action_id))


async def count_attempt(db: Database, action_id: int) -> None:
    await db.execute("UPDATE action SET attempts = attempts + 1 WHERE id = ?", (action_id,))


async def prune(db: Database, *, older_than: int) -> int:
    return await db.execute_rowcount("DELETE FROM action WHERE status != 'pending' AND done_at < ?", (older_than,))


async def cancel_event(db: Database, event_id: str, now: int, code: int) -> list[int]:
    """Cancel what an event recorded and has not yet performed (its decision could not be carried
    out); returns the cancelled ids."""
    async with db.transaction():
        rows = await db.fetchall("SELECT id FROM action WHERE event_id = ? AND status = 'pending'", (event_id,))
        await db.execute("UPDATE action SET status = 'failed', error = ?, done_at = ?, params = '{}'"
                         " WHERE event_id = ? AND status = 'pending'", (code, now, event_id))
    return [int(r[0]) for r in rows]


async def recorded_for(db: Database, event_id: str) -> bool:
    """Whether handling this event already recorded an action."""
    return await db.fetchval("SELECT 1 FROM action WHERE event_id = ? LIMIT 1", (event_id,)) is not None
