"""VK calls for recorded actions packed into one ``execute`` (bulk work: removals after roster
changes, renames after promotion, notices). Method names stay in the VK adapter."""

from __future__ import annotations

import json

from bot.vk.gateway import BatchCall, chat_id_of


def remove_member(peer_id: int, member_id: int) -> BatchCall:
    return BatchCall("messages.removeChatUser", {"chat_id": chat_id_of(peer_id), "member_id": member_id})


def retitle(peer_id: int, title: str) -> BatchCall:
    return BatchCall("messages.editChat", {"chat_id": chat_id_of(peer_id), "title": title})


def send(peer_id: int, text: str, random_id: int) -> BatchCall:
    return BatchCall("messages.send", {"peer_id": peer_id, "message": text, "random_id": random_id,
                                       "dont_parse_links": 1})


def answer(event_id: str, user_id: int, peer_id: int, snackbar: str) -> BatchCall:
    """The answer to a callback button (a snackbar; none when the text is empty)."""
    params: dict[str, object] = {"event_id": event_id, "user_id": user_id, "peer_id": peer_id}
    if snackbar:
        params["event_data"] = json.dumps({"type": "show_snackbar", "text": snackbar[:90]}, ensure_ascii=False)
    return BatchCall("messages.sendMessageEventAnswer", params)
