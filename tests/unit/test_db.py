from __future__ import annotations

import pytest

from bot.db import Database, Migration, MigrationError, load_migrations, split_sql


async def _tables(db: Database) -> set[str]:
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_fresh_database_gets_every_migration(tmp_path) -> None:
    db = await Database.open(tmp_path / "fresh.db")
    try:
        applied = await db.migrate()
        assert [m.version for m in applied] == [m.version for m in load_migrations()]
        assert {"org", "person", "chat", "inbox", "schema_migration"} <= await _tables(db)
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert (await db.fetchval("PRAGMA journal_mode")).lower() == "wal"
    finally:
        await db.close()


async def test_rerun_is_a_noop(tmp_path) -> None:
    path = tmp_path / "rerun.db"
    db = await Database.open(path)
    await db.migrate()
    await db.close()
    db = await Database.open(path)
    try:
        assert await db.migrate() == []
        count = await db.fetchval("SELECT COUNT(*) FROM schema_migration")
        assert count == len(load_migrations())
    finally:
        await db.close()


async def test_failed_migration_leaves_database_as_it_was(tmp_path) -> None:
    db = await Database.open(tmp_path / "broken.db")
    try:
        good = Migration(1, "good", "CREATE TABLE a (x INTEGER);")
        bad = Migration(2, "bad", "CREATE TABLE b (y INTEGER);\nINSERT INTO missing_table VALUES (1);")
        with pytest.raises(MigrationError) as info:
            await db.migrate([good, bad])
        assert info.value.migration.version == 2
        tables = await _tables(db)
        assert "a" in tables and "b" not in tables  # the failed one was rolled back whole
        assert await db.applied_versions() == {1}
        # fixing the migration and re-running applies it
        fixed = Migration(2, "bad", "CREATE TABLE b (y INTEGER);")
        assert [m.version for m in await db.migrate([good, fixed])] == [2]
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO kv (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM kv") == 0


def test_split_sql_keeps_triggers_whole() -> None:
    script = (
        "-- why: test\nCREATE TABLE t (x);\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET x = 1;\nEND;\n"
    )
    statements = split_sql(script)
    assert len(statements) == 2 and statements[1].startswith("CREATE TRIGGER")


def test_migrations_have_a_why_header() -> None:
    for migration in load_migrations():
        assert migration.sql.lstrip().startswith("-- why:"), migration.name


async def test_cancelled_begin_does_not_leave_a_transaction_open(db: Database) -> None:
    import asyncio

    begin_queued = asyncio.Event()
    real_execute = db._conn.execute

    def spying_execute(sql, *args):  # noqa: ANN001 - a thin spy on the write connection
        if sql == "BEGIN IMMEDIATE":
            begin_queued.set()
        return real_execute(sql, *args)

    db._conn.execute = spying_execute  # type: ignore[method-assign]

    async def writer() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO kv (key, value) VALUES ('x', '1')")

    task = asyncio.create_task(writer())
    await asyncio.wait_for(begin_queued.wait(), 5)
    task.cancel()  # cancelled while its BEGIN is queued in aiosqlite's thread
    try:
        await task
    except asyncio.CancelledError:
        pass
    db._conn.execute = real_execute  # type: ignore[method-assign]
    async with db.transaction():  # would fail with "cannot start a transaction within a transaction"
        await db.execute("INSERT OR REPLACE INTO kv (key, value) VALUES ('y', '2')")
    assert await db.fetchval("SELECT value FROM kv WHERE key = 'y'") == "2"
    assert await db.fetchval("SELECT COUNT(*) FROM kv WHERE key = 'x'") == 0


async def test_other_tasks_never_see_uncommitted_rows(db: Database) -> None:
    import asyncio

    inside = asyncio.Event()
    release = asyncio.Event()

    async def long_import() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO kv (key, value) VALUES ('half', 'applied')")
            assert await db.fetchval("SELECT value FROM kv WHERE key = 'half'") == "applied"  # own write
            inside.set()
            await release.wait()
            raise RuntimeError("rolled back")

    task = asyncio.create_task(long_import())
    await asyncio.wait_for(inside.wait(), 5)
    assert await db.fetchval("SELECT COUNT(*) FROM kv WHERE key = 'half'") == 0  # not visible outside
    release.set()
    try:
        await task
    except RuntimeError:
        pass
    assert await db.fetchval("SELECT COUNT(*) FROM kv WHERE key = 'half'") == 0
