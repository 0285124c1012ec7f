"""Creating and binding chats by type, invite links, the school's chat overview."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot import texts
from bot.domain.clock import Clock
from bot.db import Database
from bot.domain.chat_types import ChatRequest, ChatRequestError, Needs, parse_chat_request
from bot.domain.errors import NotAllowed, UserError
from bot.pipeline.effects import Lane
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
from bot.services.access import ROLE_NAMES_RU, SCHOOL_MANAGERS, Access, Caller
from bot.services.notify import Notifier
from bot.services.orgs import Orgs
from bot.services.roster import Reply
from bot.texts import confirm as ct
from bot.vk.errors import VkCannotMessage, VkContactNotFound, VkError, VkNoChatRights
from bot.vk.gateway import VkGateway
from bot.vk.keyboards import Button, inline
from bot.vk.names import Names

log = logging.getLogger(__name__)

MAX_CLASS_BUTTONS = 8  # VK: at most 10 buttons inline; «Для всей школы» and «Отменить» take two
CLASS_BUTTONS_PER_ROW = 4
CLASS_TYPE_WORDS = {"родители": "родители", "ученики": "ученики", "класс": "ученики"}  # a class is asked


def split_school(args: str) -> tuple[str, str | None]:
    words = args.split()
    if len(words) >= 2 and words[-2].casefold() in ("школа", "орг"):
        return " ".join(words[:-2]), words[-1]
    return args, None


class Chats:
    def __init__(self, db: Database, gateway: VkGateway, notifier: Notifier, access: Access, orgs: Orgs,
                 clock: Clock) -> None:
        self.db = db
        self.gateway = gateway
        self.notifier = notifier
        self.access = access
        self.orgs = orgs
        self.clock = clock
        # set by the app: admission applied to everyone already in a chat once it is bound
        # (Membership.admit_present; Admission is built after Chats, so it cannot be passed in)
        self.on_bound: Callable[[Chat], Awaitable[Any]] | None = None
        self.names = Names(gateway)

    def now(self) -> int:
        return int(self.clock.now())

    async def _request(self, caller: Caller, args: str, capability: str) -> tuple[Org, ChatRequest]:
        body, code = split_school(args)
        try:
            request = parse_chat_request(body)
        except ChatRequestError as exc:
            raise UserError(exc.message) from None
        org = await self.orgs.resolve(caller, capability, code, what=texts.WHAT_CHATS_CREATE)
        await self._check_type_rights(caller, org, request)
        return org, request

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

    async def create_or_ask(self, caller: Caller, args: str) -> Reply:
        """/создать родители|ученики without a class: the class is asked with buttons from the roster.
        For parents that would otherwise make a chat of every parent of the school: the school-wide
        chat is offered only on its own button («Для всей школы»)."""
        body, code = split_school(args)
        words = body.split()
        word = words[0].casefold().replace("ё", "е") if len(words) == 1 else ""
        if word in CLASS_TYPE_WORDS:
            org = await self.orgs.resolve(caller, "chat_create", code, what=texts.WHAT_CHATS_CREATE)
            return await self._ask_class(caller, org, CLASS_TYPE_WORDS[word])
        return Reply(await self.create(caller, args))

    async def _ask(self, caller: Caller, org: Org, step: str, text: str,
                   rows: list[list[tuple[str, dict[str, str]]]], **payload: Any) -> Reply:
        action_id = await pending_repo.create(
            self.db, kind="create_chat", vk_id=caller.vk_id, org_id=org.id, now=self.now(),
            payload={"code": org.code, "step": step, "what": ct.WHAT_CREATE_CHAT, **payload},
        )
        keyboard = [[Button(label, {"a": "pa", "id": action_id, "do": "apply", **data}) for label, data in row]
                    for row in rows]
        keyboard.append([Button(texts.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"}, "negative")])
        return Reply(text, inline(keyboard))

    async def _ask_class(self, caller: Caller, org: Org, word: str) -> Reply:
        """Classes of the roster as buttons, those without such a chat first; for parents also
        «Для всей школы» (the school-wide chat only on its own button)."""
        chat_type = "parents_class" if word == "родители" else "students_class"
        classes = await people_repo.classes(self.db, org.id)
        have = {c.class_id for c in await chat_repo.in_org(self.db, org.id) if c.type == chat_type}
        ordered = [str(name) for cid, name in sorted(classes, key=lambda pair: pair[0] in have)]
        shown = ordered[:MAX_CLASS_BUTTONS]
        rows = [[(ct.button_class_chat(word, c), {"c": c}) for c in shown[i:i + CLASS_BUTTONS_PER_ROW]]
                for i in range(0, len(shown), CLASS_BUTTONS_PER_ROW)]
        if word == "родители":
            rows.append([(ct.BUTTON_WHOLE_SCHOOL, {"c": ""})])
        elif not shown:
            raise UserError(ct.no_classes(org.name))
        text = ct.ask_class(word, org.name, more=len(ordered) > len(shown))
        return await self._ask(caller, org, "class", text, rows, word=word, classes=shown)

    async def create_chosen(self, caller: Caller, action: Pending, press: dict[str, Any]) -> Reply:
        """A button of ``create_or_ask``: a class, or the school-wide parents' chat (the press is
        the explicit choice)."""
        payload = action.payload
        school = f" школа {payload['code']}"
        choice = press.get("c")
        word = payload.get("word", "родители")
        if payload.get("step", "class") != "class" or not isinstance(choice, str) or \
                (choice and choice not in payload.get("classes", [])) or (not choice and word != "родители"):
            return Reply(texts.PENDING_GONE)
        if not await pending_repo.claim(self.db, action.id, "applied"):
            return Reply(texts.PENDING_GONE)
        return Reply(await self.create(caller, (f"{word} {choice}" if choice else word) + school))

    async def create(self, caller: Caller, args: str) -> str:
        org, request = await self._request(caller, args, "chat_create")
        class_id = await self._class_id(org, request)
        existing = await self._existing(org, request, class_id)
        if existing is not None and existing.invite_link:
            return texts.CHAT_EXISTS.format(title=existing.title, link=existing.invite_link)
        if existing is not None:
            # an earlier /создать stopped half-way (VK failed after the chat was made): finish it
            link = await self._apply_preset(existing, org, request, class_id, existing.leader_id, existing.title)
            return texts.CHAT_CREATED.format(
                title=existing.title, link=link,
                share=texts.CHAT_LINK_SHARE if request.preset.link_shareable else texts.CHAT_LINK_PRIVATE)
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
        answer = texts.CHAT_CREATED.format(
            title=title, link=link,
            share=texts.CHAT_LINK_SHARE if request.preset.link_shareable else texts.CHAT_LINK_PRIVATE)
        if leader_vk not in added:
            answer += "\n" + texts.leader_cannot_be_added(await self.vk_name(leader_vk), await self._full_name(leader_id))
        return answer

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

    async def bind(self, caller: Caller, peer_id: int, args: str) -> str:
        chat, _ = await chat_repo.ensure(self.db, peer_id, added_by=None, now=self.now())
        if chat.bound and chat.invite_link:
            org = await self.orgs.db_org(chat.org_id)  # type: ignore[arg-type]
            raise UserError(texts.CHAT_BIND_ALREADY.format(title=chat.title, school=org.name))
        org, request = await self._request(caller, args, "chat_bind")
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
        answer = texts.CHAT_BOUND.format(title=title, school=org.name, link=link)
        answer += "\n" + ct.BOUND_RENAMED.format(title=title)  # VK shows the rename; say why
        if self.on_bound is not None:
            # people who were here before the bot are judged like newcomers (strangers do not stay)
            diff = await self.on_bound(chat)
            unknown = await self._unknown_report(chat, diff)
            if unknown:
                await self.notifier.try_send(caller.vk_id, ct.bound_unknown_private(title, unknown))
                if await reach_repo.is_unreachable(self.db, caller.vk_id):
                    # the private list would not arrive: say so here rather than «отправил лично»
                    answer += "\n" + ct.bound_unknown_unreachable(len(unknown))
                else:
                    answer += "\n" + ct.bound_unknown(len(unknown))
        return answer

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

    async def reset_link(self, caller: Caller, peer_id: int) -> str:
        chat = await self.require_moderator(caller, peer_id)
        link = await self.gateway.get_invite_link(peer_id, reset=True)
        await chat_repo.set_invite_link(self.db, chat.id, link)
        return texts.LINK_RESET.format(link=link)

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
        if await self.access.allowed(caller, "chat_moderate", chat.org_id):
            return True
        if chat.leader_id is not None:
            leader_vk = await people_repo.vk_id_of(self.db, chat.leader_id)
            # the leader counts only while they still hold a role that leads this chat type
            return leader_vk == caller.vk_id and await eligibility.leader_valid(self.db, chat)
        return False

    async def overview(self, caller: Caller, args: str) -> str:
        org = await self.orgs.resolve(caller, "school_view", args.strip() or None, what=texts.WHAT_CHATS_VIEW,
                                      form=texts.ORG_FORM_BARE.format(command="/чаты"))
        if org.kind != "school":
            return await self._territory(org)
        chats = await chat_repo.in_org(self.db, org.id)
        lines = [texts.CHATS_HEADER.format(school=org.name)]
        for chat in chats:
            members = len(await member_repo.in_state(self.db, chat.id))
            eligible = len(await eligibility.eligible_ids(self.db, chat))
            flag = texts.CHATS_NO_RIGHTS if not chat.bot_is_admin else ""
            lines.append(texts.CHATS_LINE.format(title=chat.title, members=members, eligible=eligible, flag=flag))
        if not chats:
            may_create = await self.access.allowed(caller, "chat_create", org.id)
            lines.append(texts.CHATS_NONE if may_create else texts.CHATS_NONE_READONLY)
        classes = await people_repo.classes(self.db, org.id)
        have = {(c.type, c.class_id) for c in chats}
        no_parents = [str(name) for cid, name in classes if ("parents_class", cid) not in have]
        no_students = [str(name) for cid, name in classes if ("students_class", cid) not in have]
        if classes:
            lines.append(texts.CHATS_MISSING.format(parents=", ".join(no_parents) or "—",
                                                    students=", ".join(no_students) or "—"))
        return "\n".join(lines)

    async def _territory(self, org: Org) -> str:
        """A coordinator's /чаты: the territory's schools with their chat counts."""
        schools = await org_repo.descendants(self.db, org.id, "school")
        if not schools:
            return ct.TERRITORY_NONE.format(name=org.name)
        lines = [ct.territory_header(org.name)]
        for school in schools:
            lines.append(ct.territory_line(school.name, school.code, len(await chat_repo.in_org(self.db, school.id))))
        lines.append(ct.TERRITORY_HINT)
        return "\n".join(lines)

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