"""The compiled router (handlers/router.py): vkbottle's routing semantics — registration order,
the first matching blocking handler stops, non-blocking observers run and routing continues,
peer constraints, what rules return reaching handlers by name — with only the handlers that can
match an event ever checked."""

from __future__ import annotations

import itertools
import json
from typing import Any
from unittest.mock import MagicMock

import pytest
from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, Message, MessageEvent
from vkbottle.dispatch.base import Router as VkRouter
from vkbottle.dispatch.dispenser import BuiltinStateDispenser
from vkbottle.dispatch.rules import ABCRule
from vkbottle.exception_factory import ErrorHandler

from handlers.router import Router, Shape, compile_handlers, needs_of
from handlers.rules import ActionRule, AnyCommandRule, ChatMessageRule, CommandRule

GROUP = 1000
SCREEN = "zavuch"
CHAT = 2_000_000_001
USER = 7
APP = object()


def message_event(peer: int, sender: int, text: str = "", *, action: str | None = None,
                  payload: dict[str, Any] | None = None, doc: bool = False) -> dict[str, Any]:
    """A ``message_new`` event shaped like VK's (API 5.199)."""
    message: dict[str, Any] = {
        "date": 1, "from_id": sender, "id": 0, "out": 0, "version": 0, "conversation_message_id": 1,
        "fwd_messages": [], "important": False, "is_hidden": False, "peer_id": peer, "random_id": 0,
        "text": text, "attachments": [],
    }
    if action is not None:
        message["action"] = {"type": action, "member_id": sender}
    if payload is not None:
        message["payload"] = json.dumps(payload)
    if doc:
        message["attachments"] = [{"type": "doc", "doc": {"id": 1, "owner_id": sender, "title": "a.xlsx",
                                                          "size": 10, "ext": "xlsx", "date": 1, "type": 1,
                                                          "url": "https://vk.com/doc1_1"}}]
    return {"type": "message_new", "event_id": "e", "v": "5.199", "group_id": GROUP,
            "object": {"message": message, "client_info": {
                "button_actions": ["text", "callback"], "keyboard": True, "inline_keyboard": True,
                "carousel": True, "lang_id": 0}}}


class Counting(ABCRule[Message]):
    """A rule that counts its checks; ``scope`` as given."""

    def __init__(self, result: Any, scope: tuple[str, ...] = ()) -> None:
        self.result = result
        self.scope = scope
        self.checks = 0

    async def check(self, event: Message) -> Any:
        self.checks += 1
        return self.result


def router_of(*labelers: BotLabeler) -> Router:
    return Router(labelers, context={"app": APP}, group_id=GROUP, screen_name=SCREEN, api=MagicMock())


def cmd(key: str) -> CommandRule:
    return CommandRule(key, GROUP, SCREEN)


async def test_first_blocking_handler_stops_routing_observers_continue() -> None:
    bl = BotLabeler()
    calls: list[str] = []

    @bl.message(ChatMessageRule(), blocking=False)
    async def observer(message: Message, app: object) -> None:
        assert app is APP
        calls.append("observer")

    @bl.chat_message(cmd("help"))
    async def first(message: Message, app: object, cmd: Any) -> None:
        assert cmd.key == "help"
        calls.append("first")

    @bl.message(cmd("help"))
    async def second(message: Message) -> None:
        calls.append("second")

    @bl.message(AnyCommandRule(GROUP, SCREEN))
    async def fallback(message: Message) -> None:
        calls.append("fallback")

    router = router_of(bl)
    await router.route(message_event(CHAT, USER, "/помощь"))
    assert calls == ["observer", "first"]
    calls.clear()
    await router.route(message_event(USER, USER, "/помощь"))  # first is chat-only: the next takes it
    assert calls == ["second"]
    calls.clear()
    await router.route(message_event(CHAT, USER, "просто текст"))
    assert calls == ["observer"]


async def test_commands_index_and_the_fallback_last() -> None:
    bl = BotLabeler()
    calls: list[str] = []

    for key in ("help", "rules", "settings"):
        @bl.message(cmd(key))
        async def handler(message: Message, cmd: Any) -> None:
            calls.append(cmd.key)

    @bl.private_message(cmd("create"))
    async def create(message: Message) -> None:
        calls.append("create")

    fallback_rule = AnyCommandRule(GROUP, SCREEN)

    @bl.message(fallback_rule)
    async def fallback(message: Message, cmd: Any) -> None:
        calls.append(f"fallback:{cmd.key}")

    router = router_of(bl)
    assert set(router.by_command) == {"help", "rules", "settings", "create"}
    assert router.commands == {"help", "rules", "settings", "create"}
    await router.route(message_event(CHAT, USER, "/правила"))
    assert calls == ["rules"]
    calls.clear()
    # a private command in a chat and an unknown command: the fallback, registered last
    await router.route(message_event(CHAT, USER, "/создать 5а"))
    await router.route(message_event(CHAT, USER, "/абракадабра"))
    assert calls == ["fallback:create", "fallback:None"]
    calls.clear()
    await router.route(message_event(USER, USER, "/создать 5а"))
    assert calls == ["create"]
    # for a command only its own handlers and the catch-alls are candidates
    plan = router.plan(router.shape(_model(message_event(CHAT, USER, "/правила"), router)))
    assert [r.name for r in plan] == ["handler", "fallback"]


async def test_a_plain_chat_message_checks_no_handler_that_cannot_match_it() -> None:
    bl = BotLabeler()
    private_text = Counting({"draft": 1}, scope=("private",))
    commands = [Counting({"x": 1}, scope=(f"command:k{i}",)) for i in range(30)]
    payload = Counting(True, scope=("payload",))
    unscoped = Counting(False)  # declares nothing: checked on every message, never skipped
    seen: list[str] = []

    @bl.message(ChatMessageRule(), blocking=False)
    async def counter(message: Message) -> None:
        seen.append("counter")

    @bl.private_message(private_text)
    async def typed(message: Message) -> None:
        seen.append("typed")

    for rule in commands:
        @bl.message(rule)
        async def command(message: Message) -> None:
            seen.append("command")

    @bl.message(payload)
    async def pressed(message: Message) -> None:
        seen.append("pressed")

    @bl.message(unscoped)
    async def custom(message: Message) -> None:
        seen.append("custom")

    router = router_of(bl)
    for i in range(5):
        await router.route(message_event(CHAT, USER, f"текст {i}"))
    assert seen == ["counter"] * 5
    assert private_text.checks == 0 and payload.checks == 0
    assert sum(rule.checks for rule in commands) == 0
    assert unscoped.checks == 5
    # privately the dialog's rule is checked (and takes the text)
    await router.route(message_event(USER, USER, "текст"))
    assert private_text.checks == 1 and seen[-1] == "typed"


async def test_peer_constraints_and_actions() -> None:
    bl = BotLabeler()
    calls: list[str] = []

    @bl.message(ActionRule("chat_invite_user", "chat_invite_user_by_link"))
    async def invited(message: Message) -> None:
        calls.append("invited")

    @bl.chat_message(ActionRule("chat_kick_user"))
    async def left(message: Message) -> None:
        calls.append("left")

    @bl.private_message(Counting(True))
    async def private(message: Message) -> None:
        calls.append("private")

    @bl.chat_message(Counting(True))
    async def chat(message: Message) -> None:
        calls.append("chat")

    router = router_of(bl)
    await router.route(message_event(CHAT, USER, action="chat_invite_user_by_link"))
    await router.route(message_event(CHAT, USER, action="chat_kick_user"))
    await router.route(message_event(CHAT, USER, action="chat_title_update"))
    await router.route(message_event(USER, USER, "привет"))
    assert calls == ["invited", "left", "chat", "private"]
    assert set(router.by_action) == {"chat_invite_user", "chat_invite_user_by_link", "chat_kick_user"}


async def test_rule_results_reach_later_rules_and_handlers_by_name() -> None:
    bl = BotLabeler()
    got: list[Any] = []

    class Needs(ABCRule[Message]):
        async def check(self, event: Message, first: int) -> dict[str, Any]:
            return {"second": first + 1}

    @bl.message(ChatMessageRule(), Counting({"first": 1}), blocking=False)
    async def observer(message: Message, first: int) -> None:
        got.append(("observer", first))

    @bl.message(Counting({"first": 10}), Needs())
    async def handler(message: Message, first: int, second: int, app: object, absent: str = "default") -> None:
        got.append(("handler", first, second, app is APP, absent))

    await router_of(bl).route(message_event(CHAT, USER, "текст"))
    assert got == [("observer", 1), ("handler", 10, 11, True, "default")]


async def test_exceptions_reach_the_caller() -> None:
    bl = BotLabeler()

    @bl.message(ChatMessageRule())
    async def broken(message: Message) -> None:
        raise RuntimeError("boom")

    class Failing(ABCRule[Message]):
        async def check(self, event: Message) -> bool:
            raise KeyError("rule")

    @bl.private_message(Failing())
    async def never(message: Message) -> None:
        raise AssertionError("not reached")

    router = router_of(bl)
    with pytest.raises(RuntimeError, match="boom"):
        await router.route(message_event(CHAT, USER, "текст"))
    with pytest.raises(KeyError):
        await router.route(message_event(USER, USER, "текст"))


async def test_raw_events_get_their_models() -> None:
    bl = BotLabeler()
    got: list[Any] = []

    @bl.raw_event(GroupEventType.MESSAGE_ALLOW, dict)
    async def allowed(event: dict[str, Any], app: object) -> None:
        got.append((event["object"]["user_id"], "ctx_api" in event, app is APP))

    @bl.raw_event(GroupEventType.MESSAGE_EVENT, dataclass=MessageEvent)
    async def pressed(event: MessageEvent) -> None:
        got.append((event.object.user_id, event.object.payload))

    router = router_of(bl)
    allow = {"type": "message_allow", "event_id": "a", "v": "5.199", "group_id": GROUP,
             "object": {"user_id": USER, "key": ""}}
    await router.route(allow)
    assert "ctx_api" not in allow  # the event itself is left as it was
    await router.route({"type": "message_event", "event_id": "b", "v": "5.199", "group_id": GROUP,
                        "object": {"user_id": USER, "peer_id": USER, "event_id": "x",
                                   "payload": {"a": "m"}, "conversation_message_id": 1}})
    await router.route({"type": "group_join", "object": {"user_id": USER, "join_type": "join"}})
    assert got == [(USER, True, True), (USER, {"a": "m"})]


def test_unknown_scope_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="unknown rule scope"):
        needs_of([Counting(True, scope=("chats_only",))])
    # contradictory peer constraints match nothing
    bl = BotLabeler()

    @bl.private_message(ChatMessageRule(), Counting(True, scope=("peer:chat",)))
    async def never(message: Message) -> None: ...

    router = router_of(bl)
    shape = Shape(peer_chat=True, chat_text=True, private=False, action=None, command=False, key=None,
                  payload=False, document=False)
    assert router.plan(shape) == ()


def _model(event: dict[str, Any], router: Router) -> Message:
    from vkbottle.tools.mini_types.bot import message_min

    return message_min(event, router.api, replace_mention=False)


# -- the same choices as vkbottle's own router ---------------------------------------------------

def _labeler(calls: list[str]) -> BotLabeler:
    """Handlers registered like the bot's: observers first, dialogs, commands in and out of
    chats, menus, file rules, the fallback last."""
    bl = BotLabeler()

    def record(name: str) -> Any:
        async def handler(message: Message, app: object = None, cmd: Any = None, draft: Any = None,
                          payload: Any = None, doc: Any = None, screen: Any = None) -> None:
            calls.append(f"{name} {app is APP} {cmd and (cmd.key, cmd.args)} {draft} {payload} {doc is not None} "
                         f"{screen}")
        handler.__name__ = name
        return handler

    class Dialog(ABCRule[Message]):
        scope = ("private",)

        async def check(self, event: Message) -> dict[str, Any] | bool:
            return {"draft": 1} if (event.text or "").startswith("ответ") else False

    class Payload(ABCRule[Message]):
        scope = ("payload",)

        async def check(self, event: Message) -> dict[str, Any] | bool:
            return {"payload": json.loads(event.payload)} if event.from_id == event.peer_id and event.payload \
                else False

    class Doc(ABCRule[Message]):
        scope = ("document",)

        async def check(self, event: Message) -> dict[str, Any] | bool:
            docs = [a.doc for a in (event.attachments or []) if a.doc is not None]
            return {"doc": docs[0]} if docs and event.peer_id < CHAT else False

    class Code(ABCRule[Message]):
        async def check(self, event: Message) -> bool:
            return "ABCD" in (event.text or "")

    class Bare(ABCRule[Message]):
        scope = ("known_command",)

        async def check(self, event: Message, cmd: Any = None) -> dict[str, Any] | bool:
            from handlers.rules import parse_message

            found = parse_message(event, GROUP, SCREEN)
            return {"cmd": found, "screen": "x"} if found is not None and found.key and not found.args else False

    bl.message(ChatMessageRule(), blocking=False)(record("count"))
    bl.message(ActionRule("chat_invite_user"))(record("invited"))
    bl.message(ChatMessageRule(), Code(), blocking=False)(record("code_in_chat"))
    bl.private_message(Dialog())(record("dialog"))
    bl.message(cmd("help"))(record("help"))
    bl.chat_message(cmd("poll"))(record("poll_chat"))
    bl.private_message(cmd("poll"))(record("poll_private"))
    bl.private_message(Payload())(record("text_button"))
    bl.message(Bare())(record("bare"))
    bl.private_message(cmd("create"))(record("create"))
    bl.private_message(Doc())(record("lone_file"))
    bl.chat_message(cmd("rules"))(record("rules"))
    bl.chat_message(ActionRule("chat_kick_user"))(record("left"))
    bl.message(AnyCommandRule(GROUP, SCREEN))(record("fallback"))
    return bl


def _events() -> list[dict[str, Any]]:
    texts = ["привет", "/помощь", "помощь", "/опрос", "/опрос вопрос\nа\nб", "/создать", "/создать 5а",
             "/правила", "/абв", "/", "ответ на вопрос", "код ABCD-EFGH", f"[club{GROUP}|бот] помощь", ""]
    out = []
    for peer, sender, text in itertools.product((CHAT, USER), (USER, -5), texts):
        if peer == USER and sender < 0:
            continue
        out.append(message_event(peer, sender, text))
        out.append(message_event(peer, sender, text, doc=True))
        out.append(message_event(peer, sender, text, payload={"a": "m", "s": "x"}))
    for action in ("chat_invite_user", "chat_kick_user", "chat_title_update"):
        out.append(message_event(CHAT, USER, action=action))
    return out


def _app_middleware() -> Any:
    from vkbottle import BaseMiddleware

    class AppMiddleware(BaseMiddleware[Any]):  # how the bot passed the App to vkbottle's handlers
        async def pre(self) -> None:
            self.send({"app": APP})

    return AppMiddleware


async def test_chooses_exactly_what_vkbottle_chose() -> None:
    theirs: list[str] = []
    ours: list[str] = []
    labeler = _labeler(theirs)
    labeler.message_view.register_middleware(_app_middleware())
    labeler.raw_event_view.register_middleware(_app_middleware())
    vk = VkRouter().construct(views=labeler.views(), state_dispenser=BuiltinStateDispenser(),
                              error_handler=ErrorHandler(raise_exceptions=True))
    router = router_of(_labeler(ours))
    events = _events()
    for event in events:
        theirs.append("|")
        ours.append("|")
        await vk.route(event, MagicMock())
        await router.route(event)
    assert ours == theirs
    assert len(set(theirs)) > 12  # every handler chose something somewhere


async def test_the_bots_handlers_compile_and_a_chat_message_meets_only_its_observers() -> None:
    app = MagicMock()
    app.group_id, app.screen_name = GROUP, SCREEN
    router = compile_handlers(app)
    chat_text = router.plan(router.shape(_model(message_event(CHAT, USER, "кто сделал домашку"), router)))
    assert [r.name for r in chat_text] == ["notice_rights", "moderate", "code_in_chat"]
    assert sum(len(r.checks) for r in chat_text) == 1  # only the code-in-chat test runs
    assert {"help", "settings", "bind", "report"} <= router.commands
    assert router.routes[-1].name == "unknown"  # the fallback last
    help_in_chat = router.plan(router.shape(_model(message_event(CHAT, USER, "/помощь"), router)))
    assert [r.name for r in help_in_chat] == ["notice_rights", "moderate", "code_in_chat", "help_command", "ask",
                                             "unknown"]


def test_a_message_is_built_as_vkbottle_builds_it() -> None:
    """``message_of`` (one validation) gives the model ``message_min`` (two) gives, field by field."""
    from vkbottle.tools.mini_types.bot import message_min

    from handlers.router import message_of

    api = MagicMock()
    for event in _events():
        theirs = message_min(event, api, replace_mention=False)
        ours = message_of(event, api)
        assert type(ours) is type(theirs)
        assert ours.model_dump(exclude={"unprepared_ctx_api"}) == theirs.model_dump(exclude={"unprepared_ctx_api"})
        assert ours.ctx_api is theirs.ctx_api


def _same_model(ours: Any, theirs: Any) -> None:
    """Field by field, with the types of the values, what was set and the private attributes."""
    assert type(ours) is type(theirs)
    assert ours.model_fields_set == theirs.model_fields_set
    assert ours.__pydantic_private__ == theirs.__pydantic_private__
    assert ours.__pydantic_extra__ == theirs.__pydantic_extra__
    assert list(ours.__dict__) == list(theirs.__dict__)
    for name, value in theirs.__dict__.items():
        mine = ours.__dict__[name]
        if name == "unprepared_ctx_api":
            assert mine is value
            continue
        assert type(mine) is type(value), name
        if name in ("fwd_messages", "reply_message"):
            assert _dump(mine) == _dump(value)
            continue
        if name == "date":
            assert type(mine.tzinfo) is type(value.tzinfo) and mine.utcoffset() == value.utcoffset()
        assert mine == value, name
    assert _dump(ours) == _dump(theirs)


def _dump(value: Any) -> Any:
    """A model's dump without the API object (a mock: it dumps differently each time)."""
    if isinstance(value, list):
        return [_dump(item) for item in value]
    if value is None:
        return None
    return _without_api(value.model_dump())


def _without_api(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_api(v) for k, v in value.items() if k != "unprepared_ctx_api"}
    if isinstance(value, list):
        return [_without_api(v) for v in value]
    return value


def test_the_plain_fields_are_of_the_types_the_model_declares() -> None:
    """What ``message_of`` copies without validation is declared as that type (or optional of
    it) by vkbottle's model: a model that changes a field's type sends it back to pydantic."""
    import typing

    from vkbottle.tools.mini_types.bot import MessageMin

    from handlers import router as router_module

    for name, kind in router_module._PLAIN.items():
        annotation = MessageMin.model_fields[name].annotation
        if kind is list:
            assert typing.get_origin(annotation) is list or list in [typing.get_origin(a) for a in
                                                                     typing.get_args(annotation)], name
            continue
        assert annotation is kind or set(typing.get_args(annotation)) == {kind, type(None)}, name


def _variants() -> list[dict[str, Any]]:
    """Plain messages (built without pydantic) and their near misses (validated by pydantic)."""
    base = message_event(CHAT, USER, "привет")
    changes: list[dict[str, Any]] = [
        {}, {"out": 1}, {"out": True}, {"important": 1}, {"important": True}, {"is_hidden": 0},
        {"random_id": None}, {"update_time": 1_700_000_000}, {"payload": '{"a":1}'}, {"ref": "x", "ref_source": "y"},
        {"is_unavailable": True, "members_count": 3}, {"date": 0}, {"date": 9_999_999_999},
        {"date": 1_794_992_400_000}, {"date": 1.5}, {"date": "1794992400"}, {"out": 2}, {"out": None},
        {"from_id": "7"}, {"from_id": True}, {"from_id": None}, {"text": 5}, {"text": None},
        {"zzz_unknown": 1}, {"fwd_messages": [{"date": 1, "from_id": 8, "text": "f", "conversation_message_id": 2,
                                               "peer_id": CHAT, "id": 0, "attachments": [], "fwd_messages": []}]},
        {"reply_message": {"date": 1, "from_id": 8, "text": "r", "conversation_message_id": 2, "peer_id": CHAT,
                           "id": 0, "attachments": [], "fwd_messages": []}},
        {"attachments": None}, {"geo": None}, {"action": None}, {"keyboard": None}, {"reactions": []},
        {"text": "a\udcff b"}, {"text": f"[club{GROUP}|бот] помощь"},
    ]
    out = []
    for change in changes:
        event = json.loads(json.dumps(base))
        event["object"]["message"].update(change)
        out.append(event)
    for drop in ("fwd_messages", "attachments", "random_id", "date", "from_id", "text"):
        event = json.loads(json.dumps(base))
        del event["object"]["message"][drop]
        out.append(event)
    for client_info in (None, {"button_actions": ["text"], "keyboard": False, "inline_keyboard": False,
                               "carousel": False, "lang_id": 3}):
        event = json.loads(json.dumps(base))
        event["object"]["client_info"] = client_info
        out.append(event)
    event = json.loads(json.dumps(base))
    event["group_id"] = None
    out.append(event)
    return out


def test_a_plain_message_is_built_as_pydantic_builds_it() -> None:
    """The plain messages ``message_of`` builds without validation, and those it leaves to
    pydantic, come out as ``message_min`` makes them: the same values of the same types, the
    same field set; what pydantic refuses is refused."""
    from pydantic import ValidationError
    from vkbottle.tools.mini_types.bot import message_min

    from handlers import router as router_module
    from handlers.router import message_of

    from vkbottle.tools.mini_types.bot import MessageMin

    api = MagicMock()
    plain = 0
    for event in _variants() + _events():
        obj = event["object"]
        try:  # what message_of did before: one validation of the message
            validated = MessageMin(**obj["message"], client_info=obj.get("client_info"), group_id=event.get("group_id"),
                                   replace_mention=False, unprepared_ctx_api=api)
        except ValidationError:
            with pytest.raises(ValidationError):
                message_of(event, api)
            continue
        built = router_module._plain(obj["message"], router_module._client_info(obj.get("client_info")),
                                     event.get("group_id"), api)
        plain += built is not None
        ours = message_of(event, api)
        _same_model(ours, validated)
        try:
            theirs = message_min(event, api, replace_mention=False)
        except ValidationError:
            continue  # (vkbottle's own refuses a message without fwd_messages: it validates its dump)
        assert _dump(ours) == _dump(theirs)
        assert ours.fwd_messages is not message_of(event, api).fwd_messages  # never shared
    assert plain >= 20  # the plain path is taken (not everything left to pydantic)
