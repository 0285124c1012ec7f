"""SQLite access: connection setup, one write path, and the migration runner.

Everything SQLite-specific lives here; ``bot/repo`` holds portable SQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationError(Exception):
    def __init__(self, migration: Migration, cause: Exception) -> None:
        super().__init__(f"migration {migration.version:04d}_{migration.name} failed: {cause}")
        self.migration = migration


def default_migrations_dir() -> Path:
    return Path(str(resources.files("migrations")))


def load_migrations(directory: Path | None = None) -> list[Migration]:
    directory = directory or default_migrations_dir()
    found: list[Migration] = []
    for path in sorted(directory.iterdir()):
        match = MIGRATION_NAME.match(path.name)
        if match:
            found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration numbers in {directory}")
    return found


class Database:
    """One write connection, serialised by ``transaction()``, and one read connection.

    A task inside ``transaction()`` reads through the write connection and so sees its own
    uncommitted writes (read-modify-write starts with ``BEGIN IMMEDIATE``). Every other task reads
    through the read connection and sees committed data only (WAL snapshots): a long import
    transaction never leaks half-applied rows to the message path, and nothing acts on rows that a
    rollback then takes back.
    """

    def __init__(self, conn: aiosqlite.Connection, path: str, reader: aiosqlite.Connection | None = None) -> None:
        self._conn = conn
        self._reader = reader
        self.path = path
        self._write_lock = asyncio.Lock()
        self._in_tx: asyncio.Task[Any] | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._savepoints = 0

    @classmethod
    async def open(cls, path: str | Path) -> "Database":
        import os

        def owner_only(*names: str) -> None:
            for name in names:  # the -wal and -shm files come and go with connections
                with contextlib.suppress(FileNotFoundError):
                    os.chmod(name, 0o600)

        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # children's names and VK ids: readable by the bot's user only. SQLite gives the
            # -wal and -shm files the database file's mode, so the file is made first with 0600
            # (and an older world-readable one is tightened).
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            owner_only(path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA synchronous=NORMAL")
        reader = None
        if path != ":memory:":
            reader = await aiosqlite.connect(path, isolation_level=None)
            reader.row_factory = aiosqlite.Row
            await reader.execute("PRAGMA query_only=ON")
            await reader.execute("PRAGMA foreign_keys=ON")
            await reader.execute("PRAGMA busy_timeout=5000")
            owner_only(path, path + "-wal", path + "-shm")
        return cls(conn, path, reader)

    async def side_reader(self) -> "Database":
        """The same database for long reads (reports) through a read connection of its own, so
        the message path's reads never queue behind them; writes still go through this one
        writer (its lock and transaction). Its ``close`` closes only that read connection."""
        if self._reader is None:
            return self
        reader = await aiosqlite.connect(self.path, isolation_level=None)
        reader.row_factory = aiosqlite.Row
        await reader.execute("PRAGMA query_only=ON")
        await reader.execute("PRAGMA busy_timeout=5000")
        return _SideReader(self, reader)

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
        await self._conn.close()

    def _read_conn(self) -> aiosqlite.Connection:
        if self._reader is None or (self._in_tx is not None and self._in_tx is asyncio.current_task()):
            return self._conn
        return self._reader

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator["Database"]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception. Re-entrant per task."""
        task = asyncio.current_task()
        if self._in_tx is not None and self._in_tx is task:
            yield self
            return
        async with self._write_lock:
            self._in_tx = task
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                # Cancelled while BEGIN was queued: aiosqlite still runs it, so undo it (queued
                # after it, shielded from a second cancel) or the connection stays in a transaction.
                await asyncio.shield(self._rollback_quietly())
                self._in_tx = None
                raise
            try:
                yield self
            except BaseException:
                self._after_commit.clear()
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")
            finally:
                self._in_tx = None
            callbacks, self._after_commit = self._after_commit, []
            for callback in callbacks:
                callback()

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator["Database"]:
        """Inside the current task's transaction: undo only this block's writes if it raises
        (a use case refusing after it started writing). Outside one it does nothing: long work
        (imports, reports) commits in short transactions of its own."""
        if not self.in_transaction():
            yield self
            return
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        await self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            raise
        else:
            await self._conn.execute(f"RELEASE {name}")
        finally:
            self._savepoints -= 1

    def in_transaction(self) -> bool:
        """True inside ``transaction()`` of the current task."""
        return self._in_tx is not None and self._in_tx is asyncio.current_task()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the current task's transaction commits (dropped on rollback);
        outside a transaction, right away. Used to wake the action executor only for rows that
        other connections can already see."""
        if self.in_transaction():
            self._after_commit.append(callback)
        else:
            callback()

    async def _rollback_quietly(self) -> None:
        try:
            await self._conn.execute("ROLLBACK")
        except Exception:  # no transaction was active: nothing to undo
            pass

    async def execute(self, sql: str, params: Any = ()) -> int:
        """Run one write statement; returns lastrowid. Autocommits outside a transaction."""
        if self._in_tx is None or self._in_tx is not asyncio.current_task():
            async with self.transaction():
                cursor = await self._conn.execute(sql, params)
                return cursor.lastrowid or 0
        cursor = await self._conn.execute(sql, params)
        return cursor.lastrowid or 0

    async def execute_insert_ignore(self, sql: str, params: Any = ()) -> int | None:
        """An ``INSERT OR IGNORE``: the new row id, or None when the row already existed."""
        async with self.transaction():
            cursor = await self._conn.execute(sql, params)
            return (cursor.lastrowid or None) if cursor.rowcount else None

    async def execute_rowcount(self, sql: str, params: Any = ()) -> int:
        async with self.transaction():
            cursor = await self._conn.execute(sql, params)
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Any) -> None:
        async with self.transaction():
            await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Any = ()) -> aiosqlite.Row | None:
        async with self._read_conn().execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Any = ()) -> list[aiosqlite.Row]:
        async with self._read_conn().execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Any = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    # -- migrations -------------------------------------------------------------------

    async def applied_versions(self) -> set[int]:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migration ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        rows = await self.fetchall("SELECT version FROM schema_migration")
        return {row[0] for row in rows}

    async def migrate(self, migrations: list[Migration] | None = None) -> list[Migration]:
        """Apply pending migrations in order, each in its own transaction. Returns applied."""
        migrations = migrations if migrations is not None else load_migrations()
        done = await self.applied_versions()
        applied: list[Migration] = []
        for migration in migrations:
            if migration.version in done:
                continue
            try:
                async with self.transaction():
                    # executescript would COMMIT on its own; run statements one by one instead.
                    for statement in split_sql(migration.sql):
                        await self._conn.execute(statement)
                    await self._conn.execute(
                        "INSERT INTO schema_migration (version, name, applied_at)"
                        " VALUES (?, ?, datetime('now'))",
                        (migration.version, migration.name),
                    )
            except Exception as exc:
                raise MigrationError(migration, exc) from exc
            log.info("applied migration %04d_%s", migration.version, migration.name)
            applied.append(migration)
        return applied


class _SideReader(Database):
    def __init__(self, main: Database, reader: aiosqlite.Connection) -> None:  # noqa: D107
        self._main = main
        self._side = reader
        self.path = main.path

    def _read_conn(self) -> aiosqlite.Connection:
        return self._main._conn if self._main.in_transaction() else self._side

    # The main connection's own context managers (the type asynccontextmanager gives them).
    def transaction(self) -> contextlib._AsyncGeneratorContextManager[Database]:
        return self._main.transaction()

    def savepoint(self) -> contextlib._AsyncGeneratorContextManager[Database]:
        return self._main.savepoint()

    def in_transaction(self) -> bool:
        return self._main.in_transaction()

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._main.after_commit(callback)

    async def execute(self, sql: str, params: Any = ()) -> int:
        return await self._main.execute(sql, params)

    async def execute_insert_ignore(self, sql: str, params: Any = ()) -> int | None:
        return await self._main.execute_insert_ignore(sql, params)

    async def execute_rowcount(self, sql: str, params: Any = ()) -> int:
        return await self._main.execute_rowcount(sql, params)

    async def executemany(self, sql: str, rows: Any) -> None:
        await self._main.executemany(sql, rows)

    async def close(self) -> None:
        await self._side.close()


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (``sqlite3.complete_statement`` handles triggers)."""
    import sqlite3

    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


async def open_database(path: str | Path, *, migrate: bool = True) -> Database:
    db = await Database.open(path)
    if migrate:
        try:
            await db.migrate()
        except Exception:
            await db.close()
            raise
    return db
