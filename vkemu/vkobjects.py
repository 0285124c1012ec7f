"""Serialisation of emulator state into VK-shaped JSON objects (API 5.199)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .state import Chat, Message, User, is_chat_peer

if TYPE_CHECKING:
    from .emulator import Emulator

CLIENT_INFO = {
    "button_actions": [
        "text", "vkpay", "open_app", "location", "open_link", "callback",
        "intent_subscribe", "intent_unsubscribe",
    ],
    "keyboard": True,
    "inline_keyboard": True,
    "carousel": True,
    "lang_id": 0,
}


def visible_id(msg: Message) -> int:
    """A community sees message id 0 in chats."""
    return 0 if msg.in_chat else msg.id


def attachments_of(emu: Emulator, msg: Message) -> list[dict]:
    if msg.attachments:
        return list(msg.attachments)
    result = []
    for item in filter(None, (a.strip() for a in msg.attachment.split(","))):
        doc = emu.find_doc(item)
        if doc is not None:
            result.append({"type": "doc", "doc": doc.to_vk()})
        else:
            kind = "".join(ch for ch in item if ch.isalpha())
            result.append({"type": kind or "unknown"})
    return result


def foreign_message(emu: Emulator, msg: Message) -> dict[str, Any]:
    return {
        "date": msg.date,
        "from_id": msg.from_id,
        "text": msg.text,
        "attachments": attachments_of(emu, msg),
        "conversation_message_id": msg.cmid,
        "peer_id": msg.peer_id,
        "id": visible_id(msg),
        "fwd_messages": [],
    }


def message_object(emu: Emulator, msg: Message) -> dict[str, Any]:
    conv = emu.conversation(msg.peer_id)
    obj: dict[str, Any] = {
        "date": msg.date,
        "from_id": msg.from_id,
        "id": visible_id(msg),
        "out": 1 if msg.from_id == -emu.group_id else 0,
        "version": msg.version,
        "attachments": attachments_of(emu, msg),
        "conversation_message_id": msg.cmid,
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
        "peer_id": msg.peer_id,
        "random_id": msg.random_id,
        "text": msg.text,
    }
    if msg.action is not None:
        obj["action"] = dict(msg.action)
    if msg.payload is not None:
        obj["payload"] = msg.payload
    if msg.keyboard is not None:
        obj["keyboard"] = msg.keyboard
    if msg.update_time:
        obj["update_time"] = msg.update_time
    if conv is not None and msg.reply_to is not None:
        original = conv.get(msg.reply_to)
        if original is not None:
            obj["reply_message"] = foreign_message(emu, original)
    if conv is not None and msg.fwd_cmids:
        obj["fwd_messages"] = [
            foreign_message(emu, m) for m in (conv.get(c) for c in msg.fwd_cmids) if m
        ]
    return obj


def user_object(user: User, fields: list[str]) -> dict[str, Any]:
    if user.deactivated:
        # VK hides a closed account's data: the name becomes DELETED and `deactivated` is set
        return {"id": user.id, "first_name": "DELETED", "last_name": "", "deactivated": user.deactivated,
                "can_access_closed": True, "is_closed": False}
    obj: dict[str, Any] = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "can_access_closed": True,
        "is_closed": False,
    }
    if "screen_name" in fields:
        obj["screen_name"] = user.screen_name or f"id{user.id}"
    if "sex" in fields:
        obj["sex"] = user.sex
    if "photo_50" in fields:
        obj["photo_50"] = "https://vk.com/images/camera_50.png"
    if "domain" in fields:
        obj["domain"] = user.screen_name or f"id{user.id}"
    return obj


def group_object(emu: Emulator) -> dict[str, Any]:
    return {
        "id": emu.group_id,
        "name": emu.group_name,
        "screen_name": emu.screen_name,
        "is_closed": 0,
        "type": "group",
        "photo_50": "https://vk.com/images/community_50.png",
        "photo_100": "https://vk.com/images/community_100.png",
        "photo_200": "https://vk.com/images/community_200.png",
    }


def chat_acl(chat: Chat, as_admin: bool) -> dict[str, bool]:
    return {
        "can_change_info": as_admin,
        "can_change_invite_link": as_admin,
        "can_change_pin": as_admin,
        "can_invite": False,  # a community cannot add users to a chat
        "can_promote_users": as_admin,
        "can_see_invite_link": as_admin,
        "can_moderate": as_admin,
        "can_copy_chat": as_admin,
        "can_call": False,
        "can_use_mass_mentions": as_admin,
        "can_change_style": as_admin,
    }


def conversation_object(emu: Emulator, peer_id: int) -> dict[str, Any]:
    conv = emu.conversation(peer_id)
    last = conv.history[-1] if conv and conv.history else None
    obj: dict[str, Any] = {
        "peer": {"id": peer_id, "type": "chat" if is_chat_peer(peer_id) else "user",
                 "local_id": peer_id - 2_000_000_000 if is_chat_peer(peer_id) else peer_id},
        "last_message_id": visible_id(last) if last else 0,
        "last_conversation_message_id": last.cmid if last else 0,
        "in_read": last.id if last else 0,
        "out_read": last.id if last else 0,
        "in_read_cmid": last.cmid if last else 0,
        "out_read_cmid": last.cmid if last else 0,
        "version": last.version if last else 0,
        "is_marked_unread": False,
        "important": False,
        "can_write": {"allowed": True},
    }
    if isinstance(conv, Chat):
        settings: dict[str, Any] = {
            "owner_id": conv.owner_id,
            "title": conv.title,
            "state": "in" if conv.bot_is_member else "kicked",
            "acl": chat_acl(conv, conv.bot_is_admin),
            "members_count": len(conv.members),
            "admin_ids": conv.admin_ids,
            "active_ids": [],
            "is_group_channel": False,
            "is_disappearing": False,
            "is_service": False,
        }
        if conv.pinned_cmid is not None:
            pinned = conv.get(conv.pinned_cmid)
            if pinned is not None:
                settings["pinned_message"] = pinned_object(emu, pinned)
        obj["chat_settings"] = settings
    return obj


def pinned_object(emu: Emulator, msg: Message) -> dict[str, Any]:
    return {
        "conversation_message_id": msg.cmid,
        "id": visible_id(msg),
        "date": msg.date,
        "from_id": msg.from_id,
        "peer_id": msg.peer_id,
        "text": msg.text,
        "attachments": attachments_of(emu, msg),
        "fwd_messages": [],
    }


def dumps_payload(payload: Any) -> str | None:
    if payload is None:
        return None
    return payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
