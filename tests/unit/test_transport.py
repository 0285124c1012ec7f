"""The VK transport under VK's faults: LimitedAPI (timeouts, retries that never hold a limiter
slot) against a real vkemu, the rate limiter's priority lanes, and the health facts it records.

Back-offs go to an injected ``sleep``; nothing here waits on the wall clock for a condition
(conditions are awaited with ``asyncio.wait_for``), and the only time bounds are generous
ceilings on hangs that would otherwise last a minute.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from types import SimpleNamespace

import pytest

from bot.runtime.health import VK_OK_KEY, check
from bot.jobs import HEARTBEAT_KEY, heartbeat
from bot.repo import inbox
from bot.vk.api import LimitedAPI
from bot.vk.errors import VkUnavailable
from bot.vk.gateway import VkGateway
from bot.vk.lanes import Lane, current_lane, lane
from bot.vk.ratelimit import RateLimiter
from vkemu import Emulator

TOKEN = "tr-token"
GROUP_ID = 1000
CEILING = 30  # seconds: a bound for "eventually", far above what any of this needs


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(group_id=GROUP_ID, token=TOKEN, rps_limit=None)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


ApiFactory = Callable[..., LimitedAPI]


@pytest.fixture
async def make_api(emu: Emulator) -> AsyncIterator[ApiFactory]:
    apis: list[LimitedAPI] = []

    def factory(*, sleep: Callable[[float], Awaitable[None]] | None = None, attempts: int = 4,
                timeout: float = 10.0, limiter: RateLimiter | None = None) -> LimitedAPI:
        # a short period keeps 100+ requests fast; the lanes and slots behave the same
        api = LimitedAPI(TOKEN, api_url=emu.api_url, api_version="5.199",
                         limiter=limiter or RateLimiter(20, period=0.05, margin=0),
                         attempts=attempts, timeout=timeout, sleep=sleep or RecordingSleep())
        apis.append(api)
        return api

    yield factory
    for api in apis:
        await api.http_client.close()


def users_get(emu: Emulator) -> list:
    return [c for c in emu.calls if c.method == "users.get"]


# -- outages: no deadlock -------------------------------------------------------------


async def test_http_500_on_every_call_with_40_concurrent_requests_all_fail_then_recover(emu, make_api) -> None:
    # Regression: with HTTP 500 on every method and ~25 calls in flight, retries held limiter
    # slots; once 20 were held no request was ever made again.
    user = emu.add_user("Иван", "Петров")
    api = make_api(attempts=3)
    emu.http_fail_next("*", 500, times=10**6)
    results = await asyncio.wait_for(asyncio.gather(
        *(api.request("users.get", {"user_ids": user}) for _ in range(40)), return_exceptions=True),
        timeout=CEILING)
    assert all(isinstance(r, VkUnavailable) and r.code == 0 and "HTTP 500" in r.vk_message for r in results)
    assert emu.http_requests == 40 * 3
    assert api.last_success is None
    await asyncio.wait_for(api.limiter.wait_idle(), timeout=CEILING)
    assert api.limiter.available == 20 and api.limiter.in_flight == 0 and api.limiter.waiting() == 0
    emu.clear_faults()
    response = await asyncio.wait_for(api.request("users.get", {"user_ids": user}), timeout=CEILING)
    assert response["response"][0]["id"] == user
    assert api.last_success is not None


async def test_retries_asleep_hold_no_slot(emu, make_api) -> None:
    # 40 calls fail once and all sit in their back-off; a fresh call must still get through
    user = emu.add_user("Иван", "Петров")
    wake, all_asleep = asyncio.Event(), asyncio.Event()
    asleep = 0

    async def blocking_sleep(seconds: float) -> None:
        nonlocal asleep
        asleep += 1
        if asleep == 40:
            all_asleep.set()
        await wake.wait()

    api = make_api(sleep=blocking_sleep)
    emu.http_fail_next("users.get", 503, times=40)
    calls = [asyncio.create_task(api.request("users.get", {"user_ids": user})) for _ in range(40)]
    await asyncio.wait_for(all_asleep.wait(), timeout=CEILING)
    assert emu.http_requests == 40
    fresh = await asyncio.wait_for(api.request("users.get", {"user_ids": user}), timeout=CEILING)
    assert fresh["response"][0]["id"] == user
    wake.set()
    results = await asyncio.wait_for(asyncio.gather(*calls), timeout=CEILING)
    assert all(r["response"][0]["id"] == user for r in results)


@pytest.mark.parametrize("fault", ["drop", "http_502"])
async def test_transport_faults_are_retried(emu, make_api, fault) -> None:
    user = emu.add_user("Иван", "Петров")
    sleep = RecordingSleep()
    api = make_api(sleep=sleep)
    if fault == "drop":
        emu.drop_next("users.get", times=2)
    else:
        emu.http_fail_next("users.get", 502, times=2)
    response = await asyncio.wait_for(api.request("users.get", {"user_ids": user}), timeout=CEILING)
    assert response["response"][0]["id"] == user
    assert emu.http_requests == 3 and sleep.delays == [0.5, 1.0]


async def test_gateway_maps_a_lasting_outage_to_unavailable(emu, make_api) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    gateway = VkGateway(make_api(attempts=2), GROUP_ID)
    emu.drop_next("*", times=2)
    with pytest.raises(VkUnavailable) as caught:
        await asyncio.wait_for(gateway.send(user, "Собрание"), timeout=CEILING)
    assert caught.value.code == 0 and caught.value.method == "messages.send"
    assert emu.sent() == []


# -- timeouts ---------------------------------------------------------------------------


async def test_a_hang_past_the_timeout_is_abandoned_and_retried(emu, make_api) -> None:
    # Regression: a request hanging for 40 s kept an obscene message visible for 40 s.
    user = emu.add_user("Иван", "Петров")
    sleep = RecordingSleep()
    api = make_api(sleep=sleep, timeout=2.0)
    emu.hang_next("users.get", 60)
    response = await asyncio.wait_for(api.request("users.get", {"user_ids": user}), timeout=CEILING)
    assert response["response"][0]["id"] == user
    assert emu.http_requests >= 2 and sleep.delays[0] == 0.5  # given up on, then asked again
    assert len(sleep.delays) == emu.http_requests - 1


async def test_hangs_on_every_attempt_raise_unavailable(emu, make_api) -> None:
    api = make_api(attempts=2, timeout=0.5)
    emu.hang_next("*", 60, times=2)
    with pytest.raises(VkUnavailable) as caught:
        await asyncio.wait_for(api.request("users.get", {"user_ids": 1}), timeout=CEILING)
    assert caught.value.code == 0 and "Timeout" in caught.value.vk_message
    await asyncio.wait_for(api.limiter.wait_idle(), timeout=CEILING)


async def test_timeout_can_be_given_per_call(emu, make_api) -> None:
    user = emu.add_user("Иван", "Петров")
    api = make_api(attempts=1, timeout=0.2)
    emu.delay_next("users.get", 0.5)
    response = await asyncio.wait_for(api.request("users.get", {"user_ids": user}, timeout=20),
                                      timeout=CEILING)
    assert response["response"][0]["id"] == user


# -- VK errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "delays"), [(6, [0.5]), (9, [5.0]), (10, [0.5])])
async def test_vk_errors_6_9_10_retried_with_the_same_params(emu, make_api, code, delays) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    sleep = RecordingSleep()
    api = make_api(sleep=sleep)
    emu.fail_next("messages.send", code)
    params = {"peer_ids": str(user), "message": "Собрание в четверг", "random_id": 4242}
    response = await asyncio.wait_for(api.request("messages.send", params), timeout=CEILING)
    first, second = [c for c in emu.calls if c.method == "messages.send"]
    assert (first.error_code, second.error_code) == (code, None)
    assert first.params == second.params and second.params["random_id"] == "4242"
    assert sleep.delays == delays
    assert response["response"][0]["peer_id"] == user
    assert len(emu.sent(user)) == 1


async def test_other_vk_errors_are_raised_at_once_and_do_not_count_as_success(emu, make_api) -> None:
    from vkbottle.exception_factory import VKAPIError

    api = make_api()
    emu.fail_next("users.get", 100)
    with pytest.raises(VKAPIError) as caught:
        await api.request("users.get", {"user_ids": 1})
    assert caught.value.code == 100 and len(emu.calls) == 1
    assert api.last_success is None


async def test_invalid_utf8_in_an_answer_is_read_leniently(emu, make_api) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    emu.user_message_bytes(user, user, "привет ".encode() + b"\xff")
    api = make_api()
    response = await api.request("messages.getByConversationMessageId",
                                 {"peer_id": user, "conversation_message_ids": 1})
    assert response["response"]["items"][0]["text"].startswith("привет ")


async def test_a_lone_surrogate_in_params_is_sent_replaced(emu, make_api) -> None:
    user = emu.add_user("Иван", "Петров", allows_messages=True)
    api = make_api()
    await api.request("messages.send", {"peer_id": user, "message": "эхо \ud83d", "random_id": 1})
    assert emu.sent(user)[0].text == "эхо ?"


# -- lanes --------------------------------------------------------------------------------


async def test_lane_context_sets_and_restores_the_current_lane() -> None:
    assert current_lane.get() is Lane.NORMAL
    with lane(Lane.BULK):
        assert current_lane.get() is Lane.BULK
        with lane(Lane.URGENT):
            assert current_lane.get() is Lane.URGENT
        assert current_lane.get() is Lane.BULK
    assert current_lane.get() is Lane.NORMAL


class Holders:
    """Tasks that take a limiter slot, note the order they got it, and hold it until released."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter
        self.started: list[str] = []
        self.release = {which: asyncio.Event() for which in Lane}
        self.got: dict[str, asyncio.Event] = {}
        self.tasks: list[asyncio.Task[None]] = []

    def spawn(self, which: Lane, name: str, *, explicit: bool = False) -> None:
        got = self.got[name] = asyncio.Event()

        async def held() -> None:
            self.started.append(name)
            got.set()
            await self.release[which].wait()

        async def hold() -> None:
            if explicit:
                async with self.limiter.slot(which):
                    await held()
            else:
                with lane(which):  # taken from the context variable
                    async with self.limiter.slot():
                        await held()

        self.tasks.append(asyncio.create_task(hold()))

    async def settle(self) -> None:
        for _ in range(5):  # let every spawned task reach the limiter
            await asyncio.sleep(0)


async def test_bulk_never_takes_the_reserved_slots() -> None:
    limiter = RateLimiter(20, period=0.01, margin=0, bulk_spacing=0)  # the reserve alone, BULK not spread
    holders = Holders(limiter)
    for index in range(30):
        holders.spawn(Lane.BULK, f"bulk{index}")
    await holders.settle()
    assert len(holders.started) == 16 and limiter.reserve == 4
    assert limiter.waiting(Lane.BULK) == 14
    for index in range(4):
        holders.spawn(Lane.NORMAL, f"normal{index}")
    await holders.settle()
    assert holders.started[16:] == [f"normal{i}" for i in range(4)]
    for event in holders.release.values():
        event.set()
    await asyncio.wait_for(asyncio.gather(*holders.tasks), timeout=CEILING)
    await asyncio.wait_for(limiter.wait_idle(), timeout=CEILING)
    assert len(holders.started) == 34 and limiter.available == 20


async def test_urgent_enqueued_after_100_bulk_starts_before_them() -> None:
    limiter = RateLimiter(20, period=0.01, margin=0, bulk_spacing=0)  # lane order alone, BULK not spread
    holders = Holders(limiter)
    for index in range(100):
        holders.spawn(Lane.BULK, f"bulk{index}")
    for index in range(4):
        holders.spawn(Lane.NORMAL, f"normal{index}", explicit=True)  # the reserve is taken too
    await holders.settle()
    holders.spawn(Lane.NORMAL, "late-normal")
    holders.spawn(Lane.URGENT, "urgent")
    await holders.settle()
    assert "urgent" not in holders.started and len(holders.started) == 20  # all slots held
    holders.release[Lane.BULK].set()  # the 16 running bulk requests finish
    await asyncio.wait_for(holders.got["urgent"].wait(), timeout=CEILING)
    order = holders.started[20:]
    assert order[:2] == ["urgent", "late-normal"]  # before any of the 84 waiting bulk requests
    for event in holders.release.values():
        event.set()
    await asyncio.wait_for(asyncio.gather(*holders.tasks), timeout=CEILING)
    bulk_order = [name for name in holders.started if name.startswith("bulk")]
    assert bulk_order == [f"bulk{i}" for i in range(100)]  # each lane is first come, first served


async def test_bulk_requests_are_spread_over_the_period_and_urgent_ones_are_not() -> None:
    """BULK starts one request per ``period / (rate - reserve)``: its slots come free one by one,
    so a deletion never waits for a whole burst to cool down; URGENT is not spread."""
    limiter = RateLimiter(20, period=0.16, margin=0)
    assert limiter.bulk_spacing == pytest.approx(0.01)
    starts: dict[str, list[float]] = {"bulk": [], "urgent": []}

    async def one(kind: str, which: Lane) -> None:
        async with limiter.slot(which):
            starts[kind].append(time.monotonic())

    await asyncio.wait_for(asyncio.gather(*(one("bulk", Lane.BULK) for _ in range(8)),
                                          *(one("urgent", Lane.URGENT) for _ in range(8))), timeout=CEILING)
    bulk = sorted(starts["bulk"])
    assert all(b - a >= 0.0095 for a, b in zip(bulk, bulk[1:])), bulk
    urgent = starts["urgent"]
    assert max(urgent) - min(urgent) < 0.0095 * 7  # all at once: the slots were free


async def test_urgent_over_http_overtakes_a_bulk_backlog(emu, make_api) -> None:
    user = emu.add_user("Иван", "Петров")
    api = make_api(limiter=RateLimiter(20, period=0.5, margin=0))
    with lane(Lane.BULK):
        bulk = [asyncio.create_task(api.request("users.get", {"user_ids": user, "fields": f"b{i}"}))
                for i in range(100)]
    urgent = asyncio.create_task(api.request("users.get", {"user_ids": user, "fields": "urgent"},
                                             lane=Lane.URGENT))
    await asyncio.wait_for(asyncio.gather(urgent, *bulk), timeout=CEILING)
    order = [c.params["fields"] for c in users_get(emu)]
    assert order.index("urgent") <= 20  # among the first requests, not after 100 bulk ones


async def test_a_cancelled_waiter_leaks_no_slot() -> None:
    limiter = RateLimiter(2, period=0.01, margin=0)
    holders = Holders(limiter)
    holders.spawn(Lane.NORMAL, "a")
    holders.spawn(Lane.NORMAL, "b")
    holders.spawn(Lane.NORMAL, "c")
    await holders.settle()
    holders.tasks[2].cancel()
    holders.release[Lane.NORMAL].set()
    await asyncio.gather(*holders.tasks, return_exceptions=True)
    await asyncio.wait_for(limiter.wait_idle(), timeout=CEILING)
    assert limiter.available == 2 and limiter.waiting() == 0 and holders.started == ["a", "b"]


# -- health -------------------------------------------------------------------------------


async def test_heartbeat_records_the_last_successful_vk_call(emu, make_api, db) -> None:
    api = make_api()
    await api.request("groups.getById", {"group_id": GROUP_ID})
    app = SimpleNamespace(db=db, api=api, group_id=GROUP_ID)
    await heartbeat(app)
    assert int(await inbox.get_kv(db, VK_OK_KEY)) == int(api.last_success)
    assert (await check(db, int(time.time()))).ok


async def test_heartbeat_probes_a_quiet_vk_and_health_fails_when_vk_is_down(emu, make_api, db) -> None:
    api = make_api(attempts=1)
    app = SimpleNamespace(db=db, api=api, group_id=GROUP_ID)
    await heartbeat(app)  # nothing called VK yet: the heartbeat asks
    assert [c.method for c in emu.calls] == ["groups.getById"]
    assert await inbox.get_kv(db, VK_OK_KEY) is not None
    api.last_success = time.time() - 1000  # a long quiet spell, then VK goes down
    emu.http_fail_next("*", 500, times=10)
    await heartbeat(app)
    assert await inbox.get_kv(db, HEARTBEAT_KEY) is not None
    health = await check(db, int(time.time()))
    assert not health.ok and health.problem == "no successful VK call recently"


async def test_healthcheck_command_exits_1_with_the_problem(tmp_path, db, capsys) -> None:
    from bot.__main__ import _healthcheck
    from bot.config import load_settings

    await inbox.set_kv(db, HEARTBEAT_KEY, str(int(time.time())))
    await inbox.set_kv(db, VK_OK_KEY, str(int(time.time()) - 3600))
    settings = load_settings(None, db={"path": str(tmp_path / "test.db")})
    assert str(settings.db.path) == str(db.path)
    assert await _healthcheck(settings) == 1
    assert "no successful VK call recently" in capsys.readouterr().err
    await inbox.set_kv(db, VK_OK_KEY, str(int(time.time())))
    assert await _healthcheck(settings) == 0
    assert capsys.readouterr().out.strip() == "ok"


async def test_a_call_start_is_not_repeated_after_a_transport_failure(emu, make_api) -> None:
    """VK may have started the call although its answer never came: asking again would start a second one."""
    sleep = RecordingSleep()
    api = make_api(sleep=sleep, timeout=0.5)
    emu.hang_next("calls.start", 60)
    with pytest.raises(VkUnavailable):
        await asyncio.wait_for(api.request("calls.start", {"group_id": GROUP_ID}), timeout=CEILING)
    assert emu.http_requests == 1 and sleep.delays == []
    emu.http_fail_next("calls.start", 502)
    with pytest.raises(VkUnavailable):
        await asyncio.wait_for(api.request("calls.start", {"group_id": GROUP_ID}), timeout=CEILING)
    assert emu.http_requests == 2 and sleep.delays == []
