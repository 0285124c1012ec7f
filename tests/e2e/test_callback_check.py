"""`check` in callback mode against vkemu's Callback API settings: passes when the community is set
up for our URL, secret and events; otherwise names exactly what to change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot import texts
from bot.runtime.app import make_api
from bot.config import API_VERSION, load_settings
from bot.runtime.preflight import run_checks
from bot.vk.gateway import VkGateway
from tests.e2e.test_cli import PEPPER, _cli, _ready_env
from vkemu import Emulator
from vkemu.methods.callback_api import callback_api

URL = "https://bot.example.ru/vk/callback"
SECRET = "Zq8vN2pLx7Rt4KwB-callback"
CONFIRMATION = "5d2f0a9c"
TITLE = "zavuch"


def set_up_community(emu: Emulator, **server: Any) -> int:
    """The Callback API tab as the README tells an operator to fill it in."""
    state = callback_api(emu)
    state.confirmation_code = CONFIRMATION
    added = state.add(server.pop("url", URL), TITLE, server.pop("secret_key", SECRET), status=server.pop("status", "ok"))
    added.events.update({"message_new": 1, "message_event": 1, "message_allow": 1})
    for key, value in server.items():
        setattr(added, key, value)
    return added.id


async def checks(emu: Emulator, **callback: Any) -> list[str]:
    cfg = {"secret": SECRET, "confirmation": CONFIRMATION, "public_url": URL} | callback
    settings = load_settings(None, vk={"token": emu.token, "group_id": emu.group_id, "api_url": emu.api_url,
                                       "mode": "callback"}, callback=cfg,
                             bot={"code_pepper": PEPPER, "operators": [operator(emu)]})
    api = make_api(settings)
    try:
        return [r.line for r in await run_checks(settings, VkGateway(api, emu.group_id))]
    finally:
        await api.http_client.close()


def operator(emu: Emulator) -> int:
    """An operator VK knows who allowed the community's messages (`check` requires one)."""
    return emu.add_user("Ольга", "Операторова", allows_messages=True)


def fail(what: str, why: str) -> str:
    return texts.CHECK_FAIL.format(what=what, why=why)


async def test_check_passes_for_a_set_up_community(emu) -> None:
    set_up_community(emu)
    lines = await checks(emu)
    assert all(line.startswith("✔") for line in lines), lines
    assert texts.CHECK_OK.format(what=texts.CHECK_CB.format(version=API_VERSION)) in lines
    assert not any("Long Poll" in line for line in lines)  # not the long-poll settings in callback mode


def _events(emu: Emulator) -> None:
    server_id = set_up_community(emu)
    callback_api(emu).servers[server_id].events["message_event"] = 0


CASES: list[tuple[str, Callable[[Emulator], Any], dict[str, Any], str]] = [
    ("no-server", lambda emu: setattr(callback_api(emu), "confirmation_code", CONFIRMATION), {},
     fail(texts.CHECK_CB_SERVER.format(url=URL), texts.CHECK_CB_NOT_FOUND.format(url=URL, known=""))),
    ("other-url", lambda emu: set_up_community(emu, url="https://old.example.ru/cb"), {},
     fail(texts.CHECK_CB_SERVER.format(url=URL), texts.CHECK_CB_NOT_FOUND.format(
         url=URL, known=texts.CHECK_CB_KNOWN.format(urls="https://old.example.ru/cb")))),
    ("no-public-url", set_up_community, {"public_url": None},
     fail(texts.CHECK_CB_SERVER_UNKNOWN, texts.CHECK_CB_NO_URL.format(path="/vk/callback"))),
    ("wrong-secret", lambda emu: set_up_community(emu, secret_key="another-secret-key-123"), {},
     fail(texts.CHECK_CB_SECRET, texts.CHECK_CB_SECRET_FIX.format(title=TITLE))),
    ("no-secret-in-vk", lambda emu: set_up_community(emu, secret_key=""), {},
     fail(texts.CHECK_CB_SECRET, texts.CHECK_CB_SECRET_FIX.format(title=TITLE))),
    ("unconfirmed", lambda emu: set_up_community(emu, status="unconfigured"), {},
     fail(texts.CHECK_CB_CONFIRMED, texts.CHECK_CB_STATUS["unconfigured"].format(title=TITLE, status=""))),
    ("failed", lambda emu: set_up_community(emu, status="failed"), {},
     fail(texts.CHECK_CB_CONFIRMED, texts.CHECK_CB_STATUS["failed"].format(title=TITLE, status="failed"))),
    ("old-version", lambda emu: set_up_community(emu, api_version="5.131"), {},
     fail(texts.CHECK_CB.format(version=API_VERSION),
          texts.CHECK_CB_VERSION.format(found="5.131", version=API_VERSION, title=TITLE))),
    ("missing-event", _events, {},
     fail(texts.CHECK_CB.format(version=API_VERSION), texts.CHECK_CB_EVENTS.format(events="message_event", title=TITLE))),
    ("wrong-confirmation", set_up_community, {"confirmation": "deadbeef"},
     fail(texts.CHECK_CB_CONFIRMATION, texts.CHECK_CB_CONFIRMATION_FIX.format(code=CONFIRMATION))),
]


@pytest.mark.parametrize(("setup", "callback", "hint"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_check_fails_with_the_exact_hint(emu, setup, callback: dict[str, Any], hint: str) -> None:
    setup(emu)
    lines = await checks(emu, **callback)
    assert hint in lines, "\n".join(lines)
    assert [line for line in lines if line.startswith("✘")] == [hint]
    assert not any(SECRET in line for line in lines)


def _cb_env(emu: Emulator, tmp_path) -> dict[str, str]:
    return _ready_env(emu, tmp_path) | {"ZAVUCH_VK__MODE": "callback", "ZAVUCH_CALLBACK__SECRET": SECRET,
                                  "ZAVUCH_CALLBACK__CONFIRMATION": CONFIRMATION,
                                  "ZAVUCH_CALLBACK__PUBLIC_URL": URL}


async def test_cli_check_in_callback_mode(emu, tmp_path) -> None:
    server_id = set_up_community(emu)
    code, out, err = await _cli("check", env=_cb_env(emu, tmp_path))
    assert code == 0, out + err
    assert "✘" not in out and SECRET not in out + err
    callback_api(emu).servers[server_id].events["message_new"] = 0
    code, out, _ = await _cli("check", env=_cb_env(emu, tmp_path))
    assert code == 1
    assert fail(texts.CHECK_CB.format(version=API_VERSION),
                texts.CHECK_CB_EVENTS.format(events="message_new", title=TITLE)) in out.splitlines()
