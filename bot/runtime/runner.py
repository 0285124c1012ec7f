"""Running the bot: events from long poll (or callback) through the inbox into per-chat queues,
each handled as one unit of work; recorded actions performed by the action runner; the
scheduler; a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
import uuid
from typing import TYPE_CHECKING, Any

from vkbottle import Bot
from vkbottle.exception_factory import ErrorHandler

from bot import texts
from bot.db import FLUSH_ATTEMPTS, AlreadyClaimed, Conflict
from bot.runtime.app import App
from bot.runtime.stopping import bounded
from bot.jobs import InFlight, build_scheduler
from bot.pipeline import unit as units
from bot.pipeline.dispatcher import Dispatcher, Event, peer_of
from bot.pipeline.inbox import Inbox
from bot.repo import inbox, outbox
from bot.vk.polling import DbPolling

if TYPE_CHECKING:
    from bot.web.server import WebServer
    from handlers.router import Router

log = logging.getLogger(__name__)

MAX_EVENT_ATTEMPTS = 3
STEP_SECONDS = 5.0  # a step of a stop (beyond the grace it gives running work)
# How long the event loop keeps the interpreter lock while a database thread asks for it. The
# threads need it for a moment between SQLite's steps, a few times per group commit or stored
# answer; with Python's default (5 ms) a busy loop made each of those moments last 5 ms, and a
# group commit 30–50 ms, while the loop itself gained nothing (bench/README.md, fourth pass)
SWITCH_INTERVAL = 0.0005
CHAT_PEER_BASE = 2_000_000_000


def in_one_transaction(event: Event, peer: int | None = None) -> bool:
    """Whether the whole handling of the event is one transaction with its recorded actions.

    Everything that decides about people does: chat messages and service events (moderation,
    joins, chat commands) and button presses on alerts. Private commands and the confirmations of
    previews do not: imports and reports run long and commit in their own short transactions; a
    re-run after a crash records the same actions (same event id and sequence), not new ones.
    ``peer``: the event's ``peer_of``, when the caller has it already.
    """
    if peer is None:
        peer = peer_of(event)
    if event.get("type") == "message_event":
        obj = event.get("object") or {}
        payload = obj.get("payload") if isinstance(obj, dict) else None
        kind = payload.get("a") if isinstance(payload, dict) else None
        # private presses of confirmations and of the menu run the command they lead to (an
        # import, a report) like the typed private command
        return kind not in ("pa", "m") or peer > CHAT_PEER_BASE
    return peer > CHAT_PEER_BASE


class ZavuchBot(Bot):
    """vkbottle's routing with errors reaching us (its router logs and swallows them otherwise);
    the pipeline decides about retries and poison events."""

    def __init__(self, app: App, routes: Router, **kwargs: Any) -> None:
        super().__init__(api=app.api, error_handler=ErrorHandler(raise_exceptions=True), **kwargs)
        self.app = app
        self.routes = routes  # our compiled dispatch (handlers/router.py), not vkbottle's router
        # set (and replaced) after every handled event, committed unit and performed action
        self._progress = asyncio.Event()
        self._watchers = 0  # callers of wait_until waiting (nobody: no Event per event)
        self._background: set[asyncio.Task[None]] = set()  # parking after a failed detached commit
        self._stopping = False  # the queues are stopping: what fails now stays pending on disk
        self.dispatcher = Dispatcher(self.handle, self.park, attempts=MAX_EVENT_ATTEMPTS, load_spilled=self._spilled)

    async def _spilled(self, peer: int, limit: int) -> list[Event]:
        """A peer's next pending events on disk. Its events handled just before are pending there
        until their detached commits (their claims) are in: read back only after those."""
        await self.app.db.flushed()
        return await inbox.pending_of_peer(self.app.db, peer, limit)

    @property
    def handled(self) -> int:
        return self.dispatcher.handled

    async def handle(self, event: Event) -> None:
        """One event as one unit of work (see ``in_one_transaction``); marked done with it."""
        stored = bool(event.get("event_id"))
        event_id = str(event.get("event_id") or "") or f"noid:{uuid.uuid4().hex}"
        db = self.app.db
        peer = peer_of(event)
        try:
            with units.unit(event_id, peer=peer):
                if in_one_transaction(event, peer):
                    try:
                        # a deferred unit: cached reads, blind writes sent with one round trip;
                        # when that is all it wrote, the chat's next event does not wait for the
                        # commit (``committed`` learns how it went)
                        async with db.unit(detach=lambda outcome: self._committed(event, outcome)):
                            # claimed first, in the same transaction: an event that reached a
                            # queue twice (read back from the inbox while in flight) is decided once
                            if stored:
                                await inbox.claim(db, event_id, self.app.now())
                            await self.routes.route(event)
                    except Conflict:
                        # it decided on a read another transaction changed meanwhile: decided
                        # again, holding the write lock from the start (nothing of it was kept)
                        with units.unit(event_id, peer=peer):  # numbered afresh
                            async with db.transaction():
                                if stored and not await inbox.claim_now(db, event_id, self.app.now()):
                                    return
                                await self.routes.route(event)
                    except AlreadyClaimed:
                        pass
                    return
                if stored and not await inbox.is_pending(db, event_id):
                    return
                if stored and await outbox.recorded_for(db, event_id):
                    # a private command that already acted (a crash or a failure came after):
                    # it is never decided again — codes re-issued, files re-sent — only finished
                    log.info("event %r already acted; not decided again", event_id[:64])
                else:
                    await self.routes.route(event)
                await inbox.mark_done(db, event_id, self.app.now())
        finally:
            self._progressed()

    def _committed(self, event: Event, outcome: BaseException | None) -> None:
        """A detached unit's group commit is done. Its writes failed (the database tried them
        again with later groups first): the event is parked and the operators told — never
        decided again, the chat's later events having been decided after it meanwhile. While the
        queues stop it is left pending on disk instead (the next run replays it)."""
        if outcome is not None and not isinstance(outcome, AlreadyClaimed):
            event_id = str(event.get("event_id") or "")
            log.warning("event %r not committed (%s)", event_id[:64], type(outcome).__name__)
            if not self._stopping:
                self.dispatcher.parked += 1
                task = asyncio.get_running_loop().create_task(self.park(event, outcome, FLUSH_ATTEMPTS))
                self._background.add(task)
                task.add_done_callback(self._parked)
        self._progressed()

    def _parked(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # like the dispatcher's own parking: the type only (the message may quote a text)
            log.error("parking an event failed: %s", type(task.exception()).__name__)

    async def park(self, event: Event, exc: BaseException, attempts: int) -> None:
        """A poison event: parked with its id (never its text); operators told; the person who
        wrote gets an apology with a reference, so nobody waits for an answer that never comes."""
        event_id = str(event.get("event_id") or "")
        ref = uuid.uuid4().hex[:6]
        try:
            # parked and reported in one transaction: nobody is left waiting without being told
            with units.unit(f"poison:{event_id or ref}"):
                async with self.app.db.transaction():
                    if event_id:
                        await inbox.park(self.app.db, event_id, attempts=attempts, error=type(exc).__name__,
                                         now=self.app.now())
                    for operator in self.app.settings.bot.operators:
                        await self.app.effects.send(operator, texts.POISON_EVENT.format(ref=ref, kind=_kind(event)))
                    peer = peer_of(event)
                    if 0 < peer < CHAT_PEER_BASE:
                        await self.app.effects.send(peer, texts.INTERNAL_ERROR.format(ref=ref))
            log.error("event %r parked [%s]", event_id[:64], ref)
        finally:
            self._progressed()

    async def report_unreadable(self, ts: str, size: int) -> None:
        """A long-poll answer nobody can read was skipped: the operators are told (once per
        answer: a repeat after a crash sends with the same random_id, which VK drops)."""
        with units.unit(f"unreadable:{ts}"):
            async with self.app.db.transaction():
                for operator in self.app.settings.bot.operators:
                    await self.app.effects.send(operator, texts.UNREADABLE_BATCH.format(size=size))

    async def stop_queues(self, grace: float) -> None:
        """Stop taking events: running ones get ``grace`` seconds, queued ones stay pending on
        disk, and so does an event whose detached commit fails from now on."""
        self._stopping = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace  # one grace for the queues and the parking together
        try:
            await self.dispatcher.stop(grace)
            # an event whose commit failed before the stop is being parked (its operators told):
            # that finishes before the database closes
            if self._background:
                await asyncio.wait(set(self._background), timeout=max(0.0, deadline - loop.time()))
        finally:
            # one that cannot within the grace (or the stop itself was cut short) is cancelled, not
            # left running on a closing database: it stays pending on disk for the next run
            late = [task for task in self._background if not task.done()]
            for task in late:
                task.cancel()
            if late:
                log.warning("%d event(s) not parked before the stop: left pending for the next run", len(late))
                await asyncio.wait(late, timeout=0.5)  # their transactions roll back before the close

    def _progressed(self) -> None:
        if self._watchers:  # (after every event: a new Event only when somebody waits for one)
            self._progress.set()
            self._progress = asyncio.Event()

    async def wait_until(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Await ``await predicate()`` becoming truthy, re-checked after every handled event,
        committed unit and performed action."""

        async def loop() -> Any:
            while True:
                progress = self._progress  # taken before the check: nothing after it is missed
                result = await predicate()
                if result:
                    return result
                await progress.wait()

        self._watchers += 1  # counted before the first check: every progress from then on is signalled
        try:
            return await asyncio.wait_for(loop(), timeout)
        finally:
            self._watchers -= 1

    async def settled(self, timeout: float = 10.0) -> None:
        """Every queued event handled and committed, and every recorded action performed."""

        async def both() -> None:
            while True:
                await self.dispatcher.idle()
                await self.app.db.flushed()
                await self.app.runner.drained()
                if self.dispatcher.queued == 0 and not self.app.db.flushing and not self._background:
                    return
                if self._background:
                    await asyncio.wait(set(self._background))

        await asyncio.wait_for(both(), timeout)


def _kind(event: Event) -> str:
    kind = str(event.get("type") or "?")
    return kind if kind.replace("_", "").isalnum() else "?"


def build_bot(app: App) -> ZavuchBot:
    from handlers.menus import attach_typed
    from handlers.router import compile_handlers

    routes = compile_handlers(app)
    app.commands |= routes.commands  # the commands that have a handler: help lists only these
    bot = ZavuchBot(app, routes)
    attach_typed(app, routes)

    async def performed() -> None:
        bot._progressed()

    app.runner.on_performed = performed
    return bot


async def replay_pending(bot: ZavuchBot) -> int:
    """Queue the events a previous run recorded but did not finish, through the same per-chat
    queues as live events (in arrival order within each chat), without waiting for them."""
    events = await inbox.pending(bot.app.db)
    for event in events:
        bot.dispatcher.put_nowait(event)
    if events:
        log.info("replaying %d pending events", len(events))
    return len(events)


class Runner:
    """Owns polling, the event queues, the action runner and the scheduler of one App."""

    def __init__(self, app: App, *, wait: int = 25, grace: float = 10.0) -> None:
        self.app = app
        self.bot = build_bot(app)
        self.polling = DbPolling(app.api, app.group_id, Inbox(app.db, app.clock), wait=wait)
        self.polling.peer_of = peer_of
        self.polling.on_unreadable = self.bot.report_unreadable
        self.scheduler = build_scheduler(app)
        self.jobs = InFlight(self.scheduler)
        self.grace = grace
        self._task: asyncio.Task[Any] | None = None
        self.started = asyncio.Event()
        self.web = _web_server(app)
        if self.web is not None:
            from bot.services.web_auth import PRUNE_JOB

            name, func, trigger = PRUNE_JOB
            self.scheduler.add_job(func, args=[app], id=name, coalesce=True, max_instances=1, **trigger)

    async def _begin(self) -> None:
        from bot.jobs import heartbeat

        sys.setswitchinterval(SWITCH_INTERVAL)
        await heartbeat(self.app)
        await self.app.runner.start()       # first: finish what the previous run recorded
        await replay_pending(self.bot)
        self.scheduler.start()
        if self.web is not None:  # the web cabinet, when [web] port is set
            await self.web.start(self.app.settings.web.host, self.app.settings.web.port or 0)

    async def start(self) -> None:
        await self._begin()
        self._task = asyncio.create_task(self._poll())
        self.started.set()

    async def _poll(self) -> None:
        async for batch in self.polling.listen():
            for update in batch.get("updates", []):
                await self.bot.dispatcher.put(update)  # waits while the queues are full

    async def wait(self) -> None:
        assert self._task is not None
        await self._task

    async def stop(self) -> None:
        # every step is bounded: a stop must end even when a connection hangs
        self.polling.stop()
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=self.grace)
        await bounded(self.polling.close(), "closing long poll", STEP_SECONDS)
        await self._finish()

    async def _finish(self) -> None:
        # bounded beyond the grace each step gives itself: a task that ignores its cancellation
        # (Python 3.11's wait_for in a loop can swallow one) must not hold the stop forever
        if self.scheduler.running:
            self.scheduler.pause()  # no job starts while the bot stops
        if self.web is not None:
            await bounded(self.web.stop(), "stopping the web cabinet", STEP_SECONDS)
        await bounded(self.bot.stop_queues(self.grace), "stopping the event queues", self.grace + STEP_SECONDS)
        grace = min(self.grace, 5.0)
        await bounded(self.app.runner.stop(grace=grace), "stopping the action runner", grace + STEP_SECONDS)
        if self.scheduler.running:
            # a job running now ends before the database closes (what it records is performed at
            # the next start); one that overruns is cancelled with the others by the shutdown
            await bounded(self.jobs.idle(), "letting the scheduled jobs end", STEP_SECONDS)
            self.scheduler.shutdown(wait=False)


def _web_server(app: App) -> WebServer | None:
    if not app.settings.web.enabled:
        return None
    from bot.web.server import WebServer

    return WebServer(app)


class CallbackRunner(Runner):
    """The same bot fed by the Callback API instead of long poll (mode = "callback")."""

    def __init__(self, app: App, *, grace: float = 10.0, port: int | None = None) -> None:
        super().__init__(app, grace=grace)
        from bot.runtime import health
        from bot.vk.callback import CallbackServer

        async def verdict() -> health.Health:
            return await health.check(app.db, int(app.clock.now()))

        cfg = app.settings.callback
        self.server = CallbackServer(
            inbox=Inbox(app.db, app.clock), health=verdict, group_id=app.group_id, path=cfg.path,
            secret=cfg.secret.get_secret_value() if cfg.secret else None, confirmation=cfg.confirmation,
            handle=self.bot.dispatcher.put, health_path=cfg.health_path,
        )
        self.port = port if port is not None else cfg.port
        self._stopped = asyncio.Event()

    async def start(self) -> None:
        await self._begin()
        self.port = await self.server.start(self.app.settings.callback.host, self.port)
        self._task = asyncio.create_task(self._stopped.wait())
        self.started.set()

    async def stop(self) -> None:
        await bounded(self.server.stop(), "stopping the callback server", STEP_SECONDS)
        self._stopped.set()
        if self.server.tasks:
            await asyncio.wait(set(self.server.tasks), timeout=self.grace)
        await self._finish()


def settle_heap() -> None:
    """Once the bot has started (code, settings, first read models loaded): what lives now is
    kept out of the cyclic garbage collector's work, and it runs less often. Every chat message
    allocates a few hundred short-lived objects; with the defaults a full collection walked the
    whole heap every few hundred messages (2 full collections took 250 ms of a 3,000-message
    burst in ``bench/throughput.py``). Reference counting frees almost everything at once;
    cycles wait a little longer. Process-wide, so only the process that runs the bot calls it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


async def run_until_signal(app: App, *, wait: int = 25) -> None:
    """``zavuch run``: serve until SIGINT/SIGTERM, then stop everything and close the DB."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    runner: Runner = CallbackRunner(app) if app.settings.vk.mode == "callback" else Runner(app, wait=wait)
    await runner.start()
    settle_heap()
    waiter = asyncio.create_task(stop.wait())
    polling = runner._task
    assert polling is not None
    await asyncio.wait({waiter, polling}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    await runner.stop()
