"""Hot-line questions (migration 0017) and the dialogs around them (pending actions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.db import Database

ASK_KIND = "hotline_ask"  # a parent's question being written (target chosen, text awaited)
ANSWER_KIND = "hotline_answer"  # a staff member's answer being written


@dataclass(frozen=True)
class Question:
    id: int
    org_id: int
    class_id: int | None
    target: str
    parent_vk: int
    parent_id: int | None
    student_id: int | None
    assignee_vk: int | None
    text: str | None
    status: str
    asked_at: int
    remind_at: int
    reminders: int
    escalated_at: int | None
    answered_at: int | None
    answered_by: int | None


_COLUMNS = ("id, org_id, class_id, target, parent_vk, parent_id, student_id, assignee_vk, text, status, asked_at,"
            " remind_at, reminders, escalated_at, answered_at, answered_by")


def _question(row: Any) -> Question:
    return Question(*row)


async def create(db: Database, *, org_id: int, class_id: int | None, target: str, parent_vk: int,
                 parent_id: int | None, student_id: int | None, assignee_vk: int | None, text: str, now: int,
                 remind_at: int, escalated_at: int | None = None) -> int:
    return await db.execute(
        "INSERT INTO hotline_question (org_id, class_id, target, parent_vk, parent_id, student_id, assignee_vk, text,"
        " asked_at, remind_at, escalated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (org_id, class_id, target, parent_vk, parent_id, student_id, assignee_vk, text, now, remind_at,
         escalated_at))


async def get(db: Database, question_id: int) -> Question | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM hotline_question WHERE id = ?", (question_id,))
    return _question(row) if row else None


async def answered(db: Database, question_id: int, *, by_vk: int, now: int) -> bool:
    """Mark an open question answered exactly once (a second answer gets False)."""
    return await db.execute_rowcount(
        "UPDATE hotline_question SET status = 'answered', answered_at = ?, answered_by = ?"
        " WHERE id = ? AND status = 'open'", (now, by_vk, question_id)) == 1


async def escalate(db: Database, question_id: int, *, now: int, remind_at: int) -> bool:
    return await db.execute_rowcount(
        "UPDATE hotline_question SET target = 'office', assignee_vk = NULL, escalated_at = ?, remind_at = ?,"
        " reminders = 0 WHERE id = ? AND status = 'open' AND target = 'class'", (now, remind_at, question_id)) == 1


async def reminded(db: Database, question_id: int, *, reminders: int, remind_at: int) -> bool:
    """Count a reminder once (a concurrent run that read the same count gets False)."""
    return await db.execute_rowcount(
        "UPDATE hotline_question SET reminders = reminders + 1, remind_at = ? WHERE id = ? AND reminders = ?"
        " AND status = 'open'", (remind_at, question_id, reminders)) == 1


async def open_of_parent(db: Database, parent_vk: int) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM hotline_question WHERE parent_vk = ? AND status = 'open'",
                                 (parent_vk,)))


async def open_for(db: Database, vk_id: int, office_orgs: list[int], limit: int = 20) -> list[Question]:
    """Open questions waiting for this staff member: assigned to them, or to the office of a school
    where they are in the office."""
    marks = ",".join("?" * len(office_orgs)) or "NULL"
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM hotline_question WHERE status = 'open' AND text IS NOT NULL"
        f" AND (assignee_vk = ? OR (target = 'office' AND org_id IN ({marks}))) ORDER BY asked_at LIMIT ?",
        (vk_id, *office_orgs, limit))
    return [_question(r) for r in rows]


async def open_class_questions(db: Database) -> list[Question]:
    """Open questions still waiting for a class teacher (checked for an unreachable one)."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM hotline_question WHERE status = 'open' AND target = 'class' ORDER BY id")
    return [_question(r) for r in rows]


async def due(db: Database, now: int, limit: int = 200) -> list[Question]:
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM hotline_question WHERE status = 'open' AND remind_at <= ? ORDER BY remind_at LIMIT ?",
        (now, limit))
    return [_question(r) for r in rows]


async def purge(db: Database, *, answered_before: int, asked_before: int) -> int:
    """Drop the texts kept long enough: answered questions after the retention, questions nobody
    answered after it too (they are closed)."""
    count = await db.execute_rowcount(
        "UPDATE hotline_question SET text = NULL WHERE text IS NOT NULL AND status = 'answered'"
        " AND answered_at < ?", (answered_before,))
    count += await db.execute_rowcount(
        "UPDATE hotline_question SET text = NULL, status = 'closed' WHERE status = 'open' AND asked_at < ?",
        (asked_before,))
    return count


async def stats(db: Database, org_id: int, start: int, end: int) -> tuple[int, int, float | None, int]:
    """Questions asked in [start, end): (asked, answered, mean seconds to answer, still open)."""
    row = await db.fetchone(
        "SELECT COUNT(*), SUM(status = 'answered'), AVG(CASE WHEN status = 'answered' THEN answered_at - asked_at END),"
        " SUM(status = 'open') FROM hotline_question WHERE org_id = ? AND asked_at >= ? AND asked_at < ?",
        (org_id, start, end))
    assert row is not None
    return int(row[0] or 0), int(row[1] or 0), None if row[2] is None else float(row[2]), int(row[3] or 0)


async def dialog_of(db: Database, kind: str, vk_id: int, now: int) -> int | None:
    """The person's open dialog of this kind (a pending action) when it is the latest dialog they
    opened: a typed text goes to the dialog started last (a poll or an announcement begun after
    pressing «Ответить» takes its own text, not the parent)."""
    row = await db.fetchone(
        "SELECT id, kind FROM pending_action WHERE vk_id = ? AND status = 'open' AND expires_at >= ?"
        " ORDER BY id DESC LIMIT 1", (vk_id, now))
    return int(row[0]) if row is not None and row[1] == kind else None


async def close_dialogs(db: Database, kind: str, vk_id: int) -> None:
    """Older open dialogs of this kind go when a new one starts (one at a time per person)."""
    await db.execute("UPDATE pending_action SET status = 'cancelled', payload = '{}'"
                     " WHERE kind = ? AND vk_id = ? AND status = 'open'", (kind, vk_id))


async def save_dialog(db: Database, action_id: int, payload_json: str) -> None:
    await db.execute("UPDATE pending_action SET payload = ? WHERE id = ? AND status = 'open'",
                     (payload_json, action_id))
