"""createChat, removeChatUser, invite links, members, conversations, editChat, pin, restrictions."""
from __future__ import annotations

import pytest

GID = 1000


async def test_create_chat(emu, vk, world):
    stranger = emu.add_user("Гость", "Без", allows_messages=False)
    resp = await vk.ok("messages.createChat", user_ids=f"{world['anna']},{stranger}",
                       title="5А ученики", group_id=GID)
    assert resp["peer_ids"] == [world["anna"]]
    chat = emu.chat(2_000_000_000 + resp["chat_id"])
    assert chat.owner_id == -GID and chat.bot_is_admin and set(chat.members) == {-GID, world["anna"]}
    assert chat.history[0].action == {"type": "chat_create", "text": "5А ученики"}
    assert await vk.err("messages.createChat", user_ids="424242", title="x") == 936
    assert await vk.err("messages.createChat", user_ids=str(stranger), title="x") == 936
    assert await vk.err("messages.createChat", user_ids=str(world["anna"])) == 100


async def test_remove_chat_user(emu, vk, world):
    peer, chat_id = world["peer"], world["peer"] - 2_000_000_000
    mark = len(emu.calls)
    assert await vk.ok("messages.removeChatUser", chat_id=chat_id, member_id=world["vera"]) == 1
    chat = emu.chat(peer)
    assert world["vera"] not in chat.members
    assert chat.history[-1].action == {"type": "chat_kick_user", "member_id": world["vera"]}
    assert chat.history[-1].from_id == -GID
    assert await vk.err("messages.removeChatUser", chat_id=chat_id, member_id=world["vera"]) == 935
    assert await vk.err("messages.removeChatUser", chat_id=chat_id, member_id=world["anna"]) == 15
    emu.set_bot_admin(peer, False)
    assert await vk.err("messages.removeChatUser", chat_id=chat_id, member_id=world["boris"]) == 925
    assert await vk.err("messages.removeChatUser", chat_id=99, member_id=world["boris"]) == 927
    assert [c.method for c in emu.calls[mark:]].count("messages.removeChatUser") == 5


async def test_invite_link(emu, vk, world):
    peer = world["peer"]
    link = (await vk.ok("messages.getInviteLink", peer_id=peer))["link"]
    assert link.startswith("https://vk.me/join/")
    assert (await vk.ok("messages.getInviteLink", peer_id=peer))["link"] == link
    new = (await vk.ok("messages.getInviteLink", peer_id=peer, reset=1))["link"]
    assert new != link
    with pytest.raises(ValueError):
        emu.join_by_link(peer, emu.add_user("Д", "Е"), link=link)
    emu.set_bot_admin(peer, False)
    assert await vk.err("messages.getInviteLink", peer_id=peer) == 919


async def test_conversation_members(emu, vk, world):
    peer = world["peer"]
    resp = await vk.ok("messages.getConversationMembers", peer_id=peer)
    assert resp["count"] == 4
    by_id = {item["member_id"]: item for item in resp["items"]}
    assert by_id[world["anna"]]["is_owner"] and not by_id[world["anna"]]["can_kick"]
    assert by_id[world["boris"]]["can_kick"] and by_id[world["boris"]]["invited_by"] == world["anna"]
    assert by_id[-GID]["is_admin"]
    assert {p["id"] for p in resp["profiles"]} == {world["anna"], world["boris"], world["vera"]}
    page = await vk.ok("messages.getConversationMembers", peer_id=peer, offset=1, count=2)
    assert len(page["items"]) == 2 and page["count"] == 4
    emu.set_bot_admin(peer, False)
    assert await vk.err("messages.getConversationMembers", peer_id=peer) == 917


async def test_conversations_by_id(emu, vk, world):
    outsider = emu.create_chat("без бота", world["anna"])
    resp = await vk.ok("messages.getConversationsById", peer_ids=f"{world['peer']},{outsider}")
    assert resp["count"] == 1
    settings = resp["items"][0]["chat_settings"]
    assert settings["title"] == "5А родители" and settings["owner_id"] == world["anna"]
    assert -GID in settings["admin_ids"] and settings["members_count"] == 4
    assert resp["items"][0]["peer"] == {"id": world["peer"], "type": "chat", "local_id": 1}


async def test_edit_chat_and_pin(emu, vk, world):
    peer = world["peer"]
    chat_id = peer - 2_000_000_000
    assert await vk.ok("messages.editChat", chat_id=chat_id, title="5Б родители") == 1
    assert emu.chat(peer).title == "5Б родители"
    assert emu.chat(peer).history[-1].action["type"] == "chat_title_update"
    [item] = await vk.ok("messages.send", peer_ids=peer, random_id=0, message="Правила")
    pinned = await vk.ok("messages.pin", peer_id=peer,
                         conversation_message_id=item["conversation_message_id"])
    assert pinned["text"] == "Правила" and emu.chat(peer).pinned_cmid == item["conversation_message_id"]
    assert emu.chat(peer).history[-1].action["type"] == "chat_pin_message"
    assert await vk.err("messages.pin", peer_id=peer, conversation_message_id=1) == 980
    assert await vk.ok("messages.unpin", peer_id=peer) == 1
    assert emu.chat(peer).pinned_cmid is None
    emu.set_bot_admin(peer, False)
    assert await vk.err("messages.editChat", chat_id=chat_id, title="x") == 925
    assert await vk.err("messages.pin", peer_id=peer, conversation_message_id=1) == 925


async def test_restrictions(emu, vk, world):
    peer = world["peer"]
    resp = await vk.ok("messages.changeConversationMemberRestrictions", peer_id=peer,
                       member_ids=f"{world['boris']},{world['anna']}", action="ro", **{"for": 3600})
    assert resp == {"failed_member_ids": [world["anna"]]}
    with pytest.raises(ValueError):
        emu.user_message(peer, world["boris"], "можно?")
    base = emu.wall_clock()
    emu.wall_clock = lambda: base + 3601
    emu.user_message(peer, world["boris"], "срок вышел")
    emu.restrictions_supported = False
    assert await vk.err("messages.changeConversationMemberRestrictions", peer_id=peer,
                        member_ids=world["boris"], action="ro") == 15


async def test_user_side_helpers(emu, world):
    peer = world["peer"]
    with pytest.raises(ValueError):
        emu.user_message(peer, emu.add_user("Не", "Участник"), "привет")
    newbie = emu.add_user("Новый", "Родитель")
    emu.join_by_link(peer, newbie)
    assert emu.chat(peer).members[newbie].invited_by == newbie
    other = emu.add_user("Ещё", "Один")
    emu.invite_user(peer, world["anna"], other)
    emu.leave(peer, other)
    actions = [m.action["type"] for m in emu.chat(peer).history[-3:]]
    assert actions == ["chat_invite_user_by_link", "chat_invite_user", "chat_kick_user"]
