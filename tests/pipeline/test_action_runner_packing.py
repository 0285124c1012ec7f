"""VK's budget spent well (issue 10): the deletions of one chat in one ``messages.delete``, each
deletion settled by VK's answer for its own messages; actions queued together (deletions of
several chats, warnings, alerts) in one ``execute`` whose per-call errors are mapped exactly as a
call's own; a transport failure never delivers twice; names from the roster (no ``users.get``)
and the rest asked in one request."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.db import open_database
from bot.domain.names import normalize_name
from bot.pipeline.effects import Kind, Lane
from bot.pipeline.unit import unit
from bot.repo import alerts as alert_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo.outbox import Recorded
from bot.vk.api import LimitedAPI
from bot.vk.gateway import VkGateway
from bot.vk.names import Names
from bot.vk.ratelimit import RateLimiter
from tests.pipeline.test_action_runner import GROUP_ID, TOKEN, World, _no_sleep, world  # noqa: F401


def http(world: World, method: str) -> int:
    """HTTP requests the emulator got for ``method`` (calls inside ``execute`` not counted)."""
    return sum(1 for c in world.emu.calls if c.method == method and not c.in_execute)


def inner(world: World, method: str) -> list:
    return [c for c in world.emu.calls if c.method == method and c.in_execute]


async def statuses(world: World) -> dict[int, tuple[str, int | None]]:
    return {int(r[0]): (str(r[1]), r[2]) for r in await world.db.fetchall("SELECT id, status, error FROM action")}


async def test_deletions_of_one_chat_go_in_one_request_each_settled_by_its_own_answer(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов")
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    good = [world.emu.user_message(peer, kid, f"плохое {i}") for i in range(3)]
    gone = world.emu.user_message(peer, kid, "удалю сам")
    world.emu.chat(peer).get(gone).deleted_for_all = True  # its author deleted it first
    async with world.db.transaction():
        for i, cmid in enumerate([good[0], gone, good[1], good[2]]):
            with unit(f"event-{i}"):
                await world.effects.delete(peer, [cmid], chat_id=1)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert http(world, "messages.delete") == 1 and not http(world, "execute")
    assert all(world.emu.chat(peer).get(c).deleted_for_all for c in good)
    # VK answered per message: the three deleted are done, the one VK refused failed with its code
    assert [s for _, s in sorted((await statuses(world)).items())] == [
        ("done", None), ("failed", 924), ("done", None), ("done", None)]


async def test_urgent_deletions_of_several_chats_share_one_execute(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kids = [world.emu.add_user("Петя", f"Иванов{i}") for i in range(4)]
    peers = [world.emu.create_chat(f"{5 + i}А", owner, [kids[i]], with_bot=True, bot_admin=True) for i in range(4)]
    posted = {peer: [world.emu.user_message(peer, kid, f"плохое {n}") for n in range(2)]
              for peer, kid in zip(peers, kids)}
    async with world.db.transaction():
        for peer, cmids in posted.items():
            for cmid in cmids:
                with unit(f"event-{peer}-{cmid}"):
                    await world.effects.delete(peer, [cmid], chat_id=1, violation_id=cmid)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    for peer, cmids in posted.items():
        assert all(world.emu.chat(peer).get(c).deleted_for_all for c in cmids)
    # one HTTP request: one messages.delete per chat inside one execute
    assert http(world, "execute") == 1 and http(world, "messages.delete") == 0
    assert sorted(int(c.params["peer_id"]) for c in inner(world, "messages.delete")) == sorted(peers)
    assert {s for s in (await statuses(world)).values()} == {("done", None)}


async def test_alerts_queued_for_one_moderator_go_out_in_one_execute_each_with_its_buttons(world: World) -> None:
    moderator = world.emu.add_user("Ольга", "Модератова", allows_messages=True)
    alerts = [await alert_repo.create(world.db, kind="violation", now=1, org_id=None, chat_id=None, target_vk=i)
              for i in range(6)]
    async with world.db.transaction():
        for alert_id in alerts:
            with unit(f"alert-{alert_id}"):
                keyboard = json.dumps({"inline": True, "buttons": [[{"action": {
                    "type": "callback", "label": "Понятно", "payload": json.dumps({"a": "al", "id": alert_id})}}]]})
                await world.effects.send(moderator, f"Нарушение {alert_id}", keyboard=keyboard, alert_id=alert_id)
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    received = world.emu.sent(moderator)
    assert [m.text for m in received] == [f"Нарушение {a}" for a in alerts]  # each its own message, in order
    assert http(world, "execute") == 1 and not http(world, "messages.send")
    for alert_id, message in zip(alerts, received):
        # the copy is remembered with its cmid (edited when someone acts), its buttons are its own
        assert await alert_repo.messages(world.db, alert_id) == [(moderator, message.cmid)]
        assert message.keyboard is not None
        assert json.loads(message.keyboard["buttons"][0][0]["action"]["payload"])["id"] == alert_id
    # a moderator acts: the copy is edited in place
    with unit("press"):
        async with world.db.transaction():
            await world.effects.edit(moderator, received[2].cmid, "Нарушение — решено")
    await asyncio.wait_for(runner.drained(), 5)
    assert world.emu.sent(moderator)[2].text == "Нарушение — решено"


async def test_errors_inside_execute_are_mapped_as_a_single_calls_are(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    silent = world.emu.add_user("Саша", "Молчунов", allows_messages=False)
    kid = world.emu.add_user("Петя", "Иванов")
    stranger = world.emu.add_user("Иван", "Посторонний")
    admin_chat = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    lost_chat = world.emu.create_chat("5Б", owner, [kid], with_bot=True, bot_admin=False)
    undelivered: list[Recorded] = []
    lost: list[int] = []

    async def undeliverable(action: Recorded) -> None:
        undelivered.append(action)

    async def rights_lost(chat_id: int) -> None:
        lost.append(chat_id)

    async with world.db.transaction():
        with unit("e1"):
            await world.effects.send(silent, "предупреждение")           # 901: cannot message
        with unit("e2"):
            await world.effects.send(owner, "оповещение")                # delivered
        with unit("e3"):
            await world.effects.remove_member(lost_chat, kid, chat_id=22, lane=Lane.NORMAL)  # 925: rights lost
        with unit("e4"):
            await world.effects.remove_member(admin_chat, stranger, chat_id=21, lane=Lane.NORMAL)  # 935: gone
    runner = world.runner()
    runner.on_undeliverable = undeliverable
    runner.on_rights_lost = rights_lost
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert http(world, "execute") == 1
    assert [m.text for m in world.emu.sent(owner)] == ["оповещение"]
    assert [a.peer_id for a in undelivered] == [silent] and lost == [22]
    assert [s for _, s in sorted((await statuses(world)).items())] == [
        ("failed", 901), ("done", None), ("failed", 925), ("done", None)]


async def test_a_sanction_refused_inside_execute_cancels_its_decision(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов", allows_messages=True)
    ok_chat = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    lost_chat = world.emu.create_chat("5Б", owner, [kid], with_bot=True, bot_admin=False)
    ok_cmid = world.emu.user_message(ok_chat, kid, "плохое")
    lost_cmid = world.emu.user_message(lost_chat, kid, "плохое")
    failed: list[int] = []

    async def sanction_failed(violation_id: int, rights_lost: bool = False) -> None:
        failed.append(violation_id)

    async with world.db.transaction():
        for peer, cmid, violation in ((ok_chat, ok_cmid, 1), (lost_chat, lost_cmid, 2)):
            with unit(f"violation-{violation}"):
                await world.effects.delete(peer, [cmid], chat_id=violation, violation_id=violation)
                await world.effects.send(peer, f"удалено, предупреждение {violation}")
    runner = world.runner()
    runner.on_sanction_failed = sanction_failed
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert http(world, "execute") >= 1 and len(inner(world, "messages.delete")) == 2
    assert failed == [2]
    assert [m.text for m in world.emu.sent(ok_chat)] == ["удалено, предупреждение 1"]
    assert not world.emu.sent(lost_chat)  # nothing says «deleted» where nothing was


async def test_an_execute_whose_answer_is_lost_delivers_each_message_once(tmp_path: Path) -> None:
    from vkemu import Emulator

    emu = Emulator(group_id=GROUP_ID, token=TOKEN)
    await emu.start()
    db = await open_database(tmp_path / "bot.db")
    # VK performs the execute after the client gave up on it (timeout): the repeat must not duplicate
    api = LimitedAPI(TOKEN, api_url=emu.api_url, api_version="5.199", limiter=RateLimiter(20), sleep=_no_sleep,
                     timeout=0.3)
    w = World(emu, db, VkGateway(api, GROUP_ID))
    try:
        people = [emu.add_user("Анна", f"Иванова{i}", allows_messages=True) for i in range(5)]
        async with db.transaction():
            for i, person in enumerate(people):
                with unit(f"event-{i}"):
                    await w.effects.send(person, f"сообщение {i}")
        emu.hang_next("execute", 0.6)
        runner = w.runner()
        await runner.start()
        await asyncio.wait_for(runner.drained(), 10)
        await emu.wait_for(lambda: http(w, "execute") >= 2, timeout=5)  # the hung one performed too
        assert [[m.text for m in emu.sent(p)] for p in people] == [[f"сообщение {i}"] for i in range(5)]
        assert {s for s in (await statuses(w)).values()} == {("done", None)}
    finally:
        for runner in w.runners:
            await runner.stop(grace=0)
        await api.http_client.close()
        await db.close()
        await emu.stop()


async def test_sends_of_one_chat_in_one_execute_keep_their_order(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    peer = world.emu.create_chat("5А", owner, [], with_bot=True, bot_admin=True)
    async with world.db.transaction():
        for i in range(12):
            with unit(f"event-{i}"):
                await world.effects.send(peer, f"предупреждение {i}")
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert [m.text for m in world.emu.sent(peer)] == [f"предупреждение {i}" for i in range(12)]
    assert http(world, "execute") == 1


async def test_roster_names_cost_no_users_get_and_the_rest_one_request(world: World) -> None:
    now = int(world.clock.now())
    org = (await org_repo.create(world.db, kind="school", code="sch1", name="Школа № 1", parent_id=None,
                                 timezone="Europe/Moscow", created_by=None, now=now)).id
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    linked = world.emu.add_user("Петька", "Ник", allows_messages=True)  # VK name differs from the roster's
    full = "Иванов Пётр Сергеевич"
    await people_repo.create(world.db, org_id=org, kind="student", full_name=full, name_key=normalize_name(full),
                             now=now, vk_id=linked)
    strangers = [world.emu.add_user("Гость", f"Номер{i}") for i in range(3)]
    peer = world.emu.create_chat("5А", owner, [linked, *strangers], with_bot=True, bot_admin=True)
    async with world.db.transaction():
        with unit("warn"):
            await world.effects.send(peer, f"{Names.placeholder(linked)}, это предупреждение")
            await world.effects.send(owner, f"Нарушение: {Names.placeholder(linked)}")
        for i, stranger in enumerate(strangers):
            with unit(f"join-{i}"):
                await world.effects.send(peer, f"{Names.placeholder(stranger)}, представьтесь")
    runner = world.runner()
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    texts = [m.text for m in world.emu.sent(peer)]
    assert texts[0] == "Пётр Иванов, это предупреждение"
    assert world.emu.sent(owner)[-1].text == "Нарушение: Пётр Иванов"
    assert texts[1:] == [f"Гость Номер{i}, представьтесь" for i in range(3)]
    users_get = [c for c in world.emu.calls if c.method == "users.get"]
    assert len(users_get) == 1  # the three strangers together, the roster's person never
    assert str(linked) not in users_get[0].params["user_ids"].split(",")
    assert runner.names.female(linked) is False  # the patronymic tells


async def test_a_name_asked_by_two_sends_at_once_is_asked_once(world: World) -> None:
    user = world.emu.add_user("Анна", "Иванова", allows_messages=True)
    runner = world.runner()
    first, second = await asyncio.gather(runner.names.name(user), runner.names.name(user))
    assert first == second == "Анна Иванова"
    assert sum(1 for c in world.emu.calls if c.method == "users.get") == 1


async def test_packing_can_be_turned_off(world: World) -> None:
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    runner = world.runner()
    runner.pack_calls = False
    async with world.db.transaction():
        for i in range(3):
            with unit(f"event-{i}"):
                await world.effects.send(owner, f"оповещение {i}")
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert http(world, "messages.send") == 3 and not http(world, "execute")
    assert [k for k, _ in await world.statuses()] == [Kind.SEND] * 3



async def test_a_deletion_overtakes_a_saturating_backlog_under_vks_limit(world: World) -> None:
    """VK's 20 requests/s taken by a backlog of 120 bulk sends (one request each) and 40 warnings:
    a deletion recorded after them still goes out among the first requests (URGENT first, and
    bulk never takes the last slots)."""
    owner = world.emu.add_user("Мария", "Классная", allows_messages=True)
    kid = world.emu.add_user("Петя", "Иванов")
    peer = world.emu.create_chat("5А", owner, [kid], with_bot=True, bot_admin=True)
    people = [world.emu.add_user("Родитель", f"Номер{i}", allows_messages=True) for i in range(160)]
    runner = world.runner()
    runner.pack_bulk = runner.pack_calls = False
    async with world.db.transaction():
        for i, person in enumerate(people):
            with unit(f"notice-{i}"):
                await world.effects.send(person, "объявление", lane=Lane.BULK if i < 120 else Lane.NORMAL)
    await runner.start()
    await world.emu.wait_for(lambda: http(world, "messages.send") >= 10, timeout=5)  # the limiter is busy
    cmid = world.emu.user_message(peer, kid, "плохое")
    with unit("violation"):
        await world.effects.delete(peer, [cmid], chat_id=1, violation_id=1)
    await world.emu.wait_for(lambda: http(world, "messages.delete") == 1, timeout=5)
    sends_before = http(world, "messages.send")
    assert sends_before <= 45, sends_before  # of 160 queued ahead of it (≤ 2 seconds' worth of requests)
    assert world.emu.chat(peer).get(cmid).deleted_for_all


async def test_follow_ups_of_sends_inside_execute_run_as_after_a_single_send(world: World) -> None:
    """A tracked send reports its cmid, a pinned one is pinned, a temporary answer gets its
    delayed deletion — when the sends went out together in one ``execute`` too."""
    owner = world.emu.add_user("Анна", "Иванова", allows_messages=True)
    peers = [world.emu.create_chat(f"{5 + i}А — родители", owner, [], with_bot=True, bot_admin=True)
             for i in range(3)]
    seen: list[tuple[str, int]] = []

    async def sent(track: str, cmid: int) -> None:
        seen.append((track, cmid))

    runner = world.runner()
    runner.on_sent = sent
    async with world.db.transaction():
        with unit("event-lists"):
            await world.effects.send(peers[0], "список", pin=True, track="res:1:1")
            await world.effects.send(peers[1], "опрос", track="poll:7")
            await world.effects.send(peers[2], "ответ на команду", delete_after=60)
    await runner.start()
    await asyncio.wait_for(runner.drained(), 5)
    assert http(world, "execute") == 1 and not http(world, "messages.send")
    first, second, third = (world.emu.sent(p)[-1] for p in peers)
    assert seen == [("res:1:1", first.cmid), ("poll:7", second.cmid)]
    assert world.emu.chat(peers[0]).pinned_cmid == first.cmid
    assert runner.delayed == 1 and not third.deleted_for_all
    world.clock.advance(61)
    runner.wake()
    await world.emu.wait_for(lambda: world.emu.chat(peers[2]).get(third.cmid).deleted_for_all, timeout=5)
