"""SQL only in ``bot/repo`` (and ``bot/db.py``, which holds what is SQLite-specific): checked on the
source by ``ast``. A string constant that starts like a statement is SQL; docstrings and other bare
string statements are prose, however they start. The check is also shown to fail on small synthetic
modules, so a check that silently matches nothing is caught.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "policies")
SQL_HOMES = ("bot/repo/", "bot/db.py")

SQL_START = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|PRAGMA|BEGIN) ", re.IGNORECASE)

Source = tuple[str, str]  # (path relative to the repository, its text)


def _prose(tree: ast.AST) -> set[int]:
    """ids of string constants that stand alone as a statement: docstrings (of modules, classes,
    functions) and attribute docs; nothing executes them."""
    return {
        id(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def sql_outside_repo(sources: Iterable[Source]) -> list[str]:
    problems = []
    for path, text in sources:
        if path.startswith(SQL_HOMES):
            continue
        tree = ast.parse(text, path)
        prose = _prose(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose
                    and SQL_START.match(node.value)):
                problems.append(f"{path}:{node.lineno}: SQL outside bot/repo: {node.value.strip()[:60]!r}")
    return sorted(problems, key=lambda p: (p.split(":")[0], int(p.split(":")[1])))


def project_sources() -> list[Source]:
    return [
        (path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


# -- the code as it is ----------------------------------------------------------------------


def test_the_check_sees_the_code() -> None:
    paths = [path for path, _ in project_sources()]
    assert {"bot/services/membership.py", "bot/runtime/health.py", "handlers/__init__.py",
            "policies/base.py", "bot/repo/people.py"} <= set(paths)
    # and it would see SQL there: the repo itself is full of it
    repo = [(path.replace("bot/repo/", "bot/services/"), text) for path, text in project_sources()
            if path.startswith("bot/repo/")]
    assert len(sql_outside_repo(repo)) > 50


def test_sql_only_in_the_repo() -> None:
    problems = sql_outside_repo(project_sources())
    assert not problems, "\n".join(problems)


# -- the check can fail -----------------------------------------------------------------------

FOUND = [
    ('V = await db.fetchval("SELECT vk_id FROM person WHERE id = ?", (1,))\n', 1, "SELECT vk_id FROM person"),
    ('async def f(db):\n    await db.execute(\n        "  update chat SET leader_id = NULL WHERE id = ?", (1,))\n',
     3, "update chat SET"),
    ('Q = (\n    "DELETE FROM kv"\n    " WHERE key = ?"\n)\n', 2, "DELETE FROM kv WHERE key"),
    ('def f(t):\n    return f"INSERT INTO {t} (a) VALUES (?)"\n', 2, "INSERT INTO"),
    ('S = """\n    WITH RECURSIVE up(id) AS (SELECT 1)\n    SELECT id FROM up"""\n', 1, "WITH RECURSIVE"),
    ('X = "\\tCREATE TABLE t (a)"\n', 1, "CREATE TABLE"),
    ('X = "alter table t ADD b"\n', 1, "alter table"),
    ('X = "DROP INDEX i"\n', 1, "DROP INDEX"),
    ('X = "PRAGMA foreign_keys = ON"\n', 1, "PRAGMA foreign_keys"),
    ('X = "BEGIN IMMEDIATE"\n', 1, "BEGIN IMMEDIATE"),
    ('X = {"a": "Select id FROM t"}\n', 1, "Select id"),
]


@pytest.mark.parametrize(("text", "line", "excerpt"), FOUND, ids=[t[2].split()[0].lower() for t in FOUND])
def test_sql_in_a_service_is_found_with_its_line(text: str, line: int, excerpt: str) -> None:
    for path in ("bot/services/x.py", "handlers/x.py", "policies/x.py", "bot/runtime/x.py", "bot/pipeline/x.py"):
        problems = sql_outside_repo([(path, text)])
        assert len(problems) == 1 and problems[0].startswith(f"{path}:{line}: SQL outside bot/repo: "), problems
        assert excerpt in problems[0]


def test_sql_is_allowed_in_the_repo_and_the_database_module() -> None:
    text = 'Q = "SELECT id FROM chat"\nP = "PRAGMA journal_mode = WAL"\n'
    assert sql_outside_repo([("bot/repo/x.py", text), ("bot/repo/sub/y.py", text), ("bot/db.py", text)]) == []
    assert len(sql_outside_repo([("bot/dbx.py", text), ("bot/repository.py", text)])) == 4


NOT_SQL = [
    '"""Delete messages for everybody."""\n',
    'def f():\n    """Update the chat title. With the new name, select members."""\n',
    'class C:\n    """Create the alert and post it."""\n    x: int = 1\n    """Drop what is not a letter."""\n',
    'T = "Удалено сообщение: SELECT не поможет"\n',
    'T = "Выберите класс (SELECT)"\n',
    'T = "SELECTED"\nU = "Updated:"\nV = "BEGIN"\nW = "with"\n',
    'log.info("%s updated %d rows", who, n)\n',
    'T = "the DELETE FROM kv happens in the repo"\n',
]


@pytest.mark.parametrize("text", NOT_SQL)
def test_prose_and_russian_texts_are_not_sql(text: str) -> None:
    assert sql_outside_repo([("bot/services/x.py", text)]) == []
