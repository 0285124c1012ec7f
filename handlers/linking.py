"""Linking accounts to the roster: /коды (print codes for a class) and /код (redeem one)."""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot import texts
from bot.runtime.app import App
from bot.domain.commands import Command
from bot.domain.classes import parse_class
from bot.domain.errors import UserError
from handlers.admin import usage
from handlers.replies import guarded, reply
from handlers.rules import CommandRule


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name

    @bl.private_message(CommandRule("codes", g, s))
    @guarded
    async def issue_codes(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        org, rest = await app.services.roster.org_for(caller, cmd.args)
        if not rest.strip():
            raise usage("codes")
        cls = parse_class(rest)
        entries, xlsx, csv = await app.services.linking.issue_for_class(org, cls, actor_vk=caller.vk_id,
                                                                         now=app.now())
        if not entries:
            await reply(app, message, texts.CODES_NONE.format(cls=cls))
            return
        try:
            docs = [await app.gateway.upload_doc(message.peer_id, f"kody-{cls.grade}{cls.letter}.xlsx", xlsx),
                    await app.gateway.upload_doc(message.peer_id, f"kody-{cls.grade}{cls.letter}.csv", csv)]
            await reply(app, message, texts.CODES_READY.format(
                cls=cls, count=len(entries), until=entries[0].valid_until.strftime("%d.%m.%Y")),
                attachment=",".join(docs))
        except BaseException:
            await app.services.linking.discard(entries)  # the earlier printout keeps working
            raise
        await app.services.linking.confirm_delivered(entries)

    @bl.private_message(CommandRule("code", g, s))
    @guarded
    async def redeem(message: Message, app: App, cmd: Command) -> None:
        if not cmd.args.strip():
            raise UserError(texts.CODE_BAD_FORMAT)
        answer, person_id = await app.services.linking.redeem(message.from_id, cmd.args, app.now())
        await reply(app, message, answer)
        if person_id is not None:
            await app.hooks.on_linked(message.from_id, person_id)

    return bl
