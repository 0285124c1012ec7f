"""Review of detached units in the real pipeline (each test failed before its fix)."""

from __future__ import annotations

import asyncio
import collections
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.repo import inbox
from bot.pipeline.dispatcher import peer_of
from bot.runtime.stopping import bounded
from tests.e2e.conftest import BotHarness, emu, harness  # noqa: F401

CHAT = 2_000_000_001


async def fail_commits(app: Any, when: str) -> None:
    """Marking event review-1 done fails (a database error injected) while ``when`` holds."""
    await app.db.execute("CREATE TEMP TRIGGER review_fail BEFORE UPDATE ON inbox"
                         f" WHEN NEW.event_id = 'review-1' AND {when}"
                         " BEGIN SELECT RAISE(ABORT, 'injected'); END")


def _update(i: int) -> dict[str, Any]:
    message = {"id": 0, "date": 1_794_992_400 + i, "peer_id": CHAT, "from_id": 500 + i, "text": f"msg {i}",
               "conversation_message_id": i, "attachments": [], "fwd_messages": [], "out": 0, "version": 1,
               "important": False, "is_hidden": False}
    return {"type": "message_new", "event_id": f"review-{i}", "v": "5.199", "group_id": 1000,
            "object": {"message": message, "client_info": {"button_actions": ["text"], "keyboard": True,
                                                           "inline_keyboard": True, "carousel": True,
                                                           "lang_id": 0}}}


async def test_a_spilled_peer_read_back_does_not_handle_again_an_event_whose_commit_is_in_flight(
        harness: BotHarness) -> None:  # noqa: F811
    """A peer's queue ran dry while its later events wait on disk: the read-back must not return
    the events just handled whose detached commits (their claims) are not in yet — each event of
    a chat is decided once, and a second decision would see the first one's recent history."""
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    bot.dispatcher.per_peer = 2
    routed: collections.Counter[str] = collections.Counter()
    route = bot.routes.route

    async def counting(event: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        routed[str(event.get("event_id"))] += 1
        return await route(event, *args, **kwargs)

    bot.routes.route = counting  # type: ignore[method-assign]
    updates = [_update(i) for i in range(1, 9)]
    fresh = await inbox.accept_batch(app.db, updates, ts_key=None, ts=None, now=app.now(), peer_of=peer_of)
    assert len(fresh) == 8
    for update in fresh:
        bot.dispatcher.put_nowait(update)
    await bot.settled()
    assert dict(routed) == {f"review-{i}": 1 for i in range(1, 9)}
    assert await app.db.fetchval("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0


async def test_an_event_whose_detached_commit_failed_once_is_not_decided_again(
        harness: BotHarness) -> None:  # noqa: F811
    """The promise: every event of a chat is handled in order, once. A detached unit's commit
    failed once (a transient error) while the chat's later events were being decided: its writes
    are tried again with a later group — the event is not decided again (after them)."""
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    failures = [1, 1]  # the group together, then its unit alone

    def fail_once() -> int:
        if failures:
            failures.pop()
            return 1
        return 0

    await app.db._conn.create_function("review_fail_once", 0, fail_once)
    await fail_commits(app, "review_fail_once()")
    routed: list[str] = []

    async def recording(event: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        routed.append(str(event.get("event_id")))  # decides nothing that writes: detached units

    bot.routes.route = recording  # type: ignore[method-assign]
    fresh = await inbox.accept_batch(app.db, [_update(i) for i in range(1, 5)], ts_key=None, ts=None,
                                     now=app.now(), peer_of=peer_of)
    for update in fresh:
        bot.dispatcher.put_nowait(update)
    await bot.settled()
    assert not failures  # the injected failure happened
    assert await app.db.fetchval("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0
    assert routed == [f"review-{i}" for i in range(1, 5)]  # each once, in order


async def test_a_detached_commit_that_fails_after_the_queues_stopped_leaves_its_event_pending(
        harness: BotHarness) -> None:  # noqa: F811
    """Stopping: the event queues are stopped while an event's detached commit is still in the
    database thread; it fails. The event must stay pending on disk (the next run replays it),
    not be queued again into the stopped dispatcher and decided while the bot shuts down."""
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    release = threading.Event()

    def fail_after_stop() -> int:
        release.wait(10)  # in the database thread: the commit is in flight until the queues stopped
        return 1

    await app.db._conn.create_function("review_fail_after_stop", 0, fail_after_stop)
    await fail_commits(app, "review_fail_after_stop()")
    routed: list[str] = []

    async def recording(event: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        routed.append(str(event.get("event_id")))

    bot.routes.route = recording  # type: ignore[method-assign]
    fresh = await inbox.accept_batch(app.db, [_update(1)], ts_key=None, ts=None, now=app.now(), peer_of=peer_of)
    bot.dispatcher.put_nowait(fresh[0])
    await bot.dispatcher.idle()
    assert routed == ["review-1"] and app.db.flushing
    await bot.stop_queues(1)  # as Runner.stop does
    release.set()
    await asyncio.wait_for(app.db.flushed(), 10)
    drains = list(bot.dispatcher._drains.values())
    if drains:
        await asyncio.wait(drains, timeout=5)
    assert routed == ["review-1"], "decided again after the queues stopped"
    assert await app.db.fetchval("SELECT status FROM inbox WHERE event_id = 'review-1'") == "pending"


async def test_an_event_committed_at_its_second_attempt_is_done(
        harness: BotHarness) -> None:  # noqa: F811
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    failures = [1, 1]  # the group together, then its unit alone

    def fail_once() -> int:
        return failures.pop() if failures else 0

    await app.db._conn.create_function("review_fail_once", 0, fail_once)
    await fail_commits(app, "review_fail_once()")

    async def nothing(event: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        return None

    bot.routes.route = nothing  # type: ignore[method-assign]
    fresh = await inbox.accept_batch(app.db, [_update(1)], ts_key=None, ts=None, now=app.now(), peer_of=peer_of)
    bot.dispatcher.put_nowait(fresh[0])
    await bot.settled()
    assert not failures
    assert await app.db.fetchval("SELECT status FROM inbox WHERE event_id = 'review-1'") == "done"
    assert bot.dispatcher.parked == 0


async def test_an_event_whose_writes_keep_failing_is_parked_and_the_operators_told(
        harness: BotHarness) -> None:  # noqa: F811
    """Never silent, never decided twice: a detached unit whose writes fail at every attempt is
    parked (operators told) once its attempts are spent; it is routed once."""
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    await fail_commits(app, "NEW.status = 'done'")
    routed: list[str] = []

    async def recording(event: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        routed.append(str(event.get("event_id")))

    bot.routes.route = recording  # type: ignore[method-assign]
    fresh = await inbox.accept_batch(app.db, [_update(1), _update(2)], ts_key=None, ts=None, now=app.now(),
                                     peer_of=peer_of)
    for update in fresh:
        bot.dispatcher.put_nowait(update)
    await bot.settled()
    assert routed == ["review-1", "review-2"]
    assert await app.db.fetchval("SELECT status FROM inbox WHERE event_id = 'review-1'") == "failed"  # parked
    assert await app.db.fetchval("SELECT status FROM inbox WHERE event_id = 'review-2'") == "done"
    operators = await app.db.fetchval("SELECT COUNT(*) FROM action WHERE event_id LIKE 'poison:%' AND kind = 'send'")
    assert operators >= 1


async def test_a_parking_in_flight_when_the_queues_stop_finishes_before_the_stop_returns(
        harness: BotHarness) -> None:  # noqa: F811
    """Never silent at shutdown: an event whose writes failed just before the stop is being
    parked (operators told) when the queues stop; the stop waits for it instead of closing the
    database under it."""
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    await fail_commits(app, "NEW.status = 'done'")

    async def nothing(event: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        return None

    bot.routes.route = nothing  # type: ignore[method-assign]
    parking, release = asyncio.Event(), asyncio.Event()
    park = bot.park

    async def slow_park(event: dict[str, Any], exc: BaseException, attempts: int) -> None:
        parking.set()
        await release.wait()
        await park(event, exc, attempts)

    bot.park = slow_park  # type: ignore[method-assign]
    stop_dispatcher = bot.dispatcher.stop

    async def stop_then_release(grace: float) -> None:  # the parking goes on once the queues stopped
        await stop_dispatcher(grace)
        release.set()

    bot.dispatcher.stop = stop_then_release  # type: ignore[method-assign]
    fresh = await inbox.accept_batch(app.db, [_update(1)], ts_key=None, ts=None, now=app.now(), peer_of=peer_of)
    bot.dispatcher.put_nowait(fresh[0])
    await asyncio.wait_for(parking.wait(), 10)
    await asyncio.wait_for(bot.stop_queues(5.0), 10)
    assert await app.db.fetchval("SELECT status FROM inbox WHERE event_id = 'review-1'") == "failed"  # parked
    assert not bot._background


async def test_a_parking_is_not_left_running_when_the_stop_overruns_its_bound(
        harness: BotHarness) -> None:  # noqa: F811
    """The queues and the parking share one grace: when a stuck chat event and a slow parking
    make the stop overrun the bound the runner gives it, the parking is cancelled (the event
    stays pending on disk for the next run), never left running on a closing database."""
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    await fail_commits(app, "NEW.status = 'done'")
    stuck, routing = asyncio.Event(), asyncio.Event()

    async def route(event: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        if event.get("event_id") == "review-2":
            routing.set()
            await stuck.wait()  # a chat event that never ends

    bot.routes.route = route  # type: ignore[method-assign]
    parking, never = asyncio.Event(), asyncio.Event()

    async def slow_park(event: dict[str, Any], exc: BaseException, attempts: int) -> None:
        parking.set()
        await never.wait()  # a parking that cannot finish (the database is out)

    bot.park = slow_park  # type: ignore[method-assign]
    fresh = await inbox.accept_batch(app.db, [_update(1)], ts_key=None, ts=None, now=app.now(), peer_of=peer_of)
    bot.dispatcher.put_nowait(fresh[0])
    await asyncio.wait_for(parking.wait(), 10)
    other = dict(_update(2))
    other["object"] = dict(other["object"], message=dict(other["object"]["message"], peer_id=CHAT + 1))
    bot.dispatcher.put_nowait(other)
    await asyncio.wait_for(routing.wait(), 10)
    await bounded(bot.stop_queues(0.5), "stopping the event queues", 0.7)  # as Runner._finish bounds it
    assert all(task.done() for task in bot._background)
    assert await app.db.fetchval("SELECT status FROM inbox WHERE event_id = 'review-1'") == "pending"
