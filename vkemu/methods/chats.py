"""Chat administration: createChat, removeChatUser, invite links, members, pin, restrictions."""
from __future__ import annotations

import secrets
from typing import Any

from ..errors import VKError, param_error
from ..params import Params
from ..state import CHAT_PEER_BASE, Chat, Member, is_chat_peer
from ..vkobjects import conversation_object, group_object, pinned_object, user_object
from . import method
from .common import chat_by_id, chat_by_peer, conversation_for, require_admin, target_message


def _service(emu: Any, chat: Chat, action: dict) -> None:
    emu._deliver(emu._new_message(chat, chat.bot_id, action=action))


@method("messages.createChat")
def create_chat(emu: Any, p: Params) -> dict:
    gid = p.int("group_id")
    if gid is not None and gid != emu.group_id:
        raise VKError(15, "Access denied: no access to this group")
    user_ids = p.int_list("user_ids", required=True)
    title = p.str("title", required=True)
    unknown = [uid for uid in user_ids if uid not in emu.users]
    if unknown:
        raise VKError(936)
    added = [uid for uid in dict.fromkeys(user_ids) if emu.users[uid].allows_messages]
    if not added:
        raise VKError(936)
    chat_id = emu._next_chat_id
    emu._next_chat_id += 1
    bot = -emu.group_id
    chat = Chat(peer_id=CHAT_PEER_BASE + chat_id, chat_id=chat_id, title=title, owner_id=bot,
                bot_id=bot)
    now = emu.now()
    chat.members[bot] = Member(bot, is_admin=True, is_owner=True, invited_by=bot, join_date=now)
    for uid in added:
        chat.members[uid] = Member(uid, invited_by=bot, join_date=now)
    emu.chats[chat.peer_id] = chat
    _service(emu, chat, {"type": "chat_create", "text": title})
    return {"chat_id": chat_id, "peer_ids": added}


@method("messages.removeChatUser")
def remove_chat_user(emu: Any, p: Params) -> int:
    chat = chat_by_id(emu, p.int("chat_id", required=True))
    member_id = p.int("member_id")
    if member_id is None:
        member_id = p.int("user_id")
    if member_id is None:
        raise param_error("member_id is missing")
    if member_id == chat.bot_id:  # the community leaves the chat
        del chat.members[chat.bot_id]
        emu._notify()
        return 1
    require_admin(chat)
    member = chat.members.get(member_id)
    if member is None:
        raise VKError(935)
    bot_is_owner = chat.members[chat.bot_id].is_owner
    if member.is_owner or (member.is_admin and not bot_is_owner):
        raise VKError(15, "Access denied: can't remove this user")
    _service(emu, chat, {"type": "chat_kick_user", "member_id": member_id})
    del chat.members[member_id]
    chat.restrictions.pop(member_id, None)
    emu._notify()
    return 1


@method("messages.getInviteLink")
def get_invite_link(emu: Any, p: Params) -> dict:
    gid = p.int("group_id")
    if gid is not None and gid != emu.group_id:
        raise VKError(15, "Access denied: no access to this group")
    peer = p.int("peer_id", required=True)
    if not is_chat_peer(peer):
        raise param_error("peer_id is invalid")
    chat = chat_by_peer(emu, peer)
    if not chat.bot_is_admin:
        raise VKError(919)
    if chat.invite_link is None or p.bool("reset"):
        chat.invite_link = f"https://vk.me/join/{secrets.token_urlsafe(24)}"
        emu._notify()
    return {"link": chat.invite_link}


@method("messages.getConversationMembers")
def get_conversation_members(emu: Any, p: Params) -> dict:
    peer = p.int("peer_id", required=True)
    chat = chat_by_peer(emu, peer) if is_chat_peer(peer) else None
    if chat is None or not chat.bot_is_admin:
        raise VKError(917)
    offset = p.int("offset", 0) or 0
    count = p.int("count", 20)
    if count is None or not 0 <= count <= 1000:
        raise param_error("count should be between 0 and 1000")
    bot_owner = chat.members[chat.bot_id].is_owner
    members = list(chat.members.values())
    items = []
    for m in members[offset: offset + count]:
        can_kick = m.user_id != chat.bot_id and not m.is_owner and (bot_owner or not m.is_admin)
        items.append({"member_id": m.user_id, "invited_by": m.invited_by, "join_date": m.join_date,
                      "is_admin": m.is_admin or m.is_owner, "is_owner": m.is_owner,
                      "can_kick": can_kick})
    fields = p.str_list("fields")
    profiles = [user_object(emu.users[m.user_id], fields) for m in members
                if m.user_id > 0 and m.user_id in emu.users]
    return {"count": len(members), "items": items, "profiles": profiles,
            "groups": [group_object(emu)],
            "chat_restrictions": {"admins_promote_users_only": False, "only_admins_edit_info": True,
                                  "only_admins_edit_pin": True, "only_admins_invite": False,
                                  "only_admins_kick": True}}


@method("messages.getConversationsById")
def get_conversations_by_id(emu: Any, p: Params) -> dict:
    peers = p.int_list("peer_ids", required=True, limit=100)
    items = []
    for peer in peers:
        if is_chat_peer(peer):
            chat = emu.chats.get(peer)
            if chat is None or not chat.bot_is_member:
                continue
        elif peer not in emu.dialogs:
            continue
        items.append(conversation_object(emu, peer))
    result: dict[str, Any] = {"count": len(items), "items": items}
    if p.bool("extended"):
        result["profiles"] = [user_object(u, p.str_list("fields")) for u in emu.users.values()
                              if any(u.id in emu.chats[i["peer"]["id"]].members
                                     if is_chat_peer(i["peer"]["id"]) else u.id == i["peer"]["id"]
                                     for i in items)]
        result["groups"] = [group_object(emu)]
    return result


@method("messages.editChat")
def edit_chat(emu: Any, p: Params) -> int:
    chat = chat_by_id(emu, p.int("chat_id", required=True))
    title = p.str("title", required=True)
    require_admin(chat)
    chat.title = title
    _service(emu, chat, {"type": "chat_title_update", "text": title})
    return 1


@method("messages.pin")
def pin(emu: Any, p: Params) -> dict:
    peer = p.int("peer_id", required=True)
    conv = conversation_for(emu, peer)
    if isinstance(conv, Chat):
        require_admin(conv)
    msg = target_message(emu, conv, p)
    if msg.deleted_for_all:
        raise VKError(1018)
    if msg.is_service:
        raise VKError(980)
    if isinstance(conv, Chat):
        pinned = conv.get(conv.pinned_cmid) if conv.pinned_cmid is not None else None
        if pinned is not None:
            pinned.pinned = False
        conv.pinned_cmid = msg.cmid
        msg.pinned = True
        _service(emu, conv, {"type": "chat_pin_message", "member_id": conv.bot_id,
                             "conversation_message_id": msg.cmid, "message": msg.text})
    else:
        msg.pinned = True
        emu._notify()
    return pinned_object(emu, msg)


@method("messages.unpin")
def unpin(emu: Any, p: Params) -> int:
    peer = p.int("peer_id", required=True)
    conv = conversation_for(emu, peer)
    if isinstance(conv, Chat):
        require_admin(conv)
        if conv.pinned_cmid is not None:
            pinned = conv.get(conv.pinned_cmid)
            if pinned is not None:
                pinned.pinned = False
            conv.pinned_cmid = None
            _service(emu, conv, {"type": "chat_unpin_message", "member_id": conv.bot_id})
    else:
        for msg in conv.history:
            msg.pinned = False
        emu._notify()
    return 1


@method("messages.changeConversationMemberRestrictions")
def change_restrictions(emu: Any, p: Params) -> dict:
    if not emu.restrictions_supported:
        raise VKError(15, "Access denied: no access to call this method")
    peer = p.int("peer_id", required=True)
    member_ids = p.int_list("member_ids", required=True, limit=100)
    action = p.str("action", required=True)
    if action not in ("ro", "rw"):
        raise param_error("action should be ro or rw")
    seconds = p.int("for")
    chat = chat_by_peer(emu, peer) if is_chat_peer(peer) else None
    if chat is None:
        raise VKError(917)
    require_admin(chat)
    failed = []
    for uid in member_ids:
        member = chat.members.get(uid)
        if member is None or member.is_owner or member.is_admin or uid == chat.bot_id:
            failed.append(uid)
        elif action == "ro":
            chat.restrictions[uid] = emu.wall_clock() + seconds if seconds else None
        else:
            chat.restrictions.pop(uid, None)
    emu._notify()
    return {"failed_member_ids": failed}
