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


# -- services return typed results, not answers -----------------------------------------------
# STYLE: use cases return typed results that handlers render; a rendered answer (text, keyboard,
# ``Reply``) belongs to the handler layer. A public function of a service annotated to return
# ``str``, ``Reply`` or a tuple holding ``str`` is such an answer unless it returns data.

# "module.function" or "module.Class.method" (or a whole module) -> why it may return str.
# Keep it short; every entry is checked to be still needed.
TEXT_RETURNS: dict[str, str] = {
    "bot.services.chats.Chats.vk_name": "a person's name (data)",
    "bot.services.reach.community_ref": "the community's address, vk.me/<name> (data)",
    "bot.services.activity.DayCut.day": "a day's key, YYYY-MM-DD (data)",
    "bot.services.upkeep.due_month_key": "a month's key, YYYY-MM (data)",
    "bot.services.report_roster.snapshot_key": "a snapshot's key (data)",
    "bot.services.report_roster.RosterPart.to_json": "the stored form of a snapshot (data)",
    "bot.services.web_auth.CabinetAuth.issue_link": "a sign-in URL (data)",
    "bot.services.files.Files.upload_doc": "an uploaded document's attachment, doc{owner}_{id} (data)",
    "bot.services.polls.Polls.render": "the poll's own message and buttons, which the service sends (a side effect)",
    "bot.services.resources.pin_text": "the pinned list of resources, which the service sends (a side effect)",
    "bot.services.alerts.buttons": "the buttons of an alert the service sends to moderators (a side effect)",
    "bot.services.moderation.Moderation.mention": "a name in the public warning the service sends (a side effect)",
    "bot.services.moderation.Moderation.warning_text": "the private warning the service sends (a side effect)",
    "bot.services.moderation.Moderation.card": "the violation alert the service sends (a side effect)",
    "bot.services.moderation.Moderation.person_facts": "lines of that alert (a side effect)",
    # presentation helpers still living in services (to move to bot/texts): month words and
    # report files shared by handlers/reports.py, bot/jobs/reports.py and the web cabinet
    "bot.services.report_months": "month keys and month words of reports (presentation, shared)",
    "bot.services.report_render": "report texts and files (presentation, shared by handlers, jobs and web)",
}


def _is_text(node: ast.expr | None) -> bool:
    """An annotation naming ``str`` or ``Reply``, alone, in a union or Optional, or inside a tuple."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a quoted annotation
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(node, ast.Name):
        return node.id in ("str", "Reply")
    if isinstance(node, ast.Attribute):
        return node.attr == "Reply"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Subscript):
        base = node.value.id if isinstance(node.value, ast.Name) else getattr(node.value, "attr", "")
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return base in ("tuple", "Tuple", "Optional", "Union") and any(_is_text(a) for a in args)
    return False


def _public_functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(qualified name inside the module, def) of module functions and methods of module classes."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item


def text_returns(sources: Iterable[Source], allowed: dict[str, str] = TEXT_RETURNS) -> list[str]:
    problems = []
    for path, text in sources:
        if not path.startswith("bot/services/"):
            continue
        module = module_of(path)
        tree = ast.parse(text, path)
        for line, imported in imports(path, text):
            if _within(imported, ("handlers",)) or imported.rpartition(".")[2] == "Reply":
                problems.append(f"{path}:{line}: {module} imports {imported} (a service returns typed results)")
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Reply":
                problems.append(f"{path}:{node.lineno}: {module} defines Reply (answers belong to handlers)")
        if module in allowed:
            continue
        for name, func in _public_functions(tree):
            if _is_text(func.returns) and f"{module}.{name}" not in allowed:
                problems.append(f"{path}:{func.lineno}: {module}.{name} returns {ast.unparse(func.returns)} "
                                f"(return a typed result for the handler to render)")
    return problems


# -- handlers call services, not the repo or the gateway --------------------------------------
# A handler parses, calls a use case and renders its result. It may name the repo's types
# (``from bot.repo.pending import Pending``, constants like ``DRAFT_KIND``) but calls no repo
# function (SQL behind the services' back) and never touches a ``gateway`` (VK reads and uploads
# go through a service that maps VK's errors).


def _repo_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(names bound to a ``bot.repo`` module, names bound to a function-like name of one)."""
    modules: set[str] = set()
    functions: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _within(alias.name, ("bot.repo",)):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "bot" and any(a.name == "repo" for a in node.names):
                modules |= {a.asname or a.name for a in node.names if a.name == "repo"}
            elif _within(node.module, ("bot.repo",)):
                for alias in node.names:
                    # a class or CONSTANT is a type or a value; anything else is a module or function
                    if not alias.name[:1].isupper():
                        (modules if node.module == "bot.repo" else functions).add(alias.asname or alias.name)
    return modules, functions


def handler_shortcuts(sources: Iterable[Source]) -> list[str]:
    problems = []
    for path, text in sources:
        if not path.startswith("handlers/"):
            continue
        module = module_of(path)
        tree = ast.parse(text, path)
        modules, functions = _repo_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "gateway":
                problems.append(f"{path}:{node.lineno}: {module} uses {ast.unparse(node)} "
                                f"(VK goes through a service, e.g. app.services.files)")
            elif isinstance(node, ast.Attribute) and not node.attr[:1].isupper() and (
                    ast.unparse(node.value) in modules or ast.unparse(node.value).startswith("bot.repo.")):
                problems.append(f"{path}:{node.lineno}: {module} uses the repo function {ast.unparse(node)} "
                                f"(handlers call services)")
            elif isinstance(node, ast.Name) and node.id in functions:
                problems.append(f"{path}:{node.lineno}: {module} uses the repo function {node.id} "
                                f"(handlers call services)")
    return sorted(problems, key=lambda p: (p.split(":")[0], int(p.split(":")[1])))


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


def test_services_return_typed_results_not_answers() -> None:
    problems = text_returns(project_sources())
    assert not problems, "\n".join(problems)


def test_handlers_call_services_not_the_repo_or_the_gateway() -> None:
    problems = handler_shortcuts(project_sources())
    assert not problems, "\n".join(problems)


def test_every_text_return_allowed_is_still_needed() -> None:
    found = set()
    for path, text in project_sources():
        if path.startswith("bot/services/"):
            module = module_of(path)
            texty = {f"{module}.{name}" for name, func in _public_functions(ast.parse(text, path))
                     if _is_text(func.returns)}
            found |= texty | ({module} if texty else set())  # a whole module: it still returns some
    stale = sorted(set(TEXT_RETURNS) - found)
    assert not stale, f"no longer returning str (or gone), remove them from TEXT_RETURNS: {stale}"


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


def test_a_service_returning_an_answer_is_found_with_its_line() -> None:
    service = (
        "from handlers.replies import Reply\n"                                # 1
        "from bot.services.old import Reply as Answer\n"                      # 2
        "class Things:\n"                                                     # 3
        "    async def start(self, vk: int) -> str:\n"                        # 4
        "        return 'Начнём'\n"
        "    def ask(self) -> 'Reply':\n"                                     # 6
        "        ...\n"
        "    async def pick(self) -> tuple[str, str | None]:\n"              # 8
        "        ...\n"
        "    def maybe(self) -> Optional[str]:\n"                             # 10
        "        ...\n"
        "def render(x: int) -> Reply | None:\n"                               # 12
        "    ...\n"
        "class Reply:\n"                                                      # 14
        "    text: str\n"
    )
    assert text_returns([("bot/services/x.py", service)], allowed={}) == [
        "bot/services/x.py:1: bot.services.x imports handlers.replies.Reply (a service returns typed results)",
        "bot/services/x.py:2: bot.services.x imports bot.services.old.Reply (a service returns typed results)",
        "bot/services/x.py:14: bot.services.x defines Reply (answers belong to handlers)",
        "bot/services/x.py:4: bot.services.x.Things.start returns str (return a typed result for the handler to render)",
        "bot/services/x.py:6: bot.services.x.Things.ask returns 'Reply' (return a typed result for the handler to render)",
        "bot/services/x.py:8: bot.services.x.Things.pick returns tuple[str, str | None] "
        "(return a typed result for the handler to render)",
        "bot/services/x.py:10: bot.services.x.Things.maybe returns Optional[str] "
        "(return a typed result for the handler to render)",
        "bot/services/x.py:12: bot.services.x.render returns Reply | None (return a typed result for the handler to render)",
    ]
    # the allowlist names exactly what it lets through
    assert text_returns([("bot/services/x.py", "def name() -> str:\n    ...\n")],
                        allowed={"bot.services.x.name": "data"}) == []


def test_typed_results_private_helpers_and_other_layers_pass() -> None:
    service = (
        "from bot.services.results import Started\n"
        "class Things:\n"
        "    async def start(self, vk: int) -> Started | None:\n"
        "        ...\n"
        "    def _text(self) -> str:\n"  # a private helper composing a side-effect message
        "        ...\n"
        "    def names(self) -> list[str]:\n"
        "        ...\n"
        "def _keyboard(x: int) -> str:\n"
        "    ...\n"
    )
    assert text_returns([("bot/services/x.py", service)], allowed={}) == []
    # a view in the handler layer renders answers
    assert text_returns([("handlers/x_views.py", "def started(r) -> str:\n    ...\n")], allowed={}) == []


def test_a_handler_calling_the_repo_or_the_gateway_is_found_with_its_line() -> None:
    handler = (
        "from bot.repo import pending as pending_repo\n"                      # 1
        "from bot.repo.chats import by_peer, Chat\n"                          # 2
        "import bot.repo.meetings\n"                                          # 3
        "async def press(app, peer):\n"                                       # 4
        "    action = await pending_repo.get(app.db, 1)\n"                    # 5
        "    chat: Chat | None = await by_peer(app.db, peer)\n"               # 6
        "    await bot.repo.meetings.latest_draft(app.db, 1, (), 0)\n"       # 7
        "    data = await app.gateway.download('u', limit=1)\n"              # 8
        "    def later():\n"
        "        from bot.repo import chats\n"                                # 10
        "        return chats.ensure\n"                                       # 11
    )
    assert handler_shortcuts([("handlers/x.py", handler)]) == [
        "handlers/x.py:5: handlers.x uses the repo function pending_repo.get (handlers call services)",
        "handlers/x.py:6: handlers.x uses the repo function by_peer (handlers call services)",
        "handlers/x.py:7: handlers.x uses the repo function bot.repo.meetings.latest_draft (handlers call services)",
        "handlers/x.py:8: handlers.x uses app.gateway (VK goes through a service, e.g. app.services.files)",
        "handlers/x.py:11: handlers.x uses the repo function chats.ensure (handlers call services)",
    ]


def test_repo_types_constants_and_services_in_handlers_pass() -> None:
    handler = (
        "from bot.repo.pending import Pending\n"
        "from bot.repo import meetings as meeting_repo\n"
        "from bot.vk.gateway import is_chat_peer\n"
        "STEPS = {meeting_repo.DRAFT_KIND: ('day',)}\n"
        "async def press(app, action: Pending, peer: int) -> None:\n"
        "    if is_chat_peer(peer):\n"
        "        await app.services.pending.get(action.id)\n"
        "        await app.services.files.download('u', limit=1)\n"
    )
    assert handler_shortcuts([("handlers/x.py", handler)]) == []
    # services call the repo and the gateway: the rule is about the handler layer
    service = "from bot.repo import pending\nasync def f(db, gateway):\n    await pending.get(db, 1)\n"
    assert handler_shortcuts([("bot/services/x.py", service)]) == []
