"""Assembling the moderation engine: services, alert buttons, the purge job."""

from __future__ import annotations

import logging
from typing import Any

from bot.domain.clock import Clock
from bot.db import Database
from bot.repo import moderation as repo
from bot.services.access import Access
from bot.services.authors import Authors
from bot.services.executor import Executor
from bot.services.moderation import QUIET_FLAG, Moderation
from bot.services.moderation_manual import ManualModeration
from bot.services.notify import Notifier
from bot.services.recent import KEEP_SECONDS, RecentMessages
from bot.vk.gateway import VkGateway

log = logging.getLogger(__name__)

FLAG_KEEP_SECONDS = 7 * 86400  # a quiet period is over within days


def build_moderation(db: Database, access: Access, gateway: VkGateway, notifier: Notifier, services: Any,
                     clock: Clock) -> tuple[Moderation, ManualModeration, list[Any]]:
    """The engine, the moderators' commands and buttons, and the evidence purge job."""
    authors = Authors(db, access, services.chats)
    executor = Executor(db, gateway, notifier, services.admission, authors, clock)
    moderation = Moderation(db, executor, services.alerts, authors, services.chats, notifier, clock,
                            RecentMessages(db))
    jobs = [("purge_moderation_evidence", purge_evidence, {"trigger": "cron", "hour": 3, "minute": 30}),
            ("prune_recent_messages", prune_recent, {"trigger": "interval", "minutes": 10})]
    return moderation, ManualModeration(moderation), jobs


async def purge_evidence(app: Any) -> int:
    """Job: forget violation excerpts past ``moderation.evidence_retention_days``, expired mutes,
    old message fingerprints and quiet-hours flags. Never raises; returns excerpts purged."""
    try:
        now = app.now()
        days = app.settings.moderation.evidence_retention_days
        purged = await repo.purge_evidence(app.db, older_than=now - days * 86400)
        await repo.prune_mutes(app.db, now)
        await repo.prune_flags(app.db, QUIET_FLAG, now - FLAG_KEEP_SECONDS)
        if purged:
            log.info("purged evidence of %d violations", purged)
        return purged
    except Exception:
        log.exception("purge_moderation_evidence failed")
        return 0



async def prune_recent(app: Any) -> int:
    """Job: the recorded fingerprints older than the longest window (memory drops them itself)."""
    try:
        return await repo.prune_recent(app.db, app.now() - KEEP_SECONDS)
    except Exception:
        log.exception("prune_recent_messages failed")
        return 0
