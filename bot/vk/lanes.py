"""Priority lanes for VK requests: who goes first when the 20 requests/s are scarce.

The lane travels with the task in a context variable, so the code that decides what a request
is for (the action runner, a bulk job) sets it once, and every VK call made below it — including
vkbottle's own ``message.answer`` — is counted in that lane by the rate limiter.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from enum import IntEnum


class Lane(IntEnum):
    URGENT = 0   # deleting a violation, removing a violator, answering the person who asked
    NORMAL = 1   # warnings, alerts, notices, everything not marked otherwise
    BULK = 2     # join storms, promotions, announcements: what is left of the budget


current_lane: contextvars.ContextVar[Lane] = contextvars.ContextVar("vk_lane", default=Lane.NORMAL)


@contextlib.contextmanager
def lane(which: Lane) -> Iterator[Lane]:
    """VK requests made inside this block (in this task and tasks it creates) use ``which``."""
    token = current_lane.set(Lane(which))
    try:
        yield Lane(which)
    finally:
        current_lane.reset(token)
