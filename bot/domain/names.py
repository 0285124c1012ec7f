"""Person names: a key to match on, a tidy form to show, and splitting «Фамилия Имя Отчество»."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘`ʼ´", "'"))

# Latin letters that render like Cyrillic ones. Only words that already contain Cyrillic are
# fixed, so a genuinely Latin name («John») is left alone.
_LOOKALIKES = str.maketrans("ABCEHKMOPTXYaceopxyk", "АВСЕНКМОРТХУасеорхук")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")

_HYPHEN_SPACING = re.compile(r"\s*-\s*")
_MANY_HYPHENS = re.compile(r"-{2,}")
_NOT_NAME_CHAR = re.compile(r"[^\w\s'-]|_")
_EDGE_PUNCT = " \t,;:!?\"«»“”„()[]{}<>/\\|-'"

# Parts of Turkic and European names that stay lowercase inside a full name.
_PARTICLES = frozenset({"оглы", "кызы", "улы", "уулу", "угли", "ибн", "бин", "фон", "ван", "дер", "де", "ди", "да", "ла"})


def _tidy(s: str | None, form: Literal["NFC", "NFKC"]) -> str:
    text = unicodedata.normalize(form, s or "").translate(_ZERO_WIDTH)
    text = text.translate(_DASHES).translate(_APOSTROPHES)
    text = " ".join(text.split())
    text = _HYPHEN_SPACING.sub("-", text)
    return _MANY_HYPHENS.sub("-", text)


def _fix_lookalikes(text: str) -> str:
    return " ".join(w.translate(_LOOKALIKES) if _CYRILLIC.search(w) else w for w in text.split(" "))


def has_control_chars(s: str | None) -> bool:
    """A control character (NUL, ESC, C1...) or a lone surrogate: nothing a name may hold, and
    what breaks exports later (openpyxl refuses such a cell). Whitespace controls (tab, line
    breaks) are not counted: the tidy forms turn them into spaces."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") and not ch.isspace() for ch in s or "")


def normalize_name(s: str | None) -> str:
    """The matching key: «Пётр  ИВАНОВ-Петров.» and «петр иванов - петров» give the same key."""
    text = _fix_lookalikes(_tidy(s, "NFKC"))
    text = text.casefold().replace("ё", "е")
    text = _NOT_NAME_CHAR.sub(" ", text)
    text = _HYPHEN_SPACING.sub("-", " ".join(text.split()))
    words = (w.strip("-'") for w in _MANY_HYPHENS.sub("-", text).split(" "))
    return " ".join(w for w in words if w)


def _capitalise(word: str) -> str:
    # Upper-case the first letter of the word and of every part after a hyphen or a dot
    # («петрова-водкина» → «Петрова-Водкина», «и.и.» → «И.И.»); lower-case the rest.
    out: list[str] = []
    upper_next = True
    for ch in word:
        if ch.isalpha():
            out.append(ch.upper() if upper_next else ch.lower())
            upper_next = False
        else:
            out.append(ch)
            upper_next = ch in "-."
    return "".join(out)


def clean_display_name(s: str | None) -> str:
    """The form to show and store: trimmed, single spaces, «Петрова-Водкина», «Гасан оглы».

    Capitalisation is always redone, so «ИВАНОВ иван» becomes «Иванов Иван» (and a rare inner
    capital such as «МакДональд» is lost); Latin look-alikes inside Cyrillic words are fixed.
    """
    text = _fix_lookalikes(_tidy(s, "NFC")).strip(_EDGE_PUNCT)
    words = []
    for i, word in enumerate(text.split(" ")):
        low = word.lower()
        words.append(low if i > 0 and low in _PARTICLES else _capitalise(word))
    return " ".join(w for w in words if w)


def split_fio(s: str | None) -> tuple[str, str, str | None]:
    """«Иванов Пётр Сергеевич» → (last, first, middle); the middle part may have several words.

    Missing parts are empty strings (first) or None (middle); nothing is guessed about order.
    """
    words = clean_display_name(s).split(" ")
    words = [w for w in words if w]
    if not words:
        return "", "", None
    if len(words) == 1:
        return words[0], "", None
    middle = " ".join(words[2:]) or None
    return words[0], words[1], middle


# -- grammatical gender -------------------------------------------------------------------------
# Texts about a person agree with their gender («допущена», «Попросите её»). The patronymic decides
# («-вна», «кызы» / «-вич», «оглы»); without one, first names and surname endings («-ова», «-ская» /
# «-ов», «-ский») do, the strongest evidence first; conflicting or no evidence gives None, and the
# text uses a neutral wording.

Gender = Literal["f", "m"]

_PATRONYMIC_F = ("вна", "чна", "кызы", "гызы", "қызы")
_PATRONYMIC_M = ("вич", "ьич", "ич", "оглы", "улы", "уулу", "угли")
_SURNAME_F = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая", "яя")
_SURNAME_M = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ской", "цкой", "ый", "ий", "ой")
_FIRST_F = frozenset((
    "анна мария дарья алиса полина анастасия екатерина виктория софья софия варвара ксения вероника "
    "александра арина василиса ева милана ульяна таисия елизавета злата валерия диана кира алена "
    "елена ольга наталья наталия татьяна ирина светлана юлия марина людмила галина надежда евгения "
    "кристина вера оксана любовь нина лидия зинаида тамара валентина раиса маргарита лариса инна "
    "жанна эльвира алина карина ангелина яна эвелина майя лилия регина камила амина айгуль гульнара "
    "нинель эсфирь рахиль ассоль дина лейла асель"
).split())
_FIRST_M = frozenset((
    "александр максим иван артем дмитрий никита михаил даниил егор андрей илья алексей кирилл матвей "
    "роман сергей владимир тимофей ярослав федор марк лев глеб степан павел николай денис арсений "
    "богдан макар тимур виктор константин антон игорь олег юрий евгений вадим петр григорий "
    "станислав василий владислав вячеслав геннадий анатолий борис леонид аркадий эдуард руслан "
    "рустам ринат айдар ильдар марат фома лука савва кузьма данила гаврила миша гриша паша ваня "
    "петя коля вова дима сережа алеша леша федя костя митя юра толя гоша"
).split())
_FIRST_EITHER = frozenset("саша женя валя шура слава сева ася".split())


def _word_gender(word: str) -> tuple[int, Gender] | None:
    """(strength, gender) of one name word: 3 a known first name or a surname suffix, 2 a first
    name's «-а/-я», 1 a bare consonant (mostly men's first names)."""
    if word in _FIRST_EITHER or word.endswith(("ых", "их", "ко")):  # «Черных», «Шевченко»: either
        return None
    if word in _FIRST_F:
        return 3, "f"
    if word in _FIRST_M:
        return 3, "m"
    if len(word) > 3 and word.endswith(_SURNAME_F):
        return 3, "f"
    if len(word) > 3 and word.endswith(_SURNAME_M):
        return 3, "m"
    if word.endswith(("а", "я")):
        return 2, "f"
    if word[-1:].isalpha() and word[-1] not in "аеёиоуыэюяьй":
        return 1, "m"
    return None


def gender_of(full_name: str | None) -> Gender | None:
    """«Иванова Мария Петровна», «Вера Петрова», «Шевчук Иван» → "f" / "f" / "m"; None if unsure."""
    words = [w for w in normalize_name(full_name).split(" ") if w]
    for word in reversed(words[2:]):  # the patronymic, or «Рашид кызы»
        if word.endswith(_PATRONYMIC_F):
            return "f"
        if word.endswith(_PATRONYMIC_M):
            return "m"
    if not words:
        return None
    if len(words) == 1:  # a lone word is a first name or a surname: only the sure cases
        found = _word_gender(words[0])
        return found[1] if found and found[0] == 3 else None
    votes = [v for v in (_word_gender(w) for w in words[:2]) if v is not None]
    if not votes:
        return None
    top = max(strength for strength, _ in votes)
    if top == 1 and len(votes) < 2:  # one bare consonant («Саша Ким») is not enough
        return None
    genders = {g for strength, g in votes if strength == top}
    return genders.pop() if len(genders) == 1 else None
