"""The aggregates kept by the triggers of migration 0008 always equal what grouping the raw
activity rows gives (the backfill's SQL): through counts, counts taken back, an unknown author
learnt later the same day (the row's credit and person change) and the bulk flush."""

from __future__ import annotations

import random

from bot.repo import activity as activity_repo
from tests.services.test_reports import Scenario

FLOW = ("SELECT substr(a.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(a.credited_org_id, 0),"
        " SUM(a.messages), SUM(a.actions), SUM(a.joins), SUM(a.leaves) FROM activity a JOIN chat c ON c.id = a.chat_id"
        " GROUP BY 1, 2, 3, 4")
CHAT = ("SELECT substr(a.day, 1, 7), c.org_id, a.chat_id, SUM(a.messages), SUM(a.actions),"
        " SUM(CASE WHEN COALESCE(a.credited_org_id, 0) = c.org_id THEN 0 ELSE a.messages END)"
        " FROM activity a JOIN chat c ON c.id = a.chat_id GROUP BY 1, 2, 3")
DAY = ("SELECT c.org_id, a.day, COALESCE(c.type, ''), SUM(a.messages) FROM activity a JOIN chat c ON c.id = a.chat_id"
       " GROUP BY 1, 2, 3")
PERSON = ("SELECT substr(a.day, 1, 7), a.credited_org_id, a.person_id, p.kind, SUM(a.messages), SUM(a.actions)"
          " FROM activity a JOIN person p ON p.id = a.person_id WHERE a.credited_org_id IS NOT NULL GROUP BY 1, 2, 3, 4")


async def _rows(db, sql: str, *, nonzero_from: int) -> set[tuple]:
    """Rows whose counts (columns from ``nonzero_from`` on) are not all zero."""
    return {tuple(r) for r in await db.fetchall(sql) if any(r[nonzero_from:])}


async def test_triggers_keep_the_aggregates_equal_to_the_raw_rows(world) -> None:
    s = Scenario(world)
    await s.build()
    db, rng = world.db, random.Random(5)
    chats = list(s.c.values())
    authors = [(501, s.p["Ta"], world.school_a.id), (521, s.p["P1"], world.school_a.id),
               (611, s.p["SB1"], world.school_b.id), (900, None, None)]
    days = ["2026-09-01", "2026-09-02", "2026-09-30", "2026-10-01"]
    counted: list[tuple] = []
    async with db.transaction():
        for _ in range(400):
            chat = rng.choice(chats)
            vk, person, org = rng.choice(authors)
            day = rng.choice(days)
            if counted and rng.random() < 0.25:  # a message taken back (deleted by moderation)
                row = counted.pop(rng.randrange(len(counted)))
                await activity_repo.upsert_one(db, (*row[:5], -1, 0, 0, 0))
                continue
            if vk == 900 and rng.random() < 0.3:  # the unknown author becomes known: credit and person set
                person, org = s.p["P2"], world.school_a.id
            field = rng.choice([0, 0, 0, 1, 2, 3])
            counts = [0, 0, 0, 0]
            counts[field] = 1
            await activity_repo.upsert_one(db, (day, chat.id, vk, person if vk != 900 or org else None, org, *counts))
            if field == 0:
                counted.append((day, chat.id, vk, person, org))
    await activity_repo.upsert_many(db, [("2026-09-02", chats[0].id, 521, s.p["P1"], world.school_a.id, 3, 0, 0, 1)])
    assert await db.fetchval("SELECT COUNT(*) FROM activity WHERE credited_org_id IS NULL") > 0  # unknowns stayed
    assert await _rows(db, "SELECT * FROM agg_flow", nonzero_from=4) == await _rows(db, FLOW, nonzero_from=4)
    assert await _rows(db, "SELECT * FROM agg_chat", nonzero_from=3) == await _rows(db, CHAT, nonzero_from=3)
    assert await _rows(db, "SELECT * FROM agg_day", nonzero_from=3) == await _rows(db, DAY, nonzero_from=3)
    assert await _rows(db, "SELECT * FROM agg_person", nonzero_from=4) == await _rows(db, PERSON, nonzero_from=4)
    active = {tuple(r) for r in await db.fetchall("SELECT * FROM agg_active WHERE people != 0")}
    persons = await _rows(db, PERSON, nonzero_from=4)
    expected: dict[tuple, int] = {}
    for month, org, _, kind, messages, actions in persons:
        if messages + actions > 0:
            expected[(month, org, kind)] = expected.get((month, org, kind), 0) + 1
    assert active == {(*k, v) for k, v in expected.items()}
    credit = await _rows(db, "SELECT * FROM agg_credit", nonzero_from=2)
    assert credit == await _rows(db, "SELECT month, credited_org_id, SUM(messages), SUM(actions) FROM agg_flow"
                                     " WHERE credited_org_id != 0 GROUP BY 1, 2", nonzero_from=2)
