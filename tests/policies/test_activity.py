from datetime import timedelta

import pytest

from policies.activity import check_flood, check_repeats, check_stickers
from policies.base import AuthorHistory, fingerprint
from policies.caps import check as check_caps, is_shouting
from policies.context import Context
from policies.settings import CapsSettings, FloodSettings, RepeatSettings, StickerSettings

from tests.policies.builders import SCHOOL_NOON, message


def history_of(*items):
    """items: (seconds before noon, text, attachments)."""
    history = AuthorHistory()
    for seconds, text, attachments in items:
        at = SCHOOL_NOON - timedelta(seconds=seconds)
        history.record(message(text, now=at, attachments=attachments))
    return history


def ctx(text="", history=None, attachments=()):
    return Context(message(text, attachments=attachments), history or AuthorHistory())


@pytest.mark.parametrize("earlier, fires", [
    ([1, 2, 3, 4], False),  # 5 messages in 10 s: allowed
    ([1, 2, 3, 4, 5], True),  # the 6th within 10 s
    ([1, 2, 3, 4, 11], False),  # one of them is outside the window
])
def test_flood(earlier, fires):
    history = history_of(*[(s, f"сообщение {s}", ()) for s in earlier])
    assert bool(check_flood(ctx("ещё", history), FloodSettings())) is fires


@pytest.mark.parametrize("earlier, text, fires", [
    ([(10, "Кто сделал домашку?"), (50, "кто сделал домашку")], "КТО СДЕЛАЛ ДОМАШКУ???", True),
    ([(10, "Кто сделал домашку?")], "Кто сделал домашку?", False),  # twice is fine
    ([(10, "Кто сделал домашку?"), (130, "Кто сделал домашку?")], "Кто сделал домашку?", False),
    ([(10, "да"), (20, "да")], "да", False),  # too short to count
    ([(10, "Привеееет!"), (20, "привет")], "ПРИВЕТ", True),  # same text, shouted and stretched
])
def test_repeats(earlier, text, fires):
    history = history_of(*[(s, t, ()) for s, t in earlier])
    assert bool(check_repeats(ctx(text, history), RepeatSettings())) is fires


def test_fingerprint_ignores_case_punctuation_and_elongation():
    assert fingerprint("Привет!!!") == fingerprint("привееет")
    assert fingerprint("🙂") == ""


@pytest.mark.parametrize("earlier, now, fires", [
    ([(5, 1), (10, 1)], 1, False),  # 3 stickers in 30 s
    ([(5, 1), (10, 1), (20, 1)], 1, True),  # the 4th
    ([(5, 1), (10, 1), (40, 1)], 1, False),  # one is older than 30 s
    ([(5, 1), (10, 1), (20, 1)], 0, False),  # a text message is no sticker flood
])
def test_sticker_flood(earlier, now, fires):
    history = history_of(*[(s, "", ("sticker",) * n) for s, n in earlier])
    attachments = ("sticker",) * now
    assert bool(check_stickers(ctx("", history, attachments), StickerSettings())) is fires


@pytest.mark.parametrize("text, shouting", [
    ("ПОЧЕМУ НИКТО НЕ ОТВЕЧАЕТ В ЧАТЕ", True),
    ("ВСЕМ ПРИВЕТ, кто идёт на ОГЭ", False),  # 0.7 not reached
    ("ОГЭ ЕГЭ ВПР", False),  # short
    ("Сдаём ОГЭ и ЕГЭ, ВПР в мае", False),
])
def test_caps(text, shouting):
    assert is_shouting(text, 15, 0.7) is shouting
    assert bool(check_caps(ctx(text), CapsSettings())) is shouting


def test_history_prunes_old_entries():
    history = history_of((1000, "давно", ()), (5, "сейчас", ()))
    assert len(history.recent) == 1
