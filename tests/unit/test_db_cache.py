"""The read models and the deferred unit of ``bot/db.py``: served from memory until a write
changes what they read; an event's blind writes in one round trip; a stale decision re-run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.db import AlreadyClaimed, Conflict, Database, read_tables, written_tables


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "cache.db")
    await database.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)")
    await database.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT)")
    await database.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT)")
    await database.execute("CREATE TABLE tally (n INTEGER)")
    await database.execute("INSERT INTO tally (n) VALUES (0)")
    # a trigger: writing ``log`` changes ``tally`` too
    await database.execute("CREATE TRIGGER log_tally AFTER INSERT ON log BEGIN UPDATE tally SET n = n + 1; END")
    await database._load_triggers()
    await database.execute("INSERT INTO a (id, v) VALUES (1, 'one')")
    await database.execute("INSERT INTO b (id, v) VALUES (1, 'uno')")
    try:
        yield database
    finally:
        await database.close()


class Trips:
    """Counts hops to the database threads (every aiosqlite ``_execute``)."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        for conn in {id(c): c for c in (db._conn, db._reader) if c is not None}.values():
            original = conn._execute

            async def counted(fn: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                self.count += 1
                return await _original(fn, *args, **kwargs)

            conn._execute = counted  # type: ignore[method-assign]


async def value_of(db: Database, table: str) -> str:
    return await db.cached(("v", table), lambda: db.fetchval(f"SELECT v FROM {table} WHERE id = 1"))


def test_statements_name_their_tables() -> None:
    assert written_tables("INSERT OR IGNORE INTO inbox (a) VALUES (?)") == {"inbox"}
    assert written_tables("UPDATE chat SET title = ? WHERE id = ?") == {"chat"}
    assert written_tables("WITH x AS (SELECT 1) DELETE FROM mute WHERE chat_id IN (SELECT * FROM x)") == {"mute"}
    assert written_tables("PRAGMA optimize") is None  # unknown: everything is invalidated
    assert read_tables("SELECT * FROM person p JOIN student s ON s.person_id = p.id") == {"person", "student"}


async def test_a_cached_read_costs_no_round_trip_until_its_table_changes(db: Database) -> None:
    assert await value_of(db, "a") == "one"
    trips = Trips(db)
    assert await value_of(db, "a") == "one"
    assert trips.count == 0
    await db.execute("UPDATE b SET v = 'dos' WHERE id = 1")  # another table: still cached
    trips.count = 0
    assert await value_of(db, "a") == "one"
    assert trips.count == 0
    await db.execute("UPDATE a SET v = 'two' WHERE id = 1")
    assert await value_of(db, "a") == "two"


async def test_a_value_read_while_a_transaction_wrote_its_table_is_read_again_once_it_commits(db: Database) -> None:
    """Read (and kept, and served again) while the transaction was open: what it read then was
    the committed data before the transaction; the commit makes it stale."""
    await value_of(db, "a")
    written, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await db.execute("UPDATE a SET v = 'two' WHERE id = 1")
            written.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await asyncio.wait_for(written.wait(), 5)
    assert await value_of(db, "a") == "one"
    assert await value_of(db, "a") == "one"  # a hit
    release.set()
    await asyncio.wait_for(task, 5)
    assert await value_of(db, "a") == "two"


async def test_a_loader_built_on_another_cached_value_depends_on_its_tables(db: Database) -> None:
    async def both() -> str:
        return await value_of(db, "a") + "+" + await value_of(db, "b")

    await value_of(db, "a")  # cached first: the outer loader gets it without a query
    assert await db.cached("both", both) == "one+uno"
    await db.execute("UPDATE a SET v = 'two' WHERE id = 1")
    assert await db.cached("both", both) == "two+uno"


async def test_a_trigger_invalidates_what_it_changes(db: Database) -> None:
    def tally() -> Any:
        return db.cached("tally", lambda: db.fetchval("SELECT n FROM tally"))

    assert await tally() == 0
    await db.execute("INSERT INTO log (v) VALUES ('x')")
    assert await tally() == 1


async def test_uncommitted_writes_are_seen_by_their_transaction_only_and_a_rollback_leaves_no_trace(
        db: Database) -> None:
    await value_of(db, "a")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await db.execute("UPDATE a SET v = 'draft' WHERE id = 1")
            assert await value_of(db, "a") == "draft"  # its own write
            inside.set()
            await release.wait()
            raise RuntimeError("refused")

    task = asyncio.create_task(writer())
    await inside.wait()
    assert await value_of(db, "a") == "one"  # others see committed data only
    release.set()
    with pytest.raises(RuntimeError):
        await task
    assert await value_of(db, "a") == "one"


async def test_a_unit_of_reads_and_blind_writes_costs_one_round_trip(db: Database) -> None:
    await value_of(db, "a")
    trips = Trips(db)
    committed: list[str] = []
    async with db.unit():
        assert await value_of(db, "a") == "one"
        await db.defer("INSERT INTO log (v) VALUES (?)", ("first",))
        await db.defer("INSERT INTO log (v) VALUES (?)", ("second",))
        db.after_commit(lambda: committed.append("done"))
        assert committed == []
    assert trips.count == 1
    assert committed == ["done"]
    assert [r[0] for r in await db.fetchall("SELECT v FROM log ORDER BY id")] == ["first", "second"]


async def test_a_claim_that_changes_nothing_voids_the_unit(db: Database) -> None:
    with pytest.raises(AlreadyClaimed):
        async with db.unit():
            await db.defer("INSERT INTO log (v) VALUES (?)", ("lost",))
            await db.defer("UPDATE b SET v = 'x' WHERE id = 99", claim=True)
    assert await db.fetchval("SELECT COUNT(*) FROM log") == 0


async def test_an_ordinary_write_makes_the_unit_a_locked_transaction_with_its_deferred_writes(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit():
            await db.defer("INSERT INTO log (v) VALUES (?)", ("counted",))
            await db.execute("UPDATE b SET v = 'decided' WHERE id = 1")
            assert db._write_lock.locked()
            raise RuntimeError("failed after deciding")
    assert not db._write_lock.locked()
    assert await db.fetchval("SELECT COUNT(*) FROM log") == 0
    assert await db.fetchval("SELECT v FROM b WHERE id = 1") == "uno"
    async with db.unit():
        await db.defer("INSERT INTO log (v) VALUES (?)", ("counted",))
        await db.execute("UPDATE b SET v = 'decided' WHERE id = 1")
    assert await db.fetchval("SELECT COUNT(*) FROM log") == 1
    assert await db.fetchval("SELECT v FROM b WHERE id = 1") == "decided"


async def test_a_unit_that_read_what_another_transaction_changed_is_not_kept(db: Database) -> None:
    with pytest.raises(Conflict):
        async with db.unit():
            assert await value_of(db, "a") == "one"
            await asyncio.create_task(db.execute("UPDATE a SET v = 'changed' WHERE id = 1"))  # someone else
            try:
                await db.execute("UPDATE b SET v = 'decided on one' WHERE id = 1")
            except Conflict:
                pass  # even swallowed by the code it ran, the unit is void
    assert await db.fetchval("SELECT v FROM b WHERE id = 1") == "uno"
    assert not db._write_lock.locked()


async def test_units_finishing_together_commit_together_and_one_void_claim_spares_the_others(db: Database) -> None:
    trips = Trips(db)

    async def one(value: str, claim_row: int) -> str:
        try:
            async with db.unit():
                await db.defer("INSERT INTO log (v) VALUES (?)", (value,))
                await db.defer("UPDATE a SET v = v WHERE id = ?", (claim_row,), claim=True)
        except AlreadyClaimed:
            return "void"
        return "kept"

    outcomes = await asyncio.gather(*(one(f"u{i}", 99 if i == 2 else 1) for i in range(6)))
    assert outcomes == ["kept", "kept", "void", "kept", "kept", "kept"]
    assert sorted(r[0] for r in await db.fetchall("SELECT v FROM log")) == ["u0", "u1", "u3", "u4", "u5"]
    assert trips.count < 6  # grouped: fewer round trips than units


async def test_a_partitioned_value_stays_when_other_keys_change(tmp_path) -> None:
    db = await Database.open(tmp_path / "members.db")
    try:
        await db.migrate()

        def member_state(vk_id: int) -> Any:
            return db.cached(("m", vk_id), lambda: db.fetchval(
                "SELECT state FROM chat_member WHERE vk_id = ?", (vk_id,)), part=("chat_member", "vk", vk_id))

        def members() -> Any:
            return db.cached("all", lambda: db.fetchval("SELECT COUNT(*) FROM chat_member"))

        insert = "INSERT INTO chat_member (chat_id, vk_id, state, joined_at) VALUES (1, ?, 'member', 0)"
        await db.execute("INSERT INTO chat (id, peer_id, title, status, created_at) VALUES (1, 2000000001, 't', 'active', 0)")
        await db.execute(insert, (1,), part=("chat_member", (("vk", 1), ("chat", 1))))
        assert (await member_state(1), await members()) == ("member", 1)
        trips = Trips(db)
        await db.execute(insert, (2,), part=("chat_member", (("vk", 2), ("chat", 1))))  # someone else joins
        trips.count = 0
        assert await member_state(1) == "member"
        assert trips.count == 0  # not re-read
        assert await members() == 2  # the table-wide value is
        await db.execute("UPDATE chat_member SET state = 'left' WHERE chat_id = 1")  # every key
        assert await member_state(1) == "left"
    finally:
        await db.close()


async def test_a_foreign_key_cascade_counts_as_a_write_of_the_child(tmp_path) -> None:
    db = await Database.open(tmp_path / "fk.db")
    try:
        await db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        await db.execute("CREATE TABLE child (id INTEGER PRIMARY KEY,"
                         " parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE)")
        await db._load_triggers()
        await db.execute("INSERT INTO parent (id) VALUES (1)")
        await db.execute("INSERT INTO child (id, parent_id) VALUES (1, 1)")

        def children() -> Any:
            return db.cached("children", lambda: db.fetchval("SELECT COUNT(*) FROM child"))

        assert await children() == 1
        await db.execute("DELETE FROM parent WHERE id = 1")
        assert await children() == 0
    finally:
        await db.close()
