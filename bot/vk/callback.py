"""Callback API server: VK POSTs events; we confirm the address, check the secret, record the
event in the inbox (VK retries, so duplicates are dropped by event_id) and answer «ok» at once."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.clock import Clock
from bot.db import Database
from bot.repo import inbox

log = logging.getLogger(__name__)


class CallbackServer:
    def __init__(self, *, db: Database, clock: Clock, group_id: int, path: str, secret: str | None,
                 confirmation: str, handle: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self.db = db
        self.clock = clock
        self.group_id = group_id
        self.path = path
        self.secret = secret
        self.confirmation = confirmation
        self.handle = handle
        self.tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(self.path, self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        try:
            event = json.loads(await request.text())
        except ValueError:
            return web.Response(status=400, text="bad json")
        if not isinstance(event, dict) or "type" not in event:
            return web.Response(status=400, text="bad event")
        if int(event.get("group_id") or 0) != self.group_id:
            log.warning("callback for another group %s rejected", event.get("group_id"))
            return web.Response(status=403, text="wrong group")
        if event["type"] == "confirmation":
            return web.Response(text=self.confirmation)
        if self.secret and not hmac.compare_digest(str(event.get("secret", "")), self.secret):
            log.warning("callback with a wrong secret rejected (event %s)", event.get("event_id"))
            return web.Response(status=403, text="wrong secret")
        event.pop("secret", None)
        fresh = await inbox.accept_batch(self.db, [event], ts_key=None, ts=None, now=int(self.clock.now()))
        if fresh:
            task = asyncio.create_task(self.handle(fresh[0]))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        elif request.headers.get("X-Retry-Counter"):
            log.info("callback retry %s of event %s dropped", request.headers["X-Retry-Counter"],
                     event.get("event_id"))
        return web.Response(text="ok")

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
