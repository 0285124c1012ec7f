"""/кабинет — a one-time link to the web cabinet, sent privately to those whose roles open it."""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot.domain.commands import Command
from bot.runtime.app import App
from bot.services.web_auth import may_use
from bot.texts import cabinet as t
from handlers.replies import guarded, reply
from handlers.rules import CommandRule

LOGIN_PATH = "/login/"  # bot.web.server serves it


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.private_message(CommandRule("cabinet", app.group_id, app.screen_name))
    @guarded
    async def cabinet(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        if not may_use(caller):
            await reply(app, message, t.REFUSED_STAFF if caller.is_staff_anywhere else t.REFUSED_FAMILY)
            return
        web = app.settings.web
        if not web.enabled:
            await reply(app, message, t.DISABLED)
            return
        token = await app.cabinet.issue_link(message.from_id)
        # the link reaches the outbox only until it is sent (a performed action keeps no text)
        await reply(app, message, t.LINK.format(minutes=web.link_minutes, url=web.base_url + LOGIN_PATH + token))

    return bl
