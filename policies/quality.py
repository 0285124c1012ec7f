"""How well the text policies do on a labelled corpus: precision and recall per policy.

Shared by the corpus test (tests/policies/test_moderation_corpus.py, which asserts the minimums)
and the benchmark (bench/policies_bench.py, which prints the figures and compares speed with an
earlier revision). A corpus is a TSV file with the columns `label`, `text` and, for personal
data, `kind` (a key of bot.texts.policies.PD_KINDS); see tests/corpus/README.md.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Callable
from zoneinfo import ZoneInfo

# policy → (labels that should fire it, labels left out of its negatives). Every other label is
# a negative for every policy: «ordinary», «numbers», «innocent_lookalike», «link_ok».
TARGETS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "obscene": (frozenset({"obscene", "obfuscated"}), frozenset()),
    "insult": (frozenset({"insult"}), frozenset({"obscene", "obfuscated"})),
    "personal_data": (frozenset({"personal_data"}), frozenset()),
    "links": (frozenset({"link_bad"}), frozenset()),
    "wellbeing": (frozenset({"wellbeing"}), frozenset()),
}
# A school day at noon, so quiet hours stay out of the way.
NOON = datetime(2024, 10, 16, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
CHAT_TYPE = "students_class"


@dataclass(frozen=True)
class Row:
    label: str
    text: str
    kind: str = ""  # the personal data kind, for «personal_data» rows


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def fp_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0


def load(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Row(r["label"], r["text"], r.get("kind") or "")
                for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


Fired = Callable[[str], frozenset[str]]


def pipeline_detector(package: ModuleType) -> Fired:
    """The policies that fire on a text, through `evaluate` of a policies package (this one or an
    earlier revision loaded by the benchmark) with the children's preset; links are judged on
    invitations, messengers and ads only (an unlisted site is a matter of preset, not detection).
    Obscene decisions of tier 3 (severity 1) count as «insult»."""
    settings = package.apply_overrides(package.default_settings(CHAT_TYPE),
                                       {"links.block_unknown": "нет"})
    author = package.AuthorInfo(user_id=7, status="member", is_chat_staff=False)

    def fired(text: str) -> frozenset[str]:
        msg = package.MessageInput(text=text, now=NOON, author=author, chat_type=CHAT_TYPE)
        names = set()
        for d in package.evaluate(msg, settings, package.AuthorHistory()):
            if d.policy == "obscene":
                names.add("obscene" if d.severity >= 2 else "insult")
            else:
                names.add(d.policy)
        return frozenset(names)

    return fired


def score(rows: list[Row], results: list[frozenset[str]]) -> dict[str, Score]:
    """Per policy, and «overall» (the counts of every policy summed)."""
    table: dict[str, Score] = {}
    totals = [0, 0, 0, 0]
    for policy, (positive, ignored) in TARGETS.items():
        tp = fp = fn = tn = 0
        for row, names in zip(rows, results):
            if row.label in ignored:
                continue
            hit = policy in names
            if row.label in positive:
                tp, fn = tp + hit, fn + (not hit)
            else:
                fp, tn = fp + hit, tn + (not hit)
        table[policy] = Score(tp, fp, fn, tn)
        totals = [a + b for a, b in zip(totals, (tp, fp, fn, tn))]
    table["overall"] = Score(*totals)
    return table


def misses(rows: list[Row], results: list[frozenset[str]]) -> list[tuple[str, str, str]]:
    """(policy, label, text) of every wrong call, for looking at the hard cases."""
    wrong = []
    for row, names in zip(rows, results):
        for policy, (positive, ignored) in TARGETS.items():
            if row.label not in ignored and (row.label in positive) != (policy in names):
                wrong.append((policy, row.label, row.text))
    return wrong


def kind_errors(rows: list[Row], find: Callable[[str], str | None]) -> list[tuple[str, str, str]]:
    """(expected kind, found kind or "", text) of personal data rows named wrongly or missed."""
    wrong = []
    for row in rows:
        if row.label == "personal_data" and row.kind:
            found = find(row.text) or ""
            if found != row.kind:
                wrong.append((row.kind, found, row.text))
    return wrong
