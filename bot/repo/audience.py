"""Who a chat type's audience is, read from the roster (persons, classes, parents, grants)."""

from __future__ import annotations

from bot.db import Database
from bot.domain.chat_types import Audience

# person ids of an audience; parameters: org, cls (the chat's class, may be NULL)
_AUDIENCE_SQL: dict[Audience, str] = {
    Audience.PARENTS_OF_CLASS: (
        "SELECT DISTINCT p.id FROM person p JOIN parent_child pc ON pc.parent_id = p.id"
        " JOIN person c ON c.id = pc.child_id JOIN student s ON s.person_id = c.id"
        " WHERE p.home_org_id = :org AND p.status = 'active' AND c.status = 'active' AND s.class_id = :cls"
    ),
    Audience.PARENTS_OF_SCHOOL: (
        "SELECT DISTINCT p.id FROM person p JOIN parent_child pc ON pc.parent_id = p.id"
        " JOIN person c ON c.id = pc.child_id"
        " WHERE p.home_org_id = :org AND p.status = 'active' AND c.status = 'active'"
    ),
    Audience.STUDENTS_OF_CLASS: (
        "SELECT p.id FROM person p JOIN student s ON s.person_id = p.id"
        " WHERE p.home_org_id = :org AND p.status = 'active' AND s.class_id = :cls"
    ),
    Audience.ALL_STAFF: "SELECT p.id FROM person p WHERE p.home_org_id = :org AND p.status = 'active' AND p.kind = 'staff'",
    Audience.ADMIN_TEAM: (
        "SELECT DISTINCT g.person_id FROM role_grant g JOIN person p ON p.id = g.person_id"
        " WHERE g.org_id = :org AND g.revoked_at IS NULL AND p.status = 'active'"
        " AND g.role IN ('school_admin', 'admin_team')"
    ),
    Audience.HOMESCHOOL: (
        "SELECT p.id FROM person p JOIN student s ON s.person_id = p.id"
        " WHERE p.home_org_id = :org AND p.status = 'active' AND s.mode = 'homeschool'"
        " AND (:cls IS NULL OR s.class_id = :cls)"
    ),
    Audience.STAFF_AND_GUESTS: "SELECT p.id FROM person p WHERE p.home_org_id = :org AND p.status = 'active' AND p.kind = 'staff'",
    Audience.STUDENTS_AND_PARENTS: (
        "SELECT p.id FROM person p WHERE p.home_org_id = :org AND p.status = 'active' AND p.kind IN ('student', 'parent')"
    ),
}


async def person_ids(db: Database, audience: Audience, *, org_id: int | None,
                     class_id: int | None) -> frozenset[int]:
    """Who a chat is for (read on every message of it): kept in memory until the roster changes."""

    async def load() -> frozenset[int]:
        rows = await db.fetchall(_AUDIENCE_SQL[audience], {"org": org_id, "cls": class_id})
        return frozenset(row[0] for row in rows)

    return await db.cached(("audience", audience, org_id, class_id), load)
