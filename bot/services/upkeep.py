"""The monthly roster reminder: on the first working day, 10:00 in each school's time zone."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.domain.calendar import first_working_day
from bot.pipeline.unit import unit
from bot.repo import inbox
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import reach as reach_repo
from bot.repo import roles as role_repo
from bot.repo.orgs import Org
from bot.services.notify import Notifier
from bot.services.orgs import unreachable_staff
from bot.texts import upkeep as upkeep_texts

log = logging.getLogger(__name__)

RECIPIENT_ROLES = ("school_admin", "chat_responsible")


def is_due(org: Org, now_utc: datetime, hour: int) -> bool:
    """True during the hour that starts at ``hour``:00 on the first working day, local time."""
    local = now_utc.astimezone(ZoneInfo(org.timezone))
    return local.date() == first_working_day(local.year, local.month) and local.hour == hour


def due_month_key(org: Org, now_utc: datetime, hour: int, prefix: str) -> str | None:
    """The once-per-month mark of a monthly job for ``org`` if it is due now, else None."""
    if not is_due(org, now_utc, hour):
        return None
    return f"{prefix}:{org.id}:{now_utc.astimezone(ZoneInfo(org.timezone)):%Y-%m}"


@dataclass(frozen=True)
class Discrepancies:
    """What the monthly reminder asks a school to fix (all zero/empty: nothing)."""

    unlinked_students: int  # people of the roster without a linked VK
    unlinked_parents: int
    unlinked_staff: int
    untaught: tuple[str, ...]  # classes without a class teacher
    stale_members: int  # people who left the school but are still in its chats
    unreachable: tuple[str, ...]  # staff the bot cannot write to

    def __bool__(self) -> bool:
        return bool(self.unlinked_students or self.unlinked_parents or self.unlinked_staff or self.untaught
                    or self.stale_members or self.unreachable)


async def discrepancies(db: Database, org_id: int) -> Discrepancies:
    unlinked = await people_repo.unlinked_counts(db, org_id)
    return Discrepancies(
        unlinked.get("student", 0), unlinked.get("parent", 0), unlinked.get("staff", 0),
        tuple(await people_repo.classes_without_teacher(db, org_id)),
        await member_repo.stale_count(db, org_id),
        tuple(await unreachable_staff(db, org_id)),
    )


async def recipients(db: Database, org_id: int) -> list[int]:
    grants = await role_repo.active_in_org(db, org_id, RECIPIENT_ROLES)
    ids = []
    for grant in grants:
        vk_id = await people_repo.vk_id_of(db, grant.person_id)
        if vk_id:
            ids.append(vk_id)
    return list(dict.fromkeys(ids))


async def monthly_upkeep(db: Database, notifier: Notifier, now: float, hour: int = 10,
                         recheck: Callable[[int], Awaitable[bool | None]] | None = None) -> int:
    """Send the reminder to every school whose local time is due; once per school and month.
    ``recheck``: asks VK again about staff recorded as unreachable (someone may have allowed the
    community's messages while the bot was not listening), so the reminder names only the real ones."""
    now_utc = datetime.fromtimestamp(now, UTC)
    sent = 0
    for org in await org_repo.all_of_kind(db, "school"):
        try:
            key = due_month_key(org, now_utc, hour, "upkeep")
            if key is None or await inbox.get_kv(db, key):
                continue
            if recheck is not None:
                for _, _, vk_id in await reach_repo.unreachable_staff(db, org.id):
                    await recheck(vk_id)
            text = upkeep_texts.reminder(org.name, await discrepancies(db, org.id))
            # the reminders and the «sent» mark in one transaction: once per school and month
            with unit(key):
                async with db.transaction():
                    if await inbox.get_kv(db, key):
                        continue
                    await notifier.to_people(await recipients(db, org.id), text)
                    await inbox.set_kv(db, key, str(int(now)))
            sent += 1
        except Exception:
            log.exception("monthly upkeep failed for org %s", org.id)
    return sent
