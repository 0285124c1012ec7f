"""Event inbox and key-value runtime state (the long-poll position)."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Database


async def get_kv(db: Database, key: str) -> str | None:
    return await db.fetchval("SELECT value FROM kv WHERE key = ?", (key,))


_SET_KV = "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


async def set_kv(db: Database, key: str, value: str) -> None:
    await db.execute(_SET_KV, (key, value))


async def delete_kv(db: Database, key: str) -> None:
    await db.execute("DELETE FROM kv WHERE key = ?", (key,))


def clean(value: Any) -> Any:
    """Any string VK may deliver, made storable: lone surrogates (a cut emoji) and other text
    that is not valid UTF-8 are replaced, so one odd character never stalls the inbox."""
    if isinstance(value, str):
        if "\ue000" in value or "\ue001" in value:  # reserved for the bot's name placeholders
            value = value.replace("\ue000", "").replace("\ue001", "")
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def _cleaned(update: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The update made storable and its JSON; almost every update already is (one serialisation,
    no walk through it)."""
    payload = json.dumps(update, ensure_ascii=False)
    if "\ue000" not in payload and "\ue001" not in payload:
        try:
            payload.encode("utf-8")
            return update, payload
        except UnicodeEncodeError:
            pass
    update = clean(update)
    return update, json.dumps(update, ensure_ascii=False)


async def accept_batch(
    db: Database, updates: list[dict[str, Any]], *, ts_key: str | None, ts: str | None, now: int,
    peer_of: Any = None,
) -> list[dict[str, Any]]:
    """Record new events (and the poll position) in one transaction; return the new ones,
    cleaned (see ``clean``). Malformed updates (not an object) are dropped with a log line."""
    accepted: list[tuple[dict[str, Any], int | None]] = []  # (update, its statement), in arrival order
    statements: list[tuple[str, Any]] = []
    for update in updates:
        if not isinstance(update, dict):
            continue
        update, payload = _cleaned(update)
        event_id = str(update.get("event_id") or "")
        if not event_id:
            accepted.append((update, None))
            continue
        accepted.append((update, len(statements)))
        statements.append((
            "INSERT OR IGNORE INTO inbox (event_id, payload, received_at, peer_id) VALUES (?, ?, ?, ?)",
            (event_id, payload, now, peer_of(update) if peer_of else None)))
    if ts_key is not None and ts is not None:
        statements.append((_SET_KV, (ts_key, str(ts))))
    inserted = await db.batch(statements) if statements else []  # one transaction, one round trip
    # a duplicate (already in the inbox) is not new
    return [update for update, index in accepted if index is None or inserted[index]]


_CLAIM = ("UPDATE inbox SET status = 'done', done_at = ?, attempts = attempts + 1, payload = '{}'"
          " WHERE event_id = ? AND status = 'pending'")


async def claim(db: Database, event_id: str, now: int) -> None:
    """Mark a pending event done with the unit's other writes (``Database.unit``); the unit is
    void (``AlreadyClaimed``) if the event was not pending any more."""
    await db.defer(_CLAIM, (now, event_id), claim=True)


async def claim_now(db: Database, event_id: str, now: int) -> bool:
    """Mark a pending event done inside an ordinary transaction; False if it was not pending."""
    return bool(await db.execute_rowcount(_CLAIM, (now, event_id)))


async def is_pending(db: Database, event_id: str) -> bool:
    return await db.fetchval("SELECT 1 FROM inbox WHERE event_id = ? AND status = 'pending'", (event_id,)) is not None


async def mark_done(db: Database, event_id: str, now: int) -> None:
    await db.execute(
        "UPDATE inbox SET status = 'done', done_at = ?, attempts = attempts + 1, "
        "payload = '{}' WHERE event_id = ?",
        (now, event_id),
    )


async def mark_failed_attempt(db: Database, event_id: str, *, max_attempts: int) -> None:
    # a given-up event keeps no payload: message texts are not stored beyond handling
    await db.execute(
        "UPDATE inbox SET attempts = attempts + 1,"
        " status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE status END,"
        " payload = CASE WHEN attempts + 1 >= ? THEN '{}' ELSE payload END WHERE event_id = ?",
        (max_attempts, max_attempts, event_id),
    )


async def park(db: Database, event_id: str, *, attempts: int, error: str, now: int) -> None:
    """A poison event: kept as failed with its id and the error's type, never its text."""
    await db.execute(
        "UPDATE inbox SET status = 'failed', attempts = attempts + ?, error = ?, done_at = ?, payload = '{}'"
        " WHERE event_id = ?", (attempts, error[:100], now, event_id))


async def pending(db: Database) -> list[dict[str, Any]]:
    rows = await db.fetchall(
        "SELECT payload FROM inbox WHERE status = 'pending' ORDER BY received_at, rowid"
    )
    return [json.loads(row[0]) for row in rows]


async def oldest_pending_at(db: Database) -> int | None:
    """When the longest-waiting pending event arrived (None when nothing waits)."""
    return await db.fetchval("SELECT MIN(received_at) FROM inbox WHERE status = 'pending'")


async def pending_of_peer(db: Database, peer_id: int, limit: int) -> list[dict[str, Any]]:
    """The next pending events of one conversation, in arrival order."""
    rows = await db.fetchall(
        "SELECT payload FROM inbox WHERE status = 'pending' AND peer_id = ? ORDER BY received_at, rowid LIMIT ?",
        (peer_id, limit))
    return [json.loads(row[0]) for row in rows]


async def prune(db: Database, *, older_than: int) -> int:
    return await db.execute_rowcount(
        "DELETE FROM inbox WHERE status != 'pending' AND received_at < ?", (older_than,)
    )
