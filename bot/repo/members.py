"""Observed chat membership: who joined, was admitted (by whom), quarantined, left, removed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database, Parts


@dataclass(frozen=True)
class Member:
    chat_id: int
    vk_id: int
    person_id: int | None
    state: str
    credited_org_id: int | None
    admitted_by: int | None
    joined_at: int
    left_at: int | None


COLUMNS = "chat_id, vk_id, person_id, state, credited_org_id, admitted_by, joined_at, left_at"
_COLUMNS = COLUMNS


def _rows(chat_id: int, vk_id: int) -> Parts:
    """What a write of one member's row changes: that person's rows and that chat's rows."""
    return ("chat_member", (("vk", vk_id), ("chat", chat_id)))


async def get(db: Database, chat_id: int, vk_id: int) -> Member | None:
    async def load() -> Member | None:
        row = await db.fetchone(f"SELECT {_COLUMNS} FROM chat_member WHERE chat_id = ? AND vk_id = ?",
                                (chat_id, vk_id))
        return Member(*row) if row else None

    # a member's row changes with their own joins and leaves only (a join storm elsewhere leaves it)
    return await db.cached(key(chat_id, vk_id), load, part=("chat_member", "vk", vk_id))


def key(chat_id: int, vk_id: int) -> tuple[str, int, int]:
    """The read model of one member's row (also filled in bulk by bot/repo/chat_people.py)."""
    return ("member", chat_id, vk_id)


async def upsert(
    db: Database, *, chat_id: int, vk_id: int, state: str, now: int, person_id: int | None = None,
    credited_org_id: int | None = None, admitted_by: int | None = None,
) -> None:
    await db.execute(
        f"INSERT INTO chat_member ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)"
        " ON CONFLICT (chat_id, vk_id) DO UPDATE SET state = excluded.state,"
        " person_id = COALESCE(excluded.person_id, chat_member.person_id),"
        " credited_org_id = COALESCE(excluded.credited_org_id, chat_member.credited_org_id),"
        " admitted_by = COALESCE(excluded.admitted_by, chat_member.admitted_by),"
        " joined_at = CASE WHEN chat_member.state IN ('left', 'removed') THEN excluded.joined_at"
        " ELSE chat_member.joined_at END, left_at = NULL",
        (chat_id, vk_id, person_id, state, credited_org_id, admitted_by, now), part=_rows(chat_id, vk_id),
    )


async def set_state(db: Database, chat_id: int, vk_id: int, state: str, now: int, *, by: int | None = None) -> bool:
    left = now if state in ("left", "removed") else None
    count = await db.execute_rowcount(
        "UPDATE chat_member SET state = ?, left_at = ?, admitted_by = COALESCE(?, admitted_by)"
        " WHERE chat_id = ? AND vk_id = ?",
        (state, left, by, chat_id, vk_id), part=_rows(chat_id, vk_id),
    )
    return count == 1


async def transition(db: Database, chat_id: int, vk_id: int, *, from_state: str, to_state: str, now: int,
                     by: int | None = None) -> bool:
    """Move a member between states exactly once (a second moderator's press gets False)."""
    left = now if to_state in ("left", "removed") else None
    count = await db.execute_rowcount(
        "UPDATE chat_member SET state = ?, left_at = ?, admitted_by = COALESCE(?, admitted_by)"
        " WHERE chat_id = ? AND vk_id = ? AND state = ?",
        (to_state, left, by, chat_id, vk_id, from_state), part=_rows(chat_id, vk_id),
    )
    return count == 1


async def in_state(db: Database, chat_id: int, state: str = "member") -> list[Member]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM chat_member WHERE chat_id = ? AND state = ? ORDER BY joined_at", (chat_id, state)
    )
    return [Member(*row) for row in rows]


async def quarantined_before(db: Database, before: int) -> list[Member]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM chat_member WHERE state = 'quarantine' AND joined_at < ? ORDER BY joined_at",
        (before,),
    )
    return [Member(*row) for row in rows]

async def of_chat(db: Database, chat_id: int) -> list[Member]:
    """Every recorded member of a chat, whatever the state."""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM chat_member WHERE chat_id = ? ORDER BY vk_id", (chat_id,))
    return [Member(*row) for row in rows]


async def staff_vk_ids(db: Database, org_id: int) -> set[int]:
    """VK accounts of the school's active staff (never removed by a membership check)."""
    rows = await db.fetchall(
        "SELECT vk_id FROM person WHERE home_org_id = ? AND kind = 'staff' AND status = 'active'"
        " AND vk_id IS NOT NULL", (org_id,))
    return {row[0] for row in rows}


async def chats_of_vk(db: Database, vk_id: int, state: str = "member") -> list[int]:
    rows = await db.fetchall("SELECT chat_id FROM chat_member WHERE vk_id = ? AND state = ?", (vk_id, state))
    return [row[0] for row in rows]


async def stale_count(db: Database, org_id: int) -> int:
    """Members of the school's chats whose roster entry is no longer active."""
    return await db.fetchval(
        "SELECT COUNT(*) FROM chat_member m JOIN person p ON p.id = m.person_id JOIN chat c ON c.id = m.chat_id"
        " WHERE c.org_id = ? AND m.state = 'member' AND p.status != 'active'", (org_id,))
