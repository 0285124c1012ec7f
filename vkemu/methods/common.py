"""Access checks shared by the messages.* handlers."""
from __future__ import annotations

from typing import Any

from ..errors import VKError, param_error
from ..params import Params
from ..state import CHAT_PEER_BASE, Chat, Conversation, Message, is_chat_peer

DAY = 24 * 3600


def chat_by_peer(emu: Any, peer_id: int) -> Chat:
    """A chat the community is a member of (917 otherwise)."""
    chat = emu.chats.get(peer_id)
    if chat is None or not chat.bot_is_member:
        raise VKError(917)
    return chat


def chat_by_id(emu: Any, chat_id: int) -> Chat:
    chat = emu.chats.get(CHAT_PEER_BASE + chat_id)
    if chat is None:
        raise VKError(927)
    if not chat.bot_is_member:
        raise VKError(917)
    return chat


def require_admin(chat: Chat) -> None:
    if not chat.bot_is_admin:
        raise VKError(925)


def conversation_for(emu: Any, peer_id: int) -> Conversation:
    """The conversation with `peer_id` as the community may access it."""
    if is_chat_peer(peer_id):
        return chat_by_peer(emu, peer_id)
    if peer_id not in emu.users:
        raise VKError(901)
    conv = emu.dialogs.get(peer_id)
    if conv is None:
        conv = emu.dialog(peer_id)
    return conv


def target_message(emu: Any, conv: Conversation, p: Params) -> Message:
    """Resolve `conversation_message_id` (or, in private dialogs, `message_id`)."""
    cmid = p.int("conversation_message_id") or p.int("cmid")
    if cmid is not None:
        msg = conv.get(cmid)
    else:
        mid = p.int("message_id")
        if mid is None:
            raise param_error("conversation_message_id is missing")
        if is_chat_peer(conv.peer_id) or mid <= 0:
            raise param_error("message_id is invalid")
        msg = next((m for m in conv.history if m.id == mid), None)
    if msg is None or msg.deleted_for_bot:
        raise param_error("message not found")
    return msg
