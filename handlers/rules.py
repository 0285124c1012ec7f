"""vkbottle rules that parse our commands and chat service actions.

A rule may declare with ``scope`` what it can match at all (a necessary condition: see
``handlers.router.SCOPES``); the compiled router checks it only on events of that scope. A rule
without ``scope`` is checked on every event of its kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from vkbottle.bot import Message
from vkbottle.dispatch.rules import ABCRule

from bot.domain import commands
from bot.vk.gateway import is_chat_peer

if TYPE_CHECKING:
    from bot.runtime.app import App


def parse_message(message: Message, group_id: int, screen_name: str | None) -> commands.Command | None:
    cached = _memo(message, "_zavuch_cmd")
    if cached is not _MISSING:
        return cast("commands.Command | None", cached)  # what this function stored below
    cmd = None
    if message.action is None and message.from_id > 0:
        cmd = commands.parse(
            message.text or "", group_id=group_id, screen_name=screen_name,
            private=not is_chat_peer(message.peer_id),
        )
    _remember(message, "_zavuch_cmd", cmd)
    return cmd


_MISSING = object()


async def chat_of(message: Message, app: App, *, refresh: bool = False) -> Any:
    """The chat record of a chat message, read once per message and shared by its handlers
    (rights check, counting, moderation all run on every message)."""
    cached = _memo(message, "_zavuch_chat")
    if cached is not _MISSING and not refresh:
        return cached
    chat = await app.services.chats.by_peer(message.peer_id)
    _remember(message, "_zavuch_chat", chat)
    return chat


def _memo(message: Any, name: str) -> Any:
    # the instance dict itself: a missing attribute of a pydantic model costs a trip through
    # its __getattr__ and its metaclass's (a sizeable share of a chat message's routing)
    return getattr(message, "__dict__", {}).get(name, _MISSING)


def _remember(message: Any, name: str, value: Any) -> None:
    attrs = getattr(message, "__dict__", None)
    if isinstance(attrs, dict):
        attrs[name] = value  # not a field: pydantic neither validates nor dumps it


class CommandRule(ABCRule[Message]):
    """Matches one command of the catalogue; passes ``cmd`` to the handler."""

    def __init__(self, key: str, group_id: int, screen_name: str | None) -> None:
        self.key = key
        self.group_id = group_id
        self.screen_name = screen_name

    @property
    def scope(self) -> tuple[str, ...]:
        return (f"command:{self.key}",)

    async def check(self, event: Message) -> dict[str, Any] | bool:
        cmd = parse_message(event, self.group_id, self.screen_name)
        if cmd is not None and cmd.key == self.key:
            return {"cmd": cmd}
        return False


class AnyCommandRule(ABCRule[Message]):
    """Matches anything addressed to the bot that no command handler took."""

    scope = ("any_command",)

    def __init__(self, group_id: int, screen_name: str | None) -> None:
        self.group_id = group_id
        self.screen_name = screen_name

    async def check(self, event: Message) -> dict[str, Any] | bool:
        cmd = parse_message(event, self.group_id, self.screen_name)
        return {"cmd": cmd} if cmd is not None else False


class ActionRule(ABCRule[Message]):
    """Matches chat service messages (``message.action.type``)."""

    def __init__(self, *types: str) -> None:
        self.types = set(types)

    @property
    def scope(self) -> tuple[str, ...]:
        return ("action:" + ",".join(sorted(self.types)),)

    async def check(self, event: Message) -> bool:
        action = event.action
        if action is None:
            return False
        kind = getattr(action.type, "value", action.type)
        return kind in self.types


class ChatMessageRule(ABCRule[Message]):
    """Ordinary (non-service) messages in chats, from users."""

    scope = ("chat_text",)

    async def check(self, event: Message) -> bool:
        return is_chat_peer(event.peer_id) and event.action is None and event.from_id > 0
