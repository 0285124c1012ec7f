"""What each author wrote lately in each chat (fingerprints for the flood, repeat and sticker
checks), held in memory and recorded with the event that added it.

The message path reads it on every message, so it lives in memory; each entry is also written
(a deferred write of the event's own unit) to ``recent_message``, so a restart reloads the last
hour and a crash never lets a flood start over. An entry joins the memory at once — the next
event of the chat may be judged before this one's commit is done (``Database.unit(detach=…)``) —
and leaves it again if its event's writes are not kept: an event that is retried never sees its
own message as a repeat.
"""

from __future__ import annotations

import asyncio
import collections

from bot.db import Database
from bot.repo import moderation as repo
from policies.base import Entry

KEEP_SECONDS = 3600  # the longest window a chat may configure; older entries are dropped


class RecentMessages:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._by_author: dict[tuple[int, int], collections.deque[Entry]] = {}
        self._loaded = False
        self._adds = 0
        self._load_lock = asyncio.Lock()

    async def since(self, chat_id: int, vk_id: int, since: int) -> list[Entry]:
        if not self._loaded:
            async with self._load_lock:
                if not self._loaded:
                    await self._load(since - KEEP_SECONDS)
        entries = self._by_author.get((chat_id, vk_id))
        return [e for e in entries if e.at >= since] if entries else []

    async def remember(self, chat_id: int, vk_id: int, entry: Entry) -> None:
        """Recorded with the current event (one of its deferred writes); in memory at once, taken
        back if the event's writes are rolled back."""
        await repo.remember(self.db, chat_id, vk_id, at=int(entry.at), fingerprint=entry.fingerprint,
                            stickers=entry.stickers)
        self._add(chat_id, vk_id, entry)
        self.db.on_abort(lambda: self._discard(chat_id, vk_id, entry))

    def _discard(self, chat_id: int, vk_id: int, entry: Entry) -> None:
        entries = self._by_author.get((chat_id, vk_id))
        if entries is None:
            return
        for i in range(len(entries) - 1, -1, -1):
            if entries[i] is entry:
                del entries[i]
                return

    def _add(self, chat_id: int, vk_id: int, entry: Entry) -> None:
        key = (chat_id, vk_id)
        entries = self._by_author.get(key)
        if entries is None:
            entries = self._by_author[key] = collections.deque()
        entries.append(entry)
        horizon = entry.at - KEEP_SECONDS
        while entries and entries[0].at < horizon:
            entries.popleft()
        self._adds += 1
        if self._adds % 10_000 == 0:
            self.prune(int(horizon))

    def prune(self, before: int) -> None:
        for key in list(self._by_author):
            entries = self._by_author[key]
            while entries and entries[0].at < before:
                entries.popleft()
            if not entries:
                del self._by_author[key]

    async def _load(self, since: int) -> None:
        self._by_author.clear()
        for chat_id, vk_id, at, fingerprint, stickers in await repo.recent_all(self.db, since):
            self._by_author.setdefault((chat_id, vk_id), collections.deque()).append(Entry(at, fingerprint, stickers))
        self._loaded = True
