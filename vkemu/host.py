"""What the Emulator's mixins (actors, faults) use of the Emulator itself, declared for the type
checker: `Emulator.__init__` sets these attributes and `Emulator` defines these methods."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from .longpoll import LongPoll
from .state import CallbackPress, Chat, Conversation, Doc, Message, User


class EmulatorHost:
    group_id: int
    rps_limit: int | None
    base_url: str | None
    clock: Callable[[], float]
    wall_clock: Callable[[], float]
    users: dict[int, User]
    chats: dict[int, Chat]
    dialogs: dict[int, Conversation]
    docs: dict[int, Doc]
    presses: dict[str, CallbackPress]
    bot_features: bool
    bots_add_to_chat: bool
    longpoll: LongPoll
    _next_user_id: int
    _next_chat_id: int
    _next_doc_id: int

    if TYPE_CHECKING:
        def now(self) -> int: ...
        def chat(self, peer_id: int) -> Chat: ...
        def dialog(self, user_id: int) -> Conversation: ...
        def _new_message(self, conv: Conversation, from_id: int, text: str = "", **fields: Any) -> Message: ...
        def _deliver(self, msg: Message) -> None: ...
        def _notify(self) -> None: ...
        def user_message(self, peer_id: int, from_id: int, text: str, *, reply_to_cmid: int | None = None,
                         attachments: list[dict[str, Any]] | None = None, payload: Any = None) -> int: ...
