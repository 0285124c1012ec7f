"""What a roster change would do to people's chats, computed before asking for confirmation.

The change is tried inside a savepoint that is always rolled back: eligibility is then read with
the very rules membership applies afterwards, so the question names exactly the chats that will
change (a parent with another child in the old class stays in its chat)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.db import Database
from bot.repo import chats as chat_repo
from bot.repo import people as people_repo
from bot.repo.chats import Chat
from bot.repo.people import Person
from bot.services import eligibility


@dataclass(frozen=True)
class Affected:
    person: Person
    is_student: bool
    leaves: list[Chat] = field(default_factory=list)
    joins: list[Chat] = field(default_factory=list)


class _Undo(Exception):
    pass


async def _eligible(db: Database, people: list[Person], chats: list[Chat]) -> dict[int, set[int]]:
    return {p.id: {c.id for c in await eligibility.chats_for(db, p, chats)} for p in people}


async def chat_changes(db: Database, student: Person, change: Callable[[], Awaitable[None]]) -> list[Affected]:
    """The student and their parents, each with the chats they would leave and join."""
    people = [student, *await people_repo.parents(db, student.id)]
    chats = [c for c in await chat_repo.in_org(db, student.home_org_id) if c.bound]
    before = await _eligible(db, people, chats)
    after: dict[int, set[int]] = {}
    try:
        async with db.transaction():
            async with db.savepoint():
                await change()
                after = await _eligible(db, people, chats)
                raise _Undo
    except _Undo:
        pass
    by_id = {c.id: c for c in chats}
    return [
        Affected(p, p.id == student.id,
                 [by_id[i] for i in sorted(before[p.id] - after[p.id])],
                 [by_id[i] for i in sorted(after[p.id] - before[p.id])])
        for p in people
    ]
