"""Who the cabinet opens for is who may ask /отчёт (``report_view``): a school's moderator may act
on alerts in its chats but reads no reports, so gets no link and no page, like a teacher."""

from __future__ import annotations

from bot.services.web_auth import Refusal, may_use
from tests.services.test_moderation import World, world  # noqa: F401  (fixture)


async def test_a_moderator_gets_neither_reports_nor_the_cabinet(world: World) -> None:  # noqa: F811
    app, org = world.app, world.school.org
    moderator = await app.access.caller(world.school.vk["moderator"])
    assert await app.access.allowed(moderator, "alerts_receive", org.id)  # a moderator indeed
    assert not await app.access.allowed(moderator, "report_view", org.id)  # /отчёт refuses them
    assert not may_use(moderator)
    # a link issued to the account anyway (a role taken since) opens no session
    token = await app.cabinet.issue_link(world.school.vk["moderator"])
    assert await app.cabinet.sign_in(token, "198.51.100.1") is Refusal.NOT_ALLOWED
