"""Pending actions (confirmations, picks, dialog drafts) as the handler layer sees them: read one,
close one exactly once, find the draft that waits for a person's typed text."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bot.db import Database
from bot.domain.clock import Clock
from bot.repo import meetings as meeting_repo
from bot.repo import pending as pending_repo
from bot.repo.pending import Pending


@dataclass(frozen=True)
class Draft:
    """A dialog's draft (a pending action) whose current step takes typed text."""

    id: int
    kind: str


class Pendings:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def get(self, action_id: int) -> Pending | None:
        return await pending_repo.get(self.db, action_id)

    async def cancel(self, action_id: int) -> bool:
        """Close an open action as cancelled; only the first of concurrent presses gets True."""
        return await pending_repo.claim(self.db, action_id, "cancelled")

    async def awaiting_text(self, vk_id: int, steps: Mapping[str, Collection[str]]) -> Draft | None:
        """The person's latest open pending action when it is a draft of one of ``steps``' kinds
        standing at one of that kind's text steps (a dialog started later takes the text instead)."""
        found = await meeting_repo.latest_draft(self.db, vk_id, tuple(steps), int(self.clock.now()))
        if found is None:
            return None
        action = await pending_repo.get(self.db, found[0])
        if action is None or action.payload.get("step") not in steps[found[1]]:
            return None
        return Draft(found[0], found[1])
