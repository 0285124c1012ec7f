"""What VK says about our community: which one the token belongs to and how it is set up for a bot
(read by ``zavuch check`` and at start-up). Errors are mapped like every gateway call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.vk.api import LimitedAPI
from bot.vk.gateway import call_api
from bot.vk.lanes import Lane


@dataclass(frozen=True)
class Community:
    id: int
    name: str
    screen_name: str | None


@dataclass(frozen=True)
class BotsSettings:
    capabilities: bool  # "Bot capabilities" on in the community's messages settings
    add_to_chat: bool  # "Allow adding the community to chats"


@dataclass(frozen=True)
class EventSettings:
    """The long poll's or one callback server's settings: API version and the events it sends."""

    enabled: bool  # the long poll is switched on (a callback server has no such switch: False)
    api_version: str | None
    events: frozenset[str]  # the names of the events switched on

    def missing(self, required: Iterable[str]) -> list[str]:
        return [name for name in required if name not in self.events]


@dataclass(frozen=True)
class CallbackServerInfo:
    id: int | None
    url: str
    title: str
    secret_key: str
    status: str  # "ok", "wait", "failed", "unconfigured"


async def community(api: LimitedAPI, group_id: int | None, *, lane: Lane | None = None) -> Community:
    """The community by id, or the token's own community when ``group_id`` is not given.
    IndexError or KeyError when VK's answer names none."""
    response = await call_api(api, "groups.getById", {"group_id": group_id or None}, lane=lane)
    groups = response.get("groups", response) if isinstance(response, dict) else response
    first = groups[0]
    return Community(int(first["id"]), str(first.get("name", "")), first.get("screen_name"))


async def check_token(api: LimitedAPI) -> frozenset[str]:
    """The names of the token's rights («messages», «manage», «docs» ...); a VkError unless VK
    accepts the token."""
    found = await call_api(api, "groups.getTokenPermissions", {})
    items = found.get("permissions", []) if isinstance(found, dict) else []
    return frozenset(str(item.get("name")) for item in items if isinstance(item, dict))


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    deactivated: bool


async def accounts(api: LimitedAPI, ids: Iterable[int]) -> dict[int, Account]:
    """The VK accounts behind these ids (ids VK does not know are absent)."""
    wanted = [str(i) for i in ids]
    if not wanted:
        return {}
    found = await call_api(api, "users.get", {"user_ids": ",".join(wanted)})
    return {
        int(u["id"]): Account(int(u["id"]), f"{u.get('first_name', '')} {u.get('last_name', '')}".strip(),
                              bool(u.get("deactivated")))
        for u in found or []
    }


async def bots_settings(api: LimitedAPI, group_id: int) -> BotsSettings:
    found = await call_api(api, "groups.getSettings", {"group_id": group_id})
    return BotsSettings(bool(found.get("bots_capabilities")), bool(found.get("bots_add_to_chat", 1)))


async def long_poll_settings(api: LimitedAPI, group_id: int) -> EventSettings:
    return _event_settings(await call_api(api, "groups.getLongPollSettings", {"group_id": group_id}))


async def callback_confirmation_code(api: LimitedAPI, group_id: int) -> str:
    found = await call_api(api, "groups.getCallbackConfirmationCode", {"group_id": group_id})
    return str(found.get("code", ""))


async def callback_servers(api: LimitedAPI, group_id: int) -> list[CallbackServerInfo]:
    found = await call_api(api, "groups.getCallbackServers", {"group_id": group_id})
    return [
        CallbackServerInfo(
            id=int(item["id"]) if item.get("id") is not None else None,
            url=str(item.get("url", "")),
            title=str(item.get("title", "")),
            secret_key=str(item.get("secret_key") or ""),
            status=str(item.get("status", "")),
        )
        for item in found.get("items", [])
    ]


async def callback_settings(api: LimitedAPI, group_id: int, server_id: int | None) -> EventSettings:
    found = await call_api(api, "groups.getCallbackSettings", {"group_id": group_id, "server_id": server_id})
    return _event_settings(found)


def _event_settings(found: dict[str, Any]) -> EventSettings:
    events = found.get("events")
    on = frozenset(name for name, value in events.items() if value) if isinstance(events, dict) else frozenset()
    version = found.get("api_version")
    return EventSettings(bool(found.get("is_enabled")), None if version is None else str(version), on)
