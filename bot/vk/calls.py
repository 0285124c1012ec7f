"""VK calls for recorded actions packed into one ``execute`` (bulk work: removals after roster
changes, renames after promotion, notices). Method names stay in the VK adapter."""

from __future__ import annotations

import json

from bot.vk.gateway import MAX_TEXT, BatchCall, chat_id_of


def remove_member(peer_id: int, member_id: int) -> BatchCall:
    return BatchCall("messages.removeChatUser", {"chat_id": chat_id_of(peer_id), "member_id": member_id})


def retitle(peer_id: int, title: str) -> BatchCall:
    return BatchCall("messages.editChat", {"chat_id": chat_id_of(peer_id), "title": title})


def send(peer_id: int, text: str, random_id: int, *, keyboard: str | None = None, attachment: str | None = None,
         reply_to_cmid: int | None = None) -> BatchCall:
    """One message (``peer_ids``: VK answers with the sent message's cmid, as ``VkGateway.send``
    asks); the text must fit one message (``fits``)."""
    params: dict[str, object] = {"peer_ids": str(peer_id), "message": text, "random_id": random_id,
                                 "dont_parse_links": 1}
    if keyboard:
        params["keyboard"] = keyboard
    if attachment:
        params["attachment"] = attachment
    if reply_to_cmid:
        params["forward"] = json.dumps({"peer_id": peer_id, "conversation_message_ids": [reply_to_cmid],
                                        "is_reply": True})
    return BatchCall("messages.send", params)


def fits(text: str) -> bool:
    """Whether a text goes out as one message (longer ones are split by ``VkGateway.send``)."""
    return len(text) <= MAX_TEXT


def edit(peer_id: int, cmid: int, text: str, *, keyboard: str | None = None,
         attachment: str | None = None) -> BatchCall:
    params: dict[str, object] = {"peer_id": peer_id, "conversation_message_id": cmid, "message": text[:MAX_TEXT],
                                 "dont_parse_links": 1}
    if keyboard is not None:
        params["keyboard"] = keyboard
    if attachment is not None:
        params["attachment"] = attachment
    return BatchCall("messages.edit", params)


def pin(peer_id: int, cmid: int) -> BatchCall:
    return BatchCall("messages.pin", {"peer_id": peer_id, "conversation_message_id": cmid})


def delete(peer_id: int, cmids: list[int]) -> BatchCall:
    """Messages of one chat deleted for everybody (VK answers per message)."""
    return BatchCall("messages.delete", {"peer_id": peer_id, "cmids": ",".join(str(c) for c in cmids),
                                         "delete_for_all": 1})


def answer(event_id: str, user_id: int, peer_id: int, snackbar: str) -> BatchCall:
    """The answer to a callback button (a snackbar; none when the text is empty)."""
    params: dict[str, object] = {"event_id": event_id, "user_id": user_id, "peer_id": peer_id}
    if snackbar:
        params["event_data"] = json.dumps({"type": "show_snackbar", "text": snackbar[:90]}, ensure_ascii=False)
    return BatchCall("messages.sendMessageEventAnswer", params)


def restrict(peer_id: int, member_id: int, seconds: int | None) -> BatchCall:
    """The undocumented read-only restriction (``VkGateway.restrict``)."""
    params: dict[str, object] = {"peer_id": peer_id, "member_ids": str(member_id), "action": "ro" if seconds else "rw"}
    if seconds:
        params["for"] = seconds
    return BatchCall("messages.changeConversationMemberRestrictions", params)
