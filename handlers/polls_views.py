"""How the poll and quiz use cases' results look to the author: the text (bot/texts/polls.py)
and the buttons of each step of the dialog, the preview, the published poll, closing early."""

from __future__ import annotations

from typing import Any

from bot.services import polls_results as r
from bot.texts import polls as t
from bot.vk.keyboards import Button, grid, inline
from handlers.replies import Reply, cancel_button, question_keyboard

DEADLINE_PER_ROW = 3
LIMIT_PER_ROW = 2


def _button(label: str, payload: dict[str, Any], color: str = "secondary") -> Button:
    return Button(label, {"a": "po", **payload}, color)


def _cancel(draft: int) -> Button:
    return cancel_button(draft, t.BUTTON_CANCEL)



def _choices(draft: int, step: str, labels: dict[str, str], per_row: int) -> list[list[Button]]:
    return grid([_button(label, {"d": draft, "s": step, "v": key}) for key, label in labels.items()], per_row)


def step(s: r.Step) -> Reply:
    """The dialog's next question with its buttons (and «Отменить» under them)."""
    if isinstance(s, r.PickChat):
        rows = [[_button(c.title, {"d": s.draft, "s": "chat", "v": c.id})] for c in s.chats]
        return Reply(t.pick_chat(s), keyboard=inline([*rows, [_cancel(s.draft)]]))
    if isinstance(s, r.AskMultiple):
        return Reply(t.STEP_MULTIPLE.format(title=s.title), keyboard=inline([
            [_button(t.BUTTON_SINGLE, {"d": s.draft, "s": "multiple", "v": 0}),
             _button(t.BUTTON_MULTIPLE, {"d": s.draft, "s": "multiple", "v": 1})], [_cancel(s.draft)]]))
    if isinstance(s, r.AskLimit):
        rows = _choices(s.draft, "limit", t.LIMIT_LABELS, LIMIT_PER_ROW)
        return Reply(t.QUIZ_STEP_LIMIT.format(title=s.title), keyboard=inline([*rows, [_cancel(s.draft)]]))
    if isinstance(s, r.AskNamed):
        return Reply(t.STEP_NAMED, keyboard=inline([
            [_button(t.BUTTON_ANONYMOUS, {"d": s.draft, "s": "named", "v": 0}),
             _button(t.BUTTON_NAMED, {"d": s.draft, "s": "named", "v": 1})], [_cancel(s.draft)]]))
    if isinstance(s, r.AskDeadline):
        rows = _choices(s.draft, "deadline", t.DEADLINE_LABELS, DEADLINE_PER_ROW)
        return Reply(t.STEP_DEADLINE, keyboard=inline([*rows, [_cancel(s.draft)]]))
    if isinstance(s, r.AskText):
        return Reply(t.ask_text(s), keyboard=inline([[_cancel(s.draft)]]))
    return Reply(t.preview(s), keyboard=inline([[
        _button(t.BUTTON_PUBLISH, {"d": s.draft, "s": "go"}, "positive"), _cancel(s.draft)]]))


def published(p: r.Published) -> Reply:
    return Reply(t.published(p), keyboard=inline([[_button(t.BUTTON_CLOSE_NOW, {"c": p.first}, "primary")]]))


def close_asked(a: r.CloseAsked) -> Reply:
    return Reply(t.close_asked(a), keyboard=question_keyboard(a.action_id, t.BUTTON_CLOSE_CONFIRM, "primary"),
                 snack=t.SNACK_CONFIRM)


def vote_snack(v: r.VoteResult) -> str:
    """The snackbar answering a press on an option (at most 90 characters)."""
    if isinstance(v, r.VoteRefused):
        text = t.refused(v)
    elif isinstance(v, r.Voted):
        text = t.voted(v.option, v.changed)
    elif isinstance(v, r.SameVote):
        text = t.same_vote(v.option)
    elif isinstance(v, r.Chosen):
        text = t.chosen(v.numbers)
    elif isinstance(v, r.Withdrawn):
        text = t.SNACK_WITHDRAWN
    else:
        text = t.SNACK_RIGHT if v.right else t.SNACK_WRONG
    return t.snack(text)
