"""Resident memory of the bot with a region-sized database: 10,000 chats and 500,000 persons.

The database is migrated, then filled with bulk inserts (plain ``sqlite3``, rows generated
lazily so the seeding itself leaves nothing behind): 250 schools × 40 bound, moderated students'
chats with the bot as admin, 2,000 persons per school (staff with roles, students in 44 classes),
25 known members per chat. The first ``--live-chats`` chats also exist in vkemu with the same
peers and members. Printed: RSS before the bot, after it starts (long poll running, pending work
replayed) and during/after a burst of ``--events`` ordinary messages over the live chats (the
highest VmRSS sampled every 20 ms, and the value once every event is handled). The in-process
emulator's memory is included (it knows only the live chats). Target: < 200 MB both.

    python bench/memory.py [--chats 10000] [--persons 500000] [--events 3000] [--live-chats 120]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sqlite3
import tempfile
import time
from pathlib import Path

from _harness import NOW, Zavuch, rss_mib, start_emulator, wait_until
from bot.db import open_database

CHATS_PER_SCHOOL = 40
CLASSES = [(grade, letter) for grade in range(1, 12) for letter in "АБВГ"]  # 44
STAFF_PER_SCHOOL = 60
MEMBERS_PER_CHAT = 25
PEER_BASE = 2_000_000_000
VK_BASE = 10_000_000


def seed(path: Path, chats: int, persons: int) -> dict[int, list[int]]:
    """Bulk rows; returns the member VK ids of each chat id (for the live ones)."""
    schools = -(-chats // CHATS_PER_SCHOOL)
    per_school = persons // schools
    students_per_class = (per_school - STAFF_PER_SCHOOL) // len(CLASSES)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    con.executemany("INSERT INTO org (id, kind, code, name, parent_id, timezone, created_at)"
                    f" VALUES (?, 'school', ?, ?, NULL, 'Europe/Moscow', {NOW})",
                    ((s + 1, f"sch{s}", f"Школа № {s + 1}") for s in range(schools)))
    con.executemany(f"INSERT INTO class_group (id, org_id, grade, letter, created_at) VALUES (?, ?, ?, ?, {NOW})",
                    ((s * len(CLASSES) + k + 1, s + 1, g, l) for s in range(schools)
                     for k, (g, l) in enumerate(CLASSES)))

    def person_id(s: int, i: int) -> int:
        return s * per_school + i + 1

    def people():
        for s in range(schools):
            for i in range(per_school):
                pid = person_id(s, i)
                kind = "staff" if i < STAFF_PER_SCHOOL else "student"
                name = f"Фамилия{pid} Имя{pid % 97}"
                yield pid, s + 1, kind, name, name.lower(), VK_BASE + pid

    con.executemany(f"INSERT INTO person (id, home_org_id, kind, full_name, name_key, vk_id, created_at, updated_at)"
                    f" VALUES (?, ?, ?, ?, ?, ?, {NOW}, {NOW})", people())
    con.executemany("INSERT INTO student (person_id, class_id, mode) VALUES (?, ?, 'regular')",
                    ((person_id(s, i), s * len(CLASSES) + (i - STAFF_PER_SCHOOL) // students_per_class % len(CLASSES) + 1)
                     for s in range(schools) for i in range(STAFF_PER_SCHOOL, per_school)))

    def grants():
        for s in range(schools):
            yield person_id(s, 0), s + 1, "moderator", None
            yield person_id(s, 1), s + 1, "psychologist", None
            for k in range(CHATS_PER_SCHOOL):
                yield person_id(s, 2 + k), s + 1, "class_teacher", s * len(CLASSES) + k + 1

    con.executemany(f"INSERT INTO role_grant (person_id, org_id, role, class_id, granted_at) VALUES (?, ?, ?, ?, {NOW})",
                    grants())
    members: dict[int, list[int]] = {}

    def chat_rows():
        for c in range(chats):
            s, k = divmod(c, CHATS_PER_SCHOOL)
            yield (c + 1, PEER_BASE + c + 1, s + 1, s * len(CLASSES) + k + 1, f"{CLASSES[k][0]}{CLASSES[k][1]} — ученики",
                   VK_BASE + person_id(s, 2 + k))

    con.executemany("INSERT INTO chat (id, peer_id, org_id, type, class_id, title, status, bot_is_admin, added_by,"
                    f" created_at) VALUES (?, ?, ?, 'students_class', ?, ?, 'active', 1, ?, {NOW})", chat_rows())

    def member_rows():
        for c in range(chats):
            s, k = divmod(c, CHATS_PER_SCHOOL)
            first = STAFF_PER_SCHOOL + k * students_per_class
            vks = []
            for i in range(first, first + min(MEMBERS_PER_CHAT, students_per_class)):
                pid = person_id(s, i)
                vks.append(VK_BASE + pid)
                yield c + 1, VK_BASE + pid, pid
            members[c + 1] = vks

    con.executemany(f"INSERT INTO chat_member (chat_id, vk_id, person_id, state, joined_at) VALUES (?, ?, ?, 'member', {NOW})",
                    member_rows())
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return members


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--live-chats", type=int, default=120)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bot.db"
        await (await open_database(path)).close()  # migrated
        t0 = time.perf_counter()
        members = seed(path, args.chats, args.persons)
        print(f"seeded {args.chats} chats, {args.persons} persons, {sum(map(len, members.values()))} chat members "
              f"in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 2**20:.0f} MiB on disk)")
        live = list(range(1, args.live_chats + 1))
        emu = await start_emulator(None)
        for chat_id in live:
            for vk in members[chat_id]:
                emu.add_user("Ученик", f"Номер{vk}", allows_messages=True, user_id=vk)
            owner = emu.add_user("Мария", "Классная", allows_messages=True)
            peer = emu.create_chat(f"Чат {chat_id}", owner, members[chat_id], with_bot=True, bot_admin=True)
            assert peer == PEER_BASE + chat_id, (peer, chat_id)
        del members
        gc.collect()
        rss_idle = rss_mib()
        bot = Zavuch(emu, path)
        try:
            await bot.open()
            await bot.start()
            await bot.settled(120)
            gc.collect()
            rss_started = rss_mib()
            peak = rss_started
            sampling = True

            async def sample() -> None:
                nonlocal peak
                while sampling:
                    peak = max(peak, rss_mib())
                    await asyncio.sleep(0.02)

            sampler = asyncio.create_task(sample())
            handled0 = bot.handled
            t0 = time.perf_counter()
            for i in range(args.events):
                peer = PEER_BASE + live[i % len(live)]
                authors = [vk for vk in emu.chat(peer).members if vk > 0 and not emu.chat(peer).members[vk].is_owner]
                emu.user_message(peer, authors[(i // len(live)) % len(authors)], f"сообщение номер {i}, всем привет")
            await wait_until(lambda: bot.handled >= handled0 + args.events, 600)
            burst_s = time.perf_counter() - t0
            sampling = False
            await sampler
            rss_after = rss_mib()
            await bot.settled(120)
        finally:
            await bot.stop()
            await emu.stop()
    print()
    print(f"{'RSS, MiB':44} {'value':>7}")
    print(f"{'before the bot (emulator with live chats)':44} {rss_idle:7.0f}")
    print(f"{'bot started (long poll, runner, scheduler)':44} {rss_started:7.0f}")
    print(f"{f'highest during a {args.events}-event burst':44} {peak:7.0f}")
    print(f"{'after the burst, every event handled':44} {rss_after:7.0f}")
    print(f"(target < 200 MB started and after the burst; burst handled in {burst_s:.1f} s)")


if __name__ == "__main__":
    asyncio.run(main())
