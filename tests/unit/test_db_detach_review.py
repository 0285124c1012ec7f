"""Review of detached units and the group commit (``Database.unit(detach=…)``, ``_together``):
each test failed before its fix."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.db import Database
from tests.unit.test_db_detach import CLAIM, db  # noqa: F401 - the same small database




async def test_a_unit_whose_statement_python_refuses_fails_alone_in_a_group(db: Database) -> None:
    """A parameter sqlite3 refuses with a non-sqlite3 error (OverflowError for an int beyond 64
    bits) failed the whole group when the statements ran together: every other chat's event of
    that group was re-queued (and, sharing groups with it again, parked). Unit by unit, only that
    unit fails — the group commit must keep that."""
    outcomes: dict[str, BaseException | None] = {}

    async def one(name: str, claim_id: int, value: object) -> None:
        async with db.unit(detach=lambda outcome: outcomes.__setitem__(name, outcome)):
            await db.defer(CLAIM, (claim_id,), claim=True)
            await db.defer("INSERT INTO log (v) VALUES (?)", (value,))

    await asyncio.gather(one("good", 1, "ok"), one("bad", 2, 2 ** 70), one("good too", 3, "ok too"))
    await asyncio.wait_for(db.flushed(), 5)
    assert outcomes["good"] is None and outcomes["good too"] is None
    assert isinstance(outcomes["bad"], OverflowError)
    assert sorted(r[0] for r in await db.fetchall("SELECT v FROM log")) == ["ok", "ok too"]
    assert [r[0] for r in await db.fetchall("SELECT id FROM ev WHERE done = 1 ORDER BY id")] == [1, 3]


async def test_a_transaction_whose_commit_fails_is_taken_back_and_runs_its_abort_callbacks(db: Database) -> None:
    """COMMIT itself may fail (here a deferred foreign key; in production a full disk): what the
    transaction put in memory must leave it (``on_abort``), its after-commit callbacks must not
    run with the next transaction, and the connection must not stay inside the failed one."""
    await db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await db.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER"
                     " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
    events: list[str] = []
    with pytest.raises(Exception):
        async with db.transaction():
            await db.execute("INSERT INTO child (parent_id) VALUES (42)")  # no such parent: COMMIT fails
            db.on_abort(lambda: events.append("taken back"))
            db.after_commit(lambda: events.append("failed one's after-commit"))
    assert events == ["taken back"]
    async with db.transaction():  # the write path still works
        await db.execute("INSERT INTO log (v) VALUES ('next')")
    assert events == ["taken back"]
    assert await db.fetchval("SELECT COUNT(*) FROM child") == 0
    assert await db.fetchval("SELECT COUNT(*) FROM log") == 1


async def test_an_event_re_run_after_a_conflict_does_not_see_its_own_first_run_as_a_repeat(db: Database) -> None:
    from bot.db import Conflict
    from bot.services.recent import RecentMessages
    from policies.base import Entry

    recent = RecentMessages(db)
    recent._loaded = True
    await db.execute("CREATE TABLE setting (id INTEGER PRIMARY KEY, v TEXT)")
    await db.execute("CREATE TABLE recent_message (chat_id, vk_id, at, fingerprint, stickers)")
    await db.execute("INSERT INTO setting (id, v) VALUES (1, 'a')")
    aborted: list[int] = []
    with pytest.raises(Conflict):
        async with db.unit(detach=lambda outcome: None):
            await db.defer(CLAIM, (1,), claim=True)
            await db.fetchval("SELECT v FROM setting WHERE id = 1")  # a decision rests on it
            await recent.remember(5, 7, Entry(100, "fp", 0))
            db.on_abort(lambda: aborted.append(1))
            # another chat's transaction changes what it read, then this one comes to write
            await asyncio.create_task(db.execute("UPDATE setting SET v = 'b' WHERE id = 1"))
            await db.execute("INSERT INTO log (v) VALUES ('decided')")
    assert aborted == [1] and await recent.since(5, 7, 0) == []
    async with db.transaction():  # the re-run
        assert await recent.since(5, 7, 0) == []
        await recent.remember(5, 7, Entry(100, "fp", 0))
    assert [e.fingerprint for e in await recent.since(5, 7, 0)] == ["fp"]
    assert aborted == [1]


async def test_a_unit_cancelled_while_its_group_commit_is_queued_is_taken_back_once(db: Database) -> None:
    aborted: list[str] = []

    async def event() -> None:
        async with db.unit():
            await db.defer(CLAIM, (1,), claim=True)
            await db.defer("INSERT INTO nowhere (v) VALUES (1)")  # fails in the group commit
            db.on_abort(lambda: aborted.append("taken back"))

    queued = asyncio.Event()
    flush = db._flush

    async def flushing(*args: Any, **kwargs: Any) -> None:
        waiting = asyncio.ensure_future(flush(*args, **kwargs))  # runs (and queues) before the test goes on
        queued.set()
        await waiting

    db._flush = flushing  # type: ignore[method-assign]
    task = asyncio.create_task(event())
    await asyncio.wait_for(queued.wait(), 5)
    assert db.flushing
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(db.flushed(), 5)
    assert aborted == ["taken back"]
    assert await db.fetchval("SELECT done FROM ev WHERE id = 1") == 0
