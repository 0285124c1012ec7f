"""The limiter's reservations (the action runner waits for a slot before gathering what shares
its ``execute``) and the headroom warnings leave to deletions."""

from __future__ import annotations

import asyncio

from bot.vk.lanes import Lane
from bot.vk.ratelimit import RateLimiter

CEILING = 5.0


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_reserved_slot_serves_the_next_request_and_an_unused_one_comes_back_at_once() -> None:
    limiter = RateLimiter(3, period=30, margin=0)
    async with limiter.reserved(Lane.URGENT):
        assert limiter.available == 2
        async with limiter.slot(Lane.URGENT):  # the reservation: no second slot taken
            assert limiter.available == 2
        async with limiter.slot(Lane.URGENT):  # the next request takes its own
            assert limiter.available == 1
    assert limiter.available == 1  # both used ones cool down (30 s), nothing else held
    async with limiter.reserved(Lane.NORMAL):
        assert limiter.available == 0
    assert limiter.available == 1  # never used: back at once, no cooling down


async def test_a_reservation_waits_its_lanes_turn() -> None:
    limiter = RateLimiter(1, period=0.05, margin=0)
    order: list[str] = []

    async def request(lane: Lane, name: str) -> None:
        async with limiter.slot(lane):
            order.append(name)

    async def reserving(lane: Lane, name: str) -> None:
        async with limiter.reserved(lane):
            order.append(name)
            async with limiter.slot(lane):
                pass

    async with limiter.slot(Lane.BULK):  # the only slot is busy
        tasks = [asyncio.create_task(request(Lane.NORMAL, "normal")),
                 asyncio.create_task(reserving(Lane.URGENT, "urgent"))]
        await _settle()
        assert order == []
    await asyncio.wait_for(asyncio.gather(*tasks), CEILING)
    assert order == ["urgent", "normal"]  # the reservation went first, as an URGENT request would


async def test_headroom_leaves_the_last_slots_to_others() -> None:
    limiter = RateLimiter(5, period=30, margin=0)
    held = [limiter.slot(Lane.URGENT) for _ in range(2)]
    for slot in held:
        await slot.__aenter__()
    assert limiter.available == 3
    got = asyncio.Event()

    async def warnings() -> None:
        async with limiter.reserved(Lane.NORMAL, headroom=3):
            got.set()

    task = asyncio.create_task(warnings())
    await _settle()
    assert not got.is_set()  # 3 free, not more than 3: it waits
    async with limiter.slot(Lane.URGENT):  # a deletion still gets a slot at once
        assert limiter.available == 2
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert limiter.available == 2 and limiter.waiting() == 0  # the cancelled waiter leaked nothing


async def test_headroom_is_granted_once_enough_slots_are_free() -> None:
    limiter = RateLimiter(4, period=0.05, margin=0)
    async with limiter.slot(Lane.URGENT):
        pass  # one slot cools down for 50 ms: 3 free
    got = asyncio.Event()

    async def warnings() -> None:
        async with limiter.reserved(Lane.NORMAL, headroom=3):
            got.set()

    task = asyncio.create_task(warnings())
    await _settle()
    assert not got.is_set()
    await asyncio.wait_for(got.wait(), CEILING)  # the cooled slot came back: 4 free > 3
    await task
