"""Migration 0008 on a database that already has activity: the aggregates are backfilled from the
stored rows, and the triggers (created after the backfill) keep them current from then on."""

from __future__ import annotations

from bot.db import load_migrations, open_database


async def test_backfill_from_existing_rows_then_triggers(tmp_path) -> None:
    db = await open_database(tmp_path / "old.db", migrate=False)
    try:
        migrations = load_migrations()
        await db.migrate([m for m in migrations if m.version < 8])
        await db.execute("INSERT INTO org (id, kind, code, name, timezone, created_at) VALUES"
                         " (1, 'school', 'a', 'Школа А', 'Europe/Moscow', 0), (2, 'school', 'b', 'Школа Б', 'Europe/Moscow', 0)")
        await db.execute("INSERT INTO person (id, home_org_id, kind, full_name, name_key, vk_id, created_at, updated_at)"
                         " VALUES (10, 1, 'parent', 'П', 'п', 501, 0, 0), (20, 2, 'staff', 'У', 'у', 601, 0, 0)")
        await db.execute("INSERT INTO chat (id, peer_id, org_id, type, title, status, created_at) VALUES"
                         " (1, 2000000001, 1, 'parents_class', 'x', 'active', 0)")
        rows = [("2026-09-01", 1, 501, 10, 1, 3, 0, 0, 1),  # a parent of A: 3 messages, a vote
                ("2026-09-02", 1, 601, 20, 2, 2, 0, 0, 0),  # a teacher of B in A's chat: credited to B
                ("2026-09-02", 1, 900, None, None, 1, 1, 0, 0),  # nobody known
                ("2026-10-01", 1, 501, 10, 1, 0, 1, 1, 0)]  # October: a join and a leave only
        await db.executemany("INSERT INTO activity (day, chat_id, vk_id, person_id, credited_org_id, messages,"
                             " joins, leaves, actions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        await db.migrate(migrations)

        async def rows_of(sql: str) -> set[tuple]:
            return {tuple(r) for r in await db.fetchall(sql)}

        assert await rows_of("SELECT * FROM agg_flow") == {
            ("2026-09", 1, "parents_class", 1, 3, 1, 0, 0), ("2026-09", 1, "parents_class", 2, 2, 0, 0, 0),
            ("2026-09", 1, "parents_class", 0, 1, 0, 1, 0), ("2026-10", 1, "parents_class", 1, 0, 0, 1, 1)}
        assert await rows_of("SELECT * FROM agg_credit") == {("2026-09", 1, 3, 1), ("2026-09", 2, 2, 0)}
        assert await rows_of("SELECT * FROM agg_chat") == {("2026-09", 1, 1, 6, 1, 3), ("2026-10", 1, 1, 0, 0, 0)}
        assert await rows_of("SELECT * FROM agg_active") == {("2026-09", 1, "parent", 1), ("2026-09", 2, "staff", 1)}
        # from now on the triggers: the teacher of B writes once more in September
        await db.execute("INSERT INTO activity (day, chat_id, vk_id, person_id, credited_org_id, messages)"
                         " VALUES ('2026-09-02', 1, 601, 20, 2, 1) ON CONFLICT (day, chat_id, vk_id)"
                         " DO UPDATE SET messages = activity.messages + excluded.messages")
        assert await rows_of("SELECT * FROM agg_credit") == {("2026-09", 1, 3, 1), ("2026-09", 2, 3, 0)}
        assert await db.fetchval("SELECT guest_messages FROM agg_chat WHERE month = '2026-09'") == 4
    finally:
        await db.close()
