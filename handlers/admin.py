"""/организация, /школа, /роль — organisations and roles (private chat)."""

from __future__ import annotations

from datetime import UTC, datetime

from vkbottle.bot import BotLabeler, Message

from bot import texts
from bot.runtime.app import App
from bot.domain import timezones
from bot.domain.commands import BY_KEY, Command
from bot.domain.errors import UserError
from handlers.replies import guarded, reply
from handlers.rules import CommandRule


def usage(key: str, problem: str | None = None) -> UserError:
    spec = BY_KEY[key]
    text = texts.USAGE.format(usage=spec.usage, example=spec.example)
    return UserError(f"{problem}\n{text}" if problem else text)


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name

    @bl.private_message(CommandRule("org", g, s))
    @guarded
    async def create_org(message: Message, app: App, cmd: Command) -> None:
        words = cmd.args.split()
        if len(words) < 4:
            raise usage("org")
        caller = await app.access.caller(message.from_id)
        kind_word, code, tz = words[0], words[1], words[2]
        rest = words[3:]
        if timezones.resolve(tz) is None and len(words) > 4 and timezones.resolve(f"{tz} {words[3]}"):
            tz, rest = f"{tz} {words[3]}", words[4:]  # a two-word city: «Нижний Новгород»
        parent = None
        if texts.ORG_KINDS_RU.get(kind_word.casefold()) != "region":
            if not rest:
                raise usage("org")
            parent, rest = rest[0], rest[1:]
        org = await app.services.orgs.create(
            caller, kind_word=kind_word, code=code, tz=tz, parent_code=parent, name=" ".join(rest), now=app.now())
        parent_note = texts.ORG_PARENT_NOTE.format(parent=parent) if parent else ""
        await reply(app, message, texts.ORG_CREATED.format(
            kind=texts.ORG_KIND_NAMES[org.kind], name=org.name, code=org.code, tz=timezones.describe(org.timezone, datetime.fromtimestamp(app.now(), UTC)),
            parent=parent_note))

    @bl.private_message(CommandRule("school", g, s))
    @guarded
    async def school(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        org = await app.services.orgs.resolve(caller, "school_view", cmd.args.strip() or None,
                                              what=texts.WHAT_SCHOOL_VIEW,
                                              form=texts.ORG_FORM_BARE.format(command="/школа"))
        await reply(app, message, await app.services.orgs.card(org))

    @bl.private_message(CommandRule("role", g, s))
    @guarded
    async def role(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        try:
            answer = await app.services.roles.handle(caller, cmd.args, app.now())
        except UserError as exc:
            if exc.message in (texts.ROLE_BAD_ACTION, texts.ROLE_NEED_TARGET, texts.ROLE_BAD_ORDER):
                raise usage("role", exc.message) from None
            raise
        await reply(app, message, answer.text)
        if answer.changed_vk is not None and answer.notice:
            # their menu changed: the start keyboard of their roles now, with a word on why
            from handlers.menus import start_keyboard

            await app.notifier.try_send(answer.changed_vk, answer.notice,
                                        keyboard=await start_keyboard(app, answer.changed_vk))

    return bl
