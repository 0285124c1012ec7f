"""Reports at region scale: pre-aggregated tables (migration 0008) against raw activity rows.

Generates a region of 1,500 schools (30 municipalities) x 40 chats = 60,000 chats, a roster of
``--people`` persons per school (students with classes, parents linked to them, staff; a share
never linked) with memberships, and a month (September 2026) of ~1.3 million activity rows; the
aggregates are filled by the migration's own backfill SQL. Then, side by side in one run:

* the coordinator's page data (``report_views.territory_schools``: ranked schools, deltas,
  municipalities, trend) from the aggregates vs the legacy builder over raw rows
  (``reports.build_coordinator_report``, its roster already frozen, so only activity is scanned);
* the regional month report: data + summary + XLSX + CSV + PNG (``jobs.reports.prepare``) vs the
  raw-rows data plus the same rendering;
* the cost added per counted message: ``ActivityCounter.count`` in its own transaction (as an
  event's) with the aggregate upserts (the triggers of migration 0008 on ``activity``) vs without
  them (triggers dropped: the raw row only), alternating on the same stream.

    python bench/reports_bench.py [--schools 1500] [--people 120] [--count 3000]

Targets (issue 13): region report < 2 s, page < 300 ms on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.db import open_database, split_sql  # noqa: E402
from bot.jobs.reports import freeze_closed_months, prepare  # noqa: E402
from bot.repo import activity as activity_repo  # noqa: E402
from bot.repo import chats as chat_repo  # noqa: E402
from bot.repo import orgs as org_repo  # noqa: E402
from bot.pipeline.unit import unit  # noqa: E402
from bot.services import report_views as views  # noqa: E402
from bot.services.activity import ActivityCounter  # noqa: E402
from bot.services import report_render as render  # noqa: E402
from bot.services.report_chart import daily_chart  # noqa: E402
from bot.services.report_months import period_ru  # noqa: E402
from bot.services.reports import build_coordinator_report  # noqa: E402
from bot.web import render as web_render  # noqa: E402

CHATS_PER_SCHOOL = 40
MUNIS = 30
TYPES = ("parents_class", "students_class", "subject", "parents_class", "students_class", "subject",
         "methodical", "admin_open", "admin_closed", "advisor", "homeschool", "parents_school")
MONTH = "2026-09"
OCT_5 = datetime(2026, 10, 5, 12, tzinfo=UTC).timestamp()
NOW = 1_790_000_000
PEER_BASE = 2_000_000_000
TZ = "Asia/Yekaterinburg"


async def generate(db: Any, schools: int, people_per_school: int, rng: random.Random) -> dict:
    t0 = time.perf_counter()
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone=TZ, created_by=None, now=NOW)
    org_rows, next_id = [], region.id + 1
    muni_ids = list(range(next_id, next_id + MUNIS))
    for i, mid in enumerate(muni_ids):
        org_rows.append((mid, "municipality", f"mun{i}", f"Муниципалитет {i:02d}", region.id, TZ))
    school_ids = list(range(next_id + MUNIS, next_id + MUNIS + schools))
    for i, sid in enumerate(school_ids):
        org_rows.append((sid, "school", f"sch{i}", f"Школа {i:04d}", muni_ids[i % MUNIS], TZ))
    await db.executemany("INSERT INTO org (id, kind, code, name, parent_id, timezone, created_at)"
                         f" VALUES (?, ?, ?, ?, ?, ?, {NOW})", org_rows)
    chats: list[tuple] = []
    classes: list[tuple] = []
    people: list[tuple] = []
    students: list[tuple] = []
    links: list[tuple] = []
    members: list[tuple] = []
    authors: dict[int, list[tuple[int, int]]] = {}
    chat_id = person_id = class_id = 0
    n_staff = max(6, people_per_school // 10)
    n_students = (people_per_school - n_staff) // 2
    n_parents = people_per_school - n_staff - n_students
    for s in school_ids:
        mine_classes = []
        for k in range(11):
            class_id += 1
            classes.append((class_id, s, k + 1, "А"))
            mine_classes.append(class_id)
        linked: list[tuple[int, int]] = []
        kids: list[int] = []
        for kind, count in (("staff", n_staff), ("student", n_students), ("parent", n_parents)):
            for _ in range(count):
                person_id += 1
                vk = 10_000_000 + person_id if rng.random() < 0.8 else None  # a fifth never linked
                people.append((person_id, s, kind, f"Человек {person_id}", f"человек {person_id}", vk))
                if kind == "student":
                    students.append((person_id, mine_classes[len(kids) % 11]))
                    kids.append(person_id)
                elif kind == "parent" and kids:
                    links.append((person_id, kids[len(links) % len(kids)]))
                if vk is not None:
                    linked.append((person_id, vk))
        authors[s] = linked
        for c in range(CHATS_PER_SCHOOL):
            chat_id += 1
            type_ = TYPES[c % len(TYPES)]
            cls = mine_classes[c % 11] if type_ in ("parents_class", "students_class", "subject") else None
            chats.append((chat_id, PEER_BASE + chat_id, s, type_, cls, f"Беседа {chat_id}"))
            for pid, vk in rng.sample(linked, min(8, len(linked))):
                members.append((chat_id, vk, pid))
    await db.executemany("INSERT INTO class_group (id, org_id, grade, letter, created_at) VALUES (?, ?, ?, ?, 0)",
                         classes)
    await db.executemany("INSERT INTO person (id, home_org_id, kind, full_name, name_key, vk_id, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)", people)
    await db.executemany("INSERT INTO student (person_id, class_id) VALUES (?, ?)", students)
    await db.executemany("INSERT INTO parent_child (parent_id, child_id) VALUES (?, ?)", links)
    await db.executemany("INSERT INTO chat (id, peer_id, org_id, type, class_id, title, status, bot_is_admin,"
                         " created_at) VALUES (?, ?, ?, ?, ?, ?, 'active', 1, 0)", chats)
    await db.executemany("INSERT OR IGNORE INTO chat_member (chat_id, vk_id, person_id, state, joined_at)"
                         " VALUES (?, ?, ?, 'member', 0)", members)
    setup = time.perf_counter() - t0

    await drop_triggers(db)  # the month is loaded in bulk, then backfilled as the migration does
    t0 = time.perf_counter()
    days = [date(2026, 9, d) for d in range(1, 31) if date(2026, 9, d).weekday() < 5]
    rows = messages = 0
    batch: list[tuple] = []
    for cid, _, school, _, _, _ in chats:
        mine = authors[school]
        neighbour = school + 1 if school + 1 in authors else school - 1
        for day in days:
            pid, vk = mine[rng.randrange(len(mine))]
            credited = school
            if rng.random() < 0.02:  # now and then a teacher of the neighbouring school instead
                pid, vk = authors[neighbour][0]
                credited = neighbour
            n = rng.randint(1, 8)
            batch.append((day.isoformat(), cid, vk, pid, credited, n, 0, 0, rng.randint(0, 1)))
            messages += n
        if len(batch) >= 200_000:
            await activity_repo.upsert_many(db, batch)
            rows += len(batch)
            batch = []
    await activity_repo.upsert_many(db, batch)
    rows += len(batch)
    month_seconds = time.perf_counter() - t0
    # the aggregates: the migration's own backfill over the stored rows
    t0 = time.perf_counter()
    async with db.transaction():
        for statement in migration_part("-- backfill", "-- triggers"):
            await db.execute(statement)
        await create_triggers(db)
    # the 11 months before: their aggregates only (what the page's 12-month trend reads), as if
    # every month had been like September
    for k in range(1, 12):
        month = f"{2026 - (9 - k <= 0):04d}-{(9 - k - 1) % 12 + 1:02d}"
        async with db.transaction():
            await db.execute("INSERT INTO agg_flow SELECT ?, chat_org_id, chat_type, credited_org_id, messages,"
                             " actions, joins, leaves FROM agg_flow WHERE month = ?", (month, MONTH))
            await db.execute("INSERT INTO agg_active SELECT ?, org_id, kind, people FROM agg_active WHERE month = ?",
                             (month, MONTH))
            await db.execute("INSERT OR REPLACE INTO agg_credit SELECT ?, org_id, messages, actions FROM agg_credit"
                             " WHERE month = ?", (month, MONTH))
            await db.execute("INSERT INTO agg_chat SELECT ?, chat_org_id, chat_id, messages, actions, guest_messages"
                             " FROM agg_chat WHERE month = ?", (month, MONTH))
    return {"region": region, "chats": chats, "authors": authors, "setup": setup, "month_seconds": month_seconds,
            "rows": rows, "messages": messages, "days": len(days), "persons": len(people),
            "members": len(members), "backfill": time.perf_counter() - t0}


async def reload(db: Any) -> dict:
    region = (await org_repo.all_of_kind(db, "region"))[0]
    chats = [tuple(r) for r in await db.fetchall("SELECT id, peer_id, org_id, type, class_id, title FROM chat")]
    authors: dict[int, list[tuple[int, int]]] = {}
    for pid, org_id, vk in await db.fetchall("SELECT id, home_org_id, vk_id FROM person WHERE vk_id IS NOT NULL"):
        authors.setdefault(org_id, []).append((pid, vk))
    return {"region": region, "chats": chats, "authors": authors}


def migration_part(start: str, end: str | None = None) -> list[str]:
    sql = (ROOT / "migrations" / "0008_report_aggregates.sql").read_text(encoding="utf-8")
    part = sql[sql.index(start):sql.index(end)] if end else sql[sql.index(start):]
    return split_sql(part)


TRIGGERS = {m[1]: s for s in migration_part("-- triggers") if (m := re.search(r"CREATE TRIGGER (\w+)", s))}


async def drop_triggers(db: Any) -> None:
    for name in TRIGGERS:
        await db.execute(f"DROP TRIGGER {name}")


async def create_triggers(db: Any) -> None:
    for statement in TRIGGERS.values():
        await db.execute(statement)


async def timed(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    """The best of ``repeat`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = await fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


async def count_cost(db: Any, world: dict, n: int, rng: random.Random, rounds: int = 4) -> tuple[float, float]:
    """Seconds for ``n`` counts, each in its own transaction like an event's: with the aggregate
    upserts (the triggers) and without them (dropped: the raw row only). The two alternate in
    ``rounds`` blocks over the same stream, so a busy machine weighs on both alike."""
    chats = world["chats"]
    picked = [chats[rng.randrange(len(chats))] for _ in range(n)]
    loaded: dict[int, Any] = {c[0]: await chat_repo.get(db, c[0]) for c in picked}
    events = [(loaded[c[0]], world["authors"][c[2]][rng.randrange(len(world["authors"][c[2]]))][1],
               datetime(2026, 10, 14, 6, tzinfo=UTC).timestamp() + i) for i, c in enumerate(picked)]
    counter = ActivityCounter(db)
    for chat, vk, _ in events:  # warm the author cache and the time zones
        await counter._resolve({(chat.id, vk)})

    async def run(block: list[tuple[Any, int, float]], tag: str) -> float:
        t0 = time.perf_counter()
        for i, (chat, vk, at) in enumerate(block):
            with unit(f"bench:{tag}:{i}"):
                async with db.transaction():
                    await counter.count(chat, vk, "message", at)
        return time.perf_counter() - t0

    with_agg = without = 0.0
    size = max(1, n // rounds)
    for r in range(rounds):
        block = events[r * size:(r + 1) * size]
        with_agg += await run(block, f"with{r}")
        await drop_triggers(db)
        try:
            without += await run(block, f"without{r}")
        finally:
            await create_triggers(db)
    return with_agg, without


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--people", type=int, default=120, help="persons on each school's roster")
    parser.add_argument("--count", type=int, default=3000, help="messages counted one by one for the cost")
    parser.add_argument("--db", help="keep the generated region in this file and reuse it on the next run")
    args = parser.parse_args()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.db"
        reuse = path.exists()
        db = await open_database(path)
        try:
            if reuse:  # a region generated by an earlier run (--db): only what the timings need
                world = await reload(db)
                print(f"region reused from {path}: {len(world['chats']):,} chats")
            else:
                world = await generate(db, args.schools, args.people, rng)
                print(f"region: {args.schools} schools in {MUNIS} municipalities, {len(world['chats']):,} chats, "
                      f"{world['persons']:,} persons on the rosters, {world['members']:,} memberships "
                      f"(setup {world['setup']:.1f} s)")
                print(f"month {MONTH}: {world['rows']:,} activity rows, {world['messages']:,} messages (written in "
                      f"{world['month_seconds']:.1f} s); aggregates backfilled in {world['backfill']:.1f} s")
            region = world["region"]

            t0 = time.perf_counter()
            await freeze_closed_months(db, OCT_5)
            print(f"roster snapshots of every school (the hourly job; computed, not read at request time): "
                  f"{time.perf_counter() - t0:.1f} s")
            t0 = time.perf_counter()
            await build_coordinator_report(db, region.id, MONTH, now=OCT_5)  # legacy: freezes its own roster once
            legacy_first = time.perf_counter() - t0

            page_agg, view = await timed(lambda: views.territory_schools(db, region.id, MONTH, now=OCT_5, daily=False))
            page_raw, _ = await timed(lambda: build_coordinator_report(db, region.id, MONTH, now=OCT_5), repeat=2)

            async def served() -> str:  # the cabinet's region page exactly as the server answers it
                page = await web_render.org_page(db, region, MONTH, now=OCT_5)
                return web_render.org_html(page, base=f"/org/{region.id}")

            page_html, html = await timed(served, repeat=2)
            report_agg, files = await timed(lambda: prepare(db, region, MONTH, OCT_5), repeat=2)
            data_agg, _ = await timed(lambda: views.territory_schools(db, region.id, MONTH, now=OCT_5), repeat=2)
            render_only = report_agg - data_agg
            period = period_ru(MONTH, region.timezone)
            parts = {}
            t0 = time.perf_counter()
            sheets = render.area_sheets(view, period)
            render.area_summary(view, period)
            parts["text+tables"] = time.perf_counter() - t0
            for name, fn in (("XLSX", lambda: render.to_xlsx(sheets)), ("CSV", lambda: render.to_csv(sheets)),
                             ("PNG", lambda: daily_chart(view.daily, MONTH, region.name))):
                t0 = time.perf_counter()
                fn()
                parts[name] = time.perf_counter() - t0
            print()
            print(f"{'':44}{'aggregates':>12}{'raw rows':>12}{'target':>10}")
            print(f"{'coordinator page data (region, month)':44}{page_agg * 1000:>10.0f}ms{page_raw * 1000:>10.0f}ms"
                  f"{'< 300ms':>10}")
            print(f"{'coordinator page as served (data + HTML)':44}{page_html * 1000:>10.0f}ms"
                  f"{page_raw * 1000:>10.0f}ms{'< 300ms':>10}")
            print(f"  (the page: {len(html) // 1024} KiB of HTML, 200 of the ranked schools shown; raw rows: the same"
                  " data scan without HTML)")
            print(f"{'regional report (data + text/XLSX/CSV/PNG)':44}{report_agg:>11.2f}s"
                  f"{page_raw + render_only:>11.2f}s{'< 2s':>10}")
            print(f"  (raw rows, first run with its roster freeze: {legacy_first:.1f} s; rendering alone "
                  f"{render_only:.2f} s; XLSX {len(files.xlsx) // 1024} KiB; "
                  f"{len(view.schools)} schools ranked, totals {view.totals.credited_messages:,} messages)")
            print(f"  (report parts: data {data_agg:.2f} s, " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())
                  + ")")

            with_agg, without = await count_cost(db, world, args.count, rng)
            print()
            print(f"count one message in its own transaction ({args.count:,} messages, each way): "
                  f"with aggregates {with_agg / args.count * 1e6:.0f} us/msg, raw row only "
                  f"{without / args.count * 1e6:.0f} us/msg: ratio {with_agg / without:.2f}x, "
                  f"+{(with_agg - without) / args.count * 1e6:.0f} us per counted message")
        finally:
            await db.close()


if __name__ == "__main__":
    asyncio.run(main())
