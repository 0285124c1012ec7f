from pathlib import Path

import pytest

from bot.domain.classes import parse_class
from bot.domain.names import normalize_name
from bot.domain.roles import RoleSpec
from bot.domain.roster_file import parse_roster
from bot.domain.roster_ops import (
    AddParent, AddStaff, AddStudent, ChangeMode, ExpelStudent, GrantRole, LinkChild, MoveStudent,
    NewRef, RevokeRole,
)
from bot.domain.roster_plan import CurrentPerson, RosterSnapshot, apply_to_snapshot, format_preview, plan_import
from bot.domain.roster_types import ProblemKind
from bot.domain.samples import HEADERS, make_sample_csv, make_sample_rows
from bot.domain.tables import to_csv

FIXTURES = Path(__file__).parent.parent / "fixtures" / "roster"
A4, A5, A6, B7 = (parse_class(c) for c in ("4А", "5А", "6А", "7Б"))


def student(pid: int, name: str, cls: str, mode: str | None = None) -> CurrentPerson:
    return CurrentPerson(pid, "student", normalize_name(name), name, parse_class(cls), mode)


def parent(pid: int, name: str, *children: str) -> CurrentPerson:
    return CurrentPerson(pid, "parent", normalize_name(name), name, children_keys=frozenset(map(normalize_name, children)))


def staff(pid: int, name: str, *roles: RoleSpec) -> CurrentPerson:
    return CurrentPerson(pid, "staff", normalize_name(name), name, roles=frozenset(roles))


def school(*persons: CurrentPerson) -> RosterSnapshot:
    return RosterSnapshot(tuple(persons))


def csv(text: str):
    parsed = parse_roster(text.encode())
    assert parsed.ok, parsed.problems
    return parsed


def ops_of(plan, kind) -> list:
    return [op for op in plan.operations if isinstance(op, kind)]


def assert_idempotent(parsed, before: RosterSnapshot, **kw) -> RosterSnapshot:
    plan = plan_import(parsed, before, **kw)
    assert plan.ok, plan.problems
    after = apply_to_snapshot(before, plan)
    again = plan_import(parsed, after, **kw)
    assert again.ok and again.operations == (), again.operations
    assert "Изменений нет" in format_preview(again)
    return after


# -- whole files -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["clean.csv", "clean.xlsx", "cp1251.csv"])
def test_fixture_import_then_replan_gives_no_changes(name):
    parsed = parse_roster((FIXTURES / name).read_bytes(), name)
    assert_idempotent(parsed, RosterSnapshot())


def test_clean_import_into_an_empty_school():
    plan = plan_import(parse_roster((FIXTURES / "clean.csv").read_bytes()), RosterSnapshot())
    assert plan.ok and plan.has_changes
    c = plan.counts
    assert (c.students.added, c.parents.added, c.parents.links_added, c.staff.added) == (4, 2, 3, 2)
    assert c["students"].expelled == 0
    assert [type(op) for op in plan.operations] == (
        [AddStudent] * 4 + [AddParent] * 2 + [LinkChild] * 3 + [AddStaff, AddStaff] + [GrantRole] * 4)
    link = ops_of(plan, LinkChild)[0]
    assert isinstance(link.parent, NewRef) and isinstance(link.child, NewRef)
    text = format_preview(plan)
    assert "Ученики: новых 4." in text and "новых связей с детьми 3" in text and "можно применять" in text


def test_generated_school_round_trip_with_transfers_and_expulsions():
    rows = make_sample_rows(400, 300, seed=5, n_staff=20)
    after = assert_idempotent(parse_roster(to_csv(HEADERS, rows)), RosterSnapshot())
    students = [r for r in rows if r[0] == "ученик"]
    moved, dropped = students[:10], students[10:15]
    for r in moved:
        old_class, r[2] = r[2], ("11В" if r[2] != "11В" else "1А")
        for p in rows:
            if p[4] == r[1] and p[5] == old_class:
                p[5] = r[2]  # the parents' «Класс ребёнка» follows the child
    kept_rows = [r for r in rows if r not in dropped and r[4] not in {d[1] for d in dropped}]
    plan = plan_import(parse_roster(to_csv(HEADERS, kept_rows)), after)
    assert plan.ok, plan.problems[:3]
    assert (plan.counts.students.moved, plan.counts.students.expelled) == (10, 5)
    assert plan.counts.students.unchanged == 400 - 15
    assert_idempotent(parse_roster(to_csv(HEADERS, kept_rows)), after)


def test_parsing_problems_make_the_plan_not_applicable():
    plan = plan_import(parse_roster((FIXTURES / "broken.csv").read_bytes()), RosterSnapshot())
    assert not plan.ok
    assert plan.problems[0].kind == ProblemKind.EMPTY_NAME
    with pytest.raises(ValueError):
        apply_to_snapshot(RosterSnapshot(), plan)


# -- students --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("db", "file", "counts", "ops"),
    [
        # same class and mode
        ([student(1, "Иванов Пётр", "5А")], "Иванов Пётр;5А;", dict(unchanged=1), []),
        # «очное» in the file equals no mode in the database
        ([student(1, "Иванов Пётр", "5А", "regular")], "иванов петр;5 а;очное", dict(unchanged=1), []),
        ([student(1, "Иванов Пётр", "4А")], "Иванов Пётр;5А;", dict(moved=1), [MoveStudent(1, "Иванов Пётр", A4, A5)]),
        ([student(1, "Иванов Пётр", "5А")], "Иванов Пётр;5А;надомное", dict(mode_changed=1),
         [ChangeMode(1, "Иванов Пётр", None, "homeschool")]),
        ([student(1, "Иванов Пётр", "4А", "homeschool")], "Иванов Пётр;5А;", dict(moved=1, mode_changed=1),
         [MoveStudent(1, "Иванов Пётр", A4, A5), ChangeMode(1, "Иванов Пётр", "homeschool", "regular")]),
        ([student(1, "Иванов Пётр", "5А"), student(2, "Петров Глеб", "5А")], "Иванов Пётр;5А;",
         dict(unchanged=1, expelled=1), [ExpelStudent(2, "Петров Глеб", A5)]),
        ([], "Иванов Пётр;5А;", dict(added=1), [AddStudent(NewRef(1), "Иванов Пётр", "иванов петр", A5, "regular")]),
        # namesakes told apart by class
        ([student(1, "Иванов Пётр", "5А"), student(2, "Иванов Пётр", "7Б")], "Иванов Пётр;5А;\nИванов Пётр;7Б;",
         dict(unchanged=2), []),
        ([student(1, "Иванов Пётр", "5А"), student(2, "Иванов Пётр", "7Б")], "Иванов Пётр;7Б;",
         dict(unchanged=1, expelled=1), [ExpelStudent(1, "Иванов Пётр", A5)]),
        ([student(1, "Иванов Пётр", "5А")], "Иванов Пётр;5А;\nИванов Пётр;7Б;",
         dict(unchanged=1, added=1), [AddStudent(NewRef(1), "Иванов Пётр", "иванов петр", B7, "regular")]),
    ],
)
def test_student_reconciliation(db, file, counts, ops):
    plan = plan_import(csv("ФИО;Класс;Режим\n" + file + "\n"), school(*db))
    assert plan.ok, plan.problems
    expected = dict(added=0, moved=0, mode_changed=0, expelled=0, unchanged=0) | counts
    assert {k: getattr(plan.counts.students, k) for k in expected} == expected
    assert list(plan.operations) == ops


@pytest.mark.parametrize(
    ("db_classes", "file_classes"),
    [(["5А", "7Б"], ["6А", "8Б"]), (["5А", "7Б"], ["5А", "8Б"]), (["5А", "7Б"], ["6А"]), (["5А"], ["6А", "7Б"])],
)
def test_namesakes_that_cannot_be_told_apart_are_reported_not_guessed(db_classes, file_classes):
    db = [student(i, "Иванов Пётр", c) for i, c in enumerate(db_classes, start=1)]
    body = "".join(f"Иванов Пётр;{c}\n" for c in file_classes)
    plan = plan_import(csv("ФИО;Класс\n" + body), school(*db))
    assert not plan.ok
    assert {p.kind for p in plan.problems} == {ProblemKind.AMBIGUOUS_PERSON}
    assert "неоднозначно" in plan.problems[0].message_ru
    assert not ops_of(plan, MoveStudent) and not ops_of(plan, ExpelStudent)


def test_expulsion_only_when_the_file_lists_students():
    db = school(student(1, "Иванов Пётр", "5А"), parent(2, "Иванова Елена", "Иванов Пётр"))
    parents_only = csv("ФИО;Ребёнок\nИванова Елена;Иванов Пётр\n")
    assert plan_import(parents_only, db).operations == ()
    with_students = csv("Тип;ФИО;Класс\nученик;Петров Глеб;5А\n")
    assert ops_of(plan_import(with_students, db), ExpelStudent) == [ExpelStudent(1, "Иванов Пётр", A5)]
    assert plan_import(with_students, db, scope={"parents", "staff"}).operations == ()


def test_only_file_classes_expels_nobody_outside_them_but_still_matches_moves_into_them():
    db = school(student(1, "Иванов Пётр", "5А"), student(2, "Ушедший Иван", "5А"), student(3, "Петров Глеб", "6А"),
                student(4, "Сидоров Олег", "7Б"))
    file = csv("ФИО;Класс\nИванов Пётр;5А\nСидоров Олег;5А\n")
    full = plan_import(file, db)
    assert {op.person_id for op in ops_of(full, ExpelStudent)} == {2, 3}
    scoped = plan_import(file, db, only_file_classes=True)
    assert ops_of(scoped, ExpelStudent) == [ExpelStudent(2, "Ушедший Иван", A5)]  # 6А is not the file's
    assert ops_of(scoped, MoveStudent) == [MoveStudent(4, "Сидоров Олег", B7, A5)]
    assert_idempotent(file, db, only_file_classes=True)
    assert "Будут переведены (1): Сидоров Олег (7Б → 5А)." in format_preview(scoped)


def test_preview_names_who_is_expelled_and_no_all_clear_after_a_warning():
    db = school(*(student(i, f"Ученик Номер{chr(0x430 + i)}", "5А") for i in range(25)))
    preview = format_preview(plan_import(csv("ФИО;Класс\nНовый Ученик;6А\n"), db))
    assert "Будут отчислены (25): Ученик Номера (5А), Ученик Номерб (5А)" in preview
    assert "и ещё 5." in preview
    assert "Ошибок нет, можно применять." not in preview
    assert preview.endswith("Ошибок в файле нет, но сначала прочитайте предупреждения выше.")
    assert format_preview(plan_import(csv("ФИО;Класс\nНовый Ученик;6А\n"), school())).endswith(
        "Ошибок нет, можно применять.")


def test_unknown_scope_is_a_programming_error():
    with pytest.raises(ValueError):
        plan_import(csv("ФИО;Класс\nИванов Пётр;5А\n"), RosterSnapshot(), scope={"pupils"})


def test_mass_expulsion_is_warned_about():
    db = school(*(student(i, f"Ученик Номер{chr(0x430 + i)}", "5А") for i in range(20)))
    plan = plan_import(csv("ФИО;Класс\nНовый Ученик;6А\n"), db)
    assert plan.ok and plan.counts.students.expelled == 20
    assert any("Будут отчислены 20 из 20" in w for w in plan.warnings)
    assert "Внимание: Будут отчислены" in format_preview(plan)


# -- parents ---------------------------------------------------------------------------------

def test_parent_links_to_a_student_already_in_the_school():
    db = school(student(1, "Иванов Пётр", "5А"))
    plan = plan_import(csv("ФИО;Ребёнок\nИванова Елена;Иванов Пётр\n"), db)
    assert plan.ok
    assert list(plan.operations) == [
        AddParent(NewRef(1), "Иванова Елена", "иванова елена"),
        LinkChild(NewRef(1), 1, "иванов петр", "Иванов Пётр"),
    ]
    assert_idempotent(csv("ФИО;Ребёнок\nИванова Елена;Иванов Пётр\n"), db)


def test_existing_parent_gets_a_new_link_only():
    db = school(student(1, "Иванов Пётр", "5А"), student(2, "Иванова Мария", "7Б"),
                parent(3, "Иванова Елена", "Иванов Пётр"))
    plan = plan_import(csv("ФИО;Ребёнок\nИванова Елена;Иванов Пётр\nИванова Елена;Иванова Мария\n"), db)
    assert list(plan.operations) == [LinkChild(3, 2, "иванова мария", "Иванова Мария")]
    assert (plan.counts.parents.added, plan.counts.parents.links_added, plan.counts.parents.unchanged) == (0, 1, 0)


@pytest.mark.parametrize(
    ("db", "row", "kind", "fragment"),
    [
        ([], "Иванова Елена;Иванов Пётр;", ProblemKind.CHILD_NOT_FOUND, "не найден ни в файле, ни среди учеников"),
        ([student(1, "Иванов Пётр", "7Б")], "Иванова Елена;Иванов Пётр;5А", ProblemKind.CHILD_NOT_FOUND, "есть в 7Б"),
        ([student(1, "Иванов Пётр", "5А"), student(2, "Иванов Пётр", "7Б")], "Иванова Елена;Иванов Пётр;",
         ProblemKind.AMBIGUOUS_CHILD, "(5А, 7Б)"),
    ],
)
def test_child_resolution_problems(db, row, kind, fragment):
    plan = plan_import(csv("ФИО;Ребёнок;Класс ребёнка\n" + row + "\n"), school(*db))
    assert not plan.ok
    [problem] = plan.problems
    assert (problem.kind, problem.line) == (kind, 2)
    assert fragment in problem.message_ru


def test_child_class_disambiguates_namesakes():
    db = school(student(1, "Иванов Пётр", "5А"), student(2, "Иванов Пётр", "7Б"))
    plan = plan_import(csv("ФИО;Ребёнок;Класс ребёнка\nИванова Елена;Иванов Пётр;7Б\n"), db)
    assert plan.ok and ops_of(plan, LinkChild)[0].child == 2


def test_child_found_in_the_same_file_gets_the_new_students_ref():
    parsed = csv("Тип;ФИО;Класс;Ребёнок;Класс ребёнка\nученик;Иванов Пётр;5А;;\nродитель;Иванова Елена;;Иванов Пётр;5А\n")
    plan = plan_import(parsed, RosterSnapshot())
    assert ops_of(plan, LinkChild) == [LinkChild(NewRef(2), NewRef(1), "иванов петр", "Иванов Пётр")]


def test_a_child_who_is_expelled_cannot_be_linked():
    db = school(student(1, "Иванов Пётр", "5А"))
    parsed = csv("Тип;ФИО;Класс;Ребёнок\nученик;Петров Глеб;5А;\nродитель;Иванова Елена;;Иванов Пётр\n")
    plan = plan_import(parsed, db)
    assert [p.kind for p in plan.problems] == [ProblemKind.CHILD_NOT_FOUND]


def test_parents_left_without_children_are_reported_not_removed():
    db = school(student(1, "Иванов Пётр", "5А"), student(2, "Петров Глеб", "5А"),
                parent(3, "Иванова Елена", "Иванов Пётр"), parent(4, "Петрова Анна", "Петров Глеб"))
    plan = plan_import(csv("ФИО;Класс\nПетров Глеб;5А\n"), db)
    assert plan.ok
    assert [p.person_id for p in plan.orphaned_parents] == [3]
    assert list(plan.operations) == [ExpelStudent(1, "Иванов Пётр", A5)]
    assert any("Иванова Елена" in w for w in plan.warnings)


def test_namesake_parents_told_apart_by_their_children():
    db = school(student(1, "Иванов Пётр", "5А"), student(2, "Сидоров Лев", "6А"),
                parent(3, "Иванова Елена", "Иванов Пётр"), parent(4, "Иванова Елена", "Сидоров Лев"))
    plan = plan_import(csv("ФИО;Ребёнок\nИванова Елена;Сидоров Лев\n"), db)
    assert plan.ok and plan.operations == () and plan.counts.parents.unchanged == 1
    unclear = plan_import(csv("ФИО;Ребёнок\nИванова Елена;Иванов Пётр\n"), school(
        *db.persons, parent(5, "Иванова Елена", "Иванов Пётр")))
    assert [p.kind for p in unclear.problems] == [ProblemKind.AMBIGUOUS_PERSON]


# -- staff -----------------------------------------------------------------------------------

def test_staff_role_changes():
    db = school(staff(1, "Смирнова Ольга", RoleSpec("teacher"), RoleSpec("class_teacher", A4), RoleSpec("school_admin")))
    plan = plan_import(csv("ФИО;Роли\nСмирнова Ольга;учитель, классный руководитель 5А\n"), db)
    assert plan.ok
    assert list(plan.operations) == [GrantRole(1, RoleSpec("class_teacher", A5)), RevokeRole(1, RoleSpec("class_teacher", A4))]
    assert plan.counts.staff.roles_changed == 1
    after = apply_to_snapshot(db, plan)
    assert after.persons[0].roles == {RoleSpec("teacher"), RoleSpec("class_teacher", A5), RoleSpec("school_admin")}


def test_staff_with_empty_roles_cell_keeps_roles_and_new_staff_is_added():
    db = school(staff(1, "Смирнова Ольга", RoleSpec("moderator")))
    plan = plan_import(csv("ФИО;Роли\nСмирнова Ольга;\nКозлов Иван;психолог\n"), db)
    assert list(plan.operations) == [AddStaff(NewRef(1), "Козлов Иван", "козлов иван", None),
                                     GrantRole(NewRef(1), RoleSpec("psychologist"))]
    assert (plan.counts.staff.added, plan.counts.staff.unchanged) == (1, 1)


def test_ambiguous_staff():
    db = school(staff(1, "Смирнова Ольга"), staff(2, "Смирнова Ольга"))
    plan = plan_import(csv("ФИО;Роли\nСмирнова Ольга;модератор\n"), db)
    assert [p.kind for p in plan.problems] == [ProblemKind.AMBIGUOUS_PERSON]


# -- preview ---------------------------------------------------------------------------------

def test_preview_lists_at_most_30_problems():
    body = "".join(f"Ученик{chr(0x430 + i % 32)} Номер{chr(0x430 + i // 32)};5Ы\n" for i in range(45))
    plan = plan_import(parse_roster(("ФИО;Класс\n" + body).encode()), RosterSnapshot())
    text = format_preview(plan)
    assert "Найдено 45 проблем" in text
    assert "строка 2: в классе «5Ы» буква «Ы» не подходит" in text
    assert "строка 31:" in text and "строка 32:" not in text
    assert text.endswith("и ещё 15")


def test_preview_of_a_sheet_problem_and_a_file_problem():
    bad_file = plan_import(parse_roster(b""), RosterSnapshot())
    assert format_preview(bad_file).splitlines()[-1] == "Файл пустой."
    sample = make_sample_csv(3, 0, seed=1)
    assert "Ученики: новых 3." in format_preview(plan_import(parse_roster(sample), RosterSnapshot()))
