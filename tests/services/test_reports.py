"""Issues 6 and 13: participation counting and monthly reports, against hand-computed figures.

The scenario (September 2026): school A (Moscow) and school B (Vladivostok) in one municipality
of one region. A teacher of B (TB) writes in A's `methodical` chat, next to an unknown guest; A's
teacher (Ta) writes in B's class chat; another teacher of B (TB2) is only in A's methodical chat
(in chats, though in none of B's). S3 of A was never linked (not on the platform). Every figure
asserted below is counted by hand in the comments.
"""

from __future__ import annotations

import json

import io
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from bot.domain.clock import FixedClock
from bot.config import Settings
from bot.domain.classes import ClassName
from bot.jobs.reports import monthly_reports, prepare
from bot.pipeline.effects import Effects
from bot.repo import activity as activity_repo
from bot.repo import chats as chat_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.services import report_render as render
from bot.services.activity import ActivityCounter, pick_authors
from bot.services import report_views as views
from bot.services.report_months import parse_month, parse_period, period_ru, previous_month
from bot.domain.errors import UserError
from tests.services.conftest import NOW

MONTH = "2026-09"
OCT_5 = datetime(2026, 10, 5, 12, tzinfo=UTC).timestamp()  # September is closed everywhere


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


class Scenario:
    def __init__(self, world) -> None:
        self.w = world
        self.db = world.db
        self.p: dict[str, int] = {}
        self.c: dict[str, chat_repo.Chat] = {}

    async def person(self, key: str, org, kind: str, vk: int | None, cls: int | None = None) -> int:
        name = f"{key} Тестовый"
        if kind == "student":
            pid = await people_repo.create_student(self.db, org_id=org.id, full_name=name, name_key=name.casefold(),
                                                   class_id_=cls, mode="regular", now=NOW)
            if vk:
                await people_repo.link_vk(self.db, pid, vk, NOW)
        else:
            pid = await people_repo.create(self.db, org_id=org.id, kind=kind, full_name=name,
                                           name_key=name.casefold(), vk_id=vk, now=NOW)
        self.p[key] = pid
        return pid

    async def chat(self, key: str, peer: int, org, type_: str, cls: int | None, title: str) -> None:
        chat, _ = await chat_repo.ensure(self.db, peer, added_by=None, now=NOW)
        await chat_repo.bind(self.db, chat.id, org_id=org.id, type_=type_, class_id=cls, subject=None,
                             title=title, leader_id=None)
        self.c[key] = await chat_repo.get(self.db, chat.id)

    async def member(self, chat: str, vk: int, person: str | None, state: str = "member") -> None:
        await self.db.execute(
            "INSERT INTO chat_member (chat_id, vk_id, person_id, state, joined_at) VALUES (?, ?, ?, ?, ?)",
            (self.c[chat].id, vk, self.p.get(person) if person else None, state, NOW))

    async def build(self) -> None:
        w, db = self.w, self.db
        a5a = await people_repo.ensure_class(db, w.school_a.id, ClassName(5, "А"), NOW)
        a5b = await people_repo.ensure_class(db, w.school_a.id, ClassName(5, "Б"), NOW)
        b7a = await people_repo.ensure_class(db, w.school_b.id, ClassName(7, "А"), NOW)
        await self.person("Ta", w.school_a, "staff", 501)
        await self.person("Adm", w.school_a, "staff", 500)
        await role_repo.grant(db, person_id=self.p["Adm"], org_id=w.school_a.id, role="school_admin",
                              granted_by=None, now=NOW)
        await self.person("S1", w.school_a, "student", 511, a5a)
        await self.person("S2", w.school_a, "student", 512, a5a)
        await self.person("S3", w.school_a, "student", None, a5b)
        await self.person("P1", w.school_a, "parent", 521)
        await self.person("P2", w.school_a, "parent", 522)
        await self.person("P3", w.school_a, "parent", 523)  # linked, never joined a chat
        await self.person("TB", w.school_b, "staff", 601)
        await self.person("TB2", w.school_b, "staff", 602)  # only in A's methodical chat
        for parent, child in (("P1", "S1"), ("P2", "S3"), ("P3", "S2")):
            await db.execute("INSERT INTO parent_child (parent_id, child_id) VALUES (?, ?)",
                             (self.p[parent], self.p[child]))
        await self.person("SB1", w.school_b, "student", 611, b7a)
        await self.chat("c1", 2_000_000_001, w.school_a, "parents_class", a5a, "5А родители")
        await self.chat("c2", 2_000_000_002, w.school_a, "students_class", a5a, "5А ученики")
        await self.chat("c3", 2_000_000_003, w.school_a, "parents_class", a5b, "5Б родители")
        await self.chat("c4", 2_000_000_004, w.school_a, "methodical", None, "МО математики")
        await self.chat("c5", 2_000_000_005, w.school_a, "admin_open", None, "Коллектив")
        await self.chat("d1", 2_000_000_006, w.school_b, "students_class", b7a, "7А ученики")
        for chat, vk, person in [("c1", 521, "P1"), ("c1", 501, "Ta"), ("c2", 511, "S1"), ("c2", 512, "S2"),
                                 ("c2", 501, "Ta"), ("c4", 501, "Ta"), ("c4", 601, "TB"), ("c4", 900, None), ("c4", 602, "TB2"),
                                 ("c5", 500, "Adm"), ("c5", 501, "Ta"), ("d1", 611, "SB1"), ("d1", 601, "TB"),
                                 ("d1", 501, "Ta")]:
            await self.member(chat, vk, person)
        await self.member("c3", 522, "P2", state="left")

    async def activity(self, counter: ActivityCounter) -> None:
        rec, c = counter.record, self.c
        for _ in range(3):
            rec(c["c1"], 521, "message", utc(2026, 9, 1, 7))  # P1: 3
        rec(c["c1"], 501, "message", utc(2026, 9, 1, 8))  # Ta: 1
        rec(c["c2"], 511, "message", utc(2026, 9, 2, 9))
        rec(c["c2"], 511, "message", utc(2026, 9, 2, 9, 5))  # S1: 2
        rec(c["c2"], 511, "action", utc(2026, 9, 2, 9, 6))  # S1: a poll vote
        rec(c["c2"], 512, "message", utc(2026, 8, 31, 21, 30))  # S2: 00:30 on Sep 1 in Moscow -> September
        rec(c["c2"], 512, "message", utc(2026, 9, 30, 21, 30))  # S2: 00:30 on Oct 1 in Moscow -> October
        for _ in range(4):
            rec(c["c4"], 601, "message", utc(2026, 9, 10, 12))  # TB of school B in A's methodical chat: 4
        rec(c["c4"], 900, "message", utc(2026, 9, 10, 12))
        rec(c["c4"], 900, "message", utc(2026, 9, 10, 13))  # unknown guest: 2
        rec(c["c4"], 501, "message", utc(2026, 9, 10, 14))  # Ta: 1
        rec(c["c3"], 522, "join", utc(2026, 9, 3, 10))
        rec(c["c3"], 522, "leave", utc(2026, 9, 4, 10))  # P2: no messages, still active
        for _ in range(5):
            rec(c["d1"], 611, "message", utc(2026, 9, 15, 3))  # SB1: 5
        rec(c["d1"], 601, "message", utc(2026, 8, 31, 23, 30))  # TB: 09:30 on Sep 1 in Vladivostok
        rec(c["d1"], 601, "message", utc(2026, 9, 30, 23, 30))  # TB: Oct 1 in Vladivostok -> October
        rec(c["d1"], 501, "message", utc(2026, 9, 20, 3))
        rec(c["d1"], 501, "message", utc(2026, 9, 20, 4))  # Ta of A in B's chat: 2
        await counter.flush()

    async def moderation(self) -> None:
        a = self.w.school_a.id
        for policy, at in [("obscene", utc(2026, 9, 5)), ("obscene", utc(2026, 9, 6)), ("links", utc(2026, 9, 7)),
                           ("links", utc(2026, 10, 1, 5))]:  # the last one is October's
            await self.db.execute(
                "INSERT INTO violation (org_id, chat_id, vk_id, policy, action, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (a, self.c["c1"].id, 521, policy, "delete", int(at)))
        # the measures: 3 deletions, a warning, a mute, a removal, 2 quarantines, an admission (and
        # a warning in October, not September's)
        for action, at in [("delete", utc(2026, 9, 5)), ("delete", utc(2026, 9, 6)), ("delete", utc(2026, 9, 7)),
                           ("warn", utc(2026, 9, 5)), ("mute", utc(2026, 9, 6)), ("remove", utc(2026, 9, 8)),
                           ("quarantine", utc(2026, 9, 9)), ("quarantine", utc(2026, 9, 9)),
                           ("admit", utc(2026, 9, 9)), ("warn", utc(2026, 10, 2))]:
            await self.db.execute("INSERT INTO audit_log (org_id, action, created_at) VALUES (?, ?, ?)",
                                  (a, action, int(at)))


@pytest.fixture
async def scenario(world) -> Scenario:
    s = Scenario(world)
    await s.build()
    await s.activity(ActivityCounter(world.db))
    await s.moderation()
    return s


async def test_days_are_cut_in_each_school_timezone(scenario) -> None:
    rows = await scenario.db.fetchall(
        "SELECT day, messages FROM activity WHERE vk_id = ? ORDER BY day", (601,))
    by_chat = {tuple(r) for r in await scenario.db.fetchall(
        "SELECT chat_id, day FROM activity WHERE vk_id = 601")}
    d1 = scenario.c["d1"].id
    # 23:30 UTC is already the next day in Vladivostok
    assert (d1, "2026-09-01") in by_chat and (d1, "2026-10-01") in by_chat
    assert [tuple(r) for r in rows] == [("2026-09-01", 1), ("2026-09-10", 4), ("2026-10-01", 1)]
    s2 = await scenario.db.fetchall("SELECT day FROM activity WHERE vk_id = 512 ORDER BY day")
    assert [r[0] for r in s2] == ["2026-09-01", "2026-10-01"]  # 21:30 UTC is the next day in Moscow


async def test_credit_is_frozen_per_author(scenario) -> None:
    rows = {(r[0], r[1]): r[2] for r in await scenario.db.fetchall(
        "SELECT chat_id, vk_id, credited_org_id FROM activity")}
    w, c = scenario.w, scenario.c
    assert rows[(c["c4"].id, 601)] == w.school_b.id  # B's teacher in A's chat -> B
    assert rows[(c["c4"].id, 900)] is None  # the guest nobody knows
    assert rows[(c["d1"].id, 501)] == w.school_a.id  # A's teacher in B's chat -> A


# People: (roster, linked, in chats, active, silent). Active = a message that stayed or an action
# (vote, button) in September; joins and leaves are not activity.
EXPECTED_A = {
    "people": {
        "student": (3, 2, 2, 2, 0),  # S1, S2 linked, in 5А's chat, wrote; S3 never linked
        "parent": (3, 3, 1, 1, 0),  # P1 in c1 and wrote; P2 left c3 (joined and left: not active); P3 never joined
        "staff": (2, 2, 2, 1, 1),  # Ta wrote; Adm in «Коллектив», silent
    },
    "not_on_platform": 1,  # S3
    "org": (5, 2, 2, 1, 1),  # chats, classes, with parents' chat, with students' chat, with both
    "coverage": [  # (type, chats, audience, of it in such a chat of A)
        ("parents_school", 0, 3, 0),  # no such chat: 3 parents uncovered
        ("parents_class", 2, 3, 1),  # P1 (S1, 5А) in 5А's chat; P2 left 5Б's; P3 (S2, 5А) not in
        ("students_class", 1, 3, 2),  # S1, S2 in 5А's; S3 (5Б) has no chat
        ("admin_open", 1, 2, 2),
        ("methodical", 1, 2, 1),  # Ta (TB, TB2 are B's)
    ],
    "classes": [("5А", 2, 2, 2, 2, 2, 1, True, True), ("5Б", 1, 0, 0, 1, 1, 0, True, False)],
    "messages_in_chats": 14,  # c1 3+1, c2 2+1, c4 4+2+1
    "own_messages": 8, "guest_messages": 4, "unknown_messages": 2, "actions_in_chats": 1,  # S1's vote
    "credited_messages": 10,  # P1 3, Ta 1+1+2, S1 2, S2 1
    "credited_actions": 1, "away_messages": 2,
    "away": [("Школа Б", 1, 2, 0)],
    "guests": [("Школа Б", 1, 4, 0), ("неизвестные (не в списках)", 1, 2, 0)],
    "silent_chats": ["5Б родители", "Коллектив"],
    "silent_people": ["Adm"],
    "by_policy": {"obscene": 2, "links": 1},
    "by_measure": {"delete": 3, "warn": 1, "mute": 1, "remove": 1, "quarantine": 2, "admit": 1},
}
EXPECTED_B = {
    "people": {
        "student": (1, 1, 1, 1, 0),
        "parent": (0, 0, 0, 0, 0),
        "staff": (2, 2, 2, 1, 1),  # TB wrote; TB2 is in chats (A's methodical chat only) and silent
    },
    "not_on_platform": 0,
    "org": (1, 1, 0, 1, 0),
    "coverage": [("students_class", 1, 1, 1), ("admin_open", 0, 2, 0)],
    "classes": [("7А", 1, 1, 1, 0, 0, 0, False, True)],
    "messages_in_chats": 8,  # SB1 5, TB 1 (Sep 1 local), Ta 2
    "own_messages": 6, "guest_messages": 2, "unknown_messages": 0, "actions_in_chats": 0,
    "credited_messages": 10,  # SB1 5, TB 1 here + 4 in A's methodical chat
    "credited_actions": 0, "away_messages": 4,
    "away": [("Школа А", 1, 4, 0)], "guests": [("Школа А", 1, 2, 0)],
    "silent_chats": [], "silent_people": ["TB2"],
    "by_policy": {}, "by_measure": {},
}


def figures(r: views.SchoolOverview, scenario) -> dict:
    names = {pid: key for key, pid in scenario.p.items()}
    return {
        "people": {k: (p.roster, p.linked, p.in_chats, p.active, p.silent) for k, p in r.people.items()},
        "not_on_platform": r.total.not_on_platform,
        "org": (r.org.chats, r.org.classes, r.org.with_parents, r.org.with_students, r.org.with_both),
        "coverage": [(c.chat_type, c.chats, c.eligible, c.in_chats) for c in r.coverage],
        "classes": [(c.label, c.students, c.students_linked, c.students_in_chats, c.parents, c.parents_linked,
                     c.parents_in_chats, c.has_parents_chat, c.has_students_chat) for c in r.classes],
        "messages_in_chats": r.messages_in_chats, "own_messages": r.own_messages,
        "guest_messages": r.guest_messages, "unknown_messages": r.unknown_messages,
        "actions_in_chats": r.actions_in_chats, "credited_messages": r.credited_messages,
        "credited_actions": r.credited_actions, "away_messages": r.away_messages,
        "away": [(f.org_name, f.people, f.messages, f.actions) for f in r.away],
        "guests": [(f.org_name, f.people, f.messages, f.actions) for f in r.guests],
        "silent_chats": [c.title for c in r.silent_chats],
        "silent_people": [names[p] for p in r.silent_ids],
        "by_policy": r.moderation.by_policy, "by_measure": r.moderation.by_measure,
    }


PERIOD = "сентябрь 2026 (с 1 по 30 сентября 2026 года, время Europe/Moscow)"


async def test_school_figures_match_hand_computed(scenario) -> None:
    a = await views.school_overview(scenario.db, scenario.w.school_a.id, MONTH, now=OCT_5)
    b = await views.school_overview(scenario.db, scenario.w.school_b.id, MONTH, now=OCT_5)
    assert figures(a, scenario) == EXPECTED_A
    assert figures(b, scenario) == EXPECTED_B
    assert a.final and b.final and a.municipality == "Город"
    assert a.daily == {"2026-09-01": {"parents_class": 4, "students_class": 1}, "2026-09-02": {"students_class": 2},
                       "2026-09-10": {"methodical": 7}}
    assert [c.label for c in a.classes_without_chats] == ["5Б"]
    assert [c.label for c in a.not_on_platform_by_class] == ["5Б"]  # S3
    text = render.school_summary(a, period_ru(MONTH, "Europe/Moscow"))
    assert f"Период: {PERIOD}." in text
    assert "• ученики: 3 / 1 / 2 / 2 / 2 / 0" in text
    assert "• родители: 3 / 0 / 3 / 1 / 1 / 0" in text and "• сотрудники: 2 / 0 / 2 / 2 / 1 / 1" in text
    assert "Нет на платформе всего: 1 — по классам: 5Б (учеников 1)" in text
    assert "родители класса — 1 из 3 (33%)" in text and "родители школы — 0 из 3 (0%) (бесед нет)" in text
    assert "Классы с обеими беседами: 1 из 2" in text and "Классы без бесед: 5Б — нет беседы учеников" in text
    assert ("Модерация: нарушений 3 (мат — 2, ссылки — 1); меры: удаление сообщения — 3, предупреждение — 1, "
            "запрет писать (мут) — 1, исключение из беседы — 1, карантин для новичка — 2, допуск в беседу — 1") in text
    assert "Гости в наших беседах (засчитаны их организациям): Школа Б — 1 чел., 4 сообщ." in text
    assert "Засчитано школе: 10 сообщ., из них в беседах других организаций — 2" in text
    for wrong in ("admit", "quarantine", "remove", "Охват классов"):
        assert wrong not in text


MUNI_PEOPLE = {"student": (4, 3, 3, 3, 0), "parent": (3, 3, 1, 1, 0), "staff": (4, 4, 4, 2, 2)}


async def test_municipality_and_region_add_credits_once(scenario) -> None:
    w = scenario.w
    muni = await views.territory_schools(scenario.db, w.muni.id, MONTH, now=OCT_5)
    # ranked by people coverage: B 3 of 3 in chats (100%), A 5 of 8 (62.5%)
    assert [(s.rank, s.name, s.municipality) for s in muni.schools] == [(1, "Школа Б", "Город"), (2, "Школа А", "Город")]
    assert [round(s.coverage * 100) for s in muni.schools] == [100, 62]  # 5 of 8: 62.5 rounds to even
    tot = muni.totals
    assert {k: (p.roster, p.linked, p.in_chats, p.active, p.silent) for k, p in tot.people.items()} == MUNI_PEOPLE
    assert tot.total.not_on_platform == 1 and round(tot.coverage * 100) == 73 and round(tot.activity * 100) == 55
    assert (tot.schools, tot.org.chats, tot.org.classes, tot.org.with_both) == (2, 6, 3, 1)
    assert tot.messages_in_chats == 22 and tot.credited_messages == 20 and muni.outside_messages == 2
    # every message in the area's chats is credited to exactly one school, or comes from outside
    assert tot.credited_messages + muni.outside_messages == tot.messages_in_chats
    assert tot.silent_chats == 2 and tot.violations == 3
    assert [(s.name, s.prev_credited_messages, s.messages_delta) for s in muni.schools] == [
        ("Школа Б", 0, 10), ("Школа А", 0, 10)]
    assert muni.municipalities == []
    students = next(c for c in tot.coverage_by_type if c.chat_type == "students_class")
    assert (students.chats, students.eligible, students.in_chats) == (2, 4, 3)

    region = await views.territory_schools(scenario.db, w.region.id, MONTH, now=OCT_5)
    assert [(m.name, m.schools, m.credited_messages, m.messages_in_chats) for m in region.municipalities] == [
        ("Город", 2, 20, 22)]
    assert region.totals.people == muni.totals.people
    text = render.area_summary(region, period_ru(MONTH, "Europe/Moscow"))
    assert "регион" in text and "• Город: охват 73%, активность 55%, сообщ. 20" in text
    assert "1. Школа Б: охват 100%, активность 67%, сообщ. 10 (+10)" in text
    assert ("Люди: в списке 11, нет на платформе 1, привязаны 10, в беседах 8 (охват 73%), активны 6 "
            "(активность 55%), молчат 2.") in text
    assert [(n.name, n.kind, n.schools) for n in await views.territory_children(scenario.db, w.region.id)] == [
        ("Город", "municipality", 2)]
    assert [n.name for n in await views.territory_children(scenario.db, w.muni.id)] == ["Школа А", "Школа Б"]


async def test_xlsx_and_csv_open_back_with_the_same_figures(scenario) -> None:
    files = await prepare(scenario.db, scenario.w.school_a, MONTH, OCT_5)
    book = load_workbook(io.BytesIO(files.xlsx))
    assert book.sheetnames == ["Сводка", "Люди", "Охват по типам бесед", "Классы", "Беседы", "По дням",
                               "В чужих беседах", "Гости", "Молчащие участники", "Модерация", "Пояснения"]
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(min_row=2, values_only=True)}
    assert summary["Период"] == PERIOD and summary["Месяц закрыт (цифры окончательные)"] == "да"
    assert summary["Сообщений в беседах"] == 14 and summary["Засчитано сообщений"] == 10
    assert summary["  из них гостей"] == 4 and summary["  из них неизвестных"] == 2
    assert summary["Нет на платформе"] == 1 and summary["В беседах"] == 5 and summary["Молчат"] == 1
    assert summary["Охват людей, %"] == 62 and summary["Беседы без сообщений"] == 2  # 5 of 8
    assert summary["ученики: нет на платформе"] == 1 and summary["сотрудники: активны"] == 1
    assert summary["Классы с обеими беседами"] == 1
    assert list(book["Люди"].iter_rows(min_row=2, values_only=True)) == [
        ("ученики", 3, 1, 2, 2, 0, 2, 0), ("родители", 3, 0, 3, 1, 2, 1, 0), ("сотрудники", 2, 0, 2, 2, 0, 1, 1),
        ("Итого", 8, 1, 7, 5, 2, 4, 1)]
    assert ("родители класса", 2, 3, 1, 33) in list(book["Охват по типам бесед"].iter_rows(values_only=True))
    assert list(book["Классы"].iter_rows(min_row=2, values_only=True)) == [
        ("5А", 2, 0, 2, 2, 0, 1, "да", "да"), ("5Б", 1, 1, 0, 1, 0, 0, "да", "нет")]
    chats = list(book["Беседы"].iter_rows(min_row=2, values_only=True))
    assert ("МО математики", "МО", 7, 0, 6, "нет") in chats and ("Коллектив", "коллектив", 0, 0, 0, "да") in chats
    assert list(book["Гости"].iter_rows(min_row=2, values_only=True)) == [
        ("Школа Б", 1, 4, 0), ("неизвестные (не в списках)", 1, 2, 0)]
    assert list(book["В чужих беседах"].iter_rows(min_row=2, values_only=True)) == [("Школа Б", 1, 2, 0)]
    assert list(book["Молчащие участники"].iter_rows(min_row=2, values_only=True)) == [
        ("Adm Тестовый", "сотрудник", None)]
    moderation = list(book["Модерация"].iter_rows(min_row=2, values_only=True))
    assert ("меры", "карантин для новичка", 2) in moderation and ("меры", "допуск в беседу", 1) in moderation
    assert ("нарушения по правилам", "мат", 2) in moderation
    assert not {"admit", "quarantine", "remove", "delete", "warn", "mute"} & {row[1] for row in moderation}
    glossary = {row[0] for row in book["Пояснения"].iter_rows(min_row=2, values_only=True)}
    assert {"Нет на платформе", "Активны", "Молчат", "Охват по типу бесед", "Меры"} <= glossary
    daily = list(book["По дням"].iter_rows(values_only=True))
    assert daily[0] == ("День", "МО", "родители класса", "ученики класса")
    assert daily[1] == ("2026-09-01", 0, 4, 1)
    assert files.png.startswith(b"\x89PNG") and files.csv.startswith("\ufeff".encode())
    csv = files.csv.decode("utf-8")
    assert "МО математики;МО;7;0;6;нет" in csv and "ученики;3;1;2;2;0;2;0" in csv
    assert files.text.startswith("Отчёт об активности за сентябрь 2026 — Школа А (sch-a)")

    area = await prepare(scenario.db, scenario.w.region, MONTH, OCT_5)
    book = load_workbook(io.BytesIO(area.xlsx))
    head = [c.value for c in book["Школы"][1]]
    rows = list(book["Школы"].iter_rows(min_row=2, values_only=True))
    col = {name: i for i, name in enumerate(head)}
    assert [(r[col["Организация"]], r[col["Муниципалитет"]], r[col["Бесед"]], r[col["Нет на платформе"]],
             r[col["Сообщений в беседах"]], r[col["Засчитано сообщений"]], r[col["Из них в чужих беседах"]])
            for r in rows] == [
        ("Школа Б", "Город", 1, 0, 8, 10, 4), ("Школа А", "Город", 5, 1, 14, 10, 2), ("Итого", None, 6, 1, 22, 20, 6)]
    assert "Муниципалитеты" in book.sheetnames and "Пояснения" in book.sheetnames


async def test_past_month_gives_the_same_numbers_after_a_person_moves(scenario) -> None:
    w, db = scenario.w, scenario.db

    def stable(r: views.SchoolOverview) -> dict:
        f = figures(r, scenario)
        del f["classes"], f["silent_people"]  # read as the roster is now
        return f

    first = {o.id: stable(await views.school_overview(db, o.id, MONTH, now=OCT_5)) for o in (w.school_a, w.school_b)}
    muni_first = (await views.territory_schools(db, w.muni.id, MONTH, now=OCT_5)).totals
    # Ta moves to school B, leaves A's chats, S3 gets linked, a chat is archived; October goes on
    await db.execute("UPDATE person SET home_org_id = ? WHERE id = ?", (w.school_b.id, scenario.p["Ta"]))
    await db.execute("UPDATE chat_member SET state = 'left' WHERE vk_id = 501 AND chat_id != ?",
                     (scenario.c["d1"].id,))
    await people_repo.link_vk(db, scenario.p["S3"], 513, NOW)
    await db.execute("UPDATE chat SET status = 'archived' WHERE id = ?", (scenario.c["c5"].id,))
    counter = ActivityCounter(db)
    counter.record(scenario.c["d1"], 501, "message", utc(2026, 10, 10, 3))
    await counter.flush()
    later = OCT_5 + 40 * 86400
    again = {o.id: stable(await views.school_overview(db, o.id, MONTH, now=later)) for o in (w.school_a, w.school_b)}
    for org_id in first:
        for key in first[org_id]:
            assert again[org_id][key] == first[org_id][key], (org_id, key)
    assert (await views.territory_schools(db, w.muni.id, MONTH, now=later)).totals == muni_first
    # October's credit follows the move
    assert await db.fetchval("SELECT credited_org_id FROM activity WHERE day = '2026-10-10'") == w.school_b.id


async def test_open_month_is_live_and_not_final(scenario) -> None:
    mid = utc(2026, 9, 20)
    report = await views.school_overview(scenario.db, scenario.w.school_a.id, MONTH, now=mid)
    assert not report.final
    assert not await scenario.db.fetchval("SELECT final FROM agg_org WHERE month = ? AND org_id = ?",
                                          (MONTH, scenario.w.school_a.id))
    assert "предварительные" in render.school_summary(report, PERIOD)


async def test_aggregates_equal_the_raw_rows(scenario) -> None:
    """The per-message upserts give exactly what grouping the raw rows gives (the backfill's SQL)."""
    db = scenario.db
    raw = {tuple(r) for r in await db.fetchall(
        "SELECT substr(a.day, 1, 7), c.org_id, COALESCE(c.type, ''), COALESCE(a.credited_org_id, 0),"
        " SUM(a.messages), SUM(a.actions), SUM(a.joins), SUM(a.leaves) FROM activity a JOIN chat c ON c.id = a.chat_id"
        " GROUP BY 1, 2, 3, 4")}
    assert {tuple(r) for r in await db.fetchall("SELECT * FROM agg_flow")} == raw
    active = {tuple(r) for r in await db.fetchall("SELECT month, org_id, kind, people FROM agg_active WHERE people > 0")}
    assert (MONTH, scenario.w.school_a.id, "parent", 1) in active  # P1; P2 only joined and left
    assert (MONTH, scenario.w.school_a.id, "student", 2) in active


async def test_counter_aggregates_and_flushes_one_row_per_day_chat_author(world) -> None:
    s = Scenario(world)
    await s.build()
    counter = ActivityCounter(world.db, max_pending=10_000)
    for i in range(1000):
        counter.record(s.c["c1"], 521, "message", utc(2026, 9, 1, 7) + i)
    assert counter.pending == 1000  # the org's time zone is loaded on the first flush
    assert await counter.flush() == 1
    for i in range(1000):
        counter.record(s.c["c1"], 521, "message", utc(2026, 9, 1, 7) + i)
    assert counter.pending == 1
    assert await counter.flush() == 1
    assert await world.db.fetchval("SELECT messages FROM activity") == 2000


async def test_a_full_buffer_flushes_in_the_background(world) -> None:
    s = Scenario(world)
    await s.build()
    counter = ActivityCounter(world.db, max_pending=3)
    for vk in (521, 501, 511):
        counter.record(s.c["c1"], vk, "message", utc(2026, 9, 1, 7))
    assert counter._background is not None
    await counter._background
    assert counter.pending == 0
    assert await world.db.fetchval("SELECT SUM(messages) FROM activity") == 3


async def test_failed_flush_keeps_the_counts(world, monkeypatch) -> None:
    s = Scenario(world)
    await s.build()
    counter = ActivityCounter(world.db)
    counter.record(s.c["c1"], 521, "message", utc(2026, 9, 1, 7))
    await counter.flush()
    counter.record(s.c["c1"], 521, "message", utc(2026, 9, 1, 8))

    async def broken(db, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(activity_repo, "upsert_many", broken)
    with pytest.raises(RuntimeError):
        await counter.flush()
    monkeypatch.undo()
    assert await counter.flush() == 1
    assert await world.db.fetchval("SELECT messages FROM activity") == 2


def test_credit_rule_prefers_member_person_then_own_org_then_staff() -> None:
    members = [(1, 10, 100, 7, None), (1, 11, None, None, 8)]
    persons = [(200, 12, 9, "parent"), (201, 12, 5, "staff"), (202, 13, 6, "parent"), (203, 13, 5, "student")]
    got = pick_authors([(1, 10), (1, 11), (1, 12), (1, 13), (1, 14)], members, persons, {1: 5})
    assert got == {(1, 10): (100, 7), (1, 11): (None, 8), (1, 12): (201, 5), (1, 13): (203, 5), (1, 14): (None, None)}
    got = pick_authors([(2, 12)], [], persons, {2: 99})
    assert got == {(2, 12): (201, 5)}  # no person in the chat's org: the staff person


def test_month_parsing() -> None:
    assert parse_month("2026-9") == "2026-09" and parse_month("09.2026") == "2026-09"
    with pytest.raises(UserError) as err:
        parse_month("2026-13")
    assert "/отчёт за октябрь" in err.value.message
    assert previous_month(utc(2026, 1, 15), "Europe/Moscow") == "2025-12"
    assert previous_month(utc(2026, 9, 30, 23), "Asia/Vladivostok") == "2026-09"  # Oct 1 there
    now, tz = utc(2026, 11, 20, 12), "Europe/Moscow"
    for words, month in [("за октябрь", "2026-10"), ("октябрь 2026", "2026-10"), ("в октябре 2025 года", "2025-10"),
                         ("прошлый месяц", "2026-10"), ("этот месяц", "2026-11"), ("2026-10", "2026-10"),
                         ("декабрь", "2025-12"), ("за май", "2026-05"), ("март", "2026-03"), ("", None)]:
        assert parse_period(words.split(), now, tz) == (month, []), words
    assert parse_period("за октябрь sch12".split(), now, tz) == ("2026-10", ["sch12"])
    with pytest.raises(UserError):
        parse_period("октябрь ноябрь".split(), now, tz)


class FakeGateway:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str]] = []
        self.files: list[tuple[int, str]] = []

    async def upload_doc(self, peer_id: int, filename: str, content: bytes) -> str:
        self.files.append((peer_id, filename))
        return f"doc-1_{len(self.files)}"



async def _recorded_sends(db) -> list[tuple[int, str, str]]:
    """The messages the job recorded (the action runner sends them)."""
    rows = await db.fetchall("SELECT peer_id, params FROM action WHERE kind = 'send' ORDER BY id")
    return [(r[0], json.loads(r[1])["text"], json.loads(r[1]).get("attachment", "")) for r in rows]


async def test_monthly_job_sends_on_first_working_day_once(scenario) -> None:
    w = scenario.w
    await w.staff(w.muni, "municipal_coordinator", 700, "Координатор Городской")
    gateway = FakeGateway()
    # Thu 1 Oct 2026, 10:05 in Moscow: A, the municipality and the region are due; B (17:05) is not
    clock = FixedClock(utc(2026, 10, 1, 7, 5))
    app = SimpleNamespace(db=scenario.db, gateway=gateway, clock=clock, effects=Effects(scenario.db, clock),
                          settings=Settings(vk={"token": "x", "group_id": 1}))
    assert await monthly_reports(app) == 3
    sent = await _recorded_sends(scenario.db)
    assert sorted(peer for peer, _, _ in sent) == [500, 700]
    assert all(attachment.count("doc") == 3 for _, _, attachment in sent)
    texts = {peer: text for peer, text, _ in sent}
    assert "Школа А (sch-a)" in texts[500] and "муниципалитет" in texts[700]
    assert [f for p, f in gateway.files if p == 500] == [
        "otchet-sch-a-2026-09.xlsx", "otchet-sch-a-2026-09.csv", "otchet-sch-a-2026-09.png"]
    assert await monthly_reports(app) == 0  # once per month
    assert len(await _recorded_sends(scenario.db)) == 2
    # the roster side of every school was stored final as its September closed
    finals = {r[0] for r in await scenario.db.fetchall("SELECT org_id FROM agg_org WHERE month = ? AND final = 1",
                                                       (MONTH,))}
    assert finals == {w.school_a.id, w.school_b.id}
