"""The one executor of recorded actions.

It loads pending actions (at start: everything a previous run left), performs each through the VK
gateway in its lane, and marks it done or failed. A send's ``random_id`` derives from the action's
identity, so a send repeated after a crash (performed, not yet marked) is dropped by VK. Actions of
one peer in one lane run in the order they were recorded (across lanes URGENT overtakes; what must
follow a sanction's deletion waits for it: ``gate``). Transport failures are retried with back-off
without holding anything; a refusal VK will repeat (no rights, cannot message) ends the action and
tells whoever must act.

VK's 20 requests/s are spent sparingly: the deletions of one chat go in one ``messages.delete``;
actions that can share a request (deletions of several chats, warnings, alerts, edits, removals,
notices) are gathered once the limiter would let the request start — so the scarcer the budget,
the fuller each ``execute`` (≤ 25 calls) — and each is settled by its own call's answer exactly as
if performed alone: a deletion VK refuses for its message inside a shared ``messages.delete`` ends
as the same refusal of a request of its own would (its sanction's decision cancelled), and a call
whose follow-up fails is the only one of its request that fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import heapq
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.domain.clock import Clock
from bot.db import Database
from bot.pipeline.effects import Kind, Lane
from bot.repo import alerts as alert_repo
from bot.repo import outbox
from bot.repo import people as people_repo
from bot.repo.outbox import Recorded
from bot.vk.errors import VkCannotDelete, VkCannotMessage, VkError, VkNoChatRights, VkUnavailable, VkUserNotInChat
from bot.vk import calls
from bot.vk.gateway import BatchCall, BatchResult, SentMessage, VkGateway, delete_outcomes, send_outcome
from bot.vk.lanes import Lane as VkLane
from bot.vk.names import Names

log = logging.getLogger(__name__)

# URGENT: few, so that deletions arriving together while the few are busy go out in one request
WORKERS = {Lane.URGENT: 3, Lane.NORMAL: 4, Lane.BULK: 4}
# answers to button presses have their own queue and start one request per ANSWER_SPACING
# seconds (two at once after a pause): a storm of presses (a poll) waits in the queue meanwhile
# and goes out up to 25 per ``execute`` — at most 4 of VK's 20 requests/s whatever the rate of
# presses, so the deletions keep their slots; a press or two are answered at once
ANSWER_WORKERS = 2
ANSWER_SPACING = 0.25
ANSWER_BURST = 2
# NORMAL requests (warnings, alerts, notices) that can share an ``execute`` start one per
# PACK_SPACING seconds (two at once after a pause): at 10 violations/s their 30 messages go out
# in ~5 requests/s, and the deletions keep the rest of the budget
PACK_SPACING = 0.2
PACK_BURST = 2
# slots of VK's 20 a lane's packed requests leave free (BULK: the limiter's own reserve, 4):
# a deletion finds one at once even while warnings and alerts go out
HEADROOM = {Lane.NORMAL: 3}
MAX_ATTEMPTS = 5
MAX_DELETE = 100  # cmids per messages.delete
EXECUTE_LIMIT = 25  # calls per execute
RETRY_DELAYS = (0.5, 2.0, 5.0, 15.0)
STOP_SECONDS = 5.0  # how long ``stop`` waits for its cancelled tasks to end

ChatHook = Callable[[int], Awaitable[None]]          # (chat_id)
UndeliveredHook = Callable[[Recorded], Awaitable[None]]  # a message VK would not deliver
SentHook = Callable[[str, int], Awaitable[None]]  # (the send's track tag, the sent message's cmid)


class LaneQueue:
    """Actions of one lane, oldest first; ``take`` also pulls companions out of the queue (the
    other deletions in the same chat go out in one ``messages.delete``)."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, Recorded]] = []
        self._nonempty = asyncio.Event()

    def put_nowait(self, action: Recorded) -> None:
        heapq.heappush(self._heap, (action.id, action))
        self._nonempty.set()

    async def get(self) -> Recorded:
        while not self._heap:
            self._nonempty.clear()
            await self._nonempty.wait()
        return heapq.heappop(self._heap)[1]

    def take(self, match: Callable[[Recorded], bool], limit: int) -> list[Recorded]:
        taken = heapq.nsmallest(limit, (item for item in self._heap if match(item[1])), key=lambda item: item[0])
        if taken:
            ids = {item[0] for item in taken}
            self._heap = [item for item in self._heap if item[0] not in ids]
            heapq.heapify(self._heap)
        return [item[1] for item in taken]


def _batchable(action: Recorded) -> bool:
    """Deletions that may join the other deletions of their chat in one ``messages.delete``."""
    return action.kind == Kind.DELETE and action.params.get("gate") is None


def _packable(action: Recorded) -> bool:
    """Actions that can share one ``execute``: each one's outcome (and follow-up: an alert's copy
    remembered, a tracked send reported) is read from its own call's answer. A private answer to
    a command (an URGENT send) goes alone, at once; the deletions of one chat are one call."""
    if action.kind == Kind.SEND:
        return action.lane != Lane.URGENT
    return action.kind in (Kind.DELETE, Kind.REMOVE, Kind.RETITLE, Kind.EDIT, Kind.PIN, Kind.RESTRICT)


def random_id_of(action: Recorded) -> int:
    """Stable per action: the same action sent twice is dropped by VK (non-zero, < 2^31 - 100)."""
    digest = hashlib.blake2b(f"{action.event_id}:{action.seq}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % (2**31 - 200) + 1


class ActionRunner:
    def __init__(self, db: Database, gateway: VkGateway, clock: Clock, *,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.db = db
        self.gateway = gateway
        self.clock = clock
        self._sleep = sleep
        self.names = Names(gateway)
        self.pack_bulk = True  # bulk actions share execute requests (False: one request each)
        self.pack_calls = True  # URGENT and NORMAL actions queued together share one execute too
        self.names.local = self._roster_names
        self.on_rights_lost: ChatHook | None = None
        self.on_undeliverable: UndeliveredHook | None = None
        self.on_performed: Callable[[], Awaitable[None]] | None = None
        self.on_sent: SentHook | None = None  # a tracked send went out (params["track"])
        self.on_sanction_failed: Callable[[int, bool], Awaitable[None]] | None = None  # (violation_id, rights lost)
        self._cancelled: set[int] = set()
        self._unsettled: dict[tuple[str, int], asyncio.Event] = {}  # (event_id, seq) of known actions
        self._gated: dict[tuple[str, int], list[Recorded]] = {}  # gate (event_id, seq) -> waiting
        self._queues = {lane: LaneQueue() for lane in Lane}
        self._answers = LaneQueue()
        self._answer_due = 0.0  # the answers' pace (GCRA): when the next request is due
        self._normal_due = 0.0  # the NORMAL packs' pace likewise
        self._known: set[int] = set()
        self._last_id = 0
        self._wakeup = asyncio.Event()
        self._loading = False
        # (lane, peer) → held while an action of that peer in that lane is performed: each peer's
        # actions keep their order within a lane, and a deletion never waits for a warning
        self._peer_locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._tasks: list[asyncio.Task[Any]] = []
        self._idle = asyncio.Condition()
        self.performed = 0
        # delayed actions (params["not_before"]): held aside, not counted as backlog, until due
        self._delayed: list[tuple[int, int, Recorded]] = []
        self._delayed_ids: set[int] = set()
        self._delay_wake = asyncio.Event()

    # -- lifecycle ----------------------------------------------------------------------

    def wake(self) -> None:
        self._wakeup.set()
        self._delay_wake.set()  # the clock may have moved (tests advance it, then wake)

    async def start(self) -> None:
        if self._tasks:
            return
        await self._load()
        self._tasks.append(asyncio.create_task(self._loader(), name="actions-loader"))
        self._tasks.append(asyncio.create_task(self._timer(), name="actions-delayed"))
        for lane, count in WORKERS.items():
            for index in range(count):
                self._tasks.append(asyncio.create_task(self._worker(lane), name=f"actions-{lane.name}-{index}"))
        for index in range(ANSWER_WORKERS):
            self._tasks.append(asyncio.create_task(self._answer_worker(), name=f"actions-answers-{index}"))

    async def stop(self, grace: float = 5.0) -> None:
        """Let queued actions finish for up to ``grace`` seconds; the rest stay pending in the DB."""
        if not self._tasks:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.drained(), grace)
        for task in self._tasks:
            task.cancel()
        # bounded: a task that does not end when cancelled must not hold the stop forever
        done, pending = await asyncio.wait(self._tasks, timeout=STOP_SECONDS) if self._tasks else (set(), set())
        for task in done:
            if not task.cancelled():
                task.exception()  # retrieved (a worker that died is no news at a stop)
        if pending:
            log.warning("%d action runner tasks did not end when cancelled: %s", len(pending),
                        ", ".join(sorted(task.get_name() for task in pending)))
        self._tasks.clear()

    @property
    def backlog(self) -> int:
        return len(self._known)

    async def drained(self) -> None:
        """Return once every recorded action known so far has been performed."""
        async with self._idle:
            await self._idle.wait_for(lambda: not self._known and not self._wakeup.is_set() and not self._loading)

    # -- loading ------------------------------------------------------------------------

    async def _loader(self) -> None:
        while True:
            await self._wakeup.wait()
            self._loading = True
            self._wakeup.clear()
            try:
                await self._load()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("loading recorded actions failed; retrying")
                await self._sleep(0.5)
                self._wakeup.set()
            finally:
                self._loading = False
            await self._notify_idle()

    async def _load(self) -> None:
        while True:
            batch = await outbox.pending(self.db, after_id=self._last_id)
            now = self.clock.now()
            for action in batch:
                self._last_id = max(self._last_id, action.id)
                not_before = action.params.get("not_before")
                if not_before is not None and int(not_before) > now:
                    if action.id not in self._delayed_ids:
                        self._delayed_ids.add(action.id)
                        heapq.heappush(self._delayed, (int(not_before), action.id, action))
                        self._delay_wake.set()
                    continue
                if action.id not in self._known:
                    self._known.add(action.id)
                    self._unsettled.setdefault((action.event_id, action.seq), asyncio.Event())
                    gate = action.params.get("gate")
                    if gate is not None and (action.event_id, int(gate)) in self._unsettled:
                        # waits aside (holding no worker) until the sanction's deletion settles
                        self._gated.setdefault((action.event_id, int(gate)), []).append(action)
                    else:
                        self._enqueue(action)
            if len(batch) < 1000:
                return

    async def _timer(self) -> None:
        """Release delayed actions once due (checked at least every second while any wait)."""
        while True:
            self._delay_wake.clear()
            if self._release_due():
                await self._notify_idle()
            timeout = None
            if self._delayed:
                timeout = min(1.0, max(0.05, self._delayed[0][0] - self.clock.now()))
            # asyncio.timeout, not wait_for: under Python 3.11 wait_for returns normally when it
            # is cancelled just as the event is set (an action recorded while ``stop`` cancels
            # the tasks): this loop went on and ``stop`` waited for it forever
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._delay_wake.wait()

    def _release_due(self) -> int:
        now = self.clock.now()
        released = 0
        while self._delayed and self._delayed[0][0] <= now:
            _, action_id, action = heapq.heappop(self._delayed)
            self._delayed_ids.discard(action_id)
            if action_id in self._known:
                continue
            self._known.add(action_id)
            self._unsettled.setdefault((action.event_id, action.seq), asyncio.Event())
            self._enqueue(action)
            released += 1
        return released

    @property
    def delayed(self) -> int:
        """Delayed actions not yet due."""
        return len(self._delayed)

    def _enqueue(self, action: Recorded) -> None:
        if action.kind == Kind.ANSWER:
            self._answers.put_nowait(action)
            return
        self._queues[Lane(min(max(action.lane, 0), 2))].put_nowait(action)

    async def _notify_idle(self) -> None:
        async with self._idle:
            self._idle.notify_all()

    # -- performing ---------------------------------------------------------------------

    async def _worker(self, lane: Lane) -> None:
        queue = self._queues[lane]
        while True:
            action = await queue.get()
            if await self._dropped(action):
                continue
            peer = action.peer_id or 0
            lock = self._peer_locks.setdefault((lane, peer), asyncio.Lock())
            try:
                async with lock:
                    if self._packs(lane) and _packable(action):
                        await self._pack_and_run(queue, action, lane)
                    else:
                        batch = [action]
                        if _batchable(action):
                            batch += self._same_chat_deletions(queue, action)
                        await self._run_guarded(lane, batch)
            finally:
                if not lock.locked() and not lock._waiters:
                    self._peer_locks.pop((lane, peer), None)
            await self._notify_idle()
            if self.on_performed is not None:
                await self.on_performed()

    async def _pack_and_run(self, queue: LaneQueue, head: Recorded, lane: Lane) -> None:
        """``head`` (its peer held) with what can share its request: gathered only once VK's
        limiter would let the request start (NORMAL also paced), so what was queued meanwhile
        goes in the same ``execute`` instead of each waiting for a slot of its own."""
        if lane == Lane.NORMAL:
            await self._pace()
        try:
            async with self._slot(lane):
                if await self._dropped(head):
                    return
                groups = self._gather(queue, head, lane, {head.peer_id or 0})
                if groups is None:
                    await self._run_guarded(lane, [head])
                else:
                    await self._perform_pack(groups, lane, {head.peer_id or 0})
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the limiter itself failed: the worker lives on
            await self._broken(head, exc)

    async def _dropped(self, action: Recorded) -> bool:
        """A cancelled action (its decision's sanction failed) is settled without performing it."""
        if action.id not in self._cancelled:
            return False
        self._cancelled.discard(action.id)
        self._settled(action)
        await self._notify_idle()
        return True

    def _packs(self, lane: Lane) -> bool:
        return self.pack_bulk if lane == Lane.BULK else self.pack_calls

    def _peer_free(self, lane: Lane, peer_id: int | None) -> bool:
        """No action of this peer is being performed (actions of one peer keep their order)."""
        lock = self._peer_locks.get((lane, peer_id or 0))
        return lock is None or (not lock.locked() and not lock._waiters)

    def _slot(self, lane: Lane) -> contextlib.AbstractAsyncContextManager[None]:
        """VK's limiter slot for this worker's next request, waited for in the lane's turn before
        anything is gathered: what is queued meanwhile joins that request's ``execute`` instead
        of each waiting for a slot of its own."""
        limiter = getattr(self.gateway.api, "limiter", None)
        if limiter is None or not hasattr(limiter, "reserved"):
            return contextlib.nullcontext()
        return limiter.reserved(VkLane[lane.name], headroom=HEADROOM.get(lane, 0))

    async def _run_guarded(self, lane: Lane, batch: list[Recorded]) -> None:
        try:
            await self._run(lane, batch)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            for each in batch:
                await self._broken(each, exc)

    async def _pace(self) -> None:
        """NORMAL requests start at most one per PACK_SPACING seconds (two at once after a
        pause): warnings and alerts recorded meanwhile go out together in one ``execute``, and
        the deletions keep the rest of VK's 20 requests/s."""
        now = time.monotonic()
        start = max(now, self._normal_due - (PACK_BURST - 1) * PACK_SPACING)
        self._normal_due = max(self._normal_due, start) + PACK_SPACING
        if start > now:
            await self._sleep(start - now)

    def _same_chat_deletions(self, queue: LaneQueue, head: Recorded) -> list[Recorded]:
        """The other queued deletions of ``head``'s chat, oldest first, as many as fit one
        ``messages.delete`` (100 messages) with ``head``'s."""
        taken = queue.take(lambda a: _batchable(a) and a.peer_id == head.peer_id and a.id not in self._cancelled,
                           MAX_DELETE)
        room = MAX_DELETE - len(head.params["cmids"])
        fitting: list[Recorded] = []
        for action in taken:
            if len(action.params["cmids"]) <= room:
                room -= len(action.params["cmids"])
                fitting.append(action)
            else:
                queue.put_nowait(action)
        return fitting

    def _gather(self, queue: LaneQueue, head: Recorded, lane: Lane,
                held: set[int]) -> list[list[Recorded]] | None:
        """``head`` and the queued actions that can share its ``execute``, as calls (the
        deletions of one chat are one call); None when nothing joins it (performed alone).
        Outside BULK an action joins only if no other worker performs its peer's actions
        (``held``: the peers this worker holds)."""
        groups: list[list[Recorded]] = [[head]]
        by_chat: dict[int, list[Recorded]] = {}
        if _batchable(head):
            groups[0] += self._same_chat_deletions(queue, head)
            by_chat[head.peer_id or 0] = groups[0]
        chosen = {head.peer_id or 0}

        def joins(a: Recorded) -> bool:
            if not _packable(a) or a.id in self._cancelled:
                return False
            if lane == Lane.BULK:
                return True
            peer = a.peer_id or 0
            if peer in held:  # another worker waiting for this peer holds an older action of it
                lock = self._peer_locks.get((lane, peer))
                return lock is None or not lock._waiters
            return peer in chosen or self._peer_free(lane, peer)

        for action in queue.take(joins, EXECUTE_LIMIT - 1):
            chosen.add(action.peer_id or 0)
            group = by_chat.get(action.peer_id or 0) if _batchable(action) else None
            if group is not None and sum(len(a.params["cmids"]) for a in group) + len(action.params["cmids"]) \
                    <= MAX_DELETE:
                group.append(action)
            else:
                groups.append([action])
                if _batchable(action):
                    by_chat[action.peer_id or 0] = groups[-1]
        if len(groups) == 1 and len(groups[0]) == 1:
            return None
        return groups

    async def _perform_pack(self, groups: list[list[Recorded]], lane: Lane, held: set[int]) -> None:
        """Perform gathered calls in one ``execute``; outside BULK the peers are held meanwhile
        (their other actions wait, so each peer's order is kept)."""
        locks: list[tuple[int, asyncio.Lock]] = []
        if lane != Lane.BULK:
            for peer in dict.fromkeys(a.peer_id or 0 for group in groups for a in group):
                if peer not in held:
                    lock = self._peer_locks.setdefault((lane, peer), asyncio.Lock())
                    await lock.acquire()  # free when gathered, nothing awaited since: taken at once
                    locks.append((peer, lock))
        try:
            await self._run_packed(groups, lane)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            for group in groups:
                for each in group:
                    await self._broken(each, exc)
        finally:
            for peer, lock in locks:
                lock.release()
                if not lock.locked() and not lock._waiters:
                    self._peer_locks.pop((lane, peer), None)

    async def _answer_worker(self) -> None:
        """Answers to button presses: whatever is queued goes out together (one ``execute``)."""
        queue = self._answers
        while True:
            action = await queue.get()
            now = time.monotonic()
            start = max(now, self._answer_due - (ANSWER_BURST - 1) * ANSWER_SPACING)
            self._answer_due = max(self._answer_due, start) + ANSWER_SPACING
            if start > now:
                await self._sleep(start - now)  # presses arriving meanwhile join this request
            pack = [action, *queue.take(lambda a: True, EXECUTE_LIMIT - 1)]
            for each in pack:
                if each.id in self._cancelled:
                    self._cancelled.discard(each.id)
                    self._settled(each)
            pack = [a for a in pack if a.id in self._known]
            try:
                if len(pack) > 1:
                    await self._run_packed([[a] for a in pack], Lane.URGENT)
                elif pack:
                    await self._run(Lane.URGENT, pack)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                for each in pack:
                    await self._broken(each, exc)
            await self._notify_idle()
            if self.on_performed is not None:
                await self.on_performed()

    async def _run(self, lane: Lane, batch: list[Recorded]) -> None:
        """Perform an action (or the deletions of one chat together) and record the outcome;
        follow-ups (rights lost, a sanction that could not be carried out) run before the action
        counts as settled."""
        head = batch[0]
        cmids = [int(c) for a in batch for c in a.params["cmids"]] if head.kind == Kind.DELETE else []
        try:
            with _vk_lane(lane):
                if head.kind == Kind.DELETE:
                    outcomes = await self.gateway.delete_messages(int(head.peer_id or 0), cmids[:MAX_DELETE])
                else:
                    await self._perform(head)
                    outcomes = None
        except VkError as exc:
            now = int(self.clock.now())
            if isinstance(exc, VkCannotDelete) and cmids:
                # VK refused the whole request rather than message by message: each deletion is
                # settled as that refusal of its own messages (a message gone already keeps its
                # decision), exactly as in a per-message answer
                await self._done(await self._deleted(batch, {c: exc for c in cmids}, now), now)
                return
            await self._done(await self._settle_each(batch, lambda a: self._on_error(a, exc, now)), now)
            return
        now = int(self.clock.now())
        if outcomes is None:
            await self._done(batch, now)
        else:
            await self._done(await self._deleted(batch, outcomes, now), now)

    async def _done(self, actions: list[Recorded], now: int) -> None:
        if not actions:
            return
        await outbox.mark_done(self.db, [a.id for a in actions], now)
        for action in actions:
            self._settled(action)
        self.performed += len(actions)

    async def _settle_each(self, actions: list[Recorded],
                           settle: Callable[[Recorded], Awaitable[bool]]) -> list[Recorded]:
        """Settle each action on its own (``settle``: True when it counts as done — returned, for
        the caller to mark together): one whose settling raises (a follow-up failed) ends as
        broken alone, the others keep their own outcome."""
        done: list[Recorded] = []
        for action in actions:
            try:
                if await settle(action):
                    done.append(action)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self._broken(action, exc)
        return done

    async def _deleted(self, batch: list[Recorded], outcomes: dict[int, VkError | None],
                       now: int) -> list[Recorded]:
        """Each deletion settled by VK's answer for its own messages (returned when every one of
        them was deleted). One VK refused is settled exactly as the same refusal of a request of
        its own (``_on_error``): a sanction's decision cancelled, lost rights reported, a
        transient error retried — unless its messages are gone anyway (deleted by their author,
        or by this very request repeated after a crash: VK answers 924 for those too), which
        keeps the rest of the decision."""
        refused: dict[int, list[int]] = {}  # action id → its messages VK did not delete
        decisive: dict[int, VkError] = {}  # action id → the answer its outcome follows
        for action in batch:
            cmids = [int(c) for c in action.params["cmids"] if outcomes.get(int(c)) is not None]
            if cmids:
                refused[action.id] = cmids
                decisive[action.id] = _decisive([e for c in cmids if (e := outcomes.get(c)) is not None])
        # sanctions VK refused for good: are their messages still there? (one question per chat)
        checked = {a.id for a in batch if a.id in decisive and a.params.get("violation_id")
                   and not isinstance(decisive[a.id], VkUnavailable)}
        asked = [c for action_id in checked for c in refused[action_id]]
        there = await self._still_there(batch[0], asked) if asked else set()

        async def settle(action: Recorded) -> bool:
            error = decisive.get(action.id)
            if error is None:
                return True
            log.info("deletion %s refused for %d message(s): %s", action.id, len(refused[action.id]), error.code)
            seen = there
            if action.id in checked and isinstance(seen, VkUnavailable):
                # VK could not say whether the message stayed: asked again with the deletion
                # later (a message already gone must not take back a decision it carried out)
                await self._retry_later(action, seen)
                return False
            if action.id in checked and not isinstance(seen, VkUnavailable) \
                    and not seen.intersection(refused[action.id]):
                log.info("deletion %s: its message(s) were gone already; the decision stands", action.id)
                await self._refused(action, error.code, now, rights_lost=isinstance(error, VkNoChatRights),
                                    cancel=False)
                return False
            return await self._on_error(action, error, now)

        return await self._settle_each(batch, settle)

    async def _still_there(self, action: Recorded, cmids: list[int]) -> set[int] | VkUnavailable:
        """Which of these messages of ``action``'s chat VK still shows. A question VK could not
        answer for now (VkUnavailable: rate limit, outage) is returned, to be asked again; one it
        refused, or an answer we cannot read, counts as «all still there» (the refusal then
        stands as VK gave it) — never breaking the deletions VK did perform."""
        try:
            with _vk_lane(Lane.URGENT):
                return await self.gateway.still_there(int(action.peer_id or 0), cmids[:MAX_DELETE])
        except VkUnavailable as exc:
            log.warning("deletion %s: whether its messages stayed is unknown for now (%s)", action.id, exc.code)
            return exc
        except VkError as exc:
            log.warning("deletion %s: whether its messages stayed is unknown (%s)", action.id, exc.code)
            return set(cmids)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("deletion %s: VK's answer whether its messages stayed is unreadable (%s)",
                      action.id, type(exc).__name__)
            return set(cmids)

    async def _on_error(self, action: Recorded, exc: VkError, now: int) -> bool:
        """Map VK's error for one action (alone or inside ``execute``) to its outcome; True when
        the action counts as done anyway (a removal of someone already gone)."""
        if action.kind == Kind.REMOVE and isinstance(exc, VkUserNotInChat):
            return True
        if isinstance(exc, VkUnavailable):
            await self._retry_later(action, exc)
        elif action.kind == Kind.RESTRICT:
            return True  # the undocumented restriction: the soft mute works without it
        elif isinstance(exc, VkNoChatRights):
            await self._refused(action, exc.code, now, rights_lost=True)
        elif isinstance(exc, VkCannotMessage):
            await outbox.mark_failed(self.db, action.id, now, exc.code)
            try:
                if self.on_undeliverable is not None and action.peer_id:
                    await self.on_undeliverable(action)
            finally:
                self._settled(action)
        else:
            log.warning("action %s (%s) refused by VK: %s %s", action.id, action.kind, exc.code, exc.method)
            await self._refused(action, exc.code, now, rights_lost=False)
        return False

    async def _run_packed(self, groups: list[list[Recorded]], lane: Lane) -> None:
        """Calls in one ``execute`` (up to 25; the deletions of one chat are one call), each
        action settled by its own call's answer exactly as if performed alone. A transport
        failure retries them later (sends carry their random_id: VK drops a repeat)."""
        await self.names.prefetch(vk_id for group in groups for a in group
                                  for vk_id in Names.mentioned(str(a.params.get("text", ""))))
        packed: list[list[Recorded]] = []
        calls_: list[BatchCall] = []
        alone: list[list[Recorded]] = []
        late: set[int] = set()  # peers with an action that goes alone: what follows it waits too
        for group in groups:
            peer = group[0].peer_id or 0
            call = None if peer in late else await self._call_of(group)
            if call is None:
                late.add(peer)
                alone.append(group)
            else:
                packed.append(group)
                calls_.append(call)
        if len(calls_) == 1:
            alone, packed, calls_ = packed + alone, [], []
        if calls_:
            try:
                with _vk_lane(lane):
                    results = await self.gateway.execute(calls_)
            except VkUnavailable as exc:
                for group in packed:
                    for action in group:
                        await self._retry_later(action, exc)
            except VkError as exc:  # execute itself refused: one call each
                log.warning("execute refused (%s); performing %d calls one by one", exc.code, len(calls_))
                alone = packed + alone
            else:
                done: list[Recorded] = []
                now = int(self.clock.now())
                for group, result in zip(packed, results):
                    try:  # each call by its own answer: one failing never fails the others
                        done += await self._settle_call(group, result, now)
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:
                        for each in group:
                            await self._broken(each, exc)
                await self._done(done, now)
        for group in alone:
            await self._run_guarded(Lane(min(max(group[0].lane, 0), 2)), group)

    async def _settle_call(self, group: list[Recorded], result: BatchResult, now: int) -> list[Recorded]:
        """One call's answer inside ``execute``: the actions it completed (marked done by the
        caller, together); the others are settled here."""
        head = group[0]
        cmids = [int(c) for a in group for c in a.params["cmids"]] if head.kind == Kind.DELETE else []
        if not result.ok:
            error = result.error or VkError(0, result.call.method, "failed in execute")
            if isinstance(error, VkCannotDelete) and cmids:
                # refused as a whole, not message by message: settled as a per-message answer
                return await self._deleted(group, {c: error for c in cmids}, now)
            return await self._settle_each(group, lambda a: self._on_error(a, error, now))
        if head.kind == Kind.DELETE:
            return await self._deleted(group, delete_outcomes(result.call.method, cmids, result.response), now)
        if head.kind == Kind.SEND:
            return await self._settle_each([head], lambda a: self._sent(a, result.response, now))
        return [head]

    async def _sent(self, action: Recorded, response: Any, now: int) -> bool:
        """A send's answer inside ``execute``: its follow-ups run as after a single send."""
        try:
            sent = send_outcome(int(action.peer_id or 0), response)
        except VkError as exc:
            return await self._on_error(action, exc, now)
        await self._after_send(action, sent)
        return True

    async def _call_of(self, group: list[Recorded]) -> BatchCall | None:
        """The ``execute`` call of an action (or of one chat's deletions); None when it must go
        alone (a text too long for one message)."""
        action = group[0]
        p, peer = action.params, int(action.peer_id or 0)
        if action.kind == Kind.DELETE:
            return calls.delete(peer, [int(c) for a in group for c in a.params["cmids"]][:MAX_DELETE])
        if action.kind == Kind.REMOVE:
            return calls.remove_member(peer, int(p["member_id"]))
        if action.kind == Kind.RETITLE:
            return calls.retitle(peer, str(p["title"]))
        if action.kind == Kind.PIN:
            return calls.pin(peer, int(p["cmid"]))
        if action.kind == Kind.RESTRICT:
            return calls.restrict(peer, int(p["member_id"]), p.get("seconds"))
        if action.kind == Kind.ANSWER:
            return calls.answer(str(p["event_id"]), int(p["user_id"]), peer, await self.names.fill(p["text"]))
        if action.kind == Kind.EDIT:
            return calls.edit(peer, int(p["cmid"]), await self.names.fill(p["text"]), keyboard=p.get("keyboard"),
                              attachment=p.get("attachment"))
        text = await self.names.fill(p["text"])
        if not calls.fits(text):
            return None
        return calls.send(peer, text, random_id_of(action), keyboard=p.get("keyboard"),
                          attachment=p.get("attachment"), reply_to_cmid=p.get("reply_to"))

    async def _refused(self, action: Recorded, code: int, now: int, *, rights_lost: bool,
                       cancel: bool = True) -> None:
        """VK will not do it. A sanction's deletion takes the whole decision with it: what the
        event recorded and has not performed is cancelled (no warning saying «deleted»), the
        strike taken back and moderators told — all in one transaction with the failure, so a
        crash cannot leave half of it (``cancel=False``: its messages are gone anyway, the
        decision stands). Lost rights are reported to the chat's staff."""
        violation_id = action.params.get("violation_id") if action.kind == Kind.DELETE and cancel else None
        try:
            async with self.db.transaction():
                await outbox.mark_failed(self.db, action.id, now, code)
                if violation_id:
                    for cancelled in await outbox.cancel_event(self.db, action.event_id, now, code):
                        if cancelled in self._known and cancelled != action.id:
                            self._cancelled.add(cancelled)
                    if self.on_sanction_failed is not None:
                        try:
                            async with self.db.savepoint():
                                await self.on_sanction_failed(int(violation_id), rights_lost)
                        except Exception as exc:  # noqa: BLE001 - the cancellation stands either way
                            # never a «deleted» warning for a message that stayed: the decision's
                            # sends stay cancelled even when taking back its strike fails
                            log.error("violation %s: taking back the decision failed: %s", violation_id,
                                      type(exc).__name__)
                chat_id = action.params.get("chat_id")
                if rights_lost and chat_id and self.on_rights_lost is not None:
                    await self.on_rights_lost(int(chat_id))
        finally:
            self._settled(action)

    def _settled(self, action: Recorded) -> None:
        self._known.discard(action.id)
        key = (action.event_id, action.seq)
        event = self._unsettled.pop(key, None)
        if event is not None:
            event.set()
        for waiting in self._gated.pop(key, []):
            self._enqueue(waiting)  # cancelled ones are dropped by the worker

    async def _broken(self, action: Recorded, exc: Exception) -> None:
        """Our own failure (not VK's answer): the action ends as failed, logged where (never the
        message), and never blocks what waits for it."""
        log.error("action %s (%s) failed: %s", action.id, action.kind, type(exc).__name__)
        if action.id in self._known:
            try:
                await outbox.mark_failed(self.db, action.id, int(self.clock.now()), -1)
            finally:
                self._settled(action)

    async def _retry_later(self, action: Recorded, exc: VkError) -> None:
        attempts = action.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.error("action %s (%s) given up after %d attempts: VK unavailable", action.id, action.kind, attempts)
            await self._refused(action, exc.code or 0, int(self.clock.now()), rights_lost=False)
            return
        await outbox.count_attempt(self.db, action.id)
        retry = Recorded(action.id, action.event_id, action.seq, action.lane, action.kind, action.peer_id,
                         action.params, attempts)
        delay = RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
        log.warning("action %s (%s): VK unavailable, retry %d in %.1fs", action.id, action.kind, attempts, delay)

        async def later() -> None:
            await self._sleep(delay)
            self._enqueue(retry)

        task = asyncio.create_task(later())
        self._tasks.append(task)
        task.add_done_callback(self._forget_task)

    def _forget_task(self, task: asyncio.Task[Any]) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    async def _after_send(self, action: Recorded, sent: SentMessage) -> None:
        """What follows a send that went out: an alert's copy remembered (edited when someone
        acts on it), a delayed deletion recorded, the message pinned, a tracked send reported."""
        p, peer = action.params, int(action.peer_id or 0)
        if p.get("alert_id"):
            await alert_repo.add_message(self.db, int(p["alert_id"]), peer, sent.cmid)
        if p.get("delete_after") and sent.cmid:
            # the message is removed again later: a delayed deletion, recorded like any action
            await outbox.record(self.db, event_id=f"{action.event_id}/cleanup", seq=action.seq,
                                lane=int(Lane.BULK), kind=Kind.DELETE, peer_id=peer,
                                params={"cmids": [sent.cmid], "chat_id": None,
                                        "not_before": int(self.clock.now()) + int(p["delete_after"])},
                                now=int(self.clock.now()))
            self._wakeup.set()
        if p.get("pin") and sent.cmid:
            try:
                await self.gateway.pin(peer, sent.cmid)
            except VkError as exc:
                log.info("pinning in %s failed: %s", peer, exc.code)
        if p.get("track") and sent.cmid and self.on_sent is not None:
            try:
                await self.on_sent(str(p["track"]), sent.cmid)
            except Exception:  # the message went out: never retried for a follow-up's failure
                log.exception("the follow-up of tracked send %s failed", action.id)

    async def _roster_names(self, vk_ids: list[int]) -> dict[int, str]:
        """Names of people linked to the roster (what the school calls them): no ``users.get``."""
        return await people_repo.names_by_vk(self.db, vk_ids)

    async def _perform(self, action: Recorded) -> None:
        p = action.params
        peer = int(action.peer_id or 0)
        kind = action.kind
        if kind == Kind.SEND:
            sent = await self.gateway.send(peer, await self.names.fill(p["text"]), keyboard=p.get("keyboard"),
                                           reply_to_cmid=p.get("reply_to"), attachment=p.get("attachment"),
                                           random_id=random_id_of(action))
            await self._after_send(action, sent)
        elif kind == Kind.DELETE:
            await self.gateway.delete_for_all(peer, [int(c) for c in p["cmids"]])
        elif kind == Kind.REMOVE:
            try:
                await self.gateway.remove_chat_user(peer, int(p["member_id"]))
            except VkUserNotInChat:
                pass  # already gone: the removal is done
        elif kind == Kind.RESTRICT:
            await self.gateway.restrict(peer, int(p["member_id"]), p.get("seconds"))
        elif kind == Kind.EDIT:
            await self.gateway.edit(peer, int(p["cmid"]), await self.names.fill(p["text"]), keyboard=p.get("keyboard"),
                                    attachment=p.get("attachment"))
        elif kind == Kind.PIN:
            await self.gateway.pin(peer, int(p["cmid"]))
        elif kind == Kind.RETITLE:
            await self.gateway.edit_chat_title(peer, str(p["title"]))
        elif kind == Kind.ANSWER:
            await self.gateway.answer_event(str(p["event_id"]), int(p["user_id"]), peer,
                                            await self.names.fill(p["text"]))
        else:
            raise VkError(0, kind, "unknown recorded action")


def _decisive(errors: list[VkError]) -> VkError:
    """Of VK's answers for a deletion's messages, the one that decides its outcome: lost rights
    first, then a final refusal, a transient error (retried) only when nothing else."""
    for error in errors:
        if isinstance(error, VkNoChatRights):
            return error
    return next((e for e in errors if not isinstance(e, VkUnavailable)), errors[0])


@contextlib.contextmanager
def _vk_lane(lane: Lane) -> Any:
    """Tell the rate limiter which lane this request belongs to (when it knows lanes)."""
    try:
        from bot.vk import lanes
    except ImportError:  # pragma: no cover - older transport
        yield
        return
    with lanes.lane(lanes.Lane[lane.name]):
        yield
