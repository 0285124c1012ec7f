"""groups.* Callback API settings: servers, their event settings and the confirmation code.

Shapes as VK documents them (5.199): ``groups_callback_server`` is
``{id, title, creator_id, url, secret_key, status}`` with status one of ``unconfigured``,
``failed``, ``wait``, ``ok``; ``groups_callback_settings`` is ``{api_version, events}`` with the
same event flags as the long-poll settings. The emulator never posts to these servers: a test
sets a server's ``status`` through ``callback_api(emu)`` as VK would after trying the address."""
from __future__ import annotations

import secrets
import weakref
from dataclasses import dataclass, field
from typing import Any

from ..errors import VKError, param_error
from ..longpoll import ALL_EVENTS
from ..params import Params
from . import method

MAX_SERVERS = 10          # VK: "Servers number limit is reached" beyond this
MAX_TITLE = 14
MAX_SECRET = 50
STATUSES = ("unconfigured", "failed", "wait", "ok")


@dataclass
class CallbackServer:
    id: int
    title: str
    url: str
    secret_key: str = ""
    creator_id: int = 0
    status: str = "unconfigured"
    api_version: str = "5.199"
    events: dict[str, int] = field(default_factory=lambda: {name: 0 for name in ALL_EVENTS})

    def item(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "creator_id": self.creator_id, "url": self.url,
                "secret_key": self.secret_key, "status": self.status}


@dataclass
class CallbackApi:
    """The community's Callback API tab: servers and the string VK expects back."""
    confirmation_code: str = field(default_factory=lambda: secrets.token_hex(4))
    servers: dict[int, CallbackServer] = field(default_factory=dict)
    next_id: int = 1

    def add(self, url: str, title: str, secret_key: str = "", **fields: Any) -> CallbackServer:
        server = CallbackServer(self.next_id, title, url, secret_key, **fields)
        self.servers[server.id] = server
        self.next_id += 1
        return server


# One Callback API tab per emulator, kept beside it rather than in its constructor.
_STATE: weakref.WeakKeyDictionary[Any, CallbackApi] = weakref.WeakKeyDictionary()


def callback_api(emu: Any) -> CallbackApi:
    """The emulator's Callback API state, for tests (set a status, a confirmation code)."""
    state = _STATE.get(emu)
    if state is None:
        state = _STATE[emu] = CallbackApi()
    return state


def _checked(emu: Any, p: Params) -> CallbackApi:
    if "manage" not in emu.token_permissions:
        raise VKError(15, "Access denied: no access to call this method")
    if p.int("group_id", required=True) != emu.group_id:
        raise VKError(15, "Access denied: no access to this group")
    return callback_api(emu)


def _server(state: CallbackApi, p: Params) -> CallbackServer:
    server = state.servers.get(p.int("server_id", required=True) or 0)
    if server is None:
        raise param_error("server_id is invalid")
    return server


@method("groups.getCallbackConfirmationCode")
def get_confirmation_code(emu: Any, p: Params) -> dict:
    return {"code": _checked(emu, p).confirmation_code}


@method("groups.getCallbackServers")
def get_servers(emu: Any, p: Params) -> dict:
    state = _checked(emu, p)
    wanted = set(p.int_list("server_ids"))
    items = [s.item() for s in state.servers.values() if not wanted or s.id in wanted]
    return {"count": len(items), "items": items}


@method("groups.addCallbackServer")
def add_server(emu: Any, p: Params) -> dict:
    state = _checked(emu, p)
    url = p.str("url", required=True) or ""
    title = p.str("title", required=True) or ""
    secret_key = p.str("secret_key", "") or ""
    if len(title) > MAX_TITLE:
        raise param_error(f"title is too long (max {MAX_TITLE})")
    if len(secret_key) > MAX_SECRET:
        raise param_error(f"secret_key is too long (max {MAX_SECRET})")
    if not url.startswith(("http://", "https://")):
        raise param_error("url is invalid")
    if len(state.servers) >= MAX_SERVERS:
        raise VKError(2000, "Servers number limit is reached")
    return {"server_id": state.add(url, title, secret_key).id}


@method("groups.getCallbackSettings")
def get_settings(emu: Any, p: Params) -> dict:
    server = _server(_checked(emu, p), p)
    return {"api_version": server.api_version, "events": dict(server.events)}


@method("groups.setCallbackSettings")
def set_settings(emu: Any, p: Params) -> int:
    server = _server(_checked(emu, p), p)
    events = {name: int(p.bool(name)) for name in ALL_EVENTS if p.has(name)}
    if p.has("api_version"):
        server.api_version = p.str("api_version") or server.api_version
    server.events.update(events)
    return 1
