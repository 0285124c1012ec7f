"""People's display names, cached: a violation names its author in the public notice, the private
warning and every moderator's alert — one look-up for all of them, not one each.

A person linked to the roster is named as the school wrote them (``local``: the runner reads the
database; «Иванов Пётр Сергеевич» shown as «Пётр Иванов»): no ``users.get`` at all. Anyone else is
asked from VK, the names a batch of messages needs in one ``users.get``. Names live in memory
only (never in logs) and expire, so a renamed account is shown by its new name within hours.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

from bot.domain.names import gender_of, split_fio
from bot.vk.errors import VkError
from bot.vk.gateway import VkGateway

# A person's name inside a recorded text is a placeholder, filled in when the action is performed:
# deciding never waits for VK (a join storm would otherwise hold the database for every name).
# Private-use characters, so that nothing a person types can look like one.
_OPEN, _CLOSE = "\ue000", "\ue001"
PLACEHOLDER = re.compile(f"{_OPEN}name:(\\d+){_CLOSE}")
TTL_S = 6 * 3600
MAX_NAMES = 50_000
USERS_PER_REQUEST = 1000  # users.get's limit of user_ids

log = logging.getLogger(__name__)

LocalNames = Callable[[list[int]], Awaitable[dict[int, str]]]  # vk ids → full roster names


class Names:
    def __init__(self, gateway: VkGateway, *, monotonic: Callable[[], float] = time.monotonic,
                 local: LocalNames | None = None) -> None:
        self.gateway = gateway
        self._monotonic = monotonic
        self.local = local
        # vk id → (name, female: VK's «sex» 1/2 as True/False, None when not given; expiry)
        self._cache: OrderedDict[int, tuple[str, bool | None, float]] = OrderedDict()
        self._asking: dict[int, asyncio.Future[None]] = {}  # look-ups under way (asked once)
        self.asked_vk = 0  # users.get requests made

    async def name(self, vk_id: int) -> str:
        cached = self.cached(vk_id)
        if cached is not None:
            self._cache.move_to_end(vk_id)
            return cached
        await self.prefetch([vk_id])
        return self.cached(vk_id) or f"id{vk_id}"  # not cached when VK failed: it may answer next time

    async def prefetch(self, vk_ids: Iterable[int]) -> None:
        """Make the names of these people known: the roster's first, the rest in one ``users.get``
        (a person already being looked up is waited for, not asked again)."""
        wanted = [v for v in dict.fromkeys(int(v) for v in vk_ids) if self.cached(v) is None]
        others = list(dict.fromkeys(self._asking[v] for v in wanted if v in self._asking))
        mine = [v for v in wanted if v not in self._asking]
        if mine:
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            for vk_id in mine:
                self._asking[vk_id] = done
            try:
                await self._look_up(mine)
            finally:
                for vk_id in mine:
                    self._asking.pop(vk_id, None)
                done.set_result(None)
        for future in others:
            await asyncio.shield(future)

    async def _look_up(self, vk_ids: list[int]) -> None:
        missing = vk_ids
        if self.local is not None:
            try:
                found = await self.local(missing)
            except Exception:  # the roster is a shortcut: VK still answers
                log.exception("roster names could not be read")
                found = {}
            for vk_id, full_name in found.items():
                self._put(vk_id, display_name(full_name) or f"id{vk_id}", _female(gender_of(full_name)))
            missing = [v for v in missing if v not in found]
        for start in range(0, len(missing), USERS_PER_REQUEST):
            chunk = missing[start:start + USERS_PER_REQUEST]
            try:
                self.asked_vk += 1
                ids: int | str = chunk[0] if len(chunk) == 1 else ",".join(str(v) for v in chunk)
                users = await self.gateway.call("users.get", user_ids=ids, fields="sex")
            except VkError:
                continue  # not cached: VK may answer next time
            answered: set[int] = set()
            for user in users or []:
                vk_id = int(user.get("id") or 0)
                answered.add(vk_id)
                if user.get("deactivated"):
                    self._put(vk_id, f"id{vk_id}", None)  # a deleted or banned account has no name to show
                    continue
                name = f"{user.get('first_name', '')} {user.get('last_name', '')}".strip() or f"id{vk_id}"
                self._put(vk_id, name, {1: True, 2: False}.get(int(user.get("sex") or 0)))
            for vk_id in chunk:
                if vk_id not in answered:
                    self._put(vk_id, f"id{vk_id}", None)

    def _put(self, vk_id: int, name: str, female: bool | None) -> None:
        self._cache[vk_id] = (name, female, self._monotonic() + TTL_S)
        self._cache.move_to_end(vk_id)
        while len(self._cache) > MAX_NAMES:
            self._cache.popitem(last=False)

    def cached(self, vk_id: int) -> str | None:
        """The name if it is already known (shown recently), without asking VK."""
        cached = self._cache.get(vk_id)
        return cached[0] if cached is not None and cached[2] > self._monotonic() else None

    def female(self, vk_id: int) -> bool | None:
        """Whether the person is a woman, for the words that must agree («допущена»), without
        asking VK (decided when VK must not be waited for): the «sex» VK gave with the name, else
        the name itself (bot/domain/names.py); None when unknown."""
        cached = self._cache.get(vk_id)
        if cached is None or cached[2] <= self._monotonic():
            return None
        if cached[1] is not None:
            return cached[1]
        found = gender_of(cached[0])
        return None if found is None else found == "f"

    @staticmethod
    def placeholder(vk_id: int) -> str:
        return f"{_OPEN}name:{int(vk_id)}{_CLOSE}"

    @staticmethod
    def mentioned(text: str) -> list[int]:
        """The people whose names a recorded text leaves to be filled in."""
        return [int(v) for v in PLACEHOLDER.findall(text)] if _OPEN in text else []

    async def fill(self, text: str) -> str:
        """Replace every placeholder with the person's name (new people looked up together)."""
        if _OPEN not in text:
            return text
        ids = set(self.mentioned(text))
        await self.prefetch(ids)
        names = {str(vk_id): await self.name(vk_id) for vk_id in ids}
        return PLACEHOLDER.sub(lambda m: names[m.group(1)], text).replace(_OPEN, "").replace(_CLOSE, "")

    def forget(self, vk_id: int) -> None:
        self._cache.pop(vk_id, None)


def display_name(full_name: str) -> str:
    """A roster name as people are shown in chats: «Иванов Пётр Сергеевич» → «Пётр Иванов»."""
    last, first, _ = split_fio(full_name)
    return f"{first} {last}".strip()


def _female(gender: str | None) -> bool | None:
    return None if gender is None else gender == "f"
