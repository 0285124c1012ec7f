"""Fault injection, settings switches and the per-token rate limiter (mixed into Emulator)."""
from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

from .errors import default_message
from .host import EmulatorHost


class FaultsMixin(EmulatorHost):
    def __init__(self) -> None:
        self._faults: dict[str, list[tuple[int, str]]] = {}
        self._delays: dict[str, list[float]] = {}
        self._transport: dict[str, list[tuple[str, float]]] = {}  # HTTP-level faults, see http_fail_next
        self._stopping: asyncio.Event | None = None  # set by stop(): hangs end at once
        self.ascii_json = False  # True: answer with \\u escapes (a lone surrogate stays valid JSON)
        self._arrivals: dict[str, deque[float]] = {}

    # fault injection -------------------------------------------------------------------
    def fail_next(self, method: str, code: int, times: int = 1, msg: str | None = None) -> None:
        """The next `times` calls of `method` (also inside execute; "*" = any method) fail with
        error `code`."""
        queue = self._faults.setdefault(method, [])
        queue.extend([(int(code), msg or default_message(int(code)))] * times)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` ("*" = any method) are answered `seconds` later
        (recorded on arrival; ``stop()`` ends the wait)."""
        self._delays.setdefault(method, []).extend([float(seconds)] * times)

    def http_fail_next(self, method: str, status: int = 500, times: int = 1) -> None:
        """The next `times` HTTP requests to `method` (or "longpoll"; "*" = any API method) get an
        HTML error page with `status` instead of a JSON envelope; nothing is performed or recorded."""
        self._transport.setdefault(method, []).extend([("status", int(status))] * times)

    def drop_next(self, method: str, times: int = 1) -> None:
        """The next `times` HTTP requests to `method` (or "longpoll"; "*" = any API method) lose
        their connection before any answer; nothing is performed or recorded."""
        self._transport.setdefault(method, []).extend([("drop", 0)] * times)

    def hang_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` HTTP requests to `method` (or "longpoll"; "*" = any API method) get no
        answer for `seconds`; then they are performed and answered as usual (VK may still act on a
        request its client gave up on). Nothing is recorded before that. ``stop()`` ends a hang."""
        self._transport.setdefault(method, []).extend([("hang", float(seconds))] * times)

    def take_transport_fault(self, method: str) -> tuple[str, float] | None:
        queue = self._transport.get(method)
        if not queue and method != "longpoll":
            queue = self._transport.get("*")
        return queue.pop(0) if queue else None

    async def hang(self, seconds: float) -> None:
        """Sleep `seconds`, or less if the emulator stops meanwhile."""
        if self._stopping is None:
            self._stopping = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):  # unlike wait_for, never swallows a cancel
                await self._stopping.wait()

    def raw_update(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Deliver `obj` as a long poll update of `event_type` exactly as given (no state change,
        no checks, whatever the long poll settings); returns the update."""
        update = self.longpoll.emit(event_type, obj, force=True)
        assert update is not None  # forced: always recorded
        return update

    def user_message_bytes(self, peer_id: int, from_id: int, text: bytes, **kwargs: Any) -> int:
        """`user_message` whose text goes out as these exact bytes, valid UTF-8 or not (bytes that
        are not valid UTF-8 reach the wire unchanged; with `ascii_json` they are `\\udcXX`)."""
        return self.user_message(peer_id, from_id, text.decode("utf-8", "surrogateescape"), **kwargs)

    def longpoll_fail_next(self, failed: int) -> None:
        """The next long poll request answers {"failed": N} (2 and 3 also revoke its key)."""
        self.longpoll.fail_next(failed)

    def take_fault(self, method: str) -> tuple[int, str] | None:
        queue = self._faults.get(method) or self._faults.get("*")
        return queue.pop(0) if queue else None

    def take_delay(self, method: str) -> float:
        queue = self._delays.get(method) or self._delays.get("*")
        return queue.pop(0) if queue else 0.0

    def clear_faults(self) -> None:
        self._faults.clear()
        self._delays.clear()
        self._transport.clear()
        self.longpoll.pending_failures.clear()

    # settings ------------------------------------------------------------------------
    def set_longpoll_settings(self, enabled: bool | None = None, api_version: str | None = None,
                              events: dict[str, Any] | None = None) -> None:
        self.longpoll.configure(enabled=enabled, api_version=api_version, events=events)
        self._notify()

    def set_bot_features(self, enabled: bool) -> None:
        """Toggle "Возможности ботов" (groups.getSettings → bots_capabilities)."""
        self.bot_features = bool(enabled)
        self._notify()

    # rate limit ------------------------------------------------------------------------
    def rate_limited(self, token: str) -> bool:
        """Count one arrival for `token`; True if it exceeds rps_limit in a 1 s sliding window."""
        if not self.rps_limit:
            return False
        now = self.clock()
        arrivals = self._arrivals.setdefault(token, deque())
        while arrivals and arrivals[0] <= now - 1.0:
            arrivals.popleft()
        arrivals.append(now)
        return len(arrivals) > self.rps_limit
