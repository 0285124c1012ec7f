"""Review of the group commit's counts (94060f2): a group's counts sent as one statement must
leave every table — the report aggregates kept by the triggers of 0008 included — exactly as the
rows one by one do. (A fold of each author's counts into one row, tried first, did not: the
person a row counts for, and whether their month was negative, is known only to the database;
these groups are the ones that showed it.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.db import _BULK, Database, _as_json, open_database
from bot.repo import activity
from tests.unit.test_db_bulk import _tables, _world


@pytest.fixture
async def two(db: Database, tmp_path) -> AsyncIterator[tuple[Database, Database]]:
    other = await open_database(tmp_path / "other.db")
    try:
        await _world(db)
        await _world(other)
        yield db, other
    finally:
        await other.close()


async def test_a_folded_author_moved_ahead_of_a_count_taken_back_leaves_no_extra_active_row(
        two: tuple[Database, Database]) -> None:
    """Person 11's join in chat 2, then a message of theirs taken back in chat 1, then their
    message in chat 2 — one month, one credited org, so one agg_person row. One by one that row
    goes 0 → -1 → 0 and never becomes active: agg_active gets no row. Folded, the chat-2 key's
    message moves ahead of the taken-back one: the row goes 1 (active +1, a new agg_active row)
    → 0 (active -1), leaving an agg_active row of 0 people that the steps never made
    (``aggregates.active_counts`` returns it)."""
    folded, one_by_one = two
    day = "2026-11-29"
    group = [
        (day, 2, 501, 11, 1, 0, 1, 0, 0),   # a join (no message, no action)
        (day, 1, 501, 11, 1, -1, 0, 0, 0),  # a message taken back (kept as given)
        (day, 2, 501, 11, 1, 1, 0, 0, 0),   # a message: folded into the join's row
    ]
    await folded.execute(_BULK[activity.UPSERT_SQL], (_as_json(group),))
    for given in group:
        await one_by_one.execute(activity.UPSERT_SQL, given)
    assert await _tables(folded) == await _tables(one_by_one)


def test_rows_of_another_shape_than_a_sequence_never_go_as_json() -> None:
    """``_as_json``: a value of any other type gives None. Rows given as mappings (named
    parameters) are walked as their keys (all strings), so they pass, and the bulk form's
    ``value ->> 0`` reads NULL from every JSON object instead of the values binding would give."""
    assert _as_json([{"day": "2026-11-29", "chat": 1}, {"day": "2026-11-30", "chat": 2}]) is None


async def test_a_folded_author_moved_ahead_of_a_rekey_that_takes_counts_back_leaves_no_extra_active_row(
        two: tuple[Database, Database]) -> None:
    """Every row of the group is a non-negative count of an author known throughout; the
    chat-1 row already there (an unknown author's message taken back: -1) is re-keyed to person
    11 by the group's second row, which takes one from the person's month. One by one the
    agg_person row goes -1 → 0 and never becomes active; folded, the chat-2 message comes first:
    1 (a new agg_active row) → 0 — an agg_active row of 0 people the steps never made."""
    folded, one_by_one = two
    day = "2026-11-29"
    for db in two:
        await db.execute(activity.UPSERT_SQL, (day, 1, 501, None, None, -1, 0, 0, 0))
    group = [
        (day, 2, 501, 11, 1, 0, 1, 0, 0),
        (day, 1, 501, 11, 1, 0, 1, 0, 0),  # learns the author of the row already there
        (day, 2, 501, 11, 1, 1, 0, 0, 0),
    ]
    await folded.execute(_BULK[activity.UPSERT_SQL], (_as_json(group),))
    for given in group:
        await one_by_one.execute(activity.UPSERT_SQL, given)
    assert await _tables(folded) == await _tables(one_by_one)


async def test_a_row_naming_another_person_may_count_for_the_folded_one(two: tuple[Database, Database]) -> None:
    """The person a row names is not the one it counts for when its activity row already has
    one (``COALESCE(activity.person_id, excluded.person_id)``): VK 502's row of the day in chat 1
    is person 11's already (a join), so the group's count taken back for 502, naming person 12
    now, still comes off person 11's month. Folding 11's chat-2 rows across it (nothing in
    between names 11 or an unknown author) makes that month active and inactive again: an
    agg_active row of 0 people the steps never made."""
    folded, one_by_one = two
    day = "2026-11-29"
    for db in two:
        await db.execute(activity.UPSERT_SQL, (day, 1, 502, 11, 1, 0, 1, 0, 0))
    group = [
        (day, 2, 501, 11, 1, 0, 1, 0, 0),
        (day, 1, 502, 12, 1, -1, 0, 0, 0),  # counts for person 11: the row is theirs already
        (day, 2, 501, 11, 1, 1, 0, 0, 0),
    ]
    await folded.execute(_BULK[activity.UPSERT_SQL], (_as_json(group),))
    for given in group:
        await one_by_one.execute(activity.UPSERT_SQL, given)
    assert await _tables(folded) == await _tables(one_by_one)
