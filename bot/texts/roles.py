"""/роль answers, rendered from the typed results of ``bot.services.roles``. ``role`` is the
role's Russian name (``bot.services.access.ROLE_NAMES_RU``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import texts
from bot.domain import gender
from bot.domain.classes import ClassName
from bot.domain.role_command import Order
from bot.texts import admission

if TYPE_CHECKING:
    from bot.services.roles import AlreadyHeld, Granted, Linked, NotHeld, Revoked


def extra(cls: ClassName | None, subject: str | None) -> str:
    """« 5А (математика)» after a role's name."""
    return (f" {cls}" if cls else "") + (f" ({subject})" if subject else "")


def order(o: Order | None) -> str:
    return texts.SCHOOL_STAFF_ORDER.format(no=o.no, date=o.date) if o else ""


def order_basis(o: Order) -> str:
    """The basis recorded with a revoked role."""
    return f"приказ № {o.no} от {o.date}"


def _reach(unreachable: bool, name: str, community: str) -> str:
    return "\n\n" + admission.role_unreachable(name, gender.female(name), community) if unreachable else ""


def granted(r: Granted, role: str, community: str) -> str:
    return texts.ROLE_GRANTED.format(role=role, extra=extra(r.cls, r.subject), name=r.name, vk_id=r.vk_id,
                                     org=r.org, order=order(r.order)) + _reach(r.unreachable, r.name, community)


def already(r: AlreadyHeld, role: str) -> str:
    return texts.ROLE_ALREADY.format(name=r.name, role=role, extra=extra(r.cls, r.subject), org=r.org)


def revoked(r: Revoked, role: str) -> str:
    return texts.ROLE_REVOKED.format(role=role, name=r.name, org=r.org, order=order(r.order))


def not_held(r: NotHeld, role: str) -> str:
    return texts.ROLE_NOT_HELD.format(name=r.name, role=role, org=r.org)


def linked(r: Linked, community: str) -> str:
    return texts.role_linked(r.name, r.org, r.vk_id) + _reach(r.unreachable, r.name, community)


def notice_granted(r: Granted, role: str) -> str:
    """Told to the new role holder with their new start keyboard."""
    return admission.ROLE_NOTICE_GRANTED.format(role=role, extra=extra(r.cls, r.subject), org=r.org)


def notice_revoked(r: Revoked, role: str) -> str:
    return admission.ROLE_NOTICE_REVOKED.format(role=role, org=r.org)


def notice_linked(r: Linked) -> str:
    return admission.ROLE_NOTICE_LINKED.format(name=r.name, org=r.org)
