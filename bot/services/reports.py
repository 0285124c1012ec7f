"""LEGACY participation reports over the raw activity rows: nothing in the bot uses them any more;
they are the raw-rows baseline of ``bench/reports_bench.py`` (and ``bench/activity_bench.py``).
The chat summary, XLSX, CSV, chart and the web cabinet are built from ``bot.services.report_views``
(pre-aggregated tables, the figures of ``t.GLOSSARY``); the month helpers live in ``report_months``.

Activity figures read only the stored ``activity`` rows, whose credited org was frozen when
they were written; roster figures of a closed month come from a frozen snapshot
(``report_roster``). So a past month gives the same numbers whenever it is asked.

Credit rule: activity counts for the org the author belongs to. What a teacher of school B
writes in school A's chat is in B's ``credited_messages`` (and B's ``away``) and in A's
``guests`` — never in A's credited figures, so sums over schools count it once.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from bot.texts import reports as t
from bot.db import Database
from bot.repo import activity as repo
from bot.repo import orgs as org_repo
from bot.repo.orgs import Org
from bot.services.report_roster import KINDS, RosterLine, RosterPart, load_or_compute

from bot.services.report_months import (  # noqa: F401  (re-exported: the month helpers live there)
    current_month, month_bounds, month_days, parse_month, previous_month,
)


# -- the report -------------------------------------------------------------------------------


@dataclass
class Flow:
    """Activity exchanged with another org (``org_id`` None: authors nobody knows)."""

    org_id: int | None
    org_name: str
    people: int = 0
    messages: int = 0
    actions: int = 0


@dataclass
class ChatLine:
    chat_id: int
    type: str | None
    title: str
    messages: int = 0
    actions: int = 0
    guest_messages: int = 0


@dataclass
class SchoolReport:
    org_id: int
    code: str
    name: str
    parent_id: int | None
    month: str
    final: bool  # the month is over in the school's time zone (numbers will not change)
    roster_part: RosterPart
    chats: list[ChatLine] = field(default_factory=list)
    active: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    messages_in_chats: int = 0  # every message in this org's chats, whoever wrote it
    own_messages: int = 0  # ... of which credited to this org
    actions_in_chats: int = 0  # joins, leaves, votes, button presses in this org's chats
    credited_messages: int = 0  # credited to this org, in any org's chats
    credited_actions: int = 0
    away: list[Flow] = field(default_factory=list)  # our people in other orgs' chats (credited here)
    guests: list[Flow] = field(default_factory=list)  # others in our chats (credited to them)
    violations_by_policy: dict[str, int] = field(default_factory=dict)
    violations_by_action: dict[str, int] = field(default_factory=dict)
    audit_by_action: dict[str, int] = field(default_factory=dict)
    daily: dict[str, dict[str, int]] = field(default_factory=dict)  # day -> chat type -> messages

    @property
    def chats_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for _, type_, _, _ in self.roster_part.chats:
            counts[type_ or "other"] += 1
        return dict(counts)

    @property
    def coverage(self) -> float:
        part = self.roster_part
        return part.covered / part.classes if part.classes else 0.0

    @property
    def roster(self) -> dict[str, RosterLine]:
        return self.roster_part.roster

    @property
    def silent_chats(self) -> list[ChatLine]:
        return [c for c in self.chats if c.messages == 0]

    @property
    def guest_messages(self) -> int:
        return sum(f.messages for f in self.guests if f.org_id is not None)

    @property
    def unknown_messages(self) -> int:
        return sum(f.messages for f in self.guests if f.org_id is None)

    @property
    def away_messages(self) -> int:
        return sum(f.messages for f in self.away)

    @property
    def violations(self) -> int:
        return sum(self.violations_by_policy.values())


async def build_reports(db: Database, orgs: list[Org], month: str, *, now: float | None = None) -> dict[int, SchoolReport]:
    """Reports of several orgs at once: the same few grouped queries for one school or a region."""
    now = time.time() if now is None else now
    first, after = (d.isoformat() for d in month_days(month))
    ids = [o.id for o in orgs]
    active_people = await repo.active_people(db, ids, first, after)
    active: dict[int, set[int]] = defaultdict(set)
    for org_id, person_id, _ in active_people:
        active[org_id].add(person_id)
    closed = {o.id for o in orgs if month_bounds(month, o.timezone)[1] <= now}
    parts = await load_or_compute(db, ids, month, closed, active, int(now))
    reports = {o.id: SchoolReport(o.id, o.code, o.name, o.parent_id, month, o.id in closed, parts[o.id]) for o in orgs}
    for report in reports.values():
        report.chats = [ChatLine(cid, type_, title) for cid, type_, _, title in report.roster_part.chats]
    for org_id, _, kind in active_people:
        if kind in reports[org_id].active:
            reports[org_id].active[kind] += 1
    await _fill_activity(db, reports, ids, first, after)
    await _fill_moderation(db, reports, orgs, month)
    return reports


async def _fill_activity(db: Database, reports: dict[int, SchoolReport], ids: list[int], first: str, after: str) -> None:
    names: dict[int | None, str] = {None: t.UNKNOWN_AUTHORS}
    lines = {c.chat_id: c for r in reports.values() for c in r.chats}
    guests: dict[int, dict[int | None, Flow]] = defaultdict(dict)
    away: dict[int, dict[int | None, Flow]] = defaultdict(dict)
    for chat_id, chat_org, credited, messages, actions in await repo.chat_activity(db, ids, first, after):
        report = reports[chat_org]
        report.messages_in_chats += messages
        report.actions_in_chats += actions
        line = lines.get(chat_id)
        if line is None:  # archived since: counted in the totals, not listed
            line = ChatLine(chat_id, None, "")
        line.messages += messages
        line.actions += actions
        if credited == chat_org:
            report.own_messages += messages
        else:
            line.guest_messages += messages
            flow = guests[chat_org].setdefault(credited, Flow(credited, ""))
            flow.messages += messages
            flow.actions += actions
    for chat_org, credited, people in await repo.guest_people(db, ids, first, after):
        if credited != chat_org:
            guests[chat_org].setdefault(credited, Flow(credited, "")).people += people
    for credited, chat_org, messages, actions, people in await repo.credited_activity(db, ids, first, after):
        report = reports[credited]
        report.credited_messages += messages
        report.credited_actions += actions
        if chat_org != credited:
            away[credited][chat_org] = Flow(chat_org, "", people, messages, actions)
    for chat_org, day, type_, messages in await repo.daily_by_type(db, ids, first, after):
        per_day = reports[chat_org].daily.setdefault(day, {})
        per_day[type_ or "other"] = per_day.get(type_ or "other", 0) + messages
    other_ids = {k for flows in (*guests.values(), *away.values()) for k in flows if k is not None}
    names.update({k: v[0] for k, v in (await repo.org_names(db, sorted(other_ids))).items()})
    for target, flows in ((guests, "guests"), (away, "away")):
        for org_id, by_org in target.items():
            for flow in by_org.values():
                flow.org_name = names.get(flow.org_id, "?")
            ordered = sorted(by_org.values(), key=lambda f: (f.org_id is None, -f.messages, f.org_name))
            setattr(reports[org_id], flows, ordered)


async def _fill_moderation(db: Database, reports: dict[int, SchoolReport], orgs: list[Org], month: str) -> None:
    for org in orgs:
        report = reports[org.id]
        start, end = month_bounds(month, org.timezone)
        for policy, action, count in await repo.violations(db, org.id, start, end):
            report.violations_by_policy[policy] = report.violations_by_policy.get(policy, 0) + count
            report.violations_by_action[action] = report.violations_by_action.get(action, 0) + count
        for action, count in await repo.audit_actions(db, org.id, start, end):
            report.audit_by_action[action] = count


async def build_school_report(db: Database, org_id: int, month: str, *, now: float | None = None) -> SchoolReport:
    org = await org_repo.get(db, org_id)
    if org is None:
        raise ValueError(f"no org {org_id}")
    return (await build_reports(db, [org], month, now=now))[org.id]


# -- coordinators -----------------------------------------------------------------------------


@dataclass
class AreaRow:
    """Sums over a group of schools (a municipality, or the whole area)."""

    org_id: int | None
    name: str
    schools: int = 0
    chats: int = 0
    classes: int = 0
    covered: int = 0
    roster: dict[str, RosterLine] = field(default_factory=lambda: {k: RosterLine() for k in KINDS})
    active: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    messages_in_chats: int = 0
    own_messages: int = 0
    guest_messages: int = 0
    unknown_messages: int = 0
    credited_messages: int = 0
    away_messages: int = 0
    silent_chats: int = 0
    silent_members: int = 0
    violations: int = 0

    @property
    def coverage(self) -> float:
        return self.covered / self.classes if self.classes else 0.0

    def add(self, r: SchoolReport) -> None:
        self.schools += 1
        self.chats += len(r.roster_part.chats)
        self.classes += r.roster_part.classes
        self.covered += r.roster_part.covered
        for kind, line in r.roster.items():
            mine = self.roster.setdefault(kind, RosterLine())
            mine.total += line.total
            mine.linked += line.linked
            mine.in_chats += line.in_chats
            mine.never_joined += line.never_joined
        for kind, count in r.active.items():
            self.active[kind] = self.active.get(kind, 0) + count
        self.messages_in_chats += r.messages_in_chats
        self.own_messages += r.own_messages
        self.guest_messages += r.guest_messages
        self.unknown_messages += r.unknown_messages
        self.credited_messages += r.credited_messages
        self.away_messages += r.away_messages
        self.silent_chats += len(r.silent_chats)
        self.silent_members += len(r.roster_part.silent_members)
        self.violations += r.violations


@dataclass
class CoordinatorReport:
    org_id: int
    code: str
    name: str
    kind: str  # municipality | region
    month: str
    schools: list[SchoolReport]
    municipalities: list[AreaRow]  # region only: one row per municipality
    totals: AreaRow
    outside_messages: int  # in the area's chats, credited to orgs outside it or to nobody
    daily: dict[str, dict[str, int]]

    @property
    def final(self) -> bool:
        return all(s.final for s in self.schools)


async def build_coordinator_report(db: Database, org_id: int, month: str, *, now: float | None = None) -> CoordinatorReport:
    org = await org_repo.get(db, org_id)
    if org is None:
        raise ValueError(f"no org {org_id}")
    members = [o for o in await org_repo.descendants(db, org.id) if o.kind in ("school", "other")]
    reports = await build_reports(db, members, month, now=now)
    schools = sorted(reports.values(), key=lambda r: r.name)
    in_area = set(reports)
    totals = AreaRow(org.id, org.name)
    munis: dict[int | None, AreaRow] = {}
    names = await repo.org_names(db, sorted({r.parent_id for r in schools if r.parent_id is not None}))
    daily: dict[str, dict[str, int]] = {}
    outside = 0
    for report in schools:
        totals.add(report)
        if org.kind == "region":
            parent = report.parent_id
            title = names[parent][0] if parent is not None and parent in names else "?"
            row = munis.get(parent) or munis.setdefault(parent, AreaRow(parent, title))
            row.add(report)
        outside += sum(f.messages for f in report.guests if f.org_id not in in_area)
        for day, by_type in report.daily.items():
            mine = daily.setdefault(day, {})
            for type_, count in by_type.items():
                mine[type_] = mine.get(type_, 0) + count
    return CoordinatorReport(org.id, org.code, org.name, org.kind, month, schools,
                             sorted(munis.values(), key=lambda r: r.name), totals, outside, daily)
