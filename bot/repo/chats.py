"""Chats the bot is in (bound to a school or not yet) and observed membership."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.db import Database


@dataclass(frozen=True)
class Chat:
    id: int
    peer_id: int
    org_id: int | None
    type: str | None
    class_id: int | None
    subject: str | None
    title: str
    leader_id: int | None
    overrides: dict[str, Any]
    invite_link: str | None
    status: str
    bot_is_admin: bool
    rights_lost_at: int | None
    added_by: int | None

    @property
    def bound(self) -> bool:
        return self.status == "active" and self.org_id is not None

    @property
    def overrides_key(self) -> str:
        """The overrides as a stable string (a cache key), computed once per record: the record
        is read from memory on every chat message."""
        key = self.__dict__.get("_overrides_key")
        if key is None:
            key = json.dumps(self.overrides, sort_keys=True)
            object.__setattr__(self, "_overrides_key", key)  # frozen: a memo, not a field
        return key


_COLUMNS = (
    "id, peer_id, org_id, type, class_id, subject, title, leader_id, overrides, invite_link,"
    " status, bot_is_admin, rights_lost_at, added_by"
)


def _chat(row) -> Chat:
    values = list(row)
    values[8] = json.loads(values[8] or "{}")
    values[11] = bool(values[11])
    return Chat(*values)


async def by_peer(db: Database, peer_id: int) -> Chat | None:
    """Read on every chat message: served from memory until the chat table changes."""

    async def load() -> Chat | None:
        row = await db.fetchone(f"SELECT {_COLUMNS} FROM chat WHERE peer_id = ?", (peer_id,))
        return _chat(row) if row else None

    return await db.cached(("chat.by_peer", peer_id), load)


async def get(db: Database, chat_id: int) -> Chat | None:
    async def load() -> Chat | None:
        row = await db.fetchone(f"SELECT {_COLUMNS} FROM chat WHERE id = ?", (chat_id,))
        return _chat(row) if row else None

    return await db.cached(("chat.get", chat_id), load)


async def ensure(db: Database, peer_id: int, *, added_by: int | None, now: int) -> tuple[Chat, bool]:
    """The chat record for ``peer_id``, created unbound if new; returns (chat, created)."""
    async with db.transaction():
        existing = await by_peer(db, peer_id)
        if existing:
            return existing, False
        await db.execute(
            "INSERT INTO chat (peer_id, added_by, created_at) VALUES (?, ?, ?)", (peer_id, added_by, now)
        )
        chat = await by_peer(db, peer_id)
        assert chat is not None
        return chat, True


async def set_admin(db: Database, chat_id: int, is_admin: bool, *, now: int) -> None:
    await db.execute(
        "UPDATE chat SET bot_is_admin = ?, rights_lost_at = CASE WHEN ? THEN NULL"
        " ELSE COALESCE(rights_lost_at, ?) END WHERE id = ?",
        (int(is_admin), int(is_admin), now, chat_id),
    )


async def awaiting_rights(db: Database) -> list[Chat]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM chat WHERE bot_is_admin = 0 AND status != 'archived' ORDER BY id"
    )
    return [_chat(row) for row in rows]


async def bind(
    db: Database, chat_id: int, *, org_id: int, type_: str, class_id: int | None, subject: str | None,
    title: str, leader_id: int | None,
) -> None:
    await db.execute(
        "UPDATE chat SET org_id = ?, type = ?, class_id = ?, subject = ?, title = ?, leader_id = ?,"
        " status = 'active' WHERE id = ?",
        (org_id, type_, class_id, subject, title, leader_id, chat_id),
    )


async def in_org(db: Database, org_id: int) -> list[Chat]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM chat WHERE org_id = ? AND status = 'active' ORDER BY type, title",
        (org_id,),
    )
    return [_chat(row) for row in rows]


async def set_invite_link(db: Database, chat_id: int, link: str) -> None:
    await db.execute("UPDATE chat SET invite_link = ? WHERE id = ?", (link, chat_id))


async def set_overrides(db: Database, chat_id: int, overrides: dict[str, Any]) -> None:
    await db.execute(
        "UPDATE chat SET overrides = ? WHERE id = ?", (json.dumps(overrides, ensure_ascii=False), chat_id)
    )


async def set_title(db: Database, chat_id: int, title: str) -> None:
    await db.execute("UPDATE chat SET title = ? WHERE id = ?", (title, chat_id))


async def clear_leader(db: Database, chat_id: int) -> None:
    await db.execute("UPDATE chat SET leader_id = NULL WHERE id = ?", (chat_id,))


async def active_of_class(db: Database, class_id: int) -> list[Chat]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM chat WHERE class_id = ? AND status = 'active' ORDER BY id", (class_id,))
    return [_chat(row) for row in rows]


async def moderated_ids(db: Database) -> list[int]:
    """Active chats where the bot is an admin."""
    rows = await db.fetchall("SELECT id FROM chat WHERE status = 'active' AND bot_is_admin = 1")
    return [row[0] for row in rows]
