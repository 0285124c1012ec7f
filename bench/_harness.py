"""What the pipeline benchmarks share: vkemu in-process, a school world seeded straight into the
database, the real bot (long poll → inbox → per-peer queues → units → action runner) and a bare
vkbottle bot on the same kind of emulator, plus the meters (SQL statements, aiosqlite round trips,
RSS, CPU).

Not a test helper: nothing here asserts; the scripts print what they measured.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings, load_settings  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.domain.classes import parse_class  # noqa: E402
from bot.domain.clock import ShiftedClock  # noqa: E402
from bot.domain.names import normalize_name  # noqa: E402
from bot.repo import chats as chat_repo  # noqa: E402
from bot.repo import members as member_repo  # noqa: E402
from bot.repo import orgs as org_repo  # noqa: E402
from bot.repo import people as people_repo  # noqa: E402
from bot.repo import roles as role_repo  # noqa: E402
from bot.runtime.app import App, create_app  # noqa: E402
from bot.runtime.runner import Runner, settle_heap  # noqa: E402
from vkemu import Emulator  # noqa: E402

GROUP_ID = 1000
TOKEN = "emu-token"
OPERATOR_VK = 1
DAYTIME = 1_794_992_400  # Wed 2026-11-18 12:00 Europe/Moscow: no quiet hours whatever the hour of the run
NOW = 1_790_000_000
LETTERS = "АБВГД"
CLASSES_PER_SCHOOL = 11 * len(LETTERS)

FIRST = ("Петя", "Вася", "Коля", "Маша", "Оля", "Даша", "Саша", "Женя", "Ира", "Лёша")
LAST = ("Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Лебедев", "Козлов")


# -- the emulator -------------------------------------------------------------------------

async def start_emulator(rps_limit: int | None) -> Emulator:
    emu = Emulator(group_id=GROUP_ID, token=TOKEN, rps_limit=rps_limit)
    await emu.start()
    emu.longpoll.retain = 10**7  # a burst bigger than VK's retained history must not be lost here
    emu.add_user("Ольга", "Операторова", allows_messages=True, user_id=OPERATOR_VK)
    return emu


# -- the world ----------------------------------------------------------------------------

@dataclass
class BenchChat:
    peer_id: int
    chat_id: int | None  # the bot's row (None for the bare bot's world)
    students: list[int]  # VK ids of linked roster members inside


@dataclass
class World:
    chats: list[BenchChat]
    moderators: list[int] = field(default_factory=list)
    storm_peer: int | None = None


def _name(i: int) -> tuple[str, str]:
    return FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]


def emu_chats(emu: Emulator, chats: int, students_per_chat: int) -> World:
    """Chats with the community as admin and students inside, in the emulator only (bare bot)."""
    out = []
    for c in range(chats):
        owner = emu.add_user("Мария", "Классная", allows_messages=True)
        kids = [emu.add_user(*_name(i), allows_messages=True) for i in range(students_per_chat)]
        peer = emu.create_chat(f"Класс {c}", owner, kids, with_bot=True, bot_admin=True)
        out.append(BenchChat(peer, None, kids))
    return World(out)


async def seed_world(app: App, emu: Emulator, chats: int, students_per_chat: int, *,
                     storm_chat: bool = False, parent_id: int | None = None) -> World:
    """Schools with a moderator, a psychologist and a class teacher per class; one bound,
    moderated students' chat per class with the bot as admin, its students linked roster
    members and known chat members. Emitted before the bot polls, so it sees none of it."""
    db = app.db
    world = World([])
    schools = -(-(chats + int(storm_chat)) // CLASSES_PER_SCHOOL)
    async with db.transaction():
        made = 0
        for s in range(schools):
            org = await org_repo.create(db, kind="school", code=f"sch{s}", name=f"Школа № {s + 1}",
                                        parent_id=parent_id,
                                        timezone="Europe/Moscow", created_by=None, now=NOW)
            for label, role in (("Модеров", "moderator"), ("Психолог", "psychologist")):
                vk = await _staff(db, emu, org.id, "Игорь", label, role, None)
                if role == "moderator":
                    world.moderators.append(vk)
            for k in range(CLASSES_PER_SCHOOL):
                if made >= chats + int(storm_chat):
                    break
                storm = storm_chat and made == chats
                made += 1
                cls = parse_class(f"{1 + k // len(LETTERS)}{LETTERS[k % len(LETTERS)]}")
                class_id = await people_repo.ensure_class(db, org.id, cls, NOW)
                teacher_vk = await _staff(db, emu, org.id, "Мария", f"Классная{k}", "class_teacher", class_id)
                kids = []
                for i in range(0 if storm else students_per_chat):
                    first, last = _name(i)
                    full = f"{last} {first}"
                    pid = await people_repo.create_student(db, org_id=org.id, full_name=full,
                                                           name_key=normalize_name(full), class_id_=class_id,
                                                           mode="regular", now=NOW)
                    vk = emu.add_user(first, last, allows_messages=True)
                    await people_repo.link_vk(db, pid, vk, NOW)
                    kids.append((vk, pid))
                title = f"{cls.grade}{cls.letter} — ученики"
                peer = emu.create_chat(title, teacher_vk, [vk for vk, _ in kids], with_bot=True, bot_admin=True)
                chat, _ = await chat_repo.ensure(db, peer, added_by=teacher_vk, now=NOW)
                await chat_repo.bind(db, chat.id, org_id=org.id, type_="students_class", class_id=class_id,
                                     subject=None, title=title, leader_id=None)
                await chat_repo.set_admin(db, chat.id, True, now=NOW)
                await member_repo.upsert(db, chat_id=chat.id, vk_id=teacher_vk, state="member", now=NOW)
                for vk, pid in kids:
                    await member_repo.upsert(db, chat_id=chat.id, vk_id=vk, state="member", now=NOW, person_id=pid)
                if storm:
                    world.storm_peer = peer
                else:
                    world.chats.append(BenchChat(peer, chat.id, [vk for vk, _ in kids]))
    return world


async def _staff(db: Database, emu: Emulator, org_id: int, first: str, last: str, role: str,
                 class_id: int | None) -> int:
    vk = emu.add_user(first, last, allows_messages=True)
    name = f"{last} {first}"
    pid = await people_repo.create(db, org_id=org_id, kind="staff", full_name=name, name_key=normalize_name(name),
                                   vk_id=vk, now=NOW)
    await role_repo.grant(db, person_id=pid, org_id=org_id, role=role, class_id=class_id, granted_by=None, now=NOW)
    return vk


# -- the bots -----------------------------------------------------------------------------

def settings(emu: Emulator, db_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "vk": {"token": TOKEN, "group_id": GROUP_ID, "api_url": emu.api_url},
        "db": {"path": str(db_path)},
        "bot": {"operators": [OPERATOR_VK], "rights_check_seconds": 3600, "code_pepper": "bench-pepper"},
    }
    for table, keys in overrides.items():
        values.setdefault(table, {}).update(keys)
    return load_settings(None, **values)


class Zavuch:
    """The real bot: ``create_app`` (seed through ``app.db``), then ``start`` polling."""

    def __init__(self, emu: Emulator, db_path: Path) -> None:
        self.emu = emu
        self.db_path = db_path
        self.app: App | None = None
        self.runner: Runner | None = None

    async def open(self) -> App:
        self.app = await create_app(settings(self.emu, self.db_path), clock=ShiftedClock(DAYTIME))
        return self.app

    async def start(self) -> None:
        assert self.app is not None
        polls = self.emu.longpoll.requests
        self.runner = Runner(self.app, wait=1, grace=5)
        await self.runner.start()
        settle_heap()  # as ``zavuch run`` does once the bot has started
        await self.emu.wait_longpoll(since=polls, timeout=30)

    @property
    def handled(self) -> int:
        assert self.runner is not None
        return self.runner.bot.handled

    async def settled(self, timeout: float) -> None:
        assert self.runner is not None
        await self.runner.bot.settled(timeout)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
        if self.app is not None:
            await self.app.close()


class BareBot:
    """vkbottle 4.11 as its README shows it: one handler that counts, ``run_polling``."""

    def __init__(self, emu: Emulator) -> None:
        from vkbottle import API, Bot
        from vkbottle.bot import BotLabeler, Message
        from vkbottle.polling import BotPolling

        self.emu = emu
        self.handled = 0
        self.api = API(TOKEN)
        self.api.API_URL = emu.api_url
        labeler = BotLabeler()

        @labeler.message()
        async def count(message: Message) -> None:
            self.handled += 1

        self.bot = Bot(api=self.api, labeler=labeler, polling=BotPolling(group_id=GROUP_ID, wait=1))
        self._task: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        polls = self.emu.longpoll.requests
        self._task = asyncio.create_task(self.bot.run_polling())
        settle_heap()  # the same collector settings as Zavuch's: the ratio is about the code
        await self.emu.wait_longpoll(since=polls, timeout=30)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.api.http_client.close()


async def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.005) -> None:
    """Poll a cheap in-memory predicate (the bots have no common completion signal)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not met in time")
        await asyncio.sleep(step)


# -- meters -------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(value: float) -> str:
    """Seconds as whole milliseconds with thousands separators."""
    return f"{1000 * value:,.0f}"


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class SqlMeter:
    """SQL statements (sqlite3 trace callback, run in each connection's own thread) and aiosqlite
    thread round trips (every ``Connection._execute``: one hop to the DB thread and back)."""

    def __init__(self) -> None:
        self.statements = itertools.count()
        self.round_trips = 0
        self._conns: list[Any] = []

    async def attach(self, *dbs: Database) -> None:
        seen = set()
        for db in dbs:
            for name in ("_conn", "_reader", "_side"):
                conn = getattr(db, name, None)
                if conn is None or id(conn) in seen:
                    continue
                seen.add(id(conn))
                await self._attach(conn)

    async def _attach(self, conn: Any) -> None:
        counter = self.statements
        await conn._execute(conn._conn.set_trace_callback, lambda _sql: next(counter))
        original = conn._execute
        meter = self

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            meter.round_trips += 1
            return await original(fn, *args, **kwargs)

        conn._execute = counted
        self._conns.append(conn)

    def snapshot(self) -> tuple[int, int]:
        # itertools.count has no reader: its repr carries the next value
        return int(repr(self.statements)[6:-1]), self.round_trips


@dataclass
class Run:
    messages: int
    seconds: float
    cpu: float  # the whole process (the database thread's work included)
    loop_cpu: float = 0.0  # the event loop's thread alone

    @property
    def loop_cpu_ms(self) -> float:
        return 1000 * self.loop_cpu / self.messages if self.messages else 0.0

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.messages if self.messages else 0.0


async def measured(work: Callable[[], Awaitable[int]]) -> Run:
    gc.collect()
    cpu0, loop0, t0 = time.process_time(), time.thread_time(), time.perf_counter()
    count = await work()
    return Run(count, time.perf_counter() - t0, time.process_time() - cpu0, time.thread_time() - loop0)
