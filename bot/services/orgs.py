"""Organisations: creating them, choosing which one a command is about, the school card."""

from __future__ import annotations

import re

from bot import texts
from bot.db import Database
from bot.domain import timezones
from bot.domain.errors import NotAllowed, UserError
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.domain import gender
from bot.repo import reach as reach_repo
from bot.texts import admission as admission_texts
from bot.repo import roles as role_repo
from bot.repo.orgs import Org
from bot.services.access import ROLE_NAMES_RU, Access, Caller

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
PARENT_KIND = {"municipality": ("region",), "school": ("municipality", "region"),
               "other": ("municipality", "region")}
OPERATOR_CODES_SHOWN = 10
RESPONSIBLE_ROLES = ("school_admin", "chat_responsible", "moderator", "psychologist", "advisor")


def parse_timezone(raw: str) -> str:
    """A city, «МСК+2», «UTC+5» or an IANA name → the IANA name (see bot/domain/timezones.py)."""
    name = timezones.resolve(raw)
    if name is None:
        raise UserError(texts.ORG_BAD_TZ.format(tz=raw))
    return name


class Orgs:
    def __init__(self, db: Database, access: Access) -> None:
        self.db = db
        self.access = access

    async def create(
        self, caller: Caller, *, kind_word: str, code: str, tz: str, parent_code: str | None,
        name: str, now: int,
    ) -> Org:
        kind = texts.ORG_KINDS_RU.get(kind_word.casefold())
        if kind is None:
            raise UserError(texts.ORG_BAD_KIND.format(kind=kind_word))
        code = code.lower()
        if not CODE_RE.match(code):
            raise UserError(texts.ORG_BAD_CODE.format(code=code))
        timezone = parse_timezone(tz)
        if not name.strip():
            raise UserError(texts.ORG_NEED_NAME)
        if kind in ("region", "municipality") and not caller.is_operator:
            raise NotAllowed(texts.ORG_ONLY_OPERATORS)
        parent: Org | None = None
        if kind != "region":
            if not parent_code:
                raise UserError(texts.ORG_NEED_PARENT.format(kind=texts.ORG_KIND_NAMES[kind]))
            parent = await org_repo.by_code(self.db, parent_code)
            if parent is None:
                raise UserError(texts.ORG_PARENT_NOT_FOUND.format(code=parent_code))
            if parent.kind not in PARENT_KIND[kind]:
                raise UserError(texts.ORG_BAD_PARENT.format(
                    kind=texts.ORG_KIND_NAMES[kind], parent=texts.ORG_KIND_NAMES[parent.kind]))
            if not await self.access.allowed(caller, "org_manage", parent.id):
                raise NotAllowed(texts.NOT_ALLOWED.format(
                    what=f"создание организаций в «{parent.name}»", hint=texts.NOT_ALLOWED_HINT))
        existing = await org_repo.by_code(self.db, code)
        if existing is not None:
            raise UserError(texts.ORG_CODE_TAKEN.format(code=code, name=existing.name))
        return await org_repo.create(
            self.db, kind=kind, code=code, name=name.strip(), parent_id=parent.id if parent else None,
            timezone=timezone, created_by=caller.vk_id, now=now,
        )

    async def resolve(self, caller: Caller, capability: str, code: str | None, *, what: str,
                      form: str = texts.ORG_FORM_TRAILING) -> Org:
        """The organisation a command is about: named by code, or the caller's only one.
        ``form`` says how this command takes the code (the hint when it is missing)."""
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
                raise NotAllowed(texts.NOT_ALLOWED.format(what=what, hint=texts.NOT_ALLOWED_HINT))
            if len(ids) > 1:
                codes = [o.code for o in [await org_repo.get(self.db, i) for i in ids] if o]
                raise UserError(texts.ORG_WHICH.format(codes=", ".join(codes), form=form))
            org = await org_repo.get(self.db, ids[0])
            assert org is not None
        if not await self.access.allowed(caller, capability, org.id):
            raise NotAllowed(texts.NOT_ALLOWED.format(what=what, hint=texts.NOT_ALLOWED_HINT))
        return org

    async def _operator_which(self, form: str) -> str:
        """An operator holds no role in any organisation: ask for the code, naming some."""
        schools = await org_repo.all_of_kind(self.db, "school")
        if not schools:
            return texts.ORG_OPERATOR_NONE
        shown = ", ".join(f"{o.code} ({o.name})" for o in schools[:OPERATOR_CODES_SHOWN])
        more = len(schools) - OPERATOR_CODES_SHOWN
        return texts.ORG_OPERATOR_WHICH.format(
            form=form, codes=shown + (texts.ORG_CODES_MORE.format(count=more) if more > 0 else ""))

    async def db_org(self, org_id: int) -> Org:
        org = await org_repo.get(self.db, org_id)
        assert org is not None
        return org

    async def card(self, org: Org) -> str:
        grants = await role_repo.active_in_org(self.db, org.id, RESPONSIBLE_ROLES)
        lines = []
        for grant in grants:
            person = await people_repo.get(self.db, grant.person_id)
            order = (texts.SCHOOL_STAFF_ORDER.format(no=grant.order_no, date=grant.order_date or "—")
                     if grant.order_no else "")
            lines.append(texts.SCHOOL_STAFF_LINE.format(
                role=ROLE_NAMES_RU.get(grant.role, grant.role), name=person.full_name if person else "?",
                order=order))
        counts = await people_repo.counts(self.db, org.id)
        card = texts.SCHOOL_CARD.format(
            name=org.name, code=org.code, tz=org.timezone,
            staff="\n".join(lines) or texts.SCHOOL_NO_STAFF, classes=counts["classes"],
            student=counts["student"], parent=counts["parent"], staff_count=counts["staff"],
            linked=counts["linked"],
        )
        return card + "\n" + (await unreachable_line(self.db, org.id, reminder=False)
                              or admission_texts.SCHOOL_ALL_REACHABLE)


async def unreachable_line(db: Database, org_id: int, *, reminder: bool) -> str:
    """Staff of the school the bot cannot write to, with the one step that fixes it ("" if none)."""
    staff = await reach_repo.unreachable_staff(db, org_id)
    if not staff:
        return ""
    return admission_texts.unreachable([(name, gender.female(name)) for _, name, _ in staff], reminder=reminder)
