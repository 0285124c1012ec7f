"""The shortcuts for what every chat message brings that no cache has seen (a number, a name, a
new word: bench/policies_bench.py --in-situ) change no verdict.

Each one is compared with the computation it replaces: on the labelled corpus, ordinary chat
talk, generated texts and, where the argument rests on single characters, all of Unicode.
"""
from __future__ import annotations

import itertools
import random
import re
import sys
import unicodedata
from dataclasses import FrozenInstanceError, astuple, fields, replace
from datetime import datetime, timedelta, timezone

import pytest

from policies import activity, caps, normalize, obscene, wellbeing
from policies.base import _REPEATS, AuthorHistory, AuthorInfo, Entry, MessageInput, fingerprint
from policies.context import Context
from policies.obscene_lexicon import MASK_TARGETS
from policies.normalize import _MAY_SPELL, _NOTHING, _SYMBOL_GLYPHS, Token, _read_word, clean
from policies.settings import FloodSettings, RepeatSettings, StickerSettings
from tests.policies.test_fast_paths import all_texts

# Characters of numbers, dates, times, sums and the symbols that draw letters.
_SYMBOLS = "0123456789()[]{}<>|/\\!?.,:;-+=*#%@$€'’`_\"«»№ "


def _words() -> list[str]:
    rng = random.Random(11)
    found = {word for text in all_texts() for word in clean(text).split()}
    found |= {"".join(p) for n in (1, 2, 3) for p in itertools.product("(1)|3/!'-", repeat=n)}
    found |= {"".join(rng.choice(_SYMBOLS) for _ in range(rng.randint(1, 12))).strip() or "-"
              for _ in range(20000)}
    found |= {f"({n})" for n in range(0, 20000, 7)} | {f"{n}." for n in range(300)}
    return sorted(found)


def test_a_word_without_a_letter_reads_as_nothing():
    """_word's shortcut (no letter could be read from the word) gives what reading it gives."""
    taken = 0
    for word in _words():
        if not _MAY_SPELL.search(word):
            taken += 1
        assert normalize._word.__wrapped__(word) == _read_word(word), word
    assert taken > 5000  # «(1234)», «12:30», «5+» ...


def test_no_character_the_shortcut_passes_can_become_a_letter():
    """What the shortcut's argument rests on, for every character: one it lets through is no
    letter, lower-cases into none and into nothing it would stop, and reads as nothing alone."""
    for point in range(sys.maxunicode + 1):
        ch = chr(point)
        if _MAY_SPELL.search(ch):
            continue
        low = ch.lower()
        assert not any(c.isalpha() for c in low) and not _MAY_SPELL.search(low), hex(point)
        assert ch.isspace() or _read_word(ch) == _NOTHING, hex(point)


def test_every_glyph_without_a_letter_is_stopped_by_the_shortcut():
    for glyph in _SYMBOL_GLYPHS:
        assert _MAY_SPELL.search(glyph), glyph  # «()», «|3», «}{»: read as letters


def test_a_token_hashes_as_its_fields_did():
    """Token keeps its hash from its creation; equality and astuple see the same fields."""
    assert [f.name for f in fields(Token)] == ["raw", "forms", "latin", "whole", "piece"]
    seen = 0
    for text in all_texts():
        for token in normalize.tokens(text):
            assert hash(token) == hash(astuple(token))
            twin = replace(token)
            assert twin == token and hash(twin) == hash(token) and astuple(twin) == astuple(token)
            seen += 1
    assert seen > 10000
    token = Token(raw="Лох", forms=("лох",), piece=True)
    assert astuple(token) == ("Лох", ("лох",), None, True, True)
    assert replace(token, whole=False) == Token("Лох", ("лох",), None, False, True)
    with pytest.raises(FrozenInstanceError):
        token.raw = "лох"  # type: ignore[misc]


def _clean_reference(text: str) -> str:
    if not text.isascii():
        text = normalize._INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
        text = text.translate(normalize._FOLD)
    return text


def test_clean_is_the_same_with_one_search():
    rng = random.Random(12)
    odd = [chr(p) for p in range(0x300, 0x370)] + list("\u00ad\u200b\u200d\u2060\ufeff\ufe0f")
    odd += [chr(k) for k in normalize._FOLD]
    texts = all_texts()
    texts += ["".join(rng.choice([*odd, "а", "б", "a", " ", "й", "ё"]) for _ in range(10))
              for _ in range(5000)]
    texts += [chr(p) for p in range(0x2000, 0x3000)] + [chr(p) for p in range(0xFE00, 0x10000)]
    for text in texts:
        assert clean(text) == _clean_reference(text), ascii(text)


@pytest.mark.parametrize("fast, slow", [
    (_REPEATS, re.compile(r"(.)\1+")),
    (normalize._RUN_ANY, re.compile(r"(.)\1+")),
    (normalize._RUN_LONG, re.compile(r"(.)\1{2,}")),
])
def test_runs_are_found_as_before(fast, slow):
    rng = random.Random(13)
    texts = all_texts() + ["".join(rng.choice("ааабб\nx*") for _ in range(rng.randint(0, 12)))
                           for _ in range(20000)]
    for text in texts:
        assert ([m.span() for m in fast.finditer(text)]
                == [m.span() for m in slow.finditer(text)]), text
        assert fast.sub(r"\1", text) == slow.sub(r"\1", text)


def _flood_reference(ctx: Context, settings: FloodSettings) -> bool:
    return len(ctx.history.within(ctx.now_ts, settings.window_s)) + 1 > settings.max_messages


def _repeats_reference(ctx: Context, settings: RepeatSettings) -> bool:
    earlier = ctx.history.within(ctx.now_ts, settings.window_s)
    if len(earlier) + 1 <= settings.max_repeats:
        return False
    if sum(map(str.isalnum, ctx.text)) < max(settings.min_length, 1):
        return False
    key = fingerprint(ctx.text)
    return sum(1 for e in earlier if e.fingerprint == key) + 1 > settings.max_repeats


def _stickers_reference(ctx: Context, settings: StickerSettings) -> bool:
    current = ctx.msg.stickers
    if not current:
        return False
    earlier = sum(e.stickers for e in ctx.history.within(ctx.now_ts, settings.window_s))
    return earlier + current > settings.max_stickers


def test_history_shortcuts_change_nothing():
    """Flood and repeats skip a history shorter than their limit, repeats asks the fingerprint
    before counting letters, stickers skip a message without attachments."""
    rng = random.Random(14)
    texts = ["ну", "привет всем", "Привеет, всем!", "ок", "+", "!!", "домашка?", "ДОМАШКА", ""]
    start = datetime(2024, 10, 16, 12, tzinfo=timezone.utc)
    fired = {"flood": 0, "repeats": 0, "stickers": 0}
    for limit in (1, 2, 3, 5):
        flood = FloodSettings(max_messages=max(limit, 2), window_s=10)
        repeats = RepeatSettings(max_repeats=limit, window_s=60, min_length=rng.choice((0, 3)))
        stickers = StickerSettings(max_stickers=limit, window_s=30)
        history = AuthorHistory()
        at = start
        for _ in range(3000):
            at += timedelta(seconds=rng.choice((0.2, 1, 2, 5, 30, 70)))
            kinds = rng.choice(((), (), ("photo",), ("sticker",), ("sticker", "graffiti")))
            msg = MessageInput(rng.choice(texts), at, AuthorInfo(7, "member"), "students_class",
                               attachments=kinds)
            ctx = Context(msg, history)
            for name, check, reference, settings in (
                    ("flood", activity.check_flood, _flood_reference, flood),
                    ("repeats", activity.check_repeats, _repeats_reference, repeats),
                    ("stickers", activity.check_stickers, _stickers_reference, stickers)):
                expected = reference(ctx, settings)
                assert bool(check(ctx, settings)) == expected, (name, limit, msg.text)
                fired[name] += expected
            history.record(msg)
            if rng.random() < 0.05:  # an entry recorded by the bot from an earlier life
                history.recent.insert(0, Entry(at.timestamp() - 400, "", 0))
    assert all(n > 100 for n in fired.values()), fired


def test_plain_russian_words_are_spelled_as_before():
    """spellings' shortcut for a word of Russian lowercase letters gives what reading it gives."""
    for ch in "абвгдежзийклмнопрстуфхцчшщъыьэюя":
        assert ord(ch) not in normalize._VISUAL, ch
    assert normalize._VISUAL[ord("ё")] == "е"
    rng = random.Random(15)
    letters = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    words = {w for text in all_texts() for w in normalize.words(text)}
    words |= {"".join(rng.choice(letters) for _ in range(rng.randint(1, 12))) for _ in range(20000)}
    words |= {"".join(rng.choice("аоёе") * rng.randint(1, 4) for _ in range(4)) for _ in range(3000)}
    words |= {"ёёё", "е", "ё", "аааа", "ссука", "переебал", "хуууй"}
    taken = 0
    for word in words:
        taken += bool(normalize._RUSSIAN.fullmatch(word))
        assert normalize.spellings.__wrapped__(word) == normalize._spellings(word), word
    assert taken > 20000


def _root_of_reference(matcher, form: str, *, at_start: bool = False):
    """_Matcher.root_of without the ungrouped pre-check."""
    inner = matcher.anywhere.match(form) if at_start else matcher.anywhere.search(form)
    found = [m for m in (matcher.head.match(form), inner) if m]
    if not found:
        return None
    return min((matcher.roots[obscene._root_index(m)] for m in found), key=lambda r: r.tier)


def test_roots_are_found_as_before():
    rng = random.Random(16)
    letters = "абвгдеежзийклмнопрстуфхцчшщъыьэюя*"
    forms = {form for text in all_texts() for token in normalize.tokens(text)
             for form in token.forms}
    forms |= set(MASK_TARGETS) | {"хуй", "нахуй", "пиздец", "блядь", "ебать", "сука", ""}
    forms |= {"".join(rng.choice(letters) for _ in range(rng.randint(1, 10)))
              for _ in range(20000)}
    # pieces of real matches with letters around them
    targets = sorted(MASK_TARGETS)
    forms |= {rng.choice(["", "на", "по", "за", "и"]) + rng.choice(targets)[rng.randint(0, 2):]
              + rng.choice(["", "а", "ть", "ый"]) for _ in range(5000)}
    fired = 0
    for matcher in (obscene._ALL, obscene._LATIN):
        for form in forms:
            for at_start in (False, True):
                expected = _root_of_reference(matcher, form, at_start=at_start)
                assert matcher.root_of(form, at_start=at_start) == expected, (form, at_start)
                fired += expected is not None
    assert fired > 1000


def test_a_root_with_its_look_behind_after_the_letters_matches_where_it_did():
    """«дроч(?<!гидроч)» is «(?<!ги)дроч» with the look-behind moved behind the letters."""
    (pattern,) = [root.pattern for root in obscene.ROOTS if root.name == "дрочить"]
    rng = random.Random(19)
    forms = ["дроч", "гидроч", "гидроочистка", "идроч", "гдроч", "игидроч", "дрочгидроч",
             "гидрочдроч", "ги", "др"]
    forms += ["".join(rng.choice(["ги", "дроч", "д", "и", "г", "роч", "о"])
                      for _ in range(rng.randint(0, 6))) for _ in range(20000)]
    new, old = re.compile(pattern), re.compile(r"(?<!ги)дроч")
    found = 0
    for form in forms:
        assert [m.span() for m in new.finditer(form)] == [m.span() for m in old.finditer(form)]
        found += bool(old.search(form))
    assert found > 100, found


def _may_start_reference(word: str, following: str) -> bool:
    line = f"{word} {following}"
    return any(line[i:i + wellbeing._N] in wellbeing._BEGINNINGS for i in range(len(word))
               if i == 0 or not wellbeing._WORD_CHAR.match(word[i - 1]))


def test_a_word_of_letters_may_start_a_signal_at_its_start_only():
    for point in range(sys.maxunicode + 1):  # what the shortcut rests on
        ch = chr(point)
        if ch.isalnum():
            assert wellbeing._WORD_CHAR.match(ch), hex(point)
    rng = random.Random(17)
    lines = [normalize.words(text) for text in all_texts()]
    vocabulary = sorted({word for words in lines for word in words} | set(wellbeing._STARTS)
                        | {"", "х*", "*убей", "б*я*хочу", "умереть", "себя", "ты", "тебя"})
    pairs = [(w, n) for words in lines for w, n in zip(words, [*words[1:], ""])]
    pairs += [(rng.choice(vocabulary), rng.choice(vocabulary)) for _ in range(20000)]
    pairs += [(rng.choice(["", "х*", "*", "9"]) + start[:rng.randint(0, len(start))],
               rng.choice(vocabulary)) for start in sorted(wellbeing._STARTS) for _ in range(3)]
    hits = 0
    for word, following in pairs:
        expected = _may_start_reference(word, following)
        assert wellbeing._may_start.__wrapped__(word, following) == expected, (word, following)
        hits += expected
    assert hits > 1000, hits


def test_words_read_at_once_are_what_reading_them_gives():
    now = datetime(2024, 10, 16, 12, tzinfo=timezone.utc)
    for text in all_texts():
        msg = MessageInput(text, now, AuthorInfo(7, "member"), "students_class")
        lazy, eager = Context(msg, AuthorHistory()), Context(msg, AuthorHistory())
        eager.read_words()
        assert (eager.text, eager.tokens, eager.words) == (lazy.text, lazy.tokens, lazy.words)


def _is_shouting_reference(text: str, min_letters: int, ratio: float) -> bool:
    letters = sum(map(str.isalpha, text))
    if letters < min_letters:
        return False
    return sum(map(str.isupper, text)) / letters >= ratio


def test_a_capital_first_only_is_no_shouting():
    rng = random.Random(18)
    texts = all_texts() + new_words_texts()
    texts += ["Aⅰ", "Ǆa", "ǅa", "Aa", "AB", "A", "Ⅰⅰ", "Aͅ", "ßa", "ПРИВЕТ", "Пр", "П р"]
    texts += ["".join(rng.choice("AaбБ ⅰǅ1.") for _ in range(rng.randint(1, 6)))
              for _ in range(20000)]
    shouting = 0
    for text in texts:
        for min_letters, ratio in ((15, 0.7), (2, 0.51), (2, 0.5), (1, 0.7), (3, 1.0), (1, 0.0)):
            expected = _is_shouting_reference(text, min_letters, ratio)
            assert caps.is_shouting(text, min_letters, ratio) == expected, (text, min_letters)
            shouting += expected
    assert shouting > 1000


def test_a_few_capitals_are_no_shouting():
    """is_shouting skips counting the letters when there are too few capitals to be more than
    half of enough letters: every count of capitals and small letters at the edge of it."""
    texts = [f"{'Б' * upper}{'а' * lower}{tail}" for upper in range(12) for lower in range(12)
             for tail in ("", " 5", "Ⅰ", "ⅰ", "Ǆ")]
    shouting = 0
    for text in texts:
        for min_letters in range(1, 22):
            for ratio in (0.5, 0.5000001, 0.51, 2 / 3, 0.7, 0.75, 0.9, 1.0):
                expected = _is_shouting_reference(text, min_letters, ratio)
                assert caps.is_shouting(text, min_letters, ratio) == expected, (text, min_letters,
                                                                                 ratio)
                shouting += expected
    assert shouting > 1000, shouting


def new_words_texts() -> list[str]:
    """Ordinary talk begun with a capital, with a name in it."""
    return [f"{text[0].upper()}{text[1:]}, Ралошеку{i}" for i, text in
            enumerate(f"{t} ({n})" for n in range(30) for t in
                      ("завтра физра на улице?", "скиньте расписание пж", "я опоздаю"))]
