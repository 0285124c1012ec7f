"""How fast a violation is deleted when VK's 20 requests/s are scarce.

vkemu with the real limit (``rps_limit=20``); the bot's stream: ``--rate`` messages/s (default
200) for ``--seconds`` over many students' chats, every 20th an insult («ну ты и дебил …», 5 %),
each violator a different linked student. In the storm run a join storm (``--joins`` strangers by
invite link, default 5,000, spread over the same seconds) hits one more students' chat: the bot
removes the strangers through the BULK lane while it deletes violations through URGENT.

Per violating message: from the moment its update is available in long poll (the benchmark
notes ``time.monotonic()`` as ``emu.user_message`` returns — the update is queued synchronously
inside it) to the arrival of the ``messages.delete`` carrying its cmid (vkemu's ``Call.at``, the
same clock). Printed: p50/p95/p99 with and without the storm (target p99 < 250 ms), and VK
requests per violation: (requests of the run with violations − those of the same stream without
violations) / violations, as HTTP requests (``execute`` counts once, as for VK's limit) and as
calls (each call inside ``execute`` counted), with the methods that make the difference.

    python bench/violation_latency.py [--seconds 15] [--rate 200] [--joins 5000] [--chats 100]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _harness import Zavuch, ms, pct, seed_world, start_emulator

VIOLATION_EVERY = 20  # 5 %
INSULT = "ну ты и дебил"
TEXTS = ("кто сделал домашку по алгебре", "завтра физра на улице?", "скиньте расписание пж",
         "я опоздаю на первый урок", "а контрольная в четверг или в пятницу", "спасибо, разобрался")


@dataclass
class Outcome:
    name: str
    violations: int = 0
    messages: int = 0
    joins: int = 0
    stream_s: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, deleted violations only
    decided: list[float] = field(default_factory=list)  # available → its deletion taken up by the action runner
    performed: list[float] = field(default_factory=list)  # taken up → its messages.delete at vkemu
    missing: int = 0  # violations never deleted within the wait
    http_requests: int = 0
    calls: collections.Counter = field(default_factory=collections.Counter)  # method -> calls (execute's inner)
    removed: int = 0
    drain_s: float = 0.0  # after the stream: until every recorded action was performed
    backlog: int = 0  # recorded actions not yet performed when the run ended
    sends_to_chats: int = 0


def _cmids(params: dict) -> list[int]:
    raw = params.get("cmids") or params.get("conversation_message_ids") or ""
    try:
        value = json.loads(raw) if raw.startswith("[") else [int(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        return []
    return [int(x) for x in value]


async def run(args: argparse.Namespace, name: str, *, violations: bool, storm: bool, tmp: Path) -> Outcome:
    emu = await start_emulator(20)
    bot = Zavuch(emu, tmp / f"{name.replace(' ', '_')}.db")
    out = Outcome(name)
    try:
        app = await bot.open()
        total = int(args.rate * args.seconds)
        students = max(20, -(-total // (args.chats * 4)))
        world = await seed_world(app, emu, args.chats, students, storm_chat=True)
        strangers = [emu.add_user("Незнакомец", f"Номер{i}", allows_messages=False)
                     for i in range(args.joins if storm else 0)]
        await bot.start()
        await bot.settled(60)
        chats = world.chats
        available: dict[tuple[int, int], float] = {}
        queued: dict[tuple[int, int], float] = {}  # when the action runner took each deletion up
        enqueue = app.runner._enqueue

        def noting(action):  # the split: deciding (message path) vs performing (action runner)
            if action.kind == "delete_messages":
                for cmid in action.params.get("cmids", []):
                    queued.setdefault((int(action.peer_id or 0), int(cmid)), time.monotonic())
            enqueue(action)

        app.runner._enqueue = noting
        calls0, http0 = len(emu.calls), emu.http_requests
        start = time.monotonic()
        sent = joined = 0
        while sent < total or joined < len(strangers):
            elapsed = time.monotonic() - start
            due = min(total, int(elapsed * args.rate) + 1)
            due_joins = min(len(strangers), int(elapsed / args.seconds * len(strangers)) + 1)
            while sent < due:
                chat = chats[sent % len(chats)]
                if violations and sent % VIOLATION_EVERY == VIOLATION_EVERY - 1:
                    v = out.violations
                    chat = chats[v % len(chats)]
                    author = chat.students[(v // len(chats)) % len(chat.students)]
                    cmid = emu.user_message(chat.peer_id, author, f"{INSULT} ({sent})")
                    available[(chat.peer_id, cmid)] = time.monotonic()
                    out.violations += 1
                else:
                    author = chat.students[(sent // len(chats) + 7) % len(chat.students)]
                    emu.user_message(chat.peer_id, author, f"{TEXTS[sent % len(TEXTS)]} ({sent})")
                sent += 1
            while joined < due_joins:
                assert world.storm_peer is not None
                emu.join_by_link(world.storm_peer, strangers[joined])
                joined += 1
            await asyncio.sleep(0.005)
        out.stream_s = time.monotonic() - start
        out.messages, out.joins = sent, joined
        t_end = time.monotonic()

        def deleted() -> dict[tuple[int, int], float]:
            found: dict[tuple[int, int], float] = {}
            for call in emu.calls[calls0:]:
                if call.method == "messages.delete":
                    peer = int(call.params.get("peer_id", 0))
                    for cmid in _cmids(call.params):
                        found.setdefault((peer, cmid), call.at)
            return found

        try:
            await emu.wait_for(lambda: set(available) <= set(deleted()), timeout=args.wait)
        except TimeoutError:
            pass
        if not storm:  # the storm's removals and notices take minutes at 20 req/s: not waited for
            try:
                await bot.settled(args.wait)
            except TimeoutError:
                pass
        out.backlog = app.runner.backlog
        out.drain_s = time.monotonic() - t_end
        found = deleted()
        for key, at in available.items():
            if key in found:
                out.latencies.append(found[key] - at)
                if key in queued:
                    out.decided.append(queued[key] - at)
                    out.performed.append(found[key] - queued[key])
            else:
                out.missing += 1
        out.http_requests = emu.http_requests - http0
        for call in emu.calls[calls0:]:
            out.calls[call.method] += 1
            if call.method == "messages.removeChatUser" and call.error_code is None:
                out.removed += 1
            if call.method == "messages.send" and int(call.params.get("peer_id", 0)) > 2_000_000_000:
                out.sends_to_chats += 1
        return out
    finally:
        await bot.stop()
        await emu.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=200, help="chat messages per second")
    parser.add_argument("--joins", type=int, default=5000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for the bot to catch up")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"{args.rate:.0f} msg/s for {args.seconds:.0f} s over {args.chats} students' chats, 5 % insults, "
          f"VK limit 20 req/s; storm: {args.joins} strangers join one more chat in the same seconds")
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for name, violations, storm in (("with storm", True, True), ("without storm", True, False),
                                        ("no violations", False, False)):
            runs.append(await run(args, name, violations=violations, storm=storm, tmp=Path(tmp)))
            print(f"  ran {name}", flush=True)
    storm_run, calm, base = runs
    print()
    print(f"{'violation → messages.delete, ms':34} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  "
          f"{'deleted':>9}  stream  drain")
    for r in (storm_run, calm):
        lat = r.latencies
        print(f"{r.name:34} {ms(pct(lat, 50)):>7} {ms(pct(lat, 95)):>7} {ms(pct(lat, 99)):>7} "
              f"{ms(max(lat) if lat else float('nan')):>7}  {len(lat):>4}/{r.violations:<4}  "
              f"{r.stream_s:5.1f}s {r.drain_s:5.1f}s  ({r.messages} msgs, {r.joins} joins, {r.removed} removed,"
              f" {r.backlog} actions still queued)")
    print("(target p99 < 250 ms)")
    print("  of which: available → deletion recorded and taken up by the action runner (the message path),"
          " then → messages.delete at VK (the runner and the limiter):")
    for r in (storm_run, calm):
        print(f"  {r.name:32} decided p50/p95/p99 {ms(pct(r.decided, 50))}/{ms(pct(r.decided, 95))}/"
              f"{ms(pct(r.decided, 99))} ms; performed {ms(pct(r.performed, 50))}/{ms(pct(r.performed, 95))}/"
              f"{ms(pct(r.performed, 99))} ms")
    print()
    v = calm.violations or 1
    http = (calm.http_requests - base.http_requests) / v
    calls = (sum(calm.calls.values()) - sum(base.calls.values())) / v
    print(f"VK requests per violation (without storm − no violations) / {calm.violations}: "
          f"{http:.2f} HTTP requests, {calls:.2f} calls counting each inside execute")
    diff = {m: (calm.calls[m] - base.calls[m]) / v for m in set(calm.calls) | set(base.calls)}
    for method, per in sorted(diff.items(), key=lambda kv: -abs(kv[1])):
        if abs(per) >= 0.005:
            print(f"  {method:40} {per:+.2f}")
    print(f"storm run: {storm_run.http_requests} HTTP requests in {storm_run.stream_s + storm_run.drain_s:.0f} s "
          f"(stream + wait for the deletions); {storm_run.sends_to_chats} messages.send to chats; "
          + ", ".join(f"{m} {c}" for m, c in storm_run.calls.most_common(6)))


if __name__ == "__main__":
    asyncio.run(main())
