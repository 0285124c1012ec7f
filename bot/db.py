"""SQLite access: connection setup, one write path, and the migration runner.

Everything SQLite-specific lives here; ``bot/repo`` holds portable SQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import re
import sqlite3
import functools
import itertools
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import msgspec

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_WRITTEN = re.compile(r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
                      r"\s+([A-Za-z_]\w*)", re.IGNORECASE)
_READ = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)", re.IGNORECASE)
CACHE_ENTRIES = 50_000  # read-model entries kept (least recently used dropped first)
T = TypeVar("T")
# Tables whose rows a read model may depend on one key of (a person's memberships): a write that
# names its key makes stale only the values read for that key (and the table-wide ones).
PARTITIONED = frozenset({"chat_member"})
PARTITION_BUCKETS = 16_384
Part = tuple[str, str, Hashable]  # what a read model reads: (table, dimension, key), e.g. ("chat_member", "vk", 5)
Parts = tuple[str, tuple[tuple[str, Hashable], ...]]  # what a write changes: (table, ((dimension, key), ...))
# what the running ``cached`` loader has read so far: generation of each table (or partition) at
# its first read, and the partition the loader declared (None outside a loader)
_READS: contextvars.ContextVar[tuple[dict[str, int], Part | None] | None] = contextvars.ContextVar(
    "db_reads", default=None)
# the deferred unit of the running code, for the bookkeeping of its reads (``asyncio.current_task``
# is slow in Python 3.11; a task started inside a unit inherits it, which only adds reads to check)
_UNIT: contextvars.ContextVar["_Unit | None"] = contextvars.ContextVar("db_unit", default=None)


def _run_all(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        callback()


def _quietly(callback: Callable[[], None]) -> None:
    try:
        callback()
    except Exception as exc:  # noqa: BLE001 - a callback's failure must not stop the group commit
        log.error("a commit callback failed: %s", type(exc).__name__)


# statements of the message path the group commit sends as one statement over all its units' rows
_BULK: dict[str, str] = {}


def bulk_form(sql: str, bulk_sql: str) -> str:
    """Declare ``bulk_sql``: the writes of ``sql`` once per row, with the rows given as one JSON
    array parameter (``json_each(?)``, columns ``value ->> 0`` …, in order). The group commit
    uses it when many units make the same deferred write: SQLite then does the whole group's
    work (triggers included) in one step, without the interpreter lock. ``executemany`` gives
    the lock back and takes it again for every row, and each time the database thread waits for
    the event loop to let go of it (up to the switch interval): the database work ran only while
    the event loop was idle. For a claim the bulk form must change one row per row given, as
    ``sql`` does (a row of an event already done changes nothing). Returns ``sql``."""
    _BULK[sql] = bulk_sql
    return sql


@functools.lru_cache(maxsize=4096)
def written_tables(sql: str) -> frozenset[str] | None:
    """The tables a write statement changes (None: not recognised — everything is invalidated)."""
    found = frozenset(name.lower() for name in _WRITTEN.findall(sql))
    return found or None


@functools.lru_cache(maxsize=4096)
def read_tables(sql: str) -> frozenset[str]:
    """The tables (and CTE names, harmlessly) a query reads."""
    return frozenset(name.lower() for name in _READ.findall(sql))


def _bucket(key: Hashable) -> int:
    """Partition keys share a bounded number of generations (a collision only costs a re-read)."""
    return (key if isinstance(key, int) else hash(key)) % PARTITION_BUCKETS


class AlreadyClaimed(Exception):
    """The event of a deferred unit was no longer pending when its writes reached the database
    (it was handled meanwhile): the unit is rolled back and the event dropped."""


class Conflict(Exception):
    """A deferred unit read something another transaction has changed since: its decision may
    rest on a stale read, so it is rolled back and run again holding the write lock."""


@dataclass
class _Unit:
    """A deferred transaction: reads through the read connection (nothing of it is written yet),
    the blind writes of the message path buffered and sent with one round trip at the end; the
    first other write takes the write lock and makes it an ordinary transaction."""

    buffer: list[tuple[str, Any, bool]] = field(default_factory=list)  # (sql, params, must change a row)
    reads: dict[str, int] = field(default_factory=dict)  # table -> its generation when first read
    stamps: list[tuple[tuple[str, int], ...]] = field(default_factory=list)  # cached values it used
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    on_abort: list[Callable[[], None]] = field(default_factory=list)  # its writes were not kept
    failed: BaseException | None = None  # a claim or conflict already raised: the unit is void
    epoch: int = 0  # the cache epoch when it began (an unrecognised write since is a conflict)
    open: bool = True  # a task started inside it may outlive it: nothing is recorded after the end


@dataclass
class _Flush:
    """A unit's deferred writes waiting for the group commit."""

    buffer: list[tuple[str, Any, bool]]
    after_commit: list[Callable[[], None]]
    on_abort: list[Callable[[], None]]
    number: int  # in the order units were queued (``flushed`` waits for numbers)
    waiter: asyncio.Future[BaseException | None] | None = None  # the unit waits for its outcome
    detach: "Committed | None" = None
    attempts: int = 0


Committed = Callable[[BaseException | None], None]
FLUSH_ATTEMPTS = 3  # a unit's deferred writes are tried this often (in later groups) before it fails


class _InUnit:
    """``async with db.unit()``: a class, not an async generator, since every event enters one."""

    __slots__ = ("db", "detach", "task", "unit", "token")

    def __init__(self, db: "Database", detach: "Committed | None") -> None:
        self.db = db
        self.detach = detach
        self.task: asyncio.Task[Any] | None = None
        self.unit: _Unit | None = None  # None: inside a unit or transaction already
        self.token: contextvars.Token[_Unit | None] | None = None

    async def __aenter__(self) -> "Database":
        await self.db._enter_unit(self)
        return self.db

    async def __aexit__(self, kind: type[BaseException] | None, failure: BaseException | None,
                        traceback: Any) -> None:
        if self.unit is not None:
            await self.db._exit_unit(self, failure)


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
        # -- read models (see ``cached``) --------------------------------------------------
        # The bot is the only writer: every write goes through this object, which bumps the
        # generation of each table it changes (and of the tables its triggers change) when the
        # statement runs and again when its transaction ends. A cached value remembers the
        # generations of the tables its loader read; it is served only while they are unchanged.
        self._gen: dict[str, int] = {}
        self._epoch = 0  # bumped by a write whose tables are not recognised: everything is stale
        # bumped with every change of a generation some kept value depends on (``_watched``): a
        # value checked at this version is current without going through its tables again. The
        # message path's own writes (the inbox, counts, recent history) are read by no read
        # model, so a burst's group commits leave the version alone
        self._version = 0
        self._watched: set[str] = set()
        self._tx_written: set[str] = set()  # tables the open (locked) transaction has changed
        self._triggers: dict[str, frozenset[str]] = {}  # table -> tables its triggers write
        self._cache: OrderedDict[Hashable, list[Any]] = OrderedDict()  # see _keep
        self._units: dict[asyncio.Task[Any], _Unit] = {}
        self._preloaded: dict[Hashable, float] = {}  # bulk read -> when (monotonic) it last ran
        self._flushes: list[_Flush] = []
        self._flusher: asyncio.Task[None] | None = None
        self._queued = 0  # deferred units queued so far (each _Flush's number)
        self._unsettled: set[int] = set()  # the numbers of those not committed or given up yet
        self._settle_waiters: list[tuple[set[int], asyncio.Future[None]]] = []  # see ``flushed``
        self._on_abort: list[Callable[[], None]] = []  # of the open locked transaction
        self.cache_hits = 0
        self.cache_misses = 0

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
        if self._unsettled:  # units committing together finish first
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.flushed(), 5)
        if self._reader is not None:
            await self._reader.close()
        await self._conn.close()

    def _read_conn(self) -> aiosqlite.Connection:
        if self._reader is None or (self._in_tx is not None and self._in_tx is asyncio.current_task()):
            return self._conn
        return self._reader

    # -- generations and the read cache ---------------------------------------------------

    def _touch(self, tables: frozenset[str] | None, part: Parts | None = None) -> None:
        """A write changed ``tables`` (of a partitioned table: the rows of ``part``'s keys, or
        any row when not told): values read from them are stale."""
        if tables is None:
            self._version += 1
            self._epoch += 1
            self._cache.clear()
            if self._in_tx is not None:
                self._tx_written.add("*epoch*")  # bumped again when the transaction ends
            return
        gen = self._gen
        for table in tables:
            for changed in self._triggers.get(table, (table,)):
                names = [changed]
                if changed in PARTITIONED:
                    if part is not None and part[0] == changed:
                        names.extend(f"{changed}@{dim}:{_bucket(key)}" for dim, key in part[1])
                    else:
                        names.append(f"{changed}@*")
                for name in names:
                    gen[name] = gen.get(name, 0) + 1
                    if name in self._watched:
                        self._version += 1
                    if self._in_tx is not None:
                        self._tx_written.add(name)

    def _bump(self, names: set[str]) -> None:
        """The end of a transaction: what it wrote (tables and partitions, as recorded) changed."""
        gen = self._gen
        if "*epoch*" in names:
            self._version += 1
            self._epoch += 1
            self._cache.clear()
        for name in names:
            gen[name] = gen.get(name, 0) + 1
        if not self._watched.isdisjoint(names):
            self._version += 1

    async def cached(self, key: Hashable, load: Callable[[], Awaitable[T]], *, part: Part | None = None) -> T:
        """A read model: ``load()``'s value, kept until a write changes a table it read.

        The tables are those the loader's queries name (``FROM``/``JOIN``), so a loader cannot
        forget a dependency. Values must be immutable (frozen dataclasses, tuples, frozensets).
        Inside a transaction that has changed one of the tables, the loader runs uncached (it
        must see the transaction's own writes, which others must not see). ``part``: the loader
        reads only the rows of this key of that (partitioned) table, so writes of other keys
        leave the value alone."""
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            epoch, stamp, value, checked = hit
            if checked != self._version and self._current(epoch, stamp):
                hit[3] = checked = self._version
            if checked == self._version and not (
                    self._tx_written and self._in_tx is asyncio.current_task()
                    and self._tx_written.intersection(t for t, _ in stamp)):
                self.cache_hits += 1
                outer = _READS.get()
                if outer is not None:  # a loader using this value depends on its tables too
                    for name, g in stamp:
                        outer[0].setdefault(name, g)
                unit = _UNIT.get()
                if unit is not None and unit.open:
                    unit.stamps.append(stamp)  # checked if the unit comes to write
                return value
        self.cache_misses += 1
        value, reads, entry = await self._tracked(load, part)
        outer = _READS.get()
        if outer is not None:
            for name, g in reads.items():
                outer[0].setdefault(name, g)
        if entry is not None:
            self._keep(key, entry, value)
        return value

    async def _tracked(self, load: Callable[[], Awaitable[T]],
                       part: Part | None) -> tuple[T, dict[str, int], tuple[int, tuple[tuple[str, int], ...]] | None]:
        """Run a loader noting what it reads; with (epoch, stamp) when its value may be kept
        (nothing it read changed meanwhile, and it saw no uncommitted write of its own task)."""
        epoch = self._epoch
        reads: dict[str, int] = {}
        token = _READS.set((reads, part))
        try:
            value = await load()
        finally:
            _READS.reset(token)
        stamp = tuple(reads.items())
        if not self._current(epoch, stamp) or (
                self._tx_written and self._in_tx is asyncio.current_task() and self._tx_written.intersection(reads)):
            return value, reads, None
        return value, reads, (epoch, stamp)

    def _current(self, epoch: int, stamp: tuple[tuple[str, int], ...]) -> bool:
        if epoch != self._epoch:
            return False
        gen = self._gen
        for table, g in stamp:  # a plain loop: all() over a generator cost more than the checks
            if gen.get(table, 0) != g:
                return False
        return True

    def _keep(self, key: Hashable, entry: tuple[int, tuple[tuple[str, int], ...]], value: Any) -> None:
        self._cache[key] = [entry[0], entry[1], value, -1]  # (epoch, stamp, value, version checked at)
        self._watched.update(name for name, _ in entry[1])
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)

    async def preload(self, key: Hashable, load: Callable[[], Awaitable[list[tuple[Hashable, Any]]]], *,
                      part: Part | None = None, min_interval: float = 5.0) -> None:
        """Many read models at once: ``load()`` reads in bulk and returns the (key, value) pairs
        that their own loaders would give, each kept with the tables of the bulk read (a superset
        of what it depends on); ``key`` marks the bulk as done until one of them changes. What
        changes again within ``min_interval`` seconds of its bulk read (a chat in a join storm) is
        not read in bulk again meanwhile: the individual loaders serve it."""
        hit = self._cache.get(key)
        if hit is not None and self._current(hit[0], hit[1]):
            return
        now = time.monotonic()
        if now - self._preloaded.get(key, -min_interval) < min_interval:
            return
        self._preloaded[key] = now
        if len(self._preloaded) > CACHE_ENTRIES:
            self._preloaded.clear()
        pairs, _reads, entry = await self._tracked(load, part)
        if entry is not None:
            for item_key, value in pairs:
                self._keep(item_key, entry, value)
            self._keep(key, entry, True)

    def _note_read(self, sql: str) -> None:
        context = _READS.get()
        unit = _UNIT.get()
        if context is None and unit is None:
            return
        tables = read_tables(sql)
        gen = self._gen
        if context is not None:  # the generation at the first read is what the value reflects
            reads, part = context
            for table in tables:
                if part is not None and table == part[0]:
                    for name in (f"{table}@{part[1]}:{_bucket(part[2])}", f"{table}@*"):
                        reads.setdefault(name, gen.get(name, 0))
                else:
                    reads.setdefault(table, gen.get(table, 0))
        if unit is not None and unit.open:  # (after the unit took the lock they no longer matter)
            for table in tables:
                unit.reads.setdefault(table, gen.get(table, 0))

    async def _load_triggers(self) -> None:
        rows = await self._conn.execute_fetchall("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        direct: dict[str, set[str]] = {}
        for table, sql in rows:
            direct.setdefault(str(table).lower(), set()).update(written_tables(str(sql)) or ())
        # a foreign key's ON DELETE/UPDATE action writes the child table like a trigger would
        tables = await self._conn.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (child,) in tables:
            for key in await self._conn.execute_fetchall(f"PRAGMA foreign_key_list({child})"):
                parent, on_update, on_delete = str(key[2]).lower(), key[5], key[6]
                if {str(on_update).upper(), str(on_delete).upper()} - {"NO ACTION", "RESTRICT"}:
                    direct.setdefault(parent, set()).add(str(child).lower())
        closure: dict[str, frozenset[str]] = {}
        for table in direct:
            seen, todo = {table}, [table]
            while todo:
                for changed in direct.get(todo.pop(), ()):
                    if changed not in seen:
                        seen.add(changed)
                        todo.append(changed)
            closure[table] = frozenset(seen)
        self._triggers = closure
        self._cache.clear()

    # -- transactions ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator["Database"]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception. Re-entrant per task (also
        inside a deferred ``unit``: its writes decide whether it needs the lock)."""
        task = asyncio.current_task()
        if (self._in_tx is not None and self._in_tx is task) or task in self._units:
            yield self
            return
        if self._unsettled:
            # detached units queued before (an earlier event of the same peer among them) are
            # committed first: nothing is recorded ahead of what was decided before it
            await self.flushed()
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
                self._aborted()
                await self._conn.execute("ROLLBACK")
                raise
            else:
                try:
                    interrupted = await self._commit()
                except BaseException:  # (a full disk, a deferred constraint): nothing of it is kept
                    self._after_commit.clear()
                    self._aborted()
                    await self._rollback_quietly()
                    raise
            finally:
                self._in_tx = None
                self._on_abort.clear()
                self._bump(self._tx_written)  # committed or taken back: stale either way
                self._tx_written.clear()
            callbacks, self._after_commit = self._after_commit, []
            _run_all(callbacks)
            if interrupted:
                raise asyncio.CancelledError()

    async def _commit(self) -> bool:
        """COMMIT the open locked transaction. Cancelled while it is queued, it runs all the same
        (aiosqlite does not take back what it queued): the caller learns how it really ended —
        kept (True: cancelled meanwhile, to be raised once the commit's callbacks ran) or its
        error — never a failure for writes that were kept."""
        commit = asyncio.ensure_future(self._conn.execute("COMMIT"))
        interrupted = False
        while not commit.done():
            try:
                await asyncio.shield(commit)
            except asyncio.CancelledError:
                interrupted = not commit.done() or interrupted
            except BaseException:  # noqa: BLE001 - the commit's own failure: raised below
                break
        failure = commit.exception()
        if failure is not None:
            raise failure
        return interrupted

    def unit(self, *, detach: Committed | None = None) -> "_InUnit":
        """One event's decisions as one transaction that costs one round trip when the event only
        reads and makes blind writes (``defer``): reads go through the read connection (or the
        cache) without the write lock; deferred writes are sent together at the end, with BEGIN
        and COMMIT, in one call to the database thread. The first ordinary write takes the write
        lock, checks that nothing this unit read was changed meanwhile (``Conflict`` otherwise:
        run the unit again inside ``transaction()``), replays the deferred writes and goes on as
        an ordinary transaction. A deferred write marked ``claim`` that changes no row raises
        ``AlreadyClaimed`` (the event was handled meanwhile) and nothing of the unit is kept.

        ``detach``: a unit that ends with deferred writes only does not wait for the group commit;
        ``detach(outcome)`` is called once it is done (None: committed; ``AlreadyClaimed`` or the
        error otherwise, its ``on_abort`` callbacks already run). The caller goes on with its next
        event meanwhile: deferred writes are blind, so nothing it decides next depends on them,
        and a later unit that comes to write waits until they are committed (``_promote``)."""
        return _InUnit(self, detach)

    async def _enter_unit(self, scope: "_InUnit") -> None:
        task = asyncio.current_task()
        assert task is not None
        if (self._in_tx is not None and self._in_tx is task) or task in self._units:
            return  # inside a unit or transaction already: part of it
        unit = _Unit(epoch=self._epoch)
        self._units[task] = unit
        scope.task, scope.unit, scope.token = task, unit, _UNIT.set(unit)

    async def _exit_unit(self, scope: "_InUnit", failure: BaseException | None) -> None:
        unit, task = scope.unit, scope.task
        assert unit is not None and task is not None and scope.token is not None
        promoted = False
        try:
            if failure is not None:
                if self._in_tx is task:
                    promoted = True
                    await self._abort_locked()
                else:
                    _run_all(unit.on_abort)
                return  # the failure goes on
            if unit.failed is not None:  # raised inside and swallowed by the code it ran
                if self._in_tx is task:
                    promoted = True
                    await self._abort_locked()
                else:
                    _run_all(unit.on_abort)
                raise unit.failed
            if self._in_tx is task:
                promoted = True
                try:
                    interrupted = await self._commit()
                except BaseException:
                    self._after_commit.clear()
                    self._aborted()
                    await self._rollback_quietly()
                    raise
                finally:
                    self._end_locked()
                callbacks, self._after_commit = self._after_commit, []
                _run_all(callbacks)
                if interrupted:
                    raise asyncio.CancelledError()
            else:
                await self._flush(unit, scope.detach)  # its callbacks run with the commit
        finally:
            unit.open = False
            _UNIT.reset(scope.token)
            self._units.pop(task, None)
            if promoted and self._write_lock.locked():
                self._write_lock.release()

    async def _abort_locked(self) -> None:
        self._after_commit.clear()
        self._aborted()
        try:
            await self._conn.execute("ROLLBACK")
        finally:
            self._end_locked()

    def _aborted(self) -> None:
        callbacks, self._on_abort = self._on_abort, []
        _run_all(callbacks)

    def _end_locked(self) -> None:
        self._in_tx = None
        self._on_abort.clear()
        self._bump(self._tx_written)
        self._tx_written.clear()

    async def _flush(self, unit: _Unit, detach: Committed | None = None) -> None:
        """Group commit: the deferred writes of every unit finishing meanwhile go in one
        transaction and one round trip (``_together``; unit by unit in savepoints when a claim
        changes nothing or a statement fails, so that only that unit's writes are taken back).
        ``detach``: see ``unit``."""
        if not unit.buffer:
            _run_all(unit.after_commit)
            if detach is not None:
                detach(None)
            return
        # the callbacks run with the commit, even if this unit is cancelled while it waits
        waiter = None if detach is not None else asyncio.get_running_loop().create_future()
        self._queued += 1
        self._flushes.append(_Flush(unit.buffer, unit.after_commit, unit.on_abort, self._queued, waiter, detach))
        self._unsettled.add(self._queued)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._group_commit())
        if waiter is None:
            return
        failure = await asyncio.shield(waiter)
        if failure is not None:
            raise failure

    async def flushed(self) -> None:
        """Return once every deferred unit queued so far is committed (or failed), its callbacks
        (``detach`` among them) run."""
        if not self._unsettled:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiting = (set(self._unsettled), done)
        self._settle_waiters.append(waiting)
        try:
            await done
        finally:
            if waiting in self._settle_waiters:
                self._settle_waiters.remove(waiting)

    @property
    def flushing(self) -> bool:
        """Deferred units are waiting for the group commit."""
        return bool(self._unsettled)

    def _settle_flush(self, flush: _Flush, outcome: BaseException | None) -> None:
        """A unit's deferred writes are committed (``outcome`` None) or given up: its callbacks
        run (one that raises is logged, never stops the others or the group commit), its
        waiter learns the outcome, its ``detach`` too."""
        for callback in flush.after_commit if outcome is None else flush.on_abort:
            _quietly(callback)
        self._unsettled.discard(flush.number)
        if flush.waiter is not None and not flush.waiter.done():
            flush.waiter.set_result(outcome)
        if flush.detach is not None:
            detach = flush.detach
            _quietly(lambda: detach(outcome))
        for numbers, done in self._settle_waiters:  # (few: a transaction or a test waiting)
            numbers.discard(flush.number)
            if not numbers and not done.done():
                done.set_result(None)

    def _retry(self, flush: _Flush, outcome: BaseException) -> bool:
        """A unit whose writes failed (not a void claim) is tried again with the next group: its
        decision stands, only its recording failed — it is never decided again. False once its
        attempts are spent."""
        if isinstance(outcome, (AlreadyClaimed, asyncio.CancelledError)) or flush.attempts + 1 >= FLUSH_ATTEMPTS:
            return False
        flush.attempts += 1
        log.warning("deferred writes failed (%s), attempt %d; tried again", type(outcome).__name__, flush.attempts)
        self._flushes.append(flush)
        return True

    async def _group_commit(self) -> None:
        while self._flushes:
            group, self._flushes = self._flushes, []

            def run(conn: Any) -> list[BaseException | None]:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    outcomes = _together(conn, group)
                    if outcomes is None:  # a claim that changed nothing, a failing statement
                        conn.execute("ROLLBACK")
                        conn.execute("BEGIN IMMEDIATE")
                        outcomes = _one_by_one(conn, group)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                return outcomes

            try:
                async with self._write_lock:
                    try:
                        outcomes = await self._conn._execute(run, self._conn._conn)
                    finally:  # each statement's tables once: one bump tells every reader
                        for sql in {sql for flush in group for sql, _params, _claim in flush.buffer}:
                            self._touch(written_tables(sql))
            except BaseException as exc:  # noqa: BLE001 - every waiting unit learns it failed
                for flush in group:
                    if not self._retry(flush, exc):
                        self._settle_flush(flush, exc)
                if isinstance(exc, asyncio.CancelledError):
                    for flush in self._flushes:  # nobody left to commit them
                        self._settle_flush(flush, exc)
                    self._flushes = []
                    raise
                continue
            for flush, outcome in zip(group, outcomes):
                if outcome is None or not self._retry(flush, outcome):
                    self._settle_flush(flush, outcome)

    async def _promote(self, unit: _Unit) -> None:
        """The unit's first ordinary write: from here on it is a locked transaction."""
        if unit.failed is not None:
            raise unit.failed
        # detached units queued before this one (the earlier events of its chat among them) are
        # committed first: a decision is never recorded ahead of what came before it
        await self.flushed()
        await self._write_lock.acquire()
        task = asyncio.current_task()
        try:
            read = [*unit.reads.items(), *(pair for stamp in unit.stamps for pair in stamp)]
            changed = sorted({t for t, g in read if self._gen.get(t, 0) != g})
            if unit.epoch != self._epoch:
                changed.append("*")
            if changed:
                unit.failed = Conflict(", ".join(sorted(changed)))
                raise unit.failed
            self._in_tx = task
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                await asyncio.shield(self._rollback_quietly())
                self._in_tx = None
                raise
            self._after_commit.extend(unit.after_commit)
            unit.after_commit = []
            self._on_abort.extend(unit.on_abort)
            unit.on_abort = []
            buffer, unit.buffer = unit.buffer, []
            for sql, params, claim in buffer:
                try:
                    cursor = await self._conn.execute(sql, params)
                except Exception as exc:  # the rest of the buffer is gone: the unit is void
                    unit.failed = exc
                    raise
                self._touch(written_tables(sql))
                if claim and cursor.rowcount < 1:
                    unit.failed = AlreadyClaimed()
                    raise unit.failed
        except BaseException:
            if self._in_tx is not task:
                self._write_lock.release()
            raise

    async def _writing(self) -> bool:
        """Before a write: promote the current task's deferred unit; True when the write runs
        inside a transaction of this task (else it autocommits in one of its own)."""
        task = asyncio.current_task()
        if self._in_tx is not None and self._in_tx is task:
            return True
        unit = self._units.get(task) if task is not None else None
        if unit is None:
            return False
        await self._promote(unit)
        return True

    async def batch(self, statements: list[tuple[str, Any]]) -> list[int]:
        """Write statements in one transaction with one round trip to the database thread;
        returns each one's row count. Inside the current task's transaction they join it."""
        return (await self.batch_after(None, statements))[1]

    async def batch_after(self, query: tuple[str, Any] | None,
                          statements: list[tuple[str, Any]]) -> tuple[list[Any], list[int]]:
        """``batch``, first reading ``query``'s rows in the same transaction (what the writes
        find already there); returns the rows and each statement's row count."""
        if await self._writing():
            rows: list[Any] = []
            if query is not None:
                async with self._conn.execute(*query) as cursor:
                    rows = list(await cursor.fetchall())
            counts = []
            for sql, params in statements:
                counts.append((await self._conn.execute(sql, params)).rowcount)
                self._touch(written_tables(sql))
            return rows, counts

        def run(conn: Any) -> tuple[list[Any], list[int]]:
            conn.execute("BEGIN IMMEDIATE")
            try:
                found = conn.execute(*query).fetchall() if query is not None else []
                done = [conn.execute(sql, params).rowcount for sql, params in statements]
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return found, done

        async with self._write_lock:
            try:
                return await self._conn._execute(run, self._conn._conn)
            finally:
                for sql, _params in statements:
                    self._touch(written_tables(sql))

    async def defer(self, sql: str, params: Any = (), *, claim: bool = False) -> None:
        """A blind write of the message path (counting, marking the event done): inside a deferred
        ``unit`` it is sent with the unit's other writes at the end; elsewhere it runs now. Blind:
        nothing decided on the message path reads what it writes, and it touches only rows of
        its own event (or adds to a counter), so the group commit may run the same statement of
        many units together."""
        task = asyncio.current_task()
        unit = self._units.get(task) if task is not None else None
        if unit is not None and self._in_tx is not task:
            if unit.failed is not None:
                raise unit.failed
            unit.buffer.append((sql, params, claim))
            return
        rows = await self.execute_rowcount(sql, params)
        if claim and rows < 1:
            raise AlreadyClaimed()

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator["Database"]:
        """Inside the current task's transaction: undo only this block's writes if it raises
        (a use case refusing after it started writing). Outside one it does nothing: long work
        (imports, reports) commits in short transactions of its own."""
        if not self.in_transaction():
            yield self
            return
        await self._writing()
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        await self._conn.execute(f"SAVEPOINT {name}")
        mark = len(self._on_abort)  # what this block puts in memory is taken back with its writes
        try:
            yield self
        except BaseException:
            await self._conn.execute(f"ROLLBACK TO {name}")
            await self._conn.execute(f"RELEASE {name}")
            undone, self._on_abort[mark:] = self._on_abort[mark:], []
            _run_all(undone)
            raise
        else:
            await self._conn.execute(f"RELEASE {name}")
        finally:
            self._savepoints -= 1

    def in_transaction(self) -> bool:
        """True inside ``transaction()`` (or a deferred ``unit``) of the current task."""
        task = asyncio.current_task()
        return (self._in_tx is not None and self._in_tx is task) or task in self._units

    def on_abort(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` if the current task's transaction (or deferred unit) is rolled back
        or its writes are not kept; outside a transaction, never. Undoes what was put in memory
        ahead of the commit (so that the next event of the same chat sees it at once)."""
        task = asyncio.current_task()
        if self._in_tx is not None and self._in_tx is task:
            self._on_abort.append(callback)
        elif task in self._units:
            self._units[task].on_abort.append(callback)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the current task's transaction commits (dropped on rollback);
        outside a transaction, right away. Used to wake the action executor only for rows that
        other connections can already see."""
        task = asyncio.current_task()
        if self._in_tx is not None and self._in_tx is task:
            self._after_commit.append(callback)
        elif task in self._units:
            self._units[task].after_commit.append(callback)
        else:
            callback()

    async def _rollback_quietly(self) -> None:
        try:
            await self._conn.execute("ROLLBACK")
        except Exception:  # no transaction was active: nothing to undo
            pass

    async def execute(self, sql: str, params: Any = (), *, part: Parts | None = None) -> int:
        """Run one write statement; returns lastrowid. Autocommits outside a transaction.
        ``part``: the key of a partitioned table whose rows it changes (see ``cached``)."""
        if not await self._writing():
            async with self.transaction():
                cursor = await self._conn.execute(sql, params)
                self._touch(written_tables(sql), part)
                return cursor.lastrowid or 0
        cursor = await self._conn.execute(sql, params)
        self._touch(written_tables(sql), part)
        return cursor.lastrowid or 0

    async def execute_insert_ignore(self, sql: str, params: Any = (), *, part: Parts | None = None) -> int | None:
        """An ``INSERT OR IGNORE``: the new row id, or None when the row already existed."""
        await self._writing()
        async with self.transaction():
            cursor = await self._conn.execute(sql, params)
            self._touch(written_tables(sql), part)
            return (cursor.lastrowid or None) if cursor.rowcount else None

    async def execute_rowcount(self, sql: str, params: Any = (), *, part: Parts | None = None) -> int:
        await self._writing()
        async with self.transaction():
            cursor = await self._conn.execute(sql, params)
            self._touch(written_tables(sql), part)
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Any) -> None:
        await self._writing()
        async with self.transaction():
            await self._conn.executemany(sql, rows)
            self._touch(written_tables(sql))

    async def fetchone(self, sql: str, params: Any = ()) -> aiosqlite.Row | None:
        self._note_read(sql)
        rows = list(await self._read_conn().execute_fetchall(sql, params))  # one round trip
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Any = ()) -> list[aiosqlite.Row]:
        self._note_read(sql)
        return list(await self._read_conn().execute_fetchall(sql, params))

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
        await self._load_triggers()
        return applied


def _together(conn: Any, group: list[_Flush]) -> list[BaseException | None] | None:
    """The usual group commit: each statement once for all the units that make it
    (``executemany``, a few calls into SQLite instead of five per unit). Deferred writes of
    different units touch rows of their own events (or add to counters), so running them
    statement by statement keeps the result; each unit's own order is kept (None when the
    units order their statements differently). None too when a claim changed nothing or a
    statement failed: the caller rolls back and goes unit by unit."""
    index: dict[tuple[str, bool], int] = {}
    columns: list[tuple[str, bool, list[Any]]] = []
    for flush in group:
        last = -1
        for sql, params, claim in flush.buffer:
            at = index.get((sql, claim))
            if at is None:
                at = index[(sql, claim)] = len(columns)
                columns.append((sql, claim, []))
            if at < last:
                return None
            last = at
            columns[at][2].append(params)
    try:
        for sql, claim, rows in columns:
            bulk = _BULK.get(sql) if len(rows) > 1 else None
            text = _as_json(rows) if bulk is not None else None
            if bulk is not None and text is not None:
                changed = conn.execute(bulk, (text,)).rowcount
            else:
                changed = conn.executemany(sql, rows).rowcount
            if changed < len(rows) and claim:
                return None
    except Exception:  # noqa: BLE001 - sqlite3's or Python's (an int beyond 64 bits): unit by unit
        return None
    return [None] * len(group)


_JSON = msgspec.json.Encoder()
_ROWS = frozenset({list, tuple})
_SCALARS = frozenset({int, str, float, type(None)})
_INT64 = (-(2**63), 2**63 - 1)
_INFINITE = (float("inf"), float("-inf"))


def _as_json(rows: list[Any]) -> str | None:
    """The rows as one JSON text that carries them as SQLite would bind them, or None (then
    they go one statement per row). None for: an integer beyond 64 bits (JSON would make it a
    real), NaN or infinity (JSON has neither), a
    string with a NUL (``->>`` would cut it there) or that is not valid text (binding refuses
    it, so the unit fails alone), a value of any other type, a row that is not a list or tuple
    (named parameters). The types are read and the text written by C code; only the integers
    are gathered in Python, for their range."""
    if not set(map(type, rows)) <= _ROWS:  # (a mapping would be walked as its keys)
        return None
    values = list(itertools.chain.from_iterable(rows))
    kinds = set(map(type, values))
    if not kinds <= _SCALARS:
        return None
    if float in kinds and any(v != v or v in _INFINITE for v in values if type(v) is float):
        return None
    try:
        text = _JSON.encode(rows)
    except (UnicodeEncodeError, msgspec.MsgspecError, OverflowError):
        return None
    if b"\\u0000" in text:
        return None
    if int in kinds:
        ints = [v for v in values if type(v) is int]
        if min(ints) < _INT64[0] or max(ints) > _INT64[1]:
            return None
    return text.decode()


def _one_by_one(conn: Any, group: list[_Flush]) -> list[BaseException | None]:
    """Each unit inside a savepoint of its own: a claim that changes nothing, or a failing
    statement, takes back that unit's writes only."""
    outcomes: list[BaseException | None] = []
    for flush in group:
        conn.execute("SAVEPOINT unit")
        outcome: BaseException | None = None
        try:
            for sql, params, claim in flush.buffer:
                if conn.execute(sql, params).rowcount < 1 and claim:
                    outcome = AlreadyClaimed()
                    break
        except Exception as exc:  # noqa: BLE001 - that unit fails, the others go on
            outcome = exc
        if outcome is not None:
            conn.execute("ROLLBACK TO unit")
        conn.execute("RELEASE unit")
        outcomes.append(outcome)
    return outcomes


class _SideReader(Database):
    def __init__(self, main: Database, reader: aiosqlite.Connection) -> None:  # noqa: D107
        self._main = main
        self._side = reader
        self.path = main.path

    def _note_read(self, sql: str) -> None:
        self._main._note_read(sql)  # a read model loaded here is invalidated like any other

    def __getattr__(self, name: str) -> Any:
        return getattr(self._main, name)  # everything else (defer, batch, unit …) is the main one's

    async def cached(self, key: Hashable, load: Callable[[], Awaitable[T]], *, part: Part | None = None) -> T:
        return await self._main.cached(key, load, part=part)

    def _read_conn(self) -> aiosqlite.Connection:
        return self._main._conn if self._main._in_tx is asyncio.current_task() else self._side

    # The main connection's own context managers (the type asynccontextmanager gives them).
    def transaction(self) -> contextlib._AsyncGeneratorContextManager[Database]:
        return self._main.transaction()

    def savepoint(self) -> contextlib._AsyncGeneratorContextManager[Database]:
        return self._main.savepoint()

    def in_transaction(self) -> bool:
        return self._main.in_transaction()

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._main.after_commit(callback)

    def on_abort(self, callback: Callable[[], None]) -> None:
        self._main.on_abort(callback)

    async def execute(self, sql: str, params: Any = (), *, part: Parts | None = None) -> int:
        return await self._main.execute(sql, params, part=part)

    async def execute_insert_ignore(self, sql: str, params: Any = (), *, part: Parts | None = None) -> int | None:
        return await self._main.execute_insert_ignore(sql, params, part=part)

    async def execute_rowcount(self, sql: str, params: Any = (), *, part: Parts | None = None) -> int:
        return await self._main.execute_rowcount(sql, params, part=part)

    async def executemany(self, sql: str, rows: Any) -> None:
        await self._main.executemany(sql, rows)

    async def close(self) -> None:
        await self._side.close()


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (``sqlite3.complete_statement`` handles triggers)."""

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
    else:
        await db._load_triggers()
    return db
