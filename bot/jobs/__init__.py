"""Scheduled jobs. Each is a plain async function of the App that never raises out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs.reports import monthly_reports
from bot.repo import inbox

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "heartbeat"
HEARTBEAT_STALE_SECONDS = 180
INBOX_KEEP_SECONDS = 2 * 24 * 3600  # Callback API retries for about an hour; keep two days


async def prune_inbox(app: Any) -> int:
    """Settled events and actions older than two days go (their texts are already gone)."""
    from bot.repo import outbox

    try:
        older_than = app.now() - INBOX_KEEP_SECONDS
        return await inbox.prune(app.db, older_than=older_than) + await outbox.prune(app.db, older_than=older_than)
    except Exception:
        log.exception("prune_inbox failed")
        return 0


async def expire_pending(app: Any) -> int:
    """Unanswered previews expire; their payload (a roster file with names) is dropped. Never raises."""
    from bot.repo import pending

    try:
        return await pending.expire(app.db, app.now())
    except Exception:
        log.exception("expire_pending failed")
        return 0


VK_PROBE_AFTER_SECONDS = 60  # a quiet bot makes no VK calls: ask VK something cheap instead


async def heartbeat(app: Any) -> None:
    """Write the heartbeat, then when VK last answered (see bot.runtime.health). Never raises."""
    from bot.runtime.health import VK_OK_KEY
    from bot.vk.community import community
    from bot.vk.lanes import Lane

    try:
        # liveness is about the real wall clock, not the (injectable) domain clock
        await inbox.set_kv(app.db, HEARTBEAT_KEY, str(int(time.time())))
    except Exception:
        log.exception("heartbeat failed")
        return
    api = getattr(app, "api", None)
    if api is None:
        return
    try:
        if api.last_success is None or time.time() - api.last_success > VK_PROBE_AFTER_SECONDS:
            await community(api, app.group_id, lane=Lane.BULK)
    except Exception as exc:  # VK down: vk_last_ok stays old and the health check says so
        log.warning("VK probe failed: %s", type(exc).__name__)
    try:
        if api.last_success is not None:
            await inbox.set_kv(app.db, VK_OK_KEY, str(int(api.last_success)))
    except Exception:
        log.exception("heartbeat (vk_last_ok) failed")


async def recheck_rights(app: Any) -> int:
    try:
        return await app.chat_life.recheck_all()
    except Exception:
        log.exception("recheck_rights failed")
        return 0


async def monthly_upkeep(app: Any) -> int:
    from bot.services.upkeep import monthly_upkeep as run

    try:
        return await run(app.db, app.notifier, app.clock.now(), app.settings.reports.hour,
                         recheck=app.services.reach.check)
    except Exception:
        log.exception("monthly_upkeep failed")
        return 0


async def consume_roster_events(app: Any) -> int:
    try:
        return await app.services.membership.consume_events()
    except Exception:
        log.exception("consume_roster_events failed")
        return 0


async def expire_quarantine(app: Any) -> int:
    try:
        return await app.services.admission.expire_quarantine()
    except Exception:
        log.exception("expire_quarantine failed")
        return 0


async def weekly_reconcile(app: Any) -> int:
    try:
        return await app.services.membership.reconcile_all()
    except Exception:
        log.exception("weekly_reconcile failed")
        return 0


async def poll_tick(app: Any) -> int:
    """Polls and quizzes: record the live edits that are due, close what reached its deadline
    (also what fell due while the bot was down: the first tick after start). Never raises."""
    from bot.services.polls import Polls

    try:
        polls = Polls.of(app)
        return await polls.refresh_due() + await polls.close_due()
    except Exception:
        log.exception("poll_tick failed")
        return 0


async def hotline_tick(app: Any) -> int:
    """The hot line: questions a class teacher cannot receive go to the office, reminders of what
    waits, old question texts dropped. Never raises."""
    from bot.services.hotline import Hotline

    try:
        return await Hotline.of(app).tick()
    except Exception:
        log.exception("hotline_tick failed")
        return 0


async def progress_tick(app: Any) -> int:
    """Progress notes: once every message of a sheet was sent (or refused), the teacher is told
    who could not be reached and the delivery rows go. Never raises."""
    from bot.services.progress import Progress

    try:
        return await Progress.of(app).report_finished()
    except Exception:
        log.exception("progress_tick failed")
        return 0


JOBS: list[tuple[str, Callable[[Any], Awaitable[Any]], dict[str, Any]]] = [
    ("prune_inbox", prune_inbox, {"trigger": "interval", "hours": 6}),
    ("heartbeat", heartbeat, {"trigger": "interval", "seconds": 60}),
    ("expire_pending", expire_pending, {"trigger": "interval", "minutes": 30}),
    # hourly: each school is due at its own local hour on the first working day of the month
    ("monthly_upkeep", monthly_upkeep, {"trigger": "cron", "minute": 1}),
    ("consume_roster_events", consume_roster_events, {"trigger": "interval", "minutes": 1}),
    ("monthly_reports", monthly_reports, {"trigger": "cron", "minute": 2}),
    ("expire_quarantine", expire_quarantine, {"trigger": "interval", "minutes": 5}),
    ("poll_tick", poll_tick, {"trigger": "interval", "seconds": 1}),
    ("hotline_tick", hotline_tick, {"trigger": "interval", "minutes": 1}),
    ("progress_tick", progress_tick, {"trigger": "interval", "seconds": 2}),
    ("weekly_reconcile", weekly_reconcile, {"trigger": "cron", "day_of_week": "mon", "hour": 9}),
]


def build_scheduler(app: Any) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=app.settings.bot.timezone)
    for name, func, trigger in JOBS:
        scheduler.add_job(func, args=[app], id=name, coalesce=True, max_instances=1, **trigger)
    scheduler.add_job(
        recheck_rights, "interval", seconds=app.settings.bot.rights_check_seconds, args=[app],
        id="recheck_rights", coalesce=True, max_instances=1,
    )
    for name, func, trigger in app.hooks.jobs:
        scheduler.add_job(func, args=[app], id=name, coalesce=True, max_instances=1, **trigger)
    return scheduler


class InFlight:
    """The scheduler's jobs running now. A stop lets them end before the database closes:
    otherwise a tick that happened to be running was cancelled (or found the database closed)
    and APScheduler logged it as a job that raised — an error at every such stop."""

    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        scheduler.add_listener(self._submitted, EVENT_JOB_SUBMITTED)
        scheduler.add_listener(self._ended, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _submitted(self, event: JobEvent) -> None:
        self.count += 1
        self._idle.clear()

    def _ended(self, event: JobEvent) -> None:
        self.count = max(0, self.count - 1)
        if self.count == 0:
            self._idle.set()

    async def idle(self) -> None:
        """Return once no job is running."""
        await self._idle.wait()
