"""Reading /организация «<вид> <код> <часовой пояс> [<код родителя>] <название>» (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import texts
from bot.domain import timezones
from bot.domain.errors import UserError

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")


class OrgUsageError(UserError):
    """Too few words: the answer is the command's usage."""


@dataclass(frozen=True)
class NewOrg:
    kind: str  # region | municipality | school | other
    code: str  # lower case, checked against CODE_RE
    timezone: str  # IANA name
    parent_code: str | None  # None for a region
    name: str


def parse_timezone(raw: str) -> str:
    """A city, «МСК+2», «UTC+5» or an IANA name → the IANA name (see bot/domain/timezones.py)."""
    name = timezones.resolve(raw)
    if name is None:
        raise UserError(texts.ORG_BAD_TZ.format(tz=raw))
    return name


def parse_org_command(args: str) -> NewOrg:
    words = args.split()
    if len(words) < 4:
        raise OrgUsageError("")
    kind_word, code, tz = words[0], words[1], words[2]
    rest = words[3:]
    if timezones.resolve(tz) is None and len(words) > 4 and timezones.resolve(f"{tz} {words[3]}"):
        tz, rest = f"{tz} {words[3]}", words[4:]  # a two-word city: «Нижний Новгород»
    kind = texts.ORG_KINDS_RU.get(kind_word.casefold())
    parent = None
    if kind != "region":
        if not rest:
            raise OrgUsageError("")
        parent, rest = rest[0], rest[1:]
    if kind is None:
        raise UserError(texts.ORG_BAD_KIND.format(kind=kind_word))
    code = code.lower()
    if not CODE_RE.match(code):
        raise UserError(texts.ORG_BAD_CODE.format(code=code))
    timezone = parse_timezone(tz)
    name = " ".join(rest).strip()
    if not name:
        raise UserError(texts.ORG_NEED_NAME)
    return NewOrg(kind, code, timezone, parent, name)
