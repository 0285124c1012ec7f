"""What the hot line's use cases answer (rendered by handlers/hotline.py with
bot/texts/hotline.py): typed results, no Russian text, no keyboards."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Addressee:
    """Whom a question goes to: a class's teacher, or the school office (``class_name`` None)."""

    class_name: str | None = None


OFFICE = Addressee()


@dataclass(frozen=True)
class Target:
    """A button of /вопрос: the class teacher of a child's class, or a school's office."""

    kind: str  # "c": a class teacher, "o": the school office
    value: int  # the class's id, or the school's org id
    student_id: int | None = None  # the child (a class teacher's button)
    class_name: str | None = None
    school: str | None = None  # the school's name (an office's button)
    several_schools: bool = False  # the parent's children are in more than one school


@dataclass(frozen=True)
class PickTarget:
    """/вопрос: the dialog started; whom to ask."""

    dialog: int
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class TextAsked:
    """The addressee picked: the next private message is the question."""

    dialog: int
    addressee: Addressee


class Route(Enum):
    CLASS_TEACHER = "class"  # to the class teacher
    OFFICE = "office"  # to the office, as the parent asked
    NO_CLASS_TEACHER = "no_teacher"  # the class has no teacher in the bot: the office got it
    ESCALATED = "escalated"  # the teacher cannot receive the bot's messages: the office got it


@dataclass(frozen=True)
class Asked:
    question_id: int
    route: Route
    class_name: str | None = None


@dataclass(frozen=True)
class AnswerAsked:
    """«Ответить»: the staff member's next private message is the answer."""

    question_id: int
    dialog: int


class Refusal(Enum):
    GONE = "gone"  # the question's text is dropped (or it never was)
    ANSWERED = "answered"  # someone answered it already
    NOT_YOURS = "not_yours"  # the staff member may not answer it


@dataclass(frozen=True)
class AnswerRefused:
    question_id: int
    reason: Refusal


@dataclass(frozen=True)
class AnswerSent:
    question_id: int


@dataclass(frozen=True)
class Cancelled:
    """«Отмена» typed: the dialog closed; ``what`` its pending description."""

    what: str | None


@dataclass(frozen=True)
class NothingToCancel:
    """«Отмена» typed, but the dialog was closed already."""


@dataclass(frozen=True)
class WaitingQuestion:
    id: int
    addressee: Addressee
    waiting_seconds: int
    text: str


@dataclass(frozen=True)
class Waiting:
    """/вопросы: the open questions the staff member may answer, oldest first."""

    questions: tuple[WaitingQuestion, ...]


@dataclass(frozen=True)
class Figures:
    """The school's hot line in a month (questions asked in it)."""

    asked: int
    answered: int
    mean_seconds: float | None
    waiting: int


Picked = TextAsked | Asked
Pressed = AnswerAsked | AnswerRefused
Answered = AnswerSent | AnswerRefused
CancelResult = Cancelled | NothingToCancel
