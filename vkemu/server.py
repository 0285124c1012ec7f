"""aiohttp application: VK API endpoint, long poll server, upload server, file downloads."""
from __future__ import annotations

import asyncio
import codecs
import json
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from .control import setup_control
from .dispatch import handle_request
from .methods.docs import accept_upload

if TYPE_CHECKING:
    from .emulator import Emulator

EMU_KEY = web.AppKey("emu", object)


def emu_of(request: web.Request) -> Emulator:
    return request.app[EMU_KEY]  # type: ignore[return-value]


def _raw_surrogates(exc: UnicodeError) -> tuple[bytes, int]:
    """Encode error handler: a lone surrogate (a cut emoji) goes out as the bytes VK would send,
    not valid UTF-8 (surrogatepass); U+DC80..U+DCFF are raw bytes 0x80..0xFF (surrogateescape,
    see FaultsMixin.user_message_bytes)."""
    assert isinstance(exc, UnicodeEncodeError)
    out = bytearray()
    for char in exc.object[exc.start:exc.end]:
        point = ord(char)
        out += bytes([point - 0xDC00]) if 0xDC80 <= point <= 0xDCFF else char.encode("utf-8", "surrogatepass")
    return bytes(out), exc.end


codecs.register_error("vkemu-raw", _raw_surrogates)


def json_response(data: Any, status: int = 200, *, ascii_only: bool = False) -> web.Response:
    text = json.dumps(data, ensure_ascii=ascii_only)
    return web.Response(body=text.encode("utf-8", "vkemu-raw"), status=status,
                        content_type="application/json")


async def transport_fault(emu: Emulator, request: web.Request, method: str) -> web.Response | None:
    """An injected HTTP-level fault (see FaultsMixin.http_fail_next / drop_next / hang_next)."""
    fault = emu.take_transport_fault(method)
    if fault is None:
        return None
    emu._notify()
    kind, value = fault
    if kind == "hang":
        await emu.hang(value)
        return None  # then answered as usual
    status = int(value)
    if kind == "drop":
        assert request.transport is not None
        request.transport.close()  # the client sees the connection go away, no answer
        return web.Response(status=500)
    return web.Response(status=status, text=f"<html><body>{status} Bad Gateway</body></html>",
                        content_type="text/html")


async def _params(request: web.Request) -> dict[str, str]:
    raw: dict[str, str] = {k: v for k, v in request.query.items()}
    if request.method == "POST" and request.can_read_body:
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    return raw


async def handle_method(request: web.Request) -> web.Response:
    emu = emu_of(request)
    emu.http_requests += 1
    raw = await _params(request)  # VK has the request once it arrived: a hung one is still performed
    faulty = await transport_fault(emu, request, request.match_info["name"])
    if faulty is not None:
        return faulty
    token = raw.pop("access_token", None)
    return json_response(await handle_request(emu, request.match_info["name"], raw, token),
                         ascii_only=emu.ascii_json)


async def handle_longpoll(request: web.Request) -> web.Response:
    emu = emu_of(request)
    faulty = await transport_fault(emu, request, "longpoll")
    if faulty is not None:
        return faulty
    raw = await _params(request)
    if request.match_info["group_id"] != str(emu.group_id) or raw.get("act") != "a_check":
        return json_response({"failed": 2})
    try:
        wait = float(raw.get("wait", "25"))
    except ValueError:
        wait = 25.0
    return json_response(await emu.longpoll.check(raw.get("key"), raw.get("ts"), wait), ascii_only=emu.ascii_json)


async def handle_upload(request: web.Request) -> web.Response:
    emu = emu_of(request)
    filename, content = "", b""
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.name == "file":
                filename = part.filename or "file"
                content = await part.read(decode=False)
    if not content:
        result = {"error": "no_file", "error_descr": "multipart field 'file' is missing"}
    else:
        result = accept_upload(emu, request.match_info["token"], filename, bytes(content))
    emu._notify()
    return json_response(result)


async def handle_file(request: web.Request) -> web.Response:
    emu = emu_of(request)
    doc = emu.docs.get(int(request.match_info["doc_id"]))
    if doc is None:
        raise web.HTTPNotFound()
    return web.Response(body=doc.content, content_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{doc.id}.{doc.ext}"'})


def build_app(emu: Emulator) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[EMU_KEY] = emu
    app.router.add_route("*", "/method/{name}", handle_method)
    app.router.add_route("*", "/lp/{group_id}", handle_longpoll)
    app.router.add_post("/_emu/upload/{token}", handle_upload)
    app.router.add_get(r"/_emu/files/{doc_id:\d+}/{title}", handle_file)
    setup_control(app, emu)
    return app


async def start_server(emu: Emulator, host: str, port: int) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(build_app(emu), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server  # typed AbstractServer; TCPSite makes an asyncio.Server
    sockets = server.sockets if isinstance(server, asyncio.Server) else []
    actual = sockets[0].getsockname()[1] if sockets else port
    return runner, f"http://{host}:{actual}"
