"""Preparing and delivering reports; the monthly job that sends last month's report.

``monthly_reports`` runs hourly (like upkeep): each org is due at ``reports.hour`` on the first
working day of the month in its own time zone, once per month (a kv key). It also freezes the
roster snapshot of every school as soon as its month is over, so the report sent days later
(January's first working day is the 9th) shows the roster as the month ended.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.texts import reports as t
from bot.db import Database
from bot.pipeline.effects import Effects
from bot.pipeline.unit import unit
from bot.repo import inbox
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.repo.orgs import Org
from bot.repo import aggregates as agg_repo
from bot.services import report_render as render
from bot.services import report_views as views
from bot.services.report_chart import daily_chart
from bot.services.report_months import current_month, month_ru, period_ru, previous_month
from bot.services.upkeep import due_month_key

log = logging.getLogger(__name__)

SCHOOL_RECIPIENTS = ("school_admin", "chat_responsible")
COORDINATOR_ROLE = {"municipality": "municipal_coordinator", "region": "regional_coordinator"}


@dataclass(frozen=True)
class ReportFiles:
    text: str
    xlsx: bytes
    csv: bytes
    png: bytes
    basename: str  # «otchet-sch12-2026-09»


async def prepare(db: Database, org: Org, month: str, now: float, *, names: bool = True) -> ReportFiles:
    """The report of ``org`` (a school or other org, a municipality or a region) for ``month``.
    ``names``: whether the silent members are listed by name (the school's managers, as in the
    cabinet); otherwise by kind and class only."""
    period = period_ru(month, org.timezone)
    if org.kind in COORDINATOR_ROLE:
        area = await views.territory_schools(db, org.id, month, now=now)
        text, sheets, daily = render.area_summary(area, period), render.area_sheets(area, period), area.daily
    else:
        report = await views.school_overview(db, org.id, month, now=now)
        labels = await agg_repo.person_labels(db, report.silent_ids)
        if not names:
            labels = {pid: (t.NAME_HIDDEN, kind, klass) for pid, (_, kind, klass) in labels.items()}
        text = render.school_summary(report, period)
        sheets, daily = render.school_sheets(report, period, labels), report.daily
    title = t.CHART_TITLE.format(name=org.name, month=month_ru(month))
    # rendering is CPU work: keep the event loop (and the message path) free meanwhile
    xlsx, csv, png = await asyncio.to_thread(
        lambda: (render.to_xlsx(sheets), render.to_csv(sheets), daily_chart(daily, month, title)))
    return ReportFiles(text, xlsx, csv, png, f"otchet-{org.code}-{month}")


async def upload(gateway: Any, peer_id: int, files: ReportFiles) -> str:
    """Upload the three files for ``peer_id``; the attachment string (VK errors propagate).
    An upload is not seen by anyone until the message that carries it is sent."""
    docs = [await gateway.upload_doc(peer_id, f"{files.basename}.{ext}", data)
            for ext, data in (("xlsx", files.xlsx), ("csv", files.csv), ("png", files.png))]
    return ",".join(docs)


async def deliver(gateway: Any, effects: Effects, peer_id: int, files: ReportFiles, *,
                  intro: str | None = None) -> None:
    """Upload the files and record the summary with them (sent by the action runner)."""
    attachment = await upload(gateway, peer_id, files)
    text = f"{intro}\n{files.text}" if intro else files.text
    await effects.send(peer_id, text, attachment=attachment)


async def recipients(db: Database, org: Org) -> list[int]:
    roles = (COORDINATOR_ROLE[org.kind],) if org.kind in COORDINATOR_ROLE else SCHOOL_RECIPIENTS
    ids: list[int] = []
    for grant in await role_repo.active_in_org(db, org.id, roles):
        person = await people_repo.get(db, grant.person_id)
        if person is not None and person.status == "active" and person.vk_id:
            ids.append(person.vk_id)
    return list(dict.fromkeys(ids))


async def freeze_closed_months(db: Database, now: float) -> int:
    """Store the final roster snapshot of last month for every school and other org that has none
    yet, and refresh this month's running snapshot (what coordinators' pages read): hourly."""
    orgs = [*await org_repo.all_of_kind(db, "school"), *await org_repo.all_of_kind(db, "other")]
    by_month: dict[str, list[Org]] = {}
    for org in orgs:
        by_month.setdefault(previous_month(now, org.timezone), []).append(org)
        by_month.setdefault(current_month(now, org.timezone), []).append(org)
    taken = 0
    for month, members in by_month.items():
        before = {o.id for o in members}
        snaps = await views.snapshots(db, members, month, now, max_age=views.STALE_SECONDS / 2)
        taken += sum(1 for oid, s in snaps.items() if oid in before and s.taken_at == int(now))
    return taken


async def send_monthly(db: Database, gateway: Any, effects: Effects, now: float, hour: int) -> int:
    """Send last month's report to every org due now; returns how many orgs were sent. The
    messages and the «sent» mark are recorded in one transaction: once per org and month."""
    now_utc = datetime.fromtimestamp(now, UTC)
    sent = 0
    for kind in ("school", "municipality", "region"):
        for org in await org_repo.all_of_kind(db, kind):
            try:
                key = due_month_key(org, now_utc, hour, "reports-sent")
                if key is None or await inbox.get_kv(db, key):
                    continue
                people = await recipients(db, org)
                uploaded: dict[int, str] = {}
                files = await prepare(db, org, previous_month(now, org.timezone), now) if people else None
                for vk_id in people:
                    try:
                        assert files is not None
                        uploaded[vk_id] = await upload(gateway, vk_id, files)
                    except Exception as exc:  # one unreachable person must not stop the others
                        log.warning("monthly report to %s (org %s) not uploaded: %s", vk_id, org.id,
                                    type(exc).__name__)
                with unit(key):
                    async with db.transaction():
                        if await inbox.get_kv(db, key):
                            continue  # another worker was faster
                        for vk_id, attachment in uploaded.items():
                            assert files is not None
                            await effects.send(vk_id, f"{t.MONTHLY_INTRO}\n{files.text}", attachment=attachment)
                        await inbox.set_kv(db, key, str(int(now)))
                sent += 1
            except Exception:
                log.exception("monthly report failed for org %s", org.id)
    return sent


async def monthly_reports(app: Any) -> int:
    """The scheduled job (hourly, like upkeep). Never raises."""
    now = app.clock.now()
    try:
        await freeze_closed_months(app.db, now)
    except Exception:
        log.exception("freezing last month's rosters failed")
    try:
        return await send_monthly(getattr(app, "report_db", app.db), app.gateway, app.effects, now,
                                  app.settings.reports.hour)
    except Exception:
        log.exception("monthly_reports failed")
        return 0
