"""Roster use cases on a real database: import, moves, promotion, and who may do them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.domain.errors import NotAllowed, UserError
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from tests.services.conftest import NOW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "roster"


async def _row_counts(db) -> dict[str, int]:
    return {t: await db.fetchval(f"SELECT COUNT(*) FROM {t}")
            for t in ("person", "student", "parent_child", "role_grant", "class_group", "roster_event")}


async def test_role_matrix_refuses_staff_commands_on_another_school(world) -> None:
    admin_a = await world.staff(world.school_a, "school_admin", 10)
    await people_repo.create(world.db, org_id=world.school_a.id, kind="parent", full_name="Родитель",
                             name_key="родитель", vk_id=11, now=NOW)
    teacher_a = await world.staff(world.school_a, "teacher", 12)
    admin_b = await world.staff(world.school_b, "school_admin", 13)
    await people_repo.create(world.db, org_id=world.school_a.id, kind="student", full_name="Ученик",
                             name_key="ученик", vk_id=14, now=NOW)
    parent_a = await world.access.caller(11)
    student_a = await world.access.caller(14)
    await world.roster.enrol(admin_a, "Иванов Иван 5А", NOW)
    before = await _row_counts(world.db)
    for caller in (parent_a, student_a, teacher_a, admin_b):
        for call in (world.roster.enrol(caller, "Петров Пётр 5А школа sch-a", NOW),
                     world.roster.expel(caller, "Иванов Иван школа sch-a", NOW),
                     world.roster.transfer(caller, "Иванов Иван 6А школа sch-a", NOW),
                     world.roster.new_year_preview(caller, "школа sch-a", NOW)):
            with pytest.raises((NotAllowed, UserError)):
                await call
    assert await _row_counts(world.db) == before


async def test_import_with_bad_rows_applies_nothing_and_reports_every_line(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    before = await _row_counts(world.db)
    reply = await world.roster.import_preview(admin, world.school_a, "broken.csv",
                                              (FIXTURES / "broken.csv").read_bytes(), NOW)
    assert reply.keyboard is None  # no «Применить» while there are problems
    for line in (3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14):
        assert f"строка {line}" in reply.text, line
    assert await _row_counts(world.db) == before


async def test_clean_import_applied_then_reimport_changes_nothing(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    data = (FIXTURES / "clean.csv").read_bytes()
    reply = await world.roster.import_preview(admin, world.school_a, "clean.csv", data, NOW)
    assert reply.keyboard is not None
    action_id = json.loads(reply.keyboard)["buttons"][0][0]["action"]["payload"]
    action = await pending_repo.get(world.db, json.loads(action_id)["id"])
    result = await world.roster.import_apply(admin, action, NOW)
    assert "обновлены" in result.text
    counts = await people_repo.counts(world.db, world.school_a.id)
    assert (counts["student"], counts["parent"]) == (4, 2)
    after_first = await _row_counts(world.db)
    # the same file again: nothing to do
    again = await world.roster.import_preview(admin, world.school_a, "clean.csv", data, NOW)
    assert again.keyboard is None
    assert await _row_counts(world.db) == after_first
    # applying an already-applied action is refused
    assert "устарело" in (await world.roster.import_apply(admin, action, NOW)).text


async def test_transfer_records_event_and_moves_class(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    await world.roster.enrol(admin, "Иванова Мария Петровна 5А", NOW)
    await world.roster.enrol(admin, "Кто-то Другой 5Б", NOW)  # class 5Б exists
    reply = await world.roster.transfer(admin, "иванова мария 5б", NOW)
    assert "5А → 5Б" in reply.text and reply.keyboard is not None  # asked first (issue 11)
    action_id = json.loads(json.loads(reply.keyboard)["buttons"][0][0]["action"]["payload"])["id"]
    result = await world.roster.transfer_apply(admin, await pending_repo.get(world.db, action_id), NOW)
    assert "5А → 5Б" in result.text
    [student] = await people_repo.find_prefix(world.db, world.school_a.id, "иванова мария", kind="student")
    assert student.class_name == "5Б"
    events = [e["kind"] for e in await people_repo.events(world.db, world.school_a.id, pending_only=True)]
    assert events == ["enrol", "enrol", "transfer"]


async def test_ambiguous_name_is_asked_not_guessed(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    await world.roster.enrol(admin, "Иванов Иван 5А", NOW)
    await world.roster.enrol(admin, "Иванов Иван 6Б", NOW)
    reply = await world.roster.expel(admin, "Иванов Иван", NOW)
    assert reply.keyboard is not None and "несколько" in reply.text
    assert all(p.status == "active" for p in await people_repo.find(world.db, world.school_a.id, "иванов иван"))


async def test_new_year_promotion_preview_then_apply(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    for args in ("Старший Ученик 11А", "Средний Ученик 10А", "Младший Ученик 1А"):
        await world.roster.enrol(admin, args, NOW)
    preview = await world.roster.new_year_preview(admin, "", NOW)
    assert "10А → 11А" in preview.text and "11А" in preview.text.split("Выпускаются:")[1]
    action_id = json.loads(json.loads(preview.keyboard)["buttons"][0][0]["action"]["payload"])["id"]
    action = await pending_repo.get(world.db, action_id)
    await world.roster.new_year_apply(admin, action, NOW)
    names = {str(c) for _, c in await people_repo.classes(world.db, world.school_a.id)}
    assert names == {"11А", "2А"}
    [middle] = await people_repo.find_prefix(world.db, world.school_a.id, "средний ученик", kind="student")
    assert middle.class_name == "11А"
    assert not await people_repo.find_prefix(world.db, world.school_a.id, "старший ученик", kind="student")
    graduated = await world.db.fetchval("SELECT COUNT(*) FROM person WHERE status = 'graduated'")
    assert graduated == 1


async def test_bad_class_name_is_explained(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    with pytest.raises(UserError) as info:
        await world.roster.enrol(admin, "Иванов Иван 5Щ1", NOW)
    assert "5А" in info.value.message  # shows the right form


async def test_unanswered_preview_expires_and_drops_the_file(world) -> None:
    from types import SimpleNamespace

    from bot.domain.clock import FixedClock
    from bot.jobs import expire_pending

    admin = await world.staff(world.school_a, "school_admin", 10)
    data = (FIXTURES / "clean.csv").read_bytes()
    reply = await world.roster.import_preview(admin, world.school_a, "clean.csv", data, NOW)
    action_id = json.loads(json.loads(reply.keyboard)["buttons"][0][0]["action"]["payload"])["id"]
    app = SimpleNamespace(db=world.db, now=lambda: int(FixedClock(NOW + 2 * 86400).now()))
    assert await expire_pending(app) == 1
    action = await pending_repo.get(world.db, action_id)
    assert action.status == "expired" and action.payload == {}
