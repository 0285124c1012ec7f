"""The layering described in README «Устройство», checked on the source (by ``ast``, not by reading
text): VK method names only in the VK adapter, and imports only along the layers. Each check is
also shown to fail on a small synthetic module, so a check that silently matches nothing is caught.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "policies", "bench", "vkemu", "migrations")  # tests/ are not checked

Source = tuple[str, str]  # (path relative to the repository, its text)

# -- VK method names ------------------------------------------------------------------------

VK_METHOD = re.compile(r"^(messages|users|groups|docs|execute|utils|photos|wall|polls)\.[a-zA-Z]+$")
VK_ADAPTER = ("bot/vk/", "vkemu/")  # the adapter, and the emulator that plays VK
# bench/ counts what the emulator received (``call.method == "messages.delete"``), as tests do: it
# observes VK traffic from outside and is no caller of VK
OBSERVERS = ("bench/",)


def vk_method_names(sources: Iterable[Source]) -> list[str]:
    problems = []
    for path, text in sources:
        if path.startswith(VK_ADAPTER + OBSERVERS):
            continue
        for node in ast.walk(ast.parse(text, path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value == "execute" or VK_METHOD.match(node.value):
                    problems.append(f"{path}:{node.lineno}: VK method {node.value!r} outside bot/vk/")
    return problems


# -- imports against the layers -------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    layer: tuple[str, ...]  # module prefixes the rule is about
    forbidden: tuple[str, ...]  # module prefixes they must not import
    except_: tuple[str, ...] = ()  # prefixes allowed although inside ``forbidden``


RULES = (
    Rule(("policies", "bot.domain"),
         ("bot.repo", "bot.services", "bot.vk", "bot.pipeline", "bot.runtime", "handlers", "bot.web",
          "vkbottle", "aiosqlite", "aiohttp")),
    Rule(("bot.repo",), ("bot.services", "bot.vk", "bot.pipeline", "bot.runtime", "handlers", "bot.web", "vkbottle")),
    Rule(("bot.services",), ("handlers", "bot.runtime", "bot.web", "vkbottle")),
    Rule(("bot.vk",), ("bot.services", "bot.repo", "bot.pipeline", "bot.runtime", "handlers", "bot.web")),
    Rule(("bot.pipeline",), ("handlers", "bot.services", "bot.runtime", "bot.web")),
    # handlers see the composition only as the type of the container they are given
    Rule(("handlers",), ("bot.runtime", "bot.web"), except_=("bot.runtime.app",)),
    # the web cabinet is a presentation layer like handlers: it reads through services and the
    # repo and never touches VK or the event pipeline
    Rule(("bot.web",), ("bot.runtime", "handlers", "bot.vk", "bot.pipeline", "vkbottle"), except_=("bot.runtime.app",)),
)

# (importing module, imported module) -> why it is allowed for now. Keep this empty if you can.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def module_of(path: str) -> str:
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: str, text: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every import anywhere in the file, inside functions too. ``from a import
    b`` yields ``a.b``: b may be a submodule, and a name inside ``a`` is still within ``a``."""
    module = module_of(path)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(text, path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if alias.name != "*" else base


def layer_violations(sources: Iterable[Source]) -> list[str]:
    problems = []
    for path, text in sources:
        module = module_of(path)
        rules = [rule for rule in RULES if _within(module, rule.layer)]
        for line, imported in imports(path, text):
            for rule in rules:
                if not _within(imported, rule.forbidden) or _within(imported, rule.except_):
                    continue
                if any(module == m and _within(imported, (i,)) for m, i in EXCEPTIONS):
                    continue
                layer = next(p for p in rule.layer if _within(module, (p,)))
                banned = next(p for p in rule.forbidden if _within(imported, (p,)))
                problems.append(f"{path}:{line}: {module} imports {imported} ({layer} must not import {banned})")
    return problems


# -- the code as it is ----------------------------------------------------------------------


def project_sources() -> list[Source]:
    return [
        (path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]


def test_the_checks_see_the_code() -> None:
    paths = [path for path, _ in project_sources()]
    assert "bot/vk/gateway.py" in paths and "handlers/__init__.py" in paths and "policies/base.py" in paths


def test_vk_method_names_only_in_the_vk_adapter() -> None:
    problems = vk_method_names(project_sources())
    assert not problems, "\n".join(problems)


def test_imports_follow_the_layers() -> None:
    problems = layer_violations(project_sources())
    assert not problems, "\n".join(problems)


def test_every_exception_is_still_needed() -> None:
    used = {(module_of(path), imported) for path, text in project_sources() for _, imported in imports(path, text)}
    stale = [key for key in EXCEPTIONS if not any(m == key[0] and _within(i, (key[1],)) for m, i in used)]
    assert not stale, f"exceptions no longer needed, remove them: {stale}"


# -- each check can fail ----------------------------------------------------------------------


def test_a_vk_method_name_in_a_service_is_found_with_its_line() -> None:
    service = 'async def f(gateway):\n    """Calls users.get."""\n    await gateway.call("users.get", user_ids=1)\n'
    assert vk_method_names([("bot/services/x.py", service)]) == [
        "bot/services/x.py:3: VK method 'users.get' outside bot/vk/"]
    assert vk_method_names([("handlers/x.py", 'CODE = "execute"\n')]) == [
        "handlers/x.py:1: VK method 'execute' outside bot/vk/"]
    assert vk_method_names([("bot/runtime/x.py", 'M = "polls.create"\nT = "wall.post"\n')]) == [
        "bot/runtime/x.py:1: VK method 'polls.create' outside bot/vk/",
        "bot/runtime/x.py:2: VK method 'wall.post' outside bot/vk/"]


def test_vk_method_names_are_allowed_in_the_adapter_and_the_emulator() -> None:
    text = 'M = "messages.send"\n'
    assert vk_method_names([("bot/vk/x.py", text), ("vkemu/x.py", text), ("bench/x.py", text)]) == []
    # prose that mentions a method is not a method name
    assert vk_method_names([("bot/services/x.py", 'T = "see users.get and messages.send"\n')]) == []


ANSWERS = [
    ("policies/x.py", "import aiosqlite\n", "policies/x.py:1: policies.x imports aiosqlite (policies must not import aiosqlite)"),
    ("bot/domain/x.py", "def f():\n    from bot.repo import chats\n",
     "bot/domain/x.py:2: bot.domain.x imports bot.repo.chats (bot.domain must not import bot.repo)"),
    ("bot/domain/x.py", "from vkbottle.bot import Message\n",
     "bot/domain/x.py:1: bot.domain.x imports vkbottle.bot.Message (bot.domain must not import vkbottle)"),
    ("bot/repo/x.py", "from bot import services\n",
     "bot/repo/x.py:1: bot.repo.x imports bot.services (bot.repo must not import bot.services)"),
    ("bot/services/x.py", "from bot.runtime.app import App\n",
     "bot/services/x.py:1: bot.services.x imports bot.runtime.app.App (bot.services must not import bot.runtime)"),
    ("bot/services/x.py", "from handlers import common\n",
     "bot/services/x.py:1: bot.services.x imports handlers.common (bot.services must not import handlers)"),
    ("bot/vk/x.py", "from ..repo import chats\n",
     "bot/vk/x.py:1: bot.vk.x imports bot.repo.chats (bot.vk must not import bot.repo)"),
    ("bot/pipeline/x.py", "import bot.services.executor\n",
     "bot/pipeline/x.py:1: bot.pipeline.x imports bot.services.executor (bot.pipeline must not import bot.services)"),
    ("handlers/x.py", "from bot.runtime.runner import run\n",
     "handlers/x.py:1: handlers.x imports bot.runtime.runner.run (handlers must not import bot.runtime)"),
    ("handlers/x.py", "from bot.runtime import health\n",
     "handlers/x.py:1: handlers.x imports bot.runtime.health (handlers must not import bot.runtime)"),
    ("bot/web/x.py", "from bot.vk.gateway import VkGateway\n",
     "bot/web/x.py:1: bot.web.x imports bot.vk.gateway.VkGateway (bot.web must not import bot.vk)"),
    ("bot/web/x.py", "from handlers import common\n",
     "bot/web/x.py:1: bot.web.x imports handlers.common (bot.web must not import handlers)"),
    ("bot/services/x.py", "from bot.web import views\n",
     "bot/services/x.py:1: bot.services.x imports bot.web.views (bot.services must not import bot.web)"),
]


def test_an_import_against_the_layers_is_found_with_its_line() -> None:
    for path, text, problem in ANSWERS:
        assert layer_violations([(path, text)]) == [problem], text


def test_imports_along_the_layers_pass() -> None:
    allowed = [
        ("handlers/x.py", "from bot.runtime.app import App\nfrom bot.runtime import app\nfrom bot.services import roles\n"),
        ("bot/services/x.py", "from bot.repo import chats\nfrom bot.vk.gateway import VkGateway\nimport aiohttp\n"),
        ("policies/x.py", "from .base import Decision\nfrom bot.domain import clock\n"),
        ("bot/runtime/x.py", "from handlers import build\n"),  # the composition root may import anything
        ("bot/web/x.py", "from bot.runtime.app import App\nfrom bot.services import reports\nfrom bot.repo import web\n"),
        ("bot/vk/x.py", "from bot.vk.errors import VkError\nfrom bot.domain.errors import UserError\n"),
    ]
    assert layer_violations(allowed) == []
