"""Regression (issue 9, item 7): the database files held children's names world-readable (0644)."""

from __future__ import annotations

import os
import stat

from bot.db import Database


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_new_database_and_its_wal_files_are_owner_only(tmp_path) -> None:
    old = os.umask(0o022)  # the usual umask, which made the files 0644
    try:
        db = await Database.open(tmp_path / "data" / "bot.db")
        try:
            await db.migrate()
            await db.execute("INSERT INTO kv (key, value) VALUES ('a', '1')")
            files = [tmp_path / "data" / name for name in ("bot.db", "bot.db-wal", "bot.db-shm")]
            assert all(f.exists() for f in files)
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
        finally:
            await db.close()
    finally:
        os.umask(old)


async def test_an_existing_world_readable_database_is_tightened(tmp_path) -> None:
    path = tmp_path / "old.db"
    db = await Database.open(path)
    await db.migrate()
    await db.close()
    os.chmod(path, 0o644)
    db = await Database.open(path)
    try:
        assert _mode(path) == 0o600
        assert await db.fetchval("SELECT COUNT(*) FROM schema_migration") > 0
    finally:
        await db.close()


async def test_in_memory_database_still_opens() -> None:
    db = await Database.open(":memory:")
    try:
        assert await db.fetchval("SELECT 1") == 1
    finally:
        await db.close()
