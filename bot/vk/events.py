"""What VK's event sources (long poll, Callback API) need from the rest of the bot: an inbox that
records events (with the long poll's position, in one transaction) and says which ones are new,
and a health verdict to answer load balancers with. ``bot.pipeline.inbox`` provides the inbox;
the adapter itself never touches the database."""

from __future__ import annotations

from typing import Any, Protocol


class EventInbox(Protocol):
    async def accept(self, updates: list[dict[str, Any]], *, ts_key: str | None, ts: str | None,
                     peer_of: Any = None) -> list[dict[str, Any]]:
        """Record the events not seen before (and ``ts`` under ``ts_key``); return the new ones."""
        ...

    async def position(self, ts_key: str) -> str | None: ...

    async def save_position(self, ts_key: str, ts: str) -> None: ...


class Verdict(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def problem(self) -> str | None: ...
