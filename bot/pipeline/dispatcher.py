"""Events of one peer in order, one at a time; different peers in parallel up to a cap.

``put`` waits while too many events are queued (back-pressure: long polling stops fetching
instead of memory growing). One busy peer cannot hold everyone up: beyond ``per_peer`` events in
memory, a peer's further events stay only on disk (they are already in the inbox) and are read
back, in order, when its queue runs dry. Each event is handled by ``handle``; an event that raises is retried
a few times in place (later events of the same peer wait — their decisions depend on it), then
parked by ``park`` so that nothing else waits for it.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Event = dict[str, Any]
CHAT_PEER_BASE = 2_000_000_000


def peer_of(event: Event) -> int:
    """The conversation an event belongs to (0 when it has none: such events share one queue)."""
    obj = event.get("object")
    if not isinstance(obj, dict):
        return 0
    inner = obj.get("message")
    message = inner if isinstance(inner, dict) else obj
    for key in ("peer_id", "user_id", "from_id"):
        value = message.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


# a chat's turn: the events it handles one after another before the other chats, the group
# commit and long poll get theirs (about twenty ordinary messages). Shorter turns cost the loop
# more switching (0.5 and 1 ms: 4–5 % fewer messages per second than 2 ms, bench/README.md,
# fourth pass); longer ones keep the database thread's results waiting longer for the loop
TURN_SECONDS = 0.002


class Dispatcher:
    def __init__(
        self,
        handle: Callable[[Event], Awaitable[None]],
        park: Callable[[Event, BaseException, int], Awaitable[None]],
        *,
        max_active: int = 32,
        max_queued: int = 5000,
        per_peer: int = 100,
        load_spilled: Callable[[int, int], Awaitable[list[Event]]] | None = None,
        attempts: int = 3,
        retry_delays: tuple[float, ...] = (0.05, 0.5),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        turn: float = TURN_SECONDS,
    ) -> None:
        self._handle = handle
        self._park = park
        self.per_peer = per_peer
        self._load_spilled = load_spilled  # (peer, limit) -> the peer's pending events on disk
        self._spilled: dict[int, int] = {}  # peer -> events left on disk since the last read-back
        self._active = asyncio.Semaphore(max_active)
        self.max_queued = max_queued
        self.attempts = attempts
        self.retry_delays = retry_delays
        self._sleep = sleep
        self.turn = turn  # how long a chat may go on before the others get their turn
        self._queues: dict[int, collections.deque[Event]] = {}
        self._drains: dict[int, asyncio.Task[None]] = {}
        self._queued = 0
        self._room = asyncio.Condition()
        self._waiting = 0  # puts waiting for room
        self._progress = asyncio.Condition()
        self._watching = 0  # callers of idle() waiting
        self.handled = 0
        self.parked = 0

    @property
    def queued(self) -> int:
        return self._queued

    async def put(self, event: Event) -> None:
        """Queue one event behind the earlier ones of its peer; waits while the queues are full."""
        if self._queued >= self.max_queued:
            self._waiting += 1
            try:
                async with self._room:
                    await self._room.wait_for(lambda: self._queued < self.max_queued)
            finally:
                self._waiting -= 1
        self.put_nowait(event)

    def put_nowait(self, event: Event) -> None:
        """Queue without waiting (replay of a previous run's events: they are already on disk)."""
        peer = peer_of(event)
        queue = self._queues.setdefault(peer, collections.deque())
        on_disk = self._load_spilled is not None and bool(event.get("event_id"))
        if on_disk and (peer in self._spilled or len(queue) >= self.per_peer):
            self._spilled[peer] = self._spilled.get(peer, 0) + 1  # read back when its turn comes
        else:
            queue.append(event)
            self._queued += 1
        if peer not in self._drains:
            self._drains[peer] = asyncio.create_task(self._drain(peer), name=f"peer-{peer}")

    async def _drain(self, peer: int) -> None:
        queue = self._queues[peer]
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with self._active:
                while queue or peer in self._spilled:
                    if not queue:
                        await self._read_back(peer, queue)
                        continue
                    event = queue[0]
                    try:
                        await self._one(event)
                    finally:
                        queue.popleft()
                        self._queued -= 1
                        await self._signal()
                    # an event served from memory never suspends: without this one chat's whole
                    # queue would run before any other chat's turn, the group commit or long poll.
                    # A turn lasts a few events (``turn``), not one: a turn given after every
                    # event cost the event loop about a twentieth of its time per message
                    if loop.time() - started >= self.turn:
                        await asyncio.sleep(0)
                        started = loop.time()
        finally:
            if not queue:
                self._queues.pop(peer, None)
            self._drains.pop(peer, None)
            if queue:  # cancelled with events left: they stay pending in the inbox
                self._queued -= len(queue)
                self._queues.pop(peer, None)

    async def _read_back(self, peer: int, queue: collections.deque[Event]) -> None:
        """The peer's queue ran dry while events of it wait on disk: read the next ones back.
        Everything earlier of this peer is handled, so what is pending on disk comes next."""
        assert self._load_spilled is not None
        seen = self._spilled.get(peer, 0)
        events = await self._load_spilled(peer, self.per_peer)
        if not events and self._spilled.get(peer, 0) == seen:
            self._spilled.pop(peer, None)  # nothing left on disk and nothing new meanwhile
            await self._signal()
            return
        queue.extend(events)
        self._queued += len(events)

    async def _one(self, event: Event) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                await self._handle(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure is counted and, at last, parked
                if attempt >= self.attempts:
                    log.error("event %s parked after %d attempts: %s at %s", _id(event), attempt,
                              type(exc).__name__, _where(exc))
                    self.parked += 1
                    try:
                        await self._park(event, exc, attempt)
                    except Exception as park_exc:  # noqa: BLE001 - the queue must go on
                        log.error("parking event %s failed: %s at %s", _id(event), type(park_exc).__name__,
                                  _where(park_exc))
                    return
                log.warning("event %s failed (%s at %s), attempt %d", _id(event), type(exc).__name__,
                            _where(exc), attempt)
                await self._sleep(self.retry_delays[min(attempt - 1, len(self.retry_delays) - 1)])
            else:
                self.handled += 1
                return

    async def _signal(self) -> None:
        # only when somebody waits: after every event, taking both locks cost more than the rest
        # of the queue's bookkeeping
        if self._waiting:
            async with self._room:
                self._room.notify_all()
        if self._watching:
            async with self._progress:
                self._progress.notify_all()

    async def idle(self) -> None:
        """Return once nothing is queued or running."""
        self._watching += 1
        try:
            async with self._progress:
                await self._progress.wait_for(lambda: self._queued == 0 and not self._spilled)
        finally:
            self._watching -= 1

    async def stop(self, grace: float) -> None:
        """Let running events finish for ``grace`` seconds; queued ones stay pending on disk."""
        for queue in self._queues.values():
            while len(queue) > 1:  # keep the head: it may be running
                queue.pop()
                self._queued -= 1
        drains = list(self._drains.values())
        if drains:
            done, pending = await asyncio.wait(drains, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1)


def _where(exc: BaseException) -> str:
    """Where it failed, without the exception's message (it may quote a message or a name)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames[-4:]))


def _id(event: Event) -> str:
    # the id only, escaped: it may come from outside (callback mode)
    return repr(str(event.get("event_id") or "?")[:64])
