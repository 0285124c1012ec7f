"""What the meeting use cases answer the person who typed or pressed (rendered by
handlers/meetings_views.py with bot/texts/meetings.py): typed results, no Russian text, no
keyboards. Refusals are ``UserError``s; a press on «Приду / Не смогу» answers an ``Answer``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from zoneinfo import ZoneInfo

from bot.domain.when import Moment


@dataclass(frozen=True)
class ChatChoice:
    id: int
    title: str


# -- the dialog: what the author is asked next ------------------------------------------------

@dataclass(frozen=True)
class PickChat:
    draft: int
    chats: tuple[ChatChoice, ...]


@dataclass(frozen=True)
class AskDay:
    """Which day (the next days offered from ``now`` in the school's zone ``tz``)."""

    draft: int
    title: str
    now: int
    tz: ZoneInfo


@dataclass(frozen=True)
class AskTime:
    draft: int
    day: Moment  # the day's midnight


@dataclass(frozen=True)
class AskTopic:
    draft: int
    starts: Moment


@dataclass(frozen=True)
class Reminder:
    kind: str  # "day" | "hour"
    at: Moment
    moved: bool  # moved out of the chat's quiet hours


@dataclass(frozen=True)
class Preview:
    draft: int
    title: str
    topic: str
    starts: Moment
    reminders: tuple[Reminder, ...]  # none when the meeting is too soon
    lead_minutes: int  # the call's link comes this long before the start


Step = PickChat | AskDay | AskTime | AskTopic | Preview


@dataclass(frozen=True)
class Started:
    """/собрание: typed in the chat (``in_chat``) the dialog goes on privately."""

    in_chat: bool
    step: Step


@dataclass(frozen=True)
class Published:
    meeting_id: int
    title: str
    starts: Moment


# -- cancelling -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CancelAsked:
    action_id: int
    topic: str
    starts: Moment
    title: str


@dataclass(frozen=True)
class Cancelled:
    title: str


@dataclass(frozen=True)
class AlreadyHandled:
    """The confirmation was pressed before (or expired): nothing done now."""


@dataclass(frozen=True)
class AlreadyOver:
    """The meeting was cancelled or finished meanwhile."""


Cancelling = Cancelled | AlreadyHandled | AlreadyOver


# -- «Приду / Не смогу» -----------------------------------------------------------------------

class Answer(Enum):
    COMING = "coming"
    NOT_COMING = "not_coming"
    SAME = "same"  # the same answer again
    GONE = "gone"  # no such meeting here, it is over or cancelled


# -- who is coming ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Family:
    """A family of a parents' chat: the child, the parents' answers (name, coming), and all its
    parents (named when none answered)."""

    child: str
    answers: tuple[tuple[str, bool], ...]
    parents: tuple[str, ...]


@dataclass(frozen=True)
class Attendance:
    """Who is coming, who is not and who has not answered: families in parents' chats (``yes``,
    ``no``, ``silent`` hold ``Family``s), people elsewhere (they hold names)."""

    topic: str
    starts: Moment
    title: str
    by_family: bool
    yes: tuple[Family | str, ...]
    no: tuple[Family | str, ...]
    silent: tuple[Family | str, ...]
    total: int
    answered: bool  # anyone answered at all
