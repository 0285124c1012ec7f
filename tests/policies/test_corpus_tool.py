"""tests/corpus/add_miss.py: adding a reported miss to the corpus, and made-up identifiers."""
import random
import shutil

import pytest

from policies.personal_data import find_personal_data
from tests.corpus.add_miss import CORPUS, add, fake, main, verdict
from policies.quality import load


@pytest.fixture
def corpus(tmp_path):
    copy = tmp_path / "moderation.tsv"
    shutil.copy(CORPUS, copy)
    return copy


def test_adds_a_row_that_the_corpus_loader_reads(corpus):
    before = len(load(corpus))
    add(corpus, "obfuscated", "х.у.й.н.я полная")
    add(corpus, "personal_data", "мой снилс 123-456-789 64 запишите", "snils")
    rows = load(corpus)
    assert len(rows) == before + 2
    assert (rows[-2].label, rows[-2].text, rows[-2].kind) == ("obfuscated", "х.у.й.н.я полная", "")
    assert (rows[-1].label, rows[-1].kind) == ("personal_data", "snils")


@pytest.mark.parametrize("label, text, kind, error", [
    ("swear", "текст", "", "unknown label"),
    ("personal_data", "СНИЛС 123-456-789 64", "", "needs --kind"),
    ("personal_data", "СНИЛС 123-456-789 64", "pin", "needs --kind"),
    ("ordinary", "текст", "snils", "only for personal_data"),
    ("ordinary", "две\tколонки", "", "one non-empty line"),
    ("ordinary", "  ", "", "one non-empty line"),
    ("ordinary", "Спасибо большое, Марина Викторовна!", "", "already in the corpus"),
])
def test_refuses_bad_rows_and_leaves_the_file_alone(corpus, label, text, kind, error):
    before = corpus.read_bytes()
    with pytest.raises(ValueError, match=error):
        add(corpus, label, text, kind)
    assert corpus.read_bytes() == before


def test_verdict_says_whether_the_policies_get_it_right():
    assert verdict("ну ты и сука", "obscene") == "fires: obscene — right"
    assert verdict("Завтра контрольная", "obscene") == "fires: nothing — WRONG, a miss to fix: obscene"
    assert verdict("Марина Олеговна, спасибо", "ordinary") == "fires: nothing — right"


@pytest.mark.parametrize("kind", ["snils", "inn", "card", "oms"])
def test_made_up_identifiers_are_found_as_their_kind(kind):
    rng = random.Random(5)
    for _ in range(20):
        number = fake(kind, rng)
        context = {"snils": "СНИЛС", "inn": "ИНН", "card": "карта", "oms": "полис ОМС"}[kind]
        found = find_personal_data(f"{context} {number}")
        assert found is not None and found.kind == kind, number


def test_command_line_refuses_with_exit_code_2(capsys):
    assert main(["swear", "текст"]) == 2
    assert "unknown label" in capsys.readouterr().err
