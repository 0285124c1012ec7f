"""The labelled corpus: precision and recall of every text policy through the real pipeline,
with minimums a regression must not cross; hard cases kept. How to add a reported miss:
tests/corpus/README.md."""
from collections import Counter
from pathlib import Path

import pytest

import policies
from bot.texts.policies import PD_KINDS
from policies.normalize import clean
from policies.personal_data import find_personal_data
from policies.quality import TARGETS, Row, kind_errors, load, pipeline_detector, score

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "moderation.tsv"
LABELS = {"obscene", "obfuscated", "innocent_lookalike", "ordinary", "numbers", "personal_data",
          "link_bad", "link_ok", "insult", "wellbeing"}

ROWS = load(CORPUS)
FIRED = pipeline_detector(policies)
RESULTS = [FIRED(row.text) for row in ROWS]
SCORES = score(ROWS, RESULTS)

# (min precision, min recall) per policy and overall. Precision is what keeps ordinary school
# talk untouched; raise a minimum when the detector improves, never lower it to pass.
MINIMUMS = {
    "obscene": (0.99, 0.97),
    "insult": (0.95, 0.9),
    "personal_data": (0.98, 0.95),
    "links": (0.95, 0.9),
    "wellbeing": (0.95, 0.9),
    "overall": (0.98, 0.95),
}


def test_corpus_shape():
    counts = Counter(row.label for row in ROWS)
    assert set(counts) == LABELS
    assert len(ROWS) >= 800
    assert counts["obscene"] + counts["obfuscated"] >= 200
    assert counts["innocent_lookalike"] >= 190
    assert counts["ordinary"] >= 170
    assert counts["numbers"] >= 60  # school talk full of numbers: the personal data negatives
    assert counts["personal_data"] >= 70
    assert len({row.text for row in ROWS}) == len(ROWS), "duplicates"
    kinds = Counter(row.kind for row in ROWS if row.label == "personal_data")
    assert set(kinds) == set(PD_KINDS), "every personal data row names its kind"
    assert min(kinds.values()) >= 5
    assert all(not row.kind for row in ROWS if row.label != "personal_data")


def test_minimums_cover_every_policy():
    assert set(MINIMUMS) == set(TARGETS) | {"overall"}


@pytest.mark.parametrize("policy", sorted(MINIMUMS))
def test_precision_and_recall(policy):
    s = SCORES[policy]
    min_precision, min_recall = MINIMUMS[policy]
    assert s.precision >= min_precision, f"{policy} precision {s.precision:.3f} ({s.fp} false)"
    assert s.recall >= min_recall, f"{policy} recall {s.recall:.3f} ({s.fn} missed)"


def test_personal_data_kind_is_named_right():
    def kind(text):
        found = find_personal_data(clean(text))
        return found.kind if found else None

    assert kind_errors(ROWS, kind) == []


@pytest.mark.parametrize("label", ["innocent_lookalike", "numbers"])
def test_hard_negatives_never_fire(label):
    """Words with an obscene root inside, and numbers that look like identifiers, never fire."""
    fired = [(row.text, sorted(names)) for row, names in zip(ROWS, RESULTS)
             if row.label == label and names & set(TARGETS)]
    assert fired == []


def test_the_measure_can_fail():
    """The scorer sees a detector that misses everything and one that fires on everything."""
    rows = [Row("obscene", "x"), Row("ordinary", "y")]
    assert score(rows, [frozenset(), frozenset()])["obscene"].recall == 0
    assert score(rows, [frozenset({"obscene"})] * 2)["obscene"].precision == 0.5
