"""Event inbox and key-value runtime state (the long-poll position)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import msgspec

from bot.db import Database, bulk_form


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


_INSERT_ONE = "INSERT OR IGNORE INTO inbox (event_id, payload, received_at, peer_id) VALUES (?, ?, ?, ?)"
_SEEN = "SELECT event_id FROM inbox WHERE event_id IN (SELECT value ->> 0 FROM json_each(?))"
# every new event of a long-poll answer in one statement over one JSON array of
# [event id, the update, its peer]: SQLite stores them all in one step, without the interpreter lock
_ACCEPT = ("INSERT OR IGNORE INTO inbox (event_id, payload, received_at, peer_id)"
           " SELECT value ->> 0, value -> 1, ?, value ->> 2 FROM json_each(?) WHERE value ->> 0 != ''")


_ENCODER = msgspec.json.Encoder()
_MARKERS = ("\ue000".encode(), "\ue001".encode())  # the bot's name placeholders (see ``clean``)


def _json(value: Any) -> str:
    """msgspec's JSON as text (a number read as infinity is null: JSON has no other)."""
    return _ENCODER.encode(value).decode("utf-8")


def _storable(rows: list[list[Any]]) -> str | None:
    """The rows' JSON when every string in them is storable as it is (almost always: one
    serialisation, no walk through the updates; msgspec's is seven times faster than ``json``'s
    and refuses a string that is not valid text); else None."""
    try:
        data = _ENCODER.encode(rows)
    except (UnicodeEncodeError, msgspec.MsgspecError, TypeError, OverflowError):
        return None
    if _MARKERS[0] in data or _MARKERS[1] in data:
        return None
    return data.decode("utf-8")


async def accept_batch(
    db: Database, updates: list[dict[str, Any]], *, ts_key: str | None, ts: str | None, now: int,
    peer_of: Any = None,
) -> list[dict[str, Any]]:
    """Record new events (and the poll position) in one transaction; return the new ones,
    cleaned (see ``clean``), in arrival order. Updates that are not an object are dropped; one
    already in the inbox, or given twice in the batch, is not new."""
    rows: list[list[Any]] = []
    given: set[str] = set()
    for update in updates:
        if not isinstance(update, dict):
            continue
        event_id = str(update.get("event_id") or "")
        if event_id in given:
            continue
        if event_id:
            given.add(event_id)
        rows.append([event_id, update, peer_of(update) if peer_of else None])
    text = _storable(rows)
    if text is None:
        for row in rows:
            row[1] = clean(row[1])
            row[0] = str(row[1].get("event_id") or "")
        text = _json(rows)
    position = [(_SET_KV, (ts_key, str(ts)))] if ts_key is not None and ts is not None else []
    if any("\x00" in row[0] for row in rows):
        # SQLite's ->> would cut an id at a NUL: such a batch is stored a row at a time, as given
        return await _row_by_row(db, rows, position, now)
    statements: list[tuple[str, Any]] = ([(_ACCEPT, (now, text))] if given else []) + position
    if not statements:
        return [row[1] for row in rows]
    try:
        seen, _counts = await db.batch_after((_SEEN, (text,)), statements)  # one transaction, one round trip
    except sqlite3.OperationalError:
        # whatever SQLite refused in the one statement (its JSON reader's limits among them): the
        # batch is tried a row at a time, so that one odd event never blocks the rest for ever
        return await _row_by_row(db, rows, position, now)
    known = {row[0] for row in seen}
    # an update without an id cannot be recognised again: handed on as it is, never stored
    return [row[1] for row in rows if not row[0] or row[0] not in known]


async def _row_by_row(db: Database, rows: list[list[Any]], position: list[tuple[str, Any]],
                      now: int) -> list[dict[str, Any]]:
    """``accept_batch`` with one bound INSERT per event (the new ones are those it inserted)."""
    stored = [row for row in rows if row[0]]
    counts = await db.batch([(_INSERT_ONE, (row[0], _json(row[1]), now, row[2])) for row in stored] + position)
    fresh = {id(row) for row, count in zip(stored, counts) if count}
    return [row[1] for row in rows if not row[0] or id(row) in fresh]


_CLAIM = ("UPDATE inbox SET status = 'done', done_at = ?, attempts = attempts + 1, payload = '{}'"
          " WHERE event_id = ? AND status = 'pending'")
# many units' claims at once: an event given twice is done once, so fewer rows change than given
# and the group commit goes unit by unit (as with one UPDATE per claim)
bulk_form(_CLAIM, "UPDATE inbox SET status = 'done', done_at = j.value ->> 0, attempts = attempts + 1, payload = '{}'"
                  " FROM json_each(?) AS j WHERE inbox.event_id = j.value ->> 1 AND inbox.status = 'pending'")


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
