"""Plain data that flows into and out of the moderation policies."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from operator import methodcaller
from typing import NamedTuple


class Action(StrEnum):
    """What should happen to the message (escalation is decided separately, see escalation.py)."""

    ALLOW = "allow"
    NOTICE = "notice"
    DELETE = "delete"
    WARN = "warn"
    MUTE = "mute"
    KICK = "kick"
    ALERT = "alert"
    PRIVATE_ALERT = "private_alert"


class Mode(StrEnum):
    ON = "on"
    OFF = "off"
    SHADOW = "shadow"  # «тихо»: decide and alert moderators, act on nothing


# Used to order decisions worst-first when severities tie.
ACTION_WEIGHT = {
    Action.KICK: 7,
    Action.MUTE: 6,
    Action.DELETE: 5,
    Action.WARN: 4,
    Action.ALERT: 3,
    Action.PRIVATE_ALERT: 2,
    Action.NOTICE: 1,
    Action.ALLOW: 0,
}


@dataclass(frozen=True)
class Decision:
    action: Action
    policy: str
    reason: str  # Russian, shown to people
    severity: int  # 1..3, 3 worst
    fragment: str | None = None  # matched raw fragment, kept as evidence
    masked: str | None = None  # fragment safe to show in alerts, e.g. «х*й»
    strike: bool = True  # counts toward the escalation ladder
    notify_private: str | None = None  # sent to the author privately
    shadow: bool = False


@dataclass(frozen=True)
class AuthorInfo:
    user_id: int
    status: str  # "staff" | "member" | "guest" | "outsider"
    is_chat_staff: bool = False


@dataclass(frozen=True)
class MessageInput:
    text: str
    now: datetime  # timezone-aware
    author: AuthorInfo
    chat_type: str
    attachments: tuple[str, ...] = ()  # "sticker", "photo", "doc", "link", ...

    @property
    def stickers(self) -> int:
        if not self.attachments:
            return 0  # most messages (the bot asks every one when recording it)
        return sum(1 for kind in self.attachments if kind in STICKER_KINDS)


STICKER_KINDS = frozenset({"sticker", "graffiti"})

_NOT_WORD = re.compile(r"[\W_]+")
# A run of one character: «\1\1*» is «\1+» without the regex engine's general repeat, which it
# took at every position of every text (about half the time of a fingerprint)
_REPEATS = re.compile(r"(.)\1\1*")
_FIRST = methodcaller("group", 1)  # same as the template r"\1", without a Python call per sub


# The ASCII characters that are no word character (all of them but letters and digits): deleted
# from the UTF-8 bytes of a text in one pass in C (no byte of a longer character is ASCII), which
# leaves the regex only texts with other characters that are no word character («…», «—», 🙂)
_ASCII_NOT_WORD = bytes(b for b in range(128) if _NOT_WORD.fullmatch(chr(b)))
_BLAKE2B = hashlib.blake2b(digest_size=8)  # an empty hasher of fingerprint's size, copied


@lru_cache(maxsize=256)  # asked twice per message: by the repeats policy and when recording it
def fingerprint(text: str) -> str:
    """Case-, punctuation- and elongation-insensitive key of a text; "" for an empty one."""
    data = text.casefold().replace("ё", "е").encode("utf-8", "surrogatepass")  # any str
    core = data.translate(None, _ASCII_NOT_WORD).decode("utf-8", "surrogatepass")
    if core and not core.isalnum():  # isalnum: no character \W or «_» would match
        core = _NOT_WORD.sub("", core)
    core = _REPEATS.sub(_FIRST, core)
    if not core:
        return ""
    hasher = _BLAKE2B.copy()  # a copy of an empty hasher: cheaper than parsing its arguments
    hasher.update(core.encode())
    return hasher.hexdigest()


class Entry(NamedTuple):
    at: float  # POSIX timestamp
    fingerprint: str
    stickers: int


@dataclass
class AuthorHistory:
    """Recent messages of one author in one chat. The caller keeps it and records each message
    after evaluating it; policies only read it."""

    recent: list[Entry] = field(default_factory=list)
    horizon_s: float = 300.0  # longer than any policy window

    def record(self, msg: MessageInput, now: datetime | None = None) -> None:
        at = (now or msg.now).timestamp()
        self.recent.append(Entry(at, fingerprint(msg.text), msg.stickers))
        self.prune(at)

    def prune(self, now_ts: float) -> None:
        cutoff = now_ts - self.horizon_s
        self.recent = [e for e in self.recent if e.at >= cutoff]

    def within(self, now_ts: float, window_s: float) -> list[Entry]:
        cutoff = now_ts - window_s
        return [e for e in self.recent if cutoff < e.at <= now_ts]
