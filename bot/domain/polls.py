"""Polls and quizzes, pure: reading the typed question and options, the choice as a bit mask,
the live count's text, the deadline presets and the throttle of live edits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.errors import UserError
import bot.texts.polls as t

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_QUESTIONS = 10  # in one quiz
EDIT_INTERVAL = 3  # seconds between live edits of one poll message (VK's flood control)
# deadline presets of the dialog: key -> seconds
DEADLINES: dict[str, int] = {"1h": 3600, "3h": 3 * 3600, "1d": 86400, "3d": 3 * 86400, "7d": 7 * 86400}
# quiz time limits: key -> seconds
# (no limit: until the teacher presses «Подвести итоги сейчас», at most a week)
LIMITS: dict[str, int] = {"5m": 300, "15m": 900, "45m": 2700, "1d": 86400, "7d": 7 * 86400}

_MARKER = re.compile(r"^\s*(?:[-–—•·*]|\d{1,2}[.)]|[a-zа-я][.)])\s+", re.IGNORECASE)
_CORRECT = re.compile(r"^\s*[+*✅]\s*")


@dataclass(frozen=True)
class Question:
    text: str
    options: tuple[str, ...]
    correct: int | None = None  # quizzes: the index of the right option


def _clean_option(line: str) -> str:
    return _MARKER.sub("", line, count=1).strip()


def _check(question: str, options: list[str]) -> None:
    if not question:
        raise UserError(t.NO_QUESTION)
    if len(question) > MAX_QUESTION:
        raise UserError(t.QUESTION_TOO_LONG.format(limit=MAX_QUESTION))
    if len(options) < MIN_OPTIONS:
        raise UserError(t.TOO_FEW_OPTIONS.format(count=len(options)))
    if len(options) > MAX_OPTIONS:
        raise UserError(t.TOO_MANY_OPTIONS.format(count=len(options)))
    for option in options:
        if len(option) > MAX_OPTION:
            raise UserError(t.OPTION_TOO_LONG.format(option=option[:40], limit=MAX_OPTION))
    folded = [o.casefold() for o in options]
    for option in options:
        if folded.count(option.casefold()) > 1:
            raise UserError(t.OPTION_TWICE.format(option=option))


def parse_poll(text: str) -> Question:
    """«question\\noption\\noption…»: the first line is the question, each further line an option."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise UserError(t.NO_QUESTION)
    question, options = lines[0], [_clean_option(line) for line in lines[1:]]
    options = [o for o in options if o]
    _check(question, options)
    return Question(question, tuple(options))


def parse_quiz(text: str) -> list[Question]:
    """Questions separated by an empty line; in each, the right option is marked with «+» or «*»."""
    blocks: list[list[str]] = [[]]
    for line in (text or "").splitlines():
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if not blocks:
        raise UserError(t.NO_QUESTION)
    if len(blocks) > MAX_QUESTIONS:
        raise UserError(t.TOO_MANY_QUESTIONS.format(count=len(blocks), limit=MAX_QUESTIONS))
    out = []
    for number, block in enumerate(blocks, start=1):
        question = block[0]
        options: list[str] = []
        correct: list[int] = []
        for line in block[1:]:
            if _CORRECT.match(line):
                correct.append(len(options))
                line = _CORRECT.sub("", line, count=1)
            option = _clean_option(line)
            if option:
                options.append(option)
        try:
            _check(question, options)
        except UserError as exc:
            raise UserError(t.IN_QUESTION.format(number=number, error=exc.message)) from None
        if len(correct) != 1:
            raise UserError(t.IN_QUESTION.format(number=number, error=t.MARK_ONE_CORRECT.format(count=len(correct))))
        out.append(Question(question, tuple(options), correct[0]))
    return out


def bits(indexes: list[int] | tuple[int, ...]) -> int:
    mask = 0
    for index in indexes:
        mask |= 1 << index
    return mask


def chosen(mask: int) -> list[int]:
    return [i for i in range(MAX_OPTIONS) if mask >> i & 1]


def press(current: int | None, option: int, multiple: bool) -> int:
    """The voter's choice after pressing ``option`` (0: no vote left). Single choice: the option
    replaces the previous one; multiple: the option is toggled."""
    if not multiple:
        return 1 << option
    return (current or 0) ^ (1 << option)


def counts(masks: list[int], options: int) -> list[int]:
    return [sum(1 for m in masks if m >> i & 1) for i in range(options)]


def bar(count: int, total: int, width: int = 10) -> str:
    if total <= 0:
        return ""
    filled = round(width * count / total)
    return "▰" * filled + "▱" * (width - filled)


def percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def next_edit_at(now: int, edited_at: int, interval: int = EDIT_INTERVAL) -> int:
    """When a live edit may go out: now, unless the previous one went out less than ``interval`` ago."""
    return max(now, edited_at + interval)
