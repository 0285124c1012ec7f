"""NORMAL packs' headroom with a low configured rps_limit (the config allows 1..20; found by review, failed before)."""
from __future__ import annotations

import asyncio

import pytest

from bot.vk.lanes import Lane
from bot.vk.ratelimit import RateLimiter
from bot.pipeline import runner as runner_mod


@pytest.mark.parametrize("rate", [1, 2, 3])
async def test_a_normal_pack_gets_a_slot_with_a_low_rate(rate: int) -> None:
    limiter = RateLimiter(rate)  # every slot free: nothing else is going on
    headroom = runner_mod.HEADROOM[runner_mod.Lane.NORMAL]

    async def take() -> None:
        async with limiter.reserved(Lane.NORMAL, headroom=headroom):
            pass

    await asyncio.wait_for(take(), 2)  # hangs forever: _free > 3 is never true
