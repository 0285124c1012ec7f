"""What the scheduled posts' and material's use cases answer the person who typed or pressed
(rendered by handlers/posts_views.py with bot/texts/posts.py): typed results, no Russian text,
no keyboards. Refusals are ``UserError``s; a press on «Прочитано ✓» answers a ``ReadMark``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from zoneinfo import ZoneInfo

from bot.domain.when import Moment
from bot.services.meetings_results import ChatChoice


# -- the dialog: what the author is asked next ------------------------------------------------

@dataclass(frozen=True)
class PickChat:
    draft: int
    chats: tuple[ChatChoice, ...]


@dataclass(frozen=True)
class AskContent:
    draft: int
    kind: str  # "post" | "material"
    title: str


@dataclass(frozen=True)
class AskDay:
    """The day of the publication (``field`` "due", «Сейчас» offered too) or of the lesson."""

    draft: int
    field: str  # "due" | "lesson"
    now: int
    tz: ZoneInfo


@dataclass(frozen=True)
class AskTime:
    draft: int
    field: str
    day: Moment  # the day's midnight


@dataclass(frozen=True)
class Quiet:
    """The chat's quiet hours the publication falls into ("HH:MM")."""

    start: str
    end: str


@dataclass(frozen=True)
class Preview:
    draft: int
    kind: str
    title: str
    text: str
    files: int  # attachments
    due: Moment
    lesson: Moment | None  # material: the lesson, and when the not-read list comes
    report: Moment | None
    quiet: Quiet | None  # the publication waits for the end of quiet hours unless forced


@dataclass(frozen=True)
class AskEditText:
    draft: int


@dataclass(frozen=True)
class Edited:
    due: Moment


@dataclass(frozen=True)
class EditedLesson:
    lesson: Moment
    report: Moment


Step = PickChat | AskContent | AskDay | AskTime | Preview | AskEditText | Edited | EditedLesson


@dataclass(frozen=True)
class Started:
    """/пост or /материал: typed in the chat (``in_chat``) the dialog goes on privately."""

    in_chat: bool
    step: Step


@dataclass(frozen=True)
class Scheduled:
    kind: str
    title: str
    due: Moment


# -- /посты -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Listed:
    post_id: int
    due: Moment
    title: str  # the chat's
    text: str
    lesson: Moment | None  # material
    held: bool  # waits for the end of quiet hours


@dataclass(frozen=True)
class Listing:
    posts: tuple[Listed, ...]


@dataclass(frozen=True)
class EditMenu:
    post_id: int
    text: str
    material: bool


@dataclass(frozen=True)
class CancelAsked:
    action_id: int
    title: str
    due: Moment
    text: str


@dataclass(frozen=True)
class Dropped:
    pass


@dataclass(frozen=True)
class AlreadyHandled:
    """The confirmation was pressed before (or expired): nothing done now."""


@dataclass(frozen=True)
class PostGone:
    """Published or cancelled meanwhile."""


Dropping = Dropped | AlreadyHandled | PostGone


class ReadMark(Enum):
    READ = "read"
    AGAIN = "again"
    GONE = "gone"
