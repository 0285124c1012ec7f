"""Organisations: /организация's answer and the school card (/школа, the menu's «Сотрудники» and
«Школы»), rendered from the typed results of ``bot.services.orgs``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot import texts
from bot.domain import gender
from bot.texts import admission

if TYPE_CHECKING:
    from bot.services.orgs import SchoolCard


def created(kind: str, name: str, code: str, tz: str, parent_code: str | None) -> str:
    """``tz``: the time zone as people read it (bot.domain.timezones.describe)."""
    parent = texts.ORG_PARENT_NOTE.format(parent=parent_code) if parent_code else ""
    return texts.ORG_CREATED.format(kind=texts.ORG_KIND_NAMES[kind], name=name, code=code, tz=tz, parent=parent)


def what_create_in(parent: str) -> str:
    """What is refused to someone without the right in the parent organisation."""
    return f"создание организаций в «{parent}»"


def unreachable(names: Sequence[str], *, reminder: bool) -> str:
    """Staff the bot cannot write to, with the one step that fixes it ("" if none)."""
    if not names:
        return ""
    return admission.unreachable([(name, gender.female(name)) for name in names], reminder=reminder)


def school_card(card: SchoolCard, role_names: Mapping[str, str]) -> str:
    """``role_names``: role id → its Russian name (bot.services.access.ROLE_NAMES_RU)."""
    lines = []
    for entry in card.staff:
        order = (texts.SCHOOL_STAFF_ORDER.format(no=entry.order_no, date=entry.order_date or "—")
                 if entry.order_no else "")
        lines.append(texts.SCHOOL_STAFF_LINE.format(role=role_names.get(entry.role, entry.role),
                                                    name=entry.name or "?", order=order))
    text = texts.SCHOOL_CARD.format(
        name=card.name, code=card.code, tz=card.timezone, staff="\n".join(lines) or texts.SCHOOL_NO_STAFF,
        classes=card.classes, student=card.students, parent=card.parents, staff_count=card.staff_count,
        linked=card.linked,
    )
    return text + "\n" + (unreachable(card.unreachable, reminder=False) or admission.SCHOOL_ALL_REACHABLE)
