"""Recorded actions against a real vkemu: performed once, resumed after a restart, idempotent
sends, lanes, retries without losing the action, and rights lost reported."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.clock import FixedClock
from bot.db import Database, open_database
from bot.pipeline import runner as runner_mod
from bot.pipeline.effects import Effects, Kind, Lane
from bot.pipeline.runner import ActionRunner, random_id_of
from bot.pipeline.unit import unit
from bot.repo import outbox
from bot.vk.api import LimitedAPI
from bot.vk.errors import VkUnavailable
from bot.vk.gateway import VkGateway
from bot.vk.ratelimit import RateLimiter
from vkemu import Emulator

GROUP_ID = 1000
TOKEN = "emu-token"


class World:
    def __init__(self, emu: Emulator, db: Database, gateway: VkGateway) -> None:
        self.emu = emu
        self.db = db
        self.gateway = gateway
        self.clock = FixedClock(1_790_000_000)
        self.effects = Effects(db, self.clock)
        self.runners: list[ActionRunner] = []

    def runner(self) -> ActionRunner:
        runner = ActionRunner(self.db, self.gateway, self.clock, sleep=_no_sleep)
        self.effects.on_recorded(runner.wake)
        self.runners.append(runner)
        return runner

    async def statuses(self) -> list[tuple[str, str]]:
        return [tuple(r) for r in await self.db.fetchall("SELECT kind, status FROM action ORDER BY id")]


async def _no_sleep(_: float) -> None:
    return None


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    emu = Emulator(group_id=GROUP_ID, token=TOKEN)
    await emu.start()
    db = await open_database(tmp_path / "bot.db")
    api = LimitedAPI(TOKEN, api_url=emu.api_url, api_version="5.199", limiter=RateLimiter(20), sleep=_no_sleep)
    w = World(emu, db, VkGateway(api, GROUP_ID))
    try:
        yield w
    finally:
        for runner in w.runners:
            await runner.stop(grace=0)
        await api.http_client.close()
        await db.close()
        await emu.stop()


async def test_actions_recorded_before_a_restart_are_performed_by_the_next_run(world: World) -> None:
    user = world.emu.add_user("Анна", "Иванова", allows_messages=True)
    with unit("event-1"):
        async with world.db.transaction():
            await world.effects.send(user, "первое")
            await world.effects.send(user, "второе")
    # no runner yet (the process died after the commit): both wait in the outbox
    assert await world.statuses() == [("send", "pending"), ("send", "pending")]
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert [m.text for m in world.emu.sent(user)] == ["первое", "второе"]  # in the order recorded
    assert await world.statuses() == [("send", "done"), ("send", "done")]
    assert await world.db.fetchval("SELECT COUNT(*) FROM action WHERE params != '{}'") == 0  # texts gone


async def test_a_send_repeated_after_a_crash_reaches_the_person_once(world: World) -> None:
    user = world.emu.add_user("Анна", "Иванова", allows_messages=True)
    with unit("event-2"):
        await world.effects.send(user, "ответ")
    action = (await outbox.pending(world.db))[0]
    runner = world.runner()
    await runner._perform(action)  # performed, then the process died before marking it done
    await runner.start()           # the next run performs it again: same random_id
    await asyncio.wait_for(runner.drained(), 5)
    assert [m.text for m in world.emu.sent(user)] == ["ответ"]
    assert random_id_of(action) == random_id_of(action) and 0 < random_id_of(action) < 2**31


async def test_re_running_a_handler_records_nothing_new(world: World) -> None:
    user = world.emu.add_user("Анна", "Иванова", allows_messages=True)
    for _ in range(2):  # the same event handled twice (the first run's marking was lost)
        with unit("event-3"):
            await world.effects.send(user, "ответ")
            await world.effects.send(user, "и ещё")
    assert await world.db.fetchval("SELECT COUNT(*) FROM action") == 2


async def test_rights_lost_are_reported_and_the_action_ends(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [], with_bot=True, bot_admin=False)
    cmid = world.emu.user_message(peer, owner, "привет")
    lost: list[int] = []

    async def rights_lost(chat_id: int) -> None:
        lost.append(chat_id)

    runner = world.runner()
    runner.on_rights_lost = rights_lost
    await runner.start()
    await world.effects.delete(peer, [cmid], chat_id=7)
    await asyncio.wait_for(runner.drained(), 5)
    assert lost == [7]
    assert await world.statuses() == [(Kind.DELETE, "failed")]


async def test_vk_unavailable_is_retried_without_losing_the_action(world: World, monkeypatch) -> None:
    user = world.emu.add_user("Анна", "Иванова", allows_messages=True)
    real_send = world.gateway.send
    failures = [VkUnavailable(0, "messages.send", "ServerDisconnectedError")] * 2

    async def flaky_send(*args, **kwargs):
        if failures:
            raise failures.pop()
        return await real_send(*args, **kwargs)

    monkeypatch.setattr(world.gateway, "send", flaky_send)
    runner = world.runner()
    await runner.start()
    await world.effects.send(user, "дойдёт")
    await asyncio.wait_for(runner.drained(), 5)
    assert [m.text for m in world.emu.sent(user)] == ["дойдёт"]
    assert tuple(await world.db.fetchone("SELECT status, attempts FROM action")) == ("done", 3)


async def test_urgent_actions_overtake_bulk_ones(world: World, monkeypatch) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    order: list[str] = []
    real_perform = ActionRunner._perform

    async def tracking(self: ActionRunner, action: outbox.Recorded) -> None:
        order.append(Lane(action.lane).name)
        await real_perform(self, action)

    monkeypatch.setattr(ActionRunner, "_perform", tracking)
    monkeypatch.setattr(runner_mod, "WORKERS", {Lane.URGENT: 1, Lane.NORMAL: 1, Lane.BULK: 1})
    peers = [world.emu.create_chat(f"чат {i}", owner, [], with_bot=True, bot_admin=True) for i in range(30)]
    async with world.db.transaction():
        for peer in peers:
            await world.effects.send(peer, "объявление", lane=Lane.BULK)
        await world.effects.send(owner, "срочно", lane=Lane.URGENT)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert order.index("URGENT") <= 1  # at most the one bulk action already running went first


async def test_deletions_queued_for_one_chat_go_out_in_one_call(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов")
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    cmids = [world.emu.user_message(peer, kid, f"сообщение {i}") for i in range(7)]
    async with world.db.transaction():
        for cmid in cmids:
            with unit(f"event-{cmid}"):
                await world.effects.delete(peer, [cmid], chat_id=1)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert all(m.deleted_for_all for m in world.emu.history(peer) if m.cmid in cmids)
    deletes = [c for c in world.emu.calls if c.method == "messages.delete"]
    assert len(deletes) == 1
    assert await world.statuses() == [(Kind.DELETE, "done")] * 7


async def test_what_waits_for_a_retried_deletion_holds_no_worker(world: World, monkeypatch) -> None:
    """Regression: gated follow-ups used to block workers while their sanction's deletion waited
    for a retry; with more follow-ups than workers nothing could run the deletion again."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    cmid = world.emu.user_message(peer, kid, "плохое слово")
    real_delete = world.gateway.delete_for_all
    failures = [VkUnavailable(0, "messages.delete", "TimeoutError")]

    async def flaky_delete(*args, **kwargs):
        if failures:
            raise failures.pop()
        return await real_delete(*args, **kwargs)

    monkeypatch.setattr(world.gateway, "delete_for_all", flaky_delete)
    with unit("event-gate"):
        async with world.db.transaction():
            await world.effects.delete(peer, [cmid], chat_id=1, violation_id=1)
            for _ in range(runner_mod.WORKERS[Lane.URGENT] + 3):  # more follow-ups than workers
                await world.effects.send(owner, "оповещение", lane=Lane.URGENT)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert next(m for m in world.emu.history(peer) if m.cmid == cmid).deleted_for_all
    assert len(world.emu.sent(owner)) == runner_mod.WORKERS[Lane.URGENT] + 3


async def test_a_refused_sanction_deletion_cancels_the_rest_of_its_decision(world: World) -> None:
    """Not only lost rights: any final refusal (here 924) takes the decision's follow-ups with it
    and calls the moderation back, in one transaction with the failure."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    cmid = world.emu.user_message(peer, kid, "плохое слово")
    world.emu.fail_next("messages.delete", 924)
    failed: list[int] = []

    async def sanction_failed(violation_id: int, rights_lost: bool = False) -> None:
        assert world.db.in_transaction()  # with the failure and the cancellation
        failed.append(violation_id)

    runner = world.runner()
    runner.on_sanction_failed = sanction_failed
    with unit("event-924"):
        async with world.db.transaction():
            await world.effects.delete(peer, [cmid], chat_id=1, violation_id=5)
            await world.effects.send(peer, "сообщение удалено, предупреждение")
            await world.effects.send(kid, "вам предупреждение")
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert failed == [5]
    assert not world.emu.sent(peer) and not world.emu.sent(kid)  # nothing says «deleted»
    assert await world.statuses() == [(Kind.DELETE, "failed"), (Kind.SEND, "failed"), (Kind.SEND, "failed")]


async def test_a_delayed_deletion_waits_aside_until_due_and_survives_a_restart(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов")
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    with unit("event-answer"):
        async with world.db.transaction():
            await world.effects.send(peer, "ответ на команду", delete_after=60)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)  # the delayed deletion is not a backlog to wait for
    answer = world.emu.sent(peer)[-1]
    assert runner.delayed == 1 and not answer.deleted_for_all
    assert await world.statuses() == [(Kind.SEND, "done"), (Kind.DELETE, "pending")]
    # a restart before it is due: the next run holds it aside again
    await runner.stop(grace=0)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert runner.delayed == 1 and not answer.deleted_for_all
    world.clock.advance(61)
    runner.wake()

    def deleted() -> bool:
        return next(m for m in world.emu.history(peer) if m.cmid == answer.cmid).deleted_for_all

    await world.emu.wait_for(deleted, timeout=5)
    await asyncio.wait_for(runner.drained(), 5)
    assert runner.delayed == 0
    assert await world.statuses() == [(Kind.SEND, "done"), (Kind.DELETE, "done")]


async def test_a_delete_with_not_before_in_the_past_runs_at_once(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов")
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    cmid = world.emu.user_message(peer, kid, "команда")
    with unit("event-past"):
        async with world.db.transaction():
            await world.effects.delete(peer, [cmid], not_before=int(world.clock.now()) - 1)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert next(m for m in world.emu.history(peer) if m.cmid == cmid).deleted_for_all
