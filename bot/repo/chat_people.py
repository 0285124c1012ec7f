"""Who is in a chat, read in bulk: the first message of a chat after start (or after its
membership or the roster changed) loads every member's row, roster entries and roles in three
queries, so that each author's first message costs no read of its own."""

from __future__ import annotations

from typing import Any

from bot.db import Database
from bot.repo import members as member_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo

_OF_CHAT = "(SELECT vk_id FROM chat_member WHERE chat_id = ?)"
PART = "chat_member", "chat"  # a bulk read of one chat's people depends on that chat's member rows


async def warm(db: Database, chat_id: int) -> None:
    async def load() -> list[tuple[Any, Any]]:
        members, persons = await members_and_persons(db, chat_id)
        grants: dict[int, list[role_repo.Grant]] = {}
        for row in await db.fetchall(
                f"SELECT {role_repo.COLUMNS}, p.vk_id FROM role_grant g JOIN person p ON p.id = g.person_id"
                f" WHERE p.vk_id IN {_OF_CHAT} AND g.revoked_at IS NULL AND p.status = 'active' ORDER BY g.id",
                (chat_id,)):
            grants.setdefault(row[-1], []).append(role_repo.Grant(*row[:-1]))
        pairs: list[tuple[Any, Any]] = []
        for member in members:
            vk = member.vk_id
            pairs += [(member_repo.key(chat_id, vk), member),
                      (people_repo.by_vk_key(vk), persons.get(vk, ())),
                      (role_repo.by_vk_key(vk), tuple(grants.get(vk, ())))]
        return pairs

    await db.preload(("chat_people", chat_id), load, part=(*PART, chat_id))


async def members_and_persons(
        db: Database, chat_id: int) -> tuple[list[member_repo.Member], dict[int, tuple[people_repo.Person, ...]]]:
    """Every member row of the chat (any state) and, by VK id, each member's active roster
    entries (as ``people_repo.by_vk`` gives them: by id). Call inside a bulk loader with
    ``part=(*PART, chat_id)``."""
    members = [member_repo.Member(*row) for row in await db.fetchall(
        f"SELECT {member_repo.COLUMNS} FROM chat_member WHERE chat_id = ?", (chat_id,))]
    persons: dict[int, list[people_repo.Person]] = {}
    for row in await db.fetchall(
            people_repo.PERSON_SELECT + f" WHERE p.vk_id IN {_OF_CHAT} AND p.status = 'active' ORDER BY p.id",
            (chat_id,)):
        person = people_repo.Person(*row)
        persons.setdefault(person.vk_id or 0, []).append(person)
    return members, {vk: tuple(found) for vk, found in persons.items()}
