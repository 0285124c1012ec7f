"""Undo the usual disguises of a word before it is matched against roots.

Layers, in order: Unicode compatibility forms and invisible characters; letters split by dots,
dashes or spaces («б.л.я», «х у й»); Latin, Greek and digit look-alikes inside Cyrillic words;
transliteration of all-Latin words («blyat»); repeated letters. Every token keeps its raw fragment
so a decision can quote the evidence, and a word may yield several candidate spellings (forms)
because a look-alike is ambiguous («h» is «н» to the eye and «х» in transliteration).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MASK = "*"

# Zero-width and formatting characters, variation selectors, stray combining marks (after NFKC has
# composed «й» and «ё», what remains of U+0300..036F is decoration meant to break matching).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u0300-\u036f]"
)

# Look-alikes by shape, used inside words that already contain Cyrillic letters.
_VISUAL = str.maketrans({
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "n": "п", "o": "о",
    "p": "р", "r": "г", "t": "т", "u": "и", "x": "х", "y": "у", "i": "и",
    "α": "а", "β": "в", "ε": "е", "κ": "к", "ο": "о", "ρ": "р", "τ": "т", "υ": "у", "χ": "х",
    "ν": "v", "η": "н", "π": "п", "μ": "м", "ι": "и",
    "0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "9": "я",
    "@": "а", "$": "с", "€": "е", "#": MASK, "%": MASK,
    "ё": "е",
})
# What is left Latin after _VISUAL (letters with no Cyrillic twin) is transliterated.
_TRANSLIT_ONE = str.maketrans({
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х", "z": "з",
    "0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "9": "я",
    "@": "а", "$": "с", "€": "е", "#": MASK, "%": MASK, "ё": "е",
})
_DIGRAPHS = {
    "shch": "щ", "sch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц",
    "ya": "я", "ja": "я", "yu": "ю", "ju": "ю", "yo": "е", "jo": "е", "ye": "е", "je": "е",
}
_TRANSLIT_UNIT = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)) + "|y")
_VOWELS = set("aeiouауоыиэяюеё")

# Symbols that stand for a letter inside a word: kept in the core, mapped by the tables above.
_LETTERLIKE = set("@$€*#%")
_APOSTROPHES = set("'’`ʼ")
_RUN_ANY = re.compile(r"(.)\1+")
_RUN_LONG = re.compile(r"(.)\1{2,}")
_WORD = re.compile(r"\S+")
_NOT_CYRILLIC = re.compile(r"[^а-я*]+")


@dataclass(frozen=True)
class Token:
    raw: str  # the fragment of the original text (edge punctuation trimmed)
    forms: tuple[str, ...]  # candidate Cyrillic spellings, lowercase, «ё» as «е», may hold MASK
    latin: str | None = None  # the lowercase Latin spelling when the word had no Cyrillic at all
    whole: bool = True  # a word of the text (not a piece of one, not a run of letters)
    piece: bool = False  # one part of a dotted or dashed word («Лох» of «Лох-Несское»)


def clean(text: str) -> str:
    """NFKC, invisible characters removed. Safe for any policy that reads raw text."""
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return text


def _is_core(ch: str) -> bool:
    return ch.isalnum() or ch in _LETTERLIKE


def _translit_latin(word: str) -> str:
    def unit(m: re.Match[str]) -> str:
        s = m.group()
        if s != "y":
            return _DIGRAPHS[s]
        before = word[m.start() - 1] if m.start() else ""
        return "й" if before in _VOWELS else "ы"

    return _TRANSLIT_UNIT.sub(unit, word).translate(_TRANSLIT_ONE)


def _finish(spelling: str) -> tuple[str, ...]:
    """Drop what is not a Cyrillic letter or mask; collapse elongation two ways: runs of three or
    more (keeps real double letters such as «переебал») and every run («хууй»)."""
    core = _NOT_CYRILLIC.sub("", spelling)
    if not core:
        return ()
    long_collapsed = _RUN_LONG.sub(r"\1", core)
    all_collapsed = _RUN_ANY.sub(r"\1", core)
    if all_collapsed == long_collapsed:
        return (long_collapsed,)
    return (long_collapsed, all_collapsed)


@lru_cache(maxsize=16384)  # chat vocabulary is small and repetitive
def spellings(core: str) -> tuple[tuple[str, ...], str | None]:
    """Candidate Cyrillic spellings of one lowercase word core, and its Latin spelling if the
    word had no Cyrillic letters at all."""
    has_cyr = any("а" <= ch <= "я" or ch == "ё" for ch in core)
    has_lat = any("a" <= ch <= "z" for ch in core)
    if not has_cyr and not has_lat:
        return (), None
    if has_cyr and not has_lat:
        return _finish(core.translate(_VISUAL)), None
    core = _RUN_LONG.sub(r"\1", core)  # «blyaaat»: before digraphs are read
    variants = [core.translate(_VISUAL).translate(_TRANSLIT_ONE), _translit_latin(core)]
    if not has_cyr:
        variants.reverse()  # a Latin word is more likely transliterated than drawn
    forms: list[str] = []
    for variant in variants:
        for form in _finish(variant):
            if form not in forms:
                forms.append(form)
    return tuple(forms), (None if has_cyr else core)


def _trim(word: str) -> tuple[int, int]:
    start, end = 0, len(word)
    while start < end and not _is_core(word[start]):
        start += 1
    while end > start and not _is_core(word[end - 1]):
        end -= 1
    return start, end


def _core_of(fragment: str) -> str:
    low = fragment.lower()
    chars = []
    for i, ch in enumerate(low):
        if _is_core(ch):
            chars.append(ch)
        elif 0 < i < len(low) - 1 and ch in _APOSTROPHES:
            chars.append("ъ")  # «под'ебка», «с'ебался»
        elif 0 < i < len(low) - 1 and ch == "!":
            chars.append("и")  # «п!здец»
    return "".join(chars)


def _pieces(fragment: str) -> list[str]:
    low = fragment.lower()
    parts, current = [], []
    for ch in low:
        if _is_core(ch):
            current.append(ch)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return parts


def _token(raw: str, core: str, whole: bool = True, piece: bool = False) -> Token | None:
    forms, latin = spellings(core)
    return Token(raw, forms, latin, whole, piece) if forms else None


_SHORT = 3  # words this short may be parts of a word spelled with spaces («пи з дец»)
_MAX_SPAN = 5  # words joined at most, unless they are all single letters («п и з д е ц»)
_MAX_LETTERS = 12  # single letters joined at most


def _spaced(seq: list[tuple[str, str] | None]) -> list[Token]:
    """Words split by spaces: every stretch of two or more consecutive short words holding at
    least one single letter is joined. Real one-letter words often stand next to the spelled
    ones («ну и с у ч к а»), so every stretch is tried, not just the longest."""
    found: list[Token] = []
    i, n = 0, len(seq)
    while i < n:
        j = i
        run: list[tuple[str, str]] = []
        while j < n and (word := seq[j]) is not None and len(word[1]) <= _SHORT:
            run.append(word)
            j += 1
        # shortest stretches first, so the evidence quotes no more than the spelled word
        spans = sorted(
            (
                (a, b)
                for a in range(len(run))
                for b in range(a + 2, min(len(run), a + _MAX_LETTERS) + 1)
            ),
            key=lambda span: span[1] - span[0],
        )
        for a, b in spans:
            part = run[a:b]
            singles = sum(1 for _, core in part if len(core) == 1)
            if not singles or (b - a > _MAX_SPAN and singles < b - a):
                continue
            raw = " ".join(r for r, _ in part)
            token = _token(raw, "".join(core for _, core in part), whole=False)
            if token:
                found.append(token)
        i = max(j, i + 1)
    return found


def tokens(text: str, *, cleaned: bool = False) -> list[Token]:
    """Tokens of a text: each word (joined across inner dots and dashes), the pieces of such a
    word, and words spelled with spaces between letters («х у й»). Links are skipped."""
    result: list[Token] = []
    seq: list[tuple[str, str] | None] = []  # (raw, core) of every word; None breaks a run
    for m in _WORD.finditer(text if cleaned else clean(text)):
        word = m.group()
        plain = word.isalpha()
        if plain:  # the common case: nothing to trim, join or split
            raw, core = word, word.lower()
        elif "://" in word or word.lower().startswith("www."):
            seq.append(None)
            continue
        else:
            start, end = _trim(word)
            raw = word[start:end]
            core = _core_of(raw)
        token = _token(raw, core) if core else None
        if token is None:
            seq.append(None)
            continue
        result.append(token)
        spelled = core.isalpha() or core == MASK
        seq.append((raw, core) if spelled else None)
        if plain:
            continue
        pieces = _pieces(raw)
        if len(pieces) > 1:
            for piece in pieces:
                extra = _token(raw, piece, whole=False, piece=True) if len(piece) > 1 else None
                if extra:
                    result.append(extra)
    if any(item is not None and len(item[1]) == 1 for item in seq):
        result.extend(_spaced(seq))
    return result


def phrase_words(toks: list[Token]) -> list[str]:
    """The first normalised spelling of each whole word, for phrase matching; three or more
    single letters in a row are read as one spelled-out word («у м е р е т ь»)."""
    result: list[str] = []
    letters: list[str] = []
    for token in toks:
        if not token.whole:
            continue
        form = token.forms[0]
        if len(form) == 1:
            letters.append(form)
            continue
        result.extend(["".join(letters)] if len(letters) >= 3 else letters)
        letters = []
        result.append(form)
    result.extend(["".join(letters)] if len(letters) >= 3 else letters)
    return result


def words(text: str) -> list[str]:
    return phrase_words(tokens(text))


def allow_key(word: str) -> str:
    """The key under which a word is stored in a school's allow-list of false positives."""
    forms, _ = spellings(_core_of(clean(word).strip()))
    return forms[0] if forms else ""


def mask(fragment: str) -> str:
    """«хуй» → «х*й»: first and last letter kept, the middle hidden."""
    letters = [ch for ch in fragment if ch.isalnum()]
    if len(letters) <= 1:
        return MASK * len(letters)
    if len(letters) == 2:
        return letters[0] + MASK
    return letters[0] + MASK * (len(letters) - 2) + letters[-1]
