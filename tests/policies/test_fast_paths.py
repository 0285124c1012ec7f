"""The shortcuts the policies take on every chat message (issue 10) change no verdict.

Each shortcut is compared with the plain computation it replaces, on the labelled corpus, on
ordinary chat talk and on generated texts.
"""
from __future__ import annotations

import random
import re
import sys
from dataclasses import astuple
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from policies import normalize, obscene, quiet_hours
from policies.quiet_hours import period_start
from policies.settings import QuietHoursSettings

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
