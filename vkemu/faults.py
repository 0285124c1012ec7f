"""Fault injection, settings switches and the per-token rate limiter (mixed into Emulator)."""
from __future__ import annotations

from collections import deque
from typing import Any

from .errors import default_message


class FaultsMixin:
    def __init__(self) -> None:
        self._faults: dict[str, list[tuple[int, str]]] = {}
        self._delays: dict[str, list[float]] = {}
        self._transport: dict[str, list[tuple[str, int]]] = {}  # HTTP-level faults, see http_fail_next
        self.ascii_json = False  # True: answer with \\u escapes (a lone surrogate stays valid JSON)
        self._arrivals: dict[str, deque[float]] = {}

    # fault injection -------------------------------------------------------------------
    def fail_next(self, method: str, code: int, times: int = 1, msg: str | None = None) -> None:
        """The next `times` calls of `method` (also inside execute) fail with error `code`."""
        queue = self._faults.setdefault(method, [])
        queue.extend([(int(code), msg or default_message(int(code)))] * times)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are answered `seconds` later."""
        self._delays.setdefault(method, []).extend([float(seconds)] * times)

    def http_fail_next(self, method: str, status: int = 500, times: int = 1) -> None:
        """The next `times` HTTP requests to `method` (or "longpoll") get an HTML error page with
        `status` instead of a JSON envelope; nothing is performed or recorded."""
        self._transport.setdefault(method, []).extend([("status", int(status))] * times)

    def drop_next(self, method: str, times: int = 1) -> None:
        """The next `times` HTTP requests to `method` (or "longpoll") lose their connection
        before any answer; nothing is performed or recorded."""
        self._transport.setdefault(method, []).extend([("drop", 0)] * times)

    def take_transport_fault(self, method: str) -> tuple[str, int] | None:
        queue = self._transport.get(method)
        return queue.pop(0) if queue else None

    def longpoll_fail_next(self, failed: int) -> None:
        """The next long poll request answers {"failed": N} (2 and 3 also revoke its key)."""
        self.longpoll.fail_next(failed)

    def take_fault(self, method: str) -> tuple[int, str] | None:
        queue = self._faults.get(method)
        return queue.pop(0) if queue else None

    def take_delay(self, method: str) -> float:
        queue = self._delays.get(method)
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
