"""VkGateway and LimitedAPI against a real vkemu over HTTP: error mapping, retries with back-off,
the rate limiter as VK measures it, execute batching and the document upload round trip.

Retry delays go to an injected ``sleep`` that records them, so nothing here waits for a
back-off; only the rate-limiter test spends real time (that is what it measures).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.vk.api import LimitedAPI
from bot.vk.errors import (
    VkAuthError, VkCannotDelete, VkCannotMessage, VkNoChatRights, VkTooLong, VkUnavailable, VkUserNotInChat,
)
from bot.vk.gateway import MAX_TEXT, BatchCall, VkGateway, chat_id_of
from bot.vk.ratelimit import RateLimiter
from vkemu import Emulator

TOKEN = "gw-token"
GROUP_ID = 1000


class RecordingSleep:
    """Stands in for asyncio.sleep in LimitedAPI: records each back-off, returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(group_id=GROUP_ID, token=TOKEN, rps_limit=20)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


GatewayFactory = Callable[..., Awaitable[VkGateway]]


@pytest.fixture
async def make_gateway(emu: Emulator) -> AsyncIterator[GatewayFactory]:
    apis: list[LimitedAPI] = []

    async def factory(*, token: str = TOKEN, sleep: RecordingSleep | None = None, attempts: int = 4) -> VkGateway:
        api = LimitedAPI(token, api_url=emu.api_url, api_version="5.199", limiter=RateLimiter(20),
                         attempts=attempts, sleep=sleep or RecordingSleep())
        apis.append(api)
        return VkGateway(api, GROUP_ID)

    yield factory
    for api in apis:
        await api.http_client.close()


@pytest.fixture
async def gateway(make_gateway: GatewayFactory) -> VkGateway:
    return await make_gateway()


def calls_of(emu: Emulator, method: str) -> list:
    return [c for c in emu.calls if c.method == method]


# -- error mapping ----------------------------------------------------------------------


async def test_invalid_token_is_an_auth_error(emu, make_gateway) -> None:
    gateway = await make_gateway(token="revoked-token")
    with pytest.raises(VkAuthError) as caught:
        await gateway.call("users.get", user_ids="1")
    assert caught.value.code == 5 and caught.value.method == "users.get"


async def test_user_who_never_allowed_messages_is_cannot_message(emu, gateway) -> None:
    silent = emu.add_user("Пётр", "Молчунов", allows_messages=False)
    with pytest.raises(VkCannotMessage) as caught:
        await gateway.send(silent, "Здравствуйте")
    assert caught.value.code == 901
    assert emu.sent(silent) == []


async def test_members_of_a_chat_where_bot_is_not_admin_is_no_rights_917(emu, gateway) -> None:
    owner = emu.add_user("Анна", "Учителева", allows_messages=True)
    peer = emu.create_chat("5А родители", owner, with_bot=True, bot_admin=False)
    with pytest.raises(VkNoChatRights) as caught:
        await gateway.get_members(peer)
    assert caught.value.code == 917


async def test_kick_without_admin_rights_is_no_rights_925(emu, gateway) -> None:
    owner = emu.add_user("Анна", "Учителева", allows_messages=True)
    member = emu.add_user("Иван", "Петров")
    peer = emu.create_chat("5А родители", owner, [member], with_bot=True, bot_admin=False)
    with pytest.raises(VkNoChatRights) as caught:
        await gateway.remove_chat_user(peer, member)
    assert caught.value.code == 925
    assert member in emu.chat(peer).members


async def test_kick_of_someone_not_in_the_chat_is_user_not_in_chat_935(emu, gateway) -> None:
    owner = emu.add_user("Анна", "Учителева", allows_messages=True)
    stranger = emu.add_user("Иван", "Петров")
    peer = emu.create_chat("5А родители", owner, with_bot=True, bot_admin=True)
    with pytest.raises(VkUserNotInChat) as caught:
        await gateway.remove_chat_user(peer, stranger)
    assert caught.value.code == 935


async def test_delete_refused_for_all_is_cannot_delete_924(emu, gateway) -> None:
    owner = emu.add_user("Анна", "Учителева", allows_messages=True)
    peer = emu.create_chat("Учителя", owner, with_bot=True, bot_admin=True)
    emu.fail_next("messages.delete", 924)
    with pytest.raises(VkCannotDelete) as caught:
        await gateway.delete_for_all(peer, [1])
    assert caught.value.code == 924
    # per-message refusals (the owner's message when the community does not own the chat)
    # come back as items of a successful answer, with VK's code for the caller to act on
    cmid = emu.user_message(peer, owner, "Сообщение владельца")
    [item] = await gateway.delete_for_all(peer, [cmid])
    assert item["response"] == 0 and item["error"]["code"] == 924
    assert not emu.history(peer)[-1].deleted_for_all


async def test_too_long_from_vk_is_too_long_914(emu, gateway) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    emu.fail_next("messages.send", 914)
    with pytest.raises(VkTooLong) as caught:
        await gateway.send(user, "короткий текст")
    assert caught.value.code == 914


async def test_send_splits_long_text_into_parts_within_vk_limit(emu, gateway) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    lines = [f"{i:04d} " + "ж" * 95 for i in range(100)]  # 100 lines of 100 chars ≈ 10 100 chars
    text = "\n".join(lines)
    keyboard = '{"inline":true,"buttons":[]}'
    sent = await gateway.send(user, text, keyboard=keyboard)
    parts = emu.sent(user)
    assert len(parts) == 3
    assert all(len(p.text) <= MAX_TEXT for p in parts)
    assert "\n".join(p.text for p in parts) == text  # split on line breaks, nothing lost
    assert not any(c.error_code == 914 for c in calls_of(emu, "messages.send"))
    assert len({p.random_id for p in parts}) == 3  # distinct messages, distinct random ids
    assert [p.keyboard is not None for p in parts] == [False, False, True]  # buttons under the last part
    assert sent.cmid == parts[-1].cmid


# -- retries ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [6, 10])
async def test_transient_error_is_retried_with_the_same_random_id(emu, make_gateway, code) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    sleep = RecordingSleep()
    gateway = await make_gateway(sleep=sleep)
    emu.fail_next("messages.send", code, times=2)
    sent = await gateway.send(user, "Собрание в четверг")
    attempts = calls_of(emu, "messages.send")
    assert [c.error_code for c in attempts] == [code, code, None]
    assert len({c.params["random_id"] for c in attempts}) == 1
    assert [m.text for m in emu.sent(user)] == ["Собрание в четверг"]
    assert sent.cmid == emu.sent(user)[0].cmid
    assert sleep.delays == [0.5, 1.0]  # doubling back-off


async def test_flood_control_backs_off_longer(emu, make_gateway) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    sleep = RecordingSleep()
    gateway = await make_gateway(sleep=sleep)
    emu.fail_next("messages.send", 9, times=2)
    await gateway.send(user, "Собрание в четверг")
    assert [c.error_code for c in calls_of(emu, "messages.send")] == [9, 9, None]
    assert len(emu.sent(user)) == 1
    assert sleep.delays == [5.0, 10.0]
    assert min(sleep.delays) > 1.0  # longer than any back-off for 6/10


@pytest.mark.parametrize("code", [6, 9, 10])
async def test_persistent_failure_becomes_unavailable(emu, make_gateway, code) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    sleep = RecordingSleep()
    gateway = await make_gateway(sleep=sleep, attempts=4)
    emu.fail_next("messages.send", code, times=4)
    with pytest.raises(VkUnavailable) as caught:
        await gateway.send(user, "Собрание в четверг")
    assert caught.value.code == code
    assert len(calls_of(emu, "messages.send")) == 4
    assert len(sleep.delays) == 3
    assert emu.sent(user) == []
    await gateway.send(user, "Собрание в четверг")  # the faults are used up: works again
    assert len(emu.sent(user)) == 1


async def test_other_errors_are_not_retried(emu, make_gateway) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    sleep = RecordingSleep()
    gateway = await make_gateway(sleep=sleep)
    emu.fail_next("messages.send", 901)
    with pytest.raises(VkCannotMessage):
        await gateway.send(user, "x")
    assert len(calls_of(emu, "messages.send")) == 1 and sleep.delays == []


# -- rate limit -------------------------------------------------------------------------


async def test_sixty_concurrent_calls_never_exceed_twenty_per_second(emu, gateway) -> None:
    # Regression: the limiter used to free a slot one period after the request *started*; when a
    # request's arrival lagged (a busy loop or network) its successor on the slot landed within
    # VK's one-second window and vkemu answered 6. Now a slot is freed a period after the response.
    user = emu.add_user("Иван", "Петров")
    results = await asyncio.wait_for(
        asyncio.gather(*(gateway.call("users.get", user_ids=str(user)) for _ in range(60))), timeout=15)
    assert all(r[0]["id"] == user for r in results)
    calls = calls_of(emu, "users.get")
    assert len(calls) == 60  # no retries were needed
    assert [c for c in emu.calls if c.error_code == 6] == []
    arrivals = sorted(c.at for c in calls)
    # vkemu's window, as VK's: arrivals within the last second, (t - 1, t]
    busiest = max(sum(1 for a in arrivals if t - 1.0 < a <= t) for t in arrivals)
    assert busiest <= 20
    assert arrivals[-1] - arrivals[0] >= 2.0  # 60 calls at ≤ 20/s need at least two more seconds
    assert gateway.api.limiter.peak_in_flight <= 20


# -- execute batching -------------------------------------------------------------------


async def test_thirty_kicks_run_as_two_execute_requests_with_per_call_errors(emu, gateway) -> None:
    owner = emu.add_user("Анна", "Учителева", allows_messages=True)
    members = [emu.add_user("Ученик", f"Номер{i}") for i in range(27)]
    strangers = [emu.add_user("Чужой", f"Номер{i}") for i in range(3)]
    peer = emu.create_chat("5А ученики", owner, members, with_bot=True, bot_admin=True)
    targets = members[:12] + [strangers[0]] + members[12:] + strangers[1:]  # failures in both chunks
    calls = [BatchCall("messages.removeChatUser", {"chat_id": chat_id_of(peer), "member_id": m}) for m in targets]
    requests_before = emu.http_requests

    results = await gateway.execute(calls)

    assert emu.http_requests - requests_before == 2
    assert len(calls_of(emu, "execute")) == 2
    assert len([c for c in emu.calls if c.in_execute]) == 30
    assert [r.call for r in results] == calls  # one result per call, in order
    failed = {r.call.params["member_id"]: r.error for r in results if not r.ok}
    assert set(failed) == set(strangers)
    assert all(isinstance(e, VkUserNotInChat) and e.code == 935 for e in failed.values())
    assert all(r.response == 1 for r in results if r.ok)
    remaining = set(emu.chat(peer).members)
    assert not remaining & set(members)
    assert owner in remaining


async def test_execute_maps_other_errors_per_call(emu, gateway) -> None:
    owner = emu.add_user("Анна", "Учителева", allows_messages=True)
    member = emu.add_user("Иван", "Петров")
    peer = emu.create_chat("5А ученики", owner, [member], with_bot=True, bot_admin=False)
    results = await gateway.execute([BatchCall("messages.removeChatUser",
                                               {"chat_id": chat_id_of(peer), "member_id": member})])
    [result] = results
    assert not result.ok and isinstance(result.error, VkNoChatRights) and result.error.code == 925


# -- documents --------------------------------------------------------------------------


async def test_upload_doc_round_trip(emu, gateway) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    emu.user_message(user, user, "/коды 5А")  # a private dialog exists, as when staff asks
    content = "ФИО;Код\r\nИванов Пётр;K7QM-4RTD\r\n".encode("utf-8-sig")
    attachment = await gateway.upload_doc(user, "kody-5А.csv", content)
    assert attachment.startswith(f"doc-{GROUP_ID}_")
    assert emu.doc_bytes(attachment) == content
    await gateway.send(user, "Коды класса", attachment=attachment)
    [message] = emu.sent(user)
    assert message.attachment == attachment
    assert [c.method for c in emu.calls if c.method.startswith("docs.")] == [
        "docs.getMessagesUploadServer", "docs.save"]
