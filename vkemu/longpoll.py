"""Bots Long Poll: event log, keys, settings and the `a_check` long request."""
from __future__ import annotations

import asyncio
import secrets
from typing import Any, Callable

# All event flags VK reports in groups.getLongPollSettings (5.199).
ALL_EVENTS = (
    "audio_new", "board_post_delete", "board_post_edit", "board_post_new", "board_post_restore",
    "group_change_photo", "group_change_settings", "group_join", "group_leave",
    "group_officers_edit", "market_comment_delete", "market_comment_edit", "market_comment_new",
    "market_comment_restore", "message_allow", "message_deny", "message_new", "message_read",
    "message_reply", "message_typing_state", "message_edit", "message_event",
    "photo_comment_delete", "photo_comment_edit", "photo_comment_new", "photo_comment_restore",
    "photo_new", "poll_vote_new", "user_block", "user_unblock", "video_comment_delete",
    "video_comment_edit", "video_comment_new", "video_comment_restore", "video_new",
    "message_reaction_event", "wall_post_new", "wall_reply_delete", "wall_reply_edit",
    "wall_reply_new", "wall_reply_restore", "wall_repost", "wall_schedule_post_new",
    "wall_schedule_post_delete", "donut_subscription_create", "donut_subscription_prolonged",
    "donut_subscription_cancelled", "donut_subscription_expired",
    "donut_subscription_price_changed", "donut_money_withdraw", "donut_money_withdraw_error",
    "lead_forms_new", "market_order_new", "market_order_edit",
)
DEFAULT_ENABLED = ("message_new", "message_event", "message_allow", "message_deny")
MAX_WAIT = 90


class LongPoll:
    def __init__(self, group_id: int, on_change: Callable[[], None], retain: int = 1000):
        self.group_id = group_id
        self.enabled = True
        self.api_version = "5.199"
        self.events: dict[str, int] = {name: int(name in DEFAULT_ENABLED) for name in ALL_EVENTS}
        self.retain = retain
        self.log: list[tuple[int, dict[str, Any]]] = []
        self.next_ts = 1
        self.keys: set[str] = set()
        self.pending_failures: list[int] = []
        self._waiters: list[asyncio.Future] = []
        self._on_change = on_change
        self.closed = False
        self.requests = 0  # a_check requests received

    # settings -----------------------------------------------------------------
    def configure(self, enabled: bool | None = None, api_version: str | None = None,
                  events: dict[str, Any] | None = None) -> None:
        if enabled is not None:
            self.enabled = bool(enabled)
        if api_version is not None:
            self.api_version = str(api_version)
        for name, flag in (events or {}).items():
            if name not in self.events:
                raise ValueError(f"unknown long poll event type: {name}")
            self.events[name] = int(bool(flag))

    def settings(self) -> dict[str, Any]:
        return {"is_enabled": self.enabled, "api_version": self.api_version,
                "events": dict(self.events)}

    def wants(self, event_type: str) -> bool:
        return self.enabled and bool(self.events.get(event_type))

    # events -------------------------------------------------------------------
    def emit(self, event_type: str, obj: dict[str, Any], *, force: bool = False) -> dict[str, Any] | None:
        """Record an event if long poll is on and the type is enabled (or `force`); returns it or None."""
        if not force and not self.wants(event_type):
            return None
        event = {
            "group_id": self.group_id,
            "type": event_type,
            "event_id": secrets.token_hex(20),
            "v": self.api_version,
            "object": obj,
        }
        self.log.append((self.next_ts, event))
        self.next_ts += 1
        if len(self.log) > self.retain:
            del self.log[: len(self.log) - self.retain]
        self._wake()
        return event

    def delivered(self) -> list[dict[str, Any]]:
        return [event for _, event in self.log]

    def new_key(self) -> str:
        key = secrets.token_hex(20)
        self.keys.add(key)
        return key

    def fail_next(self, failed: int) -> None:
        if failed not in (1, 2, 3):
            raise ValueError("failed must be 1, 2 or 3")
        self.pending_failures.append(failed)

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def close(self) -> None:
        self.closed = True
        self._wake()

    # the long request -----------------------------------------------------------
    async def check(self, key: str | None, ts: str | None, wait: float) -> dict[str, Any]:
        self.requests += 1
        self._on_change()
        if self.pending_failures:
            failed = self.pending_failures.pop(0)
            self._on_change()
            if failed == 1:
                return {"failed": 1, "ts": str(self.next_ts)}
            self.keys.discard(key or "")
            return {"failed": failed}
        if not key or key not in self.keys:
            return {"failed": 2}
        try:
            start = int(ts or "")
        except ValueError:
            return {"failed": 1, "ts": str(self.next_ts)}
        oldest = self.log[0][0] if self.log else self.next_ts
        if start < oldest or start > self.next_ts:
            return {"failed": 1, "ts": str(self.next_ts)}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, min(float(wait), MAX_WAIT))
        while True:
            updates = [event for number, event in self.log if number >= start]
            remaining = deadline - loop.time()
            if updates or remaining <= 0 or self.closed:
                return {"ts": str(self.next_ts), "updates": updates}
            fut = loop.create_future()
            self._waiters.append(fut)
            # asyncio.wait, not wait_for: under Python 3.11 wait_for returns normally when it is
            # cancelled just as ``fut`` completes, and this loop would outlive the server's shutdown
            await asyncio.wait({fut}, timeout=remaining)
