"""The event inbox: dedupe by event_id, the long-poll position saved with the batch, and no
message text kept after handling."""

from __future__ import annotations

from bot.repo import inbox


def _event(n: int, text: str = "секретный текст") -> dict:
    return {"type": "message_new", "event_id": f"e{n}", "object": {"message": {"text": text}}}


async def test_batch_is_recorded_with_position_and_deduplicated(db) -> None:
    fresh = await inbox.accept_batch(db, [_event(1), _event(2)], ts_key="lp", ts="7", now=100)
    assert [e["event_id"] for e in fresh] == ["e1", "e2"]
    assert await inbox.get_kv(db, "lp") == "7"
    again = await inbox.accept_batch(db, [_event(2), _event(3)], ts_key="lp", ts="9", now=101)
    assert [e["event_id"] for e in again] == ["e3"]
    assert [e["event_id"] for e in await inbox.pending(db)] == ["e1", "e2", "e3"]


async def test_done_and_failed_events_keep_no_text(db) -> None:
    await inbox.accept_batch(db, [_event(1), _event(2)], ts_key=None, ts=None, now=100)
    await inbox.mark_done(db, "e1", 101)
    for _ in range(3):
        await inbox.mark_failed_attempt(db, "e2", max_attempts=3)
    rows = await db.fetchall("SELECT event_id, status, payload FROM inbox ORDER BY event_id")
    assert [tuple(r) for r in rows] == [("e1", "done", "{}"), ("e2", "failed", "{}")]
    assert await inbox.pending(db) == []


async def test_prune_keeps_pending(db) -> None:
    await inbox.accept_batch(db, [_event(1), _event(2)], ts_key=None, ts=None, now=100)
    await inbox.mark_done(db, "e1", 101)
    assert await inbox.prune(db, older_than=1000) == 1
    assert [e["event_id"] for e in await inbox.pending(db)] == ["e2"]
