"""The job behind meetings and scheduled posts (registered through ``App.hooks.jobs``)."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

SCHEDULE_JOB: tuple[str, dict[str, Any]] = ("schedule_tick", {"trigger": "interval", "seconds": 1})


async def schedule_tick(app: Any) -> int:
    """Meetings (reminders, the call link) and scheduled posts (also what fell due while the bot
    was down: the first tick after start), and the not-read lists of material. Never raises."""
    from bot.services.meetings import Meetings
    from bot.services.schedule import Schedule

    done = 0
    for service in (Meetings.of(app), Schedule.of(app)):
        try:
            done += await service.tick()
        except Exception:
            log.exception("schedule_tick (%s) failed", type(service).__name__)
    return done
