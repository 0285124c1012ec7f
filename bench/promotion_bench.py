"""New-year promotion of a 1,000-student school through vkemu (20 requests/s per token).

Measures what the membership follow-up costs in VK requests and wall time: every class chat is
renamed, graduates and their parents are removed from their chats. Batched (``execute``, up to 25
calls per request) against one request per action, in the same run.

    python bench/promotion_bench.py [--students 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.clock import Clock  # noqa: E402
from bot.db import open_database  # noqa: E402
from bot.domain.classes import ClassName  # noqa: E402
from bot.domain.names import normalize_name  # noqa: E402
from bot.repo import chats as chat_repo  # noqa: E402
from bot.repo import members as member_repo  # noqa: E402
from bot.repo import orgs as org_repo  # noqa: E402
from bot.repo import people as people_repo  # noqa: E402
from bot.repo import pending as pending_repo  # noqa: E402
from bot.services.access import Access, Caller  # noqa: E402
from bot.pipeline.effects import Effects  # noqa: E402
from bot.pipeline.runner import ActionRunner  # noqa: E402
from bot.services.admission import Admission  # noqa: E402
from bot.services.alerts import Alerts  # noqa: E402
from bot.services.membership import Membership  # noqa: E402
from bot.services.notify import Notifier  # noqa: E402
from bot.services.orgs import Orgs  # noqa: E402
from bot.services.roster import Roster  # noqa: E402
from bot.vk.api import LimitedAPI  # noqa: E402
from bot.vk.gateway import VkGateway  # noqa: E402
from bot.vk.ratelimit import RateLimiter  # noqa: E402
from vkemu import Emulator  # noqa: E402

LETTERS = "АБВ"
NOW = 1_790_000_000


async def scenario(students: int, *, batch: bool) -> dict[str, float]:
    emu = Emulator(group_id=1000, token="bench", rps_limit=20)
    await emu.start()
    tmp = tempfile.TemporaryDirectory()
    db = await open_database(Path(tmp.name) / "bench.db")
    api = LimitedAPI("bench", api_url=emu.api_url, api_version="5.199", limiter=RateLimiter(20))
    try:
        org = await org_repo.create(db, kind="school", code="sch", name="Школа", parent_id=None,
                                    timezone="Europe/Moscow", created_by=None, now=NOW)
        teacher = emu.add_user("Учитель", "Главный", allows_messages=True)
        classes = [ClassName(g, letter) for g in range(1, 12) for letter in LETTERS]
        per_class = max(1, students // len(classes))
        for cls in classes:
            class_id = await people_repo.ensure_class(db, org.id, cls, NOW)
            kids, parents = [], []
            async with db.transaction():
                for i in range(per_class):
                    kid_vk = emu.add_user(f"Ученик{i}", f"{cls}", allows_messages=True)
                    parent_vk = emu.add_user(f"Родитель{i}", f"{cls}", allows_messages=True)
                    name = f"Ученик {cls} {i}"
                    kid = await people_repo.create_student(db, org_id=org.id, full_name=name,
                                                           name_key=normalize_name(name), class_id_=class_id,
                                                           mode="regular", now=NOW)
                    await people_repo.link_vk(db, kid, kid_vk, NOW)
                    parent = await people_repo.create(db, org_id=org.id, kind="parent", full_name=f"Родитель {name}",
                                                      name_key=normalize_name(f"Родитель {name}"), vk_id=parent_vk,
                                                      now=NOW)
                    await people_repo.link_child(db, parent, kid)
                    kids.append((kid, kid_vk))
                    parents.append((parent, parent_vk))
            for chat_type, people in (("students_class", kids), ("parents_class", parents)):
                peer = emu.create_chat(f"{cls} {chat_type}", teacher, [vk for _, vk in people],
                                       with_bot=True, bot_admin=True)
                chat, _ = await chat_repo.ensure(db, peer, added_by=teacher, now=NOW)
                title = f"{cls} — {'ученики' if chat_type == 'students_class' else 'родители'}"
                await chat_repo.bind(db, chat.id, org_id=org.id, type_=chat_type, class_id=class_id, subject=None,
                                     title=title, leader_id=None)
                await chat_repo.set_admin(db, chat.id, True, now=NOW)
                await chat_repo.set_invite_link(db, chat.id, f"https://vk.me/join/{peer}")
                for person_id, vk in people:
                    await member_repo.upsert(db, chat_id=chat.id, vk_id=vk, state="member", now=NOW,
                                             person_id=person_id)
        await db.execute("UPDATE roster_event SET consumed_at = 1")
        roster = Roster(db, Orgs(db, Access(db, operators=[1])))
        operator = Caller(1, True)
        action_id = await pending_repo.create(db, kind="new_year", vk_id=1, org_id=org.id, now=NOW,
                                              payload={"classes": [str(c) for c in classes]})
        await roster.new_year_apply(operator, await pending_repo.get(db, action_id), NOW)

        gateway = VkGateway(api, 1000)
        effects = Effects(db, Clock())
        runner = ActionRunner(db, gateway, Clock())
        runner.pack_bulk = batch
        effects.on_recorded(runner.wake)
        notifier = Notifier(db, gateway, Clock(), effects)
        admission = Admission(db, notifier, Alerts(db, notifier, Clock()), None,  # type: ignore[arg-type]
                              Clock(), 86400, effects)
        membership = Membership(db, gateway, notifier, Clock(), admission)
        before_requests = emu.http_requests
        errors_before = sum(1 for c in emu.calls if c.error_code == 6)
        started = time.perf_counter()
        await runner.start()
        while await membership.consume_events():
            pass
        await runner.drained()  # the recorded removals, renames and notices performed
        elapsed = time.perf_counter() - started
        await runner.stop()
        graduates_gone = sum(1 for chat in emu.chats.values() if chat.title.startswith("11") for _ in [0])
        return {
            "requests": emu.http_requests - before_requests,
            "seconds": elapsed,
            "errors_6": sum(1 for c in emu.calls if c.error_code == 6) - errors_before,
            "renamed": sum(1 for c in emu.chats.values() if "—" in c.title),
            "removed": len(await db.fetchall("SELECT 1 FROM chat_member WHERE state = 'removed'")),
            "chats": len(emu.chats), "students": per_class * len(classes), "graduate_chats": graduates_gone,
        }
    finally:
        await api.http_client.close()
        await db.close()
        await emu.stop()
        tmp.cleanup()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1000)
    args = parser.parse_args()
    single = await scenario(args.students, batch=False)
    batched = await scenario(args.students, batch=True)
    print(f"school: {batched['students']} students, {batched['chats']} class chats (students + parents)")
    print(f"{'mode':<22}{'VK requests':>12}{'wall, s':>10}{'renamed':>9}{'removed':>9}{'error 6':>9}")
    for name, r in (("one call per action", single), ("execute, 25 per call", batched)):
        print(f"{name:<22}{r['requests']:>12}{r['seconds']:>10.2f}{r['renamed']:>9}{r['removed']:>9}{r['errors_6']:>9}")
    print(f"ratio (single / batched): requests x{single['requests'] / max(batched['requests'], 1):.1f}, "
          f"wall time x{single['seconds'] / max(batched['seconds'], 1e-9):.1f}")


if __name__ == "__main__":
    asyncio.run(main())
