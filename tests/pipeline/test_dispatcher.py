"""The dispatcher: in order per peer, parallel across peers up to a cap, back-pressure, retries
and parking. Events are plain dicts; handlers are test doubles that record what they saw."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.pipeline.dispatcher import Dispatcher, peer_of


def msg(peer: int, n: int) -> dict[str, Any]:
    return {"type": "message_new", "event_id": f"e{peer}-{n}", "object": {"message": {"peer_id": peer, "text": n}}}


async def no_sleep(_: float) -> None:
    return None


async def one_turn() -> None:
    """Let every ready task run one step (no timed waiting)."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.call_soon(done.set_result, None)
    await done


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[int, Any]] = []
        self.active = 0
        self.peak = 0
        self.parked: list[tuple[str, str, int]] = []
        self.gates: dict[int, asyncio.Event] = {}
        self.changed = asyncio.Condition()

    async def handle(self, event: dict[str, Any]) -> None:
        self.active += 1
        self.peak = max(self.peak, self.active)
        async with self.changed:
            self.changed.notify_all()
        try:
            peer = peer_of(event)
            gate = self.gates.get(peer)
            if gate is not None:
                await gate.wait()
            self.seen.append((peer, event["object"]["message"]["text"]))
        finally:
            self.active -= 1
            async with self.changed:
                self.changed.notify_all()

    async def park(self, event: dict[str, Any], exc: BaseException, attempts: int) -> None:
        self.parked.append((event["event_id"], type(exc).__name__, attempts))


def test_peer_of_reads_messages_buttons_and_odd_shapes() -> None:
    assert peer_of(msg(2000000001, 1)) == 2000000001
    assert peer_of({"type": "message_event", "object": {"peer_id": 5, "user_id": 7}}) == 5
    assert peer_of({"type": "group_join", "object": {"user_id": 9}}) == 9
    assert peer_of({"type": "x", "object": "not an object"}) == 0
    assert peer_of({"type": "x"}) == 0


async def test_events_of_one_peer_run_in_order_one_at_a_time() -> None:
    rec = Recorder()
    d = Dispatcher(rec.handle, rec.park, max_active=8)
    for n in range(50):
        d.put_nowait(msg(2000000001, n))
    await asyncio.wait_for(d.idle(), 5)
    assert [text for _, text in rec.seen] == list(range(50))
    assert rec.peak == 1


async def test_different_peers_run_in_parallel_up_to_the_cap() -> None:
    rec = Recorder()
    d = Dispatcher(rec.handle, rec.park, max_active=3)
    for peer in range(1, 7):
        rec.gates[peer] = asyncio.Event()
        d.put_nowait(msg(peer, 0))

    async def three_running() -> None:
        async with rec.changed:
            await rec.changed.wait_for(lambda: rec.active >= 3)

    await asyncio.wait_for(three_running(), 5)
    for _ in range(5):
        await one_turn()
    assert rec.active == 3  # the cap holds: three peers blocked, three waiting for a slot
    for gate in rec.gates.values():
        gate.set()
    await asyncio.wait_for(d.idle(), 5)
    assert rec.peak == 3 and len(rec.seen) == 6


async def test_put_waits_while_the_queues_are_full() -> None:
    rec = Recorder()
    rec.gates[1] = asyncio.Event()
    d = Dispatcher(rec.handle, rec.park, max_active=4, max_queued=3)
    for n in range(3):
        await d.put(msg(1, n))
    blocked = asyncio.create_task(d.put(msg(1, 3)))
    for _ in range(5):
        await one_turn()
    assert not blocked.done() and d.queued == 3  # back-pressure: the fourth waits
    rec.gates[1].set()
    await asyncio.wait_for(blocked, 5)
    await asyncio.wait_for(d.idle(), 5)
    assert [text for _, text in rec.seen] == [0, 1, 2, 3]


async def test_a_failing_event_is_retried_then_parked_and_the_rest_go_on() -> None:
    rec = Recorder()
    calls: dict[str, int] = {}

    async def handle(event: dict[str, Any]) -> None:
        calls[event["event_id"]] = calls.get(event["event_id"], 0) + 1
        if event["event_id"] == "e1-1":
            raise ValueError("poison")
        await rec.handle(event)

    d = Dispatcher(handle, rec.park, attempts=3, sleep=no_sleep)
    for n in range(3):
        d.put_nowait(msg(1, n))
    d.put_nowait(msg(2, 0))
    await asyncio.wait_for(d.idle(), 5)
    assert calls["e1-1"] == 3
    assert rec.parked == [("e1-1", "ValueError", 3)]
    assert sorted(rec.seen) == [(1, 0), (1, 2), (2, 0)]
    assert d.parked == 1 and d.handled == 3


async def test_a_transient_failure_is_retried_in_place_keeping_the_order() -> None:
    rec = Recorder()
    failures = {"e1-0": 1}

    async def handle(event: dict[str, Any]) -> None:
        if failures.get(event["event_id"], 0) > 0:
            failures[event["event_id"]] -= 1
            raise ConnectionError("database busy")
        await rec.handle(event)

    d = Dispatcher(handle, rec.park, attempts=3, sleep=no_sleep)
    for n in range(3):
        d.put_nowait(msg(1, n))
    await asyncio.wait_for(d.idle(), 5)
    assert [text for _, text in rec.seen] == [0, 1, 2] and not rec.parked


@pytest.mark.parametrize("grace", [0.0])
async def test_stop_keeps_queued_events_for_the_next_run(grace: float) -> None:
    rec = Recorder()
    rec.gates[1] = asyncio.Event()
    d = Dispatcher(rec.handle, rec.park)
    for n in range(5):
        d.put_nowait(msg(1, n))
    await one_turn()
    await d.stop(grace)
    assert rec.seen == []  # nothing after the running one was started; they stay pending on disk


async def test_a_busy_peer_keeps_a_window_in_memory_and_never_holds_others_up() -> None:
    """Beyond ``per_peer`` events a peer's events wait on disk (the inbox) and are read back in
    order; another peer's events are not queued behind them."""
    rec = Recorder()
    disk: list[dict[str, Any]] = []  # the inbox: what was accepted and is not handled yet

    async def handle(event: dict[str, Any]) -> None:
        await rec.handle(event)
        disk.remove(event)  # marked done with its unit

    async def load(peer: int, limit: int) -> list[dict[str, Any]]:
        return [e for e in disk if peer_of(e) == peer][:limit]

    d = Dispatcher(handle, rec.park, per_peer=3, max_queued=5, load_spilled=load)
    rec.gates[1] = asyncio.Event()
    for n in range(20):  # a join storm in chat 1
        disk.append(msg(1, n))
        await asyncio.wait_for(d.put(disk[-1]), 5)
    assert d.queued <= 3  # the rest of the storm waits on disk, not in memory
    for n in range(3):  # another chat's messages get in and are handled meanwhile
        disk.append(msg(2, n))
        await asyncio.wait_for(d.put(disk[-1]), 5)

    async def other_chat_done() -> None:
        async with rec.changed:
            await rec.changed.wait_for(lambda: len([p for p, _ in rec.seen if p == 2]) == 3)

    await asyncio.wait_for(other_chat_done(), 5)
    assert not [p for p, _ in rec.seen if p == 1]  # chat 1 is still blocked
    rec.gates[1].set()
    await asyncio.wait_for(d.idle(), 5)
    assert [text for p, text in rec.seen if p == 1] == list(range(20))  # all of it, in order
    assert not disk


async def test_chats_take_turns_even_when_no_event_suspends() -> None:
    """Events served from memory never suspend; one chat's queue must still not run to its end
    before another chat's first event (nor before the group commit or long poll get a turn)."""
    seen: list[int] = []

    async def handle(event: dict[str, Any]) -> None:
        seen.append(peer_of(event))  # no await that suspends

    async def park(event: dict[str, Any], exc: BaseException, attempts: int) -> None:
        raise AssertionError("nothing fails here")

    d = Dispatcher(handle, park, max_active=8, turn=0)  # a turn of one event
    for n in range(5):
        d.put_nowait(msg(2000000001, n))
    for n in range(5):
        d.put_nowait(msg(2000000002, n))
    await asyncio.wait_for(d.idle(), 5)
    assert sorted(seen) == [2000000001] * 5 + [2000000002] * 5
    assert seen[:4] == [2000000001, 2000000002, 2000000001, 2000000002]


async def test_a_chat_turn_lasts_a_few_events_not_the_whole_queue() -> None:
    """With a real turn a chat handles several quick events in a row, and still hands the turn
    on once its time is up (here: every event takes the whole turn, by the loop's own clock)."""
    seen: list[int] = []
    clock = [0.0]

    async def handle(event: dict[str, Any]) -> None:
        seen.append(peer_of(event))
        if peer_of(event) == 2000000001:
            clock[0] += 1.0  # a slow chat: each of its events uses a whole turn

    async def park(event: dict[str, Any], exc: BaseException, attempts: int) -> None:
        raise AssertionError("nothing fails here")

    loop = asyncio.get_running_loop()
    real_time = loop.time
    loop.time = lambda: real_time() + clock[0]  # type: ignore[method-assign]
    try:
        d = Dispatcher(handle, park, max_active=8, turn=1.0)
        for n in range(3):
            d.put_nowait(msg(2000000001, n))
        for n in range(3):
            d.put_nowait(msg(2000000002, n))
        await asyncio.wait_for(d.idle(), 5)
    finally:
        loop.time = real_time  # type: ignore[method-assign]
    # the slow chat hands the turn on after each event; the quick one runs its events in a row
    assert seen == [2000000001, 2000000002, 2000000002, 2000000002, 2000000001, 2000000001]
