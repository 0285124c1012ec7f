"""The action runner's stop ends, also when an action is recorded in the moment it cancels its
tasks (the intermittent hang of the test suite's teardowns). Nothing sleeps."""

from __future__ import annotations

import asyncio

from bot.db import Database
from bot.domain.clock import FixedClock
from bot.pipeline.effects import Effects
from bot.pipeline.runner import ActionRunner
from bot.pipeline.unit import unit

NOW = 1_790_000_000
CHAT = 2_000_000_001


async def test_the_timer_ends_when_cancelled_as_an_action_is_recorded(db: Database) -> None:
    """Python 3.11's wait_for returned normally when it was cancelled just as its event was set:
    the timer (holding a delayed deletion, so waiting with a timeout) went on, and ``stop``,
    awaiting its cancelled tasks, waited forever."""
    clock = FixedClock(NOW)
    effects = Effects(db, clock)
    runner = ActionRunner(db, None, clock)  # type: ignore[arg-type]  # nothing is performed
    effects.on_recorded(runner.wake)
    with unit("test:delayed"):
        async with db.transaction():
            await effects.delete(CHAT, [7], not_before=NOW + 3600)  # held aside: due in an hour
    await runner.start()
    timer = next(task for task in runner._tasks if task.get_name() == "actions-delayed")
    try:
        for _ in range(3):  # the timer reaches its wait (one step each: no time passes)
            await asyncio.sleep(0)
        runner.wake()  # an action recorded ...
        timer.cancel()  # ... as the stop cancels the timer
        done, _ = await asyncio.wait({timer}, timeout=3)
        assert timer in done and timer.cancelled(), "the timer swallowed its cancel and went on"
    finally:
        await asyncio.wait_for(runner.stop(grace=0.1), 10)
