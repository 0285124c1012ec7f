"""Counting participation.

``count`` writes one count in the caller's transaction (the event that caused it): the raw
``activity`` row (day x chat x author), whose triggers (migration 0008) upsert the report
aggregates in the same statement, so reports never scan raw rows and never disagree with them.
``uncount`` takes a count back in the same way: a message the moderation deletes (obscene,
written while muted) never counts as participation — only messages that stayed count.

``record`` + ``flush`` (bulk loading: benchmarks, imports of history) buffer in memory and write
the same rows and aggregates in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.pipeline.unit import current as current_unit
from bot.repo import activity as repo
from bot.repo import aggregates as agg
from bot.repo import chat_people
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import people as people_repo
from bot.repo.chats import Chat

log = logging.getLogger(__name__)

KINDS = {"message": 0, "join": 1, "leave": 2, "action": 3}
Author = tuple[int | None, int | None]  # (person_id, credited org id)


class DayCut:
    """Local calendar day of an instant in one time zone; remembers the current day's bounds,
    so the common case (many messages on the same day) is two comparisons."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._start = self._end = 0.0
        self._day = ""

    def day(self, at: float) -> str:
        if self._start <= at < self._end:
            return self._day
        local = datetime.fromtimestamp(at, self.tz)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        self._start = midnight.timestamp()
        self._end = datetime.combine(midnight.date() + timedelta(days=1), midnight.time(), self.tz).timestamp()
        self._day = midnight.date().isoformat()
        return self._day


class ActivityCounter:
    def __init__(
        self, db: Database, *, max_pending: int = 5000, cache_seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.max_pending = max_pending
        self.cache_seconds = cache_seconds
        self._monotonic = monotonic
        self._buffer: dict[tuple[str, int, int], list[int]] = {}
        self._chat_org: dict[int, int] = {}
        # what the current event counted, so a deletion decided by the same event takes back
        # exactly that count (same day row): (event id, chat id, vk id) -> day
        self._counted: dict[tuple[str, int, int], str] = {}
        self._unzoned: list[tuple[int, int, int, int, float]] = []  # org tz not loaded yet
        self._zones: dict[int, DayCut] = {}
        self._authors: dict[tuple[int, int], tuple[Author, float]] = {}
        self._lock = asyncio.Lock()
        self._background: asyncio.Task[Any] | None = None

    @property
    def pending(self) -> int:
        return len(self._buffer) + len(self._unzoned)

    def record(self, chat: Chat, vk_id: int, kind: str, at: float) -> None:
        """Count one message / join / leave / action (poll vote, button) of ``vk_id`` in ``chat``."""
        if not chat.bound or vk_id <= 0:
            return  # unmanaged chats and communities are not counted
        field = KINDS[kind]
        org_id = chat.org_id
        assert org_id is not None
        self._chat_org[chat.id] = org_id
        cut = self._zones.get(org_id)
        if cut is None:
            self._unzoned.append((chat.id, org_id, vk_id, field, at))
        else:
            self._add((cut.day(at), chat.id, vk_id), field)
        if self.pending >= self.max_pending:
            self._flush_soon()

    async def count(self, chat: Chat, vk_id: int, kind: str, at: float) -> None:
        """Count one message / join / leave / action now, in the caller's transaction: counted
        with the event that caused it, so the numbers stay exact across crashes and replays."""
        org_id = chat.org_id
        if org_id is not None and vk_id > 0 and chat.bound and (cut := self._zones.get(org_id)) is not None:
            self._chat_org[chat.id] = org_id  # nearly always: the school's zone is known (_day, inline)
            day: str | None = cut.day(at)
        else:
            day = await self._day(chat, vk_id, at)
        if day is None:
            return
        unit = current_unit()
        if unit is not None:
            if len(self._counted) > 10_000:
                self._counted.clear()
            self._counted[(unit.event_id, chat.id, vk_id)] = day
        await self._write(chat, vk_id, day, kind, 1)

    async def uncount(self, chat: Chat, vk_id: int, at: float, kind: str = "message") -> None:
        """Take back one count (a message deleted by the decision of the event that counted it,
        in the same transaction): the same day row the count went to, else the day of ``at``."""
        unit = current_unit()
        day = self._counted.pop((unit.event_id, chat.id, vk_id), None) if unit is not None else None
        day = day or await self._day(chat, vk_id, at)
        if day is not None:
            await self._write(chat, vk_id, day, kind, -1)

    async def uncount_alert(self, alert_id: int) -> None:
        """A moderator deleted an alerted message later (the alert's «Удалить»): it no longer
        stays in the chat, so its count is taken back from the day it was written (the
        violation's time, else the alert's). Called in the transaction that records the
        deletion; a deletion of a violation VK refuses gives it back (``recount_violation``)."""
        found = await agg.alert_message(self.db, alert_id)
        if found is None:
            return
        chat_id, vk_id, at = found
        chat = await chat_repo.get(self.db, chat_id)
        if chat is None:
            return
        # a complaint's time may be just after midnight while the message is of the day before:
        # take it from the day that has it, never below zero
        for when in (at, at - 86400):
            day = await self._day(chat, vk_id, when)
            if day is not None and await agg.messages_on(self.db, chat.id, vk_id, day) > 0:
                await self._write(chat, vk_id, day, "message", -1)
                return

    async def recount_violation(self, violation_id: int) -> None:
        """VK refused to delete a violating message (the bot lost its rights): it stayed in the
        chat, so its count, taken back when the deletion was decided, is given back. Called in
        the transaction that records the failure."""
        found = await agg.violation_message(self.db, violation_id)
        if found is None:
            return
        chat_id, vk_id, at = found
        chat = await chat_repo.get(self.db, chat_id)
        if chat is not None:
            await self.count(chat, vk_id, "message", at)

    async def _day(self, chat: Chat, vk_id: int, at: float) -> str | None:
        if not chat.bound or vk_id <= 0 or chat.org_id is None:
            return None
        org_id = chat.org_id
        self._chat_org[chat.id] = org_id
        cut = self._zones.get(org_id)
        if cut is None:
            tz = (await repo.timezones(self.db, [org_id])).get(org_id)
            if tz is None:
                return None  # an org deleted meanwhile: nothing to credit the chat to
            cut = self._zones[org_id] = DayCut(ZoneInfo(tz))
        return cut.day(at)

    async def _write(self, chat: Chat, vk_id: int, day: str, kind: str, delta: int) -> None:
        # who the count is credited to: asked on every message, kept until membership or the
        # roster changes
        author = await self.db.cached(_credit_key(chat.id, chat.org_id, vk_id),
                                      lambda: self._resolve_one(chat, vk_id, warm=kind == "message"),
                                      part=("chat_member", "vk", vk_id))
        counts = [0, 0, 0, 0]
        counts[KINDS[kind]] = delta
        await repo.upsert_one(self.db, (day, chat.id, vk_id, *author, *counts))  # + aggregates (triggers)

    def _add(self, key: tuple[str, int, int], field: int, count: int = 1) -> None:
        counts = self._buffer.get(key)
        if counts is None:
            counts = self._buffer[key] = [0, 0, 0, 0]
        counts[field] += count

    def _flush_soon(self) -> None:
        if self._background is not None and not self._background.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a sync caller): the periodic flush will write it
        self._background = loop.create_task(self._flush_logged())

    async def _flush_logged(self) -> None:
        try:
            await self.flush()
        except Exception:
            log.exception("activity flush failed; counts kept for the next flush")

    async def flush(self) -> int:
        """Write everything counted so far in one transaction; returns the rows written.

        On failure the counts go back into the buffer (nothing is lost) and the error propagates.
        """
        async with self._lock:
            if self._unzoned:
                await self._load_zones()
            buffer, self._buffer = self._buffer, {}
            if not buffer:
                return 0
            try:
                authors = await self._resolve({(chat_id, vk_id) for _, chat_id, vk_id in buffer})
                rows = [
                    (day, chat_id, vk_id, *authors[(chat_id, vk_id)], *counts)
                    for (day, chat_id, vk_id), counts in buffer.items()
                ]
                await repo.upsert_many(self.db, rows)  # one transaction, aggregates by the triggers
            except BaseException:
                for key, counts in buffer.items():
                    for field, count in enumerate(counts):
                        if count:
                            self._add(key, field, count)
                raise
            return len(rows)

    async def _load_zones(self) -> None:
        events, self._unzoned = self._unzoned, []
        missing = sorted({org_id for _, org_id, _, _, _ in events} - self._zones.keys())
        try:
            for org_id, tz in (await repo.timezones(self.db, missing)).items():
                self._zones[org_id] = DayCut(ZoneInfo(tz))
        except BaseException:
            self._unzoned = events + self._unzoned
            raise
        for chat_id, org_id, vk_id, field, at in events:
            cut = self._zones.get(org_id)
            if cut is not None:  # an org deleted meanwhile: nothing to credit the chat to
                self._add((cut.day(at), chat_id, vk_id), field)

    async def _resolve_one(self, chat: Chat, vk_id: int, *, warm: bool = True) -> Author:
        """``pick_authors`` for one member, from the read models (filled for the whole chat at
        once by bot/repo/chat_people.py): no query of its own once the chat is known. A join or a
        leave does not fill the chat's (it is about to change it). A message also credits all the
        chat's members at once (``_credit_chat``): their first messages find theirs kept."""
        chat_id = chat.id
        if warm:
            await chat_people.warm(self.db, chat_id)
            await self._credit_chat(chat)
        member = await member_repo.get(self.db, chat_id, vk_id)
        active = await people_repo.by_vk(self.db, vk_id)
        persons = [(p.id, vk_id, p.home_org_id, p.kind) for p in active]
        members: list[tuple] = []
        if member is not None:
            home = next((p.home_org_id for p in active if p.id == member.person_id), None)
            if member.person_id is not None and home is None:  # linked to an entry no longer active
                person = await people_repo.get(self.db, member.person_id)
                home = person.home_org_id if person is not None else None
            members.append((chat_id, vk_id, member.person_id, home, member.credited_org_id))
        return pick_authors([(chat_id, vk_id)], members, persons, self._chat_org)[(chat_id, vk_id)]

    async def _credit_chat(self, chat: Chat) -> None:
        """The credit of every member of a chat, read in bulk as ``_resolve_one`` gives each
        (kept until the chat's members or the roster change). A member linked to a roster entry
        no longer active is left to ``_resolve_one`` (it reads that entry)."""
        chat_id, org_id = chat.id, chat.org_id
        if org_id is None:
            return

        async def load() -> list[tuple[Any, Author]]:
            found, persons = await chat_people.members_and_persons(self.db, chat_id)
            pairs: list[tuple[int, int]] = []
            members: list[tuple] = []
            rows: list[tuple] = []
            for member in found:
                vk_id = member.vk_id
                active = persons.get(vk_id, ())
                home = next((p.home_org_id for p in active if p.id == member.person_id), None)
                if member.person_id is not None and home is None:
                    continue
                pairs.append((chat_id, vk_id))
                members.append((chat_id, vk_id, member.person_id, home, member.credited_org_id))
                rows += [(p.id, vk_id, p.home_org_id, p.kind) for p in active]
            credits = pick_authors(pairs, members, rows, {chat_id: org_id})
            return [(_credit_key(chat_id, org_id, vk_id), author) for (_, vk_id), author in credits.items()]

        await self.db.preload(("credits", chat_id, org_id), load, part=(*chat_people.PART, chat_id))

    async def _resolve(self, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Author]:
        now = self._monotonic()
        if len(self._authors) > 100_000:
            self._authors.clear()
        found: dict[tuple[int, int], Author] = {}
        todo: list[tuple[int, int]] = []
        for pair in pairs:
            cached = self._authors.get(pair)
            if cached is not None and cached[1] > now:
                found[pair] = cached[0]
            else:
                todo.append(pair)
        if todo:
            members, persons = await repo.authors(self.db, sorted({vk for _, vk in todo}))
            fresh = pick_authors(todo, members, persons, self._chat_org)
            expires = now + self.cache_seconds
            for pair, author in fresh.items():
                self._authors[pair] = (author, expires)
            found.update(fresh)
        return found


def _credit_key(chat_id: int, org_id: int | None, vk_id: int) -> tuple[object, ...]:
    """The read model of whom a member's counts in a chat are credited to."""
    return ("credit", chat_id, org_id, vk_id)


def pick_authors(
    pairs: list[tuple[int, int]], members: list[tuple], persons: list[tuple], chat_org: dict[int, int],
) -> dict[tuple[int, int], Author]:
    """The credit rule: the person recorded for this chat member (or the org admission credited
    the member to); else the author's person in the chat's own org, a staff person of any org,
    any active person; else unknown (None, None)."""
    by_member = {(row[0], row[1]): (row[2], row[3], row[4]) for row in members}
    by_vk: dict[int, list[tuple]] = {}
    for pid, vk, home, kind in persons:
        by_vk.setdefault(vk, []).append((pid, home, kind))
    out: dict[tuple[int, int], Author] = {}
    for chat_id, vk in pairs:
        member = by_member.get((chat_id, vk))
        candidates = by_vk.get(vk, [])
        if member is not None and member[0] is not None and member[1] is not None:
            out[(chat_id, vk)] = (member[0], member[1])
            continue
        if member is not None and member[2] is not None:
            same = [c[0] for c in candidates if c[1] == member[2]]
            out[(chat_id, vk)] = (same[0] if same else None, member[2])
            continue
        own = [c for c in candidates if c[1] == chat_org.get(chat_id)]
        staff = [c for c in candidates if c[2] == "staff"]
        pool = own or staff or candidates
        best = pool[0] if pool else None
        out[(chat_id, vk)] = (best[0], best[1]) if best is not None else (None, None)
    return out
