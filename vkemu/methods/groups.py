"""groups.* methods for a community token."""
from __future__ import annotations

from typing import Any

from ..errors import VKError, param_error
from ..params import Params
from ..vkobjects import group_object
from . import method

# Community token permission bits (dev.vk.com "Права доступа для токена сообщества").
PERMISSION_BITS = {"stories": 1, "photos": 4, "app_widget": 64, "messages": 4096,
                   "docs": 131072, "manage": 262144}


def _check_group(emu: Any, p: Params, *, required: bool) -> None:
    gid = p.int("group_id", required=required)
    if gid is not None and gid != emu.group_id:
        raise VKError(15, "Access denied: no access to this group")


@method("groups.getById")
def get_by_id(emu: Any, p: Params) -> dict:
    wanted = p.str_list("group_ids") + p.str_list("group_id")
    ours = {str(emu.group_id), emu.screen_name.lower(), f"club{emu.group_id}", f"public{emu.group_id}"}
    for item in wanted:
        if item.lower() not in ours:
            raise param_error("group_ids is invalid")
    return {"groups": [group_object(emu)], "profiles": []}


@method("groups.getTokenPermissions")
def get_token_permissions(emu: Any, p: Params) -> dict:
    perms = [{"name": name, "setting": bit} for name, bit in PERMISSION_BITS.items()
             if name in emu.token_permissions]
    return {"mask": sum(x["setting"] for x in perms), "permissions": perms}


@method("groups.getSettings")
def get_settings(emu: Any, p: Params) -> dict:
    _check_group(emu, p, required=True)
    return {
        "title": emu.group_name, "description": "", "address": emu.screen_name,
        "access": 0, "articles": 0, "audio": 0, "city_id": 0, "city_name": "",
        "docs": 1, "photos": 1, "topics": 0, "video": 0, "wall": 0, "wiki": 0,
        "obscene_filter": False, "obscene_stopwords": False, "obscene_words": [],
        "toxic_filter": False, "disable_replies_from_groups": False,
        "contacts": False, "links": False, "events": False, "addresses": False,
        "bots_capabilities": emu.bot_features,
        "bots_start_button": emu.bot_features,
        "bots_add_to_chat": emu.bot_features and emu.bots_add_to_chat,
    }


@method("groups.getLongPollSettings")
def get_long_poll_settings(emu: Any, p: Params) -> dict:
    _check_group(emu, p, required=True)
    return emu.longpoll.settings()


@method("groups.setLongPollSettings")
def set_long_poll_settings(emu: Any, p: Params) -> int:
    _check_group(emu, p, required=True)
    events = {name: p.bool(name) for name in emu.longpoll.events if p.has(name)}
    enabled = p.bool("enabled") if p.has("enabled") else None
    emu.longpoll.configure(enabled=enabled, api_version=p.str("api_version"), events=events)
    return 1


@method("groups.getLongPollServer")
def get_long_poll_server(emu: Any, p: Params) -> dict:
    _check_group(emu, p, required=True)
    if not emu.longpoll.enabled:
        raise param_error("longpoll for this group is not enabled.")
    return {"key": emu.longpoll.new_key(), "server": f"{emu.base_url}/lp/{emu.group_id}",
            "ts": str(emu.longpoll.next_ts)}
