"""A tracked send tells the runner's ``on_sent`` hook which message it became; an edit carries
its attachments (VK replaces them with what the edit names)."""

from __future__ import annotations

import asyncio

from bot.pipeline.unit import unit
from tests.pipeline.test_action_runner import World, world  # noqa: F401  (the fixture)


async def test_a_tracked_send_reports_its_cmid_and_is_pinned(world: World) -> None:  # noqa: F811
    owner = world.emu.add_user("Анна", "Иванова", allows_messages=True)
    peer = world.emu.create_chat("5А — родители", owner, [], with_bot=True, bot_admin=True)
    seen: list[tuple[str, int]] = []

    async def sent(track: str, cmid: int) -> None:
        seen.append((track, cmid))

    runner = world.runner()
    runner.on_sent = sent
    with unit("event-track"):
        async with world.db.transaction():
            await world.effects.send(peer, "список", pin=True, track="res:1:1")
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    message = next(m for m in world.emu.sent(peer) if m.text == "список")
    assert seen == [("res:1:1", message.cmid)]
    assert world.emu.chat(peer).pinned_cmid == message.cmid

    doc = world.emu._store_doc(owner, "memo.pdf", b"%PDF memo")
    with unit("event-edit"):
        async with world.db.transaction():
            await world.effects.edit(peer, message.cmid, "список с документом", attachment=doc.attachment)
    await asyncio.wait_for(runner.drained(), 5)
    edited = next(m for m in world.emu.history(peer) if m.cmid == message.cmid)
    assert edited.text == "список с документом" and edited.attachment == doc.attachment
    with unit("event-edit-2"):
        async with world.db.transaction():
            await world.effects.edit(peer, message.cmid, "без документа", attachment="")
    await asyncio.wait_for(runner.drained(), 5)
    edited = next(m for m in world.emu.history(peer) if m.cmid == message.cmid)
    assert edited.text == "без документа" and not edited.attachment
