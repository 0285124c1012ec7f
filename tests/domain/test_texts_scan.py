"""No «(а)» forms anywhere the bot writes from: every text about a person agrees with them
(bot.texts.gendered, bot.domain.gender.pick) or is worded without gender. Scans the string
literals (f-strings included) of bot/, handlers/ and policies/ by ``ast`` (and the web templates),
so comments and
docstrings that quote a bad form as an example are not counted."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "handlers", "policies")
# «привязан(а)», «вошёл(ла)», «записался(ась)», «ученик(ца)», «привязан/а», «допущен(-а)»
BOTH_GENDERS = re.compile(r"[а-яё]\(-?(?:а|я|ась|ла|лась|на|ая|ца|ка|ёл|ёлся)\)"
                          r"|[а-яё]/-?(?:а|ась|ла|лась|ая)(?![а-яё])", re.IGNORECASE)


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _offenders(source: str, name: str) -> list[str]:
    return [f"{name}:{line}: {text!r}" for line, text in _literals(ast.parse(source)) if BOTH_GENDERS.search(text)]


def test_no_both_gender_forms_in_bot_texts() -> None:
    found: list[str] = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            found += _offenders(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "bot").rglob("*.html")):  # the web cabinet's templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BOTH_GENDERS.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()!r}")
    assert not found, "write texts that agree with the person (bot.texts.gendered):\n" + "\n".join(found)


def test_the_scan_catches_such_forms() -> None:
    bad = ['X = "Зачислен(а): {name}"', 'X = f"{name} привязан(а) к VK"', 'X = "вошёл(ла) в беседу"',
           'X = "записался(ась)"', 'X = "привязан/а"', 'X = "допущен(-а)"']
    for source in bad:
        assert _offenders(source, "m"), source
    good = ['X = "Зачислена: {name}"', 'X = "предупреждений (за 30 дней)"', 'X = "ссылки (t.me)"',
            'def f():\n    """«(а)» forms are never used"""', 'X = "класс(ы) 5А"']
    for source in good:
        assert not _offenders(source, "m"), source
