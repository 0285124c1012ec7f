"""The shortcuts the policies take on every chat message (issue 10) change no verdict.

Each shortcut is compared with the plain computation it replaces, on the labelled corpus, on
ordinary chat talk and on generated texts.
"""
from __future__ import annotations

import hashlib
import random
import re
import sys
from dataclasses import astuple, replace
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from policies import (activity, links, normalize, obscene, personal_data, pipeline, quiet_hours,
                      wellbeing)
from policies.base import (Action, AuthorHistory, AuthorInfo, MessageInput, Mode, fingerprint)
from policies.caps import is_shouting
from policies.context import Context
from policies.normalize import clean
from policies.pipeline import evaluate
from policies.quiet_hours import period_start
from policies.settings import (CHAT_TYPES, ModerationSettings, QuietHoursSettings,
                               RepeatSettings, apply_overrides, default_settings)

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "moderation.tsv"
ORDINARY = ("кто сделал домашку по алгебре", "завтра физра на улице?", "скиньте расписание пж",
            "я опоздаю на первый урок", "а контрольная в четверг или в пятницу", "спасибо, разобрался")


def corpus_texts() -> list[str]:
    return [line.split("\t")[1] for line in CORPUS.read_text(encoding="utf-8").splitlines()[1:]]


def generated_texts(count: int, seed: int = 10) -> list[str]:
    """Corpus words shuffled into new messages, and runs of letters, digits and symbols."""
    rng = random.Random(seed)
    words = [w for text in corpus_texts() for w in text.split()]
    symbols = ("абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcdehkmoptxyz0123456789 "
               ".-*|}{()@!'/:_№+")
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(count)]
    texts += ["".join(rng.choice(symbols) for _ in range(rng.randint(1, 30))) for _ in range(count)]
    return texts


def all_texts() -> list[str]:
    ordinary = [f"{ORDINARY[i % len(ORDINARY)]} ({i})" for i in range(60)]
    return corpus_texts() + ordinary + generated_texts(1500)


def test_str_split_splits_where_the_word_pattern_did():
    """normalize.tokens splits with str.split(); it used re.finditer(r"\\S+")."""
    space = re.compile(r"\s")
    for point in range(sys.maxunicode + 1):
        ch = chr(point)
        assert bool(space.match(ch)) == ch.isspace(), hex(point)


def test_a_word_reads_the_same_from_the_cache():
    texts = all_texts()
    normalize.clear_caches()
    obscene._candidates.cache_clear()
    cold = [[astuple(t) for t in normalize.tokens(text)] for text in texts]
    cold_obscene = [obscene.find_obscene(text) for text in texts]
    assert normalize._word.cache_info().hits > 0  # words repeat: the second reading is cached
    assert [[astuple(t) for t in normalize.tokens(text)] for text in texts] == cold
    assert [obscene.find_obscene(text) for text in texts] == cold_obscene


def _spaced_reference(seq: list[tuple[str, str] | None]) -> list[normalize.Token]:
    """normalize._spaced as it was: a run gathered again from every start it did not reach."""
    found: list[normalize.Token] = []
    i, n = 0, len(seq)
    while i < n:
        j = i
        run: list[tuple[str, str]] = []
        while j < n and (word := seq[j]) is not None and len(word[1]) <= normalize._SHORT:
            run.append(word)
            j += 1
        if len(run) >= 2:
            found.extend(normalize._stretches(tuple(run)))
        i = max(j, i + 1)
    return found


def test_read_finds_the_tokens_and_phrase_words_in_one_pass():
    spaced = 0
    for text in all_texts() + ["ну и с у ч к а", "у м е р е т ь", "а б в г", "х у й ну и в"]:
        seq = [normalize._word(word)[1] for word in clean(text).split()]
        assert normalize._spaced(seq) == _spaced_reference(seq), text
        spaced += bool(_spaced_reference(seq))
        toks, phrase = normalize.read(text)
        assert toks == normalize.tokens(text), text
        assert phrase == normalize.phrase_words(toks), text
        for word in clean(text).split():  # read takes a word's first token for its whole one
            assert [t.whole for t in normalize._word(word)[0]][:1] in ([], [True]), word
            assert not any(t.whole for t in normalize._word(word)[0][1:]), word
    assert spaced > 50  # the texts spell words with spaces often enough to compare


def test_a_token_without_a_possible_root_has_no_candidates():
    """find_obscene skips the tokens _may_name_root rules out: none of them has a candidate."""
    skipped = candidates = 0
    for text in all_texts() + [f"х{'у' * n}й" for n in range(1, 4)]:
        for token in normalize.tokens(text):
            found = obscene._candidates(token)
            candidates += bool(found)
            if token.latin is None and not obscene._may_name_root(token.forms):
                assert found == (), token
                skipped += 1
    assert skipped > 1000 and candidates > 100  # both kinds of token were seen


def _period_start_reference(now: datetime, settings: QuietHoursSettings) -> datetime | None:
    """period_start as it was before its periods were cached: everything from scratch."""
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    spans = sorted(
        span
        for offset in range(-4, 2)
        for span in quiet_hours._intervals(local.date() + timedelta(days=offset), settings, zone)
    )
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return next((start for start, end in merged if start <= local < end), None)


@pytest.mark.parametrize("settings", [
    QuietHoursSettings(),
    QuietHoursSettings(start=time(19), end=time(8), weekends=True),
    QuietHoursSettings(start=time(13), end=time(14), timezone="Asia/Vladivostok"),
    QuietHoursSettings(start=time(23, 30), end=time(0, 15), weekends=True,
                       timezone="America/New_York"),  # DST changes on 10 March and 3 November
])
def test_cached_quiet_periods_give_the_same_start(settings):
    for first in (datetime(2024, 3, 4, tzinfo=timezone.utc),
                  datetime(2024, 10, 28, tzinfo=timezone.utc)):
        for step in range(0, 14 * 24 * 60, 7):  # two weeks, every 7 minutes
            now = first + timedelta(minutes=step)
            assert period_start(now, settings) == _period_start_reference(now, settings), now
    assert quiet_hours._periods.cache_info().hits > 0


def test_quiet_periods_are_cached_per_day_and_settings():
    quiet_hours._periods.cache_clear()
    settings = QuietHoursSettings()
    for minute in range(0, 60 * 12, 5):
        period_start(datetime(2024, 10, 16, 9, tzinfo=timezone.utc) + timedelta(minutes=minute),
                     settings)
    # 09:00–21:00 UTC is 12:00–00:00 in Moscow: one local day
    assert quiet_hours._periods.cache_info().misses == 1


# -- the pipeline and the cheap checks ---------------------------------------------------------

def _evaluate_reference(msg, settings, history, **kwargs) -> list:
    """pipeline.evaluate as it was before its plans were cached: every policy looked up."""
    ctx = Context(msg, history, **kwargs)
    staff = msg.author.is_chat_staff
    decisions = []
    for policy_id, check in pipeline.CHECKS.items():
        policy = settings.policies.get(policy_id)
        if policy is None or policy.mode is Mode.OFF:
            continue
        if staff and policy_id not in pipeline.STAFF_CHECKS:
            continue
        found = check(ctx, policy)
        if policy.mode is Mode.SHADOW:
            found = [replace(d, shadow=True) for d in found]
        decisions.extend(found)
    if staff:
        decisions = [d for d in decisions if d.action is Action.PRIVATE_ALERT]
    decisions.sort(key=pipeline._order)
    return decisions


def _settings() -> list[ModerationSettings]:
    presets = [default_settings(chat_type) for chat_type in CHAT_TYPES]
    shadow = apply_overrides(default_settings("students_class"),
                             {"мат": "тихо", "ссылки": "тихо", "повторы": "тихо",
                              "repeats.max_repeats": "1", "caps.min_letters": "3"})
    night = apply_overrides(default_settings("parents_class"), {"quiet_hours": "00:00-23:59"})
    return [*presets, shadow, night]


def test_cached_plans_give_the_same_decisions():
    texts = all_texts()[:800]
    start = datetime(2024, 10, 18, 18, 30, tzinfo=ZoneInfo("Europe/Moscow"))
    for settings in _settings():
        for author in (AuthorInfo(7, "member"), AuthorInfo(8, "staff", is_chat_staff=True),
                       AuthorInfo(9, "outsider")):
            history = AuthorHistory()
            for i, text in enumerate(texts):
                now = start + timedelta(seconds=20 * i)
                msg = MessageInput(text=text, now=now, author=author, chat_type="students_class",
                                   attachments=("sticker",) * (i % 3))
                kwargs = dict(allowlist=frozenset({"лох"}) if i % 4 else frozenset(),
                              school_domains=frozenset({"school1.ru"}),
                              quiet_notice_given=bool(i % 2))
                assert (evaluate(msg, settings, history, **kwargs)
                        == _evaluate_reference(msg, settings, history, **kwargs)), text
                # repeats and floods too: the same text again now and then
                history.record(msg if i % 3 else replace(msg, text=texts[i - 1]))
    # another settings object with other modes gets its own plan
    on = default_settings("students_class")
    off = apply_overrides(on, {"мат": "выкл"})
    msg = MessageInput("ты дебил", start.replace(hour=12), AuthorInfo(7, "member"), "students_class")
    assert [d.policy for d in evaluate(msg, on, AuthorHistory())] == ["obscene"]
    assert evaluate(msg, off, AuthorHistory()) == []


def _is_shouting_reference(text: str, min_letters: int, ratio: float) -> bool:
    letters = sum(map(str.isalpha, text))
    if letters < min_letters:
        return False
    return sum(map(str.isupper, text)) / letters >= ratio


def test_caps_shortcut_changes_nothing():
    texts = all_texts() + ["ПРИВЕТ ВСЕМ КАК ДЕЛА", "Ǆ ǅ ǆ", "ᲂᲃ ᾈ ß", "ͅ", "ⅰⅱⅲ", "Ⅰ Ⅱ"]
    for text in texts:
        for min_letters, ratio in ((15, 0.7), (1, 0.5), (1, 0.0), (3, 1.0)):
            assert (is_shouting(clean(text), min_letters, ratio)
                    == _is_shouting_reference(clean(text), min_letters, ratio)), text


def test_link_shortcut_changes_nothing():
    texts = all_texts() + ["tg://join?invite=abc", "http://localhost", "https://x", "t.me/+abc"]
    for text in texts:
        expected = [links._parse(m.group()) for m in links._URL.finditer(clean(text))]
        assert links.find_links(clean(text)) == expected, text
    assert links.find_links("tg://join?invite=abc")


def _fingerprint_reference(text: str) -> str:
    core = re.sub(r"(.)\1+", r"\1", re.sub(r"[\W_]+", "", text.casefold().replace("ё", "е")))
    return hashlib.blake2b(core.encode(), digest_size=8).hexdigest() if core else ""


def test_fingerprint_is_the_same_key():
    for text in all_texts() + ["Ааааа!!!", "ёёё", "", "___", "Привееет  привет"]:
        assert fingerprint(text) == _fingerprint_reference(text), text


def test_fingerprint_is_the_same_key_for_every_character():
    """fingerprint deletes ASCII from the UTF-8 bytes and trusts isalnum: every code point
    (lone surrogates too) doubled, between letters, next to ASCII punctuation, and alone."""
    points = [chr(p) for p in range(sys.maxunicode + 1)]
    for i in range(0, len(points), 64):
        chunk = points[i:i + 64]
        text = " ".join(f"{ch}ж{ch}{ch}.ё{ch}_" for ch in chunk)
        assert fingerprint(text) == _fingerprint_reference(text), hex(i)
        text = "".join(chunk)
        assert fingerprint(text) == _fingerprint_reference(text), hex(i)
    for ch in ("\ud800", "\udfff", "_", " ", "\u00a0", "…", "ß", "İ", "Ё"):
        assert fingerprint(ch) == _fingerprint_reference(ch), hex(ord(ch))


def _repeats_fire_reference(ctx: Context, settings: RepeatSettings) -> bool:
    if sum(map(str.isalnum, ctx.text)) < max(settings.min_length, 1):
        return False
    key = _fingerprint_reference(ctx.text)
    same = sum(1 for e in ctx.history.within(ctx.now_ts, settings.window_s) if e.fingerprint == key)
    return same + 1 > settings.max_repeats


def test_repeats_shortcut_changes_nothing():
    rng = random.Random(3)
    texts = ["ну", "привет всем", "Привеет, всем!", "ок", "+", "домашка?", "ДОМАШКА"]
    start = datetime(2024, 10, 16, 12, tzinfo=timezone.utc)
    fired = 0
    for max_repeats in (1, 2, 3):
        settings = RepeatSettings(max_repeats=max_repeats, window_s=60, min_length=3)
        history = AuthorHistory()
        for i in range(3000):
            now = start + timedelta(seconds=rng.choice((1, 2, 5, 30, 70)) * i // 4)
            msg = MessageInput(rng.choice(texts), now, AuthorInfo(7, "member"), "students_class")
            ctx = Context(msg, history)
            expected = _repeats_fire_reference(ctx, settings)
            assert bool(activity.check_repeats(ctx, settings)) == expected
            fired += expected
            history.record(msg)
    assert fired > 100


def _find_personal_data_reference(text: str) -> personal_data.Found | None:
    """find_personal_data before its shortcuts: every search on every text."""
    pd = personal_data
    m = pd._EMAIL.search(text) or pd._EMAIL_SPELLED.search(text)
    if m:
        return pd.Found("email", m.group())
    m = pd._PASSPORT_NAMED.search(text)
    if m and pd.passport_series_ok(m.group(1).replace(" ", "")):
        return pd.Found("passport", m.group())
    for m in pd._PASSPORT_NUMBERED.finditer(text):
        if pd.passport_series_ok(m.group(1).replace(" ", "")) and pd._near(
                text, m.start(), m.end(), "passport"):
            return pd.Found("passport", m.group())
    for m in pd._DIGIT_RUN.finditer(text):
        kind = pd._classify(text, m)
        if kind:
            return pd.Found(kind, m.group().strip())
    return None


def test_personal_data_shortcuts_change_nothing():
    extra = ["ivanova (AT) mail.ru", "petrov СОБАКА yandex точка ru", "a@b.ru", "ᲃᲂбака",
             "Серия 4510 номер 654321", "паспорт 45 09 № 123456", "паспорт 4509 NO 123456",
             "+7 (912) 345-67-89", "8 912 345 67 89", "карта 4276 1600 1234 5678"]
    found = 0
    for text in all_texts() + extra:
        for candidate in (text, clean(text)):
            expected = _find_personal_data_reference(candidate)
            assert personal_data.find_personal_data(candidate) == expected, candidate
            found += expected is not None
    assert found > 100


def test_case_folding_finds_every_letter_the_patterns_take():
    """find_personal_data looks for the words its IGNORECASE patterns need in text.casefold():
    every character such a pattern takes for one of their letters must fold to that letter."""
    for name in ("_EMAIL_SPELLED", "_PASSPORT_NAMED", "_PASSPORT_NUMBERED"):
        assert getattr(personal_data, name).flags & re.IGNORECASE
    letters = set("".join(personal_data._EMAIL_WORDS) + "сери" + "№no")
    same = {letter: re.compile(re.escape(letter), re.IGNORECASE) for letter in letters}
    anyone = re.compile("[" + re.escape("".join(letters)) + "]", re.IGNORECASE)
    taken = 0
    for point in range(sys.maxunicode + 1):
        ch = chr(point)
        if anyone.fullmatch(ch):
            taken += 1
            for letter, pattern in same.items():
                if pattern.fullmatch(ch):
                    assert ch.casefold() == letter, (letter, hex(point))
    assert taken > 2 * len(letters)  # upper and lower case at least, «ᲃ» for «с», «ᲂ» for «о»


def _sample(items, rng: random.Random) -> str:
    """A random text of the kind a parsed pattern matches (lookarounds ignored)."""
    parser = wellbeing._parser
    out = []
    for op, av in items:
        if op is parser.LITERAL:
            out.append(chr(av))
        elif op is parser.IN:
            out.append(chr(rng.choice(av)[1]))
        elif op is parser.BRANCH:
            out.append(_sample(list(rng.choice(av[1])), rng))
        elif op is parser.MAX_REPEAT:
            low, high, item = av
            out.extend(_sample(list(item), rng) for _ in range(rng.randint(low, min(high, 2))))
    return "".join(out)


def _find_signal_reference(words: list[str]) -> tuple[str, str] | None:
    line = " ".join(words)
    for kind, pattern in wellbeing._PATTERNS:
        m = pattern.search(line)
        if m:
            return kind, m.group()
    return None


def test_wellbeing_shortcut_changes_nothing():
    rng = random.Random(5)
    lines = [normalize.words(text) for text in all_texts()]
    vocabulary = [word for words in lines for word in words]
    trees = [list(wellbeing._parser.parse(p.pattern)) for _, p in wellbeing._PATTERNS]
    for _ in range(4000):
        phrase = _sample(rng.choice(trees), rng).split(" ")
        if rng.random() < 0.2:  # a match may begin after a masked letter: «х*убей себя»
            phrase[0] = rng.choice(["х*", "*", "б*я*"]) + phrase[0]
        if rng.random() < 0.2:  # or lose its last letters
            phrase[-1] = phrase[-1][:rng.randint(0, len(phrase[-1]))]
        before = rng.sample(vocabulary, rng.randint(0, 3))
        after = rng.sample(vocabulary, rng.randint(0, 3))
        lines.append(before + phrase + after)
    fired = 0
    for words in lines:
        expected = _find_signal_reference(words)
        assert wellbeing.find_signal(words) == expected, words
        fired += expected is not None
    assert fired > 2000
