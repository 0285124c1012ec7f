"""/отчёт [месяц] [код] — the monthly participation report, in a private chat.

The month may be written in words («за октябрь», «октябрь 2026», «прошлый месяц») or as 2026-10;
without one it is last month, and the answer says so. «/отчёт помощь» explains every figure.
"""

from __future__ import annotations

import re

from vkbottle.bot import BotLabeler, Message

from bot.domain.capabilities import Capability
from bot.domain.org_choice import CodeForm, OrgPurpose
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.jobs.reports import deliver, prepare
from bot.runtime.app import App
from bot.services.report_months import current_month, month_ru, parse_period, previous_month
from bot.services.report_render import help_text
from bot.texts import reports as t
from handlers.replies import guarded, reply
from handlers.rules import CommandRule

CODE_LIKE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$", re.IGNORECASE)


def parse_args(args: str, now: float, tz: str) -> tuple[str | None, str | None]:
    """(month or None, org code or None) from «за октябрь sch12», «2026-09», «прошлый месяц» or «».
    ``tz`` resolves a month named without a year (the latest such month that has begun)."""
    month, rest = parse_period(args.split(), now, tz)
    code = None
    for word in rest:
        if code is None and CODE_LIKE.match(word):
            code = word
        else:
            raise UserError(t.BAD_ARGS.format(text=word))
    return month, code


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()

    @bl.private_message(CommandRule("report", app.group_id, app.screen_name))
    @guarded
    async def report(message: Message, app: App, cmd: Command) -> None:
        if cmd.args.strip().casefold() in t.HELP_WORDS:
            await reply(app, message, help_text())
            return
        caller = await app.access.caller(message.from_id)
        # the code first (a month named without a year is read in the org's time zone)
        _, code = parse_args(cmd.args, app.now(), "Europe/Moscow")
        org = await app.services.orgs.resolve(caller, Capability.REPORT_VIEW, code, purpose=OrgPurpose.REPORTS,
                                              form=CodeForm.REPORT)
        month, _ = parse_args(cmd.args, app.now(), org.timezone)
        intro = None
        if month is None:
            month = previous_month(app.now(), org.timezone)
            intro = t.DEFAULT_MONTH_NOTE.format(month=month_ru(month))
        current = current_month(app.now(), org.timezone)
        if month > current:
            raise UserError(t.FUTURE_MONTH.format(month=month_ru(month), current=month_ru(current),
                                                  example=f"за {t.MONTHS_RU[int(current[5:]) - 1]}"))
        # names of silent members only for those who manage the school's lists (as in the cabinet)
        names = await app.access.allowed(caller, Capability.ROSTER_MANAGE, org.id)
        files = await prepare(app.report_db, org, month, app.now(), names=names)
        await deliver(app.services.files, app.effects, message.peer_id, files, intro=intro)

    return bl
