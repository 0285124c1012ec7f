"""messages.isMessagesFromGroupAllowed as VK documents it (schema 5.199): group_id and user_id
required (≥ 1), {is_allowed: 0|1}; a community token asks about its own community only."""
from __future__ import annotations

from tests.vkemu.conftest import GID


async def test_is_allowed_follows_the_users_choice(emu, vk, world):
    assert await vk.ok("messages.isMessagesFromGroupAllowed", group_id=GID, user_id=world["anna"]) == {"is_allowed": 1}
    assert await vk.ok("messages.isMessagesFromGroupAllowed", group_id=GID, user_id=world["vera"]) == {"is_allowed": 0}
    # writing to the community allows its messages
    emu.user_message(world["vera"], world["vera"], "здравствуйте")
    assert await vk.ok("messages.isMessagesFromGroupAllowed", group_id=GID, user_id=world["vera"]) == {"is_allowed": 1}
    emu.allow_messages(world["anna"], False)
    assert await vk.ok("messages.isMessagesFromGroupAllowed", group_id=GID, user_id=world["anna"]) == {"is_allowed": 0}
    assert await vk.ok("messages.isMessagesFromGroupAllowed", group_id=GID, user_id=987654) == {"is_allowed": 0}


async def test_is_allowed_parameters(vk, world):
    assert await vk.err("messages.isMessagesFromGroupAllowed", user_id=world["anna"]) == 100
    assert await vk.err("messages.isMessagesFromGroupAllowed", group_id=GID) == 100
    assert await vk.err("messages.isMessagesFromGroupAllowed", group_id=0, user_id=world["anna"]) == 100
    assert await vk.err("messages.isMessagesFromGroupAllowed", group_id=GID, user_id=0) == 100
    assert await vk.err("messages.isMessagesFromGroupAllowed", group_id=GID + 1, user_id=world["anna"]) == 15
