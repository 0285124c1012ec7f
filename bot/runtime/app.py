"""The composition of one running bot: settings, database, VK gateway and services.

Handlers and jobs receive the ``App`` and use its services; nothing is global.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot import texts

from bot.domain.clock import Clock
from bot.config import Settings
from bot.db import Database, open_database
from bot.jobs.schedule import SCHEDULE_JOB, schedule_tick
from bot.pipeline.effects import Effects
from bot.runtime.moderation import build_moderation
from bot.runtime.stopping import bounded
from bot.pipeline.runner import ActionRunner
from bot.repo import chats as chat_repo
from bot.repo.outbox import Recorded
from bot.services.access import Access
from bot.services.chat_life import ChatLife
from bot.services.activity import ActivityCounter
from bot.services.admission import Admission
from bot.services.alerts import Alerts
from bot.services.announce import announce_tick
from bot.services.chats import Chats
from bot.services.files import Files
from bot.services.linking import Linking
from bot.services.membership import Membership
from bot.services.moderation import Moderation
from bot.services.meetings import Meetings
from bot.services.moderation_manual import ManualModeration
from bot.services.notify import Notifier
from bot.services.orgs import Orgs
from bot.services.pending import Pendings
from bot.services.polls import Polls
from bot.services.reach import Reach, community_ref
from bot.services.resources import Resources
from bot.services.roles import Roles
from bot.services.roster import Roster
from bot.services.web_auth import CabinetAuth
from bot.vk.api import LimitedAPI
from bot.vk.community import community
from bot.vk.gateway import VkGateway
from bot.vk.ratelimit import RateLimiter

log = logging.getLogger(__name__)

# a step of ``App.close``: longer than the database's own wait for a group commit (5 s)
CLOSE_STEP_SECONDS = 15.0


@dataclass
class Services:
    orgs: Orgs
    roles: Roles
    roster: Roster
    linking: Linking
    chats: Chats
    admission: Admission
    membership: Membership
    alerts: Alerts
    reach: Reach  # who cannot receive the bot's private messages
    pending: Pendings  # confirmations and dialog drafts waiting for a press or text
    files: Files  # documents people send and the files of answers


Job = tuple[str, Callable[[Any], Awaitable[Any]], dict[str, Any]]


@dataclass
class Hooks:
    """How features react to each other, wired once in ``create_app``."""

    after_roster_change: Callable[[], Awaitable[Any]]  # roster events to apply to chats
    jobs: list[Job] = field(default_factory=list)  # scheduled jobs features add
    # handle a text as if the person had typed it privately (a menu button running a typed
    # command's own path); set by the running bot (handlers.menus.attach_typed)
    typed: Callable[[int, str], Awaitable[None]] | None = None


@dataclass
class App:
    settings: Settings
    db: Database
    api: LimitedAPI
    gateway: VkGateway
    clock: Clock
    group_id: int
    screen_name: str | None
    access: Access
    notifier: Notifier
    chat_life: ChatLife
    services: Services
    effects: Effects
    runner: ActionRunner
    activity: ActivityCounter
    moderation: Moderation
    manual: ManualModeration
    hooks: Hooks
    # long report queries read through their own read-only connection: the message path's reads
    # never queue behind them (the same database as ``db`` when it lives in memory)
    report_db: Database
    cabinet: CabinetAuth  # sign-in links and sessions of the web cabinet
    commands: set[str] = field(default_factory=set)  # the commands that have a handler (for /помощь)

    def now(self) -> int:
        return int(self.clock.now())

    async def close(self, *, seconds: float = CLOSE_STEP_SECONDS) -> list[str]:
        """Flush and close everything; returns the steps that did not end in time.

        Each step is bounded (``bounded``): one that hangs — a database thread that never answers,
        a connection that never closes — is named in the log and left behind, and the next one
        runs; a close never hangs. The database closes last: what was committed stays committed
        whatever a step does (a commit is in the WAL before close, kept even if it never ends);
        activity counts a timed-out flush did not write are the only thing given up."""
        steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            # counts buffered by callers of ``record`` are not lost
            ("flushing activity counts", self.activity.flush),
        ]
        if self.report_db is not self.db:
            steps.append(("closing the report database", self.report_db.close))
        steps.append(("closing the VK HTTP client", self.api.http_client.close))
        steps.append(("closing the database", self.db.close))
        overran = []
        for what, step in steps:
            if not await bounded(step(), what, seconds):
                overran.append(what)
        return overran


def make_api(settings: Settings) -> LimitedAPI:
    token = settings.vk.token.get_secret_value() if settings.vk.token else ""
    return LimitedAPI(
        token,
        api_url=settings.vk.api_url,
        api_version=settings.vk.api_version,
        limiter=RateLimiter(settings.vk.rps_limit),
        timeout=settings.vk.timeout_s,
    )


async def resolve_group(api: LimitedAPI, group_id: int | None) -> tuple[int, str | None]:
    """The community id and screen name, asking VK (the token tells whose it is)."""
    found = await community(api, group_id)
    return found.id, found.screen_name


async def create_app(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> App:
    clock = clock or Clock()
    db = db or await open_database(settings.db.path)
    api = make_api(settings)
    try:
        group_id, screen_name = await resolve_group(api, settings.vk.group_id)
    except BaseException:
        await api.http_client.close()
        await db.close()
        raise
    gateway = VkGateway(api, group_id)
    effects = Effects(db, clock)
    runner = ActionRunner(db, gateway, clock)
    effects.on_recorded(runner.wake)
    access = Access(db, settings.bot.operators)
    notifier = Notifier(db, gateway, clock, effects)
    orgs = Orgs(db, access)
    alerts = Alerts(db, notifier, clock)

    # members the bot never saw join (there before it was bound, or joined while it had no rights)
    # are judged by Admission like newcomers (Membership needs Admission, which needs Chats)
    async def on_bound(chat: chat_repo.Chat) -> Any:
        return await membership.admit_present(chat)

    chats = Chats(db, gateway, notifier, access, orgs, alerts, clock, on_bound=on_bound)
    admission = Admission(db, notifier, alerts, chats, clock,
                          settings.moderation.quarantine_minutes * 60, effects,
                          community=community_ref(group_id, screen_name))
    membership = Membership(db, gateway, notifier, clock, admission)
    reach = Reach(db, gateway, clock)
    services = Services(
        orgs=orgs,
        roles=Roles(db, orgs, gateway, reach=reach, admission=admission),
        roster=Roster(db, orgs),
        linking=Linking(db, settings.bot.code_pepper.get_secret_value().encode(), settings.bot.code_ttl_days,
                        admission=admission, notifier=notifier),
        chats=chats,
        admission=admission,
        membership=membership,
        alerts=alerts,
        reach=reach,
        pending=Pendings(db, clock),
        files=Files(gateway),
    )
    chats.names = runner.names  # one cache of names for the whole bot
    chat_life = ChatLife(db, gateway, clock, notifier, on_rights_regained=functools.partial(
        membership.admit_present, occasion=texts.SWEEP_OCCASION_RIGHTS))
    moderation, manual, moderation_jobs = build_moderation(db, access, gateway, notifier, services, clock)
    runner.on_sanction_failed = moderation.sanction_failed

    async def undeliverable(action: Recorded) -> None:
        await reach.undeliverable(action)  # the school is told who cannot be reached
        await moderation.signal_undelivered(action)

    runner.on_undeliverable = undeliverable

    hooks = Hooks(
        after_roster_change=membership.consume_events,
        jobs=[*moderation_jobs, (SCHEDULE_JOB[0], schedule_tick, SCHEDULE_JOB[1]),
              ("announce_tick", announce_tick, {"trigger": "interval", "seconds": 2})],
    )
    report_db = await db.side_reader()
    app = App(
        settings=settings, db=db, api=api, gateway=gateway, clock=clock, group_id=group_id,
        screen_name=screen_name, access=access, notifier=notifier, chat_life=chat_life, services=services,
        effects=effects, runner=runner, activity=ActivityCounter(db), moderation=moderation, manual=manual,
        hooks=hooks, report_db=report_db, cabinet=make_cabinet(settings, db, access, clock),
    )
    wire(app)
    return app


def make_cabinet(settings: Settings, db: Database, access: Access, clock: Clock) -> CabinetAuth:
    return CabinetAuth(db, access, clock, settings.bot.code_pepper.get_secret_value().encode(),
                       link_seconds=settings.web.link_minutes * 60,
                       session_seconds=int(settings.web.session_hours * 3600))


def wire(app: App) -> None:
    """Connect the services that react to each other's outcomes."""

    async def rights_lost(chat_id: int) -> None:
        chat = await chat_repo.get(app.db, chat_id)
        if chat is not None and chat.bot_is_admin:
            await app.services.membership.rights_lost(chat)

    app.runner.on_rights_lost = rights_lost
    # a chat's pinned resource list: the runner tells which message it became (edited in place later)
    # a poll's message: its cmid learned when sent (live counts, buttons gone at the close)
    # a meeting's invitation likewise (live counts, reminders as replies, the cancellation's edit)
    by_tag = {"poll": Polls.of(app).sent, "meet": Meetings.of(app).sent}
    resources_sent = Resources.of(app).sent

    async def sent(track: str, cmid: int) -> None:
        await by_tag.get(track.partition(":")[0], resources_sent)(track, cmid)

    app.runner.on_sent = sent
    # a message the moderation deletes (obscene, written while muted) is not participation: its
    # count is taken back in the deciding transaction
    app.moderation.uncount = app.activity.uncount
    app.moderation.uncount_alert = app.activity.uncount_alert
    sanction_failed = app.moderation.sanction_failed

    async def refused(violation_id: int, rights_lost: bool) -> None:
        # VK refused the deletion: the message stayed, so it counts again (same transaction)
        await sanction_failed(violation_id, rights_lost)
        await app.activity.recount_violation(violation_id)

    app.runner.on_sanction_failed = refused
