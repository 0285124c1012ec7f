"""The monthly roster reminder (bot/services/upkeep.py), rendered from its typed discrepancies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import texts
from bot.texts import orgs

if TYPE_CHECKING:
    from bot.services.upkeep import Discrepancies


def lines(d: Discrepancies) -> list[str]:
    """One bullet per kind of discrepancy (none: nothing to fix)."""
    out: list[str] = []
    if d.unlinked_students or d.unlinked_parents or d.unlinked_staff:
        out.append(texts.UPKEEP_UNLINKED.format(students=d.unlinked_students, parents=d.unlinked_parents,
                                                staff=d.unlinked_staff))
    if d.untaught:
        out.append(texts.UPKEEP_NO_TEACHER.format(classes=", ".join(d.untaught)))
    if d.stale_members:
        out.append(texts.UPKEEP_STALE_MEMBERS.format(count=d.stale_members))
    if d.unreachable:
        out.append(orgs.unreachable(d.unreachable, reminder=True))
    return out


def reminder(school: str, d: Discrepancies) -> str:
    return "\n".join([texts.UPKEEP_HEADER.format(org=school), *(lines(d) or [texts.UPKEEP_ALL_GOOD])])
