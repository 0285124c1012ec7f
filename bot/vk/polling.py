"""Bots Long Poll whose position lives in our database, not in ``.vkbottle/``.

Each batch of updates is written to the inbox together with the next ``ts`` in one
transaction before it is handed to the dispatcher, so a restart resumes exactly where the
last run stopped: done events are never handled again, pending ones are replayed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import aiohttp
import msgspec
from aiohttp.client_exceptions import ClientConnectionError
from vkbottle.exception_factory import VKAPIError
from vkbottle.polling import BotPolling

from bot.vk.errors import VkUnavailable
from bot.vk.events import EventInbox

log = logging.getLogger(__name__)

# events stored (and handed on) together from one long-poll answer: the first chunk's events
# are being handled while the rest is stored. The rest goes in bigger chunks: each one stored
# waits behind a group commit and for the loop's next pass, and with chunks of 1,000 the loop
# ran out of stored events (bench/README.md, fourth pass); smaller first chunks cost more
# write-lock handoffs with the group commit than their earlier start saves
STORE_CHUNK = 1000
NEXT_CHUNK = 4000


def chunks(count: int) -> list[tuple[int, int]]:
    """The (start, end) of each chunk of an answer of ``count`` events (one, empty, for none)."""
    bounds = [(0, min(count, STORE_CHUNK))]
    for start in range(STORE_CHUNK, count, NEXT_CHUNK):
        bounds.append((start, min(start + NEXT_CHUNK, count)))
    return bounds


_DECODER = msgspec.json.Decoder()
_TS = re.compile(rb'^\s*\{\s*"ts"\s*:\s*"?(\d{1,20})"?\s*,')
UNREADABLE = "unreadable"  # a key of the answer decode_answer skipped (its size in bytes)


def decode_answer(body: bytes) -> Any:
    """A long-poll answer: msgspec reads valid JSON in UTF-8 twice as fast as ``json``; an answer
    it refuses (a string VK cut in the middle of a character, a number beyond a double) is read
    leniently as before — the same batch must never fail (and be re-fetched) forever. One nested
    deeper than any reader goes (absurd: VK's events are a few levels deep) cannot be read at
    all: its position is taken from the text and the batch is skipped, said in the log
    (``UNREADABLE``), instead of blocking every chat's events for ever."""
    try:
        return _DECODER.decode(body)
    except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError):
        try:
            return json.loads(body.decode("utf-8", "replace"))
        except RecursionError:
            found = _TS.match(body)
            if found is None:
                raise ValueError("long poll answer nested too deep, without a position") from None
            return {"ts": found.group(1).decode(), "updates": [], UNREADABLE: len(body)}


class DbPolling(BotPolling):
    def __init__(self, api: Any, group_id: int, inbox: EventInbox, wait: int = 25) -> None:
        super().__init__(api, group_id=group_id, wait=wait, skip_old_events=False)
        self.inbox = inbox
        self.ts_key = f"longpoll_ts:{group_id}"
        self.idle = asyncio.Event()  # set while waiting on an empty poll (used by tests)
        self.peer_of: Any = None      # set by the runner: which queue an event belongs to
        # set by the runner: tells the operators that an answer (its ts, its size) was skipped
        self.on_unreadable: Callable[[str, int], Awaitable[None]] | None = None
        self._session: aiohttp.ClientSession | None = None

    def save_server_ts(self, server: dict[str, Any]) -> None:  # vkbottle's file state: unused
        return None

    def restore_server_ts(self, server: dict[str, Any]) -> dict[str, Any]:
        return server

    async def get_event(self, server: dict[str, Any]) -> dict[str, Any]:
        """One long-poll request. The body is decoded leniently: a string VK cuts in the middle
        of a character must not make the same batch fail (and be re-fetched) forever."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        params = {"act": "a_check", "key": server["key"], "ts": server["ts"], "wait": self.wait}
        async with self._session.post(server["server"], params=params,
                                      timeout=aiohttp.ClientTimeout(total=self.wait + 10)) as resp:
            body = await resp.read()
        if resp.status >= 500:
            raise aiohttp.ClientConnectionError(f"long poll answered HTTP {resp.status}")
        event = decode_answer(body)
        if not isinstance(event, dict):
            raise ValueError("long poll answer is not an object")
        return event

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def listen(self) -> AsyncGenerator[dict[str, Any], None]:
        self._stop_event = asyncio.Event()
        retry = 0
        server: dict[str, Any] = {}
        while not self._stop_event.is_set():
            try:
                if not server:
                    server = await self.get_server()
                    saved = await self.inbox.position(self.ts_key)
                    if saved is not None:
                        server["ts"] = saved
                event = await self.get_event(server)
                if "failed" in event:
                    if event["failed"] in (1, 3):
                        log.warning("long poll failed=%s: events may have been lost", event["failed"])
                    server = await self.handle_failed_event(server, event)
                    if server and event["failed"] in (1, 3):
                        await self.inbox.save_position(self.ts_key, str(server["ts"]))
                    continue
                if "ts" not in event:
                    server = {}
                    continue
                if UNREADABLE in event:
                    log.error("long poll answer of %d bytes nested too deep to read: its events are skipped",
                              event[UNREADABLE])
                    if self.on_unreadable is not None:  # before the position moves past it
                        await self.on_unreadable(str(event["ts"]), int(event[UNREADABLE]))
                updates = event.get("updates") or []
                updates = updates if isinstance(updates, list) else []
                # stored in chunks, each handed on once it is stored: the first events of a big
                # batch are being handled while the rest are written. The position is saved with
                # the last chunk: a failure before it fetches the batch again, and what was
                # stored already is recognised (not new, not handed on twice).
                for start, end in chunks(len(updates)):
                    last = end >= len(updates)
                    fresh = await self.inbox.accept(
                        updates[start:end], ts_key=self.ts_key if last else None,
                        ts=str(event["ts"]) if last else None, peer_of=self.peer_of,
                    )
                    if fresh:
                        yield {"ts": event["ts"], "updates": fresh}
                server["ts"] = event["ts"]
                retry = 0
            except asyncio.CancelledError:
                raise
            except (ClientConnectionError, asyncio.TimeoutError, VKAPIError[10], VkUnavailable) as exc:
                retry = min(retry + 1, 60)
                log.error("long poll request failed (%s), retry %d", type(exc).__name__, retry)
                await asyncio.sleep(0.1 * retry)
            except Exception:
                retry = min(retry + 1, 60)
                log.exception("long poll error, retry %d", retry)
                server = {}
                await asyncio.sleep(0.1 * retry)
