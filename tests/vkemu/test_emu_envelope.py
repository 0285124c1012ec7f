"""Envelope, token/version checks, rate limit, unknown methods, users.get, groups.*."""
from __future__ import annotations

import asyncio

import pytest

from vkemu import Emulator

GID = 1000


async def test_ok_envelope_and_call_log(emu, vk):
    uid = emu.add_user("Анна", "Иванова")
    resp = await vk.ok("users.get", user_ids=f"{uid},999999")
    assert resp == [{"id": uid, "first_name": "Анна", "last_name": "Иванова",
                     "can_access_closed": True, "is_closed": False}]
    call = emu.calls[-1]
    assert call.method == "users.get" and call.error_code is None and call.token == "emu-token"
    assert call.response == resp
    assert emu.http_requests == 1


async def test_invalid_token_and_request_params(emu, vk):
    body = await vk.raw("users.get", token="wrong", user_ids="1")
    error = body["error"]
    assert error["error_code"] == 5
    assert error["error_msg"] == "User authorization failed: invalid access_token (4)."
    keys = [p["key"] for p in error["request_params"]]
    assert "access_token" not in keys and {"method", "oauth", "v", "user_ids"} <= set(keys)
    assert await vk.err("users.get", token=None, user_ids="1") == 5
    assert emu.calls[-1].error_code == 5


async def test_version_required(vk):
    assert await vk.err("users.get", v=None, user_ids="1") == 8
    assert await vk.err("users.get", v="3.0", user_ids="1") == 8


async def test_unknown_method_and_missing_param(vk):
    body = await vk.raw("messages.frobnicate")
    assert body["error"]["error_code"] == 3
    assert body["error"]["error_msg"] == "Unknown method passed"
    body = await vk.raw("users.get")
    assert body["error"]["error_code"] == 100
    assert body["error"]["error_msg"].startswith(
        "One of the parameters specified was missing or invalid: ")
    assert await vk.err("users.get", user_ids="not a name") == 113


async def test_rate_limit_sliding_window(emu, vk):
    now = [100.0]
    emu.clock = lambda: now[0]
    for _ in range(20):
        await vk.ok("groups.getById")
    assert await vk.err("groups.getById") == 6
    now[0] += 0.5
    assert await vk.err("groups.getById") == 6  # the window still holds 20+ arrivals
    now[0] += 0.51  # the first 20 arrivals are now older than 1 s
    await vk.ok("groups.getById")
    other = await vk.raw("groups.getById", token="other")
    assert other["error"]["error_code"] == 5  # bad tokens are not rate limited, just rejected


async def test_groups_methods(emu, vk):
    resp = await vk.ok("groups.getById")
    assert resp["groups"][0]["id"] == GID and resp["profiles"] == []
    assert await vk.err("groups.getById", group_id=42) == 100
    perms = await vk.ok("groups.getTokenPermissions")
    assert {p["name"] for p in perms["permissions"]} >= {"messages", "docs", "manage"}
    settings = await vk.ok("groups.getSettings", group_id=GID)
    assert settings["bots_capabilities"] is True
    emu.set_bot_features(False)
    assert (await vk.ok("groups.getSettings", group_id=GID))["bots_capabilities"] is False
    assert await vk.err("groups.getSettings") == 100  # group_id is required
    lp = await vk.ok("groups.getLongPollSettings", group_id=GID)
    assert lp["is_enabled"] is True and lp["api_version"] == "5.199"
    assert lp["events"]["message_new"] == 1 and lp["events"]["wall_post_new"] == 0
    assert await vk.err("groups.getLongPollServer", group_id=GID + 1) == 15


async def test_permissions_enforced(emu, vk):
    emu.token_permissions = {"messages"}
    assert await vk.err("groups.getSettings", group_id=GID) == 15
    assert await vk.err("docs.getMessagesUploadServer", peer_id=1) == 15


async def test_fail_next_and_delay_next(emu, vk):
    emu.fail_next("groups.getById", 10, times=2)
    assert await vk.err("groups.getById") == 10
    body = await vk.raw("groups.getById")
    assert body["error"]["error_msg"] == "Internal server error"
    await vk.ok("groups.getById")
    emu.fail_next("groups.getById", 9, msg="Flood control: slow down")
    assert (await vk.raw("groups.getById"))["error"]["error_msg"] == "Flood control: slow down"
    emu.delay_next("groups.getById", 0.2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    mark = len(emu.calls)
    task = asyncio.create_task(vk.ok("groups.getById"))
    call = await emu.wait_call("groups.getById", since=mark)
    assert call.response is None and not task.done()  # arrived, not answered yet
    await task
    assert loop.time() - start >= 0.2 and call.response is not None


async def test_wait_for_timeout_mentions_calls(emu, vk):
    await vk.err("users.get", user_ids="nope!")
    with pytest.raises(TimeoutError) as info:
        await emu.wait_for(lambda: False, timeout=0.05)
    assert "users.get" in str(info.value)


def test_ids_are_allocated_from_documented_bases():
    emu = Emulator()
    assert emu.add_user("A", "B") == 100001
    assert emu.add_user("C", "D", user_id=5) == 5
    assert emu.create_chat("t", 5) == 2_000_000_001
