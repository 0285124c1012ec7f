"""messages.send / edit / delete / getByConversationMessageId / sendMessageEventAnswer."""
from __future__ import annotations

import json

KB = {"inline": True, "buttons": [[{"action": {"type": "callback", "label": "Допустить",
                                               "payload": json.dumps({"cmd": "admit", "u": 1})},
                                    "color": "positive"}]]}


async def test_send_private_and_permission(emu, vk, world):
    mid = await vk.ok("messages.send", peer_id=world["anna"], random_id=11, message="Привет")
    assert mid > 0
    msg = emu.sent(world["anna"])[0]
    assert msg.text == "Привет" and msg.random_id == 11 and msg.id == mid and msg.cmid == 1
    assert await vk.err("messages.send", peer_id=world["vera"], random_id=1, message="x") == 901
    assert await vk.err("messages.send", peer_id=999, random_id=1, message="x") == 901
    # writing to the community allows it to answer
    emu.user_message(world["vera"], world["vera"], "здравствуйте")
    await vk.ok("messages.send", user_id=world["vera"], random_id=2, message="ответ")


async def test_send_validation(vk, world):
    peer = world["peer"]
    assert await vk.err("messages.send", peer_id=peer, message="x") == 100  # random_id
    assert await vk.err("messages.send", peer_id=peer, random_id=0, message="") == 100
    assert await vk.err("messages.send", peer_id=peer, random_id=0, message="я" * 4097) == 914
    await vk.ok("messages.send", peer_id=peer, random_id=0, message="я" * 4096)
    assert await vk.err("messages.send", peer_id=peer, random_id=0, message="x",
                        keyboard="{not json") == 911
    bad = {"inline": True, "buttons": [[{"action": {"type": "callback", "label": "x" * 41}}]]}
    assert await vk.err("messages.send", peer_id=peer, random_id=0, message="x",
                        keyboard=json.dumps(bad)) == 911
    assert await vk.err("messages.send", peer_id=peer, random_id=0,
                        attachment="doc-1000_999") == 100
    assert await vk.err("messages.send", random_id=0, message="x") == 100


async def test_send_to_chat_peer_ids_shape(emu, vk, world):
    peer = world["peer"]
    resp = await vk.ok("messages.send", peer_ids=peer, random_id=5, message="Всем привет",
                       keyboard=json.dumps(KB))
    assert resp == [{"peer_id": peer, "message_id": 0, "conversation_message_id": 3}]
    msg = emu.sent(peer)[0]
    assert msg.keyboard == KB and msg.cmid == 3  # 1 chat_create, 2 bot invited
    assert await vk.ok("messages.send", peer_id=peer, random_id=6, message="x") == 0
    other = emu.create_chat("без бота", world["anna"])
    resp = await vk.ok("messages.send", peer_ids=f"{peer},{other}", random_id=7, message="y")
    assert resp[0]["conversation_message_id"] > 0
    assert resp[1] == {"peer_id": other, "error": {
        "code": 917, "description": "You don't have access to this chat"}}
    assert await vk.err("messages.send", peer_id=other, random_id=8, message="z") == 917
    emu.set_bot_features(False)
    assert await vk.err("messages.send", peer_id=peer, random_id=9, message="z",
                        keyboard=json.dumps(KB)) == 912


async def test_random_id_dedupe(emu, vk, world):
    peer = world["peer"]
    first = await vk.ok("messages.send", peer_ids=peer, random_id=42, message="раз")
    again = await vk.ok("messages.send", peer_ids=peer, random_id=42, message="раз")
    assert first == again and len(emu.sent(peer)) == 1
    await vk.ok("messages.send", peer_ids=peer, random_id=0, message="два")
    await vk.ok("messages.send", peer_ids=peer, random_id=0, message="два")
    assert len(emu.sent(peer)) == 3  # random_id=0 never dedupes
    # same random_id in another conversation is a different message
    await vk.ok("messages.send", peer_id=world["anna"], random_id=42, message="раз")
    # older than an hour: sent again
    base = emu.wall_clock()
    emu.wall_clock = lambda: base + 3601
    await vk.ok("messages.send", peer_ids=peer, random_id=42, message="раз")
    assert len(emu.sent(peer)) == 4


async def test_reply_via_forward(emu, vk, world):
    peer = world["peer"]
    cmid = emu.user_message(peer, world["boris"], "вопрос")
    fwd = {"peer_id": peer, "conversation_message_ids": [cmid], "is_reply": True}
    await vk.ok("messages.send", peer_ids=peer, random_id=0, message="ответ", forward=json.dumps(fwd))
    assert emu.sent(peer)[-1].reply_to == cmid
    fwd["conversation_message_ids"] = [999]
    [item] = await vk.ok("messages.send", peer_ids=peer, random_id=0, message="x",
                         forward=json.dumps(fwd))  # per-peer errors come inside the list
    assert item["error"]["code"] == 921
    assert await vk.err("messages.send", peer_id=peer, random_id=0, message="x",
                        forward=json.dumps(fwd)) == 921


async def test_edit(emu, vk, world):
    peer = world["peer"]
    [item] = await vk.ok("messages.send", peer_ids=peer, random_id=0, message="тревога",
                         keyboard=json.dumps(KB))
    cmid = item["conversation_message_id"]
    assert await vk.ok("messages.edit", peer_id=peer, conversation_message_id=cmid,
                       message="решено") == 1
    msg = emu.sent(peer)[-1]
    assert msg.text == "решено" and msg.edits == ["тревога"] and msg.keyboard is None
    assert emu.edited == [msg]
    user_cmid = emu.user_message(peer, world["anna"], "моё")
    assert await vk.err("messages.edit", peer_id=peer, conversation_message_id=user_cmid,
                        message="x") == 15
    assert await vk.err("messages.edit", peer_id=peer, conversation_message_id=1, message="x") == 920
    base = emu.wall_clock()
    emu.wall_clock = lambda: base + 25 * 3600
    assert await vk.err("messages.edit", peer_id=peer, conversation_message_id=cmid,
                        message="x") == 909


async def test_delete_for_all(emu, vk, world):
    peer = world["peer"]
    bad = emu.user_message(peer, world["boris"], "спам")
    [own] = await vk.ok("messages.send", peer_ids=peer, random_id=0, message="моё")
    resp = await vk.ok("messages.delete", peer_id=peer, cmids=f"{bad},{own['conversation_message_id']},999",
                       delete_for_all=1)
    assert [r["response"] for r in resp] == [1, 1, 0]
    assert resp[0] == {"peer_id": peer, "conversation_message_id": bad, "message_id": 0,
                       "response": 1}
    assert resp[2]["error"]["code"] == 924
    assert emu.chat(peer).history[bad - 1].deleted_for_all
    emu.set_bot_admin(peer, False)
    other = emu.user_message(peer, world["boris"], "ещё спам")
    assert await vk.err("messages.delete", peer_id=peer, cmids=other, delete_for_all=1) == 925
    assert await vk.err("messages.delete", peer_id=peer, cmids=",".join(["1"] * 101),
                        delete_for_all=1) == 100


async def test_get_by_cmid_visibility(emu, vk, world):
    peer = world["peer"]
    cmid = emu.user_message(peer, world["anna"], "текст", reply_to_cmid=1)
    resp = await vk.ok("messages.getByConversationMessageId", peer_id=peer,
                       conversation_message_ids=f"{cmid},777")
    assert resp["count"] == 1
    item = resp["items"][0]
    assert item["text"] == "текст" and item["id"] == 0 and item["reply_message"]["conversation_message_id"] == 1
    emu.set_bot_admin(peer, False)
    resp = await vk.ok("messages.getByConversationMessageId", peer_id=peer,
                       conversation_message_ids=cmid)
    assert resp["count"] == 0  # without admin rights the bot sees only what mentions it
    outsider = emu.create_chat("чужой", world["anna"])
    assert await vk.err("messages.getByConversationMessageId", peer_id=outsider,
                        conversation_message_ids=1) == 917


async def test_callback_answer(emu, vk, world):
    peer = world["peer"]
    [item] = await vk.ok("messages.send", peer_ids=peer, random_id=0, message="?",
                         keyboard=json.dumps(KB))
    cmid = item["conversation_message_id"]
    event_id = emu.press_button(peer, world["anna"], cmid, {"cmd": "admit", "u": 1})
    data = json.dumps({"type": "show_snackbar", "text": "Готово"})
    assert await vk.ok("messages.sendMessageEventAnswer", event_id=event_id,
                       user_id=world["anna"], peer_id=peer, event_data=data) == 1
    assert emu.snackbars[0].event_data == {"type": "show_snackbar", "text": "Готово"}
    assert await vk.err("messages.sendMessageEventAnswer", event_id=event_id,
                        user_id=world["anna"], peer_id=peer, event_data=data) == 100
    import pytest
    with pytest.raises(ValueError):
        emu.press_button(peer, world["anna"], cmid, {"cmd": "other"})


async def test_deactivated_user_is_deleted_in_users_get_and_cannot_be_messaged() -> None:
    import aiohttp

    from vkemu import Emulator

    async with Emulator(token="t") as emu:
        uid = emu.add_user("Иван", "Петров", allows_messages=True)
        emu.deactivate(uid, "banned")
        async with aiohttp.ClientSession() as http:
            async with http.post(emu.api_url + "users.get", data={"access_token": "t", "v": "5.199",
                                                                    "user_ids": str(uid)}) as resp:
                body = await resp.json()
            assert body["response"][0]["deactivated"] == "banned"
            assert body["response"][0]["first_name"] == "DELETED"
            async with http.post(emu.api_url + "messages.send", data={"access_token": "t", "v": "5.199",
                                                                       "peer_id": str(uid), "random_id": "1",
                                                                       "message": "x"}) as resp:
                body = await resp.json()
            assert body["error"]["error_code"] == 901



async def test_a_users_document_is_attached_only_with_its_access_key(emu, vk, world):
    """VK gives a user's document to the community with an access key; without it the community
    may not attach the document (its own documents need none)."""
    user = world["anna"]
    emu.user_message(user, user, "памятка", attachments=[{"type": "doc", "title": "memo.pdf", "content": b"memo"}])
    doc = next(d for d in emu.docs.values() if d.owner_id == user)
    assert doc.access_key and doc.attachment == f"doc{user}_{doc.id}_{doc.access_key}"
    got = emu.history(user)[-1].attachments[0]["doc"]
    assert got["access_key"] == doc.access_key  # what the bot receives with the message
    assert await vk.err("messages.send", peer_id=user, random_id=71, attachment=f"doc{user}_{doc.id}") == 100
    assert await vk.err("messages.send", peer_id=user, random_id=72, attachment=f"doc{user}_{doc.id}_bad0") == 100
    await vk.ok("messages.send", peer_id=user, random_id=73, attachment=doc.attachment)
    assert emu.sent(user)[-1].attachment == doc.attachment
