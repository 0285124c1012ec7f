"""Per-token request limiter: at most ``rate`` requests start within any ``period``.

A slot is taken when a request starts and is held until its response arrives *and* at least
``period`` has passed since it started, so slow requests are counted while in flight and a
burst never exceeds VK's 20 requests per second, even as VK measures it on arrival.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable


class RateLimiter:
    def __init__(
        self,
        rate: int = 20,
        period: float = 1.0,
        *,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.period = period + margin
        self._clock = clock
        self._slots = asyncio.Semaphore(rate)
        self.in_flight = 0
        self.peak_in_flight = 0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._slots.acquire()
        started = self._clock()
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            self.in_flight -= 1
            remaining = self.period - (self._clock() - started)
            if remaining > 0:
                asyncio.get_running_loop().call_later(remaining, self._slots.release)
            else:
                self._slots.release()
