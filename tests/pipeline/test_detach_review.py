"""Review of detached units in the real pipeline (each test failed before its fix)."""

from __future__ import annotations

import asyncio
import collections
from pathlib import Path
from typing import Any

from bot.repo import inbox
from bot.pipeline.dispatcher import peer_of
from tests.e2e.conftest import BotHarness, emu, harness  # noqa: F401

CHAT = 2_000_000_001


def _update(i: int) -> dict[str, Any]:
    message = {"id": 0, "date": 1_794_992_400 + i, "peer_id": CHAT, "from_id": 500 + i, "text": f"msg {i}",
               "conversation_message_id": i, "attachments": [], "fwd_messages": [], "out": 0, "version": 1,
               "important": False, "is_hidden": False}
    return {"type": "message_new", "event_id": f"review-{i}", "v": "5.199", "group_id": 1000,
            "object": {"message": message, "client_info": {"button_actions": ["text"], "keyboard": True,
                                                           "inline_keyboard": True, "carousel": True,
                                                           "lang_id": 0}}}


async def test_a_spilled_peer_read_back_does_not_handle_again_an_event_whose_commit_is_in_flight(
        harness: BotHarness) -> None:  # noqa: F811
    """A peer's queue ran dry while its later events wait on disk: the read-back must not return
    the events just handled whose detached commits (their claims) are not in yet — each event of
    a chat is decided once, and a second decision would see the first one's recent history."""
    app = harness.app
    assert app is not None and harness.runner is not None
    bot = harness.runner.bot
    bot.dispatcher.per_peer = 2
    routed: collections.Counter[str] = collections.Counter()
    route = bot.routes.route

    async def counting(event: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        routed[str(event.get("event_id"))] += 1
        return await route(event, *args, **kwargs)

    bot.routes.route = counting  # type: ignore[method-assign]
    updates = [_update(i) for i in range(1, 9)]
    fresh = await inbox.accept_batch(app.db, updates, ts_key=None, ts=None, now=app.now(), peer_of=peer_of)
    assert len(fresh) == 8
    for update in fresh:
        bot.dispatcher.put_nowait(update)
    await bot.settled()
    assert dict(routed) == {f"review-{i}": 1 for i in range(1, 9)}
    assert await app.db.fetchval("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0
