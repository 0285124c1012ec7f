"""Polls, quizzes and votes (migration 0014); the poll dialog's draft is a pending action."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.db import Database
from bot.repo.voters import families as families, names as names, person_in_org as person_in_org


@dataclass(frozen=True)
class Poll:
    id: int
    kind: str
    series: int | None
    position: int
    chat_id: int
    org_id: int
    author_vk: int
    question: str
    options: tuple[str, ...]
    correct: int | None
    multiple: bool
    anonymous: bool
    deadline: int
    cmid: int | None
    status: str
    created_at: int
    refresh_at: int | None
    edited_at: int

    @property
    def open(self) -> bool:
        return self.status == "open"


_COLUMNS = ("id, kind, series, position, chat_id, org_id, author_vk, question, options, correct, multiple,"
            " anonymous, deadline, cmid, status, created_at, refresh_at, edited_at")


def _poll(row: Any) -> Poll:
    return Poll(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], tuple(json.loads(row[8])), row[9],
                bool(row[10]), bool(row[11]), row[12], row[13], row[14], row[15], row[16], row[17])


async def create(db: Database, *, kind: str, chat_id: int, org_id: int, author_vk: int, question: str,
                 options: tuple[str, ...], correct: int | None, multiple: bool, anonymous: bool, deadline: int,
                 now: int, series: int | None = None, position: int = 1) -> int:
    poll_id = await db.execute(
        "INSERT INTO poll (kind, series, position, chat_id, org_id, author_vk, question, options, correct, multiple,"
        " anonymous, deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, series, position, chat_id, org_id, author_vk, question, json.dumps(list(options), ensure_ascii=False),
         correct, int(multiple), int(anonymous), deadline, now))
    if kind == "quiz" and series is None:
        await db.execute("UPDATE poll SET series = id WHERE id = ?", (poll_id,))
    return poll_id


async def get(db: Database, poll_id: int) -> Poll | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM poll WHERE id = ?", (poll_id,))
    return _poll(row) if row else None


async def of_series(db: Database, series: int) -> list[Poll]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM poll WHERE series = ? ORDER BY position", (series,))
    return [_poll(r) for r in rows]


async def due(db: Database, now: int, limit: int = 50) -> list[Poll]:
    """Open polls whose deadline has passed (a quiz: its questions), oldest first."""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM poll WHERE status = 'open' AND deadline <= ?"
                             " ORDER BY deadline, id LIMIT ?", (now, limit))
    return [_poll(r) for r in rows]


async def close(db: Database, poll_id: int, now: int) -> bool:
    """Close once (a second closer gets False); a pending live edit is dropped with it."""
    return await db.execute_rowcount(
        "UPDATE poll SET status = 'closed', closed_at = ?, refresh_at = NULL WHERE id = ? AND status = 'open'",
        (now, poll_id)) == 1


async def set_cmid(db: Database, poll_id: int, cmid: int) -> None:
    await db.execute("UPDATE poll SET cmid = ? WHERE id = ? AND cmid IS NULL", (cmid, poll_id))


async def schedule_refresh(db: Database, poll_id: int, at: int) -> bool:
    """Ask for a live edit at ``at`` unless one is already pending (True when this call asked)."""
    return await db.execute_rowcount(
        "UPDATE poll SET refresh_at = ? WHERE id = ? AND refresh_at IS NULL AND status = 'open'",
        (at, poll_id)) == 1


async def refresh_due(db: Database, now: int, limit: int = 100) -> list[Poll]:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM poll WHERE refresh_at IS NOT NULL AND refresh_at <= ?"
                             " ORDER BY refresh_at LIMIT ?", (now, limit))
    return [_poll(r) for r in rows]


async def take_refresh(db: Database, poll_id: int, now: int) -> bool:
    """Claim a due live edit (clears it; a vote after this asks for the next one)."""
    return await db.execute_rowcount(
        "UPDATE poll SET refresh_at = NULL, edited_at = ? WHERE id = ? AND refresh_at IS NOT NULL AND refresh_at <= ?",
        (now, poll_id, now)) == 1


def refresh_event(poll_id: int, now: int) -> str:
    """The unit of one live edit (its recorded action is keyed by it)."""
    return f"poll-refresh:{poll_id}:{now:012d}"


async def last_edit(db: Database, poll_id: int) -> tuple[str, int | None] | None:
    """(status, done_at) of the poll's latest recorded live edit (the unique (event_id, seq) index)."""
    prefix = f"poll-refresh:{poll_id}:"
    row = await db.fetchone("SELECT status, done_at FROM action WHERE event_id >= ? AND event_id < ?"
                            " ORDER BY event_id DESC LIMIT 1", (prefix, prefix[:-1] + ";"))
    return (row[0], row[1]) if row else None


async def postpone_refresh(db: Database, poll_id: int, at: int) -> None:
    await db.execute("UPDATE poll SET refresh_at = ? WHERE id = ? AND refresh_at IS NOT NULL", (at, poll_id))


async def vote_of(db: Database, poll_id: int, vk_id: int) -> int | None:
    return await db.fetchval("SELECT choice FROM poll_vote WHERE poll_id = ? AND vk_id = ?", (poll_id, vk_id))


async def put_vote(db: Database, poll_id: int, vk_id: int, person_id: int | None, choice: int, now: int) -> None:
    await db.execute(
        "INSERT INTO poll_vote (poll_id, vk_id, person_id, choice, voted_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (poll_id, vk_id) DO UPDATE SET choice = excluded.choice, voted_at = excluded.voted_at,"
        " person_id = COALESCE(excluded.person_id, poll_vote.person_id)",
        (poll_id, vk_id, person_id, choice, now))


async def add_answer(db: Database, poll_id: int, vk_id: int, person_id: int | None, choice: int, now: int) -> bool:
    """A quiz answer: the first one stays (False when the person had already answered)."""
    return await db.execute_rowcount(
        "INSERT OR IGNORE INTO poll_vote (poll_id, vk_id, person_id, choice, voted_at) VALUES (?, ?, ?, ?, ?)",
        (poll_id, vk_id, person_id, choice, now)) == 1


async def drop_vote(db: Database, poll_id: int, vk_id: int) -> None:
    await db.execute("DELETE FROM poll_vote WHERE poll_id = ? AND vk_id = ?", (poll_id, vk_id))


async def choices(db: Database, poll_id: int) -> list[int]:
    return [r[0] for r in await db.fetchall("SELECT choice FROM poll_vote WHERE poll_id = ?", (poll_id,))]


async def votes(db: Database, poll_id: int) -> list[tuple[int, int | None, int]]:
    """(vk id, person id, choice) of every voter, in the order they voted."""
    rows = await db.fetchall("SELECT vk_id, person_id, choice FROM poll_vote WHERE poll_id = ? ORDER BY voted_at, vk_id",
                             (poll_id,))
    return [(r[0], r[1], r[2]) for r in rows]


# -- the dialog's draft: a pending action of kind "poll_draft" (payload: what was chosen so far)

DRAFT_KIND = "poll_draft"


async def save_draft(db: Database, draft_id: int, payload: dict[str, Any]) -> bool:
    return await db.execute_rowcount(
        "UPDATE pending_action SET payload = ? WHERE id = ? AND kind = ? AND status = 'open'",
        (json.dumps(payload, ensure_ascii=False), draft_id, DRAFT_KIND)) == 1


async def draft_waiting_text(db: Database, vk_id: int, now: int) -> int | None:
    """The person's draft that waits for the typed question, when it is the latest dialog they
    opened (a hot-line answer begun after it takes its own text)."""
    row = await db.fetchone(
        "SELECT id, kind, json_extract(payload, '$.step') FROM pending_action WHERE vk_id = ? AND status = 'open'"
        " AND expires_at > ? ORDER BY id DESC LIMIT 1", (vk_id, now))
    return int(row[0]) if row is not None and row[1] == DRAFT_KIND and row[2] == "text" else None


async def drop_drafts(db: Database, vk_id: int) -> None:
    """Older drafts go when a new one starts (one poll dialog at a time per person)."""
    await db.execute("UPDATE pending_action SET status = 'cancelled', payload = '{}'"
                     " WHERE kind = ? AND vk_id = ? AND status = 'open'", (DRAFT_KIND, vk_id))
