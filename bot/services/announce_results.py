"""What the announcements' use cases answer (rendered by handlers/announce.py with
bot/texts/announce.py): typed results, no Russian text, no keyboards."""

from __future__ import annotations

from dataclasses import dataclass

BY_CLASS = ("p", "s", "c")  # audiences picked further by grade or class


@dataclass(frozen=True)
class Pick:
    """Who gets the announcement, as the draft holds it."""

    org_id: int
    types: str
    grades: tuple[int, ...] = ()  # empty: all
    classes: tuple[str, ...] = ()  # «5А»; with grades: either matches

    @property
    def by_class(self) -> bool:
        return self.types in BY_CLASS


@dataclass(frozen=True)
class Scope:
    """A school, or a territory (all its schools)."""

    id: int
    name: str
    territory: bool


@dataclass(frozen=True)
class PickScope:
    draft: int
    scopes: tuple[Scope, ...]


@dataclass(frozen=True)
class PickTypes:
    draft: int
    scope: Scope


@dataclass(frozen=True)
class PickGrades:
    draft: int
    types: str
    grades: tuple[int, ...]  # grades that have such chats


@dataclass(frozen=True)
class PickClass:
    draft: int
    grade: int
    classes: tuple[str, ...]  # «5А», «5Б»


@dataclass(frozen=True)
class TextAsked:
    """The audience is chosen: the next private message is the text."""

    audience: Pick


@dataclass(frozen=True)
class Confirm:
    """The question before sending: the chats that will get it and those that cannot."""

    action_id: int
    audience: Pick
    chats: tuple[str, ...]  # titles of the chats it will be sent to
    skipped: tuple[str, ...]  # titles of the chats where the bot is no admin
    text: str

    @property
    def count(self) -> int:
        return len(self.chats)


@dataclass(frozen=True)
class Sending:
    """Confirmed: ``count`` sends recorded; the delivery report follows."""

    count: int


Started = PickScope | PickTypes
Picked = PickTypes | PickGrades | PickClass | TextAsked
Typed = TextAsked | Confirm
