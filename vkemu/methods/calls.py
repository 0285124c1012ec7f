"""calls.start: a community starts a VK call and gets the link people join by.

As documented (dev.vk.com/method/calls.start): ``group_id`` (optional, positive) — the community
on whose behalf the call is started; with a community token it must be that community (else
error 15). The response: ``join_link`` (https://vk.com/call/join/<token>), ``ok_join_link``,
``call_id`` and ``short_credentials`` (numeric id, password and the links with and without it).
"""
from __future__ import annotations

import secrets
from typing import Any

from ..errors import VKError, param_error
from ..params import Params
from . import method


@method("calls.start")
def start(emu: Any, p: Params) -> dict[str, Any]:
    group_id = p.int("group_id")
    if group_id is not None and group_id <= 0:
        raise param_error("group_id should be positive")
    if group_id is not None and group_id != emu.group_id:
        raise VKError(15, "Access denied: no access to this group")
    token = secrets.token_urlsafe(32)
    short_id = str(1_000_000_000 + len(emu.started_calls) * 7919 + secrets.randbelow(7919))
    password = secrets.token_hex(3)
    call = {
        "call_id": secrets.token_hex(16),
        "join_link": f"https://vk.com/call/join/{token}",
        "ok_join_link": f"https://ok.ru/videochat/join/{token}",
        "short_credentials": {
            "id": short_id,
            "password": password,
            "link_without_password": f"https://vk.com/call/join/{short_id}",
            "link_with_password": f"https://vk.com/call/join/{short_id}?p={password}",
        },
    }
    emu.started_calls.append({"group_id": group_id, "at": emu.now(), **call})
    return call
