"""The group commit's bulk forms (``bot.db.bulk_form``): many units' counts and claims sent as one
statement over a JSON array must leave exactly what one statement per row leaves — the raw rows
and the report aggregates their triggers keep — and a claim that changes nothing still voids
its unit alone. The long-poll answer is stored the same way (``inbox.accept_batch``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.db import _BULK, AlreadyClaimed, Database, _as_json, open_database
from bot.repo import activity, inbox

AGGREGATES = ("activity", "agg_flow", "agg_credit", "agg_chat", "agg_day", "agg_person", "agg_active")

# (day, chat_id, vk_id, person_id, credited_org_id, messages, joins, leaves, actions): the same
# author twice, an unknown author, a guest credited elsewhere, a count taken back, other kinds
ROWS: list[tuple[Any, ...]] = [
    ("2026-11-29", 1, 501, 11, 1, 1, 0, 0, 0),
    ("2026-11-29", 1, 502, 12, 1, 1, 0, 0, 0),
    ("2026-11-29", 1, 501, 11, 1, 1, 0, 0, 0),
    ("2026-11-29", 1, 777, None, None, 1, 0, 0, 0),
    ("2026-11-29", 1, 503, 13, 2, 1, 0, 0, 0),
    ("2026-11-29", 2, 502, 12, 1, 0, 1, 0, 0),
    ("2026-11-29", 1, 502, 12, 1, -1, 0, 0, 0),
    ("2026-11-30", 2, 501, 11, 1, 0, 0, 0, 1),
]


async def _world(db: Database) -> None:
    for org in (1, 2):
        await db.execute("INSERT INTO org (id, kind, code, name, timezone, created_at)"
                         " VALUES (?, 'school', ?, ?, 'Europe/Moscow', 0)", (org, f"s{org}", f"Школа {org}"))
    for person, org in ((11, 1), (12, 1), (13, 2)):
        await db.execute("INSERT INTO person (id, home_org_id, kind, full_name, name_key, created_at, updated_at)"
                         " VALUES (?, ?, 'student', 'Ученик', 'ученик', 0, 0)", (person, org))
    for chat, kind in ((1, "students"), (2, "parents")):
        await db.execute("INSERT INTO chat (id, peer_id, org_id, type, status, created_at) VALUES (?, ?, 1, ?, 'active', 0)",
                         (chat, 2_000_000_000 + chat, kind))
    for event in range(1, 13):
        await db.execute("INSERT INTO inbox (event_id, payload, received_at) VALUES (?, '{}', 0)", (f"e{event}",))


async def _tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {name: sorted(tuple(r) for r in await db.fetchall(f"SELECT * FROM {name}")) for name in AGGREGATES}


@pytest.fixture
async def two(db: Database, tmp_path) -> AsyncIterator[tuple[Database, Database]]:
    other = await open_database(tmp_path / "other.db")
    try:
        await _world(db)
        await _world(other)
        yield db, other
    finally:
        await other.close()


async def test_counts_of_many_units_sent_together_leave_what_one_statement_per_row_leaves(
        two: tuple[Database, Database]) -> None:
    together, one_by_one = two
    outcomes: list[BaseException | None] = []
    sent: list[str] = []
    conn = together._conn
    await conn._execute(conn._conn.set_trace_callback, sent.append)

    async def unit(i: int, row: tuple[Any, ...]) -> None:
        async with together.unit(detach=outcomes.append):
            await inbox.claim(together, f"e{i}", 5)
            await activity.upsert_one(together, row)

    await asyncio.gather(*(unit(i, row) for i, row in enumerate(ROWS, 1)))
    await together.flushed()
    assert outcomes == [None] * len(ROWS)
    await conn._execute(conn._conn.set_trace_callback, None)
    # the claims and the counts: one statement each (the trace repeats it for each trigger step)
    assert len({sql for sql in sent if "json_each" in sql}) == 2
    assert not [sql for sql in sent if "VALUES (?" in sql or "VALUES ('" in sql]
    for row in ROWS:
        await one_by_one.execute(activity.UPSERT_SQL, row)
    assert await _tables(together) == await _tables(one_by_one)
    chats = dict((r[0], r[1]) for r in await together.fetchall("SELECT chat_id, messages FROM agg_chat"))
    assert chats == {1: 4, 2: 0}  # the guest's message, the unknown author's, the one taken back
    done = await together.fetchval("SELECT COUNT(*) FROM inbox WHERE status = 'done' AND payload = '{}'")
    assert done == len(ROWS)


def test_rows_go_as_one_json_text_only_when_it_carries_them_as_binding_would() -> None:
    # (VK's event ids are 40 hex digits: a run of 19 decimal ones in one is no integer)
    ok = [[1, -(2**63), 2**63 - 1, "привет", None, 1.5, "c400ec3c4311123456789012345678901234e84c"]]
    assert json.loads(_as_json(ok) or "") == ok
    for odd in (2**63, -(2**63) - 1, 2**70, float("nan"), float("inf"),
                "a\x00b", "\ud800", True, b"bytes"):
        assert _as_json([[1, "x"], [2, odd]]) is None, odd
    # named parameters: a mapping would be walked as its keys, and ``value ->> 0`` read NULL
    assert _as_json([{"day": "2026-11-29", "chat": 1}, {"day": "2026-11-30", "chat": 2}]) is None


DAY = "2026-11-29"
# Groups of counts whose order matters to the report aggregates: who a row counts for, and
# whether a person's month was negative, is known only to the database (a fold of each author's
# counts into one row, tried once, left an agg_active row of 0 people here that the rows one by
# one never leave). (activity rows already there, the group)
ORDERED_GROUPS = {
    "a count taken back between one author's counts": (
        [], [(DAY, 2, 501, 11, 1, 0, 1, 0, 0), (DAY, 1, 501, 11, 1, -1, 0, 0, 0), (DAY, 2, 501, 11, 1, 1, 0, 0, 0)]),
    "a negative row learning its author between the author's counts": (
        [(DAY, 1, 501, None, None, -1, 0, 0, 0)],
        [(DAY, 2, 501, 11, 1, 0, 1, 0, 0), (DAY, 1, 501, 11, 1, 0, 1, 0, 0), (DAY, 2, 501, 11, 1, 1, 0, 0, 0)]),
    "a row naming another person that counts for the author (its row is theirs already)": (
        [(DAY, 1, 502, 11, 1, 0, 1, 0, 0)],
        [(DAY, 2, 501, 11, 1, 0, 1, 0, 0), (DAY, 1, 502, 12, 1, -1, 0, 0, 0), (DAY, 2, 501, 11, 1, 1, 0, 0, 0)]),
}


@pytest.mark.parametrize(("before", "group"), ORDERED_GROUPS.values(), ids=ORDERED_GROUPS.keys())
async def test_a_group_whose_order_matters_leaves_what_the_rows_one_by_one_leave(
        two: tuple[Database, Database], before: list[tuple[Any, ...]], group: list[tuple[Any, ...]]) -> None:
    together, one_by_one = two
    for db in two:
        for row in before:
            await db.execute(activity.UPSERT_SQL, row)
    await together.execute(_BULK[activity.UPSERT_SQL], (_as_json(group),))
    for row in group:
        await one_by_one.execute(activity.UPSERT_SQL, row)
    assert await _tables(together) == await _tables(one_by_one)


async def test_a_claim_of_an_event_done_already_voids_its_unit_alone(two: tuple[Database, Database]) -> None:
    db, _ = two
    await inbox.mark_done(db, "e2", 1)
    outcomes: dict[int, BaseException | None] = {}

    async def unit(i: int, event: str) -> None:
        async with db.unit(detach=lambda outcome: outcomes.__setitem__(i, outcome)):
            await inbox.claim(db, event, 5)
            await activity.upsert_one(db, ROWS[0])

    # event 2 is done; event 3 is claimed by two units (an event that reached a queue twice)
    await asyncio.gather(unit(1, "e1"), unit(2, "e2"), unit(3, "e3"), unit(4, "e3"), unit(5, "e4"))
    await db.flushed()
    assert outcomes[1] is None and outcomes[5] is None
    assert isinstance(outcomes[2], AlreadyClaimed)
    assert [isinstance(outcomes[i], AlreadyClaimed) for i in (3, 4)].count(True) == 1
    assert await db.fetchval("SELECT messages FROM activity WHERE vk_id = 501") == 3  # units 1, 5 and one of 3/4


async def test_a_value_json_cannot_carry_fails_its_unit_alone(two: tuple[Database, Database]) -> None:
    """An integer beyond 64 bits would become a real number in JSON: the group goes statement by
    statement, where binding refuses it, and only that unit fails."""
    db, _ = two
    outcomes: dict[int, BaseException | None] = {}

    async def unit(i: int, vk_id: int) -> None:
        async with db.unit(detach=lambda outcome: outcomes.__setitem__(i, outcome)):
            await inbox.claim(db, f"e{i}", 5)
            await activity.upsert_one(db, ("2026-11-29", 1, vk_id, None, None, 1, 0, 0, 0))

    await asyncio.gather(unit(1, 601), unit(2, 2**70), unit(3, 603))
    await db.flushed()
    assert outcomes[1] is None and outcomes[3] is None
    assert isinstance(outcomes[2], OverflowError)
    assert sorted(r[0] for r in await db.fetchall("SELECT vk_id FROM activity")) == [601, 603]
    assert await db.fetchval("SELECT typeof(vk_id) FROM activity WHERE vk_id = 601") == "integer"
    assert await db.fetchval("SELECT status FROM inbox WHERE event_id = 'e2'") == "pending"


def _update(event_id: str | None, text: str = "текст") -> dict[str, Any]:
    update: dict[str, Any] = {"type": "message_new", "object": {"message": {"peer_id": 2_000_000_001, "text": text}}}
    if event_id is not None:
        update["event_id"] = event_id
    return update


async def test_a_long_poll_answer_is_stored_at_once_and_only_new_events_are_handed_on(db: Database) -> None:
    from bot.pipeline.dispatcher import peer_of

    await inbox.accept_batch(db, [_update("a1")], ts_key=None, ts=None, now=1)
    answer = [_update("a1"), _update("a2"), "not an object", _update("a2"), _update(None), _update("a3", "эмодзи \ud83d")]
    fresh = await inbox.accept_batch(db, answer, ts_key="lp", ts="42", now=7, peer_of=peer_of)  # type: ignore[list-item]
    # a1 stored before, a2 given twice, the id-less one handed on (never stored), a3 cleaned
    assert [u.get("event_id") for u in fresh] == ["a2", None, "a3"]
    assert fresh[2]["object"]["message"]["text"] == "эмодзи ?"
    rows = {r[0]: (r[1], r[2], r[3]) for r in await db.fetchall(
        "SELECT event_id, received_at, peer_id, json_extract(payload, '$.object.message.text') FROM inbox")}
    assert rows == {"a1": (1, None, "текст"), "a2": (7, 2_000_000_001, "текст"),
                    "a3": (7, 2_000_000_001, "эмодзи ?")}
    assert await inbox.get_kv(db, "lp") == "42"
    assert [u["event_id"] for u in await inbox.pending(db)] == ["a1", "a2", "a3"]


async def test_an_answer_json_cannot_store_as_it_is_is_stored_all_the_same(db: Database) -> None:
    """A number beyond a double (read leniently as infinity) has no JSON of its own: stored as
    null, never failing the batch (and so the long poll) over and over."""
    from bot.vk.polling import decode_answer

    answer = decode_answer(b'{"ts": 2, "updates": [{"type": "message_new", "event_id": "big", '
                           b'"object": {"message": {"peer_id": 2000000001, "text": "\\ud83d", "n": 1e400}}}]}')
    assert answer["updates"][0]["object"]["message"]["n"] == float("inf")  # as json reads it
    fresh = await inbox.accept_batch(db, answer["updates"], ts_key=None, ts=None, now=1)
    assert [u["event_id"] for u in fresh] == ["big"]
    stored = await db.fetchval("SELECT json_extract(payload, '$.object.message.n') FROM inbox WHERE event_id = 'big'")
    assert stored is None


async def test_an_event_id_with_a_nul_is_stored_and_claimed_whole(db: Database) -> None:
    """SQLite's ->> ends a text at a NUL: such an id must not be stored cut short (its claim
    would change nothing and the event be voided at every run)."""
    update = {"type": "message_new", "event_id": "e\x00x", "object": {"message": {"peer_id": 2_000_000_001}}}
    fresh = await inbox.accept_batch(db, [update, _update("plain")], ts_key="lp", ts="3", now=1)
    assert [u["event_id"] for u in fresh] == ["e\x00x", "plain"]
    assert sorted(r[0] for r in await db.fetchall("SELECT event_id FROM inbox")) == ["e\x00x", "plain"]
    assert await inbox.get_kv(db, "lp") == "3"
    again = await inbox.accept_batch(db, [update], ts_key=None, ts=None, now=2)
    assert again == []  # stored already: not new
    outcomes: list[BaseException | None] = []
    async with db.unit(detach=outcomes.append):
        await inbox.claim(db, "e\x00x", 5)
    await db.flushed()
    assert outcomes == [None]


async def test_a_bulk_claim_with_a_nul_matches_what_one_statement_per_claim_matches(db: Database) -> None:
    for event_id in ("a", "c"):
        await db.execute("INSERT INTO inbox (event_id, payload, received_at) VALUES (?, '{}', 0)", (event_id,))
    outcomes: dict[str, BaseException | None] = {}

    async def unit(event_id: str) -> None:
        async with db.unit(detach=lambda outcome: outcomes.__setitem__(event_id, outcome)):
            await inbox.claim(db, event_id, 5)

    await asyncio.gather(unit("a\x00b"), unit("c"))
    await db.flushed()
    assert await db.fetchval("SELECT status FROM inbox WHERE event_id = 'a'") == "pending"
    assert isinstance(outcomes["a\x00b"], AlreadyClaimed) and outcomes["c"] is None


async def test_an_answer_sqlite_refuses_in_one_statement_is_stored_a_row_at_a_time(db: Database, monkeypatch) -> None:
    """Whatever SQLite refuses in the one-statement store (its JSON reader's limits among them),
    the batch is stored row by row instead of failing — and being fetched again — for ever."""
    monkeypatch.setattr(inbox, "_ACCEPT", inbox._ACCEPT.replace("json_each(?)", "json_each(?, '$[')"))
    await inbox.accept_batch(db, [_update("r1")], ts_key=None, ts=None, now=1)
    fresh = await inbox.accept_batch(db, [_update("r1"), _update("r2"), _update(None)], ts_key="lp", ts="9", now=2)
    assert [u.get("event_id") for u in fresh] == ["r2", None]
    assert sorted(r[0] for r in await db.fetchall("SELECT event_id FROM inbox")) == ["r1", "r2"]
    assert await inbox.get_kv(db, "lp") == "9"


async def test_recent_history_of_many_units_is_written_in_one_statement_as_row_by_row(
        two: tuple[Database, Database]) -> None:
    from bot.repo import moderation as moderation_repo

    together, one_by_one = two
    entries = [(1, 501, 100, "fp-a", 0), (1, 501, 101, "fp-a", 0), (2, 777, 102, "fp-ü", 3), (1, 502, 103, "", 1)]
    sent: list[str] = []
    conn = together._conn
    await conn._execute(conn._conn.set_trace_callback, sent.append)

    async def unit(entry: tuple[int, int, int, str, int]) -> None:
        chat_id, vk_id, at, fingerprint, stickers = entry
        async with together.unit(detach=lambda outcome: None):
            await moderation_repo.remember(together, chat_id, vk_id, at=at, fingerprint=fingerprint, stickers=stickers)

    await asyncio.gather(*(unit(e) for e in entries))
    await together.flushed()
    await conn._execute(conn._conn.set_trace_callback, None)
    assert [sql for sql in sent if "recent_message" in sql and "json_each" in sql]
    for chat_id, vk_id, at, fingerprint, stickers in entries:
        await moderation_repo.remember(one_by_one, chat_id, vk_id, at=at, fingerprint=fingerprint, stickers=stickers)
    query = "SELECT chat_id, vk_id, at, fingerprint, stickers, typeof(at) FROM recent_message ORDER BY rowid"
    assert [tuple(r) for r in await together.fetchall(query)] == [tuple(r) for r in await one_by_one.fetchall(query)]


async def test_a_nul_id_batch_stores_its_payloads_as_the_one_statement_store_does(db: Database) -> None:
    from bot.vk.polling import decode_answer

    answer = decode_answer(b'{"ts": 2, "updates": [{"type": "message_new", "event_id": "a\\u0000b", '
                           b'"object": {"message": {"peer_id": 2000000001, "text": "\\ud83d", "n": 1e400}}}]}')
    fresh = await inbox.accept_batch(db, answer["updates"], ts_key=None, ts=None, now=1)
    assert [u["event_id"] for u in fresh] == ["a\x00b"]
    assert await db.fetchval("SELECT json_valid(payload) FROM inbox") == 1
    assert await db.fetchval("SELECT json_extract(payload, '$.object.message.n') FROM inbox") is None


def test_a_long_poll_answer_nested_too_deep_to_read_is_skipped_past_not_fetched_for_ever() -> None:
    from bot.vk.polling import UNREADABLE, decode_answer

    deep = "[" * 1200 + "]" * 1200
    body = ('{"ts":"5","updates":[{"type":"message_new","event_id":"d","object":{"x":' + deep + '}}]}').encode()
    answer = decode_answer(body)
    assert answer["ts"] == "5" and answer["updates"] == [] and answer[UNREADABLE] == len(body)
    normal = decode_answer(b'{"ts":"6","updates":[{"type":"message_new","event_id":"e","object":{"x":[[1]]}}]}')
    assert normal == {"ts": "6", "updates": [{"type": "message_new", "event_id": "e", "object": {"x": [[1]]}}]}
