"""The roster side of a monthly report: chats, class coverage, members against the roster.

These figures come from tables that change (people move, chats are archived), so once a month
is over in the school's time zone they are computed once and frozen in ``kv``; a report for a
closed month then reads the snapshot and the stored activity rows only, and gives the same
numbers whenever it is asked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from bot.db import Database
from bot.repo import activity as repo
from bot.repo import inbox

KINDS = ("student", "parent", "staff")
PARENT_CHAT, STUDENT_CHAT = "parents_class", "students_class"


def snapshot_key(org_id: int, month: str) -> str:
    return f"report-roster:{org_id}:{month}"


@dataclass
class RosterLine:
    total: int = 0
    linked: int = 0
    in_chats: int = 0
    never_joined: int = 0  # linked, yet never a member of any of the school's chats


@dataclass
class RosterPart:
    chats: list[tuple[int, str | None, int | None, str]] = field(default_factory=list)  # id, type, class, title
    classes: int = 0
    with_parents: int = 0
    with_students: int = 0
    covered: int = 0  # classes with both a parents' and a students' chat
    roster: dict[str, RosterLine] = field(default_factory=lambda: {k: RosterLine() for k in KINDS})
    silent_members: list[int] = field(default_factory=list)  # person ids: in chats, no activity
    taken_at: int | None = None  # set when frozen

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> "RosterPart":
        data = json.loads(raw)
        data["chats"] = [tuple(c) for c in data["chats"]]
        data["roster"] = {k: RosterLine(**v) for k, v in data["roster"].items()}
        return cls(**data)


async def compute(db: Database, org_ids: Sequence[int], active: dict[int, set[int]]) -> dict[int, RosterPart]:
    """Roster figures of each org as the tables are now. ``active``: org -> person ids with activity."""
    parts = {org_id: RosterPart() for org_id in org_ids}
    chat_types: dict[int, dict[int, set[str]]] = {}
    for chat_id, org_id, type_, class_id, title in await repo.chats(db, org_ids):
        parts[org_id].chats.append((chat_id, type_, class_id, title))
        if class_id is not None and type_ in (PARENT_CHAT, STUDENT_CHAT):
            chat_types.setdefault(org_id, {}).setdefault(class_id, set()).add(type_)
    for class_id, org_id in await repo.classes(db, org_ids):
        part, types = parts[org_id], chat_types.get(org_id, {}).get(class_id, set())
        part.classes += 1
        part.with_parents += PARENT_CHAT in types
        part.with_students += STUDENT_CHAT in types
        part.covered += types >= {PARENT_CHAT, STUDENT_CHAT}
    # membership of each org's chats, by person and by VK id (a member not yet matched to a person)
    ever: dict[int, tuple[set[int], set[int]]] = {o: (set(), set()) for o in org_ids}
    now_in: dict[int, tuple[set[int], set[int]]] = {o: (set(), set()) for o in org_ids}
    for org_id, vk_id, person_id, state in await repo.memberships(db, org_ids):
        targets = [ever[org_id]] + ([now_in[org_id]] if state == "member" else [])
        for persons, vks in targets:
            if person_id is not None:
                persons.add(person_id)
            else:
                vks.add(vk_id)
    for person_id, org_id, kind, vk_id in await repo.roster(db, org_ids):
        line = parts[org_id].roster.setdefault(kind, RosterLine())
        line.total += 1
        if vk_id is None:
            continue
        line.linked += 1
        current = person_id in now_in[org_id][0] or vk_id in now_in[org_id][1]
        if current:
            line.in_chats += 1
            if person_id not in active.get(org_id, set()):
                parts[org_id].silent_members.append(person_id)
        if not (person_id in ever[org_id][0] or vk_id in ever[org_id][1]):
            line.never_joined += 1
    for part in parts.values():
        part.silent_members.sort()
    return parts


async def load_or_compute(
    db: Database, org_ids: Sequence[int], month: str, closed: set[int], active: dict[int, set[int]], now: int,
) -> dict[int, RosterPart]:
    """Frozen snapshots for orgs whose month is ``closed`` (taken now if missing); live otherwise."""
    parts: dict[int, RosterPart] = {}
    missing: list[int] = []
    for org_id in org_ids:
        raw = await inbox.get_kv(db, snapshot_key(org_id, month)) if org_id in closed else None
        if raw is not None:
            parts[org_id] = RosterPart.from_json(raw)
        else:
            missing.append(org_id)
    if missing:
        fresh = await compute(db, missing, active)
        to_freeze = [o for o in missing if o in closed]
        if to_freeze:
            async with db.transaction():
                for org_id in to_freeze:
                    # another worker may have frozen it meanwhile: the first snapshot wins
                    raw = await inbox.get_kv(db, snapshot_key(org_id, month))
                    if raw is not None:
                        fresh[org_id] = RosterPart.from_json(raw)
                        continue
                    fresh[org_id].taken_at = now
                    await inbox.set_kv(db, snapshot_key(org_id, month), fresh[org_id].to_json())
        parts.update(fresh)
    return parts
