"""A unit of work: the identity every action recorded while handling one event derives from."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Unit:
    event_id: str
    seq: int = 0
    gate: int | None = None  # seq of the sanction's deletion the rest of the decision waits for
    peer: int = 0  # the conversation the event came from (its person waits for the answer)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


_current: ContextVar[Unit | None] = ContextVar("zavuch_unit", default=None)


def current() -> Unit | None:
    return _current.get()


@contextlib.contextmanager
def unit(event_id: str | None = None, *, peer: int = 0) -> Iterator[Unit]:
    """Handle one event (or one job run) as a unit; actions recorded inside are keyed by
    ``(event_id, seq)``, so a re-run after a crash records the same actions, not new ones."""
    work = Unit(event_id or f"adhoc:{uuid.uuid4().hex}", peer=peer)
    token = _current.set(work)
    try:
        yield work
    finally:
        _current.reset(token)
