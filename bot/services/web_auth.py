"""Signing in to the web cabinet through the bot.

``/кабинет`` in a private chat issues a one-time link bound to the VK account that asked; opening
it (and pressing «Войти») spends the link and opens a session. Links and sessions are random
secrets of which only an HMAC is stored; attempts are counted per client and per link. Who may
see what is decided on every request from the person's current roles (``bot.services.access``),
so a revoked role closes the cabinet at once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.db import Database
from bot.domain.capabilities import Capability
from bot.domain.clock import Clock
from bot.repo import web as repo
from bot.services.access import Access, Caller, allowed_somewhere

log = logging.getLogger(__name__)

CAPABILITY = Capability.REPORT_VIEW  # the cabinet shows reports: whoever may ask /отчёт somewhere
ATTEMPT_WINDOW = 10 * 60
MAX_PER_CLIENT = 20  # sign-in attempts from one address in the window
MAX_PER_LINK = 5  # attempts with one link in the window


def may_use(caller: Caller) -> bool:
    return allowed_somewhere(caller, CAPABILITY)


class Refusal(StrEnum):
    UNKNOWN = "unknown"  # no such link (mistyped, forged, or pruned long ago)
    USED = "used"
    EXPIRED = "expired"
    LIMITED = "limited"  # too many attempts
    NOT_ALLOWED = "not_allowed"  # the person's roles no longer open the cabinet


@dataclass(frozen=True)
class Opened:
    session: str  # the cookie value (never stored)
    vk_id: int
    max_age: int


class CabinetAuth:
    def __init__(self, db: Database, access: Access, clock: Clock, pepper: bytes, *, link_seconds: int,
                 session_seconds: int) -> None:
        self.db = db
        self.access = access
        self.clock = clock
        self.pepper = pepper
        self.link_seconds = link_seconds
        self.session_seconds = session_seconds

    def _hash(self, purpose: str, secret: str) -> str:
        return hmac.new(self.pepper, f"{purpose}:{secret}".encode(), hashlib.sha256).hexdigest()

    def _now(self) -> int:
        return int(self.clock.now())

    async def issue_link(self, vk_id: int) -> str:
        """A new one-time sign-in token for ``vk_id`` (the caller checks ``may_use`` first)."""
        token = secrets.token_urlsafe(24)
        now = self._now()
        await repo.add_token(self.db, token_hash=self._hash("link", token), vk_id=vk_id, now=now,
                             expires_at=now + self.link_seconds)
        return token

    async def link_state(self, token: str) -> Refusal | None:
        """Why this link would not open a session (None: it would), without spending it."""
        state = await repo.token(self.db, self._hash("link", token)) if _plausible(token) else None
        if state is None:
            return Refusal.UNKNOWN
        if state.used_at is not None:
            return Refusal.USED
        if state.expires_at <= self._now():
            return Refusal.EXPIRED
        return None

    async def sign_in(self, token: str, client: str) -> Opened | Refusal:
        """Spend the link and open a session, or say why not. ``client``: the address the
        request came from (only its HMAC is kept, for the attempt count)."""
        now = self._now()
        token_hash = self._hash("link", token) if _plausible(token) else "-"
        keys = [f"ip:{self._hash('client', client)[:32]}"]
        if token_hash != "-":
            keys.append(f"link:{token_hash[:32]}")
        counts = await repo.count_attempt(self.db, keys, now=now, window=ATTEMPT_WINDOW)
        if counts[keys[0]] > MAX_PER_CLIENT or (len(keys) > 1 and counts[keys[1]] > MAX_PER_LINK):
            return Refusal.LIMITED
        problem = await self.link_state(token)
        if problem is not None:
            return problem
        vk_id = await repo.use_token(self.db, token_hash, now)
        if vk_id is None:  # spent by a simultaneous request
            return Refusal.USED
        if not may_use(await self.access.caller(vk_id)):
            return Refusal.NOT_ALLOWED
        session = secrets.token_urlsafe(32)
        await repo.add_session(self.db, id_hash=self._hash("session", session), vk_id=vk_id, now=now,
                               expires_at=now + self.session_seconds)
        return Opened(session, vk_id, self.session_seconds)

    async def session_vk(self, session: str | None) -> int | None:
        """The VK id behind a session cookie, or None (missing, forged, expired or signed out)."""
        if not session or not _plausible(session):
            return None
        return await repo.session_vk(self.db, self._hash("session", session), self._now())

    async def sign_out(self, session: str | None) -> None:
        if session and _plausible(session):
            await repo.end_session(self.db, self._hash("session", session), self._now())

    async def prune(self) -> None:
        """Forget links and sessions a day after they stopped working."""
        before = self._now() - 24 * 3600
        await repo.prune_tokens(self.db, before=before)
        await repo.prune_sessions(self.db, before=before)


def _plausible(secret: str) -> bool:
    """URL-safe base64 of a sane length: anything else is not ours and is not even looked up."""
    return 16 <= len(secret) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in secret)


async def prune_job(app: Any) -> None:
    """Job: drop spent and expired sign-in links and ended sessions (never raises out)."""
    try:
        await app.cabinet.prune()
    except Exception:
        log.exception("pruning the cabinet's links and sessions failed")


PRUNE_JOB = ("prune_cabinet_sessions", prune_job, {"trigger": "cron", "hour": 4, "minute": 10})
