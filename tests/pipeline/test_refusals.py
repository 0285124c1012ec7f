"""VK's refusals settle each recorded action by its own answer, whichever request carried it.

1. A sanction's deletion VK refuses for its message inside a batched ``messages.delete`` (the
   per-message answer, e.g. 924 for the chat owner's message) takes the rest of its decision with
   it exactly as a refused single call does: nothing says «deleted», the moderation is called
   back, lost rights reported. A message that is already gone (a request repeated after a crash,
   its author quicker) keeps the decision.
2. Inside an ``execute``, a call that fails — or a send whose follow-up fails — gets the failure
   handling alone: the other calls VK performed are settled as done (never sent again), their
   follow-ups (an alert's copy remembered) run.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.pipeline.effects import Kind, Lane
from bot.pipeline.unit import unit
from bot.repo import alerts as alert_repo
from bot.repo.outbox import Recorded
from bot.services.moderation import Incoming
from bot.vk.errors import VkCannotDelete
from bot.vk.gateway import BatchResult
from bot.texts import moderation as moderation_t
from tests.pipeline.test_action_runner import World, world  # noqa: F401
from tests.pipeline.test_action_runner_packing import http, inner
from tests.services.test_moderation import DAY, RUDE
from tests.services.test_moderation import _alerts_to as moderators_alerts
from tests.services.test_moderation import world as moderation_world  # noqa: F401


class Decisions:
    """The moderation's hooks as the runner calls them."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.failed: list[int] = []
        self.lost: list[int] = []
        self.undelivered: list[int] = []

    async def sanction_failed(self, violation_id: int, rights_lost: bool = False) -> None:
        assert self.world.db.in_transaction()  # with the failure and the cancellation
        self.failed.append(violation_id)

    async def rights_lost(self, chat_id: int) -> None:
        self.lost.append(chat_id)

    def runner(self) -> Any:
        runner = self.world.runner()
        runner.on_sanction_failed = self.sanction_failed
        runner.on_rights_lost = self.rights_lost
        return runner

    async def drained(self) -> Any:
        """A runner with these hooks, started and run until nothing recorded is left to perform."""
        runner = self.runner()
        await runner.start()
        await asyncio.wait_for(runner.drained(), 10)
        return runner


async def decide(world: World, violation: int, peer: int, cmid: int, author: int) -> None:
    """A violation's decision: delete the message, warn publicly and privately, alert."""
    with unit(f"violation-{violation}"):
        await world.effects.delete(peer, [cmid], chat_id=violation, violation_id=violation)
        await world.effects.send(peer, f"сообщение удалено, предупреждение {violation}")
        await world.effects.send(author, f"вам предупреждение {violation}")


async def event_statuses(world: World, violation: int) -> list[tuple[str, str, int | None]]:
    rows = await world.db.fetchall("SELECT kind, status, error FROM action WHERE event_id = ? ORDER BY seq",
                                   (f"violation-{violation}",))
    return [(str(r[0]), str(r[1]), r[2]) for r in rows]


def texts(world: World, peer: int) -> list[str]:
    return [m.text for m in world.emu.sent(peer)]


def reads(world: World) -> list[str]:
    """The messages VK was asked about (whether a refused one is still there)."""
    return [c.params["conversation_message_ids"] for c in world.emu.calls
            if c.method == "messages.getByConversationMessageId"]


def gone_and_stayed(world: World) -> tuple[int, int, int, int, int]:
    """A chat with two insults of a kid: one its author deleted already, one that stayed —
    (kid, owner, peer, gone, stayed)."""
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    gone = world.emu.user_message(peer, kid, "плохое")
    stayed = world.emu.user_message(peer, kid, "плохое тоже")
    world.emu.chat(peer).get(gone).deleted_for_all = True  # its author was quicker
    return kid, owner, peer, gone, stayed


async def decide_too_late(world: Any, kid: int | None = None) -> tuple[int, str]:
    """An insult the moderation decides on once VK's 24-hour window has passed (VK keeps it:
    924 for that message): (its cmid, the decision), everything it recorded performed."""
    peer, kid = world.chat.peer_id, kid or world.school.vk["kid"]
    cmid = world.emu.user_message(peer, kid, RUDE)
    wall_clock = world.emu.wall_clock
    world.emu.wall_clock = lambda: wall_clock() + DAY + 60  # the message is now older than 24 hours
    with unit(f"test:{cmid}"):
        async with world.app.db.transaction():
            outcome = await world.mod.on_message(Incoming(peer, kid, cmid, RUDE, ()))
    await world.settle()
    return cmid, outcome


async def failed_alert(world: Any) -> Any:
    """The «не удалось» alert the refusal raised (the latest alert of a violation)."""
    failed = await world.app.db.fetchval("SELECT MAX(id) FROM alert WHERE violation_id IS NOT NULL")
    alert = await alert_repo.get(world.app.db, int(failed))
    assert alert is not None and alert.details.get("done") == "failed"
    return alert


async def press(world: Any, alert: Any, who: int, do: str) -> None:
    with unit(f"press-{do}:{alert.id}"):
        async with world.app.db.transaction():
            await world.manual.press(alert, who, do)
    await world.settle()


# -- 1. a deletion refused for one message of a batch -------------------------------------------


@pytest.mark.parametrize("packed", [False, True], ids=["one-messages.delete", "inside-execute"])
async def test_a_deletion_refused_for_its_message_in_a_batch_cancels_its_decision(world: World,
                                                                                  packed: bool) -> None:
    """The chat owner's message cannot be deleted for everybody (VK: 924 for that message, the
    others of the same request deleted): its decision goes as a refused single call's would."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    other = world.emu.create_chat("5Б", owner, [kid], with_bot=True, bot_admin=True)
    kids_bad = world.emu.user_message(peer, kid, "плохое")
    owners_bad = world.emu.user_message(peer, owner, "тоже плохое")
    async with world.db.transaction():
        await decide(world, 1, peer, kids_bad, kid)
        await decide(world, 2, peer, owners_bad, owner)
        if packed:  # a deletion in another chat: the chat's deletions become one call of an execute
            await decide(world, 3, other, world.emu.user_message(other, kid, "плохое"), kid)
    hooks = Decisions(world)
    runner = await hooks.drained()
    # one request carried both deletions of the chat (VK answered per message)
    if packed:
        assert http(world, "execute") >= 1 and not http(world, "messages.delete")
        assert [c.params["cmids"] for c in inner(world, "messages.delete")
                if int(c.params["peer_id"]) == peer] == [f"{kids_bad},{owners_bad}"]
    else:
        assert http(world, "messages.delete") == 1
    assert world.emu.chat(peer).get(kids_bad).deleted_for_all
    assert not world.emu.chat(peer).get(owners_bad).deleted_for_all
    assert hooks.failed == [2] and reads(world) == [str(owners_bad)]
    # nothing says «deleted» about the message that stayed; the other decision stands
    assert texts(world, peer) == ["сообщение удалено, предупреждение 1"]
    assert texts(world, owner) == []
    assert texts(world, kid) == ["вам предупреждение 1"] + (["вам предупреждение 3"] if packed else [])
    assert await event_statuses(world, 2) == [(Kind.DELETE, "failed", 924), (Kind.SEND, "failed", 924),
                                              (Kind.SEND, "failed", 924)]
    assert await event_statuses(world, 1) == [(Kind.DELETE, "done", None), (Kind.SEND, "done", None),
                                              (Kind.SEND, "done", None)]
    assert runner.backlog == 0


async def test_a_single_deletion_refused_for_its_message_cancels_its_decision(world: World) -> None:
    """VK answers per message even for one: a lone deletion of the owner's message is refused
    the same way (and as a whole-request refusal, see test_action_runner)."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [], with_bot=True, bot_admin=True)
    cmid = world.emu.user_message(peer, owner, "плохое")
    async with world.db.transaction():
        await decide(world, 7, peer, cmid, owner)
    hooks = Decisions(world)
    await hooks.drained()
    assert hooks.failed == [7] and not texts(world, peer) and not texts(world, owner)
    assert [s for _, s, _ in await event_statuses(world, 7)] == ["failed"] * 3


async def test_refused_sanctions_of_one_chat_cost_one_question(world: World) -> None:
    """Two of the owner's messages refused in one ``messages.delete`` (and one gone already):
    VK is asked once about the three; the two that stayed take their decisions with them."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    first, second = (world.emu.user_message(peer, owner, f"плохое {i}") for i in range(2))
    gone = world.emu.user_message(peer, kid, "плохое")
    world.emu.chat(peer).get(gone).deleted_for_all = True  # its author was quicker
    async with world.db.transaction():
        await decide(world, 1, peer, first, owner)
        await decide(world, 2, peer, gone, kid)
        await decide(world, 3, peer, second, owner)
    hooks = Decisions(world)
    await hooks.drained()
    assert http(world, "messages.delete") == 1 and reads(world) == [f"{first},{gone},{second}"]
    assert hooks.failed == [1, 3]
    assert texts(world, peer) == ["сообщение удалено, предупреждение 2"] and texts(world, kid) == [
        "вам предупреждение 2"]
    assert not texts(world, owner)


@pytest.mark.parametrize("packed", [False, True], ids=["one-messages.delete", "inside-execute"])
async def test_a_message_already_gone_keeps_its_decision(world: World, packed: bool) -> None:
    """The deletion was performed and the process died before marking it done: VK answers the
    repeat with 924 for that message, but nothing stayed — the decision stands (one warning each,
    the strike kept), as before."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    other = world.emu.create_chat("5Б", owner, [kid], with_bot=True, bot_admin=True)
    first = world.emu.user_message(peer, kid, "плохое")
    second = world.emu.user_message(peer, kid, "снова плохое")
    async with world.db.transaction():
        await decide(world, 1, peer, first, kid)
        await decide(world, 2, peer, second, kid)
        if packed:
            await decide(world, 3, other, world.emu.user_message(other, kid, "плохое"), kid)
    await world.gateway.delete_messages(peer, [first])  # performed by the run that died
    hooks = Decisions(world)
    await hooks.drained()
    assert hooks.failed == []
    assert reads(world) == [str(first)]  # whether the refused message stayed (the other was deleted)
    assert texts(world, peer) == ["сообщение удалено, предупреждение 1", "сообщение удалено, предупреждение 2"]
    assert [s for _, s, _ in await event_statuses(world, 1)] == ["failed", "done", "done"]
    assert await event_statuses(world, 2) == [(Kind.DELETE, "done", None), (Kind.SEND, "done", None),
                                              (Kind.SEND, "done", None)]


async def test_a_whole_request_924_is_settled_message_by_message(world: World, monkeypatch) -> None:
    """VK may refuse a whole ``messages.delete`` with 924 instead of answering per message: each
    deletion is settled as that refusal of its own message — the one already gone keeps its
    decision, the one that stayed takes its decision back."""
    kid, owner, peer, gone, stayed = gone_and_stayed(world)

    async def delete_for_all(peer_id: int, cmids: list[int]) -> Any:
        raise VkCannotDelete(924, "messages.delete", "Can't delete this message for everybody")

    monkeypatch.setattr(world.gateway, "delete_for_all", delete_for_all)
    async with world.db.transaction():
        await decide(world, 1, peer, gone, kid)
        await decide(world, 2, peer, stayed, kid)
    hooks = Decisions(world)
    await hooks.drained()
    assert reads(world) == [f"{gone},{stayed}"]  # one question for the chat
    assert hooks.failed == [2]
    assert texts(world, peer) == ["сообщение удалено, предупреждение 1"]
    assert [s for _, s, _ in await event_statuses(world, 1)] == ["failed", "done", "done"]
    assert await event_statuses(world, 2) == [(Kind.DELETE, "failed", 924)] + [(Kind.SEND, "failed", 924)] * 2


async def test_a_whole_call_924_inside_execute_is_settled_message_by_message(world: World, monkeypatch) -> None:
    """The same whole refusal for one chat's deletions packed into ``execute`` (with another
    chat's): the message already gone keeps its decision, the one that stayed takes it back."""
    kid, owner, peer, gone, stayed = gone_and_stayed(world)
    other = world.emu.create_chat("5Б", owner, [kid], with_bot=True, bot_admin=True)
    execute = world.gateway.execute

    async def refusing(calls: list[Any]) -> list[BatchResult]:
        keep = [c for c in calls if not (c.method == "messages.delete" and c.params.get("peer_id") == peer)]
        done = iter(await execute(keep)) if keep else iter(())
        return [next(done) if c in keep else BatchResult(c, False, None, VkCannotDelete(924, c.method, "refused"))
                for c in calls]

    monkeypatch.setattr(world.gateway, "execute", refusing)
    async with world.db.transaction():
        await decide(world, 1, peer, gone, kid)
        await decide(world, 2, peer, stayed, kid)
        await decide(world, 3, other, world.emu.user_message(other, kid, "плохое"), kid)  # packs into execute
    hooks = Decisions(world)
    await hooks.drained()
    assert hooks.failed == [2]
    assert reads(world) == [f"{gone},{stayed}"]
    assert [s for _, s, _ in await event_statuses(world, 1)] == ["failed", "done", "done"]
    assert [s for _, s, _ in await event_statuses(world, 3)] == ["done", "done", "done"]


@pytest.mark.parametrize("code", [925, 15])
async def test_a_per_message_refusal_is_handled_as_a_whole_refusal(world: World, monkeypatch, code: int) -> None:
    """925 or 15 answered for one message of a batch: the decision is cancelled, and for 925 the
    chat's staff are told the bot lost its rights — what a whole-request 925 or 15 does."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    kept = world.emu.user_message(peer, kid, "плохое")
    refused = world.emu.user_message(peer, kid, "плохое тоже")
    real_delete = world.gateway.delete_for_all

    async def delete_for_all(peer_id: int, cmids: list[int]) -> Any:
        # VK deletes the others and answers for this one as for a message it would not touch
        answer = await real_delete(peer_id, [c for c in cmids if c != refused])
        return [*answer, {"peer_id": peer_id, "conversation_message_id": refused, "message_id": 0, "response": 0,
                          "error": {"code": code, "description": "refused"}}]

    monkeypatch.setattr(world.gateway, "delete_for_all", delete_for_all)
    async with world.db.transaction():
        await decide(world, 1, peer, kept, kid)
        await decide(world, 2, peer, refused, kid)
    hooks = Decisions(world)
    await hooks.drained()
    assert hooks.failed == [2] and hooks.lost == ([2] if code == 925 else [])
    assert texts(world, peer) == ["сообщение удалено, предупреждение 1"]
    assert await event_statuses(world, 2) == [(Kind.DELETE, "failed", code)] + [(Kind.SEND, "failed", code)] * 2


# -- 2. one failing call of an execute ------------------------------------------------------------


async def test_a_failing_follow_up_of_a_packed_send_fails_that_send_alone(world: World) -> None:
    """Three alerts go out in one ``execute``; remembering the second one's copy fails (its alert
    is gone): that send is failed (never sent again), the first and third are done and their copies
    remembered — an edit of those alerts reaches them."""
    moderator = world.emu.add_user("Ольга", "Модератова", allows_messages=True)
    first, third = [await alert_repo.create(world.db, kind="violation", now=1, org_id=None, chat_id=None,
                                            target_vk=i) for i in range(2)]
    missing = third + 100  # no such alert: remembering its copy violates the foreign key
    async with world.db.transaction():
        for alert_id in (first, missing, third):
            with unit(f"alert-{alert_id}"):
                await world.effects.send(moderator, f"Нарушение {alert_id}", alert_id=alert_id)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert http(world, "execute") == 1 and not http(world, "messages.send")
    received = world.emu.sent(moderator)
    assert [m.text for m in received] == [f"Нарушение {a}" for a in (first, missing, third)]  # each once
    assert await alert_repo.messages(world.db, first) == [(moderator, received[0].cmid)]
    assert await alert_repo.messages(world.db, third) == [(moderator, received[2].cmid)]
    assert [s for _, s in await world.statuses()] == ["done", "failed", "done"]
    assert runner.backlog == 0


async def test_a_failing_call_of_an_execute_leaves_the_others_done(world: World) -> None:
    """One send VK will not deliver (901) and whose follow-up (telling the school) breaks: the
    other sends of the same ``execute`` went out and are done, not failed."""
    silent = world.emu.add_user("Саша", "Молчунов", allows_messages=False)
    people = [world.emu.add_user("Анна", f"Иванова{i}", allows_messages=True) for i in range(2)]

    async def undeliverable(action: Recorded) -> None:
        raise RuntimeError("the school could not be told")

    async with world.db.transaction():
        for i, person in enumerate((people[0], silent, people[1])):
            with unit(f"notice-{i}"):
                await world.effects.send(person, f"объявление {i}")
    runner = world.runner()
    runner.on_undeliverable = undeliverable
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert http(world, "execute") == 1 and not http(world, "messages.send")
    assert [texts(world, p) for p in people] == [["объявление 0"], ["объявление 2"]]
    rows = await world.db.fetchall("SELECT status, error FROM action ORDER BY id")
    assert [(str(r[0]), r[1]) for r in rows] == [("done", None), ("failed", 901), ("done", None)]
    assert runner.backlog == 0


async def test_a_send_going_alone_that_fails_leaves_the_rest_of_its_pack_performed(world: World) -> None:
    """Texts too long for one call of an ``execute`` go alone after it: the first one's follow-up
    fails — the second is still sent (not failed unsent) and the packed ones are done."""
    moderators = [world.emu.add_user("Ольга", f"Модератова{i}", allows_messages=True) for i in range(4)]
    alert_id = await alert_repo.create(world.db, kind="violation", now=1, org_id=None, chat_id=None, target_vk=1)
    long_text = "строка отчёта\n" * 400  # over 4096 characters: split, sent alone
    async with world.db.transaction():
        with unit("short-0"):
            await world.effects.send(moderators[0], "коротко 0", lane=Lane.NORMAL)
        with unit("short-1"):
            await world.effects.send(moderators[1], "коротко 1", lane=Lane.NORMAL)
        with unit("long-bad"):
            await world.effects.send(moderators[2], long_text, lane=Lane.NORMAL, alert_id=alert_id + 100)
        with unit("long-good"):
            await world.effects.send(moderators[3], long_text, lane=Lane.NORMAL, alert_id=alert_id)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    assert texts(world, moderators[0]) == ["коротко 0"] and texts(world, moderators[1]) == ["коротко 1"]
    assert len(world.emu.sent(moderators[2])) == 2 and len(world.emu.sent(moderators[3])) == 2
    assert [cmid for _, cmid in await alert_repo.messages(world.db, alert_id)] == [world.emu.sent(moderators[3])[-1].cmid]
    assert [s for _, s in await world.statuses()] == ["done", "done", "failed", "done"]


# -- the whole moderation: a message VK keeps takes its decision with it ------------------------


async def test_a_kept_message_takes_back_the_strike_and_tells_the_moderators(moderation_world: Any) -> None:
    """The real moderation on vkemu: by the time the bot deletes an insult, VK's 24-hour window
    has passed (VK: 924 for that message in the per-message answer). As with a whole-request
    refusal (tests/services/test_moderation.py, 925): no public or private warning, the strike
    taken back, the moderators told that nothing was done."""
    world = moderation_world
    peer, kid = world.chat.peer_id, world.school.vk["kid"]
    public_before, private_before = len(world.emu.sent(peer)), len(world.emu.sent(kid))
    cmid, outcome = await decide_too_late(world)
    assert outcome == "warn" and not world.deleted(cmid)  # decided, but VK kept the message
    assert [c for c in world.emu.calls if c.method == "messages.delete"]
    assert await world.strikes("kid") == 0
    assert len(world.emu.sent(peer)) == public_before and len(world.emu.sent(kid)) == private_before
    assert moderation_t.DONE["refused"] in moderators_alerts(world, "moderator")[-1].text


async def test_a_refusal_whose_moderation_callback_fails_still_cancels_the_decisions_sends(
        world: World) -> None:
    """Taking back the decision fails (the moderation's callback raises): the deletion is still
    settled as refused and the event's «deleted» warnings stay cancelled — never sent for a
    message that stayed, and never left pending for the next run to send."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    owners_bad = world.emu.user_message(peer, owner, "плохое")  # VK keeps it: 924
    async with world.db.transaction():
        await decide(world, 1, peer, owners_bad, owner)
    hooks = Decisions(world)

    async def failing(violation_id: int, rights_lost: bool = False) -> None:
        raise RuntimeError("moderation failed")

    runner = hooks.runner()
    runner.on_sanction_failed = failing
    await runner.start()
    await asyncio.wait_for(runner.drained(), 10)
    statuses = await event_statuses(world, 1)
    assert [status for _, status, _ in statuses] == ["failed", "failed", "failed"], statuses
    assert not any("предупреждение 1" in text for text in texts(world, peer))
    assert not any("предупреждение 1" in text for text in texts(world, owner))
