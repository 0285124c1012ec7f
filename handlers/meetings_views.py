"""How the meeting use cases' results look to the author: the text (bot/texts/meetings.py) and
the buttons of each step of the dialog, the preview, the published meeting, its cancellation."""

from __future__ import annotations

from typing import Any

from bot.domain import when as dom
from bot.services import meetings_results as r
from bot.texts import meetings as t
from bot.vk.keyboards import Button, grid, inline
from handlers.replies import Reply, cancel_button

TIMES = ("08:00", "14:00", "15:00", "16:00", "17:00", "18:00", "18:30", "19:00")  # + «Отмена»: ≤ 10 inline buttons
PER_ROW = 4


def _button(label: str, payload: dict[str, Any], color: str = "secondary") -> Button:
    return Button(label, {"a": "mg", **payload}, color)


def _cancel(draft: int) -> Button:
    return cancel_button(draft, t.BUTTON_CANCEL)



def step(s: r.Step) -> Reply:
    """The dialog's next question with its buttons (and «Отмена» under them)."""
    if isinstance(s, r.PickChat):
        rows = [[_button(c.title[:40], {"d": s.draft, "s": "chat", "v": c.id})] for c in s.chats]
        return Reply(t.PICK_CHAT, keyboard=inline([*rows, [_cancel(s.draft)]]))
    if isinstance(s, r.AskDay):
        days = [_button(label, {"d": s.draft, "s": "day", "v": value}) for value, label in dom.day_presets(s.now, s.tz)]
        return Reply(t.step_day(s), keyboard=inline([*grid(days, PER_ROW), [_cancel(s.draft)]]))
    if isinstance(s, r.AskTime):
        times = [_button(value, {"d": s.draft, "s": "time", "v": value}) for value in TIMES]
        return Reply(t.step_time(s), keyboard=inline([*grid(times, PER_ROW), [_cancel(s.draft)]]))
    if isinstance(s, r.AskTopic):
        return Reply(t.step_topic(s), keyboard=inline([[_cancel(s.draft)]]))
    return Reply(t.preview(s), keyboard=inline([[
        _button(t.BUTTON_PUBLISH, {"d": s.draft, "s": "go"}, "positive"), _cancel(s.draft)]]))


def published(p: r.Published) -> Reply:
    return Reply(t.published(p), keyboard=inline([[
        _button(t.BUTTON_WHO, {"r": p.meeting_id}, "primary"),
        _button(t.BUTTON_CANCEL_MEETING, {"x": p.meeting_id}, "negative")]]))


def cancel_asked(a: r.CancelAsked) -> Reply:
    return Reply(t.cancel_asked(a), keyboard=inline([[
        Button(t.BUTTON_CANCEL_YES, {"a": "pa", "id": a.action_id, "do": "apply"}, "negative"),
        cancel_button(a.action_id, t.BUTTON_CANCEL)]]))


def attendance(a: r.Attendance) -> Reply:
    return Reply(t.attendance(a))
