"""An announcement to 500 chats: VK requests and wall time, batched vs one call per chat.

vkemu with VK's real limit (``rps_limit=20``) and the real bot. ``--chats`` bound students' chats
in the schools of one municipality; a the bot's operator confirms an announcement
to all its chats (the confirmed pending action, as the «Отправить» button applies it). The sends
are recorded BULK actions; the action runner either packs them into ``execute`` (25 calls per
request, the default) or — ``pack_bulk = False`` — sends one ``messages.send`` per chat.

Measured, from vkemu's own counters: HTTP requests to VK from the confirmation until the last
chat has the message, the wall time of that, and until the author's delivery report arrives
(the report job runs every 2 s).

    python bench/announce_bench.py [--chats 500]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _harness import NOW, OPERATOR_VK, Zavuch, seed_world, start_emulator, wait_until

from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.services.access import Caller
from bot.services.announce import CONFIRM, Announcements

TEXT = "Уважаемые ученики! Завтра, 1 декабря, занятия начинаются на час позже из-за учений по эвакуации."


@dataclass
class Outcome:
    name: str
    chats: int = 0
    delivered: int = 0
    http_requests: int = 0
    execute_requests: int = 0
    send_calls: int = 0
    wall_s: float = 0.0
    report_s: float = 0.0
    report: str = ""


async def run(chats: int, *, packed: bool, tmp: Path) -> Outcome:
    emu = await start_emulator(20)
    name = "batched (execute, BULK lane)" if packed else "one call per chat"
    bot = Zavuch(emu, tmp / f"{'packed' if packed else 'single'}.db")
    out = Outcome(name, chats)
    try:
        app = await bot.open()
        muni = await org_repo.create(app.db, kind="municipality", code="mun", name="Город", parent_id=None,
                                     timezone="Europe/Moscow", created_by=None, now=NOW)
        world = await seed_world(app, emu, chats, 1, parent_id=muni.id)
        app.runner.pack_bulk = packed
        await bot.start()
        await bot.settled(60)
        author = OPERATOR_VK  # an operator confirms (the registry re-checks rights as for a coordinator)
        pending = await pending_repo.create(
            app.db, kind=CONFIRM, vk_id=author, org_id=muni.id, now=app.now(),
            payload={"what": "объявление", "org": muni.id, "types": "all", "grades": [], "classes": [],
                     "text": TEXT, "attachment": None, "chats": [c.chat_id for c in world.chats]})
        action = await pending_repo.get(app.db, pending)
        assert action is not None
        peers = {c.peer_id for c in world.chats}
        calls0, http0 = len(emu.calls), emu.http_requests
        start = time.monotonic()
        await Announcements.of(app).send(Caller(OPERATOR_VK, is_operator=True), action)

        def delivered() -> int:
            return sum(1 for c in emu.calls[calls0:] if c.method == "messages.send" and c.error_code is None
                       and int(c.params.get("peer_id") or c.params.get("peer_ids") or 0) in peers)

        await wait_until(lambda: delivered() >= len(peers), 300, step=0.02)
        out.wall_s = time.monotonic() - start
        out.delivered = delivered()
        out.http_requests = emu.http_requests - http0
        calls = emu.calls[calls0:]
        out.execute_requests = sum(1 for c in calls if c.method == "execute")
        out.send_calls = sum(1 for c in calls if c.method == "messages.send")
        await wait_until(lambda: any("доставлено" in m.text for m in emu.sent(author)), 60, step=0.02)
        out.report_s = time.monotonic() - start
        out.report = next(m.text for m in emu.sent(author) if "доставлено" in m.text)
    finally:
        await bot.stop()
        await emu.stop()
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"announcement to {args.chats} chats; VK limit 20 req/s")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for packed in (True, False):
            results.append(await run(args.chats, packed=packed, tmp=Path(tmp)))
            print(f"  ran {results[-1].name}", flush=True)
    print()
    print(f"{'':30} {'HTTP requests':>13} {'execute':>8} {'sends':>6} {'delivered':>10} {'wall, s':>8} "
          f"{'report, s':>9}")
    for r in results:
        print(f"{r.name:30} {r.http_requests:>13} {r.execute_requests:>8} {r.send_calls:>6} "
              f"{r.delivered:>5}/{r.chats:<4} {r.wall_s:>8.2f} {r.report_s:>9.2f}")
    print()
    print(f"report: {results[0].report}")


if __name__ == "__main__":
    asyncio.run(main())
