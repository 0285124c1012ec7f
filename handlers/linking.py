"""Linking accounts to the roster and closing the admission loop.

Private: /коды <класс> | сотрудники [заново] (print codes as slips), /код (redeem), a message that
looks like a code (the same as /код), /ссылки (one's chat links again). In a chat: /допустить всех
(everyone waiting, after a confirmation naming them), and a posted code is deleted. Observers:
anyone who writes privately (or allows the community's messages) is reachable again.
"""

from __future__ import annotations

from typing import Any

from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot import texts
from bot.domain.capabilities import Capability
from bot.domain import codes
from bot.domain.commands import Command
from bot.domain.errors import NotAllowed, UserError
from bot.domain.roster_args import codes_sheet, split_codes_args
from bot.repo.pending import Pending
from bot.runtime.app import App
from bot.services.access import Caller
from bot.services.linking import Linked, Printout
from bot.services.roster_results import Gone
from bot.services.reach import community_ref
from bot.texts import admission as t
from bot.vk.gateway import is_chat_peer
from handlers.admin import usage
from handlers import linking_views as views
from handlers.confirm import confirmer, gone
from bot.vk.keyboards import supports_callback
from handlers.moderation import answer as answer_command
from handlers.moderation import cleaned
from handlers.replies import Reply, confirm_keyboard, guarded, reply
from handlers.rules import ChatMessageRule, CommandRule, chat_of, parse_message


class CodeLikeRule(ABCRule[Message]):
    """A private message that is no known command but carries a code (or almost one): it is /код."""

    scope = ("private", "any_command")

    def __init__(self, group_id: int, screen_name: str | None) -> None:
        self.group_id = group_id
        self.screen_name = screen_name

    async def check(self, event: Message) -> dict[str, Any] | bool:
        if is_chat_peer(event.peer_id) or event.from_id <= 0 or event.action is not None:
            return False
        cmd = parse_message(event, self.group_id, self.screen_name)
        if cmd is None or cmd.spec is not None:
            return False  # a known command is that command («/код …» included); «/код: …», «/kod …» are not
        # after a mistyped command word, what follows it: «/kod: ABCD-EFGH» carries the code whole
        text = cmd.args if cmd.explicit else event.text or ""
        if codes.find_codes(text) or codes.looks_like_code_attempt(text):
            return {"text": text}
        return False


class CodeInChatRule(ABCRule[Message]):
    """A chat message that may carry a code (checked against the stored codes by the service)."""

    async def check(self, event: Message) -> bool:
        return bool(codes.find_codes(event.text or "", lenient=True))


class PrivateFromPerson(ABCRule[Message]):
    scope = ("private",)

    async def check(self, event: Message) -> bool:
        return not is_chat_peer(event.peer_id) and event.from_id > 0


def observer_labeler(app: App) -> BotLabeler:
    """Loaded first (non-blocking): whoever writes privately or allows messages is reachable."""
    bl = BotLabeler()

    @bl.message(PrivateFromPerson(), blocking=False)
    async def wrote(message: Message, app: App) -> None:
        await app.services.reach.wrote(message.from_id)

    @bl.raw_event(GroupEventType.MESSAGE_ALLOW, dict)
    async def allowed(event: dict[str, Any], app: App) -> None:
        await app.services.reach.wrote(int((event.get("object") or {}).get("user_id") or 0))

    @bl.raw_event(GroupEventType.MESSAGE_DENY, dict)
    async def denied(event: dict[str, Any], app: App) -> None:
        await app.services.reach.denied(int((event.get("object") or {}).get("user_id") or 0))

    return bl


def chat_code_labeler(app: App) -> BotLabeler:
    """After counting (non-blocking): a code posted in a chat is deleted, and so not counted."""
    bl = BotLabeler()

    @bl.message(ChatMessageRule(), CodeInChatRule(), blocking=False)
    async def code_in_chat(message: Message, app: App) -> None:
        # not `guarded`: a failure here reaches the pipeline (retried, at last parked and reported)
        chat = await chat_of(message, app)
        if chat is None:
            return
        if await app.services.linking.hide_posted_code(chat, message.from_id, message.conversation_message_id or 0,
                                                       message.text or "", app.now()):
            await app.activity.uncount(chat, message.from_id, app.now())  # only messages that stayed count

    return bl


def labeler(app: App) -> BotLabeler:
    bl = BotLabeler()
    g, s = app.group_id, app.screen_name

    @bl.private_message(CommandRule("codes", g, s))
    @guarded
    async def issue_codes(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        reissue, code, sheet = split_codes_args(cmd.args)
        org = await app.services.roster.org_for(caller, code)
        if not sheet:
            raise usage("codes")
        cls = codes_sheet(sheet)
        if reissue:
            asked = await app.services.linking.ask_reissue(caller.vk_id, org, cls, app.now())
            if asked is not None:
                await reply(app, message, views.reissue_question(asked), keyboard=confirm_keyboard(asked.action_id))
                return
        printout = await app.services.linking.issue(org, cls, actor_vk=caller.vk_id, now=app.now(),
                                                    community=community_ref(app.group_id, app.screen_name),
                                                    reissue=reissue)
        answer = await deliver(app, message.peer_id, printout, arg=sheet)
        await reply(app, message, answer.text, attachment=answer.attachment)

    @bl.private_message(CommandRule("code", g, s))
    @guarded
    async def redeem(message: Message, app: App, cmd: Command) -> None:
        if not cmd.args.strip():
            raise UserError(texts.CODE_BAD_FORMAT)
        await _redeem(app, message, cmd.args)

    @bl.private_message(CodeLikeRule(g, s))
    @guarded
    async def bare_code(message: Message, app: App, text: str) -> None:
        # «DKDX-W22N», «мне дали код dkdx w22n»: the same as /код
        await _redeem(app, message, text)

    @bl.private_message(CommandRule("links", g, s))
    @guarded
    async def my_links(message: Message, app: App, cmd: Command) -> None:
        await reply(app, message, views.my_links(await app.services.linking.my_links(message.from_id)))

    @bl.chat_message(CommandRule("admit_all", g, s))
    @guarded
    @cleaned
    async def admit_all(message: Message, app: App, cmd: Command) -> None:
        chat = await chat_of(message, app)
        if chat is None or not chat.bound:
            raise UserError(texts.CHAT_NOT_BOUND)
        caller = await app.access.caller(message.from_id)
        if not await app.services.chats.is_chat_staff(caller, chat):
            raise NotAllowed(texts.NOT_ALLOWED.format(what=t.WHAT_ADMIT_ALL, hint=texts.NOT_ALLOWED_HINT))
        question = views.admit_all_question(await app.services.admission.admit_all_question(chat, caller.vk_id))
        # in a children's chat the question and the command are cleaned up like moderation's
        await answer_command(app, message, question.text, keyboard=question.keyboard)

    return bl


async def _redeem(app: App, message: Message, text: str) -> None:
    """What the person wrote (the code alone, «/код …», a sentence with it) read for a code, and
    the answer. A redeemed code changes the person's roles: their start keyboard comes with it
    («Мои беседы», «Правила», … for a parent; staff sections for a teacher)."""
    found = codes.find_codes(text)
    result = await app.services.linking.redeem(message.from_id, found[0] if found else None, app.now())
    keyboard = None
    if isinstance(result, Linked):
        from handlers.menus import start_keyboard

        keyboard = await start_keyboard(app, message.from_id, callback=supports_callback(message.client_info))
    await reply(app, message, views.redeemed(result), keyboard=keyboard)


async def deliver(app: App, peer_id: int, printout: Printout, *, arg: str) -> Reply:
    """Upload the slips and the list; the older codes these replace stop working only once the
    new sheet reached the admin (a failed upload keeps the earlier printout valid)."""
    linking = app.services.linking
    if not printout.entries:
        return Reply(views.nothing_printed(printout, arg=arg))
    stem = "kody-sotrudniki" if printout.cls is None else f"kody-{printout.cls}"
    try:
        docs = await app.services.files.upload(peer_id, [(f"{stem}.xlsx", printout.xlsx),
                                                          (f"{stem}.csv", printout.csv)])
    except BaseException:
        await linking.discard(printout.entries)  # the earlier printout keeps working
        raise
    await linking.confirm_delivered(printout.entries)
    return Reply(views.printed(printout, arg=arg), attachment=",".join(docs))


# --- confirmations (see handlers/confirm.py) ---------------------------------------------------

@confirmer("codes_reissue", capability=Capability.ROSTER_MANAGE)
async def apply_reissue(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    if payload.get("do") != "apply":
        return gone()
    printout = await app.services.linking.reissue_confirmed(
        caller.vk_id, action, now=app.now(), community=community_ref(app.group_id, app.screen_name))
    if isinstance(printout, Gone):
        return gone()
    return await deliver(app, caller.vk_id, printout,
                         arg=str(printout.cls) if printout.cls is not None else t.STAFF_WORDS[0])


@confirmer("admit_all", capability=Capability.EVERYONE)  # the chat's staff, re-checked by the service
async def apply_admit_all(app: App, caller: Caller, action: Pending, payload: dict[str, Any]) -> Reply:
    do = payload.get("do")
    if do not in ("apply", "known"):
        return gone()
    result = await app.services.admission.admit_all_confirmed(caller, action, known_only=do == "known")
    if isinstance(result, Gone):
        return gone()
    return Reply(views.admitted_all(result))
