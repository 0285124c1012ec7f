"""Choosing the organisation a command is about (``bot.services.orgs.Orgs.resolve``): what the
command needs it for and how the command takes an organisation's code. Typed, so that the
service gets no Russian; bot/texts/orgs.py words them (the refusal, the hint)."""

from __future__ import annotations

from enum import StrEnum


class OrgPurpose(StrEnum):
    """What the organisation is needed for: names what a refusal is about («У вас нет прав на …»)."""

    SCHOOL_VIEW = "school_view"  # /школа
    CHATS_CREATE = "chats_create"  # /создать, /привязать
    CHATS_VIEW = "chats_view"  # /чаты
    ROLES = "roles"  # /роль
    ROSTER = "roster"  # /импорт, /зачислить, /коды …
    REPORTS = "reports"  # /отчёт


class CodeForm(StrEnum):
    """How the command takes an organisation's code: the hint when it is missing or ambiguous."""

    TRAILING = "trailing"  # «школа <код>» at the end of the command
    ROLE = "role"  # «школа <код>», or «орг <код>» for coordinators' roles
    SCHOOL = "school"  # /школа <код>
    CHATS = "chats"  # /чаты <код>
    REPORT = "report"  # /отчёт <код>
