"""bounded(): a step of a stop never holds it longer than its bound, even one that ignores its
cancellation; the step that overran is named in the log. Nothing sleeps: steps wait on events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

import pytest

from bot.runtime.stopping import bounded

LOGGER = "bot.runtime.stopping"


async def swallowing_loop(poke: asyncio.Event, release: asyncio.Event, looping: asyncio.Event) -> None:
    """The action runner's old timer: ``wait_for`` in a loop. Under Python 3.11 a cancel that
    arrives while the awaited event has just been set is swallowed and the loop goes on."""
    while not release.is_set():
        looping.set()
        poke.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(poke.wait(), 1.0)


async def test_a_step_that_ends_in_time_is_awaited() -> None:
    done = asyncio.Event()

    async def step() -> str:
        done.set()
        return "ok"

    assert await bounded(step(), "a quick step", 1.0) is True
    assert done.is_set()


async def test_a_step_that_never_ends_is_cancelled_at_its_bound_and_named(caplog: pytest.LogCaptureFixture) -> None:
    never = asyncio.Event()
    cancelled = asyncio.Event()

    async def stuck() -> None:
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert await asyncio.wait_for(bounded(stuck(), "closing the stuck thing", 0.05), 5) is False
    assert cancelled.is_set()
    assert [r.getMessage() for r in caplog.records] == ["closing the stuck thing did not end within 0.1 s; cancelled"]


async def test_a_stop_awaiting_a_loop_that_swallowed_its_cancel_ends_at_its_bound(
        caplog: pytest.LogCaptureFixture) -> None:
    """The hang of the test suite: the action runner's stop cancelled its timer just as an action
    was recorded (its event set), the timer's ``wait_for`` swallowed the cancel, and the stop
    awaited the timer forever. Bounded, the stop goes on (and its cancel ends the loop)."""
    poke, release, looping = asyncio.Event(), asyncio.Event(), asyncio.Event()
    timer = asyncio.ensure_future(swallowing_loop(poke, release, looping))
    await asyncio.wait_for(looping.wait(), 5)
    looping.clear()
    poke.set()  # an action recorded ...
    timer.cancel()  # ... in the moment the stop cancels the timer
    if sys.version_info < (3, 12):
        await asyncio.wait_for(looping.wait(), 5)  # the cancel was swallowed: the loop went on
        assert not timer.done()

    async def stop() -> None:  # ActionRunner.stop: its tasks cancelled, then awaited
        await asyncio.gather(timer, return_exceptions=True)

    try:
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert await asyncio.wait_for(bounded(stop(), "stopping the action runner", 0.05), 5) is False
        assert [r.getMessage() for r in caplog.records] == [
            "stopping the action runner did not end within 0.1 s; cancelled"]
    finally:
        release.set()
        poke.set()
        await asyncio.wait({timer}, timeout=5)
    assert timer.done()


async def test_a_step_that_ignores_its_cancellation_is_left_behind(caplog: pytest.LogCaptureFixture) -> None:
    """``asyncio.wait_for`` (the old ``_bounded``) waits for a cancelled step to end: a step that
    ignores its cancel held the stop forever. ``bounded`` leaves it behind and goes on."""
    release, entered = asyncio.Event(), asyncio.Event()
    cancels = 0

    async def stubborn() -> None:
        nonlocal cancels
        while True:
            try:
                entered.set()
                await release.wait()
                return
            except asyncio.CancelledError:
                cancels += 1  # and goes on waiting

    step = asyncio.ensure_future(stubborn())
    await asyncio.wait_for(entered.wait(), 5)
    try:
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            outcome = await asyncio.wait_for(bounded(step, "closing the stubborn thing", 0.05, unwind=0.05), 5)
        assert outcome is False
        assert cancels == 1 and not step.done()
        assert [r.getMessage() for r in caplog.records] == [
            "closing the stubborn thing did not end within 0.1 s, nor when cancelled; left behind"]
    finally:
        release.set()
        await asyncio.wait({step}, timeout=5)
    assert step.done()


async def test_a_failing_step_is_logged_by_type_only_and_counts_as_ended(caplog: pytest.LogCaptureFixture) -> None:
    async def failing() -> None:
        raise RuntimeError("Иванов Петя wrote something")  # a message may quote a name

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert await bounded(failing(), "closing the failing thing", 1.0) is True
    assert [r.getMessage() for r in caplog.records] == ["closing the failing thing failed: RuntimeError"]


async def test_cancelling_the_stop_cancels_its_step() -> None:
    started, never, cancelled = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def step() -> None:
        started.set()
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    stop = asyncio.ensure_future(bounded(step(), "a step", 60))
    await asyncio.wait_for(started.wait(), 5)
    stop.cancel()
    await asyncio.wait({stop}, timeout=5)
    assert stop.cancelled()
    await asyncio.wait_for(cancelled.wait(), 5)
