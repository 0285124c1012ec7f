"""/отчёт [ГГГГ-ММ] [код] — the monthly participation report, in a private chat."""

from __future__ import annotations

import re

from vkbottle.bot import BotLabeler, Message

from bot import texts
from bot.texts import reports as t
from bot.runtime.app import App
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.jobs.reports import deliver, prepare
from bot.services.reports import current_month, parse_month, previous_month
from handlers.replies import guarded
from handlers.rules import CommandRule

# anything that looks like a date is taken for the month: «2026-9», «09.2026», «2026»
MONTH_LIKE = re.compile(r"^[\d.\-/]+$")


CODE_LIKE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$", re.IGNORECASE)


def parse_args(args: str) -> tuple[str | None, str | None]:
    """(month or None, org code or None) from «2026-09 sch12», «sch12», «2026-09» or «»."""
    month = code = None
    for word in args.split():
        if MONTH_LIKE.match(word) and month is None:
            month = parse_month(word)  # a bad month answers with the right form
        elif code is None and not MONTH_LIKE.match(word):
            if not CODE_LIKE.match(word):  # «ноябрь», «октябрь 2026»: say how to write a month
                raise UserError(t.BAD_ARGS)
            code = word
        else:
            raise UserError(t.BAD_ARGS)
    return month, code


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.private_message(CommandRule("report", app.group_id, app.screen_name))
    @guarded
    async def report(message: Message, app: App, cmd: Command) -> None:
        month, code = parse_args(cmd.args)
        caller = await app.access.caller(message.from_id)
        org = await app.services.orgs.resolve(caller, "report_view", code, what=t.NOT_WHAT,
                                              form=texts.ORG_FORM_BARE.format(command="/отчёт"))
        month = month or previous_month(app.now(), org.timezone)
        current = current_month(app.now(), org.timezone)
        if month > current:
            raise UserError(t.FUTURE_MONTH.format(month=month, current=current))
        files = await prepare(app.report_db, org, month, app.now())
        await deliver(app.gateway, app.effects, message.peer_id, files)

    return bl
