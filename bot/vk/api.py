"""A vkbottle ``API`` whose every request passes the rate limiter and the retry policy.

vkbottle's own calls (``message.answer``, the long-poll server request) go through
``request()`` too, so nothing reaches VK around the limiter.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientError
from vkbottle import API
from vkbottle.exception_factory import VKAPIError

from bot.vk.errors import VkUnavailable
from bot.vk.ratelimit import RateLimiter

log = logging.getLogger(__name__)

# error code -> base delay in seconds; doubled on each attempt
RETRY_DELAYS: dict[int, float] = {6: 0.5, 10: 0.5, 9: 5.0}


class LimitedAPI(API):
    def __init__(
        self,
        token: str,
        *,
        api_url: str,
        api_version: str,
        limiter: RateLimiter,
        attempts: int = 4,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(token)
        self.API_URL = api_url
        self.API_VERSION = api_version
        self.limiter = limiter
        self.attempts = attempts
        self._sleep = sleep
        self.requests_made = 0

    async def request(
        self, method: str, data: dict[str, Any], version: str | None = None
    ) -> dict[str, Any]:
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.limiter.slot():
                    self.requests_made += 1
                    return await super().request(method, dict(data), version)
            except VKAPIError as exc:
                delay = RETRY_DELAYS.get(exc.code)
                if delay is None or attempt >= self.attempts:
                    raise
                log.warning("VK %s answered %s, retry %d", method, exc.code, attempt)
                await self._sleep(delay * 2 ** (attempt - 1))
            except (ClientError, asyncio.TimeoutError) as exc:
                if attempt >= self.attempts:
                    raise VkUnavailable(0, method, type(exc).__name__) from exc
                log.warning("VK %s transport error %s, retry %d", method, type(exc).__name__, attempt)
                await self._sleep(0.5 * 2 ** (attempt - 1))
