"""Callback API server: VK POSTs events; we confirm the address, check the secret, record the
event in the inbox (VK retries, so duplicates are dropped by event_id) and answer «ok» at once.

Everything in a request is outside input until the secret matches, and much of it after: a
malformed request gets 400/403/413 and at most one escaped, length-capped log line, never a
traceback. ``GET <health_path>`` answers 200 or 503 from the ``health`` verdict it is given (the
runtime's ``bot.runtime.health.check``) and nothing more."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web

from bot.vk.events import EventInbox, Verdict

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024        # VK events are a few kilobytes; anything this big is not from VK
MAX_EVENT_ID = 128            # VK's ids are 40 hex characters
LOG_CAP = 64                  # characters of a sender-supplied value that may reach the log


def loggable(value: Any, limit: int = LOG_CAP) -> str:
    """A sender-supplied value made safe for one log line: escaped (no newlines, control or
    non-ASCII characters that could forge or garble lines) and cut to ``limit`` characters."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return f"<{type(value).__name__}>"
    text = str(value)
    return ascii(text[:limit]) + ("…" if len(text) > limit else "")


def _reply(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, headers={"Cache-Control": "no-store"})


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, absurd numbers, absurd nesting
        return None
    return event if isinstance(event, dict) else None


def _group_id(value: Any) -> int | None:
    """VK sends a number; a numeric string is tolerated, anything else is malformed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    return None


def _malformed(event: dict[str, Any]) -> str | None:
    """Why a signed event cannot be stored and handled (None when its envelope is sound)."""
    event_id = event.get("event_id")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= MAX_EVENT_ID:
        return "bad event_id"
    if not isinstance(event.get("object"), dict):
        return "bad object"
    if "v" in event and not isinstance(event["v"], str):
        return "bad v"
    return None


class CallbackServer:
    def __init__(self, *, inbox: EventInbox, health: Callable[[], Awaitable[Verdict]], group_id: int,
                 path: str, secret: str | None,
                 confirmation: str, handle: Callable[[dict[str, Any]], Coroutine[Any, Any, None]],
                 health_path: str | None = "/healthz", max_body: int = MAX_BODY) -> None:
        if not secret or not confirmation:
            # config validation refuses this first; the server never runs open whatever it is given
            raise ValueError("callback server needs a secret and a confirmation string")
        self.inbox = inbox
        self.health = health
        self.group_id = group_id
        self.path = path
        self.health_path = health_path
        self._secret = secret.encode("utf-8")
        self.confirmation = confirmation
        self.handle = handle
        self.max_body = max_body
        self.tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self._last_health: tuple[bool, str | None] | None = None
        self.port: int | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body)
        app.router.add_post(self.path, self.receive)
        if self.health_path:
            app.router.add_get(self.health_path, self.healthz)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > self.max_body:
            return _reply(413, "too large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:  # chunked bodies have no length up front
            return _reply(413, "too large")
        event = _parse(body)
        if event is None:
            return _reply(400, "bad json")
        kind = event.get("type")
        if not isinstance(kind, str) or not kind:
            return _reply(400, "bad event")
        group_id = _group_id(event.get("group_id"))
        if group_id is None:
            return _reply(400, "bad group_id")
        if group_id != self.group_id:
            log.warning("callback for another group %s rejected", loggable(group_id))
            return _reply(403, "wrong group")
        if kind == "confirmation":
            return _reply(200, self.confirmation)
        if not self._signed(event.get("secret")):
            log.warning("callback with a wrong secret rejected (event %s)", loggable(event.get("event_id")))
            return _reply(403, "wrong secret")
        problem = _malformed(event)
        if problem is not None:
            log.warning("callback event %s rejected: %s", loggable(event.get("event_id")), problem)
            return _reply(400, "bad event")
        event.pop("secret", None)
        await self._accept(event, request.headers.get("X-Retry-Counter"))
        return _reply(200, "ok")

    def _signed(self, given: Any) -> bool:
        if not isinstance(given, str):
            return False
        # bytes, not str: compare_digest refuses non-ASCII str; surrogatepass keeps a lone
        # surrogate from raising (it can never match a secret that came from TOML or env)
        return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), self._secret)

    async def _accept(self, event: dict[str, Any], retry: str | None) -> None:
        fresh = await self.inbox.accept([event], ts_key=None, ts=None)
        if fresh:
            task = asyncio.create_task(self.handle(fresh[0]))
            self.tasks.add(task)
            task.add_done_callback(self._handed_over)
        elif retry:
            log.info("callback retry %s of event %s dropped", loggable(retry, 8), loggable(event["event_id"]))

    def _handed_over(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # the event stays pending in the inbox and is replayed at the next start
            log.error("callback event not handed to the pipeline: %s", type(task.exception()).__name__)

    async def healthz(self, request: web.Request) -> web.Response:
        try:
            verdict = await self.health()
            state = (verdict.ok, verdict.problem)
        except (ValueError, TypeError) as exc:  # a garbled value in kv: unhealthy, not a crash
            state = (False, f"health state unreadable: {type(exc).__name__}")
        if state != self._last_health:  # log changes, not every probe of the load balancer
            if state[0]:
                log.info("health: ok")
            else:
                log.warning("health: %s", state[1])
            self._last_health = state
        return _reply(200, "ok") if state[0] else _reply(503, "unavailable")

    async def start(self, host: str, port: int) -> int:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
