"""The role matrix: who may do what, where. The one place that decides permissions.

A grant applies to its own organisation; coordinator grants also cover every organisation
below theirs (a municipal coordinator reads all schools of the municipality). Operators come
from the config and may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.db import Database
from bot.domain.capabilities import Capability
from bot.repo import orgs as org_repo
from bot.repo import roles as role_repo

ROLES: tuple[str, ...] = (
    "operator", "regional_coordinator", "municipal_coordinator", "school_admin", "chat_responsible",
    "moderator", "class_teacher", "subject_teacher", "teacher", "psychologist", "social_pedagogue",
    "advisor", "admin_team", "parent", "student",
)
COORDINATORS = frozenset({"regional_coordinator", "municipal_coordinator"})
STAFF_ROLES = frozenset(ROLES) - {"parent", "student", "operator"} - COORDINATORS
SCHOOL_MANAGERS = frozenset({"school_admin", "chat_responsible"})

# capability -> roles that hold it (operators hold all)
CAPABILITIES: dict[Capability, frozenset[str]] = {
    Capability.EVERYONE: frozenset(ROLES),
    Capability.ORG_MANAGE: COORDINATORS,
    Capability.ROLE_MANAGE: SCHOOL_MANAGERS | COORDINATORS,
    Capability.SCHOOL_VIEW: STAFF_ROLES | COORDINATORS,
    Capability.ROSTER_MANAGE: SCHOOL_MANAGERS,
    Capability.CHAT_CREATE: SCHOOL_MANAGERS | {"class_teacher", "subject_teacher", "advisor", "admin_team", "teacher"},
    Capability.CHAT_BIND: SCHOOL_MANAGERS | {"class_teacher", "subject_teacher", "advisor", "admin_team", "teacher"},
    Capability.CHAT_MODERATE: SCHOOL_MANAGERS | {"moderator"},
    Capability.REPORT_VIEW: SCHOOL_MANAGERS | COORDINATORS,
    Capability.ALERTS_RECEIVE: SCHOOL_MANAGERS | {"moderator"},
}

# Which roles a holder of a role may grant (school admins cannot make coordinators).
GRANTABLE_BY: dict[str, frozenset[str]] = {
    "regional_coordinator": frozenset(ROLES) - {"operator", "regional_coordinator"},
    "municipal_coordinator": frozenset(ROLES) - {"operator", "regional_coordinator", "municipal_coordinator"},
    "school_admin": STAFF_ROLES | {"parent", "student"},
    "chat_responsible": STAFF_ROLES - {"school_admin"} | {"parent", "student"},
}

ROLE_NAMES_RU: dict[str, str] = {
    "operator": "оператор", "regional_coordinator": "региональный координатор",
    "municipal_coordinator": "муниципальный координатор", "school_admin": "администратор школы",
    "chat_responsible": "ответственный за чаты", "moderator": "модератор",
    "class_teacher": "классный руководитель", "subject_teacher": "учитель-предметник",
    "teacher": "учитель", "psychologist": "психолог", "social_pedagogue": "социальный педагог",
    "advisor": "советник по воспитанию", "admin_team": "администрация", "parent": "родитель",
    "student": "ученик",
}
ROLE_BY_RU: dict[str, str] = {ru: role for role, ru in ROLE_NAMES_RU.items()} | {
    "админ": "school_admin", "администратор": "school_admin", "ответственный": "chat_responsible",
    "классный": "class_teacher", "классрук": "class_teacher", "предметник": "subject_teacher",
    "советник": "advisor", "соцпедагог": "social_pedagogue", "координатор": "municipal_coordinator",
    "муниципальный": "municipal_coordinator", "региональный": "regional_coordinator",
}


@dataclass(frozen=True)
class GrantRef:
    role: str
    org_id: int
    class_id: int | None = None
    subject: str | None = None


@dataclass(frozen=True)
class Caller:
    vk_id: int
    is_operator: bool = False
    grants: tuple[GrantRef, ...] = ()
    # org id -> its ancestors, for every org the caller holds a grant in (filled by the loader)
    org_ids: frozenset[int] = field(default_factory=frozenset)

    def roles_in(self, org_id: int) -> set[str]:
        return {g.role for g in self.grants if g.org_id == org_id}

    @property
    def is_staff_anywhere(self) -> bool:
        return self.is_operator or any(g.role in STAFF_ROLES | COORDINATORS for g in self.grants)


def allowed(caller: Caller, capability: Capability, org_id: int, org_ancestors: list[int] | tuple[int, ...]) -> bool:
    """May the caller use ``capability`` on organisation ``org_id``?"""
    if caller.is_operator:
        return True
    holders = CAPABILITIES[capability]
    for grant in caller.grants:
        if grant.role not in holders:
            continue
        if grant.org_id == org_id:
            return True
        if grant.role in COORDINATORS and grant.org_id in org_ancestors:
            return True
    return False


def allowed_somewhere(caller: Caller, capability: Capability) -> bool:
    if capability == Capability.EVERYONE or caller.is_operator:
        return True
    holders = CAPABILITIES[capability]
    return any(grant.role in holders for grant in caller.grants)


def may_grant(caller: Caller, role: str, org_id: int, org_ancestors: list[int]) -> bool:
    if caller.is_operator:
        return True
    for grant in caller.grants:
        grantable = GRANTABLE_BY.get(grant.role, frozenset())
        if role not in grantable:
            continue
        if grant.org_id == org_id or (grant.role in COORDINATORS and grant.org_id in org_ancestors):
            return True
    return False


class Access:
    """Loads callers from the database; the decisions themselves are the pure functions above."""

    def __init__(self, db: Database, operators: list[int]) -> None:
        self.db = db
        self.operators = frozenset(operators)

    async def caller(self, vk_id: int) -> Caller:
        grants = await role_repo.active_for_vk(self.db, vk_id)
        refs = tuple(GrantRef(g.role, g.org_id, g.class_id, g.subject) for g in grants)
        return Caller(vk_id, vk_id in self.operators, refs, frozenset(g.org_id for g in grants))

    async def allowed(self, caller: Caller, capability: Capability, org_id: int) -> bool:
        return allowed(caller, capability, org_id, await org_repo.ancestors(self.db, org_id))

    async def home_orgs(self, caller: Caller, capability: Capability) -> list[int]:
        """Organisations where the caller directly holds ``capability`` (for defaulting)."""
        holders = CAPABILITIES[capability]
        return sorted({g.org_id for g in caller.grants if g.role in holders})
