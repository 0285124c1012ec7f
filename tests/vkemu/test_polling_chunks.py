"""Long poll into the inbox (bot/vk/polling.py): a big answer is stored in chunks, each handed
on once stored; the position is saved with the last chunk, so a failure in between fetches the
answer again and nothing is handed on twice or lost."""

from __future__ import annotations

from typing import Any

import pytest
from vkbottle import API

from bot.db import open_database
from bot.domain.clock import Clock
from bot.pipeline.inbox import Inbox
from bot.vk import polling
from bot.vk.polling import DbPolling

GID, TOKEN = 1000, "emu-token"  # as tests/vkemu/conftest.py


@pytest.fixture
async def db(tmp_path):
    database = await open_database(tmp_path / "poll.db")
    try:
        yield database
    finally:
        await database.close()


class FailingOnce(Inbox):
    """Storing the second chunk fails once (a database error)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.calls = 0

    async def accept(self, updates: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("disk I/O error")
        return await super().accept(updates, **kwargs)


@pytest.mark.parametrize("failing", [False, True])
async def test_a_big_answer_is_stored_and_handed_on_in_chunks(emu, world, db, monkeypatch, failing: bool) -> None:
    monkeypatch.setattr(polling, "STORE_CHUNK", 20)
    monkeypatch.setattr(polling, "NEXT_CHUNK", 15)  # three chunks: 20, 15 and 10 events
    emu.rps_limit = None
    api = API(TOKEN)
    api.API_URL = emu.api_url
    inbox = (FailingOnce if failing else Inbox)(db, Clock())
    poll = DbPolling(api, GID, inbox, wait=1)
    before = str(emu.longpoll.next_ts)
    await inbox.save_position(poll.ts_key, before)  # resumes here, as after a previous run
    for i in range(45):
        emu.user_message(world["peer"], world["anna"], f"сообщение {i}")
    handed: list[str] = []
    positions: list[str | None] = []
    try:
        async for batch in poll.listen():
            handed += [u["object"]["message"]["text"] for u in batch["updates"]]
            positions.append(await inbox.position(poll.ts_key))
            if len(handed) >= 45:
                break
    finally:
        await poll.close()
        await api.http_client.close()
    assert handed == [f"сообщение {i}" for i in range(45)]  # each once, in order
    # the first chunk was handed on before the rest was stored; the position came with the last
    assert positions[0] == before and positions[-1] == str(emu.longpoll.next_ts)
    assert await db.fetchval("SELECT COUNT(*) FROM inbox") == 45


async def test_an_answer_nobody_can_read_is_reported_and_skipped_past(emu, db, monkeypatch) -> None:
    """An answer nested deeper than any JSON reader goes: the operators' report runs before the
    position moves past it, and the next answer is read as usual (never fetched for ever)."""
    api = API(TOKEN)
    api.API_URL = emu.api_url
    inbox = Inbox(db, Clock())
    poll = DbPolling(api, GID, inbox, wait=1)
    deep = "[" * 1200 + "]" * 1200
    bodies = [('{"ts":"7","updates":[{"type":"message_new","event_id":"d","object":{"x":' + deep + '}}]}').encode(),
              b'{"ts":"8","updates":[{"type":"message_new","event_id":"e","object":{"message":{"peer_id":1}}}]}']
    size = len(bodies[0])

    async def server() -> dict[str, Any]:
        return {"server": "unused", "key": "k", "ts": "6"}

    async def answer(_server: dict[str, Any]) -> dict[str, Any]:
        return polling.decode_answer(bodies.pop(0))

    monkeypatch.setattr(poll, "get_server", server)
    monkeypatch.setattr(poll, "get_event", answer)
    reported: list[tuple[str, int, str | None]] = []

    async def report(ts: str, size: int) -> None:
        reported.append((ts, size, await inbox.position(poll.ts_key)))

    poll.on_unreadable = report
    try:
        async for batch in poll.listen():
            assert [u["event_id"] for u in batch["updates"]] == ["e"]
            break
    finally:
        await poll.close()
        await api.http_client.close()
    assert reported == [("7", size, None)]  # told before the position moved
    assert await inbox.position(poll.ts_key) == "8"
