"""HTTP-level faults (an error page, a dropped connection) and texts that are not valid UTF-8."""
from __future__ import annotations

import json

import aiohttp
import pytest

GID = 1000


async def test_http_error_page_then_normal(emu, vk, world):
    emu.http_fail_next("messages.send", 503)
    url = f"{emu.base_url}/method/messages.send"
    params = {"access_token": "emu-token", "v": "5.199"}
    data = {"peer_id": str(world["anna"]), "message": "привет", "random_id": "7"}
    async with vk.session.post(url, params=params, data=data) as resp:
        assert resp.status == 503 and resp.content_type == "text/html"
    assert not emu.sent() and not emu.calls  # nothing performed or recorded
    assert isinstance(await vk.ok("messages.send", **data), int)
    assert len(emu.sent()) == 1


async def test_dropped_connection(emu, vk, world):
    emu.drop_next("messages.send")
    url = f"{emu.base_url}/method/messages.send"
    with pytest.raises(aiohttp.ClientConnectionError):
        async with vk.session.post(url, params={"access_token": "emu-token", "v": "5.199"},
                                   data={"peer_id": str(world["anna"]), "message": "x", "random_id": "1"}) as resp:
            await resp.read()
    assert not emu.sent()


async def test_longpoll_faults_and_lone_surrogate(emu, vk, world):
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    emu.user_message(world["peer"], world["boris"], "обрезанный смайлик \ud83d")
    emu.http_fail_next("longpoll", 500)
    async with vk.session.post(srv["server"], params={"act": "a_check", "key": srv["key"], "ts": srv["ts"],
                                                      "wait": "0"}) as resp:
        assert resp.status == 500
    async with vk.session.post(srv["server"], params={"act": "a_check", "key": srv["key"], "ts": srv["ts"],
                                                      "wait": "0"}) as resp:
        body = await resp.read()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = json.loads(body.decode("utf-8", "replace"))["updates"][0]["object"]["message"]["text"]
    assert text.startswith("обрезанный смайлик ")
    emu.ascii_json = True
    update = (await vk.poll(srv))["updates"][0]
    assert update["object"]["message"]["text"] == "обрезанный смайлик \ud83d"
