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

import pytest

from bot.pipeline.runner import MAX_ATTEMPTS
from bot.pipeline.unit import unit
from bot.repo import moderation as repo
from bot.services.moderation import Incoming
from bot.texts import moderation as moderation_t
from tests.pipeline.test_action_runner import World, world  # noqa: F401
from tests.pipeline.test_refusals import (Decisions, decide, decide_too_late, event_statuses, failed_alert, press,
                                          reads, texts)
from tests.services.test_moderation import DAY, RUDE
from tests.services.test_moderation import _alerts_to as moderators_alerts
from tests.services.test_moderation import world as moderation_world  # noqa: F401


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
    runner = await hooks.drained()
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
    runner = await hooks.drained()
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
    await hooks.drained()
    assert world.emu.chat(peer).get(kids_bad).deleted_for_all
    # the deletion VK performed is done and its decision stands; the refused one is cancelled
    assert [s for _, s, _ in await event_statuses(world, 1)] == ["done"] * 3
    assert hooks.failed == [2]
    assert texts(world, peer) == ["сообщение удалено, предупреждение 1"]
    assert not texts(world, owner)


# -- 3. a refused sanction takes back only its own decision ----------------------------------------


async def test_a_refused_earlier_sanction_keeps_the_mute_a_later_event_gave(moderation_world: Any) -> None:
    """After an outage the backlog is decided: the kid's first insult (now past VK's 24-hour
    window) gets a warning, the second (fresh) a mute. Both deletions go in one messages.delete;
    VK keeps the first (924 for it) and deletes the second. The first decision is taken back —
    but the mute the second event gave (and announced in the chat) must stay in force."""
    world = moderation_world
    world.emu.restrictions_supported = False
    peer, kid = world.chat.peer_id, world.school.vk["kid"]
    old = world.emu.user_message(peer, kid, RUDE)
    wall_clock = world.emu.wall_clock
    world.emu.wall_clock = lambda: wall_clock() + DAY + 60  # the first is now older than 24 hours
    fresh = world.emu.user_message(peer, kid, RUDE)
    outcomes = []
    for cmid in (old, fresh):
        with unit(f"test:{cmid}"):
            async with world.app.db.transaction():
                outcomes.append(await world.mod.on_message(Incoming(peer, kid, cmid, RUDE, ())))
    await world.settle()
    assert outcomes == ["warn", "mute"]
    assert not world.deleted(old) and world.deleted(fresh)
    assert any(moderation_t.DONE["refused"] in a.text for a in moderators_alerts(world, "moderator"))
    # the chat was told the kid is muted: the mute holds
    assert await repo.muted_until(world.app.db, world.chat.id, kid, world.app.now()) is not None


async def test_a_moderators_refused_deletion_is_not_recorded_as_done(moderation_world: Any) -> None:
    """The bot could not delete an insult (past VK's 24-hour window): moderators get a «failed»
    alert with «Удалить». A moderator presses it; VK refuses again (924). The alert must not stay
    recorded as handled with «сообщение удалено» — the message is still there."""
    world = moderation_world
    cmid, _ = await decide_too_late(world)
    alert = await failed_alert(world)
    await press(world, alert, world.school.vk["moderator"], "del")
    assert not world.deleted(cmid)
    handled = [r[0] for r in await world.app.db.fetchall(
        "SELECT handled_action FROM alert WHERE violation_id = ? AND handled_action IS NOT NULL",
        (alert.violation_id,))]
    assert handled == [moderation_t.SUPERSEDED], handled  # only the decision's own alert, replaced
    # told once that nothing was done, and the moderator who pressed learns the message stayed
    failed = [a for a in moderators_alerts(world, "moderator") if moderation_t.DONE["refused"] in a.text]
    assert len(failed) == 1, [a.text for a in failed]
    told = [m.text for m in world.emu.sent(world.school.vk["moderator"])]
    assert any("VK не дал удалить сообщение" in text for text in told)
