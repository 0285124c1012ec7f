"""Precision and recall of each text policy on the labelled corpus, and the per-message cost of
the whole `evaluate` pipeline against a trivial baseline measured in the same run.

    python bench/policies_bench.py          (from the project root)
"""
from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policies import (  # noqa: E402
    AuthorHistory, AuthorInfo, MessageInput, apply_overrides, default_settings, evaluate,
)
from policies.normalize import spellings  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "moderation.tsv"
# A school day at noon, so quiet hours stay out of the way.
NOON = datetime(2024, 10, 16, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
AUTHOR = AuthorInfo(user_id=7, status="member", is_chat_staff=False)

# policy → (labels that should fire it, labels left out of its negatives)
TARGETS = {
    "obscene": ({"obscene", "obfuscated"}, set()),
    "insult": ({"insult"}, {"obscene", "obfuscated"}),
    "personal_data": ({"personal_data"}, set()),
    "links": ({"link_bad"}, set()),
    "wellbeing": ({"wellbeing"}, set()),
}


def load() -> list[tuple[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return [(row["label"], row["text"]) for row in csv.DictReader(f, delimiter="\t")]


def settings():
    # The children's preset judges every policy; links are judged on invitations, messengers and
    # ads only (an unlisted site is a matter of preset, not of detection).
    return apply_overrides(default_settings("students_class"), {"links.block_unknown": "нет"})


def fired(text: str, moderation) -> set[str]:
    msg = MessageInput(text=text, now=NOON, author=AUTHOR, chat_type="students_class")
    names = set()
    for d in evaluate(msg, moderation, AuthorHistory()):
        if d.policy == "obscene":
            names.add("obscene" if d.severity >= 2 else "insult")  # tier 3 is an insult
        else:
            names.add(d.policy)
    return names


def score(rows: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    moderation = settings()
    results = [(label, fired(text, moderation)) for label, text in rows]
    table = {}
    for policy, (positive, ignored) in TARGETS.items():
        tp = fp = fn = tn = 0
        for label, names in results:
            if label in ignored:
                continue
            hit = policy in names
            if label in positive:
                tp, fn = tp + hit, fn + (not hit)
            else:
                fp, tn = fp + hit, tn + (not hit)
        table[policy] = {
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "fp_rate": fp / (fp + tn) if fp + tn else 0.0,
            "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        }
    return table


def misses(rows: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(policy, label, text) of every wrong call, for looking at the hard cases."""
    moderation = settings()
    wrong = []
    for label, text in rows:
        names = fired(text, moderation)
        for policy, (positive, ignored) in TARGETS.items():
            if label in ignored:
                continue
            if (label in positive) != (policy in names):
                wrong.append((policy, label, text))
    return wrong


def _best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def timing(rows: list[tuple[str, str]], runs: int = 7) -> tuple[float, float, float]:
    """µs per message: baseline, pipeline with a cold word cache, pipeline warm."""
    moderation = settings()
    texts = [text for _, text in rows]
    msgs = [MessageInput(text=t, now=NOON, author=AUTHOR, chat_type="students_class")
            for t in texts]

    def baseline() -> None:
        for t in texts:
            t.lower().split()

    def pipeline() -> None:
        for msg in msgs:
            evaluate(msg, moderation, AuthorHistory())

    def cold_pipeline() -> None:
        spellings.cache_clear()  # every word normalised afresh, as for a first-seen message
        pipeline()

    n = len(texts)
    per_message = [_best_of(runs, fn) / n * 1e6 for fn in (baseline, cold_pipeline, pipeline)]
    return per_message[0], per_message[1], per_message[2]


def main() -> None:
    rows = load()
    counts = Counter(label for label, _ in rows)
    labels = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"corpus: {len(rows)} messages — {labels}")
    print(f"{'policy':<14}{'precision':>10}{'recall':>8}{'fp rate':>9}   tp/fp/fn/tn")
    for policy, s in score(rows).items():
        print(f"{policy:<14}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['fp_rate']:>9.3f}"
              f"   {s['tp']}/{s['fp']}/{s['fn']}/{s['tn']}")
    base_us, cold_us, warm_us = timing(rows)
    print(f"per message: baseline lower()+split() {base_us:.2f} µs; evaluate cold {cold_us:.1f} µs"
          f" ({cold_us / base_us:.0f}×), warm word cache {warm_us:.1f} µs ({warm_us / base_us:.0f}×)")
    if "-v" in sys.argv:
        for policy, label, text in misses(rows):
            print(f"  miss {policy:<14}{label:<20}{text}")


if __name__ == "__main__":
    main()
