"""vkbottle's typed API and bot polling parse vkemu's responses and events."""
from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

GID = 1000


async def test_vkbottle_api_parses_responses(emu, world):
    from vkbottle import API, VKAPIError
    from vkbottle_types.events.bot_events import MessageNew

    api = API("emu-token")
    api.API_URL = f"{emu.base_url}/method/"
    peer, anna = world["peer"], world["anna"]
    emu.rps_limit = None  # this test makes more than 20 calls in a second on purpose
    try:
        await _exercise_api(emu, api, peer, anna, world)
    finally:
        await api.http_client.close()


async def _exercise_api(emu, api, peer, anna, world):
    from vkbottle import VKAPIError
    from vkbottle_types.events.bot_events import MessageNew

    groups = await api.groups.get_by_id()
    assert groups.groups[0].id == GID
    [user] = await api.users.get(user_ids=[anna])
    assert user.first_name == "Анна"
    [item] = await api.messages.send(peer_ids=[peer], random_id=1, message="привет")
    assert item.conversation_message_id > 0 and item.message_id == 0
    assert await api.messages.send(peer_id=anna, random_id=2, message="лично") > 0
    settings = await api.groups.get_settings(group_id=GID)
    assert settings.bots_capabilities is True
    lp = await api.groups.get_long_poll_settings(group_id=GID)
    assert lp.is_enabled and lp.events.message_new
    perms = await api.groups.get_token_permissions()
    assert perms.mask > 0
    server = await api.groups.get_long_poll_server(group_id=GID)
    members = await api.messages.get_conversation_members(peer_id=peer)
    assert members.count == 4 and members.items[0].member_id == anna
    convs = await api.messages.get_conversations_by_id(peer_ids=[peer])
    assert convs.items[0].chat_settings.title == "5А родители"
    link = await api.messages.get_invite_link(peer_id=peer)
    assert link.link.startswith("https://vk.me/join/")
    pinned = await api.messages.pin(peer_id=peer, conversation_message_id=item.conversation_message_id)
    assert pinned.text == "привет"
    fetched = await api.messages.get_by_conversation_message_id(
        peer_id=peer, conversation_message_ids=[item.conversation_message_id])
    assert fetched.items[0].text == "привет"
    assert await api.messages.edit(peer_id=peer, conversation_message_id=item.conversation_message_id,
                                   message="изменено") == 1
    created = await api.messages.create_chat(user_ids=[anna], title="новый", group_id=GID)
    assert created.chat_id == 2
    upload = await api.docs.get_messages_upload_server(type="doc", peer_id=peer)
    form = aiohttp.FormData()
    form.add_field("file", b"a;b\n", filename="codes.csv")
    async with aiohttp.ClientSession() as session:
        async with session.post(upload.upload_url, data=form) as resp:
            file = (await resp.json())["file"]
    saved = await api.docs.save(file=file, title="codes.csv")
    assert saved.doc.ext == "csv"
    deleted = await api.messages.delete(peer_id=peer, cmids=[item.conversation_message_id],
                                        delete_for_all=True)
    assert deleted[0].response
    assert await api.messages.remove_chat_user(chat_id=peer - 2_000_000_000,
                                               member_id=world["vera"]) == 1
    with pytest.raises(VKAPIError[935]):
        await api.messages.remove_chat_user(chat_id=peer - 2_000_000_000, member_id=world["vera"])
    emu.set_bot_admin(peer, False)
    with pytest.raises(VKAPIError[917]) as info:
        await api.messages.get_conversation_members(peer_id=peer)
    assert info.value.error_msg == "You don't have access to this chat"
    # long poll events validate against vkbottle_types' MessageNew
    emu.user_message(peer, anna, "[club1000|Завуч] /правила", reply_to_cmid=1,
                     attachments=[{"type": "photo"}, {"type": "sticker"},
                                  {"type": "doc", "title": "a.txt", "content": b"x"}])
    async with aiohttp.ClientSession() as session:
        async with session.post(server.server, params={"act": "a_check", "key": server.key,
                                                       "ts": server.ts, "wait": "0"}) as resp:
            updates = (await resp.json())["updates"]
    events = [MessageNew.from_dict(u) for u in updates if u["type"] == "message_new"]
    assert events[-1].object.message.reply_message.conversation_message_id == 1
    assert events[-1].object.client_info.inline_keyboard


async def test_vkbottle_bot_polling_round_trip(emu, world, tmp_path, monkeypatch):
    from vkbottle import API, Bot
    from vkbottle.bot import Message, MessageEvent

    monkeypatch.chdir(tmp_path)  # BotPolling writes .vkbottle/ into the cwd
    api = API("emu-token")
    api.API_URL = f"{emu.base_url}/method/"
    bot = Bot(api=api)

    @bot.on.message(text="ping")
    async def ping(message: Message) -> None:
        kb = {"inline": True, "buttons": [[{"action": {"type": "callback", "label": "ok",
                                                       "payload": json.dumps({"b": 1})}}]]}
        await message.answer("pong", keyboard=json.dumps(kb))

    from vkbottle import GroupEventType

    @bot.on.raw_event(GroupEventType.MESSAGE_EVENT, dataclass=MessageEvent)
    async def pressed(event: MessageEvent) -> None:
        await event.show_snackbar("нажато")

    task = asyncio.create_task(bot.run_polling())
    try:
        await emu.wait_call("groups.getLongPollServer")
        await emu.wait_for(lambda: emu.longpoll.keys)
        emu.user_message(world["peer"], world["anna"], "ping")
        sent = await emu.wait_sent(world["peer"], contains="pong")
        emu.press_button(world["peer"], world["boris"], sent.cmid, {"b": 1})
        snack = await emu.wait_for(lambda: emu.snackbars)
        assert snack[0].event_data == {"type": "show_snackbar", "text": "нажато"}
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await api.http_client.close()
