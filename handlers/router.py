"""Compiled dispatch: the labelers' handlers indexed once at start-up, one entry point per event.

vkbottle tests every handler's rules, in order, on every message, and builds each call's
arguments by introspection (``magic_bundle``). Here the handlers of the feature labelers are
compiled once into an index per event type; for ``message_new``:

- a dict command key → handlers (``CommandRule``),
- a dict chat service action → handlers (``ActionRule``),
- the observers of ordinary chat messages (``ChatMessageRule``),
- everything else (custom rules) in registration order.

A message is reduced to its *shape* (chat or private, service action, the parsed command, a
button payload, a file); the handlers that can match a shape are merged back into registration
order once and cached. Only they are checked, with vkbottle's semantics: the first blocking
handler whose rules all pass handles the event and routing stops; a non-blocking handler runs and
routing continues; what the rules return (dicts) reaches later rules and handlers by name.

Rules may declare cheaply what they can match with a class attribute ``scope`` (see ``SCOPES``):
a necessary condition, never a sufficient one — the rule is still checked unless the shape alone
decides it (the peer constraint of ``private_message``/``chat_message``, ``ChatMessageRule``,
``ActionRule``). A rule without ``scope`` constrains nothing: its handler is checked on every
event of its kind, so no handler silently stops matching.

Exceptions of rules and handlers propagate to the caller (the pipeline retries and parks).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
import copy
from operator import is_
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from pydantic_core import TzInfo
from vkbottle.bot import BotLabeler
from vkbottle.dispatch.handlers import FromFuncHandler
from vkbottle.dispatch.return_manager.bot import BotMessageReturnHandler
from vkbottle.dispatch.rules import ABCRule
from vkbottle.dispatch.rules.base import PeerRule
from vkbottle.tools.magic import CONTEXT_NAMES, resolve_arg_names
from vkbottle.tools.mini_types.bot import MessageMin
from vkbottle_types.objects import ClientInfoForBots

from bot.runtime.app import App
from bot.vk.gateway import is_chat_peer
from handlers.rules import ActionRule, AnyCommandRule, ChatMessageRule, CommandRule, parse_message

MESSAGE_NEW = "message_new"

# what a rule's ``scope`` may say it needs (each a necessary condition of the rule passing)
SCOPES = {
    "command:<key>": "a command of the catalogue with this key (parse_message)",
    "any_command": "anything parse_message takes for a command (known or not)",
    "known_command": "a command of the catalogue (any key)",
    "action:<type>[,<type>…]": "a chat service message of one of these types",
    "chat_text": "an ordinary message from a user in a chat (ChatMessageRule)",
    "private": "a message from a user outside chats",
    "payload": "a message carrying a button payload",
    "document": "a message with a document attached",
}

_CACHE_LIMIT = 4096  # shapes are few (commands × peers × actions); a bound all the same


class Shape(NamedTuple):
    """What of a message decides which handlers can match it."""

    peer_chat: bool  # vkbottle's PeerRule: peer_id != from_id
    chat_text: bool  # ChatMessageRule
    private: bool  # not a chat peer, from a user
    action: str | None  # the service action's type
    command: bool  # parse_message found a command
    key: str | None  # its catalogue key
    payload: bool
    document: bool


@dataclass(frozen=True)
class Needs:
    """The conjunction of what a handler's rules need (None / False: no constraint)."""

    peer_chat: bool | None = None
    commands: frozenset[str] | None = None
    actions: frozenset[str] | None = None
    any_command: bool = False
    known_command: bool = False
    chat_text: bool = False
    private: bool = False
    payload: bool = False
    document: bool = False

    def admits(self, shape: Shape) -> bool:
        return not (
            (self.peer_chat is not None and shape.peer_chat is not self.peer_chat)
            or (self.commands is not None and shape.key not in self.commands)
            or (self.actions is not None and shape.action not in self.actions)
            or (self.any_command and not shape.command)
            or (self.known_command and shape.key is None)
            or (self.chat_text and not shape.chat_text)
            or (self.private and not shape.private)
            or (self.payload and not shape.payload)
            or (self.document and not shape.document)
        )


def _and(a: frozenset[str] | None, b: frozenset[str]) -> frozenset[str]:
    return b if a is None else a & b


def scope_of(rule: ABCRule[Any]) -> tuple[str, ...]:
    """The scope tokens a rule declares (its class attribute or property ``scope``)."""
    if type(rule) is PeerRule:
        return ("peer:chat",) if rule.from_chat else ("peer:private",)
    scope = getattr(rule, "scope", ())
    if isinstance(scope, str):
        return (scope,)
    return tuple(scope)


def needs_of(rules: Iterable[ABCRule[Any]]) -> Needs:
    fields: dict[str, Any] = {}
    for rule in rules:
        for token in scope_of(rule):
            name, _, arg = token.partition(":")
            if name == "peer" and arg in ("chat", "private"):
                chat = arg == "chat"
                if fields.get("peer_chat", chat) is not chat:
                    fields["never"] = True  # contradictory constraints: never matches
                fields["peer_chat"] = chat
            elif name == "command" and arg:
                fields["commands"] = _and(fields.get("commands"), frozenset({arg}))
            elif name == "action" and arg:
                fields["actions"] = _and(fields.get("actions"), frozenset(arg.split(",")))
            elif not arg and name in ("any_command", "known_command", "chat_text", "private", "payload",
                                      "document"):
                fields[name] = True
            else:
                raise ValueError(f"{type(rule).__name__}: unknown rule scope {token!r} (see handlers.router.SCOPES)")
    if fields.pop("never", False):
        return Needs(commands=frozenset())  # matches no shape
    return Needs(**fields)


def _decided(rule: ABCRule[Any]) -> bool:
    """Whether the shape alone decides the rule (it passes for every admitted shape, returning
    True): such rules are not called. Exact classes only — a subclass may check more."""
    return type(rule) in (PeerRule, ChatMessageRule, ActionRule)


class _Check(NamedTuple):
    check: Callable[..., Awaitable[Any]]
    names: tuple[str, ...]  # context values the check takes by name
    context_name: str | None  # takes the whole context under this name


def _params(func: Callable[..., Any]) -> tuple[tuple[str, ...], str | None]:
    """The names a callable takes after its event (as vkbottle's magic_bundle reads them)."""
    names = resolve_arg_names(func, start_idx=1)
    context_name = next((name for name in CONTEXT_NAMES if name in names), None)
    return names, context_name


@dataclass(frozen=True)
class Route:
    """One compiled handler."""

    order: int  # registration order within its event type
    func: Callable[..., Awaitable[Any]]
    rules: tuple[ABCRule[Any], ...]  # all of them, as registered
    checks: tuple[_Check, ...]  # those called per event (not decided by the shape)
    blocking: bool
    needs: Needs
    params: tuple[str, ...]
    context_name: str | None
    model: type[Any] | None = None  # raw events: the model the handler gets (dict or a dataclass)
    # the handler's arguments when no rule returned anything (taken from the router's context
    # once, at start-up); None when the handler takes the whole context
    arguments: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return getattr(self.func, "__name__", repr(self.func))

    @staticmethod
    def compile(order: int, handler: Any, model: type[Any] | None = None,
                context: dict[str, Any] | None = None) -> Route:
        if not isinstance(handler, FromFuncHandler):
            raise TypeError(f"cannot compile handler {handler!r}: not a function handler")
        rules = tuple(handler.rules)
        checks = []
        for rule in rules:
            if model is None and _decided(rule):
                continue
            names, context_name = _params(rule.check)
            checks.append(_Check(rule.check, names, context_name))
        params, context_name = _params(handler.handler)
        arguments = None
        if context is not None and context_name is None:
            arguments = _arguments(params, context)
        return Route(
            order=order, func=handler.handler, rules=rules, checks=tuple(checks), blocking=handler.blocking,
            needs=needs_of(rules) if model is None else Needs(), params=params, context_name=context_name,
            model=model, arguments=arguments,
        )


def _arguments(params: tuple[str, ...], context: dict[str, Any]) -> dict[str, Any]:
    """What a handler gets by name from a context (as vkbottle's magic_bundle gives it)."""
    return {name: context[name] for name in params if name in context}


class Router:
    """The compiled handlers of the labelers; ``route(event)`` is the one entry point."""

    def __init__(self, labelers: Sequence[BotLabeler], *, context: dict[str, Any], group_id: int,
                 screen_name: str | None, api: Any = None) -> None:
        self.context = dict(context)  # what every handler may take by name (``app``)
        self.group_id = group_id
        self.screen_name = screen_name
        self.api = api
        self.returns = BotMessageReturnHandler()
        messages: list[Any] = []
        raw: dict[str, list[Any]] = {}
        for labeler in labelers:
            view = labeler.message_view
            if view.middlewares or labeler.raw_event_view.middlewares:
                raise ValueError("labeler middlewares are not run by the compiled router")
            messages.extend(view.handlers)
            for kind, basements in labeler.raw_event_view.handlers.items():
                raw.setdefault(str(getattr(kind, "value", kind)), []).extend(basements)
        self.routes = tuple(Route.compile(i, handler, context=self.context) for i, handler in enumerate(messages))
        self.raw = {kind: tuple(Route.compile(i, b.handler, b.dataclass, self.context)
                                for i, b in enumerate(basements))
                    for kind, basements in raw.items()}
        # the index of message_new
        self.by_command: dict[str, list[Route]] = {}
        self.by_action: dict[str, list[Route]] = {}
        self.chat_text: list[Route] = []
        self.generic: list[Route] = []
        for route in self.routes:
            needs = route.needs
            if needs.commands is not None:
                for key in needs.commands:
                    self.by_command.setdefault(key, []).append(route)
            elif needs.actions is not None:
                for kind in needs.actions:
                    self.by_action.setdefault(kind, []).append(route)
            elif needs.chat_text:
                self.chat_text.append(route)
            else:
                self.generic.append(route)
        self._plans: dict[Shape, tuple[Route, ...]] = {}

    @property
    def commands(self) -> set[str]:
        """The catalogue keys some handler takes (help lists only these)."""
        return {rule.key for route in self.routes for rule in route.rules if isinstance(rule, CommandRule)}

    def shape(self, message: Any) -> Shape:
        peer, sender, action = message.peer_id, message.from_id, message.action
        kind = None if action is None else str(getattr(action.type, "value", action.type))
        cmd = parse_message(message, self.group_id, self.screen_name)
        chat_peer = is_chat_peer(peer)
        attachments = message.attachments
        return Shape(
            peer_chat=peer != sender, chat_text=chat_peer and action is None and sender > 0,
            private=not chat_peer and sender > 0, action=kind, command=cmd is not None,
            key=cmd.key if cmd is not None else None, payload=bool(message.payload),
            document=bool(attachments) and any(a.doc is not None for a in attachments),
        )

    def plan(self, shape: Shape) -> tuple[Route, ...]:
        """The handlers that can match messages of this shape, in registration order."""
        found = self._plans.get(shape)
        if found is not None:
            return found
        pool: list[Route] = list(self.generic)
        if shape.key is not None:
            pool += self.by_command.get(shape.key, ())
        if shape.action is not None:
            pool += self.by_action.get(shape.action, ())
        if shape.chat_text:
            pool += self.chat_text
        found = tuple(sorted((r for r in pool if r.needs.admits(shape)), key=lambda r: r.order))
        if len(self._plans) < _CACHE_LIMIT:
            self._plans[shape] = found
        return found

    async def route(self, event: dict[str, Any], ctx_api: Any = None) -> None:
        """Handle one event: its message (``message_new``) through the index, then the raw
        handlers of its type."""
        kind = event["type"]
        api = ctx_api if ctx_api is not None else self.api
        if kind == MESSAGE_NEW and self.routes:
            message = message_of(event, api)
            plan = self.plan(self.shape(message))
            if plan:
                await self._run(plan, lambda route: message)
        raw = self.raw.get(kind)
        if raw:
            models: dict[type[Any], Any] = {}  # each model built once per event

            def model_of(route: Route) -> Any:
                assert route.model is not None
                model = models.get(route.model)
                if model is None:
                    model = models[route.model] = route.model(**event)
                    if isinstance(model, dict):
                        model["ctx_api"] = api
                    else:
                        model.unprepared_ctx_api = api
                return model

            await self._run(raw, model_of)

    async def _run(self, routes: tuple[Route, ...], model_of: Callable[[Route], Any]) -> None:
        context = self.context  # replaced (never changed) by what matching rules return
        for route in routes:
            event = model_of(route)
            if route.checks:  # (most chat observers have none: the shape decided their rules)
                passed = await self._rules(route, event, context)
                if passed is None:
                    continue
                context = passed
            # the handler's call (its arguments as vkbottle's magic_bundle gives them), inline:
            # a coroutine less per handler
            kwargs = route.arguments
            if kwargs is None or context is not self.context:
                kwargs = _arguments(route.params, context)
                if route.context_name is not None:
                    kwargs[route.context_name] = dict(context)
            response = await route.func(event, **kwargs)
            if response is not None:  # vkbottle answers what a handler returns (none of ours does)
                await self._answer(response, event, context)
            if route.blocking:
                break

    @staticmethod
    async def _rules(route: Route, event: Any, context: dict[str, Any]) -> dict[str, Any] | None:
        """None when a rule fails; else the context with what the rules returned (the same
        object when they returned nothing)."""
        current = context
        for check, names, context_name in route.checks:
            if names:
                kwargs = {name: current[name] for name in names if name in current}
                if context_name is not None:
                    kwargs[context_name] = dict(current)
                result = await check(event, **kwargs)
            else:
                result = await check(event)
            if result is False or result is None:
                return None
            if result is True:
                continue
            if current is context:
                current = dict(context)
            current.update(result)
        return current

    async def _answer(self, response: Any, event: Any, context: dict[str, Any]) -> None:
        handler = self.returns.get_handler(response)
        if handler is not None:
            await handler(self.returns, response, event, context)


def message_of(event: dict[str, Any], api: Any) -> MessageMin:
    """vkbottle's ``message_min`` with one validation instead of two: it validates the whole
    update, dumps the message back to a dict and validates that again (a third of the cost of
    a chat message's routing). The same model from the same fields (tests/unit/test_router.py).
    A plain message (nothing but scalars of the expected types, no attachments, forwards,
    replies or service action: nearly every chat message) is built without pydantic's
    validation at all (``_plain``), to the same fields, types and field set."""
    obj = event.get("object")
    if not isinstance(obj, dict) or not isinstance(obj.get("message"), dict):
        raise RuntimeError("Please set longpoll to latest version")  # what message_min says
    raw = obj["message"]
    client_info = _client_info(obj.get("client_info"))
    group_id = event.get("group_id")
    plain = _plain(raw, client_info, group_id, api)
    if plain is not None:
        return plain
    return MessageMin.model_validate({**raw, "client_info": client_info, "group_id": group_id,
                                      "replace_mention": False, "unprepared_ctx_api": api})


# The fields of MessageMin a plain message may carry, by the type VK sends (and the model keeps):
_INTS = frozenset({"conversation_message_id", "from_id", "id", "version", "peer_id", "random_id", "admin_author_id",
                   "update_time", "members_count", "reaction_id", "last_reaction_id", "pinned_at"})
_BOOLS = frozenset({"out", "important", "is_hidden", "deleted", "is_cropped", "is_silent", "is_unavailable",
                    "is_pinned", "was_listened"})
_STRS = frozenset({"text", "payload", "ref", "ref_source"})
_EMPTY_LISTS = frozenset({"attachments", "fwd_messages"})  # plain only when empty
_DATE_LIMIT = 10**10  # pydantic reads larger numbers as milliseconds
_UTC = TzInfo(0)  # the tzinfo pydantic gives a datetime it parses from a number
_PRIVATE: dict[str, Any] = {name: attr.get_default() for name, attr in MessageMin.__private_attributes__.items()}
_DEFAULTS: dict[str, Any] = {name: (None if info.is_required() else info.get_default(call_default_factory=False))
                             for name, info in MessageMin.model_fields.items()}
_CLIENT_INFO: list[tuple[dict[str, Any], Any]] = []  # the last client_infos seen and their models
_CLIENT_INFOS = 8


def _client_info(value: Any) -> Any:
    """The ClientInfoForBots of an event: VK sends the same one again and again, validated
    once (the model is never changed; pydantic takes an instance of it as it is)."""
    if not isinstance(value, dict):
        return value  # None (or anything else: validated with the message)
    for seen, model in _CLIENT_INFO:  # a few kinds of client (and languages) write
        if seen == value:
            return model
    model = ClientInfoForBots.model_validate(value)
    _CLIENT_INFO.insert(0, (copy.deepcopy(value), model))
    del _CLIENT_INFO[_CLIENT_INFOS:]
    return model


def _plain(raw: dict[str, Any], client_info: Any, group_id: Any, api: Any) -> MessageMin | None:
    """The model of a plain message as pydantic would build it, or None (not plain: pydantic
    validates it). Plain: every key a scalar field with the type VK sends it as (``_WIRE``, no
    None), ``out`` 0 or 1, ``date`` seconds, ``attachments``/``fwd_messages`` empty; vkbottle's
    validators (mention replacement off, foreign messages none) have nothing to do for it."""
    if not (all(map(is_, map(type, raw.values()), map(_WIRE.get, raw))) and _REQUIRED <= raw.keys()
            and (group_id is None or type(group_id) is int)
            and (client_info is None or type(client_info) is ClientInfoForBots)):
        return None
    out, date = raw["out"], raw["date"]
    if not (out == 0 or out == 1) or not 0 <= date < _DATE_LIMIT or raw.get("attachments") or raw.get("fwd_messages"):
        return None
    values = {**_DEFAULTS, **raw}
    values["out"] = out == 1
    values["date"] = _date(date)
    values["fwd_messages"] = []  # its default (a factory's), or the empty list sent: never shared
    if "attachments" in raw:
        values["attachments"] = []
    values["client_info"] = client_info
    values["group_id"] = group_id
    values["replace_mention"] = False
    values["unprepared_ctx_api"] = api
    message = _new(MessageMin)
    _set(message, "__dict__", values)
    _set(message, "__pydantic_fields_set__", _GIVEN.union(raw))
    _set(message, "__pydantic_extra__", None)
    _set(message, "__pydantic_private__", _PRIVATE.copy())
    return message


_LAST_DATE: list[Any] = [None, None]  # the last date read and its datetime (a burst shares seconds)


def _date(seconds: int) -> datetime:
    if _LAST_DATE[0] == seconds:
        return _LAST_DATE[1]  # a datetime: stored below
    value = datetime.fromtimestamp(seconds, _UTC)
    _LAST_DATE[:] = [seconds, value]
    return value


# the type VK sends each field of a plain message as (``out`` an int, 0 or 1, read as a bool;
# ``date`` a number of seconds)
_WIRE: dict[str, type] = {
    **{name: int for name in _INTS}, **{name: bool for name in _BOOLS - {"out"}}, **{name: str for name in _STRS},
    **{name: list for name in _EMPTY_LISTS}, "date": int, "out": int}
# the type a plain message's value has in the model, by field (the test checks them against it)
_PLAIN: dict[str, type] = {**_WIRE, "date": datetime, "out": bool}
_REQUIRED = frozenset(name for name, info in MessageMin.model_fields.items() if info.is_required())
_GIVEN = frozenset({"client_info", "group_id", "replace_mention", "unprepared_ctx_api"})
_new = object.__new__
_set = object.__setattr__


def describe(router: Router) -> str:
    """The index in one paragraph (for a reader debugging which handlers an event meets)."""
    lines = [f"message_new: {len(router.routes)} handlers; commands {len(router.by_command)}, "
             f"actions {len(router.by_action)}, chat observers {len(router.chat_text)}, generic {len(router.generic)}"]
    lines += [f"{kind}: {len(routes)} handlers" for kind, routes in router.raw.items()]
    return "\n".join(lines)


def compile_handlers(app: App) -> Router:
    """The router of all feature handlers of an App (``handlers.build_labelers``)."""
    from handlers import build_labelers
    from handlers.context import handler_context

    return Router(build_labelers(app), context=handler_context(app), group_id=app.group_id,
                  screen_name=app.screen_name, api=app.api)
