"""What the poll and quiz use cases answer the person who typed or pressed (rendered by
handlers/polls_views.py with bot/texts/polls.py): typed results, no Russian text, no keyboards.
Refusals are ``UserError``s (their message is the answer) except a press on a poll's option,
whose refusals are ``VoteRefused`` (a snackbar, never an error)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.domain.polls import Question
from bot.domain.when import Moment
from bot.services.meetings_results import ChatChoice  # one type for every dialog's chat buttons


# -- the dialog: what the author is asked next ------------------------------------------------

@dataclass(frozen=True)
class PickChat:
    """Started privately with several chats: which one (the first ``chats`` of ``total``)."""

    draft: int
    kind: str  # "poll" | "quiz"
    chats: tuple[ChatChoice, ...]
    total: int


@dataclass(frozen=True)
class AskMultiple:
    """A poll for the chat ``title``: one option or several?"""

    draft: int
    title: str


@dataclass(frozen=True)
class AskLimit:
    """A quiz for the chat ``title``: how long to answer?"""

    draft: int
    title: str


@dataclass(frozen=True)
class AskNamed:
    draft: int


@dataclass(frozen=True)
class AskDeadline:
    draft: int


@dataclass(frozen=True)
class AskText:
    """The question and options (a quiz: its questions) are awaited as one message."""

    draft: int
    kind: str


@dataclass(frozen=True)
class Preview:
    draft: int
    kind: str
    title: str
    questions: tuple[Question, ...]
    multiple: bool
    anonymous: bool
    deadline: Moment


Step = PickChat | AskMultiple | AskLimit | AskNamed | AskDeadline | AskText | Preview


@dataclass(frozen=True)
class Started:
    """/опрос or /викторина: typed in the chat (``in_chat``) the dialog goes on privately."""

    kind: str
    in_chat: bool
    step: Step


@dataclass(frozen=True)
class Published:
    """«Опубликовать»: the poll (a quiz: its ``questions``) posted; ``first`` is closed early by its button."""

    first: int
    kind: str
    title: str
    questions: int
    deadline: Moment
    named: bool


# -- closing early ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CloseAsked:
    """«Подвести итоги сейчас» asks first: the pending confirmation ``action_id``."""

    action_id: int
    kind: str
    question: str
    title: str


@dataclass(frozen=True)
class ClosedNow:
    pass


@dataclass(frozen=True)
class AlreadyHandled:
    """The confirmation was pressed before (or expired): nothing done now."""


Closing = ClosedNow | AlreadyHandled


# -- a press on an option ---------------------------------------------------------------------

class Refusal(Enum):
    GONE = "gone"  # no such poll here, or no such option
    CLOSED = "closed"  # the poll is over
    QUIZ_CLOSED = "quiz_closed"  # the quiz's time is up
    QUIZ_STUDENTS = "quiz_students"  # only students answer a quiz
    ANSWERED = "answered"  # a quiz question is answered once


@dataclass(frozen=True)
class VoteRefused:
    reason: Refusal


@dataclass(frozen=True)
class Voted:
    """A single-choice vote for ``option`` (``changed``: another one was chosen before)."""

    option: str
    changed: bool


@dataclass(frozen=True)
class SameVote:
    option: str


@dataclass(frozen=True)
class Chosen:
    """A multiple-choice poll: the options chosen now (numbers from 1)."""

    numbers: tuple[int, ...]


@dataclass(frozen=True)
class Withdrawn:
    pass


@dataclass(frozen=True)
class QuizAnswered:
    right: bool


VoteResult = VoteRefused | Voted | SameVote | Chosen | Withdrawn | QuizAnswered
