"""Personal data posted to a shared chat: phones, e-mails and the Russian personal identifiers.

Numbers in school chats are mostly dates, times, sums, grades, page, lesson, order and school
numbers, so an identifier is flagged only when its shape, its check digits and, where they are
weak, the words around it all agree. The same digits with a wrong check digit are never reported
as that identifier (a typo'd card is not a card, and a random number passes a mod-10 check one
time in ten, so the shape and context rules below keep such luck rare).

- **Bank card**: 13–19 digits, Luhn check, first digits of a payment system (Mir, Visa,
  Mastercard, Maestro, JCB, UnionPay, Amex, Diners: see `card_issuer_ok`), written as one run or
  in groups of four (Amex 4-6-5 and Diners 4-6-4 too), not a row of years.
- **SNILS**: 11 digits with the SNILS checksum (numbers up to 001-001-998 carry none and are
  ignored), written «ddd-ddd-ddd dd» / «ddddddddd dd», or as one run next to the word «СНИЛС».
- **INN**: 12 digits (a person's INN) with both check digits valid, written as one run or next to
  «ИНН»; 10 digits (an organisation's INN: not personal, but a person's number in the wrong
  length is usually a mistyped document) only next to «ИНН» and with no sign of an organisation
  around it («КПП», «ООО», «школа», …). Payment requisites (КПП, БИК, ОГРН, р/с …) are never
  personal data.
- **OMS policy** (the 16-digit single-format number): its check digit (FFOMS order 79 of 2011:
  the digits at odd places from the right, as a number, doubled; the digits at even places
  written before it; the digit sum subtracted from the next multiple of ten — which is Luhn's
  sum, so a card and a policy cannot be told apart by the check digit). Next to «полис» / «ОМС»
  it is a policy; alone, sixteen digits in one run that do not start like a payment card (2–6).
- **Passport**: series and number, 10 digits whose series is plausible (the first two digits are
  an OKATO region code, the next two the year the form was printed, 97–30). «dd dd dddddd», the
  way the series is printed in the passport, is flagged alone; «dddd dddddd» only next to
  «паспорт», «серия», «выдан», «номер» or «№» (a pair of numbers such as «вариант 3210 915802»
  would pass the series check three times in ten), ten digits in one run only next to
  «паспорт», «серия» or «выдан», and never next to «ИНН»; the parts named
  («серия 4510 номер 654321») or split by «№» («4509 № 123456», next to a passport word) too.
- **Phone**: a Russian mobile or landline number (10 or 11 digits, 8/+7 optional) whose code
  stands as one group of 3–5 digits (not «85 90 78 92 88», a row of marks), not toll-free
  «8-800», not in a passport or SNILS shape; any number written with «+» and 11–13 digits.
- **E-mail**: an address with a domain, also written around a filter («ivanova (at) mail.ru»,
  «petrov собака yandex точка ru»: a Latin name, then a known top-level domain).

Numbers next to words that name another kind of number («заказ», «трек», «накладная», «лицевой
счёт», «квитанция», «договор», …) are not personal identifiers.
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
# An address written around a filter: «ivanova (at) mail.ru», «petrov собака yandex точка ru».
_EMAIL_SPELLED = re.compile(
    r"(?<![\w.+-])([a-z0-9._+-]*[a-z][a-z0-9._+-]*)\s*"
    r"(?:[(\[{]\s*(?:at|собака)\s*[)\]}]|\s(?:собака|собачка)\s|\s@\s?|@\s"
    r"|\sat\s(?=(?:mail|yandex|ya|gmail|bk|list|inbox|rambler|outlook|hotmail|icloud|yahoo)\W))"
    r"\s*([a-z0-9-]+)\s*(?:\.|[(\[{]\s*(?:dot|точка)\s*[)\]}]|\s(?:dot|точка)\s)\s*"
    r"(ru|com|net|org|su|рф|ua|by|kz|info|io|me)(?![\w.])",
    re.IGNORECASE,
)
# A run of digits with the separators people type inside numbers (never dots: those are dates).
_DIGIT_RUN = re.compile(r"(?<![\w+])(?:\+[ \t]?)?\d[\d \t()\-–]{7,26}\d(?![\w])")
_GROUPS = re.compile(r"\d+")
# «серия 4510 номер 654321»: the two parts of a passport apart, named.
# NFKC (see normalize.clean) turns «№» into «No».
_PASSPORT_NAMED = re.compile(
    r"сери[яи]\s*(\d{2}\s?\d{2})\s*[,;]?\s*(?:номер|ном\.|№|no\.?|н\.)?\s*(\d{6})(?!\d)",
    re.IGNORECASE,
)
# «паспорт 45 09 № 123456»: series, «№», number; counts next to a passport word only.
_PASSPORT_NUMBERED = re.compile(
    r"(?<!\d)(\d{2}\s?\d{2})\s*(?:№|no\.?)\s*(\d{6})(?!\d)", re.IGNORECASE
)
_KEYWORDS = {
    # an organisation's payment requisites: nothing near them is a person's data
    "requisites": re.compile(
        r"кпп|бик|огрн|окпо|октмо|оквэд|р/с|к/с|расч[её]тн|корр\.?\s*сч", re.IGNORECASE
    ),
    # other kinds of long numbers: not a personal identifier
    "other_number": re.compile(
        r"(?<![а-яё])(?:заказ|трек|отслеж|накладн|посылк|отправлени|квитанц|транзакц|артикул"
        r"|штрих|лицев\w*\s+сч[её]т|уин|чек|билет|купон|промокод|серийн|imei|инвентарн"
        r"|код(?!\s+подраздел)|ответ|вариант|логин|парол)",
        re.IGNORECASE,
    ),
    "organisation": re.compile(
        r"кпп|ооо|оао|зао|пао|\bао\b|\bип\b|мбоу|гбоу|маоу|моу|школ|гимнази|лице[йя]|организац"
        r"|учреждени|получател|компани|фирм|магазин|банк|фонд|юр\.?\s*лиц",
        re.IGNORECASE,
    ),
    "passport": re.compile(r"паспорт|серия|серии|выдан", re.IGNORECASE),
    # enough for the «dddd dddddd» shape only
    "passport_number": re.compile(r"паспорт|серия|серии|выдан|номер|№|(?<![a-z])no\b",
                                  re.IGNORECASE),
    "snils": re.compile(r"снилс", re.IGNORECASE),
    "inn": re.compile(r"(?<![а-яё])инн(?![а-яё])", re.IGNORECASE),
    "oms": re.compile(r"полис|(?<![а-яё])омс(?![а-яё])|медицинск\w*\s+страх", re.IGNORECASE),
}
_NEAR = 40  # characters around a number searched for a keyword

# First two digits of a passport series: OKATO codes of the regions.
_REGIONS = frozenset({
    1, 3, 4, 5, 7, 8, 10, 11, 12, 14, 15, 17, 18, 19, 20, 22, 24, 25, 26, 27, 28, 29, 30, 32, 33,
    34, 35, 36, 37, 38, 40, 41, 42, 44, 45, 46, 47, 49, 50, 52, 53, 54, 56, 57, 58, 60, 61, 63,
    64, 65, 66, 67, 68, 69, 70, 71, 73, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88,
    89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99,
})
_CARD_SHAPES = ([4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 4, 4, 4, 2], [4, 4, 4, 4, 1], [4, 4, 4, 1],
                [4, 6, 5], [4, 6, 4])
_PASSPORT_SHAPES = ([2, 2, 6], [4, 6])
_SNILS_SHAPES = ([3, 3, 3, 2], [9, 2])
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


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


def _inn_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(w * int(ch) for w, ch in zip(weights, digits)) % 11 % 10


def inn_ok(digits: str) -> bool:
    """Check digits of an INN: one for 10 digits (organisations), two for 12 (people)."""
    if len(digits) == 10:
        return _inn_digit(digits, _INN10_WEIGHTS) == int(digits[9])
    if len(digits) == 12:
        return (_inn_digit(digits, _INN11_WEIGHTS) == int(digits[10])
                and _inn_digit(digits, _INN12_WEIGHTS) == int(digits[11]))
    return False


def oms_ok(digits: str) -> bool:
    """Check digit (the 16th) of a single-format OMS policy number."""
    if len(digits) != 16 or len(set(digits)) == 1:
        return False
    body = digits[:15]
    odd = body[14::-2]  # places 1, 3, 5, … counted from the right
    even = body[13::-2]  # places 2, 4, …
    total = sum(int(ch) for ch in even) + sum(int(ch) for ch in str(int(odd) * 2))
    return (10 - total % 10) % 10 == int(digits[15])


def card_issuer_ok(digits: str) -> bool:
    """The first digits name a payment system: Mir 2200–2204, Mastercard 2221–2720 and 51–55,
    Amex 34/37, JCB 3528–3589, Diners 300–305/36/38, Visa 4, Maestro 50/56–58/6x, UnionPay 62."""
    two, four = int(digits[:2]), int(digits[:4])
    return (
        2200 <= four <= 2204 or 2221 <= four <= 2720 or two in (34, 36, 37, 38)
        or 3528 <= four <= 3589 or 300 <= int(digits[:3]) <= 305 or digits[0] == "4"
        or 50 <= two <= 58 or two in (60, 62, 63, 64, 65, 67)
    )


def passport_series_ok(digits: str) -> bool:
    region, year = int(digits[:2]), int(digits[2:4])
    return region in _REGIONS and (year >= 97 or year <= 30)


def _near(text: str, start: int, end: int, kind: str) -> bool:
    return bool(_KEYWORDS[kind].search(text, max(0, start - _NEAR), end + _NEAR))


def _identifier(text: str, m: re.Match[str], digits: str, groups: list[int]) -> str | None:
    """The personal identifier these digits are, judged by check digits, shape and context."""
    n = len(digits)
    single = len(groups) == 1

    def near(kind: str) -> bool:
        return _near(text, m.start(), m.end(), kind)

    if n == 16 and near("oms"):
        return "oms" if oms_ok(digits) and (single or groups == [4, 4, 4, 4]) else None
    if (13 <= n <= 19 and card_issuer_ok(digits) and luhn_ok(digits)
            and (single or groups in _CARD_SHAPES) and not _years(m.group())):
        return "card"
    if n == 16 and single and oms_ok(digits):
        return "oms"
    if n == 12 and inn_ok(digits) and (single or near("inn")):
        return "inn"
    if n == 11 and snils_ok(digits) and (groups in _SNILS_SHAPES or (single and near("snils"))):
        return "snils"
    if n == 10 and near("inn") and inn_ok(digits) and not near("organisation"):
        return "inn"
    if n == 10 and passport_series_ok(digits) and not near("inn") and (
        groups == [2, 2, 6] or groups == [4, 6] and near("passport_number")
        or single and near("passport")
    ):
        return "passport"
    return None


def _years(raw: str) -> bool:
    """«2023-2024 2024-2025»: every group a year, not a card."""
    parts = _GROUPS.findall(raw)
    return len(parts) > 1 and all(len(p) == 4 and 1900 <= int(p) <= 2099 for p in parts)


def _phone(raw: str, digits: str, groups: list[int]) -> bool:
    n = len(digits)
    if raw.startswith("+") and digits[0] != "7":
        return 11 <= n <= 13  # a foreign number: +375 29 123-45-67
    if groups in _PASSPORT_SHAPES or groups in _SNILS_SHAPES:
        return False
    if n == 10 and len(groups) == 1 and not digits.startswith("9"):
        return False  # ten bare digits are a mobile number or something else (an INN)
    national = digits[1:] if n == 11 and digits[0] in "78" else digits if n == 10 else ""
    if n == 11:  # the groups of the national part: «8 912 …» or «8912 …»
        groups = groups[1:] if groups[0] == 1 else [groups[0] - 1, *groups[1:]]
    if groups and groups[0] not in (3, 4, 5, 10):
        return False  # a phone starts with its 3–5-digit code: «85 90 78 92 88» are marks
    # toll-free lines belong to organisations
    return national[:1] in ("3", "4", "8", "9") and not national.startswith("800")


def _classify(text: str, m: re.Match[str]) -> str | None:
    raw = m.group()
    parts = _GROUPS.findall(raw)
    groups = [len(g) for g in parts]
    if any(n < 2 for n in groups[1:]):
        return None  # «5 4 5 5 3 …» — grades, not a number
    if _near(text, m.start(), m.end(), "requisites"):
        return None
    digits = "".join(parts)
    if not raw.startswith("+") and not _near(text, m.start(), m.end(), "other_number"):
        kind = _identifier(text, m, digits, groups)
        if kind:
            return kind
    return "phone" if _phone(raw, digits, groups) else None


# Cheap tests of what each search below needs, so that ordinary talk skips them. The words are
# looked for in the case-folded text: every character the IGNORECASE patterns take for a letter
# of these words folds to that letter (tests/policies/test_fast_paths.py checks all of Unicode).
_EMAIL_WORDS = ("at", "собак")  # _EMAIL_SPELLED: «(at)», « at », «собака», «собачка», or «@»
_AT, _DOG = _EMAIL_WORDS  # tested one by one (a generator over them cost more than the tests)
_RUN_START = re.compile(r"\d[\d \t()\-–]{7}")  # how every match of _DIGIT_RUN begins


def find_personal_data(text: str) -> Found | None:
    low = text.casefold()
    if "@" in text or _AT in low or _DOG in low:
        m = _EMAIL.search(text) or _EMAIL_SPELLED.search(text)
        if m:
            return Found("email", m.group())
    if "сери" in low:
        m = _PASSPORT_NAMED.search(text)
        if m and passport_series_ok(m.group(1).replace(" ", "")):
            return Found("passport", m.group())
    if "№" in low or "no" in low:
        for m in _PASSPORT_NUMBERED.finditer(text):
            if passport_series_ok(m.group(1).replace(" ", "")) and _near(
                    text, m.start(), m.end(), "passport"):
                return Found("passport", m.group())
    if _RUN_START.search(text):
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
        notify_private=texts.PD_PRIVATE.format(
            kind=kind, risk=texts.PD_RISK.get(found.kind, texts.PD_RISK_DEFAULT)),
    )]
