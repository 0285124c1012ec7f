"""Issue 9 item 5 at the use-case level: parsing and planning run in a worker thread, outside
the write transaction; apply verifies in a short transaction that the school did not change;
control characters never reach the database."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain.classes import ClassName
from bot.domain.errors import UserError
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.services import roster as roster_service
from bot.services.roster_results import ImportApplied, ImportAsked, ImportRefused
from handlers.roster_views import render
from tests.services import roster_calls as rc
from tests.services.conftest import NOW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "roster"


class Probe:
    """Wraps a function: records the thread it ran in and whether the write lock was held."""

    def __init__(self, func, db, during=None) -> None:
        self.func, self.db, self.during = func, db, during
        self.threads: list[threading.Thread] = []
        self.write_locked: list[bool] = []

    def __call__(self, *args, **kwargs):
        self.threads.append(threading.current_thread())
        self.write_locked.append(self.db._write_lock.locked())
        if self.during is not None:
            self.during()
        return self.func(*args, **kwargs)


async def _action(world, asked):
    assert isinstance(asked, ImportAsked)
    payload = json.loads(json.loads(render(asked).keyboard)["buttons"][0][0]["action"]["payload"])
    assert payload["id"] == asked.action_id
    return await pending_repo.get(world.db, asked.action_id)


async def test_parsing_and_planning_run_in_a_worker_thread_outside_the_write_transaction(world, monkeypatch):
    admin = await world.staff(world.school_a, "school_admin", 10)
    parse = Probe(roster_service.parse_roster, world.db)
    plan = Probe(roster_service.plan_import, world.db)
    monkeypatch.setattr(roster_service, "parse_roster", parse)
    monkeypatch.setattr(roster_service, "plan_import", plan)

    reply = await world.roster.import_preview(admin, world.school_a, "clean.csv",
                                              (FIXTURES / "clean.csv").read_bytes(), NOW)
    result = await world.roster.import_apply(admin, await _action(world, reply), NOW)

    assert isinstance(result, ImportApplied) and render(result).text.startswith("Готово, списки обновлены")
    assert len(parse.threads) == 2 and len(plan.threads) == 2  # preview, then apply
    assert threading.main_thread() not in parse.threads + plan.threads
    assert plan.write_locked == [False, False]  # planning never holds the write transaction
    assert (await people_repo.counts(world.db, world.school_a.id))["student"] == 4


async def test_a_change_between_planning_and_applying_is_caught_and_replanned(world, monkeypatch):
    admin = await world.staff(world.school_a, "school_admin", 10)
    reply = await world.roster.import_preview(admin, world.school_a, "clean.csv",
                                              (FIXTURES / "clean.csv").read_bytes(), NOW)
    action = await _action(world, reply)
    loop = asyncio.get_running_loop()

    def enrol_meanwhile() -> None:  # runs in the planning thread: another admin enrols a student
        if not enrolled:
            enrolled.append(asyncio.run_coroutine_threadsafe(
                rc.enrol(world, admin, "Новикова Дарья 5А"), loop).result(timeout=10))
    enrolled: list = []
    monkeypatch.setattr(roster_service, "plan_import", Probe(roster_service.plan_import, world.db, enrol_meanwhile))

    result = await world.roster.import_apply(admin, action, NOW)

    # the plan the user saw would now expel the new student: nothing applied, a fresh preview asked
    assert isinstance(result, ImportAsked) and result.stale and result.expelled == 1
    assert "Списки изменились" in render(result).text and "отчислено 1" in render(result).text
    assert render(result).keyboard is not None
    [darya] = await people_repo.find_prefix(world.db, world.school_a.id, "новикова дарья", kind="student")
    assert darya.class_name == "5А"
    assert (await people_repo.counts(world.db, world.school_a.id))["student"] == 1
    assert (await pending_repo.get(world.db, action.id)).status == "cancelled"


async def test_a_nul_in_a_name_is_refused_with_its_line_and_nothing_is_stored(world, caplog):
    admin = await world.staff(world.school_a, "school_admin", 10)
    people_before = await world.db.fetchval("SELECT COUNT(*) FROM person")
    data = "ФИО;Класс\nПетров Глеб;5А\nИванов\x00Пётр;5А\n".encode()
    reply = await world.roster.import_preview(admin, world.school_a, "spisok.csv", data, NOW)
    assert isinstance(reply, ImportRefused)
    assert "строка 3" in reply.preview and "служебные символы" in reply.preview
    assert await world.db.fetchval("SELECT COUNT(*) FROM person") == people_before
    assert await world.db.fetchval("SELECT COUNT(*) FROM pending_action") == 0
    assert "Иванов" not in caplog.text


async def test_enrol_refuses_a_control_character(world):
    admin = await world.staff(world.school_a, "school_admin", 10)
    with pytest.raises(UserError, match="служебные символы"):
        await rc.enrol(world, admin, "Иванов\x00Пётр 5А")
    assert (await people_repo.counts(world.db, world.school_a.id))["student"] == 0


async def test_codes_for_a_class_with_a_nul_stored_earlier_still_work(world):
    """Before imports refused them a NUL could be stored: /коды must not break for the class."""
    class_id = await people_repo.ensure_class(world.db, world.school_a.id, ClassName(5, "А"), NOW)
    await people_repo.create_student(world.db, org_id=world.school_a.id, full_name="Иванов\x00Пётр",
                                     name_key="иванов петр", class_id_=class_id, mode="regular", now=NOW)
    entries, xlsx, csv = await world.linking.issue_for_class(world.school_a, ClassName(5, "А"), actor_vk=10, now=NOW)
    assert len(entries) == 1
    names = [r[0] for r in load_workbook(io.BytesIO(xlsx)).worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert names == ["ИвановПётр"] and b"\x00" not in csv
