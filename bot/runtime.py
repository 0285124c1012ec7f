"""Running the bot: vkbottle Bot + our long poll + scheduler, with a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from vkbottle import Bot
from vkbottle.bot import BotLabeler

from bot.app import App
from bot.jobs import build_scheduler
from bot.repo import inbox
from bot.vk.polling import DbPolling

log = logging.getLogger(__name__)

MAX_EVENT_ATTEMPTS = 3


class ZavuchBot(Bot):
    """A Bot that marks each inbox event done once its handlers finish."""

    def __init__(self, app: App, **kwargs: Any) -> None:
        super().__init__(api=app.api, **kwargs)
        self.app = app
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.handled = 0
        self.progress = asyncio.Condition()  # notified after every event (tests await it)

    async def run_polling(self, custom_polling: Any = None) -> None:  # type: ignore[override]
        """vkbottle's loop, but every event task is tracked from creation so that a stop
        can let in-flight events finish instead of cutting them off."""
        polling = custom_polling or self.polling
        async for event in polling.listen():
            for update in event.get("updates", []):
                task = asyncio.create_task(self.process_event(update, polling.api))
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)

    async def process_event(self, event: dict[str, Any], api: Any = None) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
        try:
            await self._process(event, api)
        finally:
            # only now: a stop waits for in-flight events until they are marked done
            if task is not None:
                self.in_flight.discard(task)

    async def _process(self, event: dict[str, Any], api: Any) -> None:
        event_id = str(event.get("event_id") or "")
        try:
            await super().process_event(event, api)
        except asyncio.CancelledError:
            raise  # stays pending in the inbox; replayed on the next start
        except Exception:
            log.exception("event %s (%s) failed", event_id, event.get("type"))
            if event_id:
                await inbox.mark_failed_attempt(self.app.db, event_id, max_attempts=MAX_EVENT_ATTEMPTS)
            await self._progressed()
            return
        if event_id:
            await inbox.mark_done(self.app.db, event_id, self.app.now())
        self.handled += 1
        await self._progressed()

    async def _progressed(self) -> None:
        async with self.progress:
            self.progress.notify_all()

    async def wait_until(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Await ``await predicate()`` becoming truthy, re-checked after every handled event."""

        async def loop() -> Any:
            while True:
                async with self.progress:
                    result = await predicate()
                    if result:
                        return result
                    await self.progress.wait()

        return await asyncio.wait_for(loop(), timeout)


def build_bot(app: App) -> ZavuchBot:
    from handlers import build_labelers
    from handlers.context import app_middleware

    from handlers.rules import CommandRule

    labeler = BotLabeler()
    for feature in build_labelers(app):
        labeler.load(feature)
    # the commands that have a handler: help lists only these
    app.extras["commands"] = {
        rule.key
        for handler in labeler.message_view.handlers
        for rule in getattr(handler, "rules", ())
        if isinstance(rule, CommandRule)
    }
    middleware = app_middleware(app)
    labeler.message_view.register_middleware(middleware)
    labeler.raw_event_view.register_middleware(middleware)
    return ZavuchBot(app, labeler=labeler)


async def replay_pending(bot: ZavuchBot) -> int:
    """Handle events recorded but not finished by the previous run."""
    events = await inbox.pending(bot.app.db)
    for event in events:
        await bot.process_event(event)
    if events:
        log.info("replayed %d pending events", len(events))
    return len(events)


class Runner:
    """Owns the polling task and the scheduler of one App; ``stop()`` ends both cleanly."""

    def __init__(self, app: App, *, wait: int = 25, grace: float = 10.0) -> None:
        self.app = app
        self.bot = build_bot(app)
        self.polling = DbPolling(app.api, app.group_id, app.db, app.clock, wait=wait)
        self.scheduler = build_scheduler(app)
        self.grace = grace
        self._task: asyncio.Task[Any] | None = None
        self.started = asyncio.Event()

    async def start(self) -> None:
        from bot.jobs import heartbeat

        await heartbeat(self.app)
        await replay_pending(self.bot)
        self.scheduler.start()
        self._task = asyncio.create_task(self.bot.run_polling(custom_polling=self.polling))
        self.started.set()

    async def wait(self) -> None:
        assert self._task is not None
        await self._task

    async def stop(self) -> None:
        self.polling.stop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.bot.in_flight:
            done, pending = await asyncio.wait(set(self.bot.in_flight), timeout=self.grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


class CallbackRunner(Runner):
    """The same bot fed by the Callback API instead of long poll (mode = "callback")."""

    def __init__(self, app: App, *, grace: float = 10.0, port: int | None = None) -> None:
        super().__init__(app, grace=grace)
        from bot.vk.callback import CallbackServer

        cfg = app.settings.callback
        self.server = CallbackServer(
            db=app.db, clock=app.clock, group_id=app.group_id, path=cfg.path,
            secret=cfg.secret.get_secret_value() if cfg.secret else None, confirmation=cfg.confirmation,
            handle=self._handle,
        )
        self.port = port if port is not None else cfg.port
        self._stopped = asyncio.Event()

    async def _handle(self, event: dict[str, Any]) -> None:
        await self.bot.process_event(event, self.app.api)

    async def start(self) -> None:
        from bot.jobs import heartbeat

        await heartbeat(self.app)
        await replay_pending(self.bot)
        self.scheduler.start()
        self.port = await self.server.start(self.app.settings.callback.host, self.port)
        self._task = asyncio.create_task(self._stopped.wait())
        self.started.set()

    async def stop(self) -> None:
        await self.server.stop()
        self._stopped.set()
        pending = set(self.server.tasks) | set(self.bot.in_flight)
        if pending:
            await asyncio.wait(pending, timeout=self.grace)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


async def run_until_signal(app: App, *, wait: int = 25) -> None:
    """``zavuch run``: serve until SIGINT/SIGTERM, then stop everything and close the DB."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    runner: Runner = CallbackRunner(app) if app.settings.vk.mode == "callback" else Runner(app, wait=wait)
    await runner.start()
    waiter = asyncio.create_task(stop.wait())
    polling = runner._task
    assert polling is not None
    await asyncio.wait({waiter, polling}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    await runner.stop()
