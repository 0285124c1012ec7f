"""Roster use cases on a real database: import, moves, promotion, and who may do them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.errors import NotAllowed, UserError
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.services.roster_results import (
    ExpelAsked, Gone, ImportApplied, ImportAsked, ImportRefused, ImportUnchanged, NeedsPick, NewYearAsked, Promotion, TransferAsked,
    Transferred,
)
from handlers.roster_views import render
from tests.services import roster_calls as rc
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
    await rc.enrol(world, admin_a, "Иванов Иван 5А")
    before = await _row_counts(world.db)
    for caller in (parent_a, student_a, teacher_a, admin_b):
        for call in (rc.enrol(world, caller, "Петров Пётр 5А школа sch-a"),
                     rc.expel(world, caller, "Иванов Иван школа sch-a"),
                     rc.transfer(world, caller, "Иванов Иван 6А школа sch-a"),
                     rc.new_year(world, caller, "школа sch-a")):
            with pytest.raises((NotAllowed, UserError)):
                await call
    assert await _row_counts(world.db) == before


async def test_import_with_bad_rows_applies_nothing_and_reports_every_line(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    before = await _row_counts(world.db)
    result = await world.roster.import_preview(admin, world.school_a, "broken.csv",
                                               (FIXTURES / "broken.csv").read_bytes(), NOW)
    assert isinstance(result, ImportRefused) and not result.forbidden  # no «Применить» while there are problems
    for line in (3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14):
        assert f"строка {line}" in result.preview, line
    assert render(result).keyboard is None
    assert await _row_counts(world.db) == before


async def test_clean_import_applied_then_reimport_changes_nothing(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    data = (FIXTURES / "clean.csv").read_bytes()
    asked = await world.roster.import_preview(admin, world.school_a, "clean.csv", data, NOW)
    assert isinstance(asked, ImportAsked) and asked.expelled == 0 and asked.scoped is None
    action = await rc.pending(world, asked)
    result = await world.roster.import_apply(admin, action, NOW)
    assert isinstance(result, ImportApplied) and result.classes is None
    assert "обновлены" in render(result).text
    counts = await people_repo.counts(world.db, world.school_a.id)
    assert (counts["student"], counts["parent"]) == (4, 2)
    after_first = await _row_counts(world.db)
    # the same file again: nothing to do
    again = await world.roster.import_preview(admin, world.school_a, "clean.csv", data, NOW)
    assert isinstance(again, ImportUnchanged)
    assert await _row_counts(world.db) == after_first
    # applying an already-applied action is refused
    assert await world.roster.import_apply(admin, action, NOW) == Gone()


async def test_transfer_records_event_and_moves_class(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    await rc.enrol(world, admin, "Иванова Мария Петровна 5А")
    await rc.enrol(world, admin, "Кто-то Другой 5Б")  # class 5Б exists
    asked = await rc.transfer(world, admin, "иванова мария 5б")
    assert isinstance(asked, TransferAsked)  # asked first (issue 11)
    assert (asked.from_class, asked.to_class, asked.new_class) == ("5А", "5Б", False)
    result = await world.roster.transfer_apply(admin, await rc.pending(world, asked), NOW)
    assert result == Transferred("Иванова Мария Петровна", "5А", "5Б")
    [student] = await people_repo.find_prefix(world.db, world.school_a.id, "иванова мария", kind="student")
    assert student.class_name == "5Б"
    events = [e["kind"] for e in await people_repo.events(world.db, world.school_a.id, pending_only=True)]
    assert events == ["enrol", "enrol", "transfer"]


async def test_ambiguous_name_is_asked_not_guessed(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    await rc.enrol(world, admin, "Иванов Иван 5А")
    await rc.enrol(world, admin, "Иванов Иван 6Б")
    pick = await rc.expel(world, admin, "Иванов Иван")
    assert isinstance(pick, NeedsPick)
    assert [(c.name, c.class_name) for c in pick.candidates] == [("Иванов Иван", "5А"), ("Иванов Иван", "6Б")]
    assert "несколько" in render(pick).text
    action = await rc.pending(world, pick)
    assert await world.roster.pick(admin, action, 999_999, NOW) == Gone()  # not one of those offered
    second = pick.candidates[1].person_id
    asked = await world.roster.pick(admin, action, second, NOW)
    assert isinstance(asked, ExpelAsked) and (asked.name, asked.class_name) == ("Иванов Иван", "6Б")
    assert await world.roster.pick(admin, action, second, NOW) == Gone()  # the pick is used up
    assert all(p.status == "active" for p in await people_repo.find(world.db, world.school_a.id, "иванов иван"))


async def test_new_year_promotion_preview_then_apply(world) -> None:
    admin = await world.staff(world.school_a, "school_admin", 10)
    for args in ("Старший Ученик 11А", "Средний Ученик 10А", "Младший Ученик 1А"):
        await rc.enrol(world, admin, args)
    preview = await rc.new_year(world, admin)
    assert isinstance(preview, NewYearAsked)
    assert Promotion("10А", "11А", 1) in preview.moves and preview.graduates == ("11А",)
    action = await rc.pending(world, preview)
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
        await rc.enrol(world, admin, "Иванов Иван 5Щ1")
    assert "5А" in info.value.message  # shows the right form


async def test_unanswered_preview_expires_and_drops_the_file(world) -> None:
    from types import SimpleNamespace

    from bot.domain.clock import FixedClock
    from bot.jobs import expire_pending

    admin = await world.staff(world.school_a, "school_admin", 10)
    data = (FIXTURES / "clean.csv").read_bytes()
    asked = await world.roster.import_preview(admin, world.school_a, "clean.csv", data, NOW)
    assert isinstance(asked, ImportAsked)
    action_id = asked.action_id
    app = SimpleNamespace(db=world.db, now=lambda: int(FixedClock(NOW + 2 * 86400).now()))
    assert await expire_pending(app) == 1
    action = await pending_repo.get(world.db, action_id)
    assert action.status == "expired" and action.payload == {}
