"""/роль: grant and revoke roles by order, and link a roster person to a VK account.

The handler reads the command (``bot.domain.role_command``) and renders the typed result
(``bot.texts.roles``); the role holder whose roles changed gets their start keyboard again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import texts
from bot.db import Database
from bot.domain.capabilities import Capability
from bot.domain.org_choice import CodeForm, OrgPurpose
from bot.domain.classes import ClassName
from bot.domain.names import clean_display_name, normalize_name
from bot.domain.role_command import Order, VkTarget
from bot.domain.errors import NotAllowed, UserError
from bot.services import eligibility
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.repo.orgs import Org
from bot.services.access import ROLE_NAMES_RU, Caller, may_grant
from bot.services.orgs import Orgs
from bot.services.reach import Reach
from bot.texts import roles as role_texts

if TYPE_CHECKING:
    from bot.services.admission import Admission
from bot.vk.errors import VkBadRequest
from bot.vk.gateway import VkGateway


@dataclass(frozen=True)
class RoleChange:
    """/роль выдать|снять: whose role, which, where (None: the caller's only school), by which order."""

    target: VkTarget
    role: str
    cls: ClassName | None = None  # a class teacher's class (a subject teacher's, if given)
    subject: str | None = None
    order: Order | None = None
    org_code: str | None = None


@dataclass(frozen=True)
class LinkRequest:
    """/роль связать: the roster entry (its name, the class if given) to point at a VK account."""

    target: VkTarget
    name: str
    cls: ClassName | None = None
    org_code: str | None = None


@dataclass(frozen=True)
class Granted:
    role: str
    cls: ClassName | None
    subject: str | None
    name: str  # the role holder as the school's records name them
    vk_id: int
    org: str
    order: Order | None
    unreachable: bool  # a staff member the bot cannot write to (the admin is told how to fix it)


@dataclass(frozen=True)
class AlreadyHeld:
    role: str
    cls: ClassName | None
    subject: str | None
    name: str
    org: str


@dataclass(frozen=True)
class Revoked:
    role: str
    name: str
    vk_id: int
    org: str
    order: Order | None


@dataclass(frozen=True)
class NotHeld:
    role: str
    name: str
    org: str


@dataclass(frozen=True)
class Linked:
    name: str
    vk_id: int
    org: str
    changed: bool  # False: the entry was linked to this account already
    unreachable: bool


RoleResult = Granted | AlreadyHeld | Revoked | NotHeld | Linked


def changed_vk(result: RoleResult) -> int | None:
    """Whose roles changed (their start keyboard is sent again); None if nothing changed."""
    if isinstance(result, (Granted, Revoked)) or isinstance(result, Linked) and result.changed:
        return result.vk_id
    return None


# where each role can be held: school roles in schools (and other organisations), coordinators above
_SCHOOL_ROLES = tuple(r for r in ROLE_NAMES_RU if r not in ("operator", "regional_coordinator", "municipal_coordinator"))
ROLE_ORG_KINDS: dict[str, tuple[str, ...]] = {
    "school": _SCHOOL_ROLES, "other": _SCHOOL_ROLES,
    "municipality": ("municipal_coordinator",), "region": ("regional_coordinator",),
}
FAMILY_KINDS = {"parent": "parent", "student": "student"}  # a role → the kind of roster entry; else staff


class Roles:
    def __init__(self, db: Database, orgs: Orgs, gateway: VkGateway, *,
                 reach: Reach | None = None, admission: Admission | None = None) -> None:
        self.db = db
        self.orgs = orgs
        self.gateway = gateway
        self.reach = reach  # asked whether the new role holder can receive the bot's messages
        self.admission = admission  # a person linked by staff waits in no quarantine either

    async def _org(self, caller: Caller, code: str | None) -> Org:
        return await self.orgs.resolve(caller, Capability.ROLE_MANAGE, code, purpose=OrgPurpose.ROLES, form=CodeForm.ROLE)

    async def _check_grantable(self, caller: Caller, org: Org, role: str, *, self_revoke: bool = False) -> None:
        if role not in ROLE_ORG_KINDS.get(org.kind, ()):
            raise UserError(texts.ROLE_WRONG_ORG.format(role=ROLE_NAMES_RU[role], org=org.name))
        if self_revoke and role == "school_admin" and not caller.is_operator:
            raise UserError(texts.ROLE_SELF_REVOKE)
        ancestors = await org_repo.ancestors(self.db, org.id)
        if not may_grant(caller, role, org.id, ancestors):
            raise NotAllowed(texts.ROLE_NOT_GRANTABLE.format(role=ROLE_NAMES_RU[role], org=org.name))

    async def grant(self, caller: Caller, change: RoleChange, now: int) -> Granted | AlreadyHeld:
        org = await self._org(caller, change.org_code)
        vk_id, first, last = await self._resolve_user(change.target)
        await self._check_grantable(caller, org, change.role)
        person = await self._person_for(org, vk_id, f"{last} {first}".strip(), change.role, now)
        class_id = await people_repo.class_id(self.db, org.id, change.cls) if change.cls else None
        if change.cls and class_id is None:
            raise UserError(texts.CLASS_NOT_IN_SCHOOL.format(school=org.name, cls=change.cls))
        order = change.order
        created = await role_repo.grant(
            self.db, person_id=person.id, org_id=org.id, role=change.role, class_id=class_id,
            subject=change.subject, order_no=order.no if order else None, order_date=order.date if order else None,
            granted_by=caller.vk_id, now=now,
        )
        if created is None:
            return AlreadyHeld(change.role, change.cls, change.subject, person.full_name, org.name)
        return Granted(change.role, change.cls, change.subject, person.full_name, vk_id, org.name, order,
                       await self._unreachable(person, vk_id))

    async def revoke(self, caller: Caller, change: RoleChange, now: int) -> Revoked | NotHeld:
        org = await self._org(caller, change.org_code)
        vk_id, first, last = await self._resolve_user(change.target, allow_deactivated=True)
        await self._check_grantable(caller, org, change.role, self_revoke=vk_id == caller.vk_id)
        # revoking never creates anyone: look the person up only
        kind = FAMILY_KINDS.get(change.role, "staff")
        found = [p for p in await people_repo.by_vk(self.db, vk_id) if p.home_org_id == org.id and p.kind == kind]
        if not found:
            return NotHeld(change.role, f"{last} {first}".strip(), org.name)
        person = found[0]
        order = change.order
        basis = role_texts.order_basis(order) if order else None  # kept with the role's history
        count = await role_repo.revoke(self.db, person_id=person.id, org_id=org.id, role=change.role,
                                       revoked_by=caller.vk_id, basis=basis, now=now)
        if not count:
            return NotHeld(change.role, person.full_name, org.name)
        await eligibility.clear_stale_leaders(self.db, org.id)
        return Revoked(change.role, person.full_name, vk_id, org.name, order)

    async def _unreachable(self, person: people_repo.Person, vk_id: int) -> bool:
        """A role is useless to someone the bot cannot write to (alerts, reminders, signals about
        children): the admin giving it is told so, with the one step that fixes it."""
        return self.reach is not None and person.kind == "staff" and await self.reach.check(vk_id) is False

    async def _resolve_user(self, target: VkTarget, *, allow_deactivated: bool = False) -> tuple[int, str, str]:
        try:
            user = await self.gateway.get_user(target.key)
        except VkBadRequest as exc:  # 113: no such user or screen name
            if exc.code in (100, 113):
                raise UserError(texts.ROLE_USER_NOT_FOUND.format(ref=target.typed)) from None
            raise
        if user is None or (user.deactivated and not allow_deactivated):
            # deleted or banned accounts get no roles (but theirs can still be taken away)
            raise UserError(texts.ROLE_USER_NOT_FOUND.format(ref=target.typed))
        return user.id, user.first_name, user.last_name

    async def _person_for(self, org: Org, vk_id: int, vk_name: str, role: str, now: int) -> people_repo.Person:
        """The org's person with this VK id (staff first), created as staff if there is none."""
        kind = FAMILY_KINDS.get(role, "staff")
        for person in await people_repo.by_vk(self.db, vk_id):
            if person.home_org_id == org.id and person.kind == kind:
                return person
        name = clean_display_name(vk_name) or f"id{vk_id}"
        person_id = await people_repo.create(self.db, org_id=org.id, kind=kind, full_name=name,
                                             name_key=normalize_name(name), vk_id=vk_id, now=now)
        created = await people_repo.get(self.db, person_id)
        assert created is not None
        return created

    async def link(self, caller: Caller, request: LinkRequest, now: int) -> Linked:
        org = await self._org(caller, request.org_code)
        vk_id, _, _ = await self._resolve_user(request.target)
        name = request.name
        found = [p for kind in ("student", "parent", "staff")
                 for p in await people_repo.find_prefix(self.db, org.id, normalize_name(name), kind=kind)]
        if request.cls is not None:
            found = [p for p in found if p.class_name == str(request.cls)]
        if not found:
            raise UserError(texts.ROLE_LINK_NOT_FOUND.format(org=org.name, name=name))
        if len(found) > 1:
            options = "; ".join(f"{p.full_name}{', ' + p.class_name if p.class_name else ''}" for p in found)
            raise UserError(texts.ROLE_LINK_AMBIGUOUS.format(org=org.name, name=name, options=options))
        person = found[0]
        if person.vk_id == vk_id:
            return Linked(person.full_name, vk_id, org.name, changed=False, unreachable=False)
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
        return Linked(person.full_name, vk_id, org.name, changed=True, unreachable=await self._unreachable(person, vk_id))
