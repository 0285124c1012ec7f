"""groups.* Callback API methods: servers, their settings and the confirmation code, in VK's shapes."""
from __future__ import annotations

from vkemu.methods.callback_api import callback_api

GID = 1000


async def test_add_then_list_servers_in_vk_shape(vk) -> None:
    assert await vk.ok("groups.getCallbackServers", group_id=GID) == {"count": 0, "items": []}
    added = await vk.ok("groups.addCallbackServer", group_id=GID, url="https://bot.example.ru/vk",
                        title="Завуч", secret_key="k" * 16)
    assert added == {"server_id": 1}
    servers = await vk.ok("groups.getCallbackServers", group_id=GID)
    assert servers == {"count": 1, "items": [{"id": 1, "title": "Завуч", "creator_id": 0,
                                              "url": "https://bot.example.ru/vk", "secret_key": "k" * 16,
                                              "status": "unconfigured"}]}
    await vk.ok("groups.addCallbackServer", group_id=GID, url="https://other.example.ru/", title="Другой")
    only = await vk.ok("groups.getCallbackServers", group_id=GID, server_ids="2")
    assert [s["id"] for s in only["items"]] == [2] and only["count"] == 1


async def test_callback_settings_round_trip(vk) -> None:
    server_id = (await vk.ok("groups.addCallbackServer", group_id=GID, url="https://b.ru/cb", title="b"))["server_id"]
    got = await vk.ok("groups.getCallbackSettings", group_id=GID, server_id=server_id)
    assert set(got) == {"api_version", "events"}
    assert got["events"]["message_new"] == 0 and "message_event" in got["events"]
    assert await vk.ok("groups.setCallbackSettings", group_id=GID, server_id=server_id, api_version="5.131",
                       message_new=1, message_event=1) == 1
    got = await vk.ok("groups.getCallbackSettings", group_id=GID, server_id=server_id)
    assert got["api_version"] == "5.131"
    assert got["events"]["message_new"] == 1 and got["events"]["message_event"] == 1
    assert got["events"]["wall_post_new"] == 0


async def test_callback_method_errors(vk, emu) -> None:
    assert await vk.err("groups.getCallbackSettings", group_id=GID, server_id=99) == 100
    assert await vk.err("groups.getCallbackServers", group_id=GID + 1) == 15
    assert await vk.err("groups.addCallbackServer", group_id=GID, url="https://b.ru", title="x" * 15) == 100
    assert await vk.err("groups.addCallbackServer", group_id=GID, title="t") == 100  # no url
    assert await vk.err("groups.setCallbackSettings", group_id=GID, server_id=1, message_new=1) == 100
    for n in range(10):
        await vk.ok("groups.addCallbackServer", group_id=GID, url=f"https://b.ru/{n}", title=str(n))
    assert await vk.err("groups.addCallbackServer", group_id=GID, url="https://b.ru/x", title="x") == 2000
    emu.token_permissions.discard("manage")
    assert await vk.err("groups.getCallbackServers", group_id=GID) == 15


async def test_confirmation_code_and_status_set_by_tests(vk, emu) -> None:
    state = callback_api(emu)
    code = (await vk.ok("groups.getCallbackConfirmationCode", group_id=GID))["code"]
    assert code == state.confirmation_code and len(code) == 8
    state.add("https://b.ru/cb", "b", status="ok")
    assert (await vk.ok("groups.getCallbackServers", group_id=GID))["items"][0]["status"] == "ok"
