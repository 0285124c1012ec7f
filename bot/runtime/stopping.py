"""Stopping that cannot hang: each step of a stop is bounded and named in the log when it overruns.

``asyncio.wait_for`` is no bound for a stop: when its time is up it cancels the step and then
waits, however long it takes, until the step has ended. A step that never answers its
cancellation therefore holds ``wait_for`` forever — and under Python 3.11 that is not only other
people's code: ``wait_for`` itself returns normally when it is cancelled in the moment its inner
awaitable has just completed, so a ``while True`` loop around it swallows the cancellation and
goes on (the action runner's timer did, and the stop awaiting it waited forever). ``bounded``
waits with ``asyncio.wait`` instead, which never waits for a cancelled step to end: a step that
overruns is cancelled, given a moment to unwind, and left behind if it still runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

log = logging.getLogger(__name__)

UNWIND_SECONDS = 1.0  # how long a cancelled step may take to end before it is left behind


async def bounded(step: Awaitable[Any], what: str, seconds: float, *, unwind: float = UNWIND_SECONDS) -> bool:
    """Await one step of a stop for at most ``seconds`` (plus ``unwind`` when it must be cancelled).

    True when the step finished in time. A failure is logged with its type only (an exception's
    text may quote a message or a name) and counts as finished: the stop goes on either way.
    False when it overran: it is cancelled, and left running if it ignores that. ``what`` names
    the step in the log — a fixed phrase, never data. Cancelling the caller cancels the step."""
    task = asyncio.ensure_future(step)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
        if not done:
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=unwind)
            if not done:
                task.add_done_callback(_retrieve)  # a late outcome is not reported as never retrieved
                log.warning("%s did not end within %.1f s, nor when cancelled; left behind", what, seconds)
            else:
                _retrieve(task)
                log.warning("%s did not end within %.1f s; cancelled", what, seconds)
            return False
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task.cancelled():
        log.warning("%s was cancelled", what)
        return True
    exc = task.exception()
    if exc is not None:
        log.warning("%s failed: %s", what, type(exc).__name__)
    return True


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
