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
