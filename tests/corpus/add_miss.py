"""Add a reported miss or false positive to the moderation corpus, and see what the policies do
with it now. Run from the repository root:

    python tests/corpus/add_miss.py obfuscated "}|{опа"
    python tests/corpus/add_miss.py personal_data "СНИЛС 123-456-789 64" --kind snils
    python tests/corpus/add_miss.py ordinary "Марина Олеговна, спасибо!"
    python tests/corpus/add_miss.py --check "текст"     (only show what fires)
    python tests/corpus/add_miss.py --fake snils          (a made-up number with valid check digits)

Labels and columns: tests/corpus/README.md.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import policies  # noqa: E402
from bot.texts.policies import PD_KINDS  # noqa: E402
from policies.personal_data import _INN11_WEIGHTS, _INN12_WEIGHTS, _inn_digit, luhn_ok  # noqa: E402
from policies.personal_data import snils_ok  # noqa: E402
from policies.quality import TARGETS, load, pipeline_detector  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "moderation.tsv"
LABELS = ("obscene", "obfuscated", "insult", "personal_data", "link_bad", "wellbeing",
          "ordinary", "numbers", "innocent_lookalike", "link_ok")
FAKE_KINDS = ("snils", "inn", "card", "oms")


def expected_policies(label: str) -> set[str]:
    return {policy for policy, (positive, _) in TARGETS.items() if label in positive}


def verdict(text: str, label: str | None = None) -> str:
    """What the pipeline does with `text` now, and whether that is right for `label`."""
    fired = pipeline_detector(policies)(text) & set(TARGETS)
    said = ", ".join(sorted(fired)) or "nothing"
    if label is None:
        return f"fires: {said}"
    want = expected_policies(label)
    ignored = {p for p, (_, skip) in TARGETS.items() if label in skip}
    wrong = (want - fired) | ((fired - want) - ignored)
    return f"fires: {said} — " + ("right" if not wrong else "WRONG, a miss to fix: "
                                  + ", ".join(sorted(wrong)))


def add(path: Path, label: str, text: str, kind: str = "") -> None:
    """Append one row; ValueError (with what to do) for a bad label, kind, text or duplicate."""
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}; one of: {', '.join(LABELS)}")
    if label == "personal_data" and kind not in PD_KINDS:
        raise ValueError(f"personal_data needs --kind, one of: {', '.join(PD_KINDS)}")
    if label != "personal_data" and kind:
        raise ValueError("--kind is only for personal_data rows")
    if not text.strip() or any(ch in text for ch in "\t\r\n"):
        raise ValueError("the text must be one non-empty line without tabs")
    if any(row.text == text for row in load(path)):
        raise ValueError("already in the corpus")
    with path.open("rb") as f:
        f.seek(-1, 2)
        ends_with_newline = f.read(1) == b"\n"
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write(("" if ends_with_newline else "\n") + "\t".join(filter(None, (label, text, kind)))
                + "\n")


def fake(kind: str, rng: random.Random) -> str:
    """A made-up identifier with valid check digits, to stand in for a real person's."""
    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    if kind == "snils":
        while True:
            body = str(rng.randint(100_000_000, 999_999_999))
            for c in range(100):
                number = body + f"{c:02d}"
                if snils_ok(number):
                    return f"{number[:3]}-{number[3:6]}-{number[6:9]} {number[9:]}"
    if kind == "inn":
        body = str(rng.randint(1, 9)) + digits(9)
        body += str(_inn_digit(body, _INN11_WEIGHTS))
        return body + str(_inn_digit(body, _INN12_WEIGHTS))
    prefix = "2200" if kind == "card" else "77"
    body = prefix + digits(15 - len(prefix))
    return next(body + c for c in "0123456789" if luhn_ok(body + c))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("label", nargs="?")
    parser.add_argument("text", nargs="?")
    parser.add_argument("--kind", default="")
    parser.add_argument("--check", metavar="TEXT")
    parser.add_argument("--fake", choices=FAKE_KINDS)
    args = parser.parse_args(argv)
    if args.fake:
        print(fake(args.fake, random.Random()))
        return 0
    if args.check is not None:
        print(verdict(args.check))
        return 0
    if not args.label or args.text is None:
        parser.error("give a label and a text (or --check TEXT, or --fake KIND)")
    try:
        add(CORPUS, args.label, args.text, args.kind)
    except ValueError as e:
        print(f"not added: {e}", file=sys.stderr)
        return 2
    print(f"added as {args.label}; {verdict(args.text, args.label)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
