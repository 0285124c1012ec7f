"""Review of ``Database.unit`` as a class (``_InUnit``, f2fe66d): what a cancellation at the
unit's last await leaves. A promoted unit (an ordinary write inside it) ends with COMMIT; the
task cancelled while that COMMIT is queued must not report "not kept" for writes that are kept."""

from __future__ import annotations

import asyncio

import pytest

from bot.db import Database


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
