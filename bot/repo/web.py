"""The web cabinet's own state: one-time login links, sessions and login attempts.

Only hashes of the secrets are stored (the caller hashes them); the raw link and cookie never
reach the database. Also the few read-only lists the cabinet shows that no report holds: the
school's open alerts and its moderation log.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database


# -- login links ---------------------------------------------------------------------------------


async def add_token(db: Database, *, token_hash: str, vk_id: int, now: int, expires_at: int) -> None:
    await db.execute(
        "INSERT INTO web_login_token (token_hash, vk_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash, vk_id, now, expires_at),
    )


@dataclass(frozen=True)
class TokenState:
    vk_id: int
    expires_at: int
    used_at: int | None


async def token(db: Database, token_hash: str) -> TokenState | None:
    row = await db.fetchone(
        "SELECT vk_id, expires_at, used_at FROM web_login_token WHERE token_hash = ?", (token_hash,))
    return TokenState(row[0], row[1], row[2]) if row else None


async def use_token(db: Database, token_hash: str, now: int) -> int | None:
    """Spend a link: the VK id it was issued to, or None when it is unknown, spent or expired.
    One UPDATE decides, so two simultaneous clicks cannot both open a session."""
    async with db.transaction():
        vk_id = await db.fetchval(
            "SELECT vk_id FROM web_login_token WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            (token_hash, now))
        if vk_id is None:
            return None
        changed = await db.execute_rowcount(
            "UPDATE web_login_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", (now, token_hash))
        return int(vk_id) if changed == 1 else None


async def prune_tokens(db: Database, *, before: int) -> int:
    return await db.execute_rowcount("DELETE FROM web_login_token WHERE expires_at < ?", (before,))


# -- sessions ------------------------------------------------------------------------------------


async def add_session(db: Database, *, id_hash: str, vk_id: int, now: int, expires_at: int) -> None:
    await db.execute(
        "INSERT INTO web_session (id_hash, vk_id, created_at, expires_at, seen_at) VALUES (?, ?, ?, ?, ?)",
        (id_hash, vk_id, now, expires_at, now),
    )


async def session_vk(db: Database, id_hash: str, now: int) -> int | None:
    """The VK id of a live session (not ended, not expired), or None."""
    value = await db.fetchval(
        "SELECT vk_id FROM web_session WHERE id_hash = ? AND ended_at IS NULL AND expires_at > ?",
        (id_hash, now))
    return int(value) if value is not None else None


async def end_session(db: Database, id_hash: str, now: int) -> bool:
    changed = await db.execute_rowcount(
        "UPDATE web_session SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL", (now, id_hash))
    return changed == 1


async def end_sessions_of(db: Database, vk_id: int, now: int) -> int:
    return await db.execute_rowcount(
        "UPDATE web_session SET ended_at = ? WHERE vk_id = ? AND ended_at IS NULL", (now, vk_id))


async def prune_sessions(db: Database, *, before: int) -> int:
    return await db.execute_rowcount(
        "DELETE FROM web_session WHERE expires_at < ? OR ended_at < ?", (before, before))


# -- login attempts ------------------------------------------------------------------------------


async def count_attempt(db: Database, keys: list[str], *, now: int, window: int) -> dict[str, int]:
    """Record one attempt under each key; returns the attempts of each key within ``window``
    seconds, this one included. Old rows are dropped on the way."""
    counts: dict[str, int] = {}
    async with db.transaction():
        await db.execute("DELETE FROM web_login_attempt WHERE at <= ?", (now - window,))
        for key in keys:
            await db.execute("INSERT INTO web_login_attempt (key, at) VALUES (?, ?)", (key, now))
            counts[key] = int(await db.fetchval(
                "SELECT COUNT(*) FROM web_login_attempt WHERE key = ? AND at > ?", (key, now - window)) or 0)
    return counts


# -- what the school page lists ------------------------------------------------------------------


@dataclass(frozen=True)
class OpenAlert:
    id: int
    kind: str
    chat_title: str | None
    created_at: int


async def open_alerts(db: Database, org_id: int, limit: int = 200) -> list[OpenAlert]:
    rows = await db.fetchall(
        "SELECT alert.id, alert.kind, chat.title, alert.created_at FROM alert"
        " LEFT JOIN chat ON chat.id = alert.chat_id"
        " WHERE alert.org_id = ? AND alert.status = 'open' ORDER BY alert.created_at DESC, alert.id DESC LIMIT ?",
        (org_id, limit))
    return [OpenAlert(r[0], r[1], r[2], r[3]) for r in rows]


@dataclass(frozen=True)
class LogEntry:
    created_at: int
    action: str
    policy: str | None
    chat_title: str | None
    by_bot: bool


async def moderation_log(db: Database, org_id: int, start: int, end: int, limit: int = 500) -> list[LogEntry]:
    """The school's audit log of a period, newest first (who was targeted is not shown)."""
    rows = await db.fetchall(
        "SELECT audit_log.created_at, audit_log.action, audit_log.policy, chat.title, audit_log.actor_vk"
        " FROM audit_log LEFT JOIN chat ON chat.id = audit_log.chat_id"
        " WHERE audit_log.org_id = ? AND audit_log.created_at >= ? AND audit_log.created_at < ?"
        " ORDER BY audit_log.created_at DESC, audit_log.id DESC LIMIT ?",
        (org_id, start, end, limit))
    return [LogEntry(r[0], r[1], r[2], r[3], not r[4]) for r in rows]

