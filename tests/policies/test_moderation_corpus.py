"""The labelled corpus: recall and false positives of the detectors, with hard cases kept."""
import csv
from collections import Counter
from pathlib import Path

import pytest

from policies.links import INSTITUTIONAL, worst_link
from policies.normalize import clean, words
from policies.obscene import find_obscene
from policies.personal_data import find_personal_data
from policies.wellbeing import find_signal

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "moderation.tsv"
LABELS = {"obscene", "obfuscated", "innocent_lookalike", "ordinary", "personal_data", "link_bad",
          "link_ok", "insult", "wellbeing"}


def load():
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return [(row["label"], row["text"]) for row in csv.DictReader(f, delimiter="\t")]


ROWS = load()


def test_corpus_shape():
    counts = Counter(label for label, _ in ROWS)
    assert set(counts) == LABELS
    assert len(ROWS) >= 450
    assert counts["obscene"] + counts["obfuscated"] >= 100
    assert counts["innocent_lookalike"] >= 80
    assert counts["ordinary"] >= 100
    assert len({text for _, text in ROWS}) == len(ROWS), "duplicates"


def rates(predict, positive, ignored=frozenset()):
    tp = fn = fp = tn = 0
    for label, text in ROWS:
        if label in ignored:
            continue
        hit = predict(text)
        if label in positive:
            tp, fn = tp + hit, fn + (not hit)
        else:
            fp, tn = fp + hit, tn + (not hit)
    return tp / (tp + fn), fp / (fp + tn)


def is_obscene(text):
    match = find_obscene(text)
    return match is not None and match.tier <= 2


def is_insult(text):
    match = find_obscene(text)
    return match is not None and match.tier == 3


def is_bad_link(text):
    # invitations, messengers and ads; an unlisted site is a matter of preset, not detection
    return worst_link(clean(text), words(text), INSTITUTIONAL, block_unknown=False) is not None


@pytest.mark.parametrize("name, predict, positive, ignored, min_recall, max_fpr", [
    ("obscene", is_obscene, {"obscene", "obfuscated"}, set(), 0.95, 0.01),
    ("insult", is_insult, {"insult"}, {"obscene", "obfuscated"}, 0.85, 0.01),
    ("personal_data", lambda t: find_personal_data(clean(t)) is not None, {"personal_data"},
     set(), 0.9, 0.01),
    ("links", is_bad_link, {"link_bad"}, set(), 0.9, 0.01),
    ("wellbeing", lambda t: find_signal(words(t)) is not None, {"wellbeing"}, set(), 0.85, 0.01),
])
def test_detector_quality(name, predict, positive, ignored, min_recall, max_fpr):
    recall, fpr = rates(predict, positive, ignored)
    assert recall >= min_recall, f"{name} recall {recall:.3f}"
    assert fpr <= max_fpr, f"{name} false-positive rate {fpr:.3f}"


def test_innocent_lookalikes_never_fire_as_obscene():
    fired = [text for label, text in ROWS if label == "innocent_lookalike" and is_obscene(text)]
    assert fired == []
