"""/организация, /школа, /роль — organisations and roles (private chat)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from vkbottle.bot import BotLabeler, Message

from bot import texts
from bot.runtime.app import App
from bot.domain.capabilities import Capability
from bot.domain.org_choice import CodeForm, OrgPurpose
from bot.domain import timezones
from bot.domain.commands import BY_KEY, Command
from bot.domain.classes import ClassName, looks_like_class, parse_class
from bot.domain.errors import UserError
from bot.domain.org_command import OrgUsageError, parse_org_command
from bot.domain.role_command import RoleAction, RoleUsageError, parse_link_name, parse_role_command
from bot.domain.roles import parse_roles
from bot.services.access import ROLE_BY_RU, ROLE_NAMES_RU
from bot.services.orgs import SchoolCard
from bot.services.reach import community_ref
from bot.services.roles import (AlreadyHeld, Granted, Linked, LinkRequest, Revoked, RoleChange, RoleResult,
                                changed_vk)
from bot.texts import orgs as ot
from bot.texts import roles as rt
from handlers.replies import guarded, reply
from handlers.rules import CommandRule


SUBJECT = re.compile(r"предмет\s+(.+?)\s*$", re.IGNORECASE)


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
        try:
            new = parse_org_command(cmd.args)
        except OrgUsageError:
            raise usage("org") from None
        caller = await app.access.caller(message.from_id)
        org = await app.services.orgs.create(caller, new, app.now())
        tz = timezones.describe(org.timezone, datetime.fromtimestamp(app.now(), UTC))
        await reply(app, message, ot.created(org.kind, org.name, org.code, tz, new.parent_code))

    @bl.private_message(CommandRule("school", g, s))
    @guarded
    async def school(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        org = await app.services.orgs.resolve(caller, Capability.SCHOOL_VIEW, cmd.args.strip() or None,
                                              purpose=OrgPurpose.SCHOOL_VIEW, form=CodeForm.SCHOOL)
        await reply(app, message, card_text(await app.services.orgs.card(org)))

    @bl.private_message(CommandRule("role", g, s))
    @guarded
    async def role(message: Message, app: App, cmd: Command) -> None:
        caller = await app.access.caller(message.from_id)
        try:
            parsed = parse_role_command(cmd.args)
        except RoleUsageError as exc:
            raise usage("role", exc.message) from None
        roles = app.services.roles
        result: RoleResult
        if parsed.action is RoleAction.LINK:
            name, cls = parse_link_name(parsed.rest)
            result = await roles.link(caller, LinkRequest(parsed.target, name, cls, parsed.org_code), app.now())
        else:
            cls, subject, role_id = role_spec(parsed.role_words, parsed.rest)
            change = RoleChange(parsed.target, role_id, cls, subject, parsed.order, parsed.org_code)
            if parsed.action is RoleAction.GRANT:
                result = await roles.grant(caller, change, app.now())
            else:
                result = await roles.revoke(caller, change, app.now())
        answer, notice = render_role(result, community_ref(app.group_id, app.screen_name))
        await reply(app, message, answer)
        vk_id = changed_vk(result)
        if vk_id is not None and notice:
            # their menu changed: the start keyboard of their roles now, with a word on why
            from handlers.menus import start_keyboard

            await app.notifier.try_send(vk_id, notice, keyboard=await start_keyboard(app, vk_id))

    return bl


def card_text(card: SchoolCard) -> str:
    return ot.school_card(card, ROLE_NAMES_RU)


def render_role(result: RoleResult, community: str) -> tuple[str, str | None]:
    """(the answer to the admin, what the person whose roles changed is told)."""
    if isinstance(result, Linked):
        return rt.linked(result, community), rt.notice_linked(result)
    role = ROLE_NAMES_RU[result.role]
    if isinstance(result, Granted):
        return rt.granted(result, role, community), rt.notice_granted(result, role)
    if isinstance(result, Revoked):
        return rt.revoked(result, role), rt.notice_revoked(result, role)
    if isinstance(result, AlreadyHeld):
        return rt.already(result, role), None
    return rt.not_held(result, role), None


def role_spec(role_words: str, rest: str) -> tuple[ClassName | None, str | None, str]:
    """(class, subject, role id) of /роль выдать|снять: the role words before the target, a class
    or «предмет …» after it."""
    phrase = role_words.strip()
    tail = rest
    subject = None
    match = SUBJECT.search(tail)
    if match:
        subject = match.group(1)
        tail = tail[: match.start()].strip()
    cls = None
    for word in tail.split():
        if looks_like_class(word) or any(ch.isdigit() for ch in word):
            cls = parse_class(word)  # a malformed class gets its own explanation
    if not phrase:
        raise UserError(texts.ROLE_NEED_ROLE)
    folded = phrase.casefold().replace("ё", "е")
    if folded in ROLE_BY_RU and ROLE_BY_RU[folded] not in ("class_teacher", "subject_teacher"):
        return None, None, ROLE_BY_RU[folded]  # a known word («координатор», «админ»)
    if "руковод" in folded or folded in ("классный", "классрук"):
        if cls is None:
            raise UserError(texts.ROLE_NEED_CLASS)
        return cls, None, "class_teacher"
    if "предмет" in folded or (subject and folded.startswith(("учитель", "преподаватель"))):
        words = folded.split(None, 1)[1] if " " in folded else ""
        subject = subject or words.strip() or None
        if not subject:
            raise UserError(texts.ROLE_NEED_SUBJECT)
        return cls, subject, "subject_teacher"
    specs, errors = parse_roles(phrase)
    if errors or len(specs) != 1:
        raise UserError(texts.ROLE_UNKNOWN.format(
            role=phrase, roles=", ".join(sorted(set(ROLE_NAMES_RU.values()) - {"оператор"}))))
    spec = specs[0]
    class_name = (spec.class_name or cls) if spec.role in ("class_teacher", "subject_teacher") else None
    return class_name, spec.subject, spec.role
