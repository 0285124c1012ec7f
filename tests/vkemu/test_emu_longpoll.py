"""Bots Long Poll: delivery, failed 1/2/3, wait timeout, admin-only visibility, settings."""
from __future__ import annotations

import asyncio

GID = 1000


async def server(vk) -> dict:
    return await vk.ok("groups.getLongPollServer", group_id=GID)


async def test_delivery_and_ts(emu, vk, world):
    srv = await server(vk)
    assert srv["server"] == f"{emu.base_url}/lp/{GID}"
    polls = emu.longpoll.requests
    task = asyncio.create_task(vk.poll(srv, wait=5))
    await emu.wait_longpoll(since=polls)  # the poll is waiting on the server
    cmid = emu.user_message(world["peer"], world["boris"], "привет", payload={"a": 1})
    resp = await asyncio.wait_for(task, 5)
    [update] = resp["updates"]
    assert update["type"] == "message_new" and update["group_id"] == GID and update["v"] == "5.199"
    msg = update["object"]["message"]
    assert msg["conversation_message_id"] == cmid and msg["id"] == 0 and msg["out"] == 0
    assert msg["peer_id"] == world["peer"] and msg["from_id"] == world["boris"]
    assert msg["payload"] == '{"a": 1}'
    assert "callback" in update["object"]["client_info"]["button_actions"]
    assert int(resp["ts"]) == int(srv["ts"]) + 1
    # asking again from the old ts repeats the event; from the new ts there is nothing
    assert len((await vk.poll(srv, ts=srv["ts"]))["updates"]) == 1
    assert (await vk.poll(srv, ts=resp["ts"], wait=0.05)) == {"ts": resp["ts"], "updates": []}


async def test_private_message_has_positive_id(emu, vk, world):
    srv = await server(vk)
    emu.user_message(world["anna"], world["anna"], "/код ABCD-EFGH")
    [update] = (await vk.poll(srv))["updates"]
    assert update["object"]["message"]["id"] > 0
    assert update["object"]["message"]["peer_id"] == world["anna"]


async def test_failed_answers(emu, vk, world):
    srv = await server(vk)
    assert await vk.poll(srv, key="bogus") == {"failed": 2}
    ahead = str(int(srv["ts"]) + 5)
    assert await vk.poll(srv, ts=ahead) == {"failed": 1, "ts": srv["ts"]}
    emu.longpoll_fail_next(1)
    assert (await vk.poll(srv))["failed"] == 1
    emu.longpoll_fail_next(3)
    assert await vk.poll(srv) == {"failed": 3}
    assert await vk.poll(srv) == {"failed": 2}  # the key died with failed 3
    srv2 = await server(vk)
    emu.longpoll_fail_next(2)
    assert await vk.poll(srv2) == {"failed": 2}
    srv3 = await server(vk)
    assert (await vk.poll(srv3))["updates"] == []


async def test_history_retention(emu, vk, world):
    emu.longpoll.retain = 3
    srv = await server(vk)
    for i in range(5):
        emu.user_message(world["peer"], world["anna"], f"m{i}")
    resp = await vk.poll(srv)
    assert resp["failed"] == 1 and int(resp["ts"]) == int(srv["ts"]) + 5


async def test_wait_times_out_empty(vk, world):
    srv = await server(vk)
    loop = asyncio.get_running_loop()
    start = loop.time()
    resp = await vk.poll(srv, wait=0.2)
    assert resp == {"ts": srv["ts"], "updates": []}
    assert 0.15 <= loop.time() - start < 2


async def test_non_admin_sees_only_mentions(emu, vk, world):
    peer = world["peer"]
    emu.set_bot_admin(peer, False)
    srv = await server(vk)
    emu.user_message(peer, world["anna"], "обычное сообщение")
    emu.user_message(peer, world["anna"], "[club1000|@zavuch] /правила")
    emu.user_message(peer, world["anna"], "@club1000 помоги")
    emu.join_by_link(peer, emu.add_user("Новый", "Участник"))
    resp = await vk.poll(srv)
    texts = [u["object"]["message"]["text"] for u in resp["updates"]]
    assert texts == ["[club1000|@zavuch] /правила", "@club1000 помоги"]
    emu.set_bot_admin(peer, True)
    emu.user_message(peer, world["anna"], "теперь видно")
    updates = (await vk.poll(srv, ts=resp["ts"]))["updates"]
    assert [u["object"]["message"]["text"] for u in updates] == ["теперь видно"]


async def test_bot_added_event_and_outsider_chat(emu, vk):
    owner = emu.add_user("Учитель", "Класса")
    srv = await server(vk)
    peer = emu.create_chat("чат", owner)
    emu.user_message(peer, owner, "до бота")  # the bot is not a member: nothing
    emu.add_bot_to_chat(peer, owner)
    [update] = (await vk.poll(srv))["updates"]
    action = update["object"]["message"]["action"]
    assert action == {"type": "chat_invite_user", "member_id": -GID}
    assert update["object"]["message"]["from_id"] == owner


async def test_settings_filter_events_and_disable(emu, vk, world):
    srv = await server(vk)
    emu.set_longpoll_settings(events={"message_new": 0})
    emu.user_message(world["peer"], world["anna"], "не придёт")
    assert (await vk.poll(srv))["updates"] == []
    emu.set_longpoll_settings(events={"message_new": 1})
    [item] = await vk.ok("messages.send", peer_ids=world["peer"], random_id=0, message="?",
                         keyboard='{"inline":true,"buttons":[[{"action":{"type":"callback",'
                                  '"label":"Да","payload":"{\\"v\\":1}"}}]]}')
    event_id = emu.press_button(world["peer"], world["boris"], item["conversation_message_id"], {"v": 1})
    [update] = (await vk.poll(srv))["updates"]
    assert update["type"] == "message_event"
    assert update["object"] == {"user_id": world["boris"], "peer_id": world["peer"],
                                "event_id": event_id, "payload": {"v": 1},
                                "conversation_message_id": item["conversation_message_id"]}
    emu.set_longpoll_settings(enabled=False)
    assert await vk.err("groups.getLongPollServer", group_id=GID) == 100
    assert (await vk.ok("groups.getLongPollSettings", group_id=GID))["is_enabled"] is False


async def test_wait_sent_helper(emu, vk, world):
    await vk.ok("messages.send", peer_ids=world["peer"], random_id=0, message="уже готово")
    mark = len(emu.sent(world["peer"]))
    task = asyncio.create_task(emu.wait_sent(world["peer"], contains="готово", since=mark))
    await vk.ok("messages.send", peer_ids=world["peer"], random_id=0, message="ещё нет")
    await vk.ok("messages.send", peer_ids=world["peer"], random_id=0, message="всё готово")
    msg = await asyncio.wait_for(task, 5)
    assert msg.text == "всё готово"


async def test_wait_longpoll(emu, vk):
    srv = await server(vk)
    before = emu.longpoll.requests
    task = asyncio.create_task(vk.poll(srv, wait=0))
    assert await emu.wait_longpoll(since=before) == before + 1
    await task
