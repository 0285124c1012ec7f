from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.db import Database
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.services.access import Access, Caller
from bot.services.linking import Linking
from bot.services.orgs import Orgs
from bot.services.roster import Roster

NOW = 1_790_000_000  # 2026-09-21


@dataclass
class World:
    db: Database
    access: Access
    orgs: Orgs
    roster: Roster
    linking: Linking
    region: org_repo.Org
    muni: org_repo.Org
    school_a: org_repo.Org
    school_b: org_repo.Org

    async def staff(self, org: org_repo.Org, role: str, vk_id: int, name: str = "Сотрудник Тестовый") -> Caller:
        person_id = await people_repo.create(self.db, org_id=org.id, kind="staff", full_name=name,
                                             name_key=name.casefold(), vk_id=vk_id, now=NOW)
        await role_repo.grant(self.db, person_id=person_id, org_id=org.id, role=role, granted_by=None, now=NOW)
        return await self.access.caller(vk_id)


@pytest.fixture
async def world(db: Database) -> World:
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    a = await org_repo.create(db, kind="school", code="sch-a", name="Школа А", parent_id=muni.id,
                              timezone="Europe/Moscow", created_by=None, now=NOW)
    b = await org_repo.create(db, kind="school", code="sch-b", name="Школа Б", parent_id=muni.id,
                              timezone="Asia/Vladivostok", created_by=None, now=NOW)
    access = Access(db, operators=[1])
    orgs = Orgs(db, access)
    return World(db, access, orgs, Roster(db, orgs), Linking(db, b"pepper", 30), region, muni, a, b)
