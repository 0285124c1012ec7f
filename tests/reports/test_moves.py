"""A person who moves to another school in the middle of a month: what they wrote before the move
stays credited to the old school, what they wrote after goes to the new one; nothing is counted
twice or lost in the municipality, and the aggregates still equal the raw rows."""

from __future__ import annotations

from bot.services import report_views as views
from bot.services.activity import ActivityCounter
from tests.reports.test_aggregate_triggers import FLOW, PERSON, _rows
from tests.services.test_reports import MONTH, OCT_5, Scenario, utc


async def test_a_move_in_the_middle_of_the_month_splits_the_credit_at_the_move(world) -> None:
    s = Scenario(world)
    await s.build()
    db, a, b = world.db, world.school_a, world.school_b
    before = await views.territory_schools(db, world.muni.id, MONTH, now=utc(2026, 9, 1, 12))  # open month
    credited = {r.name: r.credited_messages for r in before.schools}
    assert credited == {"Школа А": 0, "Школа Б": 0}

    counter = ActivityCounter(db, cache_seconds=0)
    counter.record(s.c["c1"], 501, "message", utc(2026, 9, 10, 9))  # Ta, still A's: A's own chat
    counter.record(s.c["d1"], 501, "message", utc(2026, 9, 10, 3))  # Ta in B's chat, a guest from A
    await counter.flush()
    # Ta moves to school B on the 15th (the roster of B now lists Ta)
    await db.execute("UPDATE person SET home_org_id = ? WHERE id = ?", (b.id, s.p["Ta"]))
    for at in (utc(2026, 9, 20, 9), utc(2026, 9, 21, 9)):
        counter.record(s.c["c1"], 501, "message", at)  # now a guest in A's chat, credited to B
    counter.record(s.c["d1"], 501, "message", utc(2026, 9, 22, 3))  # B's own chat
    await counter.flush()

    va = await views.school_overview(db, a.id, MONTH, now=OCT_5)
    vb = await views.school_overview(db, b.id, MONTH, now=OCT_5)
    # by hand: A's chats hold 3 of Ta's messages: 1 before the move (A's own), 2 after (a guest of B)
    assert (va.messages_in_chats, va.own_messages, va.guest_messages) == (3, 1, 2)
    # A is credited the 2 written before the move (one of them in B's chat, away)
    assert (va.credited_messages, va.away_messages) == (2, 1)
    assert [(f.org_name, f.messages) for f in va.guests] == [("Школа Б", 2)]
    # B's chat holds 2 of Ta's: 1 as A's guest (before), 1 as B's own (after); B is credited 3
    assert (vb.messages_in_chats, vb.own_messages, vb.guest_messages) == (2, 1, 1)
    assert (vb.credited_messages, vb.away_messages) == (3, 2)
    muni = await views.territory_schools(db, world.muni.id, MONTH, now=OCT_5)
    tot = muni.totals
    assert tot.messages_in_chats == 5 and tot.credited_messages == 5 and muni.outside_messages == 0
    assert await _rows(db, "SELECT * FROM agg_flow", nonzero_from=4) == await _rows(db, FLOW, nonzero_from=4)
    assert await _rows(db, "SELECT * FROM agg_person", nonzero_from=4) == await _rows(db, PERSON, nonzero_from=4)
    # September closed after the move: its roster is B's with Ta, active there (wrote for B after
    # the move); A's staff is the admin alone
    assert (vb.people["staff"].roster, vb.people["staff"].active) == (3, 1)
    assert (va.people["staff"].roster, va.people["staff"].active) == (1, 0)
