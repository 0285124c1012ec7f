"""What moderation by people did: the typed results of ``ManualModeration``'s use cases (chat
commands, /жалоба, /нарушения, /политика, /тишина, presses on alerts). The handlers render them
(texts in bot/texts/moderation.py, buttons in handlers/moderation_views.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from bot.repo.chats import Chat
from policies import Mode


class StaffCommand(StrEnum):
    """The staff's commands on one member (the keys of /пред, /снять пред, /мут, /размут, /кик)."""

    WARN = "warn"
    UNWARN = "unwarn"
    MUTE = "mute"
    UNMUTE = "unmute"
    KICK = "kick"


class Outcome(StrEnum):
    """What the message path did with one chat message (``Moderation.on_message``); the values
    are also the keys of the alert's «what was done» line (bot/texts: ``DONE``)."""

    SKIPPED = "skipped"  # not a moderated chat (unbound, no type)
    ALLOWED = "allowed"
    MUTED = "muted"  # its author is muted: deleted
    PRIVATE_ALERT = "private_alert"  # a signal about a child went to the staff
    DELETE = "delete"
    WARN = "warn"
    MUTE = "mute"
    KICK = "kick"
    FAILED = "failed"  # a sanction was due but the message could not be deleted
    NOTICE = "notice"
    ALERT = "alert"
    SHADOW = "shadow"  # a rule in trial mode would have acted: moderators told


# -- a command on one member -----------------------------------------------------------------


@dataclass(frozen=True)
class Warned:
    count: int  # active warnings now


@dataclass(frozen=True)
class AlreadyWarned:
    """That message already has its warning (one message, one warning)."""


@dataclass(frozen=True)
class Unwarned:
    count: int  # active warnings left


@dataclass(frozen=True)
class NoWarnings:
    pass


@dataclass(frozen=True)
class Muted:
    seconds: int


@dataclass(frozen=True)
class Unmuted:
    pass


@dataclass(frozen=True)
class NotMuted:
    pass


@dataclass(frozen=True)
class Kicked:
    pass


@dataclass(frozen=True)
class KickFailed:
    """VK refused: the bot is no admin of the chat."""


CommandResult = Warned | AlreadyWarned | Unwarned | NoWarnings | Muted | Unmuted | NotMuted | Kicked | KickFailed


# -- commands by name --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    chat: Chat
    vk_id: int
    name: str


@dataclass(frozen=True)
class Resolved:
    """Whom the name means (each in a chat where the caller may moderate)."""

    targets: tuple[Target, ...]
    rest: str  # the arguments after the name (a reason, a term)
    who: str  # the words naming the person, as typed


@dataclass(frozen=True)
class PickAsked:
    """Several people fit the name (or a kick by name waits for its confirmation): pending action
    ``action_id`` holds the options, one button each."""

    action_id: int
    command: StaffCommand
    targets: tuple[Target, ...]
    who: str


@dataclass(frozen=True)
class Picked:
    """A pick's button pressed: the command runs on this person with these arguments."""

    command: StaffCommand
    target: Target
    rest: str


@dataclass(frozen=True)
class PickGone:
    """The pick was used or has expired."""


# -- /жалоба, /нарушения, /политика, /тишина ---------------------------------------------------


@dataclass(frozen=True)
class ComplaintSent:
    violation_id: int


@dataclass(frozen=True)
class OpenAlerts:
    """/нарушения: ``total`` undecided, the newest ``shown`` sent again with their buttons."""

    total: int
    shown: int


@dataclass(frozen=True)
class PolicySet:
    policy: str  # the policy's key
    mode: Mode


@dataclass(frozen=True)
class QuietSet:
    start: time
    end: time


@dataclass(frozen=True)
class QuietOff:
    pass


# -- a press on a violation alert or a complaint ----------------------------------------------


@dataclass(frozen=True)
class AlertGone:
    """The alert's chat or member is unknown now, or the button is not one of ours."""


@dataclass(frozen=True)
class AlreadyDecided:
    action: str  # what was decided, as written on the alert


@dataclass(frozen=True)
class StaffProtected:
    pass


@dataclass(frozen=True)
class KickAsked:
    """«Исключить» pressed: asked first, as removing a child cannot be undone by a button."""

    alert_id: int
    name: str
    title: str


@dataclass(frozen=True)
class KickCancelled:
    pass


@dataclass(frozen=True)
class AlreadyMuted:
    pass


@dataclass(frozen=True)
class AlreadyDeleted:
    pass


@dataclass(frozen=True)
class Acted:
    """A decision taken: ``do`` (del, warn, mute, kick, unmute, ok) with the mute step's length;
    ``ok`` False when VK refused the bot."""

    do: str
    seconds: int
    ok: bool = True


@dataclass(frozen=True)
class Lifted:
    """«Снять мут» after a decision: the mute ended, the decision stands."""


@dataclass(frozen=True)
class Undone:
    action: str  # the decision taken back, as written on the alert


@dataclass(frozen=True)
class NothingToUndo:
    pass


@dataclass(frozen=True)
class FpSchoolNotAllowed:
    """A word allowed school-wide by someone who is no moderator of the school."""


@dataclass(frozen=True)
class FpScopeAsked:
    """«Ложное срабатывание»: where to allow ``word`` (no word: only the message)."""

    alert_id: int
    title: str
    word: str
    scopes: tuple[str, ...]  # m (this message), c (this chat), s (the school)


@dataclass(frozen=True)
class FpConfirmAsked:
    alert_id: int
    scope: str
    word: str
    title: str


@dataclass(frozen=True)
class FpCancelled:
    scope: str
    word: str


@dataclass(frozen=True)
class FpActed:
    scope: str


PressResult = (AlertGone | AlreadyDecided | StaffProtected | KickAsked | KickCancelled | AlreadyWarned | AlreadyMuted
               | AlreadyDeleted | Acted | NotMuted | Lifted | Undone | NothingToUndo | FpSchoolNotAllowed
               | FpScopeAsked | FpConfirmAsked | FpCancelled | FpActed)
