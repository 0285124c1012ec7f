"""Data model of the emulated VK world (users, conversations, messages, docs, calls)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHAT_PEER_BASE = 2_000_000_000


def is_chat_peer(peer_id: int) -> bool:
    return peer_id > CHAT_PEER_BASE


@dataclass
class User:
    id: int
    first_name: str
    last_name: str
    allows_messages: bool = False
    screen_name: str = ""
    deactivated: str | None = None  # "deleted" | "banned", as VK reports closed accounts
    sex: int = 0  # as users.get reports it with fields=sex: 1 female, 2 male, 0 not given
    # what the person's VK client can show (client_info.button_actions); None: every kind
    button_actions: tuple[str, ...] | None = None


@dataclass
class Member:
    user_id: int
    is_admin: bool = False
    is_owner: bool = False
    invited_by: int = 0
    join_date: int = 0


@dataclass
class Message:
    """One message in a conversation (user's, community's or a service message)."""

    peer_id: int
    cmid: int
    from_id: int
    text: str = ""
    date: int = 0
    id: int = 0  # global message id; VK shows 0 to a community in chats
    keyboard: dict | None = None
    attachment: str = ""  # attachment string as the community sent it ("doc-1000_5,...")
    attachments: list[dict] = field(default_factory=list)  # VK-shaped attachment objects
    random_id: int = 0
    reply_to: int | None = None  # cmid this message replies to
    forward: dict | None = None  # the parsed `forward` param of messages.send
    fwd_cmids: list[int] = field(default_factory=list)  # forwarded (not reply) cmids
    payload: str | None = None
    action: dict | None = None
    deleted_for_all: bool = False
    deleted_for_bot: bool = False
    pinned: bool = False
    edits: list[str] = field(default_factory=list)  # previous texts, oldest first
    update_time: int | None = None
    version: int = 0

    @property
    def is_service(self) -> bool:
        return self.action is not None

    @property
    def in_chat(self) -> bool:
        return is_chat_peer(self.peer_id)

    @property
    def reply_to_cmid(self) -> int | None:
        return self.reply_to


@dataclass
class Conversation:
    """A private dialog between the community and a user (peer_id == user id)."""

    peer_id: int
    history: list[Message] = field(default_factory=list)
    next_cmid: int = 1

    def take_cmid(self) -> int:
        cmid = self.next_cmid
        self.next_cmid += 1
        return cmid

    def get(self, cmid: int) -> Message | None:
        for msg in reversed(self.history):
            if msg.cmid == cmid:
                return msg
        return None


@dataclass
class Chat(Conversation):
    """A multi-user chat. The community is a member under the key `-group_id`."""

    chat_id: int = 0
    title: str = ""
    owner_id: int = 0
    bot_id: int = 0  # -group_id
    members: dict[int, Member] = field(default_factory=dict)
    invite_link: str | None = None
    pinned_cmid: int | None = None
    restrictions: dict[int, float | None] = field(default_factory=dict)  # user -> until (wall)

    @property
    def bot_is_member(self) -> bool:
        return self.bot_id in self.members

    @property
    def bot_is_admin(self) -> bool:
        member = self.members.get(self.bot_id)
        return bool(member and (member.is_admin or member.is_owner))

    @property
    def admin_ids(self) -> list[int]:
        return [m.user_id for m in self.members.values() if m.is_admin or m.is_owner]

    def user_ids(self) -> list[int]:
        return [uid for uid in self.members if uid > 0]


@dataclass
class Doc:
    id: int
    owner_id: int
    title: str
    content: bytes
    date: int
    url: str = ""
    access_key: str = ""  # a user's document: needed by anyone else who attaches it

    @property
    def ext(self) -> str:
        return self.title.rsplit(".", 1)[-1].lower() if "." in self.title else ""

    @property
    def attachment(self) -> str:
        return f"doc{self.owner_id}_{self.id}" + (f"_{self.access_key}" if self.access_key else "")

    @property
    def type(self) -> int:
        ext = self.ext
        if ext in ("txt", "csv", "doc", "docx", "pdf", "xls", "xlsx", "odt", "rtf"):
            return 1
        if ext in ("zip", "rar", "7z", "gz", "tar"):
            return 2
        if ext == "gif":
            return 3
        if ext in ("jpg", "jpeg", "png", "bmp", "webp"):
            return 4
        if ext in ("mp3", "ogg", "wav"):
            return 5
        if ext in ("mp4", "avi", "mkv", "mov"):
            return 6
        if ext in ("epub", "fb2", "djvu"):
            return 7
        return 8

    def to_vk(self) -> dict[str, Any]:
        return {
            "id": self.id, "owner_id": self.owner_id, "title": self.title,
            "size": len(self.content), "ext": self.ext, "url": self.url,
            "date": self.date, "type": self.type,
        } | ({"access_key": self.access_key} if self.access_key else {})


@dataclass
class Call:
    """One API call as the emulator saw it (also each call inside `execute`)."""

    method: str
    params: dict
    response: Any = None
    error_code: int | None = None
    token: str | None = None
    at: float = 0.0
    error_msg: str | None = None
    in_execute: bool = False


@dataclass
class CallbackPress:
    """A callback button press (`message_event`) waiting for an answer."""

    event_id: str
    user_id: int
    peer_id: int
    cmid: int
    payload: Any
    at: float
    answered: bool = False


@dataclass
class Snackbar:
    event_id: str
    user_id: int
    peer_id: int
    event_data: Any
