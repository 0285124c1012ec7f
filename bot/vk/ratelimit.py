"""Per-token request limiter: at most ``rate`` requests start within any ``period``.

A slot is taken when a request starts and is held until ``period`` has passed since its
response arrived. VK counts requests when they *arrive*, and a request arrives before its
response does, so the next request on that slot arrives at least ``period`` after the previous
one whatever the network latency (counting from the start instead lets a slow request and a
fast successor land within one second: VK then answers error 6).

Slots are granted by lane (see ``bot.vk.lanes``): a freed slot goes to the oldest waiting
URGENT request, then NORMAL, then BULK. BULK never takes the last ``reserve`` slots, so a
deletion or an answer finds a slot at once even while a join storm keeps the limiter busy; and
BULK's requests are spread over the period instead of starting in a burst, so their slots come
free one by one: a deletion that finds the reserve used waits for the next of them (≈ 66 ms at
20/s), not for a whole burst to cool down (violation → delete p99 with a join storm ≈ 0.4 s).
Callers must not sleep (back off) while holding a slot: the slot is only for the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections import deque
from collections.abc import AsyncIterator, Callable

from bot.vk.lanes import Lane, current_lane


class RateLimiter:
    def __init__(
        self,
        rate: int = 20,
        period: float = 1.0,
        *,
        margin: float = 0.05,
        reserve: int | None = None,
        bulk_spacing: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.period = period + margin
        # slots BULK may not take: 4 of 20; never all of them, or BULK would starve forever
        self.reserve = min(rate - 1, rate // 5 if reserve is None else reserve)
        # the least time between two BULK requests starting: what BULK may take, evenly spread
        self.bulk_spacing = self.period / max(1, rate - self.reserve) if bulk_spacing is None else bulk_spacing
        self._next_bulk = 0.0
        self._bulk_timer: asyncio.TimerHandle | None = None
        self._clock = clock
        self._free = rate
        self._waiters: dict[Lane, deque[asyncio.Future[None]]] = {lane: deque() for lane in Lane}
        self._idle_waiters: list[asyncio.Future[None]] = []
        self._headroom: dict[asyncio.Future[None], int] = {}  # waiters that leave slots free
        self.in_flight = 0
        self.peak_in_flight = 0

    # -- observation (tests, health) ----------------------------------------------------

    @property
    def available(self) -> int:
        """Slots free right now (not in flight and not cooling down)."""
        return self._free

    def waiting(self, lane: Lane | None = None) -> int:
        if lane is not None:
            return sum(1 for f in self._waiters[lane] if not f.done())
        return sum(self.waiting(each) for each in Lane)

    async def wait_idle(self) -> None:
        """Until every slot is free again (all requests answered and cooled down)."""
        while self._free < self.rate:
            fut = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(fut)
            await fut

    # -- the slot -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def reserved(self, lane: Lane, *, headroom: int = 0) -> AsyncIterator[None]:
        """Wait for a slot of ``lane`` (in its turn, as a request would) and keep it for the first
        request this task makes inside the block; unused, it is given back at once. A caller that
        packs work into one request (the action runner) gathers it only once the slot is there:
        the scarcer the slots, the fuller each request. ``headroom``: take one only while more
        than that many are free (warnings leave the last slots to deletions)."""
        await self._acquire(Lane(lane), headroom)
        reservation = _Reservation()
        token = _reservation.set(reservation)
        try:
            yield
        finally:
            _reservation.reset(token)
            if not reservation.used:
                self._free += 1  # never used: nothing to cool down
                self._grant()
                self._wake_idle()

    @contextlib.asynccontextmanager
    async def slot(self, lane: Lane | None = None) -> AsyncIterator[None]:
        reservation = _reservation.get()
        if reservation is not None and not reservation.used:
            reservation.used = True  # taken in turn by ``reserved`` already
        else:
            await self._acquire(current_lane.get() if lane is None else Lane(lane))
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            self.in_flight -= 1
            asyncio.get_running_loop().call_later(self.period, self._release)

    async def _acquire(self, lane: Lane, headroom: int = 0) -> None:
        ahead = any(self._waiters[other] for other in Lane if other <= lane)
        if not ahead and self._may_take(lane, headroom):
            self._took(lane)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[lane].append(fut)
        if headroom:
            self._headroom[fut] = headroom
        self._bulk_later()
        try:
            await fut
        except asyncio.CancelledError:
            self._headroom.pop(fut, None)
            if fut.done() and not fut.cancelled():  # granted, but the caller went away: give it back
                self._free += 1
                self._grant()
            else:
                with contextlib.suppress(ValueError):
                    self._waiters[lane].remove(fut)
            raise

    def _may_take(self, lane: Lane, headroom: int = 0) -> bool:
        if lane is Lane.BULK and self._clock() < self._next_bulk:
            return False  # spread out: ``_bulk_later`` grants it in time
        # never all the slots: a lane that may take none would wait forever (a low rps_limit)
        return self._free > max(self.reserve if lane is Lane.BULK else 0, min(headroom, self.rate - 1))

    def _took(self, lane: Lane) -> None:
        self._free -= 1
        if lane is Lane.BULK and self.bulk_spacing:
            self._next_bulk = self._clock() + self.bulk_spacing

    def _bulk_later(self) -> None:
        """BULK waits only for its spacing: grant it when that has passed (once, whoever else
        comes meanwhile)."""
        if self._bulk_timer is not None or not self._waiters[Lane.BULK]:
            return
        delay = self._next_bulk - self._clock()
        if delay <= 0:
            return

        def due() -> None:
            self._bulk_timer = None
            self._grant()

        self._bulk_timer = asyncio.get_running_loop().call_later(delay, due)

    def _grant(self) -> None:
        for lane in Lane:
            queue = self._waiters[lane]
            while queue and self._may_take(lane, self._headroom.get(queue[0], 0)):
                fut = queue.popleft()
                self._headroom.pop(fut, None)
                if fut.done():  # cancelled while waiting
                    continue
                self._took(lane)
                fut.set_result(None)
            if queue and any(not f.done() for f in queue):
                self._bulk_later()
                return  # a higher lane still waits: lower lanes must not overtake it

    def _release(self) -> None:
        self._free += 1
        self._grant()
        self._wake_idle()

    def _wake_idle(self) -> None:
        if self._free >= self.rate:
            waiters, self._idle_waiters = self._idle_waiters, []
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)


class _Reservation:
    used = False


# the slot ``RateLimiter.reserved`` holds for the task's next request
_reservation: contextvars.ContextVar[_Reservation | None] = contextvars.ContextVar("vk_slot", default=None)
