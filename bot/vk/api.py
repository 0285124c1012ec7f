"""A vkbottle ``API`` whose every request passes the rate limiter, a timeout and our retry policy.

vkbottle's own calls (``message.answer``, ``groups.getLongPollServer``) go through
``request()`` too, so nothing reaches VK around the limiter. The HTTP exchange is ours (plain
aiohttp): vkbottle's response validators and its request "rescheduler" are not used — the
rescheduler retried forever while holding a limiter slot, and once every slot was held by a
retrying request during a VK outage no request was made again.

Rules: a slot is held only for one HTTP exchange, never during a back-off; each exchange has a
timeout; VK errors 6/10 are retried after a short back-off, 9 (flood control) after a long one;
HTTP 5xx, dropped connections, unreadable answers and timeouts after a short one. After the last
attempt a VK error is raised as vkbottle's ``VKAPIError`` (``VkGateway`` maps it) and a transport
failure as ``VkUnavailable``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from vkbottle import API
from vkbottle.exception_factory import VKAPIError
from vkbottle.http import AiohttpClient

from bot.vk.errors import VkUnavailable
from bot.vk.lanes import Lane
from bot.vk.ratelimit import RateLimiter

log = logging.getLogger(__name__)

# error code -> base delay in seconds; doubled on each attempt
RETRY_DELAYS: dict[int, float] = {6: 0.5, 10: 0.5, 9: 5.0}
TRANSPORT_DELAY = 0.5   # HTTP 5xx, dropped connection, timeout; doubled on each attempt
DEFAULT_TIMEOUT = 10.0  # seconds for one exchange (config: vk.timeout_s)
# methods VK may have performed although the exchange failed (a timeout after VK acted), with no
# random_id to drop a repeat: never repeated after a transport failure (a second VK call started)
NOT_REPEATED = frozenset({"calls.start"})


class TransportError(Exception):
    """One HTTP exchange failed below VK's API level (status, connection, timeout, garbage)."""


class LimitedAPI(API):
    http_client: AiohttpClient  # always our own (see __init__): _exchange uses its request()

    def __init__(
        self,
        token: str,
        *,
        api_url: str,
        api_version: str,
        limiter: RateLimiter,
        attempts: int = 4,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # our own client (not vkbottle's process-wide singleton): ``http_client.close()`` closes
        # exactly this API's connections
        super().__init__(token, http_client=AiohttpClient())
        self.API_URL = api_url
        self.API_VERSION = api_version
        self.limiter = limiter
        self.attempts = max(1, attempts)
        self.timeout = timeout
        self._sleep = sleep
        self.requests_made = 0
        self.last_success: float | None = None  # time.time() of the last call VK answered with a response

    async def request(
        self,
        method: str,
        data: dict[str, Any],
        version: str | None = None,
        *,
        lane: Lane | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """VK's whole answer (``{"response": ...}``, plus ``execute_errors`` for execute)."""
        params = _storable(await self.validate_request(dict(data)))
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.limiter.slot(lane):
                    self.requests_made += 1
                    body = await self._exchange(method, params, version, timeout or self.timeout)
            except TransportError as exc:
                if attempt >= self.attempts or method in NOT_REPEATED:
                    raise VkUnavailable(0, method, str(exc)) from None
                log.warning("VK %s transport error (%s), retry %d", method, exc, attempt)
                await self._sleep(TRANSPORT_DELAY * 2 ** (attempt - 1))
                continue
            error = body.get("error")
            if error is None:
                self.last_success = time.time()
                return body
            failure = _vk_error(error)
            delay = RETRY_DELAYS.get(failure.code)
            if delay is None or attempt >= self.attempts:
                raise failure
            log.warning("VK %s answered %s, retry %d", method, failure.code, attempt)
            await self._sleep(delay * 2 ** (attempt - 1))

    async def _exchange(self, method: str, params: dict[str, Any], version: str | None,
                        timeout: float) -> dict[str, Any]:
        """One POST to VK within ``timeout``; a JSON object or TransportError."""
        try:
            async with self.token_generator as token:
                query = {"access_token": token, "v": version or self.API_VERSION}
                async with self.http_client.request(
                    self.API_URL + method, method="POST", data=params, params=query,
                    timeout=aiohttp.ClientTimeout(total=timeout),
                ) as resp:
                    raw = await resp.read()
                    status = resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransportError(type(exc).__name__) from None
        if status >= 500:
            raise TransportError(f"HTTP {status}")
        try:
            # leniently: a text VK cut inside a character must not make the answer unreadable
            body = json.loads(raw.decode("utf-8", "replace"))
        except ValueError:
            raise TransportError(f"HTTP {status}, not JSON") from None
        if not isinstance(body, dict) or ("response" not in body and "error" not in body):
            raise TransportError(f"HTTP {status}, unexpected answer")
        return body


def _vk_error(error: Any) -> VKAPIError:
    fields = dict(error) if isinstance(error, dict) else {}
    code = int(fields.pop("error_code", 0) or 0)
    fields.setdefault("error_msg", "")
    try:
        return VKAPIError[code](**fields)
    except TypeError:  # an answer missing a field its class requires (a captcha without captcha_sid)
        failure = VKAPIError(error_msg=str(fields["error_msg"]))
        failure.code = code  # type: ignore[misc]
        return failure


def _storable(params: dict[str, Any]) -> dict[str, Any]:
    """A lone surrogate (a cut emoji echoed back) cannot be encoded as UTF-8: replace it."""
    return {
        key: value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value
        for key, value in params.items()
    }
