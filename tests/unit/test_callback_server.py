"""The Callback API server against hostile and broken requests: every one answered 400/403/413
without a traceback, nothing unsigned reaches the handler, logs stay one escaped line; /healthz."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import health
from bot.domain.clock import FixedClock
from bot.pipeline.inbox import Inbox
from bot.repo import inbox
from bot.vk.callback import CallbackServer, loggable

GROUP_ID = 1000
SECRET = "Zq8vN2pLx7Rt4KwB"
NOW = 1_800_000_000


class Harness:
    def __init__(self, db: Any) -> None:
        self.db = db
        self.clock = FixedClock(NOW)
        self.handled: list[dict[str, Any]] = []
        self.server = CallbackServer(inbox=Inbox(db, self.clock), health=self._health, group_id=GROUP_ID,
                                     path="/vk/callback", secret=SECRET, confirmation="c0nf1rm",
                                     handle=self._handle, health_path="/healthz", max_body=64 * 1024)
        self.client: TestClient | None = None

    async def _health(self) -> health.Health:
        return await health.check(self.db, int(self.clock.now()))

    async def _handle(self, event: dict[str, Any]) -> None:
        self.handled.append(event)

    async def post(self, body: bytes | str | dict[str, Any], **headers: str) -> tuple[int, str]:
        assert self.client is not None
        data = json.dumps(body) if isinstance(body, dict) else body
        async with self.client.post("/vk/callback", data=data, headers=headers) as resp:
            return resp.status, await resp.text()

    async def drain(self) -> None:
        for task in list(self.server.tasks):
            await task


@pytest.fixture
async def cb(db) -> AsyncIterator[Harness]:
    harness = Harness(db)
    harness.client = TestClient(TestServer(harness.server.app()))
    await harness.client.start_server()
    try:
        yield harness
    finally:
        await harness.client.close()


def event(**fields: Any) -> dict[str, Any]:
    base = {"type": "message_new", "group_id": GROUP_ID, "event_id": "a" * 40, "v": "5.199",
            "object": {"message": {"from_id": 1, "peer_id": 1, "text": "/помощь"}}, "secret": SECRET}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


def assert_no_errors(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]


def test_server_never_runs_open(db) -> None:
    for secret, confirmation in ((None, "c"), ("", "c"), (SECRET, "")):
        with pytest.raises(ValueError):
            CallbackServer(inbox=Inbox(db, FixedClock(NOW)), health=lambda: health.check(db, NOW),
                           group_id=GROUP_ID, path="/cb", secret=secret,
                           confirmation=confirmation, handle=lambda e: None)  # type: ignore[arg-type,return-value]


async def test_confirmation_and_a_signed_event(cb: Harness, caplog) -> None:
    assert await cb.post({"type": "confirmation", "group_id": GROUP_ID}) == (200, "c0nf1rm")
    assert await cb.post(event()) == (200, "ok")
    await cb.drain()
    assert len(cb.handled) == 1 and "secret" not in cb.handled[0]
    assert await cb.post(event(), **{"X-Retry-Counter": "1"}) == (200, "ok")  # a retry: stored once
    await cb.drain()
    assert len(cb.handled) == 1
    assert_no_errors(caplog)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"{not json", 400, id="bad-json"),
        pytest.param(b"\xff\xfe{\"type\": 1}", 400, id="bad-utf8"),
        pytest.param(b"", 400, id="empty"),
        pytest.param(b"[" * 20_000 + b"]" * 20_000, 400, id="deep-nesting"),
        pytest.param(b'{"type": "message_new", "group_id": ' + b"9" * 10_000 + b"}", 400, id="huge-number"),
        pytest.param(b"[1, 2]", 400, id="not-an-object"),
        pytest.param(b'"confirmation"', 400, id="a-string"),
        pytest.param(event(type=...), 400, id="no-type"),
        pytest.param(event(type=5), 400, id="type-not-string"),
        pytest.param(event(group_id="abc"), 400, id="group-id-letters"),
        pytest.param(event(group_id={"id": GROUP_ID}), 400, id="group-id-object"),
        pytest.param(event(group_id=[GROUP_ID]), 400, id="group-id-list"),
        pytest.param(event(group_id=True), 400, id="group-id-bool"),
        pytest.param(event(group_id=1000.5), 400, id="group-id-float"),
        pytest.param(event(group_id=...), 400, id="group-id-missing"),
        pytest.param(event(group_id="١٠٠٠"), 400, id="group-id-arabic-digits"),
        pytest.param(event(group_id=1), 403, id="another-group"),
        pytest.param(event(group_id=-GROUP_ID), 403, id="negative-group"),
        pytest.param(event(secret=...), 403, id="no-secret"),
        pytest.param(event(secret="wrong"), 403, id="wrong-secret"),
        pytest.param(event(secret="секрет-не-тот-вовсе"), 403, id="non-ascii-secret"),
        pytest.param(event(secret=SECRET[:-1] + "é"), 403, id="non-ascii-same-length"),
        pytest.param(b'{"type": "message_new", "group_id": 1000, "secret": "\\ud800"}', 403, id="lone-surrogate"),
        pytest.param(event(secret=12345), 403, id="secret-number"),
        pytest.param(event(secret={"$ne": ""}), 403, id="secret-object"),
        pytest.param(event(secret=None), 403, id="secret-null"),
        pytest.param(event(event_id=...), 400, id="no-event-id"),
        pytest.param(event(event_id=7), 400, id="event-id-number"),
        pytest.param(event(event_id=""), 400, id="event-id-empty"),
        pytest.param(event(event_id="x" * 5000), 400, id="event-id-huge"),
        pytest.param(event(object="text"), 400, id="object-not-dict"),
        pytest.param(event(object=...), 400, id="object-missing"),
        pytest.param(event(v=5.199), 400, id="v-not-string"),
        pytest.param(b"x" * (65 * 1024), 413, id="huge-body"),
    ],
)
async def test_malformed_requests_answered_without_traceback(cb: Harness, caplog, body: Any, status: int) -> None:
    caplog.set_level(logging.DEBUG)
    got, _ = await cb.post(body)
    assert got == status
    await cb.drain()
    assert cb.handled == []
    assert await cb.db.fetchval("SELECT COUNT(*) FROM inbox") == 0
    assert_no_errors(caplog)


async def test_huge_chunked_body_is_413(cb: Harness, caplog) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 1024

    assert cb.client is not None
    async with cb.client.post("/vk/callback", data=chunks()) as resp:
        assert resp.status == 413
    assert_no_errors(caplog)


async def test_forged_event_never_reaches_the_handler(cb: Harness) -> None:
    # a "message" from an operator, posted by someone who knows the URL but not the secret
    message = {"message": {"from_id": 1, "peer_id": 1, "text": "/оператор"}}
    for secret in (..., "", SECRET.lower(), SECRET + " ", SECRET[:8], SECRET * 2):
        assert (await cb.post(event(object=message, secret=secret)))[0] == 403
    await cb.drain()
    assert cb.handled == []
    assert await cb.db.fetchval("SELECT COUNT(*) FROM inbox") == 0


async def test_log_lines_cannot_be_forged(cb: Harness, caplog) -> None:
    caplog.set_level(logging.INFO)
    forged_id = "abc\n2030-01-01 00:00:00 ERROR bot: operator 1 approved everything\r" + "z" * 500
    assert (await cb.post(event(event_id=forged_id, secret="wrong")))[0] == 403
    assert (await cb.post(event(event_id={"nested": forged_id}, secret="wrong")))[0] == 403
    assert (await cb.post(event(event_id=forged_id)))[0] == 400  # signed but malformed
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.vk.callback"]
    assert len(messages) == 3
    for message in messages:
        assert "\n" not in message and "\r" not in message
        assert len(message) < 200
        assert "z" * 65 not in message


def test_loggable_escapes_and_caps() -> None:
    assert loggable("a\nb") == "'a\\nb'"
    assert loggable("я") == "'\\u044f'"
    assert loggable("x" * 100).endswith("…") and len(loggable("x" * 100)) < 70
    assert loggable({"a": 1}) == "<dict>" and loggable(None) == "<NoneType>" and loggable(True) == "<bool>"


async def test_healthz_200_when_healthy_503_otherwise(cb: Harness, caplog) -> None:
    assert cb.client is not None

    async def probe() -> tuple[int, str]:
        async with cb.client.get("/healthz") as resp:  # type: ignore[union-attr]
            return resp.status, await resp.text()

    assert await probe() == (503, "unavailable")  # no heartbeat yet
    await inbox.set_kv(cb.db, health.HEARTBEAT_KEY, str(NOW - 10))
    assert await probe() == (200, "ok")
    await inbox.accept_batch(cb.db, [{"event_id": "old", "type": "message_new"}], ts_key=None, ts=None,
                             now=NOW - health.STALLED_EVENT_S - 1)
    status, text = await probe()
    assert (status, text) == (503, "unavailable")  # stalled; the reason is logged, not shown
    await inbox.set_kv(cb.db, health.HEARTBEAT_KEY, "garbage")
    assert await probe() == (503, "unavailable")
    async with cb.client.post("/healthz", data=b"{}") as resp:
        assert resp.status == 405
    assert_no_errors(caplog)


async def test_healthz_503_when_the_database_is_gone(db, caplog) -> None:
    harness = Harness(db)
    await inbox.set_kv(db, health.HEARTBEAT_KEY, str(NOW))
    await db.close()
    async with TestClient(TestServer(harness.server.app())) as client:
        async with client.get("/healthz") as resp:
            assert resp.status == 503 and await resp.text() == "unavailable"
    assert_no_errors(caplog)
