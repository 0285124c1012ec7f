"""The composition of one running bot: settings, database, VK gateway and services.

Handlers and jobs receive the ``App`` and use its services; nothing is global.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database, open_database
from bot.pipeline.effects import Effects
from bot.pipeline.runner import ActionRunner
from bot.services.access import Access
from bot.services.chat_life import ChatLife
from bot.services.activity import ActivityCounter
from bot.services.admission import Admission
from bot.services.alerts import Alerts
from bot.services.chats import Chats
from bot.services.linking import Linking
from bot.services.membership import Membership
from bot.services.notify import Notifier
from bot.services.orgs import Orgs
from bot.services.roles import Roles
from bot.services.roster import Roster
from bot.vk.api import LimitedAPI
from bot.vk.gateway import VkGateway
from bot.vk.ratelimit import RateLimiter

log = logging.getLogger(__name__)


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
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> int:
        return int(self.clock.now())

    @property
    def report_db(self) -> Database:
        """Long report queries run on their own connection so the message path is not stalled."""
        return self.extras.get("report_db", self.db)

    async def close(self) -> None:
        counter = self.extras.get("activity")
        if counter is not None:
            await counter.flush()  # counts buffered since the last flush are not lost
        report_db = self.extras.pop("report_db", None)
        if report_db is not None:
            await report_db.close()
        await self.api.http_client.close()
        await self.db.close()


def make_api(settings: Settings) -> LimitedAPI:
    token = settings.vk.token.get_secret_value() if settings.vk.token else ""
    return LimitedAPI(
        token,
        api_url=settings.vk.api_url,
        api_version=settings.vk.api_version,
        limiter=RateLimiter(settings.vk.rps_limit),
    )


async def resolve_group(api: LimitedAPI, group_id: int | None) -> tuple[int, str | None]:
    """The community id and screen name, asking VK (the token tells whose it is)."""
    params: dict[str, Any] = {"group_id": group_id} if group_id else {}
    response = (await api.request("groups.getById", params))["response"]
    groups = response.get("groups", response) if isinstance(response, dict) else response
    first = groups[0]
    return int(first["id"]), first.get("screen_name")


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
    chats = Chats(db, gateway, notifier, access, orgs, clock)
    membership = Membership(db, gateway, notifier, clock)
    admission = Admission(db, gateway, notifier, alerts, chats, clock,
                          settings.moderation.quarantine_minutes * 60, effects)
    admission.rights_lost = membership.rights_lost
    services = Services(
        orgs=orgs,
        roles=Roles(db, access, orgs, gateway),
        roster=Roster(db, orgs),
        linking=Linking(db, settings.bot.code_pepper.get_secret_value().encode(), settings.bot.code_ttl_days),
        chats=chats,
        admission=admission,
        membership=membership,
        alerts=alerts,
    )
    app = App(
        settings=settings, db=db, api=api, gateway=gateway, clock=clock, group_id=group_id,
        screen_name=screen_name, access=access, notifier=notifier,
        chat_life=ChatLife(db, gateway, clock, notifier), services=services, effects=effects, runner=runner,
    )
    app.extras["activity"] = ActivityCounter(db)
    if db.path != ":memory:":
        app.extras["report_db"] = await Database.open(db.path)
    chats.names = runner.names  # one cache of names for the whole bot
    wire(app)
    return app


def wire(app: App) -> None:
    """Connect features that react to each other (hooks and button routes)."""
    from handlers.chats import alert_press

    async def on_linked(vk_id: int, person_id: int) -> None:
        await app.services.membership.send_links(vk_id, person_id)

    async def after_roster_change() -> None:
        await app.services.membership.consume_events()

    app.extras["on_linked"] = on_linked
    app.extras["after_roster_change"] = after_roster_change
    app.extras["buttons"] = {"al": alert_press}
    app.extras["alert_handlers"] = {"quarantine": app.services.admission.decide}

    async def rights_lost(chat_id: int) -> None:
        from bot.repo import chats as chat_repo

        chat = await chat_repo.get(app.db, chat_id)
        if chat is not None and chat.bot_is_admin:
            await app.services.membership.rights_lost(chat)

    app.runner.on_rights_lost = rights_lost

    # members the bot never saw join (there before it was bound, or joined while it had no
    # rights) are judged by Admission like newcomers
    import functools

    from bot import texts

    membership = app.services.membership
    membership.admission = app.services.admission
    app.services.chats.on_bound = membership.admit_present
    app.chat_life.on_rights_regained = functools.partial(membership.admit_present,
                                                         occasion=texts.SWEEP_OCCASION_RIGHTS)

    from bot.moderation_setup import install as install_moderation

    install_moderation(app)  # alert_handlers "violation"/"complaint", the evidence purge job
