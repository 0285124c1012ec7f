"""A unit of work: the identity every action recorded while handling one event derives from."""

from __future__ import annotations

import uuid
from contextvars import ContextVar, Token
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


class _Inside:
    """``with unit(...)``: a class, not a generator, since every event enters one."""

    __slots__ = ("work", "token")

    def __init__(self, work: Unit) -> None:
        self.work = work
        self.token: Token[Unit | None] | None = None

    def __enter__(self) -> Unit:
        self.token = _current.set(self.work)
        return self.work

    def __exit__(self, *exc: object) -> None:
        assert self.token is not None
        _current.reset(self.token)


def unit(event_id: str | None = None, *, peer: int = 0) -> _Inside:
    """Handle one event (or one job run) as a unit; actions recorded inside are keyed by
    ``(event_id, seq)``, so a re-run after a crash records the same actions, not new ones."""
    return _Inside(Unit(event_id or f"adhoc:{uuid.uuid4().hex}", peer=peer))
