"""Capabilities are typed (bot/domain/capabilities.py): the role matrix, the command catalogue and
every permission check name the same ``Capability``. Checked on the source by ``ast`` like
tests/unit/test_layers.py: a capability the matrix does not know fails wherever it is written as a
string, and services, handlers, jobs and the web cabinet write none as a string literal. Each check
is also shown to fail on a small synthetic module."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bot.domain.capabilities import Capability
from bot.domain.commands import CATALOG
from bot.services.access import CAPABILITIES
from tests.unit.test_layers import Source, project_sources

# calls whose argument at this index (after ``self``) is a capability
CAPABILITY_ARGS = {
    "allowed": 1,  # access.allowed(caller, capability, org_id[, ancestors]), Menus.allowed's section is a str
    "allowed_somewhere": 1,
    "home_orgs": 1,
    "resolve": 1,  # Orgs.resolve(caller, capability, code, …)
    "orgs": 1,  # Menus.orgs(caller, capability)
    "_org": 2,  # Chats._org(caller, command, capability)
    "_school": 5,  # handlers.menus._school(app, caller, peer_id, org, screen, capability)
}
# where a capability must be an enum member, never a string literal
TYPED = ("bot/services/", "handlers/", "bot/web/", "bot/jobs/", "bot/domain/")
# path -> why string literals stay there. Keep this short (empty: the role matrix is keyed by the enum too).
LITERALS_ALLOWED: dict[str, str] = {}
KNOWN = {c.value for c in Capability}


def _named_capability(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name.lower() in ("capability", "cap")


def _capability_literals(tree: ast.AST) -> Iterable[tuple[int, str]]:
    """(line, value) of every string literal standing where a capability goes."""
    def literal(node: ast.AST | None) -> Iterable[tuple[int, str]]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.IfExp):  # "chat_bind" if bind else "chat_create"
            yield from literal(node.body)
            yield from literal(node.orelse)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            index = CAPABILITY_ARGS.get(name)
            if name == "allowed" and isinstance(func, ast.Attribute) and "menus" in ast.unparse(func.value):
                index = None  # Menus.allowed(caller, section, org_id): a start menu's section
            if index is not None and len(node.args) > index:
                yield from literal(node.args[index])
            for keyword in node.keywords:
                if keyword.arg == "capability":
                    yield from literal(keyword.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args.posonlyargs + node.args.args
            defaults = dict(zip([a.arg for a in arguments][len(arguments) - len(node.args.defaults):],
                                node.args.defaults))
            defaults |= {a.arg: d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None}
            for arg, default in defaults.items():
                if arg == "capability":
                    yield from literal(default)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id.endswith("CAPABILITY") for t in targets):
                yield from literal(node.value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "CAPABILITIES":
            yield from literal(node.slice)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_named_capability(side) for side in sides):
                for side in sides:
                    yield from literal(side)
                    if isinstance(side, (ast.Tuple, ast.List, ast.Set)):
                        for element in side.elts:
                            yield from literal(element)


def capability_problems(sources: Iterable[Source], allowed: dict[str, str] = LITERALS_ALLOWED) -> list[str]:
    problems = []
    for path, text in sources:
        for line, value in _capability_literals(ast.parse(text, path)):
            if value and value not in KNOWN:
                problems.append(f"{path}:{line}: unknown capability {value!r} (bot/domain/capabilities.py)")
            elif path.startswith(TYPED) and path not in allowed:
                problems.append(f"{path}:{line}: capability {value!r} as a string: use Capability.{value.upper()}")
    return sorted(problems, key=lambda p: (p.split(":")[0], int(p.split(":")[1])))


# -- the code as it is ----------------------------------------------------------------------


def test_the_matrix_and_the_enum_name_the_same_capabilities() -> None:
    assert set(CAPABILITIES) == KNOWN
    assert all(CAPABILITIES[c] for c in Capability)  # a StrEnum member finds its row


def test_the_catalogue_declares_typed_capabilities() -> None:
    assert all(isinstance(spec.capability, Capability) for spec in CATALOG), \
        [spec.key for spec in CATALOG if not isinstance(spec.capability, Capability)]


def test_no_capability_is_written_as_a_string() -> None:
    problems = capability_problems(project_sources())
    assert not problems, "\n".join(problems)


def test_every_literal_allowed_is_still_needed() -> None:
    sources = dict(project_sources())
    stale = [path for path in LITERALS_ALLOWED
             if path not in sources or not list(_capability_literals(ast.parse(sources[path], path)))]
    assert not stale, f"no capability literals left, remove them from LITERALS_ALLOWED: {stale}"


# -- the checks themselves ------------------------------------------------------------------

BAD_SERVICE = '''
from bot.domain.capabilities import Capability
CAPABILITY = "report_view"
class S:
    async def f(self, caller, org_id):
        if await self.access.allowed(caller, "chat_moderate", org_id):
            return await self.orgs.resolve(caller, "school_view", None, purpose=None)
        ids = await self.access.home_orgs(caller, "alert_receive")
        return allowed_somewhere(caller, Capability.CHAT_BIND)
    def g(self, spec, capability: str = "roster_manage"):
        return spec.capability == "everyone" or capability in ("chat_create", "chat_bind")
'''


def test_a_capability_literal_in_a_service_is_found_with_its_line() -> None:
    problems = capability_problems([("bot/services/bad.py", BAD_SERVICE)])
    assert problems == [
        "bot/services/bad.py:3: capability 'report_view' as a string: use Capability.REPORT_VIEW",
        "bot/services/bad.py:6: capability 'chat_moderate' as a string: use Capability.CHAT_MODERATE",
        "bot/services/bad.py:7: capability 'school_view' as a string: use Capability.SCHOOL_VIEW",
        "bot/services/bad.py:8: unknown capability 'alert_receive' (bot/domain/capabilities.py)",
        "bot/services/bad.py:10: capability 'roster_manage' as a string: use Capability.ROSTER_MANAGE",
        "bot/services/bad.py:11: capability 'everyone' as a string: use Capability.EVERYONE",
        "bot/services/bad.py:11: capability 'chat_create' as a string: use Capability.CHAT_CREATE",
        "bot/services/bad.py:11: capability 'chat_bind' as a string: use Capability.CHAT_BIND",
    ], problems


def test_handlers_confirmers_and_the_cabinet_are_checked_too() -> None:
    handler = '@confirmer("import", capability="roster_manage")\nasync def f(): ...\n' \
              'x = CAPABILITIES["report_veiw"]\n'
    assert capability_problems([("handlers/h.py", handler), ("bot/web/w.py", handler)]) == [
        "bot/web/w.py:1: capability 'roster_manage' as a string: use Capability.ROSTER_MANAGE",
        "bot/web/w.py:3: unknown capability 'report_veiw' (bot/domain/capabilities.py)",
        "handlers/h.py:1: capability 'roster_manage' as a string: use Capability.ROSTER_MANAGE",
        "handlers/h.py:3: unknown capability 'report_veiw' (bot/domain/capabilities.py)",
    ]


def test_an_unknown_capability_fails_even_where_literals_are_allowed() -> None:
    text = 'def allowed_somewhere(caller, capability):\n    return capability == "evryone"\n' \
           'def f(caller):\n    return allowed_somewhere(caller, "everyone")\n'
    allowed = {"bot/services/access.py": "a path where literals would be allowed"}
    assert capability_problems([("bot/services/access.py", text)], allowed) == [
        "bot/services/access.py:2: unknown capability 'evryone' (bot/domain/capabilities.py)",
    ]


def test_enum_members_and_other_strings_pass() -> None:
    text = '''
from bot.domain.capabilities import Capability
async def f(self, caller, section, org_id):
    await self.menus.allowed(caller, section, org_id)
    await self.access.allowed(caller, Capability.CHAT_BIND, org_id)
    return Path("x").resolve(), timezones.resolve("Москва"), self.orgs.resolve(caller, Capability.ROLE_MANAGE, "sch-a")
'''
    assert capability_problems([("bot/services/ok.py", text)]) == []
