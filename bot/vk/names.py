"""People's display names from VK, cached: a violation names its author in the public notice, the
private warning and every moderator's alert — one ``users.get`` for all of them, not one each.

Names live in memory only (never in the database or logs) and expire, so a renamed account is
shown by its new name within hours.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.domain.names import gender_of
from bot.vk.errors import VkError
from bot.vk.gateway import VkGateway

# A person's name inside a recorded text is a placeholder, filled in when the action is performed:
# deciding never waits for VK (a join storm would otherwise hold the database for every name).
# Private-use characters, so that nothing a person types can look like one.
_OPEN, _CLOSE = "\ue000", "\ue001"
PLACEHOLDER = re.compile(f"{_OPEN}name:(\\d+){_CLOSE}")
TTL_S = 6 * 3600
MAX_NAMES = 50_000


class Names:
    def __init__(self, gateway: VkGateway, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.gateway = gateway
        self._monotonic = monotonic
        # vk id → (name, female: VK's «sex» 1/2 as True/False, None when not given; expiry)
        self._cache: OrderedDict[int, tuple[str, bool | None, float]] = OrderedDict()

    async def name(self, vk_id: int) -> str:
        now = self._monotonic()
        cached = self._cache.get(vk_id)
        if cached is not None and cached[2] > now:
            self._cache.move_to_end(vk_id)
            return cached[0]
        try:
            users = await self.gateway.call("users.get", user_ids=vk_id, fields="sex")
        except VkError:
            return f"id{vk_id}"  # not cached: VK may answer next time
        female: bool | None = None
        if not users or users[0].get("deactivated"):
            name = f"id{vk_id}"  # a deleted or banned account has no name to show
        else:
            name = f"{users[0].get('first_name', '')} {users[0].get('last_name', '')}".strip() or f"id{vk_id}"
            female = {1: True, 2: False}.get(int(users[0].get("sex") or 0))
        self._cache[vk_id] = (name, female, now + TTL_S)
        if len(self._cache) > MAX_NAMES:
            self._cache.popitem(last=False)
        return name

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

    async def fill(self, text: str) -> str:
        """Replace every placeholder with the person's name (one ``users.get`` per new person)."""
        if _OPEN not in text:
            return text
        names = {vk_id: await self.name(int(vk_id)) for vk_id in set(PLACEHOLDER.findall(text))}
        return PLACEHOLDER.sub(lambda m: names[m.group(1)], text).replace(_OPEN, "").replace(_CLOSE, "")

    def forget(self, vk_id: int) -> None:
        self._cache.pop(vk_id, None)
