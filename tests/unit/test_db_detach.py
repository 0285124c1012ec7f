"""Detached units (``Database.unit(detach=…)``): an event that only made blind writes does not
wait for its group commit; what it put in memory is taken back if its writes are not kept; a
later unit that comes to write is committed after it; the group commit runs each statement once
for all units and falls back to unit by unit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.db import AlreadyClaimed, Database
from bot.services.recent import RecentMessages
from policies.base import Entry


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "detach.db")
    await database.execute("CREATE TABLE ev (id INTEGER PRIMARY KEY, done INTEGER NOT NULL DEFAULT 0)")
    await database.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT)")
    await database.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT)")
    await database.execute("INSERT INTO b (id, v) VALUES (1, 'uno')")
    for i in range(1, 11):
        await database.execute("INSERT INTO ev (id) VALUES (?)", (i,))
    try:
        yield database
    finally:
        await database.close()


CLAIM = "UPDATE ev SET done = 1 WHERE id = ? AND done = 0"


async def test_a_detached_unit_returns_before_its_commit_and_learns_the_outcome(db: Database) -> None:
    outcomes: list[BaseException | None] = []
    committed = asyncio.Event()

    def done(outcome: BaseException | None) -> None:
        outcomes.append(outcome)
        committed.set()

    async with db.unit(detach=done):
        await db.defer(CLAIM, (1,), claim=True)
        await db.defer("INSERT INTO log (v) VALUES (?)", ("counted",))
    assert outcomes == []  # returned before the commit
    assert db.flushing
    await asyncio.wait_for(committed.wait(), 5)
    assert outcomes == [None]
    assert not db.flushing
    assert await db.fetchval("SELECT COUNT(*) FROM log") == 1
    assert await db.fetchval("SELECT done FROM ev WHERE id = 1") == 1


async def test_a_void_claim_of_a_detached_unit_takes_back_what_it_put_in_memory(db: Database) -> None:
    recent = RecentMessages(db)
    recent._loaded = True
    outcomes: list[BaseException | None] = []
    async with db.unit(detach=outcomes.append):
        await db.defer(CLAIM, (99,), claim=True)  # no such pending event: handled elsewhere
        await recent.remember(5, 7, Entry(100, "fp", 0))
    assert [e.fingerprint for e in await recent.since(5, 7, 0)] == ["fp"]  # the next event sees it at once
    await asyncio.wait_for(db.flushed(), 5)
    assert len(outcomes) == 1 and isinstance(outcomes[0], AlreadyClaimed)
    assert await recent.since(5, 7, 0) == []


async def test_a_unit_that_raises_takes_back_what_it_put_in_memory(db: Database) -> None:
    taken_back: list[str] = []
    with pytest.raises(RuntimeError):
        async with db.unit(detach=lambda outcome: None):
            await db.defer("INSERT INTO log (v) VALUES ('x')")
            db.on_abort(lambda: taken_back.append("deferred"))
            raise RuntimeError("failed")
    with pytest.raises(RuntimeError):
        async with db.unit():
            await db.execute("UPDATE b SET v = 'decided' WHERE id = 1")  # promoted: a locked transaction
            db.on_abort(lambda: taken_back.append("promoted"))
            raise RuntimeError("failed after deciding")
    async with db.unit():
        db.on_abort(lambda: taken_back.append("kept"))
        await db.execute("UPDATE b SET v = 'decided' WHERE id = 1")
    assert taken_back == ["deferred", "promoted"]
    assert await db.fetchval("SELECT COUNT(*) FROM log") == 0


async def test_a_unit_that_comes_to_write_is_committed_after_the_detached_ones_before_it(db: Database) -> None:
    async with db.unit(detach=lambda outcome: None):
        await db.defer(CLAIM, (1,), claim=True)
        await db.defer("INSERT INTO log (v) VALUES (?)", ("first",))
    assert db.flushing
    async with db.unit():
        await db.defer(CLAIM, (2,), claim=True)
        await db.execute("INSERT INTO log (v) VALUES (?)", ("second, a decision",))
        # the earlier event's writes are in before this one's transaction began
        assert await db.fetchval("SELECT COUNT(*) FROM log WHERE v = 'first'") == 1
    rows = [r[0] for r in await db.fetchall("SELECT v FROM log ORDER BY id")]
    assert rows == ["first", "second, a decision"]


async def test_a_group_runs_statements_together_and_falls_back_unit_by_unit(db: Database) -> None:
    outcomes: dict[int, BaseException | None] = {}

    async def one(i: int, claim_id: int, reorder: bool = False) -> None:
        async with db.unit(detach=lambda outcome: outcomes.__setitem__(i, outcome)):
            writes = [(CLAIM, (claim_id,), True), ("INSERT INTO log (v) VALUES (?)", (f"u{i}",), False)]
            for sql, params, claim in reversed(writes) if reorder else writes:
                await db.defer(sql, params, claim=claim)

    # together: every claim changes its row
    await asyncio.gather(*(one(i, i) for i in range(1, 5)))
    await db.flushed()
    assert outcomes == {1: None, 2: None, 3: None, 4: None}
    # one claim changes nothing (event 1 is done already): the others are kept
    outcomes.clear()
    await asyncio.gather(*(one(i, 1 if i == 6 else i) for i in range(5, 9)))
    await db.flushed()
    assert outcomes[5] is None and outcomes[7] is None and outcomes[8] is None
    assert isinstance(outcomes[6], AlreadyClaimed)
    # units ordering their statements differently
    outcomes.clear()
    await asyncio.gather(one(9, 9), one(10, 10, reorder=True))
    await db.flushed()
    assert outcomes == {9: None, 10: None}
    logged = sorted(r[0] for r in await db.fetchall("SELECT v FROM log"))
    assert logged == sorted(["u1", "u2", "u3", "u4", "u5", "u7", "u8", "u9", "u10"])
    assert await db.fetchval("SELECT COUNT(*) FROM ev WHERE done = 1") == 9


async def test_a_savepoint_rolled_back_takes_back_what_it_put_in_memory_and_only_that(db: Database) -> None:
    taken_back: list[str] = []
    async with db.transaction():
        await db.execute("UPDATE b SET v = 'kept' WHERE id = 1")
        db.on_abort(lambda: taken_back.append("outer"))
        with pytest.raises(RuntimeError):
            async with db.savepoint():
                await db.execute("INSERT INTO log (v) VALUES ('refused')")
                db.on_abort(lambda: taken_back.append("inner"))
                raise RuntimeError("a use case refusing after it started writing")
        assert taken_back == ["inner"]  # at once, with the block's writes
    assert taken_back == ["inner"]  # the transaction committed: nothing else is taken back
    assert await db.fetchval("SELECT COUNT(*) FROM log") == 0
    assert await db.fetchval("SELECT v FROM b WHERE id = 1") == "kept"
