"""find_codes's pre-check (issue 10: it runs on every chat message) never changes what is found."""
import random
import re
import sys
from pathlib import Path

import pytest

from bot.domain import codes
from bot.domain.codes import ALPHABET, find_codes

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "moderation.tsv"
ORDINARY = ("кто сделал домашку по алгебре", "завтра физра на улице?", "скиньте расписание пж",
            "я опоздаю на первый урок", "а контрольная в четверг или в пятницу", "спасибо, разобрался")
_SEPARATOR = re.compile(f"[{codes._SEPARATOR_CHARS}]")


def _typed_code(rng: random.Random) -> str:
    """A code as people type it: cut in up to four pieces, any separators, any case, look-alikes,
    inside a sentence or alone, sometimes one symbol off."""
    code = "".join(rng.choice(ALPHABET) for _ in range(8))
    if rng.random() < 0.3:
        code = code.translate(str.maketrans("ABEKMHPCTXY3", "АВЕКМНРСТХУЗ"))
    if rng.random() < 0.1:
        at = rng.randrange(8)  # a symbol replaced or one too many
        code = code[:at] + rng.choice("0OI1L9Z") + code[at + rng.randint(0, 1):]
    cuts = sorted(rng.sample(range(1, len(code)), rng.randint(0, 3)))
    pieces = [code[a:b] for a, b in zip([0, *cuts], [*cuts, len(code)])]
    seps = ["", " ", "-", "--", " - ", "---\n", "--- \n", "    ", ".", "_", "—", "\t"]
    typed = "".join(piece + rng.choice(seps) for piece in pieces).strip()
    typed = typed.lower() if rng.random() < 0.4 else typed
    before = rng.choice(["", "код ", "мой код: ", "вот ", "X", "ABCD-", "Code "])
    after = rng.choice(["", ".", " спасибо", "-J", " (12)", "ß", "\n"])
    return before + typed + after


def _texts() -> list[str]:
    rng = random.Random(10)
    corpus = [line.split("\t")[1] for line in CORPUS.read_text(encoding="utf-8").splitlines()[1:]]
    words = [w for text in corpus for w in text.split()]
    texts = corpus + [f"{ORDINARY[i % len(ORDINARY)]} ({i})" for i in range(300)]
    texts += [_typed_code(rng) for _ in range(3000)]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(1000)]
    symbols = ALPHABET + ALPHABET.lower() + "01ILOАВЕКМНРСТХУЗавекмнрстухёßﬀ -—_.\n"
    texts += ["".join(rng.choice(symbols) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    return texts


@pytest.mark.parametrize("lenient", [False, True])
def test_pre_check_never_changes_what_is_found(lenient):
    found = 0
    for text in _texts():
        expected = codes._scan(text, lenient)
        assert find_codes(text, lenient=lenient) == expected, text
        found += bool(expected)
    assert found > 1000  # the texts hold codes: the comparison is not of empty lists only


def test_ordinary_chat_messages_skip_the_scan(monkeypatch):
    def scan(text: str, lenient: bool) -> list[str]:
        raise AssertionError(f"scanned {text!r}")

    monkeypatch.setattr(codes, "_scan", scan)
    for i, text in enumerate(ORDINARY * 3):
        assert find_codes(f"{text} ({i})", lenient=True) == []
    with pytest.raises(AssertionError):
        find_codes("вот DKDX-W22N", lenient=True)


def test_no_character_turns_into_separators_only_when_upper_cased():
    """The whole-text part of the pre-check counts a text's non-separator characters: each one
    must stay at least one non-separator after upper() (which never returns an empty string)."""
    for point in range(sys.maxunicode + 1):
        ch = chr(point)
        if not _SEPARATOR.match(ch):
            assert _SEPARATOR.sub("", ch.upper()), hex(point)


def test_code_characters_are_what_normalize_code_accepts():
    latin_digits = "".join(sorted(set(ALPHABET) | set(ALPHABET.lower())))
    assert set(codes._CODE_CHARS) == set(latin_digits) | set("АВЕКМНРСТХУЗавекмнрстухз")


def test_pre_check_patterns_match_as_their_plain_forms():
    """_FEW_SYMBOLS (possessive) and _CODE_RUN (written out) match where the plain patterns did."""
    seps, chars, n = codes._SEPARATOR_CHARS, codes._CODE_CHARS, codes.CODE_LENGTH
    few = re.compile(rf"[{seps}]*(?:[^{seps}][{seps}]*){{1,{n}}}\Z")
    run = re.compile(rf"[{chars}](?:[{seps}]{{0,4}}+[{chars}]){{{n - 1}}}")
    rng = random.Random(4)
    texts = _texts() + ["".join(rng.choice("AB- .\n") for _ in range(rng.randint(0, 40)))
                        for _ in range(3000)]
    matched = 0
    for text in texts:
        assert bool(codes._FEW_SYMBOLS.match(text)) == bool(few.match(text)), text
        ours, plain = codes._CODE_RUN.search(text), run.search(text)
        assert (ours and ours.span()) == (plain and plain.span()), text
        matched += bool(plain) + bool(few.match(text))
    assert matched > 1000
