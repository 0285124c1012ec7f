"""Rendering the chats service's typed results: texts from bot/texts/chats.py, buttons here."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.runtime.app import App
from bot.services.chats import ChatExists, ClassQuestion, CreateResult, Overview, SchoolChats
from bot.texts import chats as t
from bot.texts import confirm as ct
from bot.vk.keyboards import Button, inline
from handlers.replies import Reply, cancel_button

CLASS_BUTTONS_PER_ROW = 4


async def created_text(app: App, result: CreateResult) -> str:
    if isinstance(result, ChatExists):
        return t.exists(result)
    missing = result.leader_not_added
    name = await app.services.chats.vk_name(missing[0]) if missing is not None else None
    return t.created(result, name)


def overview_text(result: Overview) -> str:
    return t.school_chats(result) if isinstance(result, SchoolChats) else t.territory(result)


def class_question(q: ClassQuestion) -> Reply:
    """The classes as buttons (four to a row), «Для всей школы» for parents, and «Отменить»."""
    def press(**data: str) -> dict[str, Any]:
        return {"a": "pa", "id": q.action_id, "do": "apply", **data}

    rows = [[Button(t.class_button(q, c), press(c=c)) for c in q.classes[i:i + CLASS_BUTTONS_PER_ROW]]
            for i in range(0, len(q.classes), CLASS_BUTTONS_PER_ROW)]
    if q.whole_school:
        rows.append([Button(ct.BUTTON_WHOLE_SCHOOL, press(c=""))])
    rows.append([cancel_button(q.action_id, color="negative")])
    return Reply(t.class_question(q), inline(rows))

