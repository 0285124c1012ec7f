"""/роль: grant and revoke roles by order, and link a roster person to a VK account."""

from __future__ import annotations

import re
from datetime import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import texts
from bot.db import Database
from bot.domain.classes import ClassName, looks_like_class, parse_class
from bot.domain.names import clean_display_name, normalize_name
from bot.domain.roles import parse_roles
from bot.domain.errors import NotAllowed, UserError
from bot.services import eligibility
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.repo.orgs import Org
from bot.services.access import ROLE_BY_RU, ROLE_NAMES_RU, Access, Caller, may_grant
from bot.services.orgs import Orgs
from bot.domain import gender
from bot.services.reach import Reach

if TYPE_CHECKING:
    from bot.services.admission import Admission
from bot.texts import admission as admission_texts
from bot.vk.errors import VkBadRequest
from bot.vk.gateway import VkGateway

VK_REF = re.compile(
    r"^(?:(?:https?://)?(?:m\.)?vk\.(?:com|ru)/([\w.]+)|\[id(\d+)\|[^\]]*\]|id(\d+)|@([\w.]+)|(\d{1,12}))$",
    re.IGNORECASE,
)
ORDER = re.compile(r"приказ\s*(?:№\s*)?(\S+)\s+от\s+(\d{1,2}\.\d{1,2}\.\d{4})", re.IGNORECASE)
ORG_KEY = re.compile(r"(?:школа|орг|организация)\s+([a-z0-9-]+)\s*$", re.IGNORECASE)
SUBJECT = re.compile(r"предмет\s+(.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RoleCommand:
    action: str  # grant | revoke | link
    role_words: str
    vk_ref: str
    rest: str
    order_no: str | None
    order_date: str | None
    org_code: str | None


@dataclass(frozen=True)
class RoleAnswer:
    text: str  # to the admin
    changed_vk: int | None = None  # whose roles changed: their start keyboard is sent again
    notice: str | None = None  # what to tell them with it


def parse_role_command(args: str) -> RoleCommand:
    text = " ".join(args.split())
    if not text:
        raise UserError(texts.ROLE_BAD_ACTION)
    action_word, _, text = text.partition(" ")
    action = {"выдать": "grant", "снять": "revoke", "связать": "link", "привязать": "link"}.get(
        action_word.casefold())
    if action is None:
        raise UserError(texts.ROLE_BAD_ACTION)
    order_no = order_date = None
    match = ORDER.search(text)
    if match:
        order_no, order_date = match.group(1), match.group(2)
        try:
            order_date = datetime.strptime(order_date, "%d.%m.%Y").strftime("%d.%m.%Y")
        except ValueError:
            raise UserError(texts.ROLE_BAD_ORDER_DATE.format(date=order_date)) from None
        text = (text[: match.start()] + text[match.end():]).strip()
    elif re.search(r"\bприказ\b", text, re.IGNORECASE):
        raise UserError(texts.ROLE_BAD_ORDER)
    org_code = None
    match = ORG_KEY.search(text)
    if match:
        org_code = match.group(1)
        text = text[: match.start()].strip()
    words = text.split()
    for index, word in enumerate(words):
        if VK_REF.match(word):
            return RoleCommand(action, " ".join(words[:index]), word, " ".join(words[index + 1:]),
                               order_no, order_date, org_code)
    raise UserError(texts.ROLE_NEED_TARGET)


# where each role can be held: school roles in schools (and other organisations), coordinators above
_SCHOOL_ROLES = tuple(r for r in ROLE_NAMES_RU if r not in ("operator", "regional_coordinator", "municipal_coordinator"))
ROLE_ORG_KINDS: dict[str, tuple[str, ...]] = {
    "school": _SCHOOL_ROLES, "other": _SCHOOL_ROLES,
    "municipality": ("municipal_coordinator",), "region": ("regional_coordinator",),
}


class Roles:
    def __init__(self, db: Database, access: Access, orgs: Orgs, gateway: VkGateway, *,
                 reach: Reach | None = None, community: str = "", admission: Admission | None = None) -> None:
        self.db = db
        self.access = access
        self.orgs = orgs
        self.gateway = gateway
        self.reach = reach  # asked whether the new role holder can receive the bot's messages
        self.community = community
        self.admission = admission  # a person linked by staff waits in no quarantine either

    async def handle(self, caller: Caller, args: str, now: int) -> RoleAnswer:
        """/роль: the answer to the admin, and whose menu changed (granted, revoked or linked) with
        what to tell them — their start keyboard is sent again with it."""
        changed: list[tuple[int, str]] = []  # (vk id, notice), filled by this command only
        text = await self._handle(caller, args, now, changed)
        return RoleAnswer(text, *changed[-1]) if changed else RoleAnswer(text)

    async def _handle(self, caller: Caller, args: str, now: int, changed: list[tuple[int, str]]) -> str:
        cmd = parse_role_command(args)
        org = await self.orgs.resolve(caller, "role_manage", cmd.org_code, what=texts.WHAT_ROLES,
                                      form=texts.ORG_FORM_ROLE)
        vk_id, first, last = await self._resolve_user(cmd.vk_ref, allow_deactivated=cmd.action == "revoke")
        if cmd.action == "link":
            return await self._link(caller, org, vk_id, cmd.rest, now, changed)
        spec_class, subject, role = self._role_spec(cmd)
        if role not in ROLE_ORG_KINDS.get(org.kind, ()):
            raise UserError(texts.ROLE_WRONG_ORG.format(role=ROLE_NAMES_RU[role], org=org.name))
        if cmd.action == "revoke" and role == "school_admin" and vk_id == caller.vk_id and not caller.is_operator:
            raise UserError(texts.ROLE_SELF_REVOKE)
        ancestors = await org_repo.ancestors(self.db, org.id)
        if not may_grant(caller, role, org.id, ancestors):
            raise NotAllowed(texts.ROLE_NOT_GRANTABLE.format(role=ROLE_NAMES_RU[role], org=org.name))
        if cmd.action == "revoke":
            # revoking never creates anyone: look the person up only
            kind = {"parent": "parent", "student": "student"}.get(role, "staff")
            found = [p for p in await people_repo.by_vk(self.db, vk_id) if p.home_org_id == org.id and p.kind == kind]
            if not found:
                return texts.ROLE_NOT_HELD.format(name=f"{last} {first}".strip(), role=ROLE_NAMES_RU[role], org=org.name)
            person = found[0]
        else:
            person = await self._person_for(org, vk_id, f"{last} {first}".strip(), role, now)
        extra = (f" {spec_class}" if spec_class else "") + (f" ({subject})" if subject else "")
        order = (texts.SCHOOL_STAFF_ORDER.format(no=cmd.order_no, date=cmd.order_date) if cmd.order_no else "")
        if cmd.action == "grant":
            class_id = await people_repo.class_id(self.db, org.id, spec_class) if spec_class else None
            if spec_class and class_id is None:
                raise UserError(texts.CLASS_NOT_IN_SCHOOL.format(school=org.name, cls=spec_class))
            created = await role_repo.grant(
                self.db, person_id=person.id, org_id=org.id, role=role, class_id=class_id, subject=subject,
                order_no=cmd.order_no, order_date=cmd.order_date, granted_by=caller.vk_id, now=now,
            )
            if created is None:
                return texts.ROLE_ALREADY.format(name=person.full_name, role=ROLE_NAMES_RU[role], extra=extra,
                                                 org=org.name)
            changed.append((vk_id, admission_texts.ROLE_NOTICE_GRANTED.format(role=ROLE_NAMES_RU[role], extra=extra,
                                                                              org=org.name)))
            granted = texts.ROLE_GRANTED.format(role=ROLE_NAMES_RU[role], extra=extra, name=person.full_name,
                                                vk_id=vk_id, org=org.name, order=order)
            return granted + await self._reach_note(person, vk_id)
        basis = f"приказ № {cmd.order_no} от {cmd.order_date}" if cmd.order_no else None
        count = await role_repo.revoke(self.db, person_id=person.id, org_id=org.id, role=role,
                                       revoked_by=caller.vk_id, basis=basis, now=now)
        if count:
            await eligibility.clear_stale_leaders(self.db, org.id)
        if not count:
            return texts.ROLE_NOT_HELD.format(name=person.full_name, role=ROLE_NAMES_RU[role], org=org.name)
        changed.append((vk_id, admission_texts.ROLE_NOTICE_REVOKED.format(role=ROLE_NAMES_RU[role], org=org.name)))
        return texts.ROLE_REVOKED.format(role=ROLE_NAMES_RU[role], name=person.full_name, org=org.name, order=order)

    async def _reach_note(self, person: people_repo.Person, vk_id: int) -> str:
        """A role is useless to someone the bot cannot write to (alerts, reminders, signals about
        children): say so to the admin giving it, with the one step that fixes it."""
        if self.reach is None or person.kind != "staff" or await self.reach.check(vk_id) is not False:
            return ""
        return "\n\n" + admission_texts.role_unreachable(person.full_name, gender.female(person.full_name),
                                                          self.community)

    def _role_spec(self, cmd: RoleCommand) -> tuple[ClassName | None, str | None, str]:
        phrase = cmd.role_words.strip()
        tail = cmd.rest
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
            rest = folded.split(None, 1)[1] if " " in folded else ""
            subject = subject or rest.strip() or None
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

    async def _resolve_user(self, ref: str, *, allow_deactivated: bool = False) -> tuple[int, str, str]:
        match = VK_REF.match(ref)
        assert match is not None
        key = next(group for group in match.groups() if group)
        if key.lower().startswith("id") and key[2:].isdigit():
            key = key[2:]
        try:
            user = await self.gateway.get_user(key)
        except VkBadRequest as exc:  # 113: no such user or screen name
            if exc.code in (100, 113):
                raise UserError(texts.ROLE_USER_NOT_FOUND.format(ref=ref)) from None
            raise
        if user is None or (user.deactivated and not allow_deactivated):
            # deleted or banned accounts get no roles (but theirs can still be taken away)
            raise UserError(texts.ROLE_USER_NOT_FOUND.format(ref=ref))
        return user.id, user.first_name, user.last_name

    async def _person_for(self, org: Org, vk_id: int, vk_name: str, role: str, now: int) -> people_repo.Person:
        """The org's person with this VK id (staff first), created as staff if there is none."""
        kind = {"parent": "parent", "student": "student"}.get(role, "staff")
        for person in await people_repo.by_vk(self.db, vk_id):
            if person.home_org_id == org.id and person.kind == kind:
                return person
        name = clean_display_name(vk_name) or f"id{vk_id}"
        person_id = await people_repo.create(self.db, org_id=org.id, kind=kind, full_name=name,
                                             name_key=normalize_name(name), vk_id=vk_id, now=now)
        created = await people_repo.get(self.db, person_id)
        assert created is not None
        return created

    async def _link(self, caller: Caller, org: Org, vk_id: int, rest: str, now: int,
                    changed: list[tuple[int, str]]) -> str:
        words = rest.split()
        cls = None
        if words and looks_like_class(words[-1]):
            cls = parse_class(words.pop())
        name = " ".join(words)
        if not name:
            raise UserError(texts.ROLE_LINK_NEED_NAME)
        found = [p for kind in ("student", "parent", "staff")
                 for p in await people_repo.find_prefix(self.db, org.id, normalize_name(name), kind=kind)]
        if cls is not None:
            found = [p for p in found if p.class_name == str(cls)]
        if not found:
            raise UserError(texts.ROLE_LINK_NOT_FOUND.format(org=org.name, name=name))
        if len(found) > 1:
            options = "; ".join(f"{p.full_name}{', ' + p.class_name if p.class_name else ''}" for p in found)
            raise UserError(texts.ROLE_LINK_AMBIGUOUS.format(org=org.name, name=name, options=options))
        person = found[0]
        if person.vk_id == vk_id:
            return texts.role_linked(person.full_name, org.name, vk_id)
        if person.vk_id is not None:
            # re-pointing someone's entry at another account would hand over their roles and chats
            raise UserError(texts.ROLE_LINK_TAKEN.format(name=person.full_name))
        ancestors = await org_repo.ancestors(self.db, org.id)
        for grant in await role_repo.active_for_person(self.db, person.id):
            if not may_grant(caller, grant.role, grant.org_id, ancestors if grant.org_id == org.id else []):
                raise NotAllowed(texts.ROLE_NOT_GRANTABLE.format(role=ROLE_NAMES_RU[grant.role], org=org.name))
        clash = await people_repo.other_with_vk(self.db, org.id, person.kind, vk_id, person.id)
        if clash:
            raise UserError(texts.CODE_CONFLICT)
        async with self.db.transaction():
            await people_repo.link_vk(self.db, person.id, vk_id, now)
            await people_repo.record_event(self.db, org_id=org.id, kind="link", person_id=person.id, now=now,
                                           details={"by": "staff"})
            if self.admission is not None:
                await self.admission.admit_linked(vk_id, now, by="staff")
        changed.append((vk_id, admission_texts.ROLE_NOTICE_LINKED.format(name=person.full_name, org=org.name)))
        return texts.role_linked(person.full_name, org.name, vk_id) + await self._reach_note(person, vk_id)
