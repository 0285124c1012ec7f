"""HTTP control API under /_emu/ (not part of VK): drive and inspect the emulator."""
from __future__ import annotations

import base64
import dataclasses
import json
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from aiohttp import web

if TYPE_CHECKING:
    from .emulator import Emulator

_dumps = partial(json.dumps, ensure_ascii=False, default=str)


def _ok(data: Any = None) -> web.Response:
    return web.json_response({"ok": True, **(data or {})}, dumps=_dumps)


def _attachments(specs: list[dict] | None) -> list[dict] | None:
    if specs is None:
        return None
    result = []
    for spec in specs:
        spec = dict(spec)
        if "content_b64" in spec:
            spec["content"] = base64.b64decode(spec.pop("content_b64"))
        result.append(spec)
    return result


def dump_state(emu: Emulator) -> dict[str, Any]:
    asdict = dataclasses.asdict
    return {
        "group": {"id": emu.group_id, "name": emu.group_name, "screen_name": emu.screen_name,
                  "bot_features": emu.bot_features, "bots_add_to_chat": emu.bots_add_to_chat,
                  "restrictions_supported": emu.restrictions_supported},
        "longpoll": {**emu.longpoll.settings(), "next_ts": emu.longpoll.next_ts},
        "users": [asdict(u) for u in emu.users.values()],
        "chats": [{"peer_id": c.peer_id, "chat_id": c.chat_id, "title": c.title,
                   "owner_id": c.owner_id, "bot_is_member": c.bot_is_member,
                   "bot_is_admin": c.bot_is_admin, "invite_link": c.invite_link,
                   "pinned_cmid": c.pinned_cmid, "restrictions": c.restrictions,
                   "members": [asdict(m) for m in c.members.values()],
                   "history": [asdict(m) for m in c.history]} for c in emu.chats.values()],
        "dialogs": [{"peer_id": d.peer_id, "history": [asdict(m) for m in d.history]}
                    for d in emu.dialogs.values()],
        "sent_count": len(emu.sent()),
        "calls_count": len(emu.calls),
        "http_requests": emu.http_requests,
        "snackbars": [asdict(s) for s in emu.snackbars],
    }


def setup_control(app: web.Application, emu: Emulator) -> None:
    def post(path: str, action: Callable[[dict], dict | None]) -> None:
        async def handler(request: web.Request) -> web.Response:
            try:
                body = await request.json() if request.can_read_body else {}
                return _ok(action(body or {}))
            except (ValueError, KeyError, TypeError) as exc:
                return web.json_response({"ok": False, "error": str(exc)}, status=400, dumps=_dumps)

        app.router.add_post(f"/_emu/{path}", handler)

    post("users", lambda b: {"user_id": emu.add_user(
        b["first_name"], b["last_name"], allows_messages=b.get("allows_messages", False),
        user_id=b.get("user_id"), screen_name=b.get("screen_name", ""))})
    post("allow_messages", lambda b: emu.allow_messages(b["user_id"], b.get("allowed", True)))
    post("chats", lambda b: {"peer_id": emu.create_chat(
        b["title"], b["owner_id"], b.get("member_ids", ()), with_bot=b.get("with_bot", False),
        bot_admin=b.get("bot_admin", False))})
    post("add_bot", lambda b: emu.add_bot_to_chat(b["peer_id"], b["by_user_id"]))
    post("remove_bot", lambda b: {"cmid": emu.remove_bot(b["peer_id"], b["by_user_id"])})
    post("set_admin", lambda b: emu.set_user_admin(b["peer_id"], b["user_id"], b["is_admin"])
         if "user_id" in b else emu.set_bot_admin(b["peer_id"], b["is_admin"]))
    post("message", lambda b: {"cmid": emu.user_message(
        b["peer_id"], b["from_id"], b.get("text", ""), reply_to_cmid=b.get("reply_to_cmid"),
        attachments=_attachments(b.get("attachments")), payload=b.get("payload"))})
    post("join", lambda b: {"cmid": emu.join_by_link(b["peer_id"], b["user_id"], b.get("link"))})
    post("invite", lambda b: {"cmid": emu.invite_user(b["peer_id"], b["by_user_id"], b["user_id"])})
    post("leave", lambda b: {"cmid": emu.leave(b["peer_id"], b["user_id"])})
    post("kick", lambda b: {"cmid": emu.kick(b["peer_id"], b["by_user_id"], b["user_id"])})
    post("press", lambda b: {"event_id": emu.press_button(
        b["peer_id"], b["user_id"], b["cmid"], b["payload"])})
    post("fail", lambda b: emu.fail_next(b["method"], b["code"], b.get("times", 1), b.get("msg")))
    post("delay", lambda b: emu.delay_next(b["method"], b["seconds"], b.get("times", 1)))
    post("http_fail", lambda b: emu.http_fail_next(b["method"], b.get("status", 500), b.get("times", 1)))
    post("drop", lambda b: emu.drop_next(b["method"], b.get("times", 1)))
    post("longpoll_fail", lambda b: emu.longpoll_fail_next(b["failed"]))
    post("hang", lambda b: emu.hang_next(b["method"], b["seconds"], b.get("times", 1)))
    post("clear_faults", lambda b: emu.clear_faults())
    post("raw_update", lambda b: {"event_id": emu.raw_update(b["type"], b["object"])["event_id"]})
    post("message_bytes", lambda b: {"cmid": emu.user_message_bytes(
        b["peer_id"], b["from_id"], base64.b64decode(b["text_b64"]))})
    post("settings", lambda b: _settings(emu, b))

    async def state(request: web.Request) -> web.Response:
        return web.json_response(dump_state(emu), dumps=_dumps)

    async def sent(request: web.Request) -> web.Response:
        peer = request.query.get("peer_id")
        messages = emu.sent(int(peer) if peer else None)
        return web.json_response([dataclasses.asdict(m) for m in messages], dumps=_dumps)

    async def calls(request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        return web.json_response([dataclasses.asdict(c) for c in emu.calls[since:]], dumps=_dumps)

    app.router.add_get("/_emu/state", state)
    app.router.add_get("/_emu/sent", sent)
    app.router.add_get("/_emu/calls", calls)


def _settings(emu: Emulator, body: dict) -> None:
    if "longpoll" in body:
        emu.set_longpoll_settings(**body["longpoll"])
    if "bot_features" in body:
        emu.set_bot_features(body["bot_features"])
    for name in ("bots_add_to_chat", "restrictions_supported", "rps_limit"):
        if name in body:
            setattr(emu, name, body[name])
    if "token_permissions" in body:
        emu.token_permissions = set(body["token_permissions"])
    emu._notify()
