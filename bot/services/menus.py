"""What the start menu and the guided dialogs show, assembled from real data: which sections a
person has (by their roles), which schools a section applies to, which chat types they may
create, the classes of the roster, the chats they may configure. Decisions about rights come
from ``bot.services.access``; the actions themselves stay with the services the typed commands
use (menus only choose their arguments)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from bot.db import Database
from bot.domain.capabilities import Capability
from bot.domain import commands
from bot.domain.chat_types import PRESETS, Needs
from bot.domain.commands import CommandSpec, Where
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo.chats import Chat
from bot.repo.orgs import Org
from bot.services import access
from bot.services.access import COORDINATORS, SCHOOL_MANAGERS, Access, Caller, allowed_somewhere
from bot.vk.gateway import is_chat_peer

# Sections of the start menu, in the order they are shown; each with the capability it needs
# (None = it depends on the person being a parent or a student, not on a staff capability).
SECTIONS: tuple[tuple[str, Capability | None], ...] = (
    ("lists", Capability.ROSTER_MANAGE),
    ("chats", Capability.CHAT_CREATE),
    # polls, quizzes, meetings, material and scheduled posts: the typed commands' own right (which
    # chats a person may use them in is the services' check when the dialog starts)
    ("work", Capability.CHAT_BIND),
    ("codes", Capability.ROSTER_MANAGE),
    ("reports", Capability.REPORT_VIEW),
    ("staff", Capability.ROLE_MANAGE),
    ("alerts", Capability.ALERTS_RECEIVE),
    ("schools", Capability.ORG_MANAGE),
    ("mychats", None),
    ("hotline", None),  # a parent's question to the class teacher or the office (bot/services/hotline.py)
    ("code", None),
    ("rules", None),
    ("complaint", None),
    ("help", Capability.EVERYONE),
)
SECTION_CAPABILITY = dict(SECTIONS)
# the chat types a menu creates without a typed name (the others need a subject or a title)
MENU_TYPES = ("parents_class", "students_class", "parents_school", "admin_open", "admin_closed", "homeschool")


@dataclass(frozen=True)
class Person:
    """Who is asking, as far as the menu cares."""

    caller: Caller
    family: bool  # a linked parent or student
    linked: bool  # known to some school at all
    parent: bool = False  # a linked parent (the hot line)


class Menus:
    def __init__(self, db: Database, access: Access) -> None:
        self.db = db
        self.access = access

    async def person(self, vk_id: int) -> Person:
        caller = await self.access.caller(vk_id)
        people = await people_repo.by_vk(self.db, vk_id)
        family = any(p.kind in ("parent", "student") for p in people) or \
            any(g.role in ("parent", "student") for g in caller.grants)
        parent = any(p.kind == "parent" and p.status == "active" for p in people)
        return Person(caller, family, bool(people) or bool(caller.grants), parent)

    async def sections(self, vk_id: int) -> list[str]:
        """The sections of this person's start menu (nothing they may not use)."""
        who = await self.person(vk_id)
        caller = who.caller
        out = []
        for key, capability in SECTIONS:
            if key == "schools":
                # coordinators look at the schools of their territory; a school's staff has «Списки»
                ok = caller.is_operator or any(g.role in COORDINATORS for g in caller.grants)
            elif key == "staff":
                ok = caller.is_operator or any(g.role in SCHOOL_MANAGERS for g in caller.grants)
            elif key == "code":
                ok = not who.linked or who.family  # staff link once, by their own code
            elif key == "hotline":
                ok = who.parent
            elif key in ("mychats", "rules", "complaint"):
                ok = who.family
            else:
                ok = capability is not None and allowed_somewhere(caller, capability)
            if ok:
                out.append(key)
        return out

    async def allowed(self, caller: Caller, section: str, org_id: int | None = None) -> bool:
        """The check at the press: the section is the person's, and in that organisation."""
        if section == "settings":  # not on the start keyboard: /настройки and «Беседы» lead there
            return any(allowed_somewhere(caller, c) for c in (Capability.CHAT_MODERATE, Capability.CHAT_CREATE))
        if section == "bind":  # /привязать in a chat
            return allowed_somewhere(caller, Capability.CHAT_BIND) and (
                org_id is None or await self.access.allowed(caller, Capability.CHAT_BIND, org_id))
        if section not in await self.sections(caller.vk_id):
            return False
        capability = SECTION_CAPABILITY[section]
        if org_id is None or capability is None or capability is Capability.EVERYONE:
            return True
        return await self.access.allowed(caller, capability, org_id)

    async def orgs(self, caller: Caller, capability: Capability, *, schools_only: bool = True) -> list[Org]:
        """The organisations a section applies to: where the caller holds the capability
        (coordinators: the schools of their territory, and the territory itself unless
        ``schools_only``; operators: every school)."""
        found: dict[int, Org] = {}
        if caller.is_operator:
            for org in await org_repo.all_of_kind(self.db, "school"):
                found[org.id] = org
        for org_id in await self.access.home_orgs(caller, capability):
            home = await org_repo.get(self.db, org_id)
            if home is None:
                continue
            if home.kind == "school" or not schools_only:
                found[home.id] = home
            if home.kind != "school":
                for school in await org_repo.descendants(self.db, home.id, "school"):
                    found[school.id] = school
        # a territory first, then its schools by name
        return sorted(found.values(), key=lambda o: (o.kind == "school", o.name))

    async def org(self, org_id: int) -> Org | None:
        return await org_repo.get(self.db, org_id)

    async def chat_types(self, caller: Caller, org: Org) -> list[str]:
        """The chat types this person may create in the school from a menu."""
        if not await self.access.allowed(caller, Capability.CHAT_CREATE, org.id):
            return []
        roles = caller.roles_in(org.id)
        if caller.is_operator or roles & SCHOOL_MANAGERS:
            return list(MENU_TYPES)
        return [t for t in MENU_TYPES if roles & set(PRESETS[t].leader_roles)]

    async def classes(self, org: Org, chat_type: str | None = None) -> list[str]:
        """The roster's classes; for a class chat type, those without such a chat first."""
        classes = await people_repo.classes(self.db, org.id)
        if chat_type is None:
            return [str(name) for _, name in classes]
        have = {c.class_id for c in await chat_repo.in_org(self.db, org.id) if c.type == chat_type}
        return [str(name) for cid, name in sorted(classes, key=lambda pair: pair[0] in have)]

    async def classes_to_create(self, caller: Caller, org: Org, chat_type: str) -> list[str]:
        """The classes whose chat of this type the person may create: every class for the
        school's managers (and other leaders of the type), a class teacher's own class."""
        classes = await self.classes(org, chat_type)
        roles = caller.roles_in(org.id) & set(PRESETS[chat_type].leader_roles)
        if caller.is_operator or caller.roles_in(org.id) & SCHOOL_MANAGERS or roles - {"class_teacher"}:
            return classes
        own = {g.class_id for g in caller.grants if g.org_id == org.id and g.role == "class_teacher"}
        names = {cid: str(name) for cid, name in await people_repo.classes(self.db, org.id)}
        mine = {names[cid] for cid in own if cid in names}
        return [c for c in classes if c in mine]

    async def roster_counts(self, org: Org) -> dict[str, int]:
        return await people_repo.counts(self.db, org.id)

    async def configurable_chats(self, org: Org, is_staff: Callable[[Chat], Awaitable[bool]]) -> list[Chat]:
        """The school's bound chats whose settings this person may change (``is_staff(chat)``)."""
        return [chat for chat in await chat_repo.in_org(self.db, org.id) if chat.bound and await is_staff(chat)]

    async def chat(self, chat_id: int) -> Chat | None:
        return await chat_repo.get(self.db, chat_id)

    async def help_commands(self, caller: Caller, peer_id: int, handled: Collection[str],
                            is_staff: Callable[[Chat], Awaitable[bool]]) -> list[CommandSpec]:
        """The commands /помощь lists here: those this bot handles, usable where it is asked
        (privately or in this chat) with the caller's roles — in a bound chat, its school's roles
        and, for moderation commands, being the chat's staff (``is_staff(chat)``)."""
        in_chat = is_chat_peer(peer_id)
        chat = await chat_repo.by_peer(self.db, peer_id) if in_chat else None
        org_id = chat.org_id if chat is not None else None
        ancestors = await org_repo.ancestors(self.db, org_id) if org_id is not None else []
        chat_staff = chat is not None and chat.bound and await is_staff(chat)
        found = []
        for spec in commands.CATALOG:
            if spec.key not in handled:
                continue
            if spec.where is Where.PRIVATE and in_chat or spec.where is Where.CHAT and not in_chat:
                continue
            if spec.key == "bind" and org_id is not None:
                continue  # a bound chat cannot be bound again
            if in_chat and spec.capability == Capability.CHAT_MODERATE:
                ok = chat_staff  # the chat's staff: its leader, the school's moderators and managers
            elif in_chat and org_id is not None and spec.capability != Capability.EVERYONE:
                ok = access.allowed(caller, spec.capability, org_id, ancestors)
            else:
                ok = access.allowed_somewhere(caller, spec.capability)
            if ok:
                found.append(spec)
        return found

    async def member_chat_types(self, vk_id: int) -> list[str]:
        """The types of the school chats the person is in (for «Правила»)."""
        types = []
        for chat_id in await member_repo.chats_of_vk(self.db, vk_id):
            chat = await chat_repo.get(self.db, chat_id)
            if chat is not None and chat.type and chat.type not in types:
                types.append(chat.type)
        return types


def needs_class(chat_type: str) -> bool:
    return PRESETS[chat_type].needs in (Needs.CLASS, Needs.OPTIONAL_CLASS)
