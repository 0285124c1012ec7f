"""One peer's actions of one lane keep their order under packing (found by review; each failed before)."""
from __future__ import annotations

import asyncio
import time

from bot.pipeline.unit import unit
from tests.pipeline.test_action_runner import World, world  # noqa: F401


async def _yield(_: float) -> None:
    await asyncio.sleep(0)


async def test_one_peers_sends_keep_their_order_when_a_packer_gathers_behind_a_waiting_worker(world: World) -> None:
    p = world.emu.add_user("Ольга", "Модератова", allows_messages=True)
    q = world.emu.add_user("Иван", "Второй", allows_messages=True)
    r = world.emu.add_user("Анна", "Третья", allows_messages=True)
    async with world.db.transaction():
        for i, peer in enumerate([p, p, q, r, p], start=1):
            with unit(f"ev-{i}"):
                await world.effects.send(peer, f"сообщение {i}")  # NORMAL (not a private reply)
    runner = world.runner()
    runner._sleep = _yield
    runner._normal_due = time.monotonic() + 10  # the NORMAL pace makes the first packer wait a moment
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert [m.text for m in world.emu.sent(p)] == ["сообщение 1", "сообщение 2", "сообщение 5"]


async def test_a_long_send_is_not_overtaken_by_a_later_short_one_of_the_same_peer(world: World) -> None:
    p = world.emu.add_user("Ольга", "Модератова", allows_messages=True)
    q = world.emu.add_user("Иван", "Второй", allows_messages=True)
    long_text = "\n".join(f"строка отчёта {i}" for i in range(600))  # over one message: split, sent alone
    async with world.db.transaction():
        for i, (peer, text) in enumerate([(p, long_text), (p, "короткое после"), (q, "другому")], start=1):
            with unit(f"ev-{i}"):
                await world.effects.send(peer, text)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    texts = [m.text for m in world.emu.sent(p)]
    assert texts[-1] == "короткое после", texts[:1] + ["…"] + texts[-1:]
