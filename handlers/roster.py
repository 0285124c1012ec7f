"""Roster commands in a private chat: import, moves, promotion (codes and /код: handlers/linking.py)."""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Awaitable, Callable
from typing import Any

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot import texts
from bot.runtime.app import App
from bot.domain.capabilities import Capability
from bot.domain.commands import Command
from bot.domain.errors import UserError
from bot.domain.roster_args import UsageError, name_and_class, split_mode, split_name_class, split_org
from bot.domain.roster_template import template_csv, template_xlsx
from bot.repo.orgs import Org
from bot.repo.pending import Pending
from bot.services.access import Caller, allowed_somewhere
from bot.services.files import TooLarge, Unreadable
from bot.services.roster import MAX_FILE_BYTES, ROSTER_EXTENSIONS, Roster
from bot.services.roster_results import ExpelAsked, Gone, TransferAsked
from bot.texts import confirm as ct
from bot.texts import roster as roster_texts
from bot.vk.gateway import is_chat_peer
from handlers.admin import usage
from handlers.confirm import confirmer, gone
from handlers.replies import Reply, guarded, reply
from handlers.roster_views import RosterResult, render
from handlers.rules import CommandRule, parse_message


async def send_reply(app: App, message: Message, answer: Reply) -> None:
    attachment = await upload_files(app, message.peer_id, answer)
    await reply(app, message, answer.text, keyboard=answer.keyboard, attachment=attachment)
    await app.hooks.after_roster_change()


async def upload_files(app: App, peer_id: int, answer: Reply) -> str | None:
    """The reply's documents uploaded for ``peer_id``, joined with its own attachment."""
    docs = await app.services.files.upload(peer_id, answer.files)
    return ",".join([a for a in (answer.attachment, *docs) if a]) or None


def _extension(doc: Any) -> str:
    return (doc.ext or doc.title.rsplit(".", 1)[-1]).lower()


async def preview_doc(app: App, message: Message, caller: Caller, org: Org, doc: Any) -> None:
    """Download a roster file sent by the caller and answer with the import preview."""
    if _extension(doc) not in ROSTER_EXTENSIONS:
        raise UserError(texts.IMPORT_BAD_EXT.format(name=doc.title))
    data = await app.services.files.download(doc.url, limit=MAX_FILE_BYTES)
    if isinstance(data, TooLarge):
        raise UserError(roster_texts.file_too_big(data.limit))
    if isinstance(data, Unreadable):
        raise UserError(texts.IMPORT_DOWNLOAD_FAILED)
    answer = await app.services.roster.import_preview(caller, org, doc.title, data, app.now())
    await send_reply(app, message, render(answer))


class LoneFileRule(ABCRule[Message]):
    """A private message with a document and no command: a file sent without /импорт."""

    scope = ("document",)

    def __init__(self, group_id: int, screen_name: str | None) -> None:
        self.group_id = group_id
        self.screen_name = screen_name

    async def check(self, event: Message) -> dict[str, Any] | bool:
        docs = [a.doc for a in (event.attachments or []) if a.doc is not None]
        if not docs or is_chat_peer(event.peer_id):
            return False
        cmd = parse_message(event, self.group_id, self.screen_name)
        if cmd is not None and (cmd.spec is not None or cmd.explicit):
            return False  # a command with a file: its own handler answers
        return {"doc": docs[0]}


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name

    @bl.private_message(CommandRule("import", g, s))
    @guarded
    async def import_roster(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        org = await app.services.roster.org_for(caller, split_org(cmd.args)[0])
        docs = [a.doc for a in (message.attachments or []) if a.doc is not None]
        if not docs:
            templates = Reply(ct.IMPORT_TEMPLATES, files=((ct.TEMPLATE_XLSX, template_xlsx()),
                                                          (ct.TEMPLATE_CSV, template_csv())))
            await reply(app, message, templates.text, attachment=await upload_files(app, message.peer_id, templates))
            return
        await preview_doc(app, message, caller, org, docs[0])

    @bl.private_message(LoneFileRule(g, s))
    @guarded
    async def lone_file(message: Message, app: App, doc: Any) -> None:
        """A spreadsheet sent alone by someone who keeps a school's lists is an import."""
        caller = await app.access.caller(message.from_id)
        if not allowed_somewhere(caller, Capability.ROSTER_MANAGE):
            await reply(app, message, ct.FILE_NOT_FOR_YOU)
            return
        if _extension(doc) not in ROSTER_EXTENSIONS:
            await reply(app, message, ct.FILE_NOT_SPREADSHEET.format(name=doc.title))
            return
        org = await app.services.roster.org_for(caller, split_org(message.text or "")[0])
        await preview_doc(app, message, caller, org, doc)

    async def simple(message: Message, app: App, cmd: Command, key: str,
                     run: Callable[[Caller, Org, str], Awaitable[RosterResult]]) -> None:
        """A one-student command: «<ФИО> [класс] … [школа <код>]»; a shape not understood gets
        the command's usage."""
        caller = await app.access.caller(message.from_id)
        if not cmd.args.strip():
            raise usage(key)
        code, rest = split_org(cmd.args)
        org = await app.services.roster.org_for(caller, code)
        try:
            answer = await run(caller, org, rest)
        except UsageError as exc:
            raise usage(key, exc.message) from None
        await send_reply(app, message, render(answer))

    @bl.private_message(CommandRule("enrol", g, s))
    @guarded
    async def enrol(message: Message, app: App, cmd: Command) -> None:
        async def run(caller: Caller, org: Org, rest: str) -> RosterResult:
            name, cls = name_and_class(rest)
            return await app.services.roster.enrol(caller, org, name, cls, app.now())

        await simple(message, app, cmd, "enrol", run)

    @bl.private_message(CommandRule("expel", g, s))
    @guarded
    async def expel(message: Message, app: App, cmd: Command) -> None:
        async def run(caller: Caller, org: Org, rest: str) -> RosterResult:
            name, cls = split_name_class(rest, class_required=False)
            return await app.services.roster.expel(caller, org, name, cls, app.now())

        await simple(message, app, cmd, "expel", run)

    @bl.private_message(CommandRule("transfer", g, s))
    @guarded
    async def transfer(message: Message, app: App, cmd: Command) -> None:
        async def run(caller: Caller, org: Org, rest: str) -> RosterResult:
            name, cls = name_and_class(rest)
            return await app.services.roster.transfer(caller, org, name, cls, app.now())

        await simple(message, app, cmd, "transfer", run)

    @bl.private_message(CommandRule("homeschool", g, s))
    @guarded
    async def homeschool(message: Message, app: App, cmd: Command) -> None:
        async def run(caller: Caller, org: Org, rest: str) -> RosterResult:
            who, mode = split_mode(rest)
            name, cls = split_name_class(who, class_required=False)
            return await app.services.roster.homeschool(caller, org, name, cls, mode, app.now())

        await simple(message, app, cmd, "homeschool", run)

    @bl.private_message(CommandRule("new_year", g, s))
    @guarded
    async def new_year(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        org = await app.services.roster.org_for(caller, split_org(cmd.args)[0])
        await send_reply(app, message, render(await app.services.roster.new_year_preview(caller, org, app.now())))

    return bl


# --- confirmations (see handlers/confirm.py) ---------------------------------------------------

@confirmer("import", capability=Capability.ROSTER_MANAGE)
async def apply_import(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    if payload.get("do") not in ("apply", "scoped"):
        return gone()
    result = render(await app.services.roster.import_apply(caller, action, app.now(),
                                                           scoped=payload.get("do") == "scoped"))
    await app.hooks.after_roster_change()
    if result.files:  # recounted after a change: the new list of the expelled goes along
        result = replace(result, attachment=await upload_files(app, action.vk_id, result), files=())
    return result


def _apply_on_press(kind: str,
                    apply: Callable[[Roster], Callable[[Caller, Pending, int], Awaitable[RosterResult]]]) -> None:
    """A roster confirmation whose «apply» press runs one service method, then the roster hook."""

    @confirmer(kind, capability=Capability.ROSTER_MANAGE)
    async def on_press(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
        if payload.get("do") != "apply":
            return gone()
        result = await apply(app.services.roster)(caller, action, app.now())
        await app.hooks.after_roster_change()
        return render(result)


_apply_on_press("new_year", lambda roster: roster.new_year_apply)
_apply_on_press("expel", lambda roster: roster.expel_apply)
_apply_on_press("transfer", lambda roster: roster.transfer_apply)


@confirmer("pick", capability=Capability.ROSTER_MANAGE)
async def apply_pick(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    if payload.get("do") != "pick":
        return gone()
    result = await app.services.roster.pick(caller, action, int(payload.get("p", 0)), app.now())
    if isinstance(result, Gone):
        return gone()
    await app.hooks.after_roster_change()
    # an expulsion or a transfer of the one picked is a question of its own, not a change yet
    if isinstance(result, ExpelAsked | TransferAsked):
        return replace(render(result), snack=ct.PICKED_SNACK)
    return render(result)
