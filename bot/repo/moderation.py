"""Moderation records: violations (with a truncated excerpt as evidence), expiring strikes,
mutes, a school's allow-list of false positives, recent-message fingerprints, purges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.db import Database, bulk_form

EXCERPT_LIMIT = 200


def excerpt_of(text: str | None, limit: int = EXCERPT_LIMIT) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Violation:
    id: int
    org_id: int | None
    chat_id: int
    vk_id: int
    policy: str
    action: str
    severity: int
    cmid: int | None
    excerpt: str | None
    created_at: int


_VIOLATION = "id, org_id, chat_id, vk_id, policy, action, severity, cmid, excerpt, created_at"


# -- violations --------------------------------------------------------------------------

async def add_violation(db: Database, *, org_id: int | None, chat_id: int, vk_id: int, policy: str,
                        action: str, severity: int, cmid: int | None, excerpt: str | None, now: int) -> int:
    return await db.execute(
        "INSERT INTO violation (org_id, chat_id, vk_id, policy, action, severity, cmid, excerpt, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (org_id, chat_id, vk_id, policy, action, severity, cmid, excerpt_of(excerpt), now),
    )


async def get_violation(db: Database, violation_id: int) -> Violation | None:
    row = await db.fetchone(f"SELECT {_VIOLATION} FROM violation WHERE id = ?", (violation_id,))
    return Violation(*row) if row else None


async def purge_evidence(db: Database, *, older_than: int) -> int:
    """Forget the excerpts of violations and the texts of alerts (names included) older than the cutoff."""
    async with db.transaction():
        count = await db.execute_rowcount(
            "UPDATE violation SET excerpt = NULL WHERE excerpt IS NOT NULL AND created_at < ?", (older_than,))
        await db.execute_rowcount(
            "UPDATE alert SET details = '{}' WHERE kind IN ('violation', 'complaint', 'quarantine') AND details != '{}'"
            " AND created_at < ?", (older_than,))
    return count


# -- strikes -----------------------------------------------------------------------------

async def revoke_strikes(db: Database, violation_id: int) -> int:
    """Take back the strikes a violation gave (its sanction could not be carried out)."""
    return await db.execute_rowcount("DELETE FROM strike WHERE violation_id = ?", (violation_id,))


async def add_strike(db: Database, *, chat_id: int, vk_id: int, violation_id: int | None, now: int,
                     ttl_seconds: int) -> int:
    """Record a strike; returns how many strikes were in force just before it (the ladder step).
    Count and insert share one write transaction, so two violations at once get two steps."""
    async with db.transaction():
        before = await active_strikes(db, chat_id, vk_id, now)
        await db.execute(
            "INSERT INTO strike (chat_id, vk_id, violation_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (chat_id, vk_id, violation_id, now, now + ttl_seconds),
        )
    return before


async def active_strikes(db: Database, chat_id: int, vk_id: int, now: int) -> int:
    """Strikes in force at ``now``: not revoked and not expired."""
    return int(await db.fetchval(
        "SELECT COUNT(*) FROM strike WHERE chat_id = ? AND vk_id = ? AND revoked_at IS NULL"
        " AND created_at <= ? AND expires_at > ?", (chat_id, vk_id, now, now)) or 0)


async def revoke_last_strike(db: Database, chat_id: int, vk_id: int, now: int) -> bool:
    async with db.transaction():
        strike_id = await db.fetchval(
            "SELECT id FROM strike WHERE chat_id = ? AND vk_id = ? AND revoked_at IS NULL AND expires_at > ?"
            " ORDER BY created_at DESC, id DESC LIMIT 1", (chat_id, vk_id, now))
        if strike_id is None:
            return False
        await db.execute("UPDATE strike SET revoked_at = ? WHERE id = ?", (now, strike_id))
        return True


async def revoke_for_violation(db: Database, violation_id: int, now: int) -> int:
    return await db.execute_rowcount(
        "UPDATE strike SET revoked_at = ? WHERE violation_id = ? AND revoked_at IS NULL", (now, violation_id))


# -- mutes -------------------------------------------------------------------------------

async def set_mute(db: Database, chat_id: int, vk_id: int, *, until: int, by_vk: int | None,
                   violation_id: int | None = None) -> None:
    """``violation_id``: the violation whose decision gave the mute (None: a moderator's)."""
    await db.execute(
        "INSERT INTO mute (chat_id, vk_id, until, by_vk, violation_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, vk_id) DO UPDATE SET until = excluded.until, by_vk = excluded.by_vk,"
        " violation_id = excluded.violation_id",
        (chat_id, vk_id, until, by_vk, violation_id),
    )


async def clear_mute_of(db: Database, chat_id: int, vk_id: int, violation_id: int) -> bool:
    """Lift the mute only if this violation's decision gave it (a later one stays)."""
    return await db.execute_rowcount(
        "DELETE FROM mute WHERE chat_id = ? AND vk_id = ? AND violation_id = ?", (chat_id, vk_id, violation_id)) == 1


async def mark_sanction_failed(db: Database, violation_id: int, now: int) -> bool:
    """Note that the violation's sanction could not be carried out; False if noted before."""
    return await db.execute_rowcount(
        "UPDATE violation SET sanction_failed_at = ? WHERE id = ? AND sanction_failed_at IS NULL",
        (now, violation_id)) == 1


async def muted_until(db: Database, chat_id: int, vk_id: int, now: int) -> int | None:
    """When the person's mute ends, or None when they are not muted at ``now`` (the chat's mutes
    are read on every message of it: kept in memory until a mute changes)."""

    until = (await mutes_of(db, chat_id)).get(vk_id)
    return until if until is not None and until > now else None


async def mutes_of(db: Database, chat_id: int) -> Mapping[int, int]:
    """The chat's mutes, vk id → until (ended ones too, until pruned): kept in memory until a
    mute changes. Never to be changed by the caller."""

    async def load() -> dict[int, int]:
        rows = await db.fetchall("SELECT vk_id, until FROM mute WHERE chat_id = ?", (chat_id,))
        return {row[0]: int(row[1]) for row in rows}

    return await db.cached(("mutes", chat_id), load)


async def clear_mute(db: Database, chat_id: int, vk_id: int) -> bool:
    return await db.execute_rowcount("DELETE FROM mute WHERE chat_id = ? AND vk_id = ?", (chat_id, vk_id)) == 1


async def prune_mutes(db: Database, now: int) -> int:
    return await db.execute_rowcount("DELETE FROM mute WHERE until <= ?", (now,))


# -- allow-list --------------------------------------------------------------------------

async def allow_words(db: Database, org_id: int, chat_id: int | None = None) -> frozenset[str]:
    """Words allowed in the whole school, and (with ``chat_id``) those allowed in that chat only."""
    async def load() -> frozenset[str]:
        rows = await db.fetchall("SELECT word FROM allow_word WHERE org_id = ? AND (chat_id IS NULL OR chat_id = ?)",
                                 (org_id, chat_id if chat_id is not None else -1))
        return frozenset(row[0] for row in rows)

    return await db.cached(("allow_words", org_id, chat_id), load)


async def add_allow_word(db: Database, org_id: int, word: str, *, by_vk: int | None, now: int,
                         chat_id: int | None = None) -> bool:
    """Allow a word in one chat (``chat_id``) or the whole school (None); False if it already was."""
    return await db.execute_rowcount(
        "INSERT INTO allow_word (org_id, chat_id, word, added_by, added_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING", (org_id, chat_id, word, by_vk, now)) == 1


async def remove_allow_word(db: Database, org_id: int, word: str, *, chat_id: int | None) -> bool:
    return await db.execute_rowcount(
        "DELETE FROM allow_word WHERE org_id = ? AND word = ? AND COALESCE(chat_id, 0) = ?",
        (org_id, word, chat_id or 0)) == 1


# -- one message, one sanction; an alert's card -------------------------------------------

async def strikes_for_message(db: Database, chat_id: int, cmid: int | None, violation_id: int | None) -> int:
    """Strikes in force given for this message (by any of its violations) or for this violation."""
    return int(await db.fetchval(
        "SELECT COUNT(*) FROM strike s JOIN violation v ON v.id = s.violation_id WHERE s.revoked_at IS NULL"
        " AND (s.violation_id = ? OR (v.chat_id = ? AND v.cmid IS NOT NULL AND v.cmid = ?))",
        (violation_id or -1, chat_id, cmid if cmid is not None else -1)) or 0)


async def restore_strikes(db: Database, violation_id: int, revoked_at: int) -> int:
    """Undo ``revoke_for_violation`` made at ``revoked_at`` (a moderator's decision undone)."""
    return await db.execute_rowcount(
        "UPDATE strike SET revoked_at = NULL WHERE violation_id = ? AND revoked_at = ?", (violation_id, revoked_at))


async def history(db: Database, org_id: int, vk_id: int, *, since: int) -> tuple[int, int]:
    """(strikes given since ``since`` in the school's chats and not taken back, mutes ever recorded)."""
    strikes = await db.fetchval(
        "SELECT COUNT(*) FROM strike s JOIN chat c ON c.id = s.chat_id WHERE c.org_id = ? AND s.vk_id = ?"
        " AND s.created_at >= ? AND s.revoked_at IS NULL", (org_id, vk_id, since))
    mutes = await db.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE target_vk = ? AND action = 'mute' AND org_id = ?", (vk_id, org_id))
    return int(strikes or 0), int(mutes or 0)


# -- who hears of wellbeing signals -------------------------------------------------------

async def wellbeing_recipients(db: Database, org_id: int, class_id: int | None,
                               leader_id: int | None) -> list[int]:
    """VK ids of the class teacher of the chat's class and the school's psychologists; the
    chat's leader when there is no class (or nobody else)."""
    rows = await db.fetchall(
        "SELECT DISTINCT p.vk_id FROM role_grant g JOIN person p ON p.id = g.person_id"
        " WHERE g.org_id = ? AND g.revoked_at IS NULL AND p.status = 'active' AND p.vk_id IS NOT NULL"
        " AND (g.role = 'psychologist' OR (g.role = 'class_teacher' AND g.class_id = ?))",
        (org_id, class_id))
    vk_ids = [row[0] for row in rows]
    if leader_id is not None and (not vk_ids or class_id is None):
        leader = await db.fetchval("SELECT vk_id FROM person WHERE id = ? AND status = 'active'", (leader_id,))
        if leader:
            vk_ids.append(leader)
    return list(dict.fromkeys(vk_ids))


# -- recent messages (flood, repeats, stickers) ------------------------------------------

async def recent_all(db: Database, since: int) -> list[tuple[int, int, int, str, int]]:
    """Every author's recent fingerprints since ``since`` (loaded into memory at start)."""
    rows = await db.fetchall(
        "SELECT chat_id, vk_id, at, fingerprint, stickers FROM recent_message WHERE at >= ? ORDER BY at", (since,))
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


_REMEMBER = bulk_form(
    "INSERT INTO recent_message (chat_id, vk_id, at, fingerprint, stickers) VALUES (?, ?, ?, ?, ?)",
    "INSERT INTO recent_message (chat_id, vk_id, at, fingerprint, stickers)"
    " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)")


async def remember(db: Database, chat_id: int, vk_id: int, *, at: int, fingerprint: str, stickers: int) -> None:
    """Recorded with the event (a deferred write); old rows go by ``prune_recent``."""
    await db.defer(_REMEMBER, (chat_id, vk_id, at, fingerprint, stickers))


async def prune_recent(db: Database, before: int) -> int:
    return await db.execute_rowcount("DELETE FROM recent_message WHERE at < ?", (before,))


# -- once-per-period flags (quiet-hours notice) -------------------------------------------

async def claim_flag(db: Database, key: str, value: int) -> bool:
    """Set a kv flag unless it is already set; True for exactly one caller (several workers)."""
    return await db.execute_rowcount(
        "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, str(value))) == 1


async def prune_flags(db: Database, prefix: str, before: int) -> int:
    return await db.execute_rowcount(
        "DELETE FROM kv WHERE key LIKE ? AND CAST(value AS INTEGER) < ?", (prefix + "%", before))


# -- actions by name or @mention ------------------------------------------------------------

async def candidates(db: Database, *, chat_id: int | None, vk_id: int | None, name_word: str | None,
                     now: int) -> list[tuple[int, int, str | None]]:
    """(chat id, VK id, full name or None) of people present in a chat (or muted there) — in one
    chat or in any — with this VK id or with a name containing ``name_word`` (a normalised key)."""
    where: list[str] = []
    params: list[object] = []
    if chat_id is not None:
        where.append("x.chat_id = ?")
        params.append(chat_id)
    if vk_id is not None:
        where.append("x.vk_id = ?")
        params.append(vk_id)
    if name_word is not None:
        where.append("p.name_key LIKE ? ESCAPE '\\'")
        params.append("%" + name_word.replace("%", "\\%").replace("_", "\\_") + "%")
    rows = await db.fetchall(
        "SELECT DISTINCT x.chat_id, x.vk_id, p.full_name FROM ("
        " SELECT chat_id, vk_id FROM chat_member WHERE state IN ('member', 'quarantine')"
        " UNION SELECT chat_id, vk_id FROM mute WHERE until > ?) x"
        " LEFT JOIN person p ON p.vk_id = x.vk_id AND p.status = 'active'"
        + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY x.chat_id, x.vk_id LIMIT 200",
        (now, *params))
    found: dict[tuple[int, int], str | None] = {}
    for row in rows:
        found.setdefault((int(row[0]), int(row[1])), row[2])
    return [(chat, vk, name) for (chat, vk), name in found.items()]
