"""Builders for policy tests: plain data only."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from policies.base import AuthorInfo, MessageInput

MSK = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
# 2024-10-16 is a Wednesday.
SCHOOL_NOON = datetime(2024, 10, 16, 12, 0, tzinfo=MSK)

MEMBER = AuthorInfo(user_id=10, status="member", is_chat_staff=False)
CHAT_STAFF = AuthorInfo(user_id=1, status="staff", is_chat_staff=True)
STAFF_MEMBER = AuthorInfo(user_id=2, status="staff", is_chat_staff=False)
OUTSIDER = AuthorInfo(user_id=66, status="outsider", is_chat_staff=False)


def message(text: str = "", *, now: datetime = SCHOOL_NOON, author: AuthorInfo = MEMBER,
            chat_type: str = "students_class", attachments: tuple[str, ...] = ()) -> MessageInput:
    return MessageInput(text=text, now=now, author=author, chat_type=chat_type,
                        attachments=attachments)
