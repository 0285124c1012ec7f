"""Assembling the moderation engine into an App: services, alert buttons, the purge job."""

from __future__ import annotations

import logging
from typing import Any

from bot.repo import moderation as repo
from bot.services.authors import Authors
from bot.services.executor import Executor
from bot.services.moderation import QUIET_FLAG, Moderation
from bot.services.moderation_manual import ManualModeration

log = logging.getLogger(__name__)

FLAG_KEEP_SECONDS = 7 * 86400  # a quiet period is over within days


def install(app: Any) -> None:
    """Called from ``bot.app.wire`` after the base routes are set."""
    services = app.services
    authors = Authors(app.db, app.access, services.chats)
    executor = Executor(app.db, app.gateway, app.notifier, services.admission, authors, app.clock)
    moderation = Moderation(app.db, executor, services.alerts, authors, services.chats, app.notifier, app.clock)
    manual = ManualModeration(moderation)
    app.extras["moderation"] = moderation
    app.runner.on_sanction_failed = moderation.sanction_failed
    app.extras["moderation_manual"] = manual
    app.extras.setdefault("alert_handlers", {}).update({"violation": manual.on_alert, "complaint": manual.on_alert})
    app.extras.setdefault("jobs", []).append(
        ("purge_moderation_evidence", purge_evidence, {"trigger": "cron", "hour": 3, "minute": 30}))


async def purge_evidence(app: Any) -> int:
    """Job: forget violation excerpts past ``moderation.evidence_retention_days``, expired mutes,
    old message fingerprints and quiet-hours flags. Never raises; returns excerpts purged."""
    try:
        now = app.now()
        days = app.settings.moderation.evidence_retention_days
        purged = await repo.purge_evidence(app.db, older_than=now - days * 86400)
        await repo.prune_mutes(app.db, now)
        await repo.prune_recent(app.db, now - 3600)
        await repo.prune_flags(app.db, QUIET_FLAG, now - FLAG_KEEP_SECONDS)
        if purged:
            log.info("purged evidence of %d violations", purged)
        return purged
    except Exception:
        log.exception("purge_moderation_evidence failed")
        return 0

