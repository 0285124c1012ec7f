"""Review of the refusal handling (243d3b2, 769dcfd): the question «is the refused message still
there?» must not decide wrongly when VK cannot answer it.

1. VK answers 924 for a message a moderator already deleted; asking whether it stayed hits a
   rate limit / outage (6, 9, 10): the deletion is tried again later (its decision kept waiting),
   never cancelled for a message that is gone — and the retries are bounded (the decision is
   cancelled, moderators told once, after MAX_ATTEMPTS).
2. An answer to that question we cannot read (our own failure) never breaks the deletions VK
   performed in the same ``messages.delete``: they are done, their decisions stand.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.pipeline.runner import MAX_ATTEMPTS
from tests.pipeline.test_action_runner import World, world  # noqa: F401
from tests.pipeline.test_refusals import Decisions, decide, event_statuses, reads, texts


def _chat(world: World) -> tuple[int, int, int]:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    return owner, kid, peer


async def test_a_gone_message_whose_check_fails_for_now_keeps_its_decision(world: World) -> None:
    _, kid, peer = _chat(world)
    cmid = world.emu.user_message(peer, kid, "плохое")
    world.emu.chat(peer).get(cmid).deleted_for_all = True  # a moderator was quicker
    async with world.db.transaction():
        await decide(world, 1, peer, cmid, kid)
    # every attempt of the transport's first question fails (VK: internal error)
    world.emu.fail_next("messages.getByConversationMessageId", 10, times=world.gateway.api.attempts)
    hooks = Decisions(world)
    runner = hooks.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert hooks.failed == []  # no strike taken back, no «failed» alert for a deleted message
    assert texts(world, peer) == ["сообщение удалено, предупреждение 1"]
    assert texts(world, kid) == ["вам предупреждение 1"]
    assert [s for _, s, _ in await event_statuses(world, 1)] == ["failed", "done", "done"]
    assert len(reads(world)) >= 2  # asked again with the repeated deletion
    assert runner.backlog == 0


async def test_a_check_that_never_succeeds_is_bounded_and_told_once(world: World) -> None:
    _, kid, peer = _chat(world)
    cmid = world.emu.user_message(peer, kid, "плохое")
    world.emu.chat(peer).get(cmid).deleted_for_all = True
    async with world.db.transaction():
        await decide(world, 1, peer, cmid, kid)
    world.emu.fail_next("messages.getByConversationMessageId", 10, times=10_000)
    hooks = Decisions(world)
    runner = hooks.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert hooks.failed == [1]  # given up: the moderators decide, told once
    assert not texts(world, peer) and not texts(world, kid)
    assert [s for _, s, _ in await event_statuses(world, 1)] == ["failed"] * 3
    assert len([c for c in world.emu.calls if c.method == "messages.delete"]) <= MAX_ATTEMPTS
    assert runner.backlog == 0


async def test_an_unreadable_check_breaks_no_deletion_vk_performed(world: World, monkeypatch: Any) -> None:
    owner, kid, peer = _chat(world)
    kids_bad = world.emu.user_message(peer, kid, "плохое")
    owners_bad = world.emu.user_message(peer, owner, "тоже плохое")  # 924: the chat's owner

    async def unreadable(peer_id: int, cmids: Any) -> set[int]:
        raise ValueError("an answer of an unexpected shape")

    monkeypatch.setattr(world.gateway, "still_there", unreadable)
    async with world.db.transaction():
        await decide(world, 1, peer, kids_bad, kid)
        await decide(world, 2, peer, owners_bad, owner)
    hooks = Decisions(world)
    runner = hooks.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert world.emu.chat(peer).get(kids_bad).deleted_for_all
    # the deletion VK performed is done and its decision stands; the refused one is cancelled
    assert [s for _, s, _ in await event_statuses(world, 1)] == ["done"] * 3
    assert hooks.failed == [2]
    assert texts(world, peer) == ["сообщение удалено, предупреждение 1"]
    assert not texts(world, owner)
