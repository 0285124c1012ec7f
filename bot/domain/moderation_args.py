"""What the staff typed after a moderation command, parsed: the term of /мут («30м», «2 часа»),
whom «/размут Петров» or «/пред @id123 причина» means, the mode of /политика and the hours of
/тишина. Pure: the handlers parse, the use cases get typed values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.domain.errors import UserError
from bot.texts import moderation as t
from policies import POLICY_NAMES, Mode
from policies.overrides import parse_mode, parse_window

_TERM = re.compile(r"^\s*(\d{1,4})\s*(м|мин|минут[аы]?|ч|час|часа|часов|д|дн|день|дня|дней|m|h|d)\.?\s*$",
                   re.IGNORECASE)
_UNIT_SECONDS = {"м": 60, "m": 60, "ч": 3600, "h": 3600, "д": 86400, "d": 86400}
MAX_TERM = 30 * 86400
OFF_WORDS = frozenset({"выкл", "off", "нет"})
_SCREEN_NAME = re.compile(r"^(?:@|(?:https?://)?(?:m\.)?vk\.com/)([a-z][a-z0-9_.]{1,31})/?$", re.IGNORECASE)
_MENTION = re.compile(r"^(?:\[id(\d+)\|[^\]]*\]|@?id(\d+)|(?:https?://)?(?:m\.)?vk\.com/id(\d+)/?)$", re.IGNORECASE)


class BadTerm(UserError):
    """A mute's term that is no term (``value`` as typed; empty when none was given)."""

    def __init__(self, value: str) -> None:
        super().__init__(t.bad_term(value))
        self.value = value


def parse_term(value: str) -> int:
    """«30м», «2ч», «1д» (and «2 часа», «1 день») → seconds, a minute to 30 days; BadTerm otherwise."""
    m = _TERM.match(value or "")
    seconds = int(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()[0]] if m else 0
    if not 60 <= seconds <= MAX_TERM:
        raise BadTerm((value or "").strip())
    return seconds


# -- whom a command by name means -----------------------------------------------------------


@dataclass(frozen=True)
class ById:
    """«@id123», «[id123|Петя]», «vk.com/id123»."""

    vk_id: int
    who: str  # as typed
    rest: str  # the arguments after it


@dataclass(frozen=True)
class ByScreenName:
    """«@petrov», «vk.com/petrov»: the account's id is read from VK."""

    screen_name: str
    who: str
    rest: str


@dataclass(frozen=True)
class ByName:
    """«Петров», «Петров Петя причина»: where the name ends is found among the people present
    (one to three of the first words)."""

    words: tuple[str, ...]


TargetQuery = ById | ByScreenName | ByName


def parse_target(args: str) -> TargetQuery:
    """Whom the first words of ``args`` name; UserError when nobody is named."""
    words = args.split()
    if not words:
        raise UserError(t.NEED_TARGET)
    rest = " ".join(words[1:])
    mention = _MENTION.match(words[0])
    if mention:
        return ById(int(next(g for g in mention.groups() if g)), words[0], rest)
    screen = _SCREEN_NAME.match(words[0])
    if screen:
        return ByScreenName(screen.group(1), words[0], rest)
    return ByName(tuple(words))


# -- /политика and /тишина ------------------------------------------------------------------


def policy_key(name: str) -> str:
    """«мат», «капс», «Нецензурная брань» → the policy's key (an unknown name stays as typed, lowered;
    the settings refuse it with the list of names)."""
    key = name.strip().lower()
    return POLICY_NAMES.get(key, key)


def parse_policy_mode(value: str) -> Mode:
    """«вкл», «выкл», «тихо» (or on/off/shadow); UserError (Russian) otherwise."""
    try:
        return parse_mode(value)
    except ValueError as exc:  # policies' parsers raise ValueError with the Russian answer
        raise UserError(str(exc)) from None


def parse_quiet(value: str) -> tuple[time, time] | None:
    """«21:30-07:00» → (start, end); «выкл» → None (quiet hours off); UserError otherwise."""
    value = value.strip()
    if value.lower() in OFF_WORDS:
        return None
    try:
        return parse_window(value)
    except ValueError as exc:
        raise UserError(str(exc)) from None
