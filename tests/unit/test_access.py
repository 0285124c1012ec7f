"""The role matrix: who may do what where (pure decisions)."""

from __future__ import annotations

import pytest

from bot.services.access import Caller, GrantRef, allowed, allowed_somewhere, may_grant

REGION, MUNI, SCHOOL_A, SCHOOL_B = 1, 2, 3, 4
ANCESTORS = {SCHOOL_A: [MUNI, REGION], SCHOOL_B: [MUNI, REGION], MUNI: [REGION], REGION: []}


def caller(*grants: tuple[str, int], operator: bool = False) -> Caller:
    return Caller(7, operator, tuple(GrantRef(role, org) for role, org in grants))


PARENT_A = caller(("parent", SCHOOL_A))
STUDENT_A = caller(("student", SCHOOL_A))
TEACHER_A = caller(("teacher", SCHOOL_A))
ADMIN_A = caller(("school_admin", SCHOOL_A))
ADMIN_B = caller(("school_admin", SCHOOL_B))
MUNI_COORD = caller(("municipal_coordinator", MUNI))
OPERATOR = caller(operator=True)

STAFF_COMMANDS = ["roster_manage", "role_manage", "chat_moderate"]


@pytest.mark.parametrize("who", [PARENT_A, STUDENT_A, TEACHER_A, ADMIN_B])
@pytest.mark.parametrize("capability", STAFF_COMMANDS)
def test_outsiders_and_non_managers_are_refused_staff_commands_on_school_a(who, capability) -> None:
    assert not allowed(who, capability, SCHOOL_A, ANCESTORS[SCHOOL_A])


@pytest.mark.parametrize("capability", STAFF_COMMANDS + ["school_view", "report_view"])
def test_school_admin_manages_own_school(capability) -> None:
    assert allowed(ADMIN_A, capability, SCHOOL_A, ANCESTORS[SCHOOL_A])
    assert not allowed(ADMIN_A, capability, SCHOOL_B, ANCESTORS[SCHOOL_B])


def test_municipal_coordinator_reads_but_does_not_edit_rosters() -> None:
    for school in (SCHOOL_A, SCHOOL_B):
        assert allowed(MUNI_COORD, "report_view", school, ANCESTORS[school])
        assert allowed(MUNI_COORD, "school_view", school, ANCESTORS[school])
        assert not allowed(MUNI_COORD, "roster_manage", school, ANCESTORS[school])
    assert not allowed(MUNI_COORD, "report_view", REGION, ANCESTORS[REGION])


def test_parents_and_students_have_no_staff_commands_anywhere() -> None:
    for who in (PARENT_A, STUDENT_A):
        for capability in STAFF_COMMANDS + ["school_view", "report_view", "chat_create"]:
            assert not allowed_somewhere(who, capability)
        assert allowed_somewhere(who, "everyone")


def test_operator_may_everything() -> None:
    assert allowed(OPERATOR, "roster_manage", SCHOOL_B, ANCESTORS[SCHOOL_B])
    assert may_grant(OPERATOR, "regional_coordinator", REGION, [])


def test_grant_matrix() -> None:
    assert may_grant(ADMIN_A, "moderator", SCHOOL_A, ANCESTORS[SCHOOL_A])
    assert not may_grant(ADMIN_A, "moderator", SCHOOL_B, ANCESTORS[SCHOOL_B])
    assert not may_grant(ADMIN_A, "municipal_coordinator", SCHOOL_A, ANCESTORS[SCHOOL_A])
    assert may_grant(MUNI_COORD, "school_admin", SCHOOL_B, ANCESTORS[SCHOOL_B])
    assert not may_grant(TEACHER_A, "moderator", SCHOOL_A, ANCESTORS[SCHOOL_A])
