"""Participation counting and the regional report at region scale.

Generates a region of 1,500 schools x 40 chats (30 municipalities) with a month of activity
(September 2026) written as stored rows, then measures in the same run:

* the ingest rate through the counting path (``ActivityCounter.record`` + batched ``flush``)
  against a baseline of one upsert per message in its own transaction, on the same stream;
* the time to build the regional report (first time: rosters computed and frozen; then from
  the frozen snapshots) and to render its XLSX, CSV and PNG.

    python bench/activity_bench.py [--schools 1500] [--authors-per-day 1] [--messages 200000]

The stored month is scaled (a few authors per chat per working day, not every author of a real
school) to keep the run under two minutes on two cores; the scale is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.db import open_database  # noqa: E402
from bot.repo import activity as activity_repo  # noqa: E402
from bot.repo import chats as chat_repo  # noqa: E402
from bot.repo import orgs as org_repo  # noqa: E402
from bot.jobs.reports import prepare  # noqa: E402
from bot.services.activity import ActivityCounter  # noqa: E402
from bot.services.reports import build_coordinator_report  # noqa: E402

CHATS_PER_SCHOOL = 40
PEOPLE_PER_SCHOOL = 20  # linked staff (6), students (8), parents (6): the authors of the month
TYPES = ("parents_class", "students_class", "subject", "parents_class", "students_class", "subject",
         "methodical", "admin_open", "admin_closed", "advisor", "homeschool", "parents_school")
MONTH = "2026-09"
NOW = 1_790_000_000
PEER_BASE = 2_000_000_000


async def generate(db, schools: int, authors_per_day: int, rng: random.Random) -> dict:
    """Orgs, chats, people, memberships and a month of activity rows, written in bulk."""
    t0 = time.perf_counter()
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Asia/Yekaterinburg", created_by=None, now=NOW)
    munis = 30
    org_rows, next_id = [], region.id + 1
    muni_ids = list(range(next_id, next_id + munis))
    for i, mid in enumerate(muni_ids):
        org_rows.append((mid, "municipality", f"mun{i}", f"Муниципалитет {i:02d}", region.id, "Asia/Yekaterinburg"))
    school_ids = list(range(next_id + munis, next_id + munis + schools))
    for i, sid in enumerate(school_ids):
        org_rows.append((sid, "school", f"sch{i}", f"Школа {i:04d}", muni_ids[i % munis], "Asia/Yekaterinburg"))
    await db.executemany("INSERT INTO org (id, kind, code, name, parent_id, timezone, created_at)"
                         f" VALUES (?, ?, ?, ?, ?, ?, {NOW})", org_rows)
    chats, classes, people, members = [], [], [], []
    people_of: dict[int, list[tuple[int, int]]] = {}
    chat_id = person_id = class_id = 0
    for s in school_ids:
        for _ in range(11):
            class_id += 1
            classes.append((class_id, s, 1 + class_id % 11, "А"))
        staff_kinds = ["staff"] * 6 + ["student"] * 8 + ["parent"] * 6
        mine = []
        for kind in staff_kinds:
            person_id += 1
            vk = 10_000_000 + person_id
            people.append((person_id, s, kind, f"Человек {person_id}", f"человек {person_id}", vk))
            mine.append((person_id, vk))
        people_of[s] = mine
        for c in range(CHATS_PER_SCHOOL):
            chat_id += 1
            cls = classes[-1 - c % 11][0] if TYPES[c % len(TYPES)] in ("parents_class", "students_class") else None
            chats.append((chat_id, PEER_BASE + chat_id, s, TYPES[c % len(TYPES)], cls, f"Беседа {chat_id}"))
            for pid, vk in rng.sample(mine, 5):
                members.append((chat_id, vk, pid))
    await db.executemany("INSERT INTO class_group (id, org_id, grade, letter, created_at) VALUES (?, ?, ?, ?, 0)",
                         classes)
    await db.executemany("INSERT INTO person (id, home_org_id, kind, full_name, name_key, vk_id, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)", people)
    await db.executemany("INSERT INTO chat (id, peer_id, org_id, type, class_id, title, status, bot_is_admin,"
                         " created_at) VALUES (?, ?, ?, ?, ?, ?, 'active', 1, 0)", chats)
    await db.executemany("INSERT INTO chat_member (chat_id, vk_id, person_id, state, joined_at)"
                         " VALUES (?, ?, ?, 'member', 0)", members)
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    days = [date(2026, 9, d) for d in range(1, 31) if date(2026, 9, d).weekday() < 5]
    total_rows = total_messages = 0
    batch: list[tuple] = []
    for cid, _, school, _, _, _ in chats:
        mine = people_of[school]
        neighbour = school + 1 if school + 1 in people_of else school - 1
        for day in days:
            for pid, vk in rng.sample(mine, authors_per_day):
                credited = school
                if rng.random() < 0.02:  # now and then a teacher of the neighbouring school instead
                    pid, vk = people_of[neighbour][0]
                    credited = neighbour
                messages = rng.randint(1, 8)
                batch.append((day.isoformat(), cid, vk, pid, credited, messages, 0, 0, rng.randint(0, 1)))
                total_messages += messages
        if len(batch) >= 200_000:
            await activity_repo.upsert_many(db, batch)
            total_rows += len(batch)
            batch = []
    await activity_repo.upsert_many(db, batch)
    total_rows += len(batch)
    return {"region": region, "chats": chats, "people_of": people_of, "setup": setup,
            "month_seconds": time.perf_counter() - t0, "rows": total_rows, "messages": total_messages,
            "days": len(days)}


def stream(world: dict, count: int, rng: random.Random) -> list[tuple[int, int, float]]:
    """A realistic burst of chat traffic in October: (chat index, author vk, instant)."""
    chats = world["chats"]
    busy = rng.sample(range(len(chats)), 3000)  # chats active during the burst
    start = datetime(2026, 10, 14, 4, tzinfo=UTC).timestamp()
    out = []
    for i in range(count):
        index = busy[int(rng.paretovariate(1.2)) % len(busy)]
        people = world["people_of"][chats[index][2]]
        out.append((index, people[int(rng.paretovariate(1.5)) % len(people)][1], start + i * 0.05))
    return out


def distinct_stream(world: dict, count: int) -> list[tuple[int, int, float]]:
    """The worst case for the counter: every message a new (day, chat, author) key."""
    chats, start = world["chats"], datetime(2026, 10, 15, 4, tzinfo=UTC).timestamp()
    return [(k % len(chats), world["people_of"][chats[k % len(chats)][2]][(k // len(chats)) % PEOPLE_PER_SCHOOL][1],
             start + k * 0.05) for k in range(count)]


async def ingest_counter(db, chats: dict, events: list) -> float:
    counter = ActivityCounter(db, max_pending=5000)
    t0 = time.perf_counter()
    for index, vk, at in events:
        counter.record(chats[index], vk, "message", at)
        if counter.pending >= counter.max_pending:
            await counter.flush()  # what the size trigger does, awaited here so the time is counted
    await counter.flush()
    return time.perf_counter() - t0


async def ingest_baseline(db, chats: dict, events: list, people: dict[int, tuple[int, int]]) -> float:
    """One upsert per message in its own transaction (the author lookup is not even counted)."""
    t0 = time.perf_counter()
    for index, vk, at in events:
        chat = chats[index]
        day = datetime.fromtimestamp(at, UTC).date().isoformat()
        pid, org = people[vk]
        await activity_repo.upsert_one(db, (day, chat.id, vk, pid, org, 1, 0, 0, 0))
    return time.perf_counter() - t0


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--authors-per-day", type=int, default=1)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--baseline-messages", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(Path(tmp) / "bench.db")
        try:
            world = await generate(db, args.schools, args.authors_per_day, rng)
            print(f"region: {args.schools} schools x {CHATS_PER_SCHOOL} chats = {len(world['chats'])} chats, "
                  f"{PEOPLE_PER_SCHOOL} linked people per school (setup {world['setup']:.1f} s)")
            print(f"month {MONTH}: {world['rows']:,} activity rows = {world['days']} working days x "
                  f"{args.authors_per_day} authors per chat per day, {world['messages']:,} messages "
                  f"(scale: ~{world['messages'] / len(world['chats']):.0f} messages per chat per month) "
                  f"written in {world['month_seconds']:.1f} s")

            events = stream(world, args.messages, rng)
            worst = distinct_stream(world, args.messages // 2)
            chats = {i: await chat_repo.get(db, world["chats"][i][0])
                     for i in sorted({e[0] for e in events} | {e[0] for e in worst})}
            people = {vk: (pid, school) for school, mine in world["people_of"].items() for pid, vk in mine}

            counter_seconds = await ingest_counter(db, chats, events)
            rate = len(events) / counter_seconds
            base_events = events[: args.baseline_messages]
            base_seconds = await ingest_baseline(db, chats, base_events, people)
            base_rate = len(base_events) / base_seconds
            print(f"ingest, ActivityCounter.record + flush every 5,000 keys: {len(events):,} messages in "
                  f"{counter_seconds:.2f} s = {rate:,.0f} msg/s")
            print(f"ingest, baseline one upsert per message:                 {len(base_events):,} messages in "
                  f"{base_seconds:.2f} s = {base_rate:,.0f} msg/s")
            print(f"ratio: {rate / base_rate:,.0f}x")
            worst_seconds = await ingest_counter(db, chats, worst)
            worst_rate = len(worst) / worst_seconds
            print(f"ingest, worst case (every message a new day x chat x author row): {len(worst):,} messages in "
                  f"{worst_seconds:.2f} s = {worst_rate:,.0f} msg/s, {worst_rate / base_rate:,.0f}x the baseline")

            now = datetime(2026, 10, 5, 9, tzinfo=UTC).timestamp()
            t0 = time.perf_counter()
            report = await build_coordinator_report(db, world["region"].id, MONTH, now=now)
            print(f"regional report, first time (rosters computed and frozen): {time.perf_counter() - t0:.2f} s "
                  f"({report.totals.schools} schools, {report.totals.messages_in_chats:,} messages in chats, "
                  f"{report.totals.credited_messages:,} credited)")
            assert report.totals.messages_in_chats == world["messages"]
            t0 = time.perf_counter()
            files = await prepare(db, world["region"], MONTH, now)
            print(f"regional report again (frozen rosters) with XLSX ({len(files.xlsx) // 1024} KiB), "
                  f"CSV ({len(files.csv) // 1024} KiB) and PNG ({len(files.png) // 1024} KiB): "
                  f"{time.perf_counter() - t0:.2f} s")
        finally:
            await db.close()  # aiosqlite's thread would keep the process alive


if __name__ == "__main__":
    asyncio.run(main())
