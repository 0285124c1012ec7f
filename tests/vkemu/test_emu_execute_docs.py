"""execute batching and the docs upload round trip; the HTTP control API."""
from __future__ import annotations

import json

import aiohttp

GID = 1000


def code_for(calls: list[tuple[str, dict]]) -> str:
    inner = ", ".join(f"API.{m}({json.dumps(a, ensure_ascii=False)})" for m, a in calls)
    return f"return [{inner}];"


async def test_execute_partial_errors(emu, vk, world):
    chat_id = world["peer"] - 2_000_000_000
    code = code_for([
        ("messages.removeChatUser", {"chat_id": chat_id, "member_id": world["vera"]}),
        ("messages.removeChatUser", {"chat_id": chat_id, "member_id": 555}),
        ("messages.send", {"peer_ids": [world["peer"]], "random_id": 0, "message": "Готово"}),
    ])
    before = emu.http_requests
    body = await vk.raw("execute", code=code)
    assert body["response"][0] == 1 and body["response"][1] is False
    assert body["response"][2][0]["conversation_message_id"] > 0
    assert body["execute_errors"] == [{"method": "messages.removeChatUser", "error_code": 935,
                                       "error_msg": "User not found in chat"}]
    assert emu.http_requests == before + 1
    inner = [c for c in emu.calls if c.in_execute]
    assert [c.method for c in inner] == ["messages.removeChatUser"] * 2 + ["messages.send"]
    assert emu.sent(world["peer"])[-1].text == "Готово"


async def test_execute_single_and_faults(emu, vk, world):
    emu.fail_next("messages.send", 10)
    code = 'return API.messages.send({"peer_id": %d, "random_id": 0, "message": "x"});' % world["anna"]
    body = await vk.raw("execute", code=code)
    assert body["response"] is False and body["execute_errors"][0]["error_code"] == 10
    assert (await vk.raw("execute", code=code))["response"] > 0


async def test_execute_limits_and_compile_errors(emu, vk, world):
    calls = [("users.get", {"user_ids": world["anna"]})] * 26
    assert await vk.err("execute", code=code_for(calls)) == 13
    assert len([c for c in emu.calls if c.in_execute]) == 25  # VK fails at the 26th call
    assert await vk.err("execute", code="var a = 1; return a;") == 12
    assert await vk.err("execute", code="return [API.users.get({user_ids: 1})];") == 12
    assert await vk.err("execute", code='return API.execute({"code": "return 1;"});') == 12
    body = await vk.raw("execute", code='return [API.no.such({})];')
    assert body["response"] == [False] and body["execute_errors"][0]["error_code"] == 3


async def test_execute_counts_once_for_rate_limit(emu, vk, world):
    now = [50.0]
    emu.clock = lambda: now[0]
    calls = [("users.get", {"user_ids": world["anna"]})] * 25
    for _ in range(20):
        body = await vk.raw("execute", code=code_for(calls))
        assert "error" not in body
    assert await vk.err("execute", code=code_for(calls)) == 6


async def test_docs_upload_round_trip(emu, vk, world):
    peer = world["peer"]
    server = await vk.ok("docs.getMessagesUploadServer", type="doc", peer_id=peer)
    form = aiohttp.FormData()
    form.add_field("file", b"PK\x03\x04fake-xlsx", filename="report.xlsx")
    async with vk.session.post(server["upload_url"], data=form) as resp:
        uploaded = await resp.json()
    saved = await vk.ok("docs.save", file=uploaded["file"], title="Отчёт.xlsx")
    doc = saved["doc"]
    assert saved["type"] == "doc" and doc["owner_id"] == -GID and doc["ext"] == "xlsx"
    attachment = f"doc{doc['owner_id']}_{doc['id']}"
    await vk.ok("messages.send", peer_ids=peer, random_id=0, attachment=attachment)
    assert emu.sent(peer)[-1].attachment == attachment
    assert emu.doc_bytes(attachment) == b"PK\x03\x04fake-xlsx"
    async with vk.session.get(doc["url"]) as resp:
        assert await resp.read() == b"PK\x03\x04fake-xlsx"
    assert await vk.err("docs.save", file=uploaded["file"]) == 100  # a file is saved once
    async with vk.session.post(server["upload_url"], data=aiohttp.FormData({"x": "y"})) as resp:
        assert "error" in await resp.json()


async def test_user_doc_attachment_download(emu, vk, world):
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    emu.user_message(world["anna"], world["anna"], "/импорт",
                     attachments=[{"type": "doc", "title": "roster.csv", "content": "ФИО;Класс\n".encode()},
                                  {"type": "photo"}, {"type": "sticker"}])
    [update] = (await vk.poll(srv))["updates"]
    doc_att, photo, sticker = update["object"]["message"]["attachments"]
    assert doc_att["type"] == "doc" and doc_att["doc"]["title"] == "roster.csv"
    assert photo["type"] == "photo" and photo["photo"]["sizes"]
    assert sticker["type"] == "sticker" and sticker["sticker"]["sticker_id"]
    async with vk.session.get(doc_att["doc"]["url"]) as resp:
        assert (await resp.read()).decode() == "ФИО;Класс\n"


async def test_control_api(emu, vk):
    base = f"{emu.base_url}/_emu"
    s = vk.session

    async def post(path: str, **body):
        async with s.post(f"{base}/{path}", json=body) as resp:
            data = await resp.json()
            assert resp.status == 200, data
            return data

    anna = (await post("users", first_name="Анна", last_name="И", allows_messages=True))["user_id"]
    peer = (await post("chats", title="чат", owner_id=anna, with_bot=True))["peer_id"]
    await post("set_admin", peer_id=peer, is_admin=True)
    cmid = (await post("message", peer_id=peer, from_id=anna, text="привет",
                       attachments=[{"type": "doc", "title": "a.txt", "content_b64": "aGk="}]))["cmid"]
    assert emu.chat(peer).get(cmid).attachments[0]["doc"]["size"] == 2
    await post("fail", method="messages.send", code=9)
    assert await vk.err("messages.send", peer_id=peer, random_id=0, message="x") == 9
    await post("settings", bot_features=False, longpoll={"events": {"message_reply": 1}})
    assert emu.bot_features is False and emu.longpoll.events["message_reply"] == 1
    async with s.post(f"{base}/join", json={"peer_id": peer, "user_id": 424242}) as resp:
        assert resp.status == 400
    async with s.get(f"{base}/state") as resp:
        state = await resp.json()
    assert state["chats"][0]["bot_is_admin"] is True and state["users"][0]["id"] == anna
    assert state["chats"][0]["history"][-1]["text"] == "привет"


async def test_delete_inside_execute_answers_per_message(emu, vk, world):
    peer = world["peer"]
    mine = emu.user_message(peer, world["boris"], "удалить")
    owners = emu.user_message(peer, world["anna"], "сообщение владельца")
    body = await vk.raw("execute", code=code_for([
        ("messages.delete", {"peer_id": peer, "cmids": f"{mine},{owners},999", "delete_for_all": 1})]))
    [items] = body["response"]
    assert "execute_errors" not in body  # refusals of single messages are items, not a failed call
    by_cmid = {item["conversation_message_id"]: item for item in items}
    assert by_cmid[mine]["response"] == 1
    assert by_cmid[999]["response"] == 0 and by_cmid[999]["error"]["code"] == 924  # no such message
    assert by_cmid[owners]["error"]["code"] == 924  # the owner's, in a chat the community does not own
    assert emu.chat(peer).get(mine).deleted_for_all
