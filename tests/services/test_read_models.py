"""The message path's read models on a real database: a chat's people read in bulk once, each
author then read from memory; a join elsewhere leaves them, a change of the roster does not."""

from __future__ import annotations

from typing import Any

import pytest

from bot.repo import chat_people
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from tests.services.conftest import NOW, World


class Trips:
    def __init__(self, db: Any) -> None:
        self.count = 0
        for conn in {id(c): c for c in (db._conn, db._reader) if c is not None}.values():
            original = conn._execute

            async def counted(fn: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                self.count += 1
                return await _original(fn, *args, **kwargs)

            conn._execute = counted


async def _chat(world: World, peer: int) -> int:
    chat, _ = await chat_repo.ensure(world.db, peer, added_by=None, now=NOW)
    return chat.id


async def test_a_chats_people_are_read_in_bulk_once_and_match_their_own_loaders(world: World) -> None:
    db = world.db
    chat_id = await _chat(world, 2_000_000_001)
    other = await _chat(world, 2_000_000_002)
    vks = [101, 102, 103]
    for vk in vks:
        person = await people_repo.create(db, org_id=world.school_a.id, kind="staff", full_name=f"П {vk}",
                                          name_key=f"п {vk}", vk_id=vk, now=NOW)
        await role_repo.grant(db, person_id=person, org_id=world.school_a.id, role="teacher", granted_by=None, now=NOW)
        await member_repo.upsert(db, chat_id=chat_id, vk_id=vk, state="member", now=NOW, person_id=person)
    expected = {vk: (await member_repo.get(db, chat_id, vk), await people_repo.by_vk(db, vk),
                     await role_repo.active_for_vk(db, vk)) for vk in vks}
    db._cache.clear()  # as after a start

    trips = Trips(db)
    await chat_people.warm(db, chat_id)
    assert trips.count == 3  # members, their roster entries, their roles
    trips.count = 0
    seen = {vk: (await member_repo.get(db, chat_id, vk), await people_repo.by_vk(db, vk),
                 await role_repo.active_for_vk(db, vk)) for vk in vks}
    assert seen == expected
    assert trips.count == 0
    await chat_people.warm(db, chat_id)
    assert trips.count == 0

    await member_repo.upsert(db, chat_id=other, vk_id=999, state="quarantine", now=NOW)  # a join elsewhere
    trips.count = 0
    await chat_people.warm(db, chat_id)
    assert await people_repo.by_vk(db, 101) == expected[101][1]
    assert trips.count == 0

    await member_repo.upsert(db, chat_id=chat_id, vk_id=104, state="quarantine", now=NOW)  # a join here
    trips.count = 0
    await chat_people.warm(db, chat_id)
    assert trips.count == 0  # changed within seconds of its bulk read (a storm?): not read in bulk again yet
    assert await member_repo.get(db, chat_id, 104) is not None  # the member's own loader serves it
    db._preloaded.clear()  # as when the interval has passed
    trips.count = 0
    await chat_people.warm(db, chat_id)
    assert trips.count == 3

    grant = expected[101][2][0]
    await role_repo.revoke(db, person_id=grant.person_id, org_id=grant.org_id, role=grant.role, revoked_by=None,
                           basis=None, now=NOW)  # the roles change: read again
    assert await role_repo.active_for_vk(db, 101) == []


async def test_a_chats_credits_are_read_in_bulk_with_its_first_message_as_each_ones_loader_gives_it(
        world: World) -> None:
    """Whom a member's messages are credited to: the first message of a chat credits all its
    members at once (one bulk read), each as its own loader (``_resolve_one``) would; a member
    linked to a roster entry no longer active is left to its own loader."""
    from bot.services.activity import ActivityCounter

    db = world.db
    a, b = world.school_a, world.school_b
    chat_id = await _chat(world, 2_000_000_003)
    await chat_repo.bind(db, chat_id, org_id=a.id, type_="staff_school", class_id=None, subject=None,
                         title="Учителя", leader_id=None)
    chat = await chat_repo.get(db, chat_id)
    assert chat is not None and chat.org_id == a.id

    async def person(org_id: int, vk: int, kind: str = "staff") -> int:
        return await people_repo.create(db, org_id=org_id, kind=kind, full_name=f"П {vk}", name_key=f"п {vk}",
                                        vk_id=vk, now=NOW)

    linked = await person(a.id, 201)  # linked to this school's entry
    await member_repo.upsert(db, chat_id=chat_id, vk_id=201, state="member", now=NOW, person_id=linked)
    await person(b.id, 202)  # not linked: another school's staff entry
    await member_repo.upsert(db, chat_id=chat_id, vk_id=202, state="member", now=NOW)
    await member_repo.upsert(db, chat_id=chat_id, vk_id=203, state="member", now=NOW,
                             credited_org_id=b.id)  # credited by admission
    gone = await person(a.id, 204)  # linked to an entry no longer active
    await member_repo.upsert(db, chat_id=chat_id, vk_id=204, state="member", now=NOW, person_id=gone)
    await db.execute("UPDATE person SET status = 'left' WHERE id = ?", (gone,))
    await member_repo.upsert(db, chat_id=chat_id, vk_id=205, state="member", now=NOW)  # nobody known
    vks = (201, 202, 203, 204, 205)
    counter = ActivityCounter(db)
    counter._chat_org[chat_id] = a.id
    expected = {vk: await counter._resolve_one(chat, vk, warm=False) for vk in vks}
    assert expected[201] == (linked, a.id) and expected[203] == (None, b.id) and expected[205] == (None, None)
    db._cache.clear()  # as after a start

    await counter.count(chat, 201, "message", NOW)  # the chat's first message
    key = ("credit", chat_id, a.id)
    trips = Trips(db)

    async def unread() -> Any:
        raise AssertionError("read again")

    for vk in (202, 203, 205):  # kept by the bulk read
        assert await db.cached((*key, vk), unread) == expected[vk]
    assert trips.count == 0
    with pytest.raises(AssertionError, match="read again"):  # its own loader reads the entry
        await db.cached((*key, 204), unread)
    assert await counter._resolve_one(chat, 204, warm=True) == expected[204]

    await member_repo.upsert(db, chat_id=chat_id, vk_id=205, state="member", now=NOW, credited_org_id=b.id)
    with pytest.raises(AssertionError, match="read again"):  # the chat's members changed: not kept
        await db.cached((*key, 205), unread)
    assert await counter._resolve_one(chat, 205, warm=False) == (None, b.id)
