"""A stop never hangs (the intermittent hang of the suite: a fixture's teardown waiting forever for
the action runner's timer, whose cancel Python 3.11's wait_for had swallowed). Every step of
Runner.stop, App.close and Emulator.stop is bounded and named in the log when it overruns; what
was committed before a close that hung is kept. Nothing sleeps: stuck steps wait on events."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from aiohttp import web

from bot.db import open_database
from bot.repo import inbox
from bot.runtime import runner as runner_module
from tests.e2e.conftest import BotHarness
from vkemu import Emulator

STOPPING = "bot.runtime.stopping"


def warnings(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger and r.levelno >= logging.WARNING]


async def test_a_stop_whose_action_runner_task_ignores_its_cancel_ends_and_names_the_step(
        harness: BotHarness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """ActionRunner.stop awaits its cancelled tasks: one that goes on (its timer's wait_for
    swallowed the cancel) held Runner.stop — and the fixture's teardown — forever."""
    assert harness.app is not None and harness.runner is not None
    monkeypatch.setattr(runner_module, "STEP_SECONDS", 0.5)
    harness.runner.grace = 0.5
    release, entered = asyncio.Event(), asyncio.Event()

    async def ignores_its_cancel() -> None:
        while True:
            try:
                entered.set()
                await release.wait()
                return
            except asyncio.CancelledError:
                continue

    stubborn = asyncio.ensure_future(ignores_its_cancel())
    harness.app.runner._tasks.append(stubborn)
    await asyncio.wait_for(entered.wait(), 5)
    stop = asyncio.ensure_future(harness.runner.stop())
    try:
        with caplog.at_level(logging.WARNING, logger=STOPPING):
            done, _ = await asyncio.wait({stop}, timeout=15)
        assert stop in done, "Runner.stop hung on a task that ignores its cancellation"
        stop.result()
        (warning,) = warnings(caplog, STOPPING)  # the step is named (cancelled, or left behind)
        assert warning.startswith("stopping the action runner did not end within 1.0 s")
        assert not stubborn.done()  # it really ignored its cancel
    finally:
        release.set()
        await asyncio.wait({stubborn, stop}, timeout=5)
    harness.runner = None  # stopped; the fixture closes the app


async def test_a_close_whose_database_thread_never_answers_ends_and_keeps_what_was_committed(
        harness: BotHarness, caplog: pytest.LogCaptureFixture) -> None:
    """aiosqlite's close waits for its worker thread: a call stuck there held App.close forever.
    Bounded, the close goes on; the commit made before it is on disk all the same."""
    app = harness.app
    assert app is not None and harness.runner is not None
    await harness.runner.stop()
    harness.runner = None
    await inbox.set_kv(app.db, "test:committed", "before the close")  # committed (its own transaction)

    started, release = threading.Event(), threading.Event()

    def stuck_in_the_thread() -> None:
        started.set()
        release.wait(30)

    conn: Any = app.db._conn
    worker: threading.Thread = conn._thread
    blocked = asyncio.ensure_future(conn._execute(stuck_in_the_thread))
    assert await asyncio.to_thread(started.wait, 5)
    try:
        with caplog.at_level(logging.WARNING, logger=STOPPING):
            overran = await asyncio.wait_for(app.close(seconds=0.5), 10)
        assert overran == ["closing the database"]
        assert warnings(caplog, STOPPING) == [
            "closing the database did not end within 0.5 s, nor when cancelled; left behind"]
        harness.app = None

        again = await open_database(harness.db_path, migrate=False)
        try:
            assert await inbox.get_kv(again, "test:committed") == "before the close"
        finally:
            await again.close()
    finally:
        release.set()
        await asyncio.wait({blocked}, timeout=5)
        await asyncio.to_thread(worker.join, 5)  # the left-behind close ends once the thread is free
    assert not worker.is_alive()


async def test_a_close_whose_http_client_hangs_still_closes_the_database(
        harness: BotHarness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    app = harness.app
    assert app is not None and harness.runner is not None
    await harness.runner.stop()
    harness.runner = None
    client = app.api.http_client
    real_close = client.close
    never = asyncio.Event()

    async def hangs() -> None:
        await never.wait()

    monkeypatch.setattr(client, "close", hangs)
    try:
        with caplog.at_level(logging.WARNING, logger=STOPPING):
            overran = await asyncio.wait_for(app.close(seconds=0.5), 10)
        assert overran == ["closing the VK HTTP client"]
        assert warnings(caplog, STOPPING) == ["closing the VK HTTP client did not end within 0.5 s; cancelled"]
        harness.app = None
        with pytest.raises(ValueError):  # the steps after it ran: the database is closed
            await app.db.fetchval("SELECT 1")
    finally:
        await real_close()


async def test_an_emulator_stop_whose_server_shutdown_hangs_ends_at_its_bound(
        emu: Emulator, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    server = emu._runner
    assert server is not None
    real_cleanup = web.AppRunner.cleanup
    release = asyncio.Event()

    async def ignores_its_cancel(self: web.AppRunner) -> None:
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue

    monkeypatch.setattr(web.AppRunner, "cleanup", ignores_its_cancel)
    try:
        with caplog.at_level(logging.WARNING, logger="vkemu.emulator"):
            assert await asyncio.wait_for(emu.stop(seconds=0.5), 10) is False
        assert warnings(caplog, "vkemu.emulator") == [
            "vkemu: shutting the HTTP server down took longer than 0.5 s; left behind"]
    finally:
        release.set()
        monkeypatch.setattr(web.AppRunner, "cleanup", real_cleanup)
        await server.cleanup()


async def test_a_scheduled_job_running_at_the_stop_ends_before_the_database_closes(
        harness: BotHarness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tick that happens to run when the bot stops ends before the stop returns (and the
    database closes); no job is reported as having raised. The tick is let go only once the
    rest of the bot has stopped: the stop must wait for it."""
    assert harness.app is not None and harness.runner is not None
    app, runner = harness.app, harness.runner
    entered, release = asyncio.Event(), asyncio.Event()
    finished: list[Any] = []

    async def tick(app: Any) -> None:
        entered.set()
        await release.wait()
        finished.append(await app.db.fetchval("SELECT COUNT(*) FROM kv"))  # the database is open

    stop_actions = app.runner.stop

    async def stop_then_release(*args: Any, **kwargs: Any) -> None:
        await stop_actions(*args, **kwargs)
        release.set()  # the last step before the scheduler's

    monkeypatch.setattr(app.runner, "stop", stop_then_release)
    runner.scheduler.add_job(tick, args=[app], id="review_tick", max_instances=1)  # runs now
    await asyncio.wait_for(entered.wait(), 5)
    assert runner.jobs.count == 1
    with caplog.at_level(logging.ERROR, logger="apscheduler"):
        await asyncio.wait_for(runner.stop(), 15)
        assert len(finished) == 1 and isinstance(finished[0], int)  # ended before the stop returned
    assert [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler") and r.levelno >= logging.ERROR] == []
