"""Who belongs in a chat, derived from the roster and the chat type's preset."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.db import Database
from bot.domain.chat_types import PRESETS, ChatPreset
from bot.repo import audience as audience_repo
from bot.repo import chats as chat_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.repo.chats import Chat
from bot.repo.people import Person

@dataclass(frozen=True)
class Verdict:
    admit: bool
    kind: str  # audience | staff | guest | unknown
    person_id: int | None = None
    credited_org_id: int | None = None
    person_name: str | None = None


def preset_of(chat: Chat) -> ChatPreset:
    assert chat.type is not None
    return PRESETS[chat.type]


async def audience_ids(db: Database, chat: Chat) -> AbstractSet[int]:
    return await audience_repo.person_ids(db, preset_of(chat).audience, org_id=chat.org_id, class_id=chat.class_id)


async def staff_ids(db: Database, chat: Chat) -> AbstractSet[int]:
    """Staff of the chat's school admitted by the preset (besides the audience)."""
    return await db.cached(("staff_ids", *chat_key(chat)), lambda: _staff_ids(db, chat))


def chat_key(chat: Chat) -> tuple[object, ...]:
    """What of a chat record who-belongs depends on (a cache key part)."""
    return chat.id, chat.org_id, chat.type, chat.class_id, chat.subject, chat.leader_id


async def _staff_ids(db: Database, chat: Chat) -> frozenset[int]:
    preset = preset_of(chat)
    if "*" in preset.staff_roles:
        return await people_repo.active_staff_ids(db, chat.org_id)
    ids = set()
    for person_id, role, class_id, subject in await role_repo.scopes_in_org(db, chat.org_id, preset.staff_roles):
        if role == "class_teacher" and chat.class_id is not None and class_id != chat.class_id:
            continue
        if role == "subject_teacher" and (chat.subject or "").casefold() != (subject or "").casefold():
            continue
        ids.add(person_id)
    if chat.leader_id is not None and await leader_valid(db, chat):
        ids.add(chat.leader_id)
    return frozenset(ids)


MANAGER_ROLES = ("school_admin", "chat_responsible")


async def leader_valid(db: Database, chat: Chat) -> bool:
    """The leader counts only while active and holding a role that may lead this chat type
    (a class teacher: of this class) or a school manager role."""
    if chat.leader_id is None or chat.type is None:
        return False
    roles = tuple(preset_of(chat).leader_roles) + MANAGER_ROLES
    for _, role, class_id, subject in await role_repo.scopes_of_person(db, chat.leader_id, chat.org_id, roles):
        if role == "class_teacher" and chat.class_id is not None and class_id != chat.class_id:
            continue
        if role == "subject_teacher" and (subject or "").casefold() != (chat.subject or "").casefold():
            continue
        return True
    return False


async def clear_stale_leaders(db: Database, org_id: int) -> int:
    """After a revocation or an import: chats whose leader no longer may lead lose the leader."""
    cleared = 0
    for chat in await chat_repo.in_org(db, org_id):
        if chat.leader_id is not None and not await leader_valid(db, chat):
            await chat_repo.clear_leader(db, chat.id)
            cleared += 1
    return cleared


async def eligible_ids(db: Database, chat: Chat) -> AbstractSet[int]:
    return await audience_ids(db, chat) | await staff_ids(db, chat)


async def judge(db: Database, chat: Chat, vk_id: int, *, kept: bool = True) -> Verdict:
    """May this VK account be in this chat, and as whom? (Kept in memory until the roster, the
    roles or the chat change.) ``kept=False``: judged from the read models it reads without
    keeping the verdict itself, for a loader that keeps what it derives from it (a second read
    model of the same thing costs its own entry and stamps)."""
    if not kept:
        return await _judge(db, chat, vk_id)
    return await db.cached(("verdict", *chat_key(chat), vk_id), lambda: _judge(db, chat, vk_id))


async def _judge(db: Database, chat: Chat, vk_id: int) -> Verdict:
    persons = await people_repo.by_vk(db, vk_id)
    local = [p for p in persons if p.home_org_id == chat.org_id]
    if local:
        audience = await audience_ids(db, chat)
        for person in local:
            if person.id in audience:
                return Verdict(True, "audience", person.id, person.home_org_id, person.full_name)
        staff = await staff_ids(db, chat)
        for person in local:
            if person.id in staff:
                return Verdict(True, "staff", person.id, person.home_org_id, person.full_name)
    if preset_of(chat).guests:
        for person in persons:
            if person.kind == "staff" and person.home_org_id != chat.org_id:
                return Verdict(True, "guest", person.id, person.home_org_id, person.full_name)
    known = local[0] if local else None
    return Verdict(False, "unknown", known.id if known else None, known.home_org_id if known else None,
                   known.full_name if known else None)


async def chats_for(db: Database, person: Person, chats: list[Chat]) -> list[Chat]:
    """Which of ``chats`` the person belongs in."""
    result = []
    for chat in chats:
        if person.id in await eligible_ids(db, chat):
            result.append(chat)
    return result
