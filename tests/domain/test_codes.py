import random
import re

import pytest

from bot.domain.codes import ALPHABET, code_matches, hash_code, hashes_equal, new_code, normalize_code

PEPPER = b"test-pepper"


def test_alphabet_has_no_ambiguous_symbols():
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_new_code_shape_and_determinism():
    codes = [new_code(random.Random(7)) for _ in range(2)]
    assert codes[0] == codes[1]
    assert re.fullmatch(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", codes[0])
    assert len({new_code() for _ in range(200)}) == 200  # secrets by default


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ABCD-EFGH", "ABCD-EFGH"),
        ("abcd-efgh", "ABCD-EFGH"),
        ("ABCDEFGH", "ABCD-EFGH"),
        ("  abcd efgh ", "ABCD-EFGH"),
        ("ABCD—EFGH", "ABCD-EFGH"),
        ("АВСD-ЕFGН", "ABCD-EFGH"),  # Cyrillic А В С Е Н
        ("авсd-еfgн", "ABCD-EFGH"),
        ("К2М3-Р4Т5", "K2M3-P4T5"),
        ("XYЗ9-2345", "XY39-2345"),  # Cyrillic З for 3
        ("ABCD-EFG", None),
        ("ABCD-EFGHJ", None),
        ("ABCD-EFG0", None),  # 0 is never in a code
        ("ABCD-EFGO", None),
        ("ABCD-EFG1", None),
        ("ABCD-ЕFGЫ", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_code(typed, canonical):
    assert normalize_code(typed) == canonical


def test_round_trip_new_code_through_sloppy_typing():
    rng = random.Random(1)
    for _ in range(100):
        code = new_code(rng)
        assert normalize_code(code) == code
        assert normalize_code(code.lower().replace("-", " ")) == code


def test_hash_is_hmac_of_canonical_form():
    h = hash_code("ABCD-EFGH", PEPPER)
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    assert hash_code("abcdefgh", PEPPER) == h
    assert hash_code("АВСD EFGН", PEPPER) == h
    assert hash_code("ABCD-EFGH", b"other pepper") != h
    assert hash_code("ABCD-EFGJ", PEPPER) != h
    with pytest.raises(ValueError):
        hash_code("nope", PEPPER)


@pytest.mark.parametrize(
    ("typed", "ok"), [("abcd-efgh", True), ("АВСD-ЕFGН", True), ("ABCD-EFGJ", False), ("garbage", False), ("", False)],
)
def test_code_matches(typed, ok):
    assert code_matches(typed, hash_code("ABCD-EFGH", PEPPER), PEPPER) is ok


def test_hashes_equal():
    assert hashes_equal("ab" * 32, "ab" * 32)
    assert not hashes_equal("ab" * 32, "ac" * 32)
    assert not hashes_equal("ab", "ab" * 32)


# -- a code inside free text (issue 11: a message that looks like a code IS /код) -----------------

from bot.domain.codes import find_codes, looks_like_code_attempt  # noqa: E402


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("DKDX-W22N", ["DKDX-W22N"]),
        ("dkdx-w22n", ["DKDX-W22N"]),
        ("dkdx w22n", ["DKDX-W22N"]),
        ("DKDXW22N", ["DKDX-W22N"]),
        ("мне дали код dkdx w22n", ["DKDX-W22N"]),
        ("Здравствуйте! Мне дали код DKDX-W22N, что делать?", ["DKDX-W22N"]),
        ("код: dk dx w2 2n.", ["DKDX-W22N"]),
        ("вот код «DKDX—W22N»", ["DKDX-W22N"]),
        ("АВСD-ЕFGН", ["ABCD-EFGH"]),  # the whole message, Cyrillic look-alikes
        ("коды DKDX-W22N и K7QM-4RTD", ["DKDX-W22N", "K7QM-4RTD"]),
        ("купила сметанка", []),  # eight Cyrillic look-alike letters are a word, not a code
        ("напишите мне в WhatsApp", []),  # a Latin word of code letters, no digit, no «код»
        ("мой код WHATSAPP", ["WHAT-SAPP"]),  # … unless the message speaks of a code
        ("вот DKDX-W22N", ["DKDX-W22N"]),  # a digit is enough
        ("привет, как дела?", []),
        ("мой телефон 89161234567", []),
        ("DKDX-W22", []),
        ("DKDX-W22N0", []),  # one symbol too many
        ("ABCD-EFGH-J", []),  # a piece of a longer token
        ("ABCD-EFGH-JKLM-NPQR", []),
        ("", []),
        (None, []),
    ],
)
def test_find_codes_in_free_text(text, found):
    assert find_codes(text) == found


def test_lenient_search_takes_any_latin_piece_for_a_lookup():
    assert find_codes("напишите мне в WhatsApp") == []
    assert find_codes("напишите мне в WhatsApp", lenient=True) == ["WHAT-SAPP"]
    assert find_codes("купила сметанка", lenient=True) == []


@pytest.mark.parametrize(
    ("text", "attempt"),
    [("DKDX-W22", True), ("DKDX-W220", True), ("DK0X-W22N", True), ("DKDX-W22N7", True), ("ABCD-EFG", True),
     ("abcd efgo", True), ("Спасибо!", False), ("WhatsApp", False),
     ("привет", False), ("спасибо большое", False), ("12345678", False), ("5А", False)],
)
def test_almost_a_code_is_told_the_format(text, attempt):
    assert looks_like_code_attempt(text) is attempt
