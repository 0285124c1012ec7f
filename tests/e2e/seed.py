"""Seeding a municipality with schools, people and roles straight into the bot's database."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.db import Database
from bot.domain.classes import parse_class
from bot.domain.names import normalize_name
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from vkemu import Emulator

NOW = 1_790_000_000


@dataclass
class School:
    org: org_repo.Org
    vk: dict[str, int] = field(default_factory=dict)  # label -> VK id
    person: dict[str, int] = field(default_factory=dict)  # label -> person id


async def make_school(db: Database, emu: Emulator, code: str, name: str, parent_id: int | None) -> School:
    org = await org_repo.create(db, kind="school", code=code, name=name, parent_id=parent_id,
                                timezone="Europe/Moscow", created_by=None, now=NOW)
    return School(org)


async def add_staff(db: Database, emu: Emulator, school: School, label: str, first: str, last: str,
                    roles: list[tuple[str, str | None]], *, allows: bool = True) -> int:
    vk_id = emu.add_user(first, last, allows_messages=allows)
    name = f"{last} {first}"
    person_id = await people_repo.create(db, org_id=school.org.id, kind="staff", full_name=name,
                                         name_key=normalize_name(name), vk_id=vk_id, now=NOW)
    for role, cls in roles:
        class_id = await people_repo.ensure_class(db, school.org.id, parse_class(cls), NOW) if cls else None
        await role_repo.grant(db, person_id=person_id, org_id=school.org.id, role=role, class_id=class_id,
                              granted_by=None, now=NOW)
    school.vk[label], school.person[label] = vk_id, person_id
    return vk_id


async def add_student(db: Database, emu: Emulator, school: School, label: str, first: str, last: str, cls: str,
                      *, linked: bool = True, parent: tuple[str, str, str] | None = None) -> int | None:
    class_id = await people_repo.ensure_class(db, school.org.id, parse_class(cls), NOW)
    name = f"{last} {first}"
    person_id = await people_repo.create_student(db, org_id=school.org.id, full_name=name,
                                                 name_key=normalize_name(name), class_id_=class_id,
                                                 mode="regular", now=NOW)
    vk_id = emu.add_user(first, last, allows_messages=True) if linked else None
    if vk_id:
        await people_repo.link_vk(db, person_id, vk_id, NOW)
        school.vk[label] = vk_id
    school.person[label] = person_id
    if parent:
        p_label, p_first, p_last = parent
        p_vk = emu.add_user(p_first, p_last, allows_messages=True)
        p_name = f"{p_last} {p_first}"
        p_id = await people_repo.create(db, org_id=school.org.id, kind="parent", full_name=p_name,
                                        name_key=normalize_name(p_name), vk_id=p_vk, now=NOW)
        await people_repo.link_child(db, p_id, person_id)
        school.vk[p_label], school.person[p_label] = p_vk, p_id
    return vk_id
