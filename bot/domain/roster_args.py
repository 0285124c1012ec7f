"""What people type after roster commands, read into typed values (the handlers call these; the
roster use cases get the values): «Иванова Мария 5А школа sch-a», «Петров Илья вкл»."""

from __future__ import annotations

from bot import texts
from bot.domain.classes import ClassName, looks_like_class, parse_class
from bot.domain.errors import UserError

ORG_WORDS = ("школа", "орг")
MODE_WORDS = {"вкл": "homeschool", "да": "homeschool", "выкл": "regular", "нет": "regular",
              "отсутствует": "long_absent"}


class UsageError(UserError):
    """The command's arguments are not in the expected shape: the handler adds the usage line."""


def split_org(args: str) -> tuple[str | None, str]:
    """An optional trailing «школа <код>» split off: (the code or None, the rest)."""
    words = args.split()
    if len(words) >= 2 and words[-2].casefold() in ORG_WORDS:
        return words[-1], " ".join(words[:-2])
    return None, " ".join(words)


def split_name_class(args: str, *, class_required: bool) -> tuple[str, ClassName | None]:
    """«Иванова Мария 5А» -> (name, class); a malformed class gets its own explanation."""
    words = args.split()
    cls = None
    if words and (looks_like_class(words[-1]) or any(ch.isdigit() for ch in words[-1])):
        cls = parse_class(words.pop())
    elif len(words) >= 2 and looks_like_class(" ".join(words[-2:])):
        cls = parse_class(" ".join(words[-2:]))
        words = words[:-2]
    name = " ".join(words)
    if not name or (class_required and cls is None):
        raise UsageError(texts.ROSTER_NEED_NAME_CLASS)
    return name, cls


def name_and_class(args: str) -> tuple[str, ClassName]:
    """A name and a class that must be there (/зачислить, /перевести)."""
    name, cls = split_name_class(args, class_required=True)
    assert cls is not None
    return name, cls


def split_mode(args: str) -> tuple[str, str]:
    """«Петров Илья 5А вкл» -> («Петров Илья 5А», "homeschool"): the last word is the switch."""
    words = args.split()
    switch = words.pop().casefold() if words else ""
    if switch not in MODE_WORDS:
        raise UsageError(texts.ROSTER_MODE_WORD)
    return " ".join(words), MODE_WORDS[switch]


def split_codes_args(args: str) -> tuple[bool, str | None, str]:
    """«/коды 5А заново школа sch-a» -> (reissue, the school's code or None, the sheet as typed)."""
    from bot.texts import admission as t

    words = args.split()
    reissue = any(w.casefold() in t.REISSUE_WORDS for w in words)
    code, rest = split_org(" ".join(w for w in words if w.casefold() not in t.REISSUE_WORDS))
    return reissue, code, rest


def codes_sheet(text: str) -> ClassName | None:
    """The sheet of codes asked for: a class, or None for the school's staff («сотрудники»)."""
    from bot.texts import admission as t

    words = text.split()
    if len(words) == 1 and words[0].casefold() in t.STAFF_WORDS:
        return None
    return parse_class(" ".join(words))
