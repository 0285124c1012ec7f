"""calls.start as VK documents it: ``group_id`` optional and positive, only the token's own
community; the answer carries ``join_link``, ``ok_join_link``, ``call_id`` and ``short_credentials``."""
from __future__ import annotations

GID = 1000


async def test_calls_start_returns_a_join_link(vk, emu) -> None:
    started = await vk.ok("calls.start", group_id=GID)
    assert set(started) == {"call_id", "join_link", "ok_join_link", "short_credentials"}
    assert started["join_link"].startswith("https://vk.com/call/join/")
    assert set(started["short_credentials"]) == {"id", "password", "link_without_password", "link_with_password"}
    again = await vk.ok("calls.start", group_id=GID)
    assert again["join_link"] != started["join_link"] and again["call_id"] != started["call_id"]
    assert [c["join_link"] for c in emu.started_calls] == [started["join_link"], again["join_link"]]


async def test_calls_start_errors(vk, emu) -> None:
    assert await vk.err("calls.start", group_id=GID + 1) == 15  # another community
    assert await vk.err("calls.start", group_id=-GID) == 100
    assert await vk.err("calls.start", group_id="abc") == 100
    assert emu.started_calls == []
