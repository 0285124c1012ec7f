"""Roster import at the scale of a big school: 2,000 students and 3,000 parents, previewed
(parse + plan against the database) and applied in one transaction to a fresh SQLite database
with the real migrations; then the same file is planned again and must change nothing.

Prints the wall time of each phase, the peak Python memory of each phase (tracemalloc, measured
in a separate pass so that it does not slow the timed one) and the process peak RSS, with a
baseline measured in the same run: plain ``csv`` parsing of the same bytes.

    python bench/roster_import.py [--students 2000] [--parents 3000] [--seed 7]   (from the project root)
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import io
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.db import Database, open_database  # noqa: E402
from bot.domain.roster_file import parse_roster  # noqa: E402
from bot.domain.roster_plan import format_preview, plan_import  # noqa: E402
from bot.domain.samples import make_sample_csv  # noqa: E402
from bot.repo import orgs as org_repo  # noqa: E402
from bot.repo import people as people_repo  # noqa: E402

NOW = 1_790_000_000


def baseline_parse(data: bytes) -> int:
    """What any importer must do at least: decode the file and split it into rows."""
    text = data.decode("utf-8-sig")
    return sum(1 for _ in csv.reader(io.StringIO(text), delimiter=";"))


async def make_school(db: Database) -> int:
    region = await org_repo.create(db, kind="region", code="reg", name="Регион", parent_id=None,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    muni = await org_repo.create(db, kind="municipality", code="mun", name="Город", parent_id=region.id,
                                 timezone="Europe/Moscow", created_by=None, now=NOW)
    school = await org_repo.create(db, kind="school", code="sch", name="Школа", parent_id=muni.id,
                                   timezone="Europe/Moscow", created_by=None, now=NOW)
    return school.id


async def preview(db: Database, org_id: int, data: bytes):
    """What /импорт does before showing the buttons: parse, snapshot, plan, format."""
    parsed = parse_roster(data, "spisok.csv")
    plan = plan_import(parsed, await people_repo.snapshot(db, org_id))
    return plan, format_preview(plan)


async def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    if asyncio.iscoroutine(result):
        result = await result
    return result, time.perf_counter() - start


async def peak_memory(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated by Python while ``fn`` runs."""
    tracemalloc.start()
    try:
        result = fn()
        if asyncio.iscoroutine(result):
            await result
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def mib(n: float) -> str:
    return f"{n / 2**20:7.1f} MiB"


def max_rss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


async def run(students: int, parents: int, seed: int) -> int:
    data = make_sample_csv(students, parents, seed)
    print(f"roster: {students} students + {parents} parents, {len(data) / 1024:.0f} KiB CSV")

    rows, t_base = await timed(lambda: baseline_parse(data))
    assert rows == students + parents + 1

    with tempfile.TemporaryDirectory() as tmp:
        # timed pass
        db = await open_database(Path(tmp) / "bench.db")
        try:
            org_id = await make_school(db)
            (plan, text), t_preview = await timed(lambda: preview(db, org_id, data))
            if not plan.ok:
                print("the sample roster has problems:\n" + text)
                return 1
            _, t_apply = await timed(
                lambda: people_repo.apply_plan(db, org_id, plan, actor_vk=None, now=NOW))
            counts = await people_repo.counts(db, org_id)
            links = await db.fetchval("SELECT COUNT(*) FROM parent_child")
            (replan, _), t_replan = await timed(lambda: preview(db, org_id, data))
        finally:
            await db.close()

        # memory pass on a second fresh database (tracemalloc slows Python down several times)
        db = await open_database(Path(tmp) / "bench-mem.db")
        try:
            org_id = await make_school(db)
            m_base = await peak_memory(lambda: baseline_parse(data))
            holder: dict[str, Any] = {}

            async def keep_plan() -> None:
                holder["plan"], _ = await preview(db, org_id, data)

            m_preview = await peak_memory(keep_plan)
            m_apply = await peak_memory(
                lambda: people_repo.apply_plan(db, org_id, holder["plan"], actor_vk=None, now=NOW))
            m_replan = await peak_memory(lambda: preview(db, org_id, data))
        finally:
            await db.close()

    print(f"applied: {counts['student']} students, {counts['parent']} parents with {links} child links "
          f"(rows with the same parent name are one person), {counts['classes']} classes")
    print()
    print(f"{'phase':<34}{'wall time':>12}{'× baseline':>12}{'peak (Python)':>16}")
    for name, seconds, peak in (
        ("baseline: csv.reader of the bytes", t_base, m_base),
        ("preview: parse + plan + format", t_preview, m_preview),
        ("apply: one transaction", t_apply, m_apply),
        ("re-plan against the applied DB", t_replan, m_replan),
    ):
        print(f"{name:<34}{seconds * 1000:10.0f} ms{seconds / t_base:11.1f}×{mib(peak):>16}")
    print(f"{'total preview + apply':<34}{(t_preview + t_apply) * 1000:10.0f} ms"
          f"{(t_preview + t_apply) / t_base:11.1f}×")
    print(f"process peak RSS: {mib(max_rss_bytes()).strip()}")
    print()
    changes = len(replan.operations)
    if not replan.ok or replan.has_changes:
        print(f"re-plan after apply: {changes} changes, {len(replan.problems)} problems — expected none")
        return 1
    print("re-plan after apply: 0 changes (re-importing the same file changes nothing)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--parents", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    return asyncio.run(run(args.students, args.parents, args.seed))


if __name__ == "__main__":
    raise SystemExit(main())
