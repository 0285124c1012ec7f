"""The `Emulator`: state container, event delivery, waiting helpers, server lifecycle."""
from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any, Callable, TypeVar

from .actors import ActorsMixin
from .faults import FaultsMixin
from .longpoll import LongPoll
from .state import (
    CHAT_PEER_BASE, Call, CallbackPress, Chat, Conversation, Doc, Message, Snackbar, User,
    is_chat_peer,
)
from .vkobjects import CLIENT_INFO, message_object

T = TypeVar("T")
log = logging.getLogger(__name__)
STOP_SECONDS = 5.0  # the HTTP server's shutdown (each connection gets 1 s: see server.start_server)
_DOC_RE = re.compile(r"^doc(-?\d+)_(\d+)(?:_([0-9a-zA-Z]+))?$")


class Emulator(ActorsMixin, FaultsMixin):
    """A stateful VK API emulator for one community (see vkemu/README.md)."""

    def __init__(self, group_id: int = 1000, token: str = "emu-token", rps_limit: int | None = 20,
                 group_name: str = "Завуч", screen_name: str | None = None):
        self.group_id = group_id
        self.token = token
        self.rps_limit = rps_limit
        self.group_name = group_name
        self.screen_name = screen_name or f"club{group_id}"
        self.clock: Callable[[], float] = time.monotonic  # rate limit, event expiry
        self.wall_clock: Callable[[], float] = time.time  # message dates
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}  # by peer_id
        self.dialogs: dict[int, Conversation] = {}  # by user id
        self.docs: dict[int, Doc] = {}
        self.uploads: dict[str, tuple[str, bytes]] = {}  # opaque `file` -> (filename, bytes)
        self.upload_tokens: set[str] = set()
        self.calls: list[Call] = []
        self.http_requests = 0
        self.snackbars: list[Snackbar] = []
        self.presses: dict[str, CallbackPress] = {}
        self.edited: list[Message] = []  # community messages, one entry per successful edit
        self.deleted: list[Message] = []  # messages deleted for everybody
        self.started_calls: list[dict[str, Any]] = []  # calls.start: the calls the community started
        self.bot_features = True  # "Возможности ботов"
        self.bots_add_to_chat = True  # "Разрешать добавлять сообщество в беседы"
        self.restrictions_supported = True  # messages.changeConversationMemberRestrictions
        self.token_permissions: set[str] = {"messages", "docs", "manage", "photos"}
        self.longpoll = LongPoll(group_id, self._notify)
        self.base_url: str | None = None
        self._sent: list[Message] = []
        self._next_user_id = 100001
        self._next_chat_id = 1
        self._next_message_id = 1
        self._next_doc_id = 1
        self._version = 1
        self._waiters: list[asyncio.Future] = []
        self._runner: Any = None
        FaultsMixin.__init__(self)

    # lifecycle -------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        from .server import start_server

        self._runner, self.base_url = await start_server(self, host, port)
        self.longpoll.closed = False
        self._stopping = asyncio.Event()
        return self.base_url

    async def stop(self, *, seconds: float = STOP_SECONDS) -> bool:
        """Stop serving; False when the HTTP server's shutdown overran ``seconds`` (logged).

        Long polls are answered and injected hangs end at once. The shutdown is bounded with
        ``asyncio.wait`` (``wait_for`` would wait for a cancelled shutdown however long it takes):
        a request handler that never ends, nor when cancelled, is left behind — a stop never hangs."""
        self.longpoll.close()
        if self._stopping is not None:
            self._stopping.set()  # injected hangs and delays end now, not after the shutdown timeout
        runner, self._runner = self._runner, None
        if runner is None:
            return True
        cleanup = asyncio.ensure_future(runner.cleanup())
        done, _ = await asyncio.wait({cleanup}, timeout=seconds)
        if done:
            cleanup.result()
            return True
        cleanup.cancel()
        await asyncio.wait({cleanup}, timeout=1.0)
        cleanup.add_done_callback(lambda task: task.cancelled() or task.exception())
        log.warning("vkemu: shutting the HTTP server down took longer than %.1f s; left behind", seconds)
        return False

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/method/"

    # lookups ---------------------------------------------------------------------
    def now(self) -> int:
        return int(self.wall_clock())

    def conversation(self, peer_id: int) -> Conversation | None:
        if is_chat_peer(peer_id):
            return self.chats.get(peer_id)
        return self.dialogs.get(peer_id)

    def dialog(self, user_id: int) -> Conversation:
        if user_id not in self.dialogs:
            self.dialogs[user_id] = Conversation(peer_id=user_id)
        return self.dialogs[user_id]

    def chat(self, peer_id: int) -> Chat:
        if peer_id < CHAT_PEER_BASE:
            peer_id += CHAT_PEER_BASE
        try:
            return self.chats[peer_id]
        except KeyError:
            raise KeyError(f"no chat with peer_id {peer_id}") from None

    def history(self, peer_id: int) -> list[Message]:
        conv = self.conversation(peer_id)
        return list(conv.history) if conv else []

    def sent(self, peer_id: int | None = None) -> list[Message]:
        """Messages the community sent with messages.send, in sending order."""
        return [m for m in self._sent if peer_id is None or m.peer_id == peer_id]

    def find_doc(self, attachment: str) -> Doc | None:
        match = _DOC_RE.match(attachment.strip())
        if not match:
            return None
        doc = self.docs.get(int(match.group(2)))
        return doc if doc and doc.owner_id == int(match.group(1)) else None

    def doc_sendable(self, attachment: str) -> bool:
        """Whether the community may attach this document: its own, or someone else's named with
        the access key VK gave along with it (a user's document from a message without its key is
        refused, as VK refuses it)."""
        match = _DOC_RE.match(attachment.strip())
        doc = self.find_doc(attachment)
        if match is None or doc is None:
            return False
        return doc.owner_id == -self.group_id or not doc.access_key or match.group(3) == doc.access_key

    def doc_bytes(self, attachment: str) -> bytes:
        doc = self.find_doc(attachment)
        if doc is None:
            raise KeyError(f"no document {attachment!r}")
        return doc.content

    def events(self) -> list[dict[str, Any]]:
        """Long poll events still retained (what a poller could get)."""
        return self.longpoll.delivered()

    # message plumbing ------------------------------------------------------------------
    def _new_message(self, conv: Conversation, from_id: int, text: str = "", **fields: Any) -> Message:
        msg = Message(peer_id=conv.peer_id, cmid=conv.take_cmid(), from_id=from_id, text=text,
                      date=self.now(), id=self._next_message_id, version=self._version, **fields)
        self._next_message_id += 1
        self._version += 1
        conv.history.append(msg)
        return msg

    def _record_sent(self, msg: Message) -> None:
        self._sent.append(msg)

    def mentions_bot(self, text: str) -> bool:
        gid = self.group_id
        if re.search(rf"\[(club|public){gid}\|", text):
            return True
        first = text.strip().split(maxsplit=1)[0].rstrip(",:") if text.strip() else ""
        return first.lower() in (f"@club{gid}", f"@public{gid}", f"@{self.screen_name}".lower())

    def bot_sees(self, msg: Message) -> bool:
        """Whether the community gets `message_new` for this message."""
        bot = -self.group_id
        if not msg.in_chat:
            return msg.from_id != bot
        chat = self.chats[msg.peer_id]
        if not chat.bot_is_member:
            return False
        if msg.action is not None:
            return chat.bot_is_admin or msg.action.get("member_id") == bot
        if msg.from_id == bot:
            return False
        return chat.bot_is_admin or self.mentions_bot(msg.text)

    def _deliver(self, msg: Message) -> None:
        if self.bot_sees(msg):
            client = dict(CLIENT_INFO)
            sender = self.users.get(msg.from_id)
            if sender is not None and sender.button_actions is not None:
                client["button_actions"] = list(sender.button_actions)
            self.longpoll.emit("message_new", {"message": message_object(self, msg), "client_info": client})
        elif not msg.in_chat and msg.from_id == -self.group_id:
            self.longpoll.emit("message_reply", message_object(self, msg))
        self._notify()

    # waiting ------------------------------------------------------------------------
    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:
        """Re-evaluate `predicate` after every state change; return its first truthy value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._timeout_message(predicate, timeout))
            fut = loop.create_future()
            self._waiters.append(fut)
            await asyncio.wait({fut}, timeout=remaining)  # a cancel is never swallowed (see LongPoll.check)

    def _timeout_message(self, predicate: Callable, timeout: float) -> str:
        name = getattr(predicate, "__qualname__", repr(predicate))
        tail = self.calls[-8:]
        lines = [f"  {c.method} {c.params} -> "
                 + (f"error {c.error_code}: {c.error_msg}" if c.error_code else repr(c.response))[:300]
                 for c in tail]
        sent = [f"  {m.peer_id}/{m.cmid}: {m.text[:120]!r}" for m in self._sent[-5:]]
        return (f"condition {name} not met within {timeout}s\nlast calls:\n"
                + ("\n".join(lines) or "  (none)") + "\nlast sent:\n" + ("\n".join(sent) or "  (none)"))

    async def wait_sent(self, peer_id: int | None = None, contains: str | None = None,
                        timeout: float = 5.0, *, since: int = 0) -> Message:
        """First message in `emu.sent(peer_id)[since:]` whose text contains `contains`.

        `since` indexes the same list you get from `emu.sent(peer_id)` (all peers when None),
        so `mark = len(emu.sent(peer))` before an action, then `wait_sent(peer, since=mark)`.
        """

        def find() -> Message | None:
            for msg in self.sent(peer_id)[since:]:
                if contains is None or contains in msg.text:
                    return msg
            return None

        find.__qualname__ = f"wait_sent(peer_id={peer_id}, contains={contains!r}, since={since})"
        return await self.wait_for(find, timeout)

    async def wait_longpoll(self, timeout: float = 5.0, *, since: int = 0) -> int:
        """Wait until more than `since` long poll requests have reached the server.

        VK (and vkemu) give a poller only events that happen after `groups.getLongPollServer`
        handed it a `ts`, so a harness should await the bot's first poll before acting as
        users: `n = emu.longpoll.requests; <start bot>; await emu.wait_longpoll(since=n)`.
        Returns the request count.
        """

        def polled() -> int:
            count = self.longpoll.requests
            return count if count > since else 0

        polled.__qualname__ = f"wait_longpoll(since={since})"
        return await self.wait_for(polled, timeout)

    async def wait_call(self, method: str, timeout: float = 5.0, *, since: int = 0) -> Call:
        """First recorded call of `method` at index >= `since` in `emu.calls`."""

        def find() -> Call | None:
            return next((c for c in self.calls[since:] if c.method == method), None)

        find.__qualname__ = f"wait_call({method!r}, since={since})"
        return await self.wait_for(find, timeout)
