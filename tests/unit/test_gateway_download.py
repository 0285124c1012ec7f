"""VkGateway.download against a local aiohttp server: the whole body however it arrives, a
stated limit checked from Content-Length and while reading, cut bodies and bad statuses refused.

Regression (issue 9): ``resp.content.read(limit + 1)`` returned only what was buffered, so roster
files over ~100 KB were cut."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.vk.errors import VkFileTooLarge, VkUnavailable
from bot.vk.gateway import VkGateway

BODY = bytes(range(256)) * 1200  # 300 KB


async def streamed(request: web.Request) -> web.StreamResponse:
    """The body in 1 KB pieces, each flushed: the client's buffer never holds all of it."""
    resp = web.StreamResponse()
    if request.query.get("length"):
        resp.content_length = len(BODY)
    await resp.prepare(request)
    for start in range(0, len(BODY), 1024):
        await resp.write(BODY[start:start + 1024])
    await resp.write_eof()
    return resp


def declared_huge(sent: list[int]):
    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.content_length = 50 * 1024 * 1024
        await resp.prepare(request)
        for _ in range(50 * 1024):  # a client that reads it all would get 50 MB
            await resp.write(b"x" * 1024)
            sent.append(1024)
        return resp
    return handler


async def cut_short(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse()
    resp.content_length = len(BODY)
    await resp.prepare(request)
    await resp.write(BODY[:50_000])
    assert request.transport is not None
    request.transport.close()
    return resp


async def missing(request: web.Request) -> web.Response:
    return web.Response(status=404)


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[int]]]:
    sent: list[int] = []
    app = web.Application()
    app.router.add_get("/streamed", streamed)
    app.router.add_get("/huge", declared_huge(sent))
    app.router.add_get("/cut", cut_short)
    app.router.add_get("/missing", missing)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", sent
    finally:
        await runner.cleanup()


@pytest.fixture
def gateway() -> VkGateway:
    return VkGateway(None, 1000)  # type: ignore[arg-type] - download makes no API call


@pytest.mark.parametrize("query", ["", "?length=1"])
async def test_a_body_arriving_in_pieces_is_read_whole(server, gateway, query) -> None:
    base, _ = server
    assert await gateway.download(f"{base}/streamed{query}", limit=len(BODY)) == BODY


async def test_a_chunked_body_over_the_limit_is_refused_while_reading(server, gateway) -> None:
    base, _ = server
    with pytest.raises(VkFileTooLarge) as refused:
        await gateway.download(f"{base}/streamed", limit=len(BODY) - 1)
    assert refused.value.limit == len(BODY) - 1


async def test_a_declared_length_over_the_limit_is_refused_before_reading(server, gateway) -> None:
    base, sent = server
    with pytest.raises(VkFileTooLarge):
        await gateway.download(f"{base}/huge", limit=2 * 1024 * 1024)
    assert sum(sent) < 50 * 1024 * 1024  # the connection was dropped, not drained


async def test_a_body_cut_short_is_unavailable_not_a_shorter_file(server, gateway) -> None:
    base, _ = server
    with pytest.raises(VkUnavailable):
        await gateway.download(f"{base}/cut", limit=len(BODY))


async def test_a_bad_status_is_unavailable(server, gateway) -> None:
    base, _ = server
    with pytest.raises(VkUnavailable):
        await gateway.download(f"{base}/missing", limit=1024)
