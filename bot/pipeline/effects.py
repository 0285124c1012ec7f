"""Every VK side effect a decision implies is recorded here, never performed on the spot.

Actions are named by what they do (send, delete messages, remove a member), not by VK method, so
another messenger could perform the same recorded actions. Inside an event's transaction the rows
commit with the event and its state changes; the ``ActionRunner`` performs them afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from bot.domain.clock import Clock
from bot.db import Database
from bot.pipeline import unit as units
from bot.repo import outbox

log = logging.getLogger(__name__)

CHAT_PEER_BASE = 2_000_000_000


class Lane(IntEnum):
    """Who goes first when VK's 20 requests/s are scarce."""

    URGENT = 0   # deleting a violation, removing a violator, answering the person who asked
    NORMAL = 1   # warnings, alerts, notices
    BULK = 2     # join storms, promotions, announcements: what is left of the budget


class Kind:
    SEND = "send"
    DELETE = "delete_messages"
    REMOVE = "remove_member"
    RESTRICT = "restrict_member"
    EDIT = "edit_message"
    PIN = "pin_message"
    ANSWER = "answer_button"
    RETITLE = "retitle_chat"


class Effects:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._wake: Callable[[], None] = lambda: None

    def on_recorded(self, wake: Callable[[], None]) -> None:
        """The executor's wake-up, called once the recording transaction has committed."""
        self._wake = wake

    async def _record(self, kind: str, peer_id: int | None, lane: Lane, params: dict[str, Any]) -> None:
        work = units.current()
        if work is None:
            with units.unit() as work:
                await self._insert(work, kind, peer_id, lane, params)
        else:
            await self._insert(work, kind, peer_id, lane, params)

    async def _insert(self, work: units.Unit, kind: str, peer_id: int | None, lane: Lane,
                      params: dict[str, Any]) -> None:
        seq = work.next_seq()
        if work.gate is not None:
            params["gate"] = work.gate  # performed only once the deletion went through
        elif kind == Kind.DELETE and params.get("violation_id"):
            work.gate = seq
        await outbox.record(self.db, event_id=work.event_id, seq=seq, lane=int(lane),
                            kind=kind, peer_id=peer_id, params=params, now=int(self.clock.now()))
        self.db.after_commit(self._wake)

    async def send(self, peer_id: int, text: str, *, keyboard: str | None = None, reply_to_cmid: int | None = None,
                   attachment: str | None = None, lane: Lane | None = None, alert_id: int | None = None,
                   pin: bool = False, fallback_org: int | None = None, delete_after: int | None = None,
                   track: str | None = None) -> None:
        """Send a message. ``alert_id``: remember the copy so that it can be edited when someone
        acts on the alert; ``pin``: pin it once sent (chat rules); ``fallback_org``: a signal
        someone must not miss — if VK will not deliver it, the school's responsible staff get it;
        ``delete_after``: seconds after which the message is deleted again (a command's answer in
        a children's chat) — a delayed deletion recorded once the message is sent; ``track``: the
        runner's ``on_sent`` hook learns the sent message's cmid under this tag (a pinned list
        edited in place later)."""
        params: dict[str, Any] = {"text": text}
        for key, value in (("keyboard", keyboard), ("reply_to", reply_to_cmid), ("attachment", attachment),
                           ("alert_id", alert_id), ("pin", pin or None), ("fallback_org", fallback_org),
                           ("delete_after", delete_after), ("track", track)):
            if value is not None:
                params[key] = value
        await self._record(Kind.SEND, peer_id, lane if lane is not None else self._send_lane(peer_id), params)

    def _send_lane(self, peer_id: int) -> Lane:
        # only the person who wrote to the bot privately waits for this answer; warnings, alerts
        # and notices yield to deletions (at 10 violations a second they alone would exceed 20/s)
        work = units.current()
        private_reply = work is not None and work.peer == peer_id and 0 < peer_id < CHAT_PEER_BASE
        return Lane.URGENT if private_reply else Lane.NORMAL

    async def delete(self, peer_id: int, cmids: Sequence[int], *, chat_id: int | None = None,
                     violation_id: int | None = None, lane: Lane = Lane.URGENT,
                     not_before: int | None = None) -> None:
        """Delete messages for everybody. With ``violation_id``, the rest of the decision depends on
        it: if VK refuses, what the same event recorded is cancelled and the strike taken back.
        ``not_before``: a delayed deletion (POSIX time), held aside by the runner until then."""
        params: dict[str, Any] = {"cmids": [int(c) for c in cmids], "chat_id": chat_id}
        if violation_id is not None:
            params["violation_id"] = violation_id
        if not_before is not None:
            params["not_before"] = int(not_before)
        await self._record(Kind.DELETE, peer_id, lane, params)

    async def remove_member(self, peer_id: int, member_id: int, *, chat_id: int | None = None,
                            lane: Lane = Lane.URGENT) -> None:
        await self._record(Kind.REMOVE, peer_id, lane, {"member_id": member_id, "chat_id": chat_id})

    async def restrict(self, peer_id: int, member_id: int, seconds: int | None) -> None:
        """The undocumented read-only restriction; the soft mute works without it."""
        await self._record(Kind.RESTRICT, peer_id, Lane.NORMAL, {"member_id": member_id, "seconds": seconds})

    async def edit(self, peer_id: int, cmid: int, text: str, *, keyboard: str | None = None,
                   attachment: str | None = None) -> None:
        """Edit the bot's message. VK replaces the attachments too: pass the ones it keeps."""
        params: dict[str, Any] = {"cmid": cmid, "text": text}
        if keyboard is not None:
            params["keyboard"] = keyboard
        if attachment is not None:
            params["attachment"] = attachment
        await self._record(Kind.EDIT, peer_id, Lane.NORMAL, params)

    async def retitle(self, peer_id: int, title: str, *, chat_id: int | None = None,
                      lane: Lane = Lane.BULK) -> None:
        await self._record(Kind.RETITLE, peer_id, lane, {"title": title, "chat_id": chat_id})

    async def pin(self, peer_id: int, cmid: int) -> None:
        await self._record(Kind.PIN, peer_id, Lane.NORMAL, {"cmid": cmid})

    async def answer_button(self, event_id: str, user_id: int, peer_id: int, text: str) -> None:
        await self._record(Kind.ANSWER, peer_id, Lane.URGENT,
                           {"event_id": event_id, "user_id": user_id, "text": text})
