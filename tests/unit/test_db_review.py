"""Regressions found by a review of the read models and deferred units (each failed before its fix)."""
from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest

from bot.db import Database, open_database
from bot.repo import orgs as org_repo
from bot.repo import moderation as mod_repo


@pytest.fixture
async def db(tmp_path):
    database = await open_database(tmp_path / "r.db")
    try:
        yield database
    finally:
        await database.close()


async def _org(db: Database) -> int:
    org = await org_repo.create(db, kind="school", code="s1", name="Old name", parent_id=None,
                                timezone="Europe/Moscow", created_by=None, now=0)
    return org.id


# 1. a read model loaded through the side reader (web cabinet, reports) has an empty stamp and is
#    never invalidated; its key is shared with the message path
async def test_side_reader_loaded_value_is_invalidated(db: Database) -> None:
    org_id = await _org(db)
    db._cache.clear()
    side = await db.side_reader()
    try:
        assert (await org_repo.get(side, org_id)).name == "Old name"  # web/server.py _org()
        await db.execute("UPDATE org SET name = 'New name', timezone = 'Asia/Omsk' WHERE id = ?", (org_id,))
        got = await org_repo.get(db, org_id)  # the message path
        assert got.name == "New name" and got.timezone == "Asia/Omsk"
    finally:
        await side.close()


# 2. _SideReader lacks the attributes defer/batch/unit need
async def test_side_reader_defer_and_batch(db: Database) -> None:
    side = await db.side_reader()
    try:
        await side.defer("INSERT INTO kv (key, value) VALUES ('a', '1')")
        await side.batch([("INSERT INTO kv (key, value) VALUES ('b', '1')", ())])
    finally:
        await side.close()


# 3. a side-reader read inside a (not promoted) unit goes through the WRITE connection and sees
#    another task's uncommitted transaction
async def test_side_reader_in_unit_sees_no_uncommitted_rows(db: Database) -> None:
    side = await db.side_reader()
    inside, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO kv (key, value) VALUES ('draft', 'x')")
            inside.set()
            await release.wait()
            raise RuntimeError("rolled back")

    task = asyncio.create_task(writer())
    await inside.wait()
    try:
        async with db.unit():
            seen = await side.fetchval("SELECT value FROM kv WHERE key = 'draft'")
        assert seen is None, "read another task's uncommitted (later rolled back) row"
    finally:
        release.set()
        with pytest.raises(RuntimeError):
            await task
        await side.close()


# 4. RecentMessages: concurrent first since() calls (replay after a restart: many peers at once)
#    each load the table into the same dict -> every entry counted twice
async def test_recent_history_loaded_once(db: Database) -> None:
    from bot.services.recent import RecentMessages
    await db.execute("INSERT INTO chat (id, peer_id, title, status, created_at) VALUES (1, 2000000001, 't', 'active', 0)")
    await db.execute("INSERT INTO chat (id, peer_id, title, status, created_at) VALUES (2, 2000000002, 't', 'active', 0)")
    await db.execute("INSERT INTO recent_message (chat_id, vk_id, at, fingerprint, stickers) VALUES (1, 7, 1000, 'fp', 0)")
    recent = RecentMessages(db)
    a, b = await asyncio.gather(recent.since(1, 7, 900), recent.since(2, 8, 900))
    assert len(await recent.since(1, 7, 900)) == 1


# 5. the "LRU" is FIFO: a hit does not refresh the entry, so the hottest value is evicted first
async def test_cache_is_lru(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.db as dbm
    monkeypatch.setattr(dbm, "CACHE_ENTRIES", 2)
    loads: list[str] = []

    async def val(key: str) -> str:
        async def load() -> str:
            loads.append(key)
            return await db.fetchval("SELECT ?", (key,))
        return await db.cached(key, load)

    await val("hot"); await val("x"); await val("hot")  # hot used most recently
    await val("y")  # should evict x, not hot
    loads.clear()
    await val("hot")
    assert loads == [], "the most recently used entry was evicted"


# 6. an unrecognised write inside a transaction bumps the epoch only at the statement, never at
#    the end: a value loaded by another task between the statement and COMMIT stays cached stale
async def test_unrecognised_write_in_transaction(db: Database) -> None:
    await db.execute("CREATE TABLE t (v TEXT)")
    await db.execute("INSERT INTO t VALUES ('old')")
    stmt, inside, release = "PRAGMA user_version = 0", asyncio.Event(), asyncio.Event()
    # an UPSERT-ish statement that the regex does not know stands for any unrecognised write:
    # here a write hidden in a statement the regex misses (quoted table name)
    hidden = 'UPDATE "t" SET v = \'new\''
    from bot.db import written_tables
    assert written_tables(hidden) is None

    async def writer() -> None:
        async with db.transaction():
            await db.execute(hidden)
            inside.set()
            await release.wait()

    def value() -> Any:
        return db.cached("t", lambda: db.fetchval("SELECT v FROM t"))

    task = asyncio.create_task(writer())
    await inside.wait()
    assert await value() == "old"  # committed data: right for now
    release.set()
    await task
    assert await value() == "new", "stale value kept after the commit"


# 7. a failing deferred statement replayed at promotion, swallowed by the code, leaves the unit
#    committing without the rest of its buffered writes (claim kept, count lost)
async def test_promotion_replay_failure_voids_unit(db: Database) -> None:
    await db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)")
    await db.execute("INSERT INTO u VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):  # the unit is void: its failure is raised at its end
        async with db.unit():
            await db.defer("INSERT INTO kv (key, value) VALUES ('claim', '1')")
            await db.defer("INSERT INTO u VALUES (1)")  # fails (PK) at replay
            await db.defer("INSERT INTO kv (key, value) VALUES ('count', '1')")
            try:
                await db.execute("INSERT INTO kv (key, value) VALUES ('decision', '1')")
            except Exception:
                pass  # a handler that logs and goes on
    keys = sorted(r[0] for r in await db.fetchall("SELECT key FROM kv"))
    assert keys == [], f"partial unit committed: {keys}"


# 1b. the same through the cabinet's breadcrumbs (web/views.py:86): ancestors, which Access.allowed
#     uses for every permission check of the bot, stay stale after a school is moved
async def test_side_reader_loaded_ancestors_are_invalidated(db: Database) -> None:
    a = await org_repo.create(db, kind="municipality", code="m1", name="A", parent_id=None,
                              timezone="Europe/Moscow", created_by=None, now=0)
    b = await org_repo.create(db, kind="municipality", code="m2", name="B", parent_id=None,
                              timezone="Europe/Moscow", created_by=None, now=0)
    s = await org_repo.create(db, kind="school", code="s9", name="S", parent_id=a.id,
                              timezone="Europe/Moscow", created_by=None, now=0)
    db._cache.clear()
    side = await db.side_reader()
    try:
        assert await org_repo.ancestors(side, s.id) == [a.id]
        await db.execute("UPDATE org SET parent_id = ? WHERE id = ?", (b.id, s.id))
        assert await org_repo.ancestors(db, s.id) == [b.id]
    finally:
        await side.close()


# 8. a unit cancelled while its writes are in the group commit: the writes (the claim) commit, but
#    the unit raises and its after_commit callbacks never run
async def test_cancelled_during_group_commit(db: Database) -> None:
    ran: list[str] = []
    started = asyncio.Event()

    async def one() -> None:
        async with db.unit():
            await db.defer("INSERT INTO kv (key, value) VALUES ('claimed', '1')")
            db.after_commit(lambda: ran.append("callback"))
            started.set()

    await db._write_lock.acquire()  # the group commit waits for the lock
    task = asyncio.create_task(one())
    await started.wait()
    await asyncio.sleep(0.01)
    task.cancel()
    db._write_lock.release()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.1)
    committed = await db.fetchval("SELECT value FROM kv WHERE key = 'claimed'")
    assert not (committed and not ran), "committed, yet the unit's after_commit never ran"


# a unit or transaction cancelled while its COMMIT is queued (aiosqlite runs it all the same): it
# must learn how the COMMIT really ended, never report "not kept" for writes that were kept
def _cancel_me() -> None:
    task = asyncio.current_task()
    assert task is not None
    task.cancel()


async def test_a_unit_cancelled_while_its_commit_is_queued_is_either_kept_or_taken_back(db: Database) -> None:
    """The cancellation reaches the unit at ``await COMMIT`` (aiosqlite has queued it already, so
    it runs). ``_exit_unit`` then runs the on_abort callbacks, drops the after_commit ones and
    queues a ROLLBACK that finds no transaction: the row is committed while the unit's code was
    told that nothing of it was kept (in-memory state undone, the action executor never woken)."""
    aborted: list[str] = []
    committed: list[str] = []

    async def event() -> None:
        async with db.unit():
            await db.execute("INSERT INTO kv (key, value) VALUES ('review', '1')")  # promoted: locked
            db.on_abort(lambda: aborted.append("undone"))
            db.after_commit(lambda: committed.append("woken"))
            _cancel_me()  # delivered at the unit's next await: the COMMIT

    task = asyncio.create_task(event())
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    kept = await db.fetchval("SELECT value FROM kv WHERE key = 'review'") is not None
    if kept:  # the writes stayed: the unit must have been told so, not the opposite
        assert (aborted, committed) == ([], ["woken"])
    else:
        assert (aborted, committed) == (["undone"], [])


async def test_a_transaction_cancelled_while_its_commit_is_queued_is_either_kept_or_taken_back(db: Database) -> None:
    """The same for ``transaction()``."""
    aborted: list[str] = []
    committed: list[str] = []

    async def job() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO kv (key, value) VALUES ('review', '1')")
            db.on_abort(lambda: aborted.append("undone"))
            db.after_commit(lambda: committed.append("woken"))
            _cancel_me()

    task = asyncio.create_task(job())
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    kept = await db.fetchval("SELECT value FROM kv WHERE key = 'review'") is not None
    if kept:
        assert (aborted, committed) == ([], ["woken"])
    else:
        assert (aborted, committed) == (["undone"], [])
