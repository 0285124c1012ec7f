"""How the scheduled posts' use cases' results look to the author: the text (bot/texts/posts.py)
and the buttons of each step of the dialog, the preview, /посты and its edit and cancel."""

from __future__ import annotations

from typing import Any

from bot.domain import when as dom
from bot.services import schedule_results as r
from bot.texts import posts as t
from bot.vk.keyboards import Button, grid, inline
from handlers.replies import Reply, cancel_button

POST_TIMES = ("07:30", "08:00", "09:00", "12:00", "15:00", "18:00", "19:00", "20:00")
LESSON_TIMES = ("08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:30", "12:30")  # + «Отмена»: ≤ 10
LIST_LIMIT = 5  # posts with buttons in one /посты answer (VK: at most 10 buttons inline)
PER_ROW = 4


def _button(label: str, payload: dict[str, Any], color: str = "secondary") -> Button:
    return Button(label, {"a": "ps", **payload}, color)


def _cancel(draft: int) -> Button:
    return cancel_button(draft, t.BUTTON_CANCEL)



def step(s: r.Step) -> Reply:
    """The dialog's next question with its buttons (and «Отмена» under them), or what an edit did."""
    if isinstance(s, r.PickChat):
        rows = [[_button(c.title[:40], {"d": s.draft, "s": "chat", "v": c.id})] for c in s.chats]
        return Reply(t.PICK_CHAT, keyboard=inline([*rows, [_cancel(s.draft)]]))
    if isinstance(s, r.AskContent):
        return Reply(t.ask_content(s), keyboard=inline([[_cancel(s.draft)]]))
    if isinstance(s, r.AskDay):
        buttons = [_button(label, {"d": s.draft, "s": f"{s.field}_day", "v": value})
                   for value, label in dom.day_presets(s.now, s.tz)]
        if s.field == "due":
            buttons.insert(0, _button(t.BUTTON_NOW, {"d": s.draft, "s": "due_day", "v": "now"}, "primary"))
        text = t.STEP_DAY_DUE if s.field == "due" else t.STEP_DAY_LESSON
        return Reply(text, keyboard=inline([*grid(buttons, PER_ROW), [_cancel(s.draft)]]))
    if isinstance(s, r.AskTime):
        times = POST_TIMES if s.field == "due" else LESSON_TIMES
        buttons = [_button(v, {"d": s.draft, "s": f"{s.field}_time", "v": v}) for v in times]
        return Reply(t.ask_time(s), keyboard=inline([*grid(buttons, PER_ROW), [_cancel(s.draft)]]))
    if isinstance(s, r.Preview):
        buttons = [_button(t.BUTTON_SCHEDULE, {"d": s.draft, "s": "go"}, "positive")]
        if s.quiet is not None:
            buttons.append(_button(t.BUTTON_FORCE, {"d": s.draft, "s": "force"}, "negative"))
        return Reply(t.preview(s), keyboard=inline([buttons, [_cancel(s.draft)]]))
    if isinstance(s, r.AskEditText):
        return Reply(t.EDIT_TEXT, keyboard=inline([[_cancel(s.draft)]]))
    if isinstance(s, r.Edited):
        return Reply(t.edited(s))
    return Reply(t.edited_lesson(s))


def scheduled(s: r.Scheduled) -> Reply:
    return Reply(t.scheduled(s))


def listing(found: r.Listing) -> Reply:
    rows = [[_button(t.BUTTON_EDIT.format(number=number), {"e": post.post_id}),
             _button(t.BUTTON_DROP.format(number=number), {"x": post.post_id}, "negative")]
            for number, post in enumerate(found.posts[:LIST_LIMIT], start=1)]
    return Reply(t.listing(found.posts), keyboard=inline(rows) if rows else None)


def edit_menu(m: r.EditMenu) -> Reply:
    buttons = [_button(t.BUTTON_EDIT_TEXT, {"et": m.post_id, "w": "text"}),
               _button(t.BUTTON_EDIT_TIME, {"et": m.post_id, "w": "time"})]
    if m.material:
        buttons.append(_button(t.BUTTON_EDIT_LESSON, {"et": m.post_id, "w": "lesson"}))
    return Reply(t.edit_what(m.text), keyboard=inline([buttons]))


def cancel_asked(a: r.CancelAsked) -> Reply:
    return Reply(t.cancel_asked(a), keyboard=inline([[
        Button(t.BUTTON_DROP_YES, {"a": "pa", "id": a.action_id, "do": "apply"}, "negative"),
        cancel_button(a.action_id, t.BUTTON_CANCEL)]]))
