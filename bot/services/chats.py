"""Creating and binding chats by type, invite links, the school's chat overview."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot import texts
from bot.domain.capabilities import Capability
from bot.domain.org_choice import CodeForm, OrgPurpose
from bot.domain.chat_command import ChatCommand
from bot.domain.classes import parse_class
from bot.domain.clock import Clock
from bot.db import Database
from bot.domain.chat_types import PRESETS, ChatRequest, Needs
from bot.domain.errors import NotAllowed, UserError
from bot.pipeline.effects import Lane
from bot.repo import audit
from bot.repo import chats as chat_repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo import members as member_repo
from bot.repo import people as people_repo
from bot.repo import reach as reach_repo
from bot.repo import roles as role_repo
from bot.repo.chats import Chat
from bot.repo.orgs import Org
from bot.repo.pending import Pending
from bot.services import eligibility
from bot.services.alerts import Alerts
from bot.services.access import ROLE_NAMES_RU, SCHOOL_MANAGERS, Access, Caller
from bot.services.notify import Notifier
from bot.services.orgs import Orgs
from bot.texts import confirm as ct
from bot.vk.errors import VkCannotMessage, VkContactNotFound, VkNoChatRights
from bot.vk.gateway import VkGateway
from bot.vk.names import Names

log = logging.getLogger(__name__)

STAFF_CHATS = ("admin_closed", "admin_open")  # where moderator alerts may go (they quote messages)
MAX_CLASS_BUTTONS = 8  # VK: at most 10 buttons inline; «Для всей школы» and «Отменить» take two
# the word of /создать kept in the class question's pending payload (and shown on its buttons)
ASK_WORDS = {"parents_class": "родители", "students_class": "ученики"}


@dataclass(frozen=True)
class ClassQuestion:
    """/создать родители|ученики without a class: the classes to offer as buttons (a pending action)."""

    action_id: int
    chat_type: str  # parents_class | students_class
    school: str
    classes: tuple[str, ...]  # those without such a chat first
    more: bool  # the roster has more classes than buttons
    whole_school: bool  # «Для всей школы» (the school-wide parents' chat) offered too


@dataclass(frozen=True)
class ChatCreated:
    title: str
    link: str
    shareable: bool  # members may pass the link on
    # the chat's leader could not be added (VK: not a friend, messages closed): (VK id, roster name)
    leader_not_added: tuple[int, str | None] | None = None


@dataclass(frozen=True)
class ChatExists:
    title: str
    link: str


@dataclass(frozen=True)
class ChoiceGone:
    """A class button of an answered or expired question."""


@dataclass(frozen=True)
class ChatBound:
    title: str
    school: str
    link: str
    unknown: int  # people VK lists in the chat whom the roster does not know (listed privately)
    unknown_unreachable: bool  # the binder does not accept the bot's messages: the list did not go


@dataclass(frozen=True)
class LinkReset:
    link: str


@dataclass(frozen=True)
class AlertsRouted:
    """/уведомления сюда | лично: where the school's moderator alerts go now."""

    school: str
    here: bool  # to this (staff) chat; False: to each moderator privately


@dataclass(frozen=True)
class ChatLine:
    title: str
    members: int
    eligible: int
    has_rights: bool  # the bot is an admin of the chat


@dataclass(frozen=True)
class SchoolChats:
    """/чаты of a school."""

    school: str
    chats: tuple[ChatLine, ...]
    may_create: bool
    has_classes: bool  # the roster has classes (missing class chats are listed)
    no_parents: tuple[str, ...]  # classes without a parents' chat
    no_students: tuple[str, ...]


@dataclass(frozen=True)
class TerritorySchool:
    name: str
    code: str
    chats: int


@dataclass(frozen=True)
class TerritoryChats:
    """A coordinator's /чаты: the territory's schools with their chat counts."""

    name: str
    schools: tuple[TerritorySchool, ...]


CreateResult = ChatCreated | ChatExists
Overview = SchoolChats | TerritoryChats


class Chats:
    def __init__(self, db: Database, gateway: VkGateway, notifier: Notifier, access: Access, orgs: Orgs,
                 alerts: Alerts, clock: Clock, *, on_bound: Callable[[Chat], Awaitable[Any]] | None = None) -> None:
        self.db = db
        self.gateway = gateway
        self.notifier = notifier
        self.access = access
        self.orgs = orgs
        self.alerts = alerts  # where a school's moderator alerts go (/уведомления)
        self.clock = clock
        # admission applied to everyone already in a chat once it is bound (Membership.admit_present)
        self.on_bound = on_bound
        self.names = Names(gateway)

    def now(self) -> int:
        return int(self.clock.now())

    async def _org(self, caller: Caller, command: ChatCommand, capability: Capability) -> Org:
        org = await self.orgs.resolve(caller, capability, command.org_code, purpose=OrgPurpose.CHATS_CREATE)
        await self._check_type_rights(caller, org, command.request)
        return org

    async def _check_type_rights(self, caller: Caller, org: Org, request: ChatRequest) -> None:
        if caller.is_operator or caller.roles_in(org.id) & SCHOOL_MANAGERS:
            return
        preset = request.preset
        for grant in caller.grants:
            if grant.org_id != org.id or grant.role not in preset.leader_roles:
                continue
            if grant.role == "class_teacher" and request.cls is not None:
                class_id = await people_repo.class_id(self.db, org.id, request.cls)
                if grant.class_id != class_id:
                    continue
            if grant.role == "subject_teacher" and (grant.subject or "").casefold() != (request.subject or "").casefold():
                continue
            return
        roles = ", ".join(ROLE_NAMES_RU[r] for r in dict.fromkeys((*preset.leader_roles, "school_admin",
                                                                  "chat_responsible")))
        raise NotAllowed(texts.CHAT_NOT_ALLOWED.format(type=preset.name_ru, roles=roles))

    async def _leader(self, caller: Caller, org: Org, request: ChatRequest) -> tuple[int | None, int]:
        """(leader person id, leader VK id): the class teacher for class chats, else the caller."""
        if request.preset.needs is Needs.CLASS and request.cls is not None:
            class_id = await people_repo.class_id(self.db, org.id, request.cls)
            if class_id is not None:
                teacher = await role_repo.class_teacher(self.db, org.id, class_id)
                if teacher is not None:
                    if teacher.vk_id is None:
                        raise UserError(texts.leader_not_linked(teacher.full_name))
                    return teacher.person_id, teacher.vk_id
        return await people_repo.id_in_org_by_vk(self.db, org.id, caller.vk_id), caller.vk_id

    async def _class_id(self, org: Org, request: ChatRequest) -> int | None:
        """The class must already be in the school's roster: a typo must not invent a class."""
        if request.cls is None:
            return None
        class_id = await people_repo.class_id(self.db, org.id, request.cls)
        if class_id is None:
            raise UserError(texts.CLASS_NOT_IN_SCHOOL.format(school=org.name, cls=request.cls))
        return class_id

    async def _existing(self, org: Org, request: ChatRequest, class_id: int | None) -> Chat | None:
        for chat in await chat_repo.in_org(self.db, org.id):
            if chat.type == request.preset.type and chat.class_id == class_id and \
                    (chat.subject or "").casefold() == (request.subject or request.name or "").casefold():
                return chat
        return None

    async def ask_class(self, caller: Caller, chat_type: str, org_code: str | None) -> ClassQuestion:
        """/создать родители|ученики without a class: the classes of the roster to pick from with
        buttons, those without such a chat first. For parents that would otherwise make a chat of
        every parent of the school: the school-wide chat is offered only on its own button
        («Для всей школы»)."""
        org = await self.orgs.resolve(caller, Capability.CHAT_CREATE, org_code, purpose=OrgPurpose.CHATS_CREATE)
        classes = await people_repo.classes(self.db, org.id)
        have = {c.class_id for c in await chat_repo.in_org(self.db, org.id) if c.type == chat_type}
        ordered = [str(name) for cid, name in sorted(classes, key=lambda pair: pair[0] in have)]
        shown = ordered[:MAX_CLASS_BUTTONS]
        parents = chat_type == "parents_class"
        if not parents and not shown:
            raise UserError(ct.no_classes(org.name))
        action_id = await pending_repo.create(
            self.db, kind="create_chat", vk_id=caller.vk_id, org_id=org.id, now=self.now(),
            payload={"code": org.code, "step": "class", "what": ct.WHAT_CREATE_CHAT, "word": ASK_WORDS[chat_type],
                     "classes": shown},
        )
        return ClassQuestion(action_id, chat_type, org.name, tuple(shown), len(ordered) > len(shown), parents)

    async def create_chosen(self, caller: Caller, action: Pending, choice: object) -> CreateResult | ChoiceGone:
        """A button of ``ask_class``: a class, or "" for the school-wide parents' chat (the press
        is the explicit choice)."""
        payload = action.payload
        word = payload.get("word", "родители")
        if payload.get("step", "class") != "class" or not isinstance(choice, str) or \
                (choice and choice not in payload.get("classes", [])) or (not choice and word != "родители"):
            return ChoiceGone()
        if not await pending_repo.claim(self.db, action.id, "applied"):
            return ChoiceGone()
        if word == "родители":
            preset = PRESETS["parents_class" if choice else "parents_school"]
        else:
            preset = PRESETS["students_class"]
        request = ChatRequest(preset, parse_class(choice) if choice else None)
        return await self.create(caller, ChatCommand(request, str(payload["code"])))

    async def create(self, caller: Caller, command: ChatCommand) -> CreateResult:
        """/создать (and the menu's «Создать»): a new VK chat, bound, its rules pinned, its link."""
        org = await self._org(caller, command, Capability.CHAT_CREATE)
        request = command.request
        class_id = await self._class_id(org, request)
        existing = await self._existing(org, request, class_id)
        if existing is not None and existing.invite_link:
            return ChatExists(existing.title, existing.invite_link)
        shareable = request.preset.link_shareable
        if existing is not None:
            # an earlier /создать stopped half-way (VK failed after the chat was made): finish it
            link = await self._apply_preset(existing, org, request, class_id, existing.leader_id, existing.title)
            return ChatCreated(existing.title, link, shareable)
        leader_id, leader_vk = await self._leader(caller, org, request)
        title = request.preset.title_for(cls=request.cls, subject=request.subject, name=request.name, school=org.name)
        try:
            peer_id, added = await self.gateway.create_chat(sorted({leader_vk, caller.vk_id}), title)
        except (VkCannotMessage, VkContactNotFound):
            name = await self.vk_name(leader_vk)
            raise UserError(texts.leader_cannot_be_added(name, await self._full_name(leader_id))) from None
        chat, _ = await chat_repo.ensure(self.db, peer_id, added_by=caller.vk_id, now=self.now())
        await chat_repo.set_admin(self.db, chat.id, True, now=self.now())
        link = await self._apply_preset(chat, org, request, class_id, leader_id, title)
        for vk_id in added:
            if vk_id > 0:
                await self._record_known_member(chat.id, vk_id, admitted_by=caller.vk_id)
        missing = None if leader_vk in added else (leader_vk, await self._full_name(leader_id))
        return ChatCreated(title, link, shareable, missing)

    async def _record_known_member(self, chat_id: int, vk_id: int, *, admitted_by: int | None) -> None:
        chat = await chat_repo.get(self.db, chat_id)
        assert chat is not None
        verdict = await eligibility.judge(self.db, chat, vk_id)
        await member_repo.upsert(self.db, chat_id=chat_id, vk_id=vk_id, state="member", now=self.now(),
                                 person_id=verdict.person_id, credited_org_id=verdict.credited_org_id,
                                 admitted_by=admitted_by)

    async def _apply_preset(self, chat: Chat, org: Org, request: ChatRequest, class_id: int | None,
                            leader_id: int | None, title: str) -> str:
        """Title, record, rules posted and pinned, invite link fetched. Returns the link."""
        await chat_repo.bind(self.db, chat.id, org_id=org.id, type_=request.preset.type, class_id=class_id,
                             subject=request.subject or request.name, title=title, leader_id=leader_id)
        await self.notifier.send(chat.peer_id, request.preset.rules_text(), pin=True)
        link = await self.gateway.get_invite_link(chat.peer_id)
        await chat_repo.set_invite_link(self.db, chat.id, link)
        return link

    async def unbound(self, peer_id: int) -> Chat:
        """The chat /привязать is typed in, refused if it is bound already (asked before its
        arguments are read: a bound chat is told so whatever follows the command)."""
        chat, _ = await chat_repo.ensure(self.db, peer_id, added_by=None, now=self.now())
        if chat.bound and chat.invite_link:
            org = await self.orgs.db_org(chat.org_id)  # type: ignore[arg-type]
            raise UserError(texts.CHAT_BIND_ALREADY.format(title=chat.title, school=org.name))
        return chat

    async def bind(self, caller: Caller, peer_id: int, command: ChatCommand) -> ChatBound:
        """/привязать (and the menu in the chat): an existing VK chat becomes the school's chat of
        this type; it is renamed, its rules pinned, and who is in it already is checked."""
        chat = await self.unbound(peer_id)
        org = await self._org(caller, command, Capability.CHAT_BIND)
        request = command.request
        class_id = await self._class_id(org, request)
        existing = await self._existing(org, request, class_id)
        if existing is not None and existing.id != chat.id:
            # two «5А — родители» would mean two links, a split class and lists listing it twice
            raise UserError(ct.bind_duplicate(existing.title))
        try:
            await self.gateway.check_admin(peer_id)
        except VkNoChatRights:
            raise UserError(texts.CHAT_BIND_NEED_ADMIN) from None
        await chat_repo.set_admin(self.db, chat.id, True, now=self.now())
        title = request.preset.title_for(cls=request.cls, subject=request.subject, name=request.name, school=org.name)
        leader_id, _ = await self._leader(caller, org, request)
        await self.notifier.effects.retitle(peer_id, title, chat_id=chat.id, lane=Lane.NORMAL)
        link = await self._apply_preset(chat, org, request, class_id, leader_id, title)
        await self._record_known_member(chat.id, caller.vk_id, admitted_by=caller.vk_id)
        unknown: list[str] = []
        unreachable = False
        if self.on_bound is not None:
            # people who were here before the bot are judged like newcomers (strangers do not stay)
            diff = await self.on_bound(chat)
            unknown = await self._unknown_report(chat, diff)
            if unknown:
                # a side effect, not the answer: the list goes to the binder privately
                await self.notifier.try_send(caller.vk_id, ct.bound_unknown_private(title, unknown))
                unreachable = await reach_repo.is_unreachable(self.db, caller.vk_id)
        return ChatBound(title, org.name, link, len(unknown), unreachable)

    async def _unknown_report(self, chat: Chat, diff: Any) -> list[str]:
        """One line per person VK lists in the chat whom the roster does not know, with what
        happened to them (removed, waiting for a moderator, kept as an admin of the VK chat)."""
        if diff is None:
            return []
        lines = []
        for vk_id in sorted(diff.outsiders | diff.quarantined):
            member = await member_repo.get(self.db, chat.id, vk_id)
            state = member.state if member is not None else None
            lines.append(ct.unknown_line(vk_id, ct.OUTCOME_REMOVED if state == "removed" else ct.OUTCOME_QUARANTINE))
        lines += [ct.unknown_line(vk_id, ct.OUTCOME_KEPT) for vk_id in sorted(diff.vk_admins)]
        return lines

    async def reset_link(self, caller: Caller, peer_id: int) -> LinkReset:
        chat = await self.require_moderator(caller, peer_id)
        link = await self.gateway.get_invite_link(peer_id, reset=True)
        await chat_repo.set_invite_link(self.db, chat.id, link)
        return LinkReset(link)

    async def by_peer(self, peer_id: int) -> Chat | None:
        return await chat_repo.by_peer(self.db, peer_id)

    async def ensure(self, peer_id: int) -> Chat:
        """The chat record of ``peer_id``, created unbound (nobody known to have added the bot) if new."""
        chat, _ = await chat_repo.ensure(self.db, peer_id, added_by=None, now=self.now())
        return chat

    async def get(self, chat_id: int) -> Chat | None:
        return await chat_repo.get(self.db, chat_id)

    async def bound(self, peer_id: int) -> Chat:
        """The school's chat this command is typed in (refused in a chat not bound yet)."""
        chat = await chat_repo.by_peer(self.db, peer_id)
        if chat is None or not chat.bound or chat.org_id is None:
            raise UserError(texts.CHAT_NOT_BOUND)
        return chat

    async def staff_chat(self, caller: Caller, chat_id: object, *, gone: str) -> Chat:
        """A bound chat the caller is staff of (the settings menu's presses); ``gone``: the answer
        when the chat is no more (a stale or forged press)."""
        chat = await chat_repo.get(self.db, chat_id) if isinstance(chat_id, int) else None
        if chat is None or not chat.bound:
            raise UserError(gone)
        if not await self.is_chat_staff(caller, chat):
            raise NotAllowed(texts.NOT_ALLOWED.format(what=texts.WHAT_CHAT_MANAGE, hint=texts.NOT_ALLOWED_HINT))
        return chat

    async def may_route_alerts(self, caller: Caller, chat: Chat) -> bool:
        """Whether the settings menu offers «alerts here/privately» in this chat."""
        return chat.type in STAFF_CHATS and chat.org_id is not None and \
            await self.access.allowed(caller, Capability.ROLE_MANAGE, chat.org_id)

    async def alerts_here(self, chat: Chat) -> bool:
        return chat.org_id is not None and await self.alerts.moderators_chat(chat.org_id) == chat.peer_id

    async def route_alerts(self, caller: Caller, chat: Chat, here: bool) -> AlertsRouted:
        """/уведомления сюда | лично (the school's managers only): «here» only to a staff chat, as
        the alerts quote messages; «privately» from any of the school's chats. Audited."""
        if chat.org_id is None or not await self.access.allowed(caller, Capability.ROLE_MANAGE, chat.org_id):
            raise NotAllowed(texts.NOT_ALLOWED.format(what=texts.WHAT_ALERTS_HERE, hint=texts.NOT_ALLOWED_HINT))
        if here and chat.type not in STAFF_CHATS:
            raise UserError(texts.ALERTS_HERE_NOT_STAFF_CHAT)
        school = await self.orgs.db_org(chat.org_id)
        await self.alerts.set_moderators_chat(school.id, chat.peer_id if here else None)
        await audit.write(self.db, action="alerts_route", now=self.now(), org_id=school.id, chat_id=chat.id,
                          actor_vk=caller.vk_id, reason="here" if here else "private")
        return AlertsRouted(school.name, here)

    async def require_moderator(self, caller: Caller, peer_id: int) -> Chat:
        chat = await chat_repo.by_peer(self.db, peer_id)
        if chat is None or not chat.bound:
            raise UserError(texts.CHAT_BIND_NEED_ADMIN if chat is None else texts.CHAT_NOT_BOUND)
        if await self.is_chat_staff(caller, chat):
            return chat
        raise NotAllowed(texts.NOT_ALLOWED.format(what=texts.WHAT_CHAT_MANAGE, hint=texts.NOT_ALLOWED_HINT))

    async def is_chat_staff(self, caller: Caller, chat: Chat) -> bool:
        if chat.org_id is None:
            return caller.is_operator
        if await self.access.allowed(caller, Capability.CHAT_MODERATE, chat.org_id):
            return True
        if chat.leader_id is not None:
            leader_vk = await people_repo.vk_id_of(self.db, chat.leader_id)
            # the leader counts only while they still hold a role that leads this chat type
            return leader_vk == caller.vk_id and await eligibility.leader_valid(self.db, chat)
        return False

    async def overview(self, caller: Caller, org_code: str | None) -> Overview:
        """/чаты: a school's chats (members of eligible, rights) and the classes missing a chat; a
        territory's schools with their chat counts."""
        org = await self.orgs.resolve(caller, Capability.SCHOOL_VIEW, org_code, purpose=OrgPurpose.CHATS_VIEW,
                                      form=CodeForm.CHATS)
        if org.kind != "school":
            return await self._territory(org)
        chats = await chat_repo.in_org(self.db, org.id)
        lines = []
        for chat in chats:
            members = len(await member_repo.in_state(self.db, chat.id))
            eligible = len(await eligibility.eligible_ids(self.db, chat))
            lines.append(ChatLine(chat.title, members, eligible, bool(chat.bot_is_admin)))
        may_create = not chats and await self.access.allowed(caller, Capability.CHAT_CREATE, org.id)
        classes = await people_repo.classes(self.db, org.id)
        have = {(c.type, c.class_id) for c in chats}
        no_parents = tuple(str(name) for cid, name in classes if ("parents_class", cid) not in have)
        no_students = tuple(str(name) for cid, name in classes if ("students_class", cid) not in have)
        return SchoolChats(org.name, tuple(lines), may_create, bool(classes), no_parents, no_students)

    async def _territory(self, org: Org) -> TerritoryChats:
        schools = await org_repo.descendants(self.db, org.id, "school")
        return TerritoryChats(org.name, tuple(
            [TerritorySchool(school.name, school.code, len(await chat_repo.in_org(self.db, school.id)))
             for school in schools]))

    async def vk_name(self, vk_id: int) -> str:
        """The person's name in a text the bot will send (filled in when it is sent)."""
        return self.names.placeholder(vk_id)

    async def _full_name(self, person_id: int | None) -> str | None:
        person = await people_repo.get(self.db, person_id) if person_id else None
        return person.full_name if person else None

    def known_female(self, vk_id: int) -> bool | None:
        """Whether the person is a woman, as far as the bot knows without asking VK (their name
        was shown recently): words that agree are chosen by it; None: a neutral wording."""
        return self.names.female(vk_id)