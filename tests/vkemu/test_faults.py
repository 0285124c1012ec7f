"""Fault controls added for the transport: hangs, "*" (any method) outages, raw updates and
texts that are not valid UTF-8, in Python and over the /_emu/ control API."""
from __future__ import annotations

import asyncio
import base64
import json

import aiohttp
import pytest

GID = 1000
QUERY = {"access_token": "emu-token", "v": "5.199"}


async def _status(vk, method: str, **data: str) -> int:
    async with vk.session.post(f"{vk.emu.base_url}/method/{method}", params=QUERY, data=data) as resp:
        await resp.read()
        return resp.status


async def test_hang_gives_no_answer_until_the_time_is_up_then_answers(emu, vk, world):
    emu.hang_next("users.get", 30)
    call = asyncio.create_task(vk.ok("users.get", user_ids=str(world["anna"])))
    await emu.wait_for(lambda: emu.http_requests == 1)
    with pytest.raises(asyncio.TimeoutError):  # a client with a short timeout gives up
        await asyncio.wait_for(asyncio.shield(call), timeout=0.2)
    assert not call.done() and emu.calls == []  # nothing recorded while hanging
    assert (await vk.ok("users.get", user_ids=str(world["anna"])))[0]["id"] == world["anna"]  # others pass
    call.cancel()


async def test_stop_ends_a_hang_at_once(emu, vk, world):
    emu.hang_next("users.get", 300)
    call = asyncio.create_task(vk.raw("users.get", user_ids=str(world["anna"])))
    await emu.wait_for(lambda: emu.http_requests == 1)
    await asyncio.wait_for(emu.stop(), timeout=10)  # not after 300 s
    await asyncio.gather(call, return_exceptions=True)


async def test_star_outage_fails_every_method_until_cleared(emu, vk, world):
    emu.http_fail_next("*", 500, times=1000)
    assert await _status(vk, "users.get", user_ids=str(world["anna"])) == 500
    assert await _status(vk, "messages.send", peer_id=str(world["anna"]), message="x", random_id="1") == 500
    emu.clear_faults()
    assert await _status(vk, "users.get", user_ids=str(world["anna"])) == 200
    assert len(emu.sent()) == 0


async def test_star_does_not_touch_long_poll(emu, vk):
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    emu.drop_next("*")
    assert "ts" in await vk.poll(srv)  # the drop is still waiting for an API method
    with pytest.raises(aiohttp.ClientConnectionError):
        await _status(vk, "users.get", user_ids="1")


async def test_star_vk_error_for_the_next_k_calls(emu, vk, world):
    emu.fail_next("*", 6, times=2)
    assert await vk.err("users.get", user_ids=str(world["anna"])) == 6
    assert await vk.err("groups.getById", group_id=GID) == 6
    assert (await vk.ok("users.get", user_ids=str(world["anna"])))[0]["id"] == world["anna"]


async def test_long_poll_hang(emu, vk):
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    emu.hang_next("longpoll", 30)
    poll = asyncio.create_task(vk.poll(srv))
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(poll), timeout=0.2)
    assert emu.longpoll.requests == 0
    poll.cancel()
    assert "ts" in await vk.poll(srv)


async def test_raw_update_is_delivered_as_given(emu, vk):
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    emu.set_longpoll_settings(events={"message_edit": 0})
    emu.ascii_json = True  # so that the lone surrogate below survives as a \u escape
    obj = {"message": {"text": "странное \ud83d", "peer_id": 2000000001, "extra": [1, None]}}
    event = emu.raw_update("message_edit", obj)  # delivered even though the type is off
    [update] = (await vk.poll(srv))["updates"]
    assert update["event_id"] == event["event_id"] and update["type"] == "message_edit"
    assert update["object"] == obj
    assert [c.method for c in emu.calls] == ["groups.getLongPollServer"] and not emu.history(2000000001)


async def test_message_bytes_go_out_unchanged(emu, vk, world):
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    raw = "привет ".encode() + b"\xff\xfe" + "😀".encode()[:2]  # junk and a cut emoji
    emu.user_message_bytes(world["peer"], world["boris"], raw)
    async with vk.session.post(srv["server"], params={"act": "a_check", "key": srv["key"],
                                                      "ts": srv["ts"], "wait": "0"}) as resp:
        body = await resp.read()
    assert raw in body  # the exact bytes, not valid UTF-8
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = json.loads(body.decode("utf-8", "replace"))["updates"][0]["object"]["message"]["text"]
    assert text.startswith("привет ")


async def test_lone_surrogate_still_goes_out_as_surrogatepass(emu, vk, world):
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    emu.user_message(world["peer"], world["boris"], "смайлик \ud83d")
    async with vk.session.post(srv["server"], params={"act": "a_check", "key": srv["key"],
                                                      "ts": srv["ts"], "wait": "0"}) as resp:
        body = await resp.read()
    assert "смайлик \ud83d".encode("utf-8", "surrogatepass") in body


async def test_control_api_for_faults(emu, vk, world):
    base = f"{emu.base_url}/_emu"

    async def control(path: str, body: dict) -> dict:
        async with vk.session.post(f"{base}/{path}", json=body) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    await control("http_fail", {"method": "*", "status": 502, "times": 5})
    assert await _status(vk, "users.get", user_ids="1") == 502
    await control("clear_faults", {})
    assert await _status(vk, "users.get", user_ids="1") == 200
    await control("hang", {"method": "users.get", "seconds": 0.01})
    assert await _status(vk, "users.get", user_ids="1") == 200
    event_id = (await control("raw_update", {"type": "message_new", "object": {"x": 1}}))["event_id"]
    assert emu.events()[-1]["event_id"] == event_id
    text_b64 = base64.b64encode(b"ok \xff").decode()
    cmid = (await control("message_bytes", {"peer_id": world["peer"], "from_id": world["boris"],
                                            "text_b64": text_b64}))["cmid"]
    assert emu.history(world["peer"])[-1].cmid == cmid
    await control("longpoll_fail", {"failed": 3})
    srv = await vk.ok("groups.getLongPollServer", group_id=GID)
    assert await vk.poll(srv) == {"failed": 3}


async def test_a_hung_request_is_performed_after_its_client_gave_up(emu, vk, world):
    """VK has a request once it arrived: a client that timed out does not undo it (a repeat with
    the same random_id is then dropped)."""
    emu.hang_next("messages.send", 0.3)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(vk.raw("messages.send", peer_id=str(world["anna"]), message="x", random_id="77"),
                               timeout=0.05)
    await emu.wait_for(lambda: len(emu.sent(world["anna"])) == 1, timeout=5)
    await vk.ok("messages.send", peer_id=str(world["anna"]), message="x", random_id="77")  # the client's repeat
    assert [m.text for m in emu.sent(world["anna"])] == ["x"]
