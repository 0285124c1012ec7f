"""messages.send / edit / delete / sendMessageEventAnswer / getByConversationMessageId."""
from __future__ import annotations

import re
from typing import Any

from ..errors import VKError, param_error
from ..keyboard import validate_keyboard
from ..params import Params
from ..state import Chat, Conversation, Message, Snackbar, is_chat_peer
from ..vkobjects import message_object
from . import method
from .common import DAY, chat_by_peer, conversation_for, target_message

MAX_TEXT = 4096
_ATTACHMENT_RE = re.compile(
    r"^(photo|video|audio|doc|wall|market|poll|link|story|audio_playlist|sticker)-?\d+_\d+(_[0-9a-zA-Z]+)?$")


def _attachment(emu: Any, p: Params) -> str:
    items = [a.strip() for a in (p.str("attachment", "") or "").split(",") if a.strip()]
    if len(items) > 10:
        raise param_error("attachment is too long (max 10)")
    for item in items:
        if not _ATTACHMENT_RE.match(item) or (item.startswith("doc") and not emu.doc_sendable(item)):
            raise param_error(f"attachment {item} is invalid")
    return ",".join(items)


def _keyboard(emu: Any, p: Params) -> dict | None:
    kb = p.json("keyboard", error_code=911)
    if kb is None:
        return None
    if not emu.bot_features:
        raise VKError(912)
    return validate_keyboard(kb)


@method("messages.send")
def send(emu: Any, p: Params) -> Any:
    random_id = p.int("random_id")
    if random_id is None:
        raise param_error("random_id is a required parameter")
    if p.has("peer_ids"):
        peers, as_list = p.int_list("peer_ids", limit=100), True
    elif p.has("user_ids"):
        peers, as_list = p.int_list("user_ids", limit=100), True
    elif p.has("peer_id") or p.has("user_id"):
        peers, as_list = [p.int("peer_id") or p.int("user_id") or 0], False  # 0: nobody (error 901)
    elif p.has("chat_id"):
        peers, as_list = [2_000_000_000 + p.int("chat_id", required=True)], False
    else:
        raise param_error("you should specify peer_id, user_id, domain, chat_id or user_ids param")
    text = p.str("message", "") or ""
    attachment = _attachment(emu, p)
    forward = p.json("forward")
    if not text.strip() and not attachment and not forward and not p.has("sticker_id"):
        raise param_error("message is empty or invalid")
    if len(text) > MAX_TEXT:
        raise VKError(914)
    keyboard = _keyboard(emu, p)
    fields = dict(keyboard=keyboard, attachment=attachment, payload=p.str("payload"))
    if not as_list:
        msg = _send_one(emu, peers[0], text, random_id, forward, p.int("reply_to"), fields)
        return 0 if msg.in_chat else msg.id
    result: list[dict[str, Any]] = []
    for peer in peers:
        try:
            msg = _send_one(emu, peer, text, random_id, forward, p.int("reply_to"), fields)
            result.append({"peer_id": peer, "message_id": 0 if msg.in_chat else msg.id,
                           "conversation_message_id": msg.cmid})
        except VKError as err:
            result.append({"peer_id": peer, "error": {"code": err.code, "description": err.msg}})
    return result


def _send_one(emu: Any, peer: int, text: str, random_id: int, forward: Any,
              reply_to: int | None, fields: dict) -> Message:
    if not is_chat_peer(peer):
        user = emu.users.get(peer)
        if user is None or not user.allows_messages:
            raise VKError(901)
    conv = conversation_for(emu, peer)
    if random_id:
        dup = _duplicate(emu, conv, random_id)
        if dup is not None:
            return dup
    reply_cmid, fwd_cmids = _resolve_forward(emu, conv, forward, reply_to)
    msg = emu._new_message(conv, -emu.group_id, text, random_id=random_id, reply_to=reply_cmid,
                           forward=forward, fwd_cmids=fwd_cmids, **fields)
    emu._record_sent(msg)
    emu._deliver(msg)
    return msg


def _duplicate(emu: Any, conv: Conversation, random_id: int) -> Message | None:
    """VK drops a repeat random_id within the last hour / 100 messages of the conversation."""
    horizon = emu.now() - 3600
    for msg in conv.history[-100:]:
        if msg.from_id == -emu.group_id and msg.random_id == random_id and msg.date >= horizon:
            return msg
    return None


def _resolve_forward(emu: Any, conv: Conversation, forward: Any,
                     reply_to: int | None) -> tuple[int | None, list[int]]:
    if reply_to is not None:
        original = next((m for m in conv.history if m.id == reply_to), None)
        if is_chat_peer(conv.peer_id) or original is None:
            raise param_error("reply_to is invalid")
        return original.cmid, []
    if not forward:
        return None, []
    if not isinstance(forward, dict):
        raise param_error("forward is invalid")
    cmids = forward.get("conversation_message_ids") or []
    if forward.get("peer_id") not in (None, conv.peer_id) or not isinstance(cmids, list):
        raise VKError(921)
    found = [conv.get(int(c)) for c in cmids]
    if not cmids or any(m is None or m.deleted_for_all for m in found):
        raise VKError(921)
    if forward.get("is_reply"):
        if len(cmids) != 1:
            raise VKError(913)
        return int(cmids[0]), []
    if len(cmids) > 100:
        raise VKError(913)
    return None, [int(c) for c in cmids]


@method("messages.edit")
def edit(emu: Any, p: Params) -> int:
    peer = p.int("peer_id", required=True)
    conv = conversation_for(emu, peer)
    msg = target_message(emu, conv, p)
    if msg.is_service:
        raise VKError(920)
    if msg.from_id != -emu.group_id or msg.deleted_for_all:
        raise VKError(15, "Access denied: you can edit only your own messages")
    if msg.date < emu.now() - DAY:
        raise VKError(909)
    text = p.str("message", "") or ""
    attachment = _attachment(emu, p)
    if not text.strip() and not attachment and not p.has("keyboard"):
        raise param_error("message is empty or invalid")
    if len(text) > MAX_TEXT:
        raise VKError(914)
    keyboard = _keyboard(emu, p)
    msg.edits.append(msg.text)
    msg.text, msg.attachment, msg.keyboard = text, attachment, keyboard
    msg.update_time = emu.now()
    msg.version = emu._version
    emu._version += 1
    emu.edited.append(msg)
    emu.longpoll.emit("message_edit", message_object(emu, msg))
    emu._notify()
    return 1


@method("messages.delete")
def delete(emu: Any, p: Params) -> list[dict]:
    for_all = p.bool("delete_for_all")
    cmids = p.int_list("cmids", limit=100) or p.int_list("conversation_message_ids", limit=100)
    if cmids:
        conv = conversation_for(emu, p.int("peer_id", required=True))
        targets = [(c, conv.get(c)) for c in cmids]
    else:
        ids = p.int_list("message_ids", limit=100)
        if not ids:
            raise param_error("cmids is missing")
        peer = p.int("peer_id")
        if peer is None or is_chat_peer(peer):
            raise param_error("message_ids are not supported in chats, use cmids")
        conv = conversation_for(emu, peer)
        by_id = {m.id: m for m in conv.history}
        targets = [(by_id[i].cmid if i in by_id else 0, by_id.get(i)) for i in ids]
    bot = -emu.group_id
    if for_all and isinstance(conv, Chat) and not conv.bot_is_admin:
        if any(m is not None and m.from_id != bot for _, m in targets):
            raise VKError(925)
    result = []
    for cmid, msg in targets:
        item: dict[str, Any] = {"peer_id": conv.peer_id, "conversation_message_id": cmid,
                "message_id": 0 if (msg is None or msg.in_chat) else msg.id}
        error = _delete_one(emu, conv, msg, for_all)
        if error:
            item.update(response=0, error={"code": error.code, "description": error.msg})
        else:
            item["response"] = 1
        result.append(item)
    emu._notify()
    return result


def _delete_one(emu: Any, conv: Conversation, msg: Message | None, for_all: bool) -> VKError | None:
    if msg is None or msg.deleted_for_all or msg.deleted_for_bot:
        return VKError(924, detail="message not found")
    if not for_all:
        msg.deleted_for_bot = True
        return None
    own = msg.from_id == -emu.group_id
    if not own and not is_chat_peer(conv.peer_id):
        return VKError(924)
    if msg.date < emu.now() - DAY:
        return VKError(924)
    if isinstance(conv, Chat) and not own:
        author = conv.members.get(msg.from_id)
        if author is not None and author.is_owner and not conv.members[conv.bot_id].is_owner:
            return VKError(924)
    msg.deleted_for_all = True
    if isinstance(conv, Chat) and conv.pinned_cmid == msg.cmid:
        conv.pinned_cmid = None
        msg.pinned = False
    emu.deleted.append(msg)
    return None


@method("messages.sendMessageEventAnswer")
def send_message_event_answer(emu: Any, p: Params) -> int:
    event_id = p.str("event_id", required=True)
    user_id = p.int("user_id", required=True)
    peer_id = p.int("peer_id", required=True)
    data = p.json("event_data")
    press = emu.presses.get(event_id)
    if press is None or press.user_id != user_id or press.peer_id != peer_id:
        raise param_error("event_id is invalid")
    if press.answered or emu.clock() - press.at > 60:
        raise param_error("event_id is invalid (already answered or expired)")
    if data is not None:
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in ("show_snackbar", "open_link", "open_app"):
            raise param_error("event_data is invalid")
        if kind == "show_snackbar" and not (0 < len(str(data.get("text", ""))) <= 90):
            raise param_error("event_data.text must be 1..90 characters")
    press.answered = True
    emu.snackbars.append(Snackbar(event_id, user_id, peer_id, data))
    emu._notify()
    return 1


@method("messages.getByConversationMessageId")
def get_by_cmid(emu: Any, p: Params) -> dict:
    peer = p.int("peer_id", required=True)
    cmids = p.int_list("conversation_message_ids", required=True, limit=100)
    conv = chat_by_peer(emu, peer) if is_chat_peer(peer) else conversation_for(emu, peer)
    items = []
    for cmid in cmids:
        msg = conv.get(cmid)
        if msg is None or msg.deleted_for_all or msg.deleted_for_bot:
            continue
        if is_chat_peer(peer) and msg.from_id != -emu.group_id and not emu.bot_sees(msg):
            continue
        items.append(message_object(emu, msg))
    return {"count": len(items), "items": items}


@method("messages.isMessagesFromGroupAllowed")
def is_messages_from_group_allowed(emu: Any, p: Params) -> dict:
    """VK schema 5.199: ``group_id`` and ``user_id`` both required, each at least 1; the answer
    is ``{"is_allowed": 0|1}``. A community token may ask only about its own community (15)."""
    group_id = p.int("group_id", required=True)
    user_id = p.int("user_id", required=True)
    if group_id < 1:
        raise param_error("group_id should be positive")
    if user_id < 1:
        raise param_error("user_id should be positive")
    if group_id != emu.group_id:
        raise VKError(15, "Access denied: no access to this group")
    user = emu.users.get(user_id)
    return {"is_allowed": int(user is not None and user.allows_messages and not user.deactivated)}
