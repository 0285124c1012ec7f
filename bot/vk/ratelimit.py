"""Per-token request limiter: at most ``rate`` requests start within any ``period``.

A slot is taken when a request starts and is held until ``period`` has passed since its
response arrived. VK counts requests when they *arrive*, and a request arrives before its
response does, so the next request on that slot arrives at least ``period`` after the previous
one whatever the network latency (counting from the start instead lets a slow request and a
fast successor land within one second: VK then answers error 6).
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
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            self.in_flight -= 1
            asyncio.get_running_loop().call_later(self.period, self._slots.release)
