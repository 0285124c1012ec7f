"""Quality and speed of the text policies on the labelled corpus (tests/corpus/moderation.tsv).

Prints precision and recall per policy and overall, how personal data kinds are named, false
positives on each kind of ordinary talk, and messages per second through the whole `evaluate`
pipeline — for this tree and for an earlier revision of `policies/` (default: the one before the
issue 11 moderation-quality work), loaded side by side from git and timed interleaved in the
same run, so the ratio holds on a busy machine.

    python bench/policies_bench.py [-v] [--before REV | --no-before] [--runs N]
    python bench/policies_bench.py --in-situ [--messages N] [--before REV] [--runs N]
    python bench/policies_bench.py --decisions [--before REV]

-v lists every wrong call (the corpus's hard cases). --in-situ times `evaluate` the way the bot
calls it (see `in_situ`) instead, for this tree and REV interleaved, and checks that both decide
the same on every message. --decisions compares every decision with REV's on generated
messages, every preset and author kind.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import random
import subprocess
import sys
import tempfile
import statistics
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import policies  # noqa: E402
from policies import quality  # noqa: E402
from policies.normalize import clean  # noqa: E402
from policies.personal_data import find_personal_data  # noqa: E402
from policies.obscene_lexicon import MASK_TARGETS  # noqa: E402
from tests.policies.test_lookalikes import INNOCENT, disguise  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "moderation.tsv"
BEFORE = "ab94e19"  # policies/ before the issue 11 part 6 work (look-alike glyphs, INN, OMS)
NEGATIVES = ("ordinary", "numbers", "innocent_lookalike", "link_ok")


def load_revision(rev: str) -> ModuleType | None:
    """`policies/` (and the texts it shows) as of `rev`, imported as a separate package."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout

    try:
        names = git("ls-tree", "-r", "--name-only", rev, "policies/").split()
        texts = git("show", f"{rev}:bot/texts/policies.py")
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    home = Path(tempfile.mkdtemp(prefix="policies_before_"))
    package = home / "policies_before"
    package.mkdir()
    (package / "_texts.py").write_text(texts, encoding="utf-8")
    for name in names:
        if not name.endswith(".py"):
            continue
        source = git("show", f"{rev}:{name}").replace(
            "from bot.texts import policies as texts", "from . import _texts as texts")
        (package / Path(name).name).write_text(source, encoding="utf-8")
    sys.path.insert(0, str(home))
    return importlib.import_module("policies_before")


def print_scores(title: str, scores: dict[str, quality.Score]) -> None:
    print(title)
    print(f"  {'policy':<14}{'precision':>10}{'recall':>8}{'fp rate':>9}   tp/fp/fn/tn")
    for policy, s in scores.items():
        print(f"  {policy:<14}{s.precision:>10.3f}{s.recall:>8.3f}{s.fp_rate:>9.3f}"
              f"   {s.tp}/{s.fp}/{s.fn}/{s.tn}")


def negatives_fired(rows: list[quality.Row], results: list[frozenset[str]]) -> str:
    parts = []
    for label in NEGATIVES:
        picked = [names for row, names in zip(rows, results) if row.label == label]
        fired = sum(1 for names in picked if names & set(quality.TARGETS))
        parts.append(f"{label} {fired}/{len(picked)}")
    return ", ".join(parts)


def lookalikes(package: ModuleType, seeds: tuple[int, ...] = (1, 2, 3)) -> str:
    """The look-alike stress test (tests/policies/test_lookalikes.py) as figures."""
    found = total = fired = innocent = 0
    for seed in seeds:
        rng = random.Random(seed)
        for word in MASK_TARGETS:
            for _ in range(10):
                total += 1
                found += package.find_obscene(disguise(word, rng)) is not None
        rng = random.Random(seed)
        for word in INNOCENT:
            for _ in range(10):
                innocent += 1
                match = package.find_obscene(disguise(word, rng))
                fired += match is not None and match.tier <= 2
    return (f"disguised obscene words found {found / total:.1%} ({total}), disguised innocent "
            f"words fired {fired / innocent:.1%} ({innocent})")


def pd_kind(text: str) -> str | None:
    found = find_personal_data(clean(text))
    return found.kind if found else None


def clear_caches(package: ModuleType) -> None:
    """Forget what a policies package memoised (words, tokens, quiet periods, fingerprints)."""
    for name, module in list(sys.modules.items()):
        if name.startswith(package.__name__ + "."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def ordinary_talk(count: int = 3000, first: int = 0) -> list[str]:
    """The ordinary chat messages bench/throughput.py feeds (every text unique)."""
    texts = ("кто сделал домашку по алгебре", "завтра физра на улице?", "скиньте расписание пж",
             "я опоздаю на первый урок", "а контрольная в четверг или в пятницу",
             "спасибо, разобрался")
    return [f"{texts[i % len(texts)]} ({i})" for i in range(first, first + count)]


# -- evaluate the way the bot calls it ---------------------------------------------------------

IN_SITU_CHATS = 50
IN_SITU_START = datetime(2024, 10, 16, 9, 0, tzinfo=UTC).timestamp()  # a Wednesday, 12:00 Moscow


_SYLLABLES = ("ва", "ло", "ми", "ра", "ше", "ку", "ти", "на", "до", "се", "ля", "бо", "зу", "пе",
              "гри", "ста")


def new_words_talk(count: int, first: int = 0) -> list[str]:
    """bench/throughput.py's ordinary talk with a name no cache has seen instead of the number:
    «скиньте расписание пж, Ралошеку» (four syllables spell the message's index)."""
    texts = ordinary_talk(count, first)
    out = []
    for i, text in zip(range(first, first + count), texts):
        name = "".join(_SYLLABLES[(i >> shift) & 15] for shift in (0, 4, 8, 12)).capitalize()
        out.append(text.rsplit(" (", 1)[0] + f", {name}")
    return out


def _chat_settings(package: ModuleType) -> object:
    """A students' chat's settings as bot.services.moderation.Moderation._settings_for builds
    them: the preset, quiet hours in the school's timezone, the chat's (no) overrides."""
    settings = package.default_settings("students_class")
    policies_ = dict(settings.policies)
    policies_["quiet_hours"] = dataclasses.replace(policies_["quiet_hours"],
                                                   timezone="Europe/Moscow")
    return package.apply_overrides(dataclasses.replace(settings, policies=policies_), {})


def in_situ(package: ModuleType, texts: list[str], authors_per_chat: int
            ) -> tuple[float, list[tuple[tuple[object, ...], ...]]]:
    """Seconds spent in `evaluate` over `texts` (each timed alone, as a timer around
    Moderation's call measures it) and the decisions, fed the way bench/throughput.py's burst
    reaches the bot: round robin over 50 students' chats, each with its own settings object,
    authors writing in turn; every author has history (two earlier messages in the last five
    minutes, then what they write here, recorded after each message as RecentMessages does);
    `now` a UTC datetime moving 0.3 ms per message, at noon in Moscow."""
    base = importlib.import_module(package.__name__ + ".base")
    settings = [_chat_settings(package) for _ in range(IN_SITU_CHATS)]
    authors = [package.AuthorInfo(user_id=1000 + a, status="member")
               for a in range(authors_per_chat)]
    t0 = int(IN_SITU_START)
    recent = {
        (chat, a): [base.Entry(t0 - 200, base.fingerprint(f"раньше {chat} {a}"), 0),
                    base.Entry(t0 - 90, base.fingerprint(f"недавно {chat} {a}"), 0)]
        for chat in range(IN_SITU_CHATS) for a in range(authors_per_chat)
    }
    evaluate, perf = package.evaluate, time.perf_counter
    empty: frozenset[str] = frozenset()
    spent = 0.0
    decided = []
    for i, text in enumerate(texts):
        chat = i % IN_SITU_CHATS
        author = (i // IN_SITU_CHATS) % authors_per_chat
        at = IN_SITU_START + i * 0.0003
        entries = recent[(chat, author)]
        history = package.AuthorHistory(recent=[e for e in entries if e.at >= int(at) - 300],
                                        horizon_s=300)
        msg = package.MessageInput(text=text, now=datetime.fromtimestamp(at, UTC),
                                   author=authors[author], chat_type="students_class")
        start = perf()
        decisions = evaluate(msg, settings[chat], history, allowlist=empty,
                             school_domains=empty, quiet_notice_given=False)
        spent += perf() - start
        entries.append(base.Entry(int(at), base.fingerprint(text), 0))
        decided.append(tuple(tuple(map(str, dataclasses.astuple(d))) for d in decisions))
    return spent, decided


def in_situ_main(packages: dict[str, ModuleType], messages: int, runs: int) -> None:
    """bench/throughput.py's ordinary talk with numbers never seen before in every run (one word
    of each message misses every word cache, as in the bot), then the labelled corpus; packages
    take turns within each run."""
    authors = max(20, -(-messages // (IN_SITU_CHATS * 4)))  # as bench/throughput.py
    corpus = [row.text for row in quality.load(CORPUS)]
    for pkg in packages.values():  # the bot has been running: common words are cached
        in_situ(pkg, ordinary_talk(500), authors)
    kinds = ("numbers", "new words", "corpus")
    spent_us: dict[str, dict[str, list[float]]] = {
        name: {kind: [] for kind in kinds} for name in packages}
    differ = fired = total = 0
    for run in range(runs):
        workloads = {
            # numbers as short as the burst's (a seven-digit one starts a digit run worth a look)
            "numbers": ordinary_talk(messages, first=500 + run * messages),
            "new words": new_words_talk(messages // 2, first=1000 + run * messages),
            "corpus": corpus,
        }
        names = list(packages) if run % 2 == 0 else list(reversed(packages))
        decided: dict[str, list[tuple[tuple[object, ...], ...]]] = {name: [] for name in names}
        for name in names:
            for kind, texts in workloads.items():
                spent, found = in_situ(packages[name], texts, authors)
                spent_us[name][kind].append(spent / len(texts) * 1e6)
                decided[name] += found
        first, *others = decided.values()
        differ += sum(1 for other in others for a, b in zip(first, other) if a != b)
        fired += sum(1 for d in first[:-len(corpus)] if d)
        total += len(first)
    print(f"evaluate in situ: ordinary messages with a number ({messages}) or a name "
          f"({messages // 2}) never seen before, over {IN_SITU_CHATS} students' chats, "
          f"{authors} authors each with history; then the corpus ({len(corpus)}). µs per "
          f"message, median (best) of {runs} runs, interleaved:")
    for name in packages:
        print(f"  {name:<12}" + "   ".join(
            f"{kind} {statistics.median(v):5.1f} ({min(v):5.1f})"
            for kind, v in spent_us[name].items()))
    if len(packages) > 1:
        (new, old) = list(packages)[:2]
        print(f"  {new}/{old}: " + ", ".join(
            f"{kind} {statistics.median(spent_us[new][kind]) / statistics.median(spent_us[old][kind]):.2f}"
            for kind in kinds))
        print(f"  messages decided differently: {differ} (of {total}); ordinary messages with a "
              f"decision: {fired}")


def same_decisions(new: ModuleType, old: ModuleType) -> None:
    """Every decision of `new` and `old` on the same messages: the corpus, ordinary talk,
    generated texts, in capitals and capitalised; every preset, a chat with policies in shadow
    mode and tight limits, one quiet all day; a member, staff and an outsider, each with a history
    that repeats, floods and posts stickers, over a day and a night in Moscow."""
    from tests.policies.test_fast_paths import all_texts, generated_texts

    texts = (all_texts() + generated_texts(3000, seed=99) + new_words_talk(500)
             + ordinary_talk(500))
    texts += [t.upper() for t in texts[:800]] + [t.capitalize() for t in texts[:800]]

    def settings(pkg: ModuleType) -> list[object]:
        return [pkg.default_settings(t) for t in pkg.CHAT_TYPES] + [
            pkg.apply_overrides(pkg.default_settings("students_class"), {
                "мат": "тихо", "ссылки": "тихо", "повторы": "тихо", "repeats.max_repeats": "1",
                "caps.min_letters": "3", "caps.ratio": "0.5"}),
            pkg.apply_overrides(pkg.default_settings("parents_class"),
                                {"quiet_hours": "00:00-23:59", "flood.max_messages": "2"}),
        ]

    start = datetime(2024, 10, 18, 15, 30, tzinfo=UTC)
    total = fired = differ = 0
    for chat in zip(settings(new), settings(old)):
        for status in ("member", "staff", "outsider"):
            pkgs = (new, old)
            histories = [pkg.AuthorHistory() for pkg in pkgs]
            authors = [pkg.AuthorInfo(7, status, is_chat_staff=status == "staff") for pkg in pkgs]
            for i, text in enumerate(texts):
                text = texts[i - 1] if i and i % 3 == 0 else text
                now = datetime.fromtimestamp(start.timestamp() + (7 * i) % 50000, UTC)
                kinds = ("sticker",) * (i % 3) + (("photo",) if i % 5 == 0 else ())
                decided = []
                for pkg, settings_, history, author in zip(pkgs, chat, histories, authors):
                    msg = pkg.MessageInput(text, now, author, "students_class", kinds)
                    decided.append([tuple(map(str, dataclasses.astuple(d))) for d in pkg.evaluate(
                        msg, settings_, history, allowlist=frozenset({"лох"}) if i % 4 else frozenset(),
                        school_domains=frozenset({"school1.ru"}), quiet_notice_given=bool(i % 2))])
                    history.record(msg)
                total += 1
                fired += bool(decided[0])
                differ += decided[0] != decided[1]
    print(f"decisions: {total} messages, {fired} with a decision, {differ} decided differently")


def timing(packages: dict[str, ModuleType], texts: list[str], runs: int
           ) -> dict[str, tuple[float, float]]:
    """Messages per second through each package's pipeline, (cold word cache, warm), best of
    `runs`; the packages take turns in every run, so both see the same machine load."""
    detectors = {name: quality.pipeline_detector(pkg) for name, pkg in packages.items()}
    best: dict[str, list[float]] = {name: [float("inf"), float("inf")] for name in packages}
    for _ in range(runs):
        for name, pkg in packages.items():
            fired = detectors[name]
            for slot, cold in ((0, True), (1, False)):
                if cold:  # every word normalised afresh, as for first-seen messages
                    clear_caches(pkg)
                start = time.perf_counter()
                for text in texts:
                    fired(text)
                best[name][slot] = min(best[name][slot], time.perf_counter() - start)
    return {name: (len(texts) / b[0], len(texts) / b[1]) for name, b in best.items()}


def baseline_rate(texts: list[str], runs: int) -> float:
    def split() -> None:
        for text in texts:
            text.lower().split()

    return len(texts) / _best_of(runs, split)


def _best_of(runs: int, fn: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", action="store_true", help="list every wrong call")
    parser.add_argument("--before", default=BEFORE, help="git revision to compare with")
    parser.add_argument("--no-before", action="store_true", help="skip the comparison")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--in-situ", action="store_true",
                        help="time evaluate the way the bot calls it (only that)")
    parser.add_argument("--messages", type=int, default=6000, help="with --in-situ")
    parser.add_argument("--decisions", action="store_true",
                        help="only compare every decision with REV's on ~400,000 messages")
    args = parser.parse_args()
    if args.decisions:
        before = load_revision(args.before)
        if before is None:
            raise SystemExit(f"revision {args.before} not available")
        same_decisions(policies, before)
        return
    if args.in_situ:
        before = None if args.no_before else load_revision(args.before)
        in_situ_main({"this tree": policies} | ({args.before: before} if before else {}),
                     args.messages, args.runs)
        return

    rows = quality.load(CORPUS)
    counts = Counter(row.label for row in rows)
    print(f"corpus: {len(rows)} messages — "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    results = [quality.pipeline_detector(policies)(row.text) for row in rows]
    print_scores("this tree:", quality.score(rows, results))
    print(f"  false positives on ordinary talk: {negatives_fired(rows, results)}")
    kinds = Counter(row.kind for row in rows if row.kind)
    wrong = quality.kind_errors(rows, pd_kind)
    bad = Counter(expected for expected, _, _ in wrong)
    print("  personal data named right: " + ", ".join(
        f"{kind} {n - bad[kind]}/{n}" for kind, n in sorted(kinds.items())))
    print(f"  look-alikes: {lookalikes(policies)}")

    before = None if args.no_before else load_revision(args.before)
    if before is not None:
        old = [quality.pipeline_detector(before)(row.text) for row in rows]
        print_scores(f"revision {args.before} on the same corpus:", quality.score(rows, old))
        print(f"  false positives on ordinary talk: {negatives_fired(rows, old)}")
        print(f"  look-alikes: {lookalikes(before)}")
    elif not args.no_before:
        print(f"(revision {args.before} not available: no comparison)")

    texts = [row.text for row in rows]
    packages = {"this tree": policies} | ({args.before: before} if before is not None else {})
    rates = timing(packages, texts, args.runs)
    base = baseline_rate(texts, args.runs)
    print(f"throughput, messages/s through evaluate (best of {args.runs}; "
          f"baseline lower()+split() {base:,.0f}/s):")
    for name, (cold, warm) in rates.items():
        print(f"  {name:<12} cold word cache {cold:>8,.0f}/s ({base / cold:,.0f}× baseline), "
              f"warm {warm:>8,.0f}/s ({base / warm:,.0f}× baseline)")
    if before is not None:
        (new_cold, new_warm), (old_cold, old_warm) = rates["this tree"], rates[args.before]
        print(f"  after/before: cold {new_cold / old_cold:.2f}, warm {new_warm / old_warm:.2f}"
              " (1.00 = as fast, below 1 = slower)")
    talk = timing(packages, ordinary_talk(), args.runs)
    print("ordinary chat talk (bench/throughput.py's messages), µs per message through evaluate:")
    for name, (cold, warm) in talk.items():
        print(f"  {name:<12} cold word cache {1e6 / cold:>6.1f} µs, warm {1e6 / warm:>6.1f} µs")
    if before is not None:
        (new_cold, new_warm), (old_cold, old_warm) = talk["this tree"], talk[args.before]
        print(f"  after/before: cold {new_cold / old_cold:.2f}, warm {new_warm / old_warm:.2f}")

    if args.v:
        for policy, label, text in quality.misses(rows, results):
            print(f"  miss {policy:<14}{label:<20}{text}")
        for expected, found, text in wrong:
            print(f"  kind {expected:<9}→ {found or '—':<9}{text}")


if __name__ == "__main__":
    main()
