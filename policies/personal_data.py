"""Personal data posted to a shared chat: phones, e-mails, SNILS, passports, bank cards.

Numbers in school chats are mostly dates, times, sums, grades, page and school numbers, so every
kind is checked by shape and, where one exists, by its checksum (SNILS, Luhn) or by plausible
parts (a passport series holds a region code and the year of the form's issue).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.texts import policies as texts
from .base import Action, Decision
from .context import Context
from .normalize import mask
from .settings import PersonalDataSettings

POLICY = "personal_data"

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@[a-zа-я0-9-]+(?:\.[a-zа-я0-9-]+)*\.[a-zа-я]{2,}", re.IGNORECASE
)
# A run of digits with the separators people type inside numbers (never dots: those are dates).
_DIGIT_RUN = re.compile(r"(?<![\w+])(?:\+[ \t]?)?\d[\d \t()\-–]{7,26}\d(?![\w])")
_GROUPS = re.compile(r"\d+")
# «серия 4510 номер 654321»: the two parts of a passport apart, named.
_PASSPORT_NAMED = re.compile(
    r"сери[яи]\s*(\d{2}\s?\d{2})\s*[,;]?\s*(?:номер|ном\.|№|н\.)?\s*(\d{6})(?!\d)", re.IGNORECASE
)
_KEYWORDS = {
    # an organisation's requisites, not a person's data
    "requisites": re.compile(r"инн|кпп|бик|огрн|окпо|р/с|к/с|сч[её]т", re.IGNORECASE),
    "passport": re.compile(r"паспорт|серия|серии|выдан", re.IGNORECASE),
    "snils": re.compile(r"снилс", re.IGNORECASE),
}
_NEAR = 40  # characters around a number searched for a keyword


@dataclass(frozen=True)
class Found:
    kind: str  # a key of texts.PD_KINDS
    fragment: str


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def snils_ok(digits: str) -> bool:
    if len(digits) != 11 or int(digits[:9]) <= 1001998 or len(set(digits[:9])) == 1:
        return False
    total = sum(int(ch) * (9 - i) for i, ch in enumerate(digits[:9]))
    check = total if total < 100 else 0 if total in (100, 101) else total % 101 % 100
    return check == int(digits[9:])


def _passport_series_ok(digits: str) -> bool:
    region, year = int(digits[:2]), int(digits[2:4])
    return region > 0 and (year >= 97 or year <= 30)


def _near(text: str, start: int, end: int, kind: str) -> bool:
    return bool(_KEYWORDS[kind].search(text, max(0, start - _NEAR), end + _NEAR))


def _classify(text: str, m: re.Match[str]) -> str | None:
    raw = m.group()
    groups = [len(g) for g in _GROUPS.findall(raw)]
    digits = "".join(_GROUPS.findall(raw))
    if any(n < 2 for n in groups[1:]):
        return None  # «5 4 5 5 3 …» — grades, not a number
    if _near(text, m.start(), m.end(), "requisites"):
        return None
    n = len(digits)
    if 13 <= n <= 19 and luhn_ok(digits) and (len(groups) == 1 or max(groups[:-1]) <= 6):
        return "card"
    if n == 11 and snils_ok(digits) and (
        groups[:4] == [3, 3, 3, 2] or groups == [9, 2] or _near(text, m.start(), m.end(), "snils")
    ):
        return "snils"
    if n == 10 and _passport_series_ok(digits) and (
        groups in ([2, 2, 6], [4, 6]) or _near(text, m.start(), m.end(), "passport")
    ):
        return "passport"
    national = digits[1:] if n == 11 and digits[0] in "78" else digits if n == 10 else ""
    if n == 10 and len(groups) == 1 and not digits.startswith("9"):
        return None  # ten bare digits are a mobile number or something else (an INN)
    if (
        national[:1] in ("3", "4", "8", "9")
        and not national.startswith("800")  # toll-free lines belong to organisations
        and groups not in ([2, 2, 6], [4, 6])
    ):
        return "phone"
    return None


def find_personal_data(text: str) -> Found | None:
    m = _EMAIL.search(text)
    if m:
        return Found("email", m.group())
    m = _PASSPORT_NAMED.search(text)
    if m and _passport_series_ok(m.group(1).replace(" ", "")):
        return Found("passport", m.group())
    for m in _DIGIT_RUN.finditer(text):
        kind = _classify(text, m)
        if kind:
            return Found(kind, m.group().strip())
    return None


def check(ctx: Context, settings: PersonalDataSettings) -> list[Decision]:
    found = find_personal_data(ctx.text)
    if found is None:
        return []
    kind = texts.PD_KINDS[found.kind]
    hidden = mask(found.fragment)
    return [Decision(
        action=Action.DELETE,
        policy=POLICY,
        reason=texts.PD_REASON.format(kind=kind),
        severity=2,
        fragment=hidden,  # evidence must not keep the data itself
        masked=hidden,
        strike=False,  # a leak is a mistake to undo, not misbehaviour to punish
        notify_private=texts.PD_PRIVATE.format(kind=kind),
    )]
