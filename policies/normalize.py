"""Undo the usual disguises of a word before it is matched against roots.

Layers, in order: Unicode compatibility forms and invisible characters; letters drawn with
several symbols («}|{» ж, «|/|» и, «}{» х, «III» ш, «bI» ы, «JI» л); letters split by dots,
dashes, stars or spaces («б.л.я», «х*у*й», «х у й»); Latin, Greek, digit and symbol
look-alikes inside Cyrillic words; transliteration of all-Latin words («blyat»); repeated
letters. Every token keeps its raw fragment so a decision can quote the evidence, and a word may
yield several candidate spellings (forms) because a look-alike is ambiguous («h» is «н» to the
eye and «х» in transliteration, «3» is «з» or «е»).

Cost: plain words (letters only) skip the glyph tables; a word's spellings are cached; every
step is a single pass over the word, so normalising a message is linear in its length.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from operator import methodcaller

MASK = "*"

# Zero-width and formatting characters, variation selectors, stray combining marks (after NFKC has
# composed «й» and «ё», what remains of U+0300..036F is decoration meant to break matching).
_INVISIBLE_CHARS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u0300-\u036f"
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")

# Look-alikes by shape, used inside words that already contain Cyrillic letters.
_VISUAL = str.maketrans({
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "n": "п", "o": "о",
    "p": "р", "r": "г", "t": "т", "u": "и", "x": "х", "y": "у", "i": "и",
    "α": "а", "β": "в", "ε": "е", "κ": "к", "ο": "о", "ρ": "р", "τ": "т", "υ": "у", "χ": "х",
    "ν": "v", "η": "н", "π": "п", "μ": "м", "ι": "и",
    "0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "8": "в", "9": "я", "g": "д",
    "@": "а", "$": "с", "€": "е", "#": MASK, "%": MASK,
    "ё": "е", "і": "и", "ї": "и", "ø": "о", "©": "с", "®": "р", "¥": "у", "¢": "с",
})


def _accented(table: dict[str, str]) -> dict[str, str]:
    """Accented Latin letters («ë», «á», «ü») read as their plain letter would be."""
    extra = {}
    for code in range(0xC0, 0x180):
        ch = chr(code)
        base = unicodedata.normalize("NFKD", ch)[0].lower()
        if ch.isalpha() and len(ch.lower()) == 1 and "a" <= base <= "z" and base in table:
            extra[ch.lower()] = table[base]
    return extra


_VISUAL.update(str.maketrans(_accented({chr(k): v for k, v in _VISUAL.items()
                                        if isinstance(v, str)})))
# What is left Latin after _VISUAL (letters with no Cyrillic twin) is transliterated.
_TRANSLIT_ONE = str.maketrans({
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х", "z": "з",
    "0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "8": "в", "9": "я",
    "@": "а", "$": "с", "€": "е", "#": MASK, "%": MASK, "ё": "е", "і": "и", "ї": "и",
    "ø": "о", "©": "с", "®": "р", "¥": "у", "¢": "с",
})
_TRANSLIT_ONE.update(str.maketrans(_accented({chr(k): v for k, v in _TRANSLIT_ONE.items()
                                               if isinstance(v, str)})))
# Greek letters and symbols read the same in both tables: a transliterated word must not lose them.
_TRANSLIT_ONE.update({k: v for k, v in _VISUAL.items() if k not in _TRANSLIT_ONE})
_DIGRAPHS = {
    "shch": "щ", "sch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц",
    "ya": "я", "ja": "я", "yu": "ю", "ju": "ю", "yo": "е", "jo": "е", "ye": "е", "je": "е",
}
_TRANSLIT_UNIT = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)) + "|y")
_VOWELS = set("aeiouауоыиэяюеё")

# One letter drawn with several symbols. Matched on the lowercase word, longest first, only in
# words that are not plain letters (so the table costs nothing on ordinary text).
_SYMBOL_GLYPHS = {
    "}|{": "ж", ">|<": "ж", "]|[": "ж", ")|(": "ж", "}i{": "ж", ">i<": "ж", "}l{": "ж",
    "|\\/|": "м", "/\\/\\": "м", "|v|": "м",
    "|_|_|": "ш", "|||": "ш", "ll|": "ш",
    "|/|": "и", "|\\|": "и", "/|/": "и", "i/i": "и", "|_|": "у",
    "|-|": "н", "}-{": "н", "]-[": "н",
    "}{": "х", "><": "х", ")(": "х", "][": "х",
    "|<": "к", "|{": "к", "/\\": "л", "()": "о", "[]": "о", "|3": "в", "|>": "р",
    "|-o": "ю", "|-0": "ю", "b|": "ы", "ь|": "ы", "ъ|": "ы",
}
_SYMBOL_GLYPH = re.compile("|".join(re.escape(g) for g in sorted(_SYMBOL_GLYPHS, key=len,
                                                                    reverse=True)))
_GLYPH_HINT = re.compile(r"[|}{><\])(\[/]")
# Letters drawn with Latin (or Ukrainian) letters, read only in words that mix scripts: in an
# all-Latin word «bl» is «бл» («blyat»), next to Cyrillic «bI» is «ы» («6bIдло»).
_LETTER_GLYPHS = {
    "iii": "ш", "lll": "ш", "lli": "ш", "bi": "ы", "bl": "ы", "ьi": "ы", "ъi": "ы",
    "ьl": "ы", "ьі": "ы", "bі": "ы", "ji": "л", "jl": "л", "io": "ю", "r": "я", "w": "ш",
}
# Letters a Russian typist reaches for on a Latin layout by sound, not by shape: «pохуй»,
# «nидор», «hуй»; a third reading of words that mix scripts.
_TYPED = str.maketrans({"p": "п", "n": "н", "h": "х", "u": "у", "r": "р", "b": "б", "m": "м",
                        "g": "г"})
_TRAILING_B = re.compile(r"(?<=[а-яё])b$")  # «блятb»: a final «b» is «ь»
# Digits read as another letter than _VISUAL gives them: «3» is «е» in leet.
_DIGIT_ALT = str.maketrans({"3": "е"})
_LETTER_GLYPH = re.compile("|".join(re.escape(g) for g in sorted(_LETTER_GLYPHS, key=len,
                                                                  reverse=True)))
_EDGE_PUNCTUATION = ".,!?;:«»\"'…"
_LATIN_GLYPH = re.compile("iii|lll|ji|jl")  # the glyphs read in all-Latin words too
_MASK_SEPARATED = re.compile(r"[^*](?:\*+[^*])+")  # «х*у*й»: stars between single letters

# Symbols that stand for a letter inside a word: kept in the core, mapped by the tables above.
_LETTERLIKE = set("@$€*#%")
_APOSTROPHES = set("'’`ʼ")
# «\1\1*» for «\1+»: the same runs without the regex engine's general repeat at every position
_RUN_ANY = re.compile(r"(.)\1\1*")
_RUN_LONG = re.compile(r"(.)\1\1\1*")  # three or more
# The run's letter: what the template r"\1" gives, called by the engine only where a run is (with
# a template, Pattern.sub calls back into Python to parse it on every call: 1 µs a word)
_FIRST = methodcaller("group", 1)
_NOT_CYRILLIC = re.compile(r"[^а-я*]+")


@dataclass(frozen=True)
class Token:
    raw: str  # the fragment of the original text (edge punctuation trimmed)
    forms: tuple[str, ...]  # candidate Cyrillic spellings, lowercase, «ё» as «е», may hold MASK
    latin: str | None = None  # the lowercase Latin spelling when the word had no Cyrillic at all
    whole: bool = True  # a word of the text (not a piece of one, not a run of letters)
    piece: bool = False  # one part of a dotted or dashed word («Лох» of «Лох-Несское»)

    def __post_init__(self) -> None:
        # a key of obscene's caches several times per message: hashed once (the generated hash
        # built and hashed a tuple of the fields on every lookup); not a field, so equality,
        # astuple and replace see the same token as before
        object.__setattr__(self, "_hash", hash((self.raw, self.forms, self.latin, self.whole,
                                                self.piece)))

    def __hash__(self) -> int:
        return self.__dict__["_hash"]


# Letters NFKC leaves alone that stand for others: Latin small capitals, and Cyrillic letters of
# other languages drawn like Latin ones («ѕ», «һ»), folded to what they look like.
_FOLD = str.maketrans({
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
    "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t",
    "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
    "ѕ": "с", "Ѕ": "С", "ԁ": "д", "ј": "j", "Ј": "J", "һ": "h", "Һ": "H", "ӏ": "l", "Ӏ": "I",
    "ԛ": "q", "ԝ": "w", "ү": "у", "Ү": "У", "ұ": "у", "ӧ": "о", "ӱ": "у", "ӓ": "а",
})

_FOLDED = re.compile("[" + re.escape("".join(chr(k) for k in _FOLD)) + "]")
# Either of the two: most texts have neither, and one search tells them so.
_INVISIBLE_OR_FOLDED = re.compile(
    f"[{_INVISIBLE_CHARS}" + re.escape("".join(chr(k) for k in _FOLD)) + "]"
)


def clean(text: str) -> str:
    """NFKC, invisible characters removed, look-alike letters folded. Safe for any policy that
    reads raw text."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if _INVISIBLE_OR_FOLDED.search(text):  # rare: one search instead of a sub and a search
            text = _INVISIBLE.sub("", text)
            if _FOLDED.search(text):  # a search in C is cheaper than translating every text
                text = text.translate(_FOLD)
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
    long_collapsed = _RUN_LONG.sub(_FIRST, core)
    all_collapsed = _RUN_ANY.sub(_FIRST, core)
    forms: tuple[str, ...] = (
        (long_collapsed,) if all_collapsed == long_collapsed else (long_collapsed, all_collapsed)
    )
    if MASK in core and _MASK_SEPARATED.fullmatch(long_collapsed):
        forms += (_RUN_ANY.sub(_FIRST, long_collapsed.replace(MASK, "")),)
    return forms


# A word of Russian lowercase letters only: _VISUAL maps none of them but «ё» (to «е»), and
# _finish keeps them all (tests/policies/test_unique_words.py).
_RUSSIAN = re.compile("[а-яё]+")


@lru_cache(maxsize=16384)  # chat vocabulary is small and repetitive
def spellings(core: str) -> tuple[tuple[str, ...], str | None]:
    """Candidate Cyrillic spellings of one lowercase word core, and its Latin spelling if the
    word had no Cyrillic letters at all."""
    if _RUSSIAN.fullmatch(core):  # the common case, as below: a plain Cyrillic word
        return _finish_russian(core.replace("ё", "е")), None
    return _spellings(core)


def _finish_russian(core: str) -> tuple[str, ...]:
    """_finish of a word of Russian letters without «ё»: nothing to drop, no mask."""
    all_collapsed = _RUN_ANY.sub(_FIRST, core)
    if all_collapsed == core:
        return (core,)  # most words: no run of two letters, so none of three
    long_collapsed = _RUN_LONG.sub(_FIRST, core)
    return (long_collapsed,) if all_collapsed == long_collapsed else (long_collapsed, all_collapsed)


def _spellings(core: str) -> tuple[tuple[str, ...], str | None]:
    """spellings without its shortcut for plain Russian words (tests compare the two)."""
    has_cyr = any("а" <= ch <= "я" or ch == "ё" for ch in core)
    has_lat = any("a" <= ch <= "z" for ch in core)
    if not has_cyr and not has_lat:
        if "і" in core or "ї" in core:  # Ukrainian letters standing for «и»
            return _finish(core.translate(_VISUAL)), None
        return (), None
    variants: list[str] = []
    if has_cyr and (has_lat or "і" in core):
        glyphs = _LETTER_GLYPH.sub(lambda m: _LETTER_GLYPHS[m.group()], _TRAILING_B.sub("ь", core))
        if glyphs != core:  # «IIIлюха», «6bIдло», «бJIядь»: read first, the letters after
            variants.append(glyphs.translate(_VISUAL).translate(_TRANSLIT_ONE))
    if has_cyr and "3" in core:  # «у3бок»
        variants.append(core.translate(_DIGIT_ALT).translate(_VISUAL).translate(_TRANSLIT_ONE))
    if has_cyr and not has_lat:
        if not variants:  # the common case: a plain Cyrillic word
            return _finish(core.translate(_VISUAL)), None
        return tuple(dict.fromkeys(f for v in variants + [core.translate(_VISUAL)]
                                   for f in _finish(v))), None
    core = _RUN_LONG.sub(_FIRST, core)  # «blyaaat»: before digraphs are read
    variants += [core.translate(_VISUAL).translate(_TRANSLIT_ONE), _translit_latin(core)]
    if has_cyr:
        variants.append(core.translate(_TYPED).translate(_VISUAL).translate(_TRANSLIT_ONE))
    if not has_cyr:
        variants.reverse()  # a Latin word is more likely transliterated than drawn
        # «JIox», «IIIluha»; «bl» only with digits around («6bIdlo»), never in «blyat»
        table = _LETTER_GLYPH if any(ch.isdigit() for ch in core) else _LATIN_GLYPH
        if (sub := table.sub(lambda m: _LETTER_GLYPHS[m.group()], core)) != core:
            variants.append(sub.translate(_VISUAL).translate(_TRANSLIT_ONE))
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
    if low.isalnum():  # the common case: every character is kept as it is
        return low
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


_ONE_LETTER_WORDS = frozenset("иавскуояжб")  # «ну и с у к а»: real words next to a spelled one


def _words_around(run: tuple[tuple[str, str], ...], edge: int, step: int) -> bool:
    """Whether the word next to a stretch of a spelled-out run (going `step` from `edge`) may
    stand alone: not a single letter, or a real one-letter word. A stretch next to a letter that
    is no word is the middle of a longer spelled word («о с к о р б л я т ь»)."""
    i = edge + step
    return not 0 <= i < len(run) or len(run[i][1]) > 1 or run[i][1] in _ONE_LETTER_WORDS


def _spaced(seq: list[tuple[str, str] | None]) -> list[Token]:
    """Words split by spaces: every stretch of two or more consecutive short words holding at
    least one single letter is joined. Real one-letter words often stand next to the spelled
    ones («ну и с у ч к а»), so every stretch is tried, not just the longest."""
    found: list[Token] = []
    run: list[tuple[str, str]] = []  # the current run of consecutive short words
    for word in seq:
        if word is not None and len(word[1]) <= _SHORT:
            run.append(word)
            continue
        if len(run) >= 2:  # a stretch joins two words at least
            found.extend(_stretches(tuple(run)))
        run = []
    if len(run) >= 2:
        found.extend(_stretches(tuple(run)))
    return found


@lru_cache(maxsize=2048)  # the same runs of short words come again: «или в», «и в 5 б»
def _stretches(run: tuple[tuple[str, str], ...]) -> tuple[Token, ...]:
    """The tokens of the stretches of one run of short words, (raw, core) each."""
    found: list[Token] = []
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
        if not (_words_around(run, a, -1) and _words_around(run, b - 1, 1)):
            continue  # a piece of a longer spelled word: «с т р а х у й», «х у л и г а н»
        raw = " ".join(r for r, _ in part)
        token = _token(raw, "".join(core for _, core in part), whole=False)
        if token:
            found.append(token)
    return tuple(found)


def _undraw(word: str) -> tuple[str, str, str] | None:
    """A word with letters drawn by symbols («}|{опа», «п|/|здец»): its raw fragment, its core
    and its text with the glyphs read as letters; None when no glyph is in it."""
    read = _SYMBOL_GLYPH.sub(lambda m: _SYMBOL_GLYPHS[m.group()], word.lower())
    if read == word.lower():
        return None
    start, end = _trim(read)
    if start == end:
        return None
    core = _core_of(read[start:end])
    raw = word.strip(_EDGE_PUNCTUATION) or word
    return raw, core, read[start:end]


# What one word of a text contributes: its tokens (the word and its pieces) and its (raw, core)
# entry for words spelled with spaces, None when it breaks such a run.
_Word = tuple[tuple[Token, ...], tuple[str, str] | None]
_NOTHING: _Word = ((), None)  # a link, or no letters at all


# What may give a word a letter (tests/policies/test_unique_words.py checks every character):
# a letter (or a numeric that is no decimal digit: read the long way to be safe), «!» and
# apostrophes (read as «и» and «ъ» inside a word), the symbols of the glyphs (every glyph without
# a letter has one of «|}{><][/», or is «()» or «)(»). `lower()` turns no other character into
# one of these.
_MAY_SPELL = re.compile(r"[^\W\d_]|[!'’`ʼ|}{><\][/]|\(\)|\)\(")


@lru_cache(maxsize=8192)  # words repeat a lot in chats; a word's reading depends on it alone
def _word(word: str) -> _Word:
    if not _MAY_SPELL.search(word):
        return _NOTHING  # «(1234)», «12:30», «5+», «-»: no letter could be read from it
    return _read_word(word)


def _read_word(word: str) -> _Word:
    """_word without its shortcut for words that hold no letter (tests compare the two)."""
    plain = word.isalpha()
    if plain:  # the common case: nothing to trim, join or split
        raw = read = word
        core = word.lower()
    elif "://" in word or word.lower().startswith("www."):
        return _NOTHING
    elif _GLYPH_HINT.search(word) and (drawn := _undraw(word)) is not None:
        raw, core, read = drawn
    else:
        start, end = _trim(word)
        raw = read = word[start:end]
        core = _core_of(raw)
    token = _token(raw, core) if core else None
    if token is None:
        return _NOTHING
    spelled = core.isalpha() or core == MASK
    item = (raw, core) if spelled else None
    if plain:
        return (token,), item
    found = [token]
    pieces = _pieces(read)
    if len(pieces) > 1:
        for piece in pieces:
            extra = _token(raw, piece, whole=False, piece=True) if len(piece) > 1 else None
            if extra:
                found.append(extra)
    return tuple(found), item


def tokens(text: str, *, cleaned: bool = False) -> list[Token]:
    """Tokens of a text: each word (joined across inner dots and dashes), the pieces of such a
    word, and words spelled with spaces between letters («х у й»). Links are skipped."""
    return read(text, cleaned=cleaned)[0]


def read(text: str, *, cleaned: bool = False) -> tuple[list[Token], list[str]]:
    """`tokens` of a text and their `phrase_words`, in one pass over its words: the first token
    a word yields is its whole one (tests/policies/test_normalize.py), so its first form is the
    word's phrase word."""
    result: list[Token] = []
    phrase: list[str] = []
    singles: list[str] = []  # a run of one-letter phrase words, as in phrase_words
    seq: list[tuple[str, str] | None] = []  # (raw, core) of every word; None breaks a run
    letters = False  # a one-letter word: maybe a word spelled with spaces
    # str.split() splits where r"\S+" did (tests/policies/test_fast_paths.py)
    for word in (text if cleaned else clean(text)).split():
        found, item = _word(word)
        if found:
            result.extend(found)
            form = found[0].forms[0]
            if len(form) == 1:
                singles.append(form)
            else:
                if singles:
                    phrase.extend(["".join(singles)] if len(singles) >= 3 else singles)
                    singles = []
                phrase.append(form)
        seq.append(item)
        if item is not None and len(item[1]) == 1:
            letters = True
    if singles:
        phrase.extend(["".join(singles)] if len(singles) >= 3 else singles)
    if letters:
        result.extend(_spaced(seq))  # none of them whole
    return result, phrase


def clear_caches() -> None:
    """Forget every word read so far (for benchmarks of first-seen words)."""
    _word.cache_clear()
    _stretches.cache_clear()
    spellings.cache_clear()


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
    word = clean(word).strip()
    drawn = _undraw(word) if _GLYPH_HINT.search(word) else None
    forms, _ = spellings(drawn[1] if drawn else _core_of(word))
    return forms[0] if forms else ""


def mask(fragment: str) -> str:
    """«хуй» → «х*й»: first and last letter kept, the middle hidden."""
    letters = [ch for ch in fragment if ch.isalnum()]
    if len(letters) <= 1:
        return MASK * len(letters)
    if len(letters) == 2:
        return letters[0] + MASK
    return letters[0] + MASK * (len(letters) - 2) + letters[-1]
