"""What people do in the emulated VK: users, chats, messages, joins, button presses."""
from __future__ import annotations

import json
import secrets
from typing import Any, Iterable

from .host import EmulatorHost
from .state import CHAT_PEER_BASE, CallbackPress, Chat, Conversation, Doc, Member, User, is_chat_peer
from .vkobjects import dumps_payload


class ActorsMixin(EmulatorHost):
    # users -----------------------------------------------------------------------------
    def add_user(self, first_name: str, last_name: str, *, allows_messages: bool = False,
                 user_id: int | None = None, screen_name: str = "", sex: int = 0) -> int:
        if user_id is None:
            while self._next_user_id in self.users:
                self._next_user_id += 1
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id <= 0 or user_id >= CHAT_PEER_BASE or user_id in self.users:
            raise ValueError(f"bad or duplicate user id {user_id}")
        self.users[user_id] = User(user_id, first_name, last_name, allows_messages, screen_name, sex=sex)
        self._notify()
        return user_id

    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise ValueError(f"no user {user_id}") from None

    def deactivate(self, user_id: int, kind: str = "deleted") -> None:
        """The user deletes their account (or VK bans it): users.get shows «DELETED», and the
        account can no longer be messaged."""
        if kind not in ("deleted", "banned"):
            raise ValueError("kind must be 'deleted' or 'banned'")
        user = self.user(user_id)
        user.deactivated = kind
        user.allows_messages = False
        self._notify()

    def allow_messages(self, user_id: int, allowed: bool = True) -> None:
        """The user allows (or denies) messages from the community; emits message_allow/deny."""
        user = self.user(user_id)
        if user.allows_messages != allowed:
            user.allows_messages = allowed
            if allowed:
                self.longpoll.emit("message_allow", {"user_id": user_id, "key": ""})
            else:
                self.longpoll.emit("message_deny", {"user_id": user_id})
        self._notify()

    # chats -----------------------------------------------------------------------------
    def create_chat(self, title: str, owner_id: int, member_ids: Iterable[int] = (), *,
                    with_bot: bool = False, bot_admin: bool = False) -> int:
        """A user creates a chat (no event unless `with_bot`); returns its peer_id."""
        self.user(owner_id)
        chat_id = self._next_chat_id
        self._next_chat_id += 1
        chat = Chat(peer_id=CHAT_PEER_BASE + chat_id, chat_id=chat_id, title=title,
                    owner_id=owner_id, bot_id=-self.group_id)
        now = self.now()
        chat.members[owner_id] = Member(owner_id, True, True, owner_id, now)
        for uid in member_ids:
            self.user(uid)
            if uid not in chat.members:
                chat.members[uid] = Member(uid, invited_by=owner_id, join_date=now)
        self.chats[chat.peer_id] = chat
        self._new_message(chat, owner_id, action={"type": "chat_create", "text": title})
        if with_bot:
            self.add_bot_to_chat(chat.peer_id, owner_id)
            if bot_admin:
                self.set_bot_admin(chat.peer_id, True)
        self._notify()
        return chat.peer_id

    def _member_chat(self, peer_id: int, user_id: int) -> Chat:
        chat = self.chat(peer_id)
        if user_id not in chat.members:
            raise ValueError(f"user {user_id} is not a member of chat {chat.peer_id}")
        return chat

    def _service(self, chat: Chat, from_id: int, action: dict[str, Any]) -> int:
        msg = self._new_message(chat, from_id, action=action)
        self._deliver(msg)
        return msg.cmid

    def add_bot_to_chat(self, peer_id: int, by_user_id: int) -> None:
        chat = self._member_chat(peer_id, by_user_id)
        if not (self.bot_features and self.bots_add_to_chat):
            raise ValueError("the community does not allow adding it to chats (bot features off)")
        if chat.bot_is_member:
            raise ValueError("the community is already in this chat")
        chat.members[chat.bot_id] = Member(chat.bot_id, invited_by=by_user_id, join_date=self.now())
        self._service(chat, by_user_id, {"type": "chat_invite_user", "member_id": chat.bot_id})

    def set_bot_admin(self, peer_id: int, is_admin: bool) -> None:
        """A chat admin (un)makes the community an admin. VK emits no event for this."""
        chat = self.chat(peer_id)
        member = chat.members.get(chat.bot_id)
        if member is None:
            raise ValueError("the community is not a member of this chat")
        if member.is_owner and not is_admin:
            raise ValueError("the community owns this chat")
        member.is_admin = bool(is_admin)
        self._notify()

    def unpin(self, peer_id: int, by_user_id: int) -> int:
        """A chat admin unpins the pinned message (VK: a ``chat_unpin_message`` service message)."""
        chat = self._member_chat(peer_id, by_user_id)
        member = chat.members[by_user_id]
        if not (member.is_admin or member.is_owner):
            raise ValueError("only a chat admin may unpin")
        if chat.pinned_cmid is None:
            raise ValueError("nothing is pinned")
        pinned = chat.get(chat.pinned_cmid)
        if pinned is not None:
            pinned.pinned = False
        chat.pinned_cmid = None
        return self._service(chat, by_user_id, {"type": "chat_unpin_message", "member_id": by_user_id})

    def set_user_admin(self, peer_id: int, user_id: int, is_admin: bool) -> None:
        member = self._member_chat(peer_id, user_id).members[user_id]
        if member.is_owner:
            raise ValueError("the owner is always an admin")
        member.is_admin = bool(is_admin)
        self._notify()

    def join_by_link(self, peer_id: int, user_id: int, link: str | None = None) -> int:
        chat = self.chat(peer_id)
        self.user(user_id)
        if link is not None and link != chat.invite_link:
            raise ValueError("this invite link is not valid (was it reset?)")
        if user_id in chat.members:
            raise ValueError(f"user {user_id} is already in the chat")
        chat.members[user_id] = Member(user_id, invited_by=user_id, join_date=self.now())
        return self._service(chat, user_id, {"type": "chat_invite_user_by_link", "member_id": user_id})

    def invite_user(self, peer_id: int, by_user_id: int, user_id: int) -> int:
        chat = self._member_chat(peer_id, by_user_id)
        self.user(user_id)
        if user_id in chat.members:
            raise ValueError(f"user {user_id} is already in the chat")
        chat.members[user_id] = Member(user_id, invited_by=by_user_id, join_date=self.now())
        return self._service(chat, by_user_id, {"type": "chat_invite_user", "member_id": user_id})

    def leave(self, peer_id: int, user_id: int) -> int:
        chat = self._member_chat(peer_id, user_id)
        del chat.members[user_id]
        chat.restrictions.pop(user_id, None)
        return self._service(chat, user_id, {"type": "chat_kick_user", "member_id": user_id})

    def kick(self, peer_id: int, by_user_id: int, user_id: int) -> int:
        """A human chat admin removes a member (use remove_bot for the community)."""
        chat = self._member_chat(peer_id, by_user_id)
        by = chat.members[by_user_id]
        if not (by.is_admin or by.is_owner):
            raise ValueError(f"user {by_user_id} is not an admin of the chat")
        if self._member_chat(peer_id, user_id).members[user_id].is_owner:
            raise ValueError("the chat owner cannot be removed")
        cmid = self._service(chat, by_user_id, {"type": "chat_kick_user", "member_id": user_id})
        del chat.members[user_id]
        chat.restrictions.pop(user_id, None)
        self._notify()
        return cmid

    def remove_bot(self, peer_id: int, by_user_id: int) -> int:
        """A chat admin removes the community; the community still gets the service event."""
        return self.kick(peer_id, by_user_id, -self.group_id)

    # messages ----------------------------------------------------------------------------
    def user_message(self, peer_id: int, from_id: int, text: str, *, reply_to_cmid: int | None = None,
                     attachments: list[dict] | None = None, payload: Any = None) -> int:
        """A user writes a message; returns its conversation_message_id."""
        user = self.user(from_id)
        conv: Conversation
        if is_chat_peer(peer_id):
            conv = self._member_chat(peer_id, from_id)
            until = conv.restrictions.get(from_id, 0)
            if from_id in conv.restrictions and (until is None or until > self.wall_clock()):
                raise ValueError(f"user {from_id} is read-only in chat {peer_id}")
        else:
            if peer_id != from_id:
                raise ValueError("in a private dialog peer_id must equal from_id")
            conv = self.dialog(from_id)
            user.allows_messages = True  # writing to a community allows it to answer
        if reply_to_cmid is not None and conv.get(reply_to_cmid) is None:
            raise ValueError(f"no message with cmid {reply_to_cmid} in {peer_id}")
        vk_attachments = [self._user_attachment(from_id, a) for a in attachments or []]
        msg = self._new_message(conv, from_id, text, attachments=vk_attachments,
                                reply_to=reply_to_cmid, payload=dumps_payload(payload))
        self._deliver(msg)
        return msg.cmid

    def _user_attachment(self, owner_id: int, spec: dict) -> dict:
        kind = spec.get("type")
        if kind in spec:  # already VK-shaped
            return spec
        if kind == "doc":
            content = spec.get("content", b"")
            if isinstance(content, str):
                content = content.encode()
            doc = self._store_doc(owner_id, spec.get("title", "file.txt"), content)
            return {"type": "doc", "doc": doc.to_vk()}
        if kind == "photo":
            pid = self._next_doc_id
            self._next_doc_id += 1
            url = spec.get("url", "https://sun9-1.userapi.com/emu/photo.jpg")
            return {"type": "photo", "photo": {
                "album_id": -3, "date": self.now(), "id": pid, "owner_id": owner_id,
                "access_key": secrets.token_hex(8), "has_tags": False, "text": "",
                "sizes": [{"type": t, "url": url, "width": w, "height": h}
                          for t, w, h in (("s", 75, 56), ("m", 130, 97), ("x", 604, 453))]}}
        if kind == "sticker":
            sid = int(spec.get("sticker_id", 51077))
            images = [{"url": f"https://vk.com/sticker/1-{sid}-{s}", "width": s, "height": s}
                      for s in (64, 128, 256)]
            return {"type": "sticker", "sticker": {
                "product_id": int(spec.get("product_id", 1)), "sticker_id": sid,
                "images": images, "images_with_background": images, "inner_type": "base_sticker_new"}}
        raise ValueError(f"unsupported attachment spec: {spec!r}")

    def _store_doc(self, owner_id: int, title: str, content: bytes) -> Doc:
        doc = Doc(id=self._next_doc_id, owner_id=owner_id, title=title, content=content,
                  date=self.now(), access_key=secrets.token_hex(9) if owner_id > 0 else "")
        self._next_doc_id += 1
        doc.url = f"{self.base_url or 'http://vkemu.invalid'}/_emu/files/{doc.id}/{title}"
        self.docs[doc.id] = doc
        return doc

    def press_button(self, peer_id: int, user_id: int, cmid: int, payload: Any, *, forged: bool = False) -> str:
        """A user presses a callback button of community message `cmid`; returns event_id.
        ``forged``: a modified client sends a payload no button of the message carries (the bot
        must not trust payloads: it checks rights at every press)."""
        self.user(user_id)
        conv = self._member_chat(peer_id, user_id) if is_chat_peer(peer_id) else self.dialogs.get(peer_id)
        if conv is None or (not is_chat_peer(peer_id) and peer_id != user_id):
            raise ValueError(f"user {user_id} cannot see conversation {peer_id}")
        msg = conv.get(cmid)
        if msg is None or msg.deleted_for_all or msg.from_id != -self.group_id:
            raise ValueError(f"no community message {cmid} in {peer_id}")
        wanted = payload if not isinstance(payload, str) else json.loads(payload)
        if not forged and not _has_callback(msg.keyboard, wanted):
            raise ValueError(f"message {cmid} has no callback button with payload {wanted!r}")
        event_id = secrets.token_hex(6)
        self.presses[event_id] = CallbackPress(event_id, user_id, peer_id, cmid, wanted, self.clock())
        self.longpoll.emit("message_event", {"user_id": user_id, "peer_id": peer_id,
                                             "event_id": event_id, "payload": wanted,
                                             "conversation_message_id": cmid})
        self._notify()
        return event_id


    def press_text_button(self, user_id: int, cmid: int, label: str) -> int:
        """A user presses a text button of the community's private message ``cmid``: VK sends the
        label as the user's message, with the button's payload. Returns the new message's cmid."""
        conv = self.dialogs.get(user_id)
        msg = conv.get(cmid) if conv is not None else None
        if msg is None or msg.from_id != -self.group_id:
            raise ValueError(f"no community message {cmid} in the dialog with {user_id}")
        for row in (msg.keyboard or {}).get("buttons", []):
            for button in row:
                action = button.get("action", {})
                if action.get("type") == "text" and action.get("label") == label:
                    raw = action.get("payload")
                    return self.user_message(user_id, user_id, label,
                                             payload=json.loads(raw) if isinstance(raw, str) else raw)
        raise ValueError(f"message {cmid} has no text button «{label}»")


def _has_callback(keyboard: dict | None, payload: Any) -> bool:
    for row in (keyboard or {}).get("buttons", []):
        for button in row:
            action = button.get("action", {})
            if action.get("type") != "callback":
                continue
            raw = action.get("payload")
            try:
                value = json.loads(raw) if isinstance(raw, str) else raw
            except ValueError:
                value = raw
            if value == payload:
                return True
    return False
