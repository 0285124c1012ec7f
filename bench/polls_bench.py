"""A poll with 300 voters pressing within 10 s, while the moderation deletes violations elsewhere.

vkemu with VK's real limit (``rps_limit=20``) and the real bot. One parents' chat holds the poll
(posted through the service, as «Опубликовать» does) and ``--voters`` members who press an option
each, spread evenly over ``--press-seconds``; meanwhile ``--rate`` messages/s for ``--seconds``
go to ``--chats`` students' chats, every 20th an insult the moderation deletes.

Measured, from vkemu's own call log (``Call.at``, the same monotonic clock as the presses):
- per press: from ``emu.press_button`` returning (the update is in long poll) to the
  ``messages.sendMessageEventAnswer`` carrying its ``event_id`` — p50/p95/p99, answered/pressed;
- the live count: ``messages.edit`` calls on the poll message (throttled: at most one per
  ``EDIT_INTERVAL`` s) and ``messages.send`` to the poll chat during the run (never a re-send);
- per violation: from its message to the ``messages.delete`` with its cmid, in the same stream
  with and without the poll running (p50/p95/p99 and their ratios).

    python bench/polls_bench.py [--voters 300] [--press-seconds 10] [--rate 100] [--seconds 10] [--chats 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _harness import NOW, Zavuch, ms, pct, seed_world, start_emulator

from bot.domain import polls as dom
from bot.pipeline.effects import Lane
from bot.pipeline.unit import unit
from bot.repo import chats as chat_repo
from bot.repo import polls as poll_repo
from bot.services.polls import Polls

VIOLATION_EVERY = 20
INSULT = "ну ты и дебил"
TEXTS = ("кто сделал домашку по алгебре", "завтра физра на улице?", "скиньте расписание пж",
         "я опоздаю на первый урок", "а контрольная в четверг или в пятницу", "спасибо, разобрался")
OPTIONS = ("Во вторник в 18:00", "В среду в 19:00", "В четверг в 18:30", "В субботу утром")


@dataclass
class Outcome:
    name: str
    violations: int = 0
    latencies: list[float] = field(default_factory=list)
    missing: int = 0
    presses: int = 0
    answers: list[float] = field(default_factory=list)
    unanswered: int = 0
    edits: int = 0
    edit_gaps: list[float] = field(default_factory=list)
    resent: int = 0
    final_ok: bool = False
    http_requests: int = 0
    answer_requests: int = 0  # HTTP requests carrying answers (an execute of many counts once)
    methods: dict[str, int] = field(default_factory=dict)  # calls by method (inside execute too)
    wall_s: float = 0.0


def _cmids(params: dict) -> list[int]:
    raw = params.get("cmids") or params.get("conversation_message_ids") or ""
    try:
        value = json.loads(raw) if raw.startswith("[") else [int(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        return []
    return [int(x) for x in value]


async def _poll_chat(app, emu, voters: list[int]) -> tuple[int, int]:
    """A parents' chat with the voters inside (before the bot polls): (peer, owner)."""
    owner = emu.add_user("Мария", "Классная", allows_messages=True)
    peer = emu.create_chat("Опрос — родители", owner, voters, with_bot=True, bot_admin=True)
    db = app.db
    org_id = await db.fetchval("SELECT MIN(id) FROM org")
    chat, _ = await chat_repo.ensure(db, peer, added_by=owner, now=NOW)
    await chat_repo.bind(db, chat.id, org_id=org_id, type_="parents_school", class_id=None, subject=None,
                         title="Опрос — родители", leader_id=None)
    await chat_repo.set_admin(db, chat.id, True, now=NOW)
    return peer, owner


async def _post_poll(app, emu, peer: int, owner: int) -> tuple[int, int]:
    """A named poll posted in the chat as «Опубликовать» posts it: (poll id, cmid)."""
    db = app.db
    chat = await chat_repo.by_peer(db, peer)
    assert chat is not None and chat.org_id is not None
    org_id = chat.org_id
    polls = Polls.of(app)
    mark = len(emu.sent(peer))
    with unit("bench:poll"):
        async with db.transaction():
            poll_id = await poll_repo.create(db, kind="poll", chat_id=chat.id, org_id=org_id, author_vk=owner,
                                             question="Когда провести собрание?", options=OPTIONS, correct=None,
                                             multiple=False, anonymous=False, deadline=app.now() + 3600,
                                             now=app.now())
            poll = await poll_repo.get(db, poll_id)
            assert poll is not None
            text, keyboard = await polls.render(poll)
            await app.effects.send(peer, text, keyboard=keyboard, lane=Lane.NORMAL)
    await emu.wait_for(lambda: len(emu.sent(peer)) > mark, timeout=30)
    return poll_id, emu.sent(peer)[mark].cmid


async def run(args: argparse.Namespace, name: str, *, poll: bool, tmp: Path) -> Outcome:
    emu = await start_emulator(20)
    bot = Zavuch(emu, tmp / f"{name.replace(' ', '_')}.db")
    out = Outcome(name)
    try:
        app = await bot.open()
        total = int(args.rate * args.seconds)
        students = max(20, -(-total // (args.chats * 4)))
        world = await seed_world(app, emu, args.chats, students)
        voters = [emu.add_user("Родитель", f"Номер{i}", allows_messages=True) for i in range(args.voters)]
        peer, owner = await _poll_chat(app, emu, voters)
        await bot.start()
        await bot.settled(60)
        poll_id, cmid = await _post_poll(app, emu, peer, owner)
        keyboard = next(m for m in emu.sent(peer) if m.cmid == cmid).keyboard or {}
        payloads = [json.loads(b["action"]["payload"]) for row in keyboard.get("buttons", []) for b in row]
        await bot.settled(60)
        chats = world.chats
        available: dict[tuple[int, int], float] = {}
        pressed: dict[str, float] = {}
        calls0, http0 = len(emu.calls), emu.http_requests
        sends0 = len(emu.sent(peer))
        start = time.monotonic()
        sent = presses = 0
        n_presses = len(voters) if poll else 0
        while sent < total or presses < n_presses:
            elapsed = time.monotonic() - start
            due = min(total, int(elapsed * args.rate) + 1)
            due_presses = min(n_presses, int(elapsed / args.press_seconds * n_presses) + 1)
            while sent < due:
                chat = chats[sent % len(chats)]
                if sent % VIOLATION_EVERY == VIOLATION_EVERY - 1:
                    v = out.violations
                    chat = chats[v % len(chats)]
                    author = chat.students[(v // len(chats)) % len(chat.students)]
                    got = emu.user_message(chat.peer_id, author, f"{INSULT} ({sent})")
                    available[(chat.peer_id, got)] = time.monotonic()
                    out.violations += 1
                else:
                    author = chat.students[(sent // len(chats) + 7) % len(chat.students)]
                    emu.user_message(chat.peer_id, author, f"{TEXTS[sent % len(TEXTS)]} ({sent})")
                sent += 1
            while presses < due_presses:
                event_id = emu.press_button(peer, voters[presses], cmid, payloads[presses % len(payloads)])
                pressed[event_id] = time.monotonic()
                presses += 1
            await asyncio.sleep(0.005)
        out.presses = presses

        def deleted() -> dict[tuple[int, int], float]:
            found: dict[tuple[int, int], float] = {}
            for call in emu.calls[calls0:]:
                if call.method == "messages.delete":
                    p = int(call.params.get("peer_id", 0))
                    for c in _cmids(call.params):
                        found.setdefault((p, c), call.at)
            return found

        def answered() -> dict[str, float]:
            return {str(c.params.get("event_id")): c.at for c in emu.calls[calls0:]
                    if c.method == "messages.sendMessageEventAnswer" and c.error_code is None}

        def final_count() -> bool:
            text = next(m for m in emu.history(peer) if m.cmid == cmid).text
            return f"Проголосовали: {n_presses} " in text

        try:
            await emu.wait_for(lambda: set(available) <= set(deleted()) and set(pressed) <= set(answered()),
                               timeout=args.wait)
            if poll:
                await emu.wait_for(final_count, timeout=args.wait)
        except TimeoutError:
            pass
        out.wall_s = time.monotonic() - start
        try:  # everything recorded performed, so that both runs count the same requests
            await bot.settled(args.wait)
        except TimeoutError:
            pass
        found, answers = deleted(), answered()
        for key, at in available.items():
            if key in found:
                out.latencies.append(found[key] - at)
            else:
                out.missing += 1
        for event_id, at in pressed.items():
            if event_id in answers:
                out.answers.append(answers[event_id] - at)
            else:
                out.unanswered += 1
        edits = [c.at for c in emu.calls[calls0:] if c.method == "messages.edit"
                 and int(c.params.get("peer_id", 0)) == peer]
        out.edits = len(edits)
        out.edit_gaps = [b - a for a, b in zip(edits, edits[1:])]
        out.resent = len(emu.sent(peer)) - sends0
        out.final_ok = final_count() if poll else True
        out.http_requests = emu.http_requests - http0
        window = emu.calls[calls0:]
        alone = sum(1 for c in window if c.method == "messages.sendMessageEventAnswer" and not c.in_execute)
        packed = sum(1 for i, c in enumerate(window) if c.method == "execute" and i + 1 < len(window)
                     and window[i + 1].method == "messages.sendMessageEventAnswer" and window[i + 1].in_execute)
        out.answer_requests = alone + packed
        for c in window:
            out.methods[c.method] = out.methods.get(c.method, 0) + 1
        votes = len(await poll_repo.votes(app.db, poll_id))
        assert votes == (n_presses if poll else 0), (votes, n_presses)
        return out
    finally:
        await bot.stop()
        await emu.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--press-seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100, help="chat messages per second elsewhere")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--wait", type=float, default=120)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"poll: {args.voters} voters press within {args.press_seconds:.0f} s; elsewhere {args.rate:.0f} msg/s for "
          f"{args.seconds:.0f} s over {args.chats} students' chats, 5 % insults; VK limit 20 req/s")
    with tempfile.TemporaryDirectory() as tmp:
        with_poll = await run(args, "with the poll", poll=True, tmp=Path(tmp))
        print("  ran with the poll", flush=True)
        without = await run(args, "without the poll", poll=False, tmp=Path(tmp))
        print("  ran without the poll", flush=True)
    a = with_poll.answers
    print()
    print(f"{'press → snackbar (sendMessageEventAnswer), ms':46} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  answered")
    print(f"{'':46} {ms(pct(a, 50)):>6} {ms(pct(a, 95)):>6} {ms(pct(a, 99)):>6} "
          f"{ms(max(a) if a else float('nan')):>6}  {len(a)}/{with_poll.presses} "
          f"in {with_poll.answer_requests} HTTP requests")
    gaps = with_poll.edit_gaps
    print(f"live count: {with_poll.edits} messages.edit for {with_poll.presses} presses "
          f"(min gap {min(gaps) if gaps else float('nan'):.1f} s, throttle {dom.EDIT_INTERVAL} s); "
          f"{with_poll.resent} messages.send to the poll chat during the run; final count shown: {with_poll.final_ok}")
    print()
    print(f"{'violation → messages.delete, ms':34} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  deleted")
    for r in (without, with_poll):
        lat = r.latencies
        print(f"{r.name:34} {ms(pct(lat, 50)):>6} {ms(pct(lat, 95)):>6} {ms(pct(lat, 99)):>6} "
              f"{ms(max(lat) if lat else float('nan')):>6}  {len(lat)}/{r.violations}")
    ratios = [pct(with_poll.latencies, p) / pct(without.latencies, p) if pct(without.latencies, p) else float("nan")
              for p in (50, 95, 99)]
    print(f"{'ratio with / without the poll':34} " + " ".join(f"{r:>6.2f}" for r in ratios))
    print(f"HTTP requests to VK: {with_poll.http_requests} with the poll, {without.http_requests} without; calls "
          "with − without: " + ", ".join(f"{m} {with_poll.methods.get(m, 0) - without.methods.get(m, 0):+d}"
                                         for m in sorted(set(with_poll.methods) | set(without.methods))
                                         if with_poll.methods.get(m, 0) != without.methods.get(m, 0)))


if __name__ == "__main__":
    asyncio.run(main())
