"""Organisations: creating them, choosing which one a command is about, the school card."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.db import Database
from bot.domain.capabilities import Capability
from bot.domain.errors import NotAllowed, UserError
from bot.domain.org_choice import CodeForm, OrgPurpose
from bot.domain.org_command import NewOrg
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import reach as reach_repo
from bot.repo import roles as role_repo
from bot.repo.orgs import Org
from bot.services.access import Access, Caller
from bot.texts import orgs as org_texts

PARENT_KIND = {"municipality": ("region",), "school": ("municipality", "region"),
               "other": ("municipality", "region")}
OPERATOR_CODES_SHOWN = 10
RESPONSIBLE_ROLES = ("school_admin", "chat_responsible", "moderator", "psychologist", "advisor")


@dataclass(frozen=True)
class StaffEntry:
    role: str  # role id
    name: str | None  # None: the person record is gone
    order_no: str | None
    order_date: str | None


@dataclass(frozen=True)
class SchoolCard:
    """/школа: the organisation, its responsible staff, the roster's counts, who cannot be written to."""

    name: str
    code: str
    timezone: str
    staff: tuple[StaffEntry, ...]
    classes: int
    students: int
    parents: int
    staff_count: int
    linked: int
    unreachable: tuple[str, ...]  # names of the school's staff the bot cannot write to


class Orgs:
    def __init__(self, db: Database, access: Access) -> None:
        self.db = db
        self.access = access

    async def create(self, caller: Caller, new: NewOrg, now: int) -> Org:
        """/организация, read by ``bot.domain.org_command.parse_org_command``."""
        kind = new.kind
        if kind in ("region", "municipality") and not caller.is_operator:
            raise NotAllowed(texts.ORG_ONLY_OPERATORS)
        parent: Org | None = None
        if kind != "region":
            if not new.parent_code:
                raise UserError(texts.ORG_NEED_PARENT.format(kind=texts.ORG_KIND_NAMES[kind]))
            parent = await org_repo.by_code(self.db, new.parent_code)
            if parent is None:
                raise UserError(texts.ORG_PARENT_NOT_FOUND.format(code=new.parent_code))
            if parent.kind not in PARENT_KIND[kind]:
                raise UserError(texts.ORG_BAD_PARENT.format(
                    kind=texts.ORG_KIND_NAMES[kind], parent=texts.ORG_KIND_NAMES[parent.kind]))
            if not await self.access.allowed(caller, Capability.ORG_MANAGE, parent.id):
                raise NotAllowed(texts.NOT_ALLOWED.format(what=org_texts.what_create_in(parent.name),
                                                          hint=texts.NOT_ALLOWED_HINT))
        existing = await org_repo.by_code(self.db, new.code)
        if existing is not None:
            raise UserError(texts.ORG_CODE_TAKEN.format(code=new.code, name=existing.name))
        return await org_repo.create(
            self.db, kind=kind, code=new.code, name=new.name, parent_id=parent.id if parent else None,
            timezone=new.timezone, created_by=caller.vk_id, now=now,
        )

    async def resolve(self, caller: Caller, capability: Capability, code: str | None, *, purpose: OrgPurpose,
                      form: CodeForm = CodeForm.TRAILING) -> Org:
        """The organisation a command is about: named by code, or the caller's only one.
        ``purpose`` names what a refusal is about; ``form`` says how this command takes the code
        (the hint when it is missing). Their wording is bot/texts/orgs.py's."""
        if code:
            org = await org_repo.by_code(self.db, code)
            if org is None:
                raise UserError(texts.ORG_NOT_FOUND.format(code=code))
        else:
            ids = await self.access.home_orgs(caller, capability)
            if not ids:
                if caller.is_operator:
                    raise UserError(await self._operator_which(form))
                # Roles elsewhere (a teacher, a parent) do not hold this capability anywhere:
                # that is a refusal, not "you belong to no school".
                raise NotAllowed(org_texts.not_allowed(purpose))
            if len(ids) > 1:
                codes = [o.code for o in [await org_repo.get(self.db, i) for i in ids] if o]
                raise UserError(org_texts.which(codes, form))
            org = await org_repo.get(self.db, ids[0])
            assert org is not None
        if not await self.access.allowed(caller, capability, org.id):
            raise NotAllowed(org_texts.not_allowed(purpose))
        return org

    async def _operator_which(self, form: CodeForm) -> str:
        """An operator holds no role in any organisation: ask for the code, naming some."""
        schools = await org_repo.all_of_kind(self.db, "school")
        return org_texts.operator_which([(o.code, o.name) for o in schools[:OPERATOR_CODES_SHOWN]],
                                        len(schools) - OPERATOR_CODES_SHOWN, form)

    async def db_org(self, org_id: int) -> Org:
        org = await org_repo.get(self.db, org_id)
        assert org is not None
        return org

    async def card(self, org: Org) -> SchoolCard:
        staff = []
        for grant in await role_repo.active_in_org(self.db, org.id, RESPONSIBLE_ROLES):
            person = await people_repo.get(self.db, grant.person_id)
            staff.append(StaffEntry(grant.role, person.full_name if person else None, grant.order_no,
                                    grant.order_date))
        counts = await people_repo.counts(self.db, org.id)
        return SchoolCard(org.name, org.code, org.timezone, tuple(staff), counts["classes"], counts["student"],
                          counts["parent"], counts["staff"], counts["linked"],
                          tuple(await unreachable_staff(self.db, org.id)))


async def unreachable_staff(db: Database, org_id: int) -> list[str]:
    """Names of the school's staff the bot cannot write to (told with the one step that fixes it)."""
    return [name for _, name, _ in await reach_repo.unreachable_staff(db, org_id)]
