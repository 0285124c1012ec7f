"""A chat's resources and documents, and the state of its pinned list."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database


@dataclass(frozen=True)
class Resource:
    id: int
    chat_id: int
    title: str
    url: str | None
    attachment: str | None


@dataclass(frozen=True)
class Pin:
    chat_id: int
    cmid: int | None
    posting: bool
    posting_at: int | None
    posted_at: int | None
    version: int
    shown: int


async def add(db: Database, *, chat_id: int, title: str, url: str | None, attachment: str | None,
              added_by: int, now: int) -> int:
    return await db.execute("INSERT INTO chat_resource (chat_id, title, url, attachment, added_by, created_at)"
                            " VALUES (?, ?, ?, ?, ?, ?)", (chat_id, title, url, attachment, added_by, now))


async def remove(db: Database, chat_id: int, resource_id: int) -> bool:
    return await db.execute_rowcount("DELETE FROM chat_resource WHERE id = ? AND chat_id = ?",
                                     (resource_id, chat_id)) == 1


async def of_chat(db: Database, chat_id: int) -> list[Resource]:
    rows = await db.fetchall("SELECT id, chat_id, title, url, attachment FROM chat_resource WHERE chat_id = ?"
                             " ORDER BY id", (chat_id,))
    return [Resource(int(r[0]), int(r[1]), str(r[2]), r[3], r[4]) for r in rows]


async def pin(db: Database, chat_id: int) -> Pin:
    await db.execute("INSERT OR IGNORE INTO resource_pin (chat_id) VALUES (?)", (chat_id,))
    r = await db.fetchone("SELECT chat_id, cmid, posting, posting_at, posted_at, version, shown FROM resource_pin"
                          " WHERE chat_id = ?", (chat_id,))
    assert r is not None
    return Pin(int(r[0]), None if r[1] is None else int(r[1]), bool(r[2]), r[3], r[4], int(r[5]), int(r[6]))


async def bump(db: Database, chat_id: int) -> int:
    """The list changed: its new version."""
    await db.execute("INSERT OR IGNORE INTO resource_pin (chat_id) VALUES (?)", (chat_id,))
    await db.execute("UPDATE resource_pin SET version = version + 1 WHERE chat_id = ?", (chat_id,))
    return int(await db.fetchval("SELECT version FROM resource_pin WHERE chat_id = ?", (chat_id,)))


async def mark_posting(db: Database, chat_id: int, now: int) -> None:
    await db.execute("UPDATE resource_pin SET cmid = NULL, posting = 1, posting_at = ? WHERE chat_id = ?",
                     (now, chat_id))


async def mark_shown(db: Database, chat_id: int, version: int) -> None:
    await db.execute("UPDATE resource_pin SET shown = MAX(shown, ?) WHERE chat_id = ?", (version, chat_id))


async def mark_posted(db: Database, chat_id: int, cmid: int, version: int, now: int) -> None:
    await db.execute("UPDATE resource_pin SET cmid = ?, posting = 0, posted_at = ?, shown = MAX(shown, ?)"
                     " WHERE chat_id = ?", (cmid, now, version, chat_id))
