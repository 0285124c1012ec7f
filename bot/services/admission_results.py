"""What admission decided: the typed results of ``Admission``'s use cases (a join, someone found
present, a moderator's press on a quarantine alert, approving everyone waiting). Handlers render
them (texts in bot/texts/admission.py, buttons in handlers/linking_views.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class JoinDecision(StrEnum):
    """What became of a newcomer (``Admission.on_join``) or of someone found in VK's member list
    (``Admission.settle_present``). The values are the old decision codes, kept for logs."""

    IGNORED = "ignored"  # not a bound chat, or not a person (a community)
    AUDIENCE = "audience"  # on the chat's lists: let in
    STAFF = "staff"  # the school's staff: let in
    GUEST = "guest"  # staff of another school the chat admits: let in
    REMOVED = "removed"  # a stranger in a chat that removes strangers
    QUARANTINE = "quarantine"  # a stranger waiting for the moderators

    @property
    def admitted(self) -> bool:
        return self in ADMITTED


ADMITTED = frozenset({JoinDecision.AUDIENCE, JoinDecision.STAFF, JoinDecision.GUEST})


def admitted_as(kind: str) -> JoinDecision:
    """The decision for an eligibility verdict that admits (``Verdict.kind``: audience | staff | guest)."""
    decision = JoinDecision(kind)
    if decision not in ADMITTED:
        raise ValueError(f"not an admitting verdict: {kind!r}")
    return decision


@dataclass(frozen=True)
class Waiting:
    """Someone waiting in quarantine: their VK name, and who they are on the roster if known."""

    vk_id: int
    name: str
    person_name: str | None


@dataclass(frozen=True)
class NobodyWaits:
    title: str  # the chat's


@dataclass(frozen=True)
class AdmitAllAsked:
    """The confirmation of admitting everyone waiting (pending action ``action_id``)."""

    action_id: int
    title: str
    waiting: tuple[Waiting, ...]  # longest waiting first
    known: int  # how many of them are on the school's lists (they alone may be admitted)


@dataclass(frozen=True)
class Decided:
    """A moderator let in (or excluded) the person the alert is about."""

    admitted: bool
    is_female: bool | None  # the person's, as far as known (the outcome agrees with it)


@dataclass(frozen=True)
class AlreadyDecided:
    action: str | None  # the outcome recorded on the alert («допущена»)


@dataclass(frozen=True)
class AdmittedAll:
    title: str  # the chat's
    names: tuple[str, ...]  # VK names of those let in


@dataclass(frozen=True)
class NoneLeft:
    """Nobody on the confirmed list still waited: all decided meanwhile."""
