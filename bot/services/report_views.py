"""The read API of participation figures: one source for the chat summary, the XLSX/CSV files,
the chart and the web cabinet. Every figure is defined once (``bot.texts.reports.GLOSSARY``).

All functions read the pre-aggregated tables of migration 0008 (kept current with every count)
and the roster snapshots of ``report_people`` — never the raw activity rows — so a region of
1,500 schools costs a few thousand rows. They do NOT check permissions: the caller checks
``access.allowed(caller, Capability.REPORT_VIEW, org_id)`` (or the cabinet's equivalent) first.

    school_overview(db, org_id, month)      -> SchoolOverview   (a school or other organisation)
    territory_schools(db, org_id, month)    -> TerritoryView    (a municipality or a region)
    territory_children(db, org_id)          -> list[OrgNode]    (drill-down: region → municipality → school)
    class_detail(db, org_id, class_id, month) -> ClassDetail    (a school's class: people and chats)

``month`` is "YYYY-MM" (see ``report_months.parse_period``); ``now`` (unix seconds) defaults to
the wall clock and decides whether the month is over (``final``: figures will not change).
Credit rule: activity counts for the org the author belongs to; what a teacher of school B
writes in school A's chat is B's (``credited_messages``, ``away``) and A's ``guests``, never A's.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from bot.db import Database
from bot.repo import aggregates as agg
from bot.repo import hotline as hotline_repo
from bot.repo import orgs as org_repo
from bot.repo.orgs import Org
from bot.services import report_people as rp
from bot.services.report_months import month_bounds, month_days, month_ru, shift_month
from bot.services.report_people import ClassLine, OrgChats, People, Snapshot, TypeCoverage, total
from bot.texts import reports as t

__all__ = [
    "ChatLine", "ClassDetail", "ClassLine", "Flow", "ModerationFigures", "MonthPoint", "OrgChats", "OrgNode",
    "People", "PersonLine", "SchoolOverview", "SchoolRow", "TerritoryView", "TypeCoverage", "class_detail",
    "school_overview", "territory_children", "territory_schools",
]

TREND_MONTHS = 12
STALE_SECONDS = 3600
COMPUTE_BATCH = 50  # orgs whose roster side is computed at once  # a territory view recomputes a running month's roster side older than this
MEASURES = ("delete", "warn", "mute", "remove", "quarantine", "admit", "unwarn", "unmute", "false_positive",
            "private_alert", "delete_failed")


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """Activity exchanged with another org (``org_id`` None: authors on nobody's lists)."""

    org_id: int | None
    org_name: str
    people: int
    messages: int
    actions: int


@dataclass(frozen=True)
class ChatLine:
    chat_id: int
    type: str  # '' when the chat has no type
    title: str
    messages: int  # messages that stayed, whoever wrote them
    actions: int  # votes, confirmations, button presses
    guest_messages: int  # ... of which by people credited to other orgs or unknown

    @property
    def silent(self) -> bool:
        return self.messages == 0


@dataclass(frozen=True)
class ModerationFigures:
    """Violations by policy (what rule was broken) and measures taken (what was done), from the
    violation records and the audit log of the org's chats in the month. ids -> Russian via
    ``t.POLICIES_RU`` / ``t.MEASURES_RU``; ``items_ru`` gives them translated."""

    by_policy: dict[str, int] = field(default_factory=dict)
    by_measure: dict[str, int] = field(default_factory=dict)

    @property
    def violations(self) -> int:
        return sum(self.by_policy.values())

    def policies_ru(self) -> list[tuple[str, int]]:
        return [(t.POLICIES_RU.get(k, k), v) for k, v in sorted(self.by_policy.items(), key=lambda kv: (-kv[1], kv[0]))]

    def measures_ru(self) -> list[tuple[str, int]]:
        order = {m: i for i, m in enumerate(MEASURES)}
        return [(t.MEASURES_RU.get(k, k), v) for k, v in sorted(self.by_measure.items(), key=lambda kv: order.get(kv[0], 99))]


@dataclass(frozen=True)
class MonthPoint:
    month: str
    credited_messages: int
    active: int  # people credited to the org(s), active in the month
    in_chats: int | None  # from the month's roster snapshot, None when none was taken


@dataclass(frozen=True)
class HotlineFigures:
    """A school's hot line in the month (questions asked in it; bot/services/hotline.py)."""

    asked: int
    answered: int
    mean_seconds: float | None  # from question to answer, over the answered ones
    waiting: int  # still without an answer

    @property
    def mean_minutes(self) -> int | None:
        return None if self.mean_seconds is None else int(round(self.mean_seconds / 60))


@dataclass(frozen=True)
class SchoolOverview:
    org_id: int
    code: str
    name: str
    municipality: str | None
    month: str
    period: str  # «октябрь 2026»
    final: bool  # the month is over in the school's time zone: figures will not change
    taken_at: int  # when the roster side (people, coverage, classes) was read
    org: OrgChats  # chats, classes, classes with both a parents' and a students' chat
    people: dict[str, People]  # "student" | "parent" | "staff"
    coverage: list[TypeCoverage]  # per chat type
    classes: list[ClassLine]
    chats: list[ChatLine]
    messages_in_chats: int  # messages that stayed in this org's chats, whoever wrote them
    own_messages: int  # ... credited to this org
    guest_messages: int  # ... credited to other orgs (guests)
    unknown_messages: int  # ... by authors on nobody's lists
    actions_in_chats: int
    credited_messages: int  # credited to this org, in any org's chats
    credited_actions: int
    away_messages: int  # ... of which in other orgs' chats
    guests: list[Flow]
    away: list[Flow]
    moderation: ModerationFigures
    daily: dict[str, dict[str, int]]  # ISO day -> chat type -> messages in this org's chats
    trend: list[MonthPoint]  # oldest first, ending with ``month``
    silent_ids: list[int]  # person ids: in chats, not active (a closed month: by today's membership)
    hotline: HotlineFigures | None = None  # a school's hot line (None for a territory)

    @property
    def total(self) -> People:
        return total(self.people)

    @property
    def classes_without_chats(self) -> list[ClassLine]:
        return [c for c in self.classes if not (c.has_parents_chat and c.has_students_chat)]

    @property
    def not_on_platform_by_class(self) -> list[ClassLine]:
        return [c for c in self.classes if c.students_not_on_platform or c.parents_not_on_platform]

    @property
    def silent_chats(self) -> list[ChatLine]:
        return [c for c in self.chats if c.silent]

    @property
    def chats_by_type(self) -> dict[str, int]:
        return {c.chat_type: c.chats for c in self.coverage if c.chats}


@dataclass(frozen=True)
class SchoolRow:
    """One school of a territory. ``coverage`` = people in chats / roster; ``activity`` = active / roster."""

    org_id: int
    code: str
    name: str
    parent_id: int | None
    municipality: str
    final: bool
    org: OrgChats
    people: dict[str, People]
    coverage_by_type: list[TypeCoverage]  # empty in a territory view (see AreaTotals; school_overview has them)
    messages_in_chats: int
    own_messages: int
    guest_messages: int  # in its chats, credited to other orgs
    unknown_messages: int
    credited_messages: int  # credited to it anywhere (guests' activity goes to their home school)
    away_messages: int
    silent_chats: int
    violations: int
    prev_credited_messages: int
    prev_active: int
    prev_in_chats: int | None
    rank: int = 0

    @cached_property
    def total(self) -> People:
        return total(self.people)

    @property
    def coverage(self) -> float | None:
        tot = self.total
        return tot.in_chats / tot.roster if tot.roster else None

    @property
    def activity(self) -> float | None:
        tot = self.total
        return tot.active / tot.roster if tot.roster else None

    @property
    def messages_delta(self) -> int:
        return self.credited_messages - self.prev_credited_messages

    @property
    def active_delta(self) -> int:
        return self.total.active - self.prev_active


@dataclass(frozen=True)
class AreaTotals:
    """Sums over a group of schools (a municipality, or the whole territory)."""

    org_id: int | None
    name: str
    schools: int
    org: OrgChats
    people: dict[str, People]
    coverage_by_type: list[TypeCoverage]
    messages_in_chats: int
    credited_messages: int
    guest_messages: int
    unknown_messages: int
    away_messages: int
    silent_chats: int
    violations: int

    @cached_property
    def total(self) -> People:
        return total(self.people)

    @property
    def coverage(self) -> float | None:
        tot = self.total
        return tot.in_chats / tot.roster if tot.roster else None

    @property
    def activity(self) -> float | None:
        tot = self.total
        return tot.active / tot.roster if tot.roster else None


@dataclass(frozen=True)
class TerritoryView:
    org_id: int
    code: str
    name: str
    kind: str  # municipality | region
    month: str
    period: str
    final: bool
    schools: list[SchoolRow]  # ranked: coverage, then activity, then credited messages (rank 1 first)
    municipalities: list[AreaTotals]  # region: one per municipality; municipality: empty
    totals: AreaTotals
    outside_messages: int  # in the territory's chats, credited to orgs outside it or to nobody
    daily: dict[str, dict[str, int]]
    trend: list[MonthPoint]


@dataclass(frozen=True)
class OrgNode:
    org_id: int
    code: str
    name: str
    kind: str  # municipality | school | other
    schools: int  # schools and other orgs beneath (itself included)


@dataclass(frozen=True)
class PersonLine:
    person_id: int
    name: str
    kind: str  # student | parent
    linked: bool
    in_chats: bool  # a member of at least one chat (any org)
    active: bool  # active in the month (credited to the school)
    messages: int
    child_id: int | None = None  # parents: the child in this class


@dataclass(frozen=True)
class ClassDetail:
    org_id: int
    class_id: int
    label: str
    month: str
    period: str
    line: ClassLine
    students: list[PersonLine]
    parents: list[PersonLine]
    chats: list[ChatLine]  # the school's chats of this class


# -- the API ----------------------------------------------------------------------------------


def _final(org: Org, month: str, now: float) -> bool:
    return month_bounds(month, org.timezone)[1] <= now


async def snapshots(db: Database, orgs: list[Org], month: str, now: float, *, max_age: float | None,
                    light: bool = False) -> dict[int, Snapshot]:
    """The roster side of ``month`` for each org: stored if final (or younger than ``max_age``
    seconds), else computed now (and stored: final once the month is over). ``light``: stored
    ones are read without their coverage per chat type and chat list (a region's page)."""
    ids = [o.id for o in orgs]
    stored = await rp.load(db, ids, [month], light=light)
    out: dict[int, Snapshot] = {}
    todo: list[Org] = []
    for org in orgs:
        snap = stored.get((month, org.id))
        fresh_enough = max_age is not None and now - snap.taken_at < max_age if snap is not None else False
        if snap is not None and (snap.final or (fresh_enough and not _final(org, month, now))):
            out[org.id] = snap
        else:
            todo.append(org)
    for start in range(0, len(todo), COMPUTE_BATCH):  # batches: the event loop is never held long
        batch = todo[start:start + COMPUTE_BATCH]
        fresh = await rp.compute(db, [o.id for o in batch], month, now=int(now),
                                 final={o.id: _final(o, month, now) for o in batch})
        await rp.store(db, list(fresh.values()))
        out.update(fresh)
    return out


async def _flows(db: Database, ids: list[int], month: str) -> tuple[list[tuple], list[tuple]]:
    return await agg.flows_in_chats(db, ids, [month]), await agg.flows_credited(db, ids, [month])


async def _moderation(db: Database, orgs: list[Org], month: str) -> dict[int, ModerationFigures]:
    out = {o.id: ModerationFigures() for o in orgs}
    by_tz: dict[str, list[int]] = defaultdict(list)
    for org in orgs:
        by_tz[org.timezone].append(org.id)
    for tz, ids in by_tz.items():
        start, end = month_bounds(month, tz)
        for org_id, policy, count in await agg.violations_by_policy(db, ids, start, end):
            out[org_id].by_policy[policy] = out[org_id].by_policy.get(policy, 0) + count
        for org_id, action, _policy, count in await agg.moderation_measures(db, ids, start, end):
            if action in MEASURES:
                out[org_id].by_measure[action] = out[org_id].by_measure.get(action, 0) + count
    return out


async def _trend(db: Database, ids: list[int], month: str) -> list[MonthPoint]:
    months = [shift_month(month, -k) for k in range(TREND_MONTHS - 1, -1, -1)]
    messages = await agg.credited_by_month(db, ids, months)
    active = await agg.active_by_month(db, ids, months)
    in_chats = await agg.in_chats_by_month(db, ids, months)
    first = next((m for m in months if messages.get(m) or active.get(m) or m in in_chats), month)
    return [MonthPoint(m, messages.get(m, 0), active.get(m, 0), in_chats.get(m)) for m in months if m >= first]


async def _daily(db: Database, ids: list[int], month: str) -> dict[str, dict[str, int]]:
    first, after = (d.isoformat() for d in month_days(month))
    daily: dict[str, dict[str, int]] = {}
    for day, type_, messages in await agg.daily(db, ids, first, after):
        daily.setdefault(day, {})[type_ or "other"] = messages
    return daily


async def _names(db: Database, ids: set[int | None]) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: t.UNKNOWN_AUTHORS, 0: t.UNKNOWN_AUTHORS}
    found = await agg.org_names(db, sorted(i for i in ids if i))
    names.update({k: v[0] for k, v in found.items()})
    return names


async def school_overview(db: Database, org_id: int, month: str, *, now: float | None = None) -> SchoolOverview:
    """Everything about one school's (or other organisation's) month. Raises LookupError if no org."""
    now = time.time() if now is None else now
    org = await org_repo.get(db, org_id)
    if org is None:
        raise LookupError(f"no org {org_id}")
    final = _final(org, month, now)
    snap = (await snapshots(db, [org], month, now, max_age=None))[org.id]
    classes, silent_ids = snap.classes, snap.silent_ids
    if not classes and not silent_ids:
        # a stored (frozen) snapshot keeps counts only: class lines and the names of silent
        # members are read as the roster is now (against the month's stored activity)
        live = (await rp.compute(db, [org.id], month, now=int(now)))[org.id]
        classes, silent_ids = live.classes, live.silent_ids
    chat_rows = await agg.chats_by_id(db, snap.chat_ids)  # the chats as the month ended (or now)
    by_chat = {chat_id: (m, a, g) for _, chat_id, m, a, g in await agg.chats(db, [org.id], month)}
    chats = [ChatLine(cid, type_ or "", title, *by_chat.get(cid, (0, 0, 0))) for cid, _, type_, _, title in chat_rows]
    in_chats, credited = await _flows(db, [org.id], month)
    own = guest = unknown = messages = actions = 0
    guests: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for _, _, _, cred, msgs, acts, _, _ in in_chats:
        messages += msgs
        actions += acts
        if cred == org.id:
            own += msgs
        else:
            if cred == 0:
                unknown += msgs
            else:
                guest += msgs
            guests[cred][0] += msgs
            guests[cred][1] += acts
    away: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    credited_messages = credited_actions = 0
    for _, chat_org, _, _, msgs, acts, _, _ in credited:
        credited_messages += msgs
        credited_actions += acts
        if chat_org != org.id:
            away[chat_org][0] += msgs
            away[chat_org][1] += acts
    people_of = await _flow_people(db, org.id, month)
    wanted: set[int | None] = {*guests, *away, org.parent_id}
    names = await _names(db, wanted)
    guest_flows = sorted((Flow(k or None, names.get(k, "?"), people_of[0].get(k, 0), v[0], v[1])
                          for k, v in guests.items() if v[0] or v[1]),
                         key=lambda f: (f.org_id is None, -f.messages, f.org_name))
    away_flows = sorted((Flow(k, names.get(k, "?"), people_of[1].get(k, 0), v[0], v[1])
                         for k, v in away.items() if v[0] or v[1]), key=lambda f: (-f.messages, f.org_name))
    moderation = (await _moderation(db, [org], month))[org.id]
    municipality = names.get(org.parent_id) if org.parent_id else None
    hotline = None
    if org.kind == "school":
        start, end = month_bounds(month, org.timezone)
        hotline = HotlineFigures(*await hotline_repo.stats(db, org.id, start, end))
    return SchoolOverview(
        org.id, org.code, org.name, municipality, month, month_ru(month), final, snap.taken_at, snap.org,
        snap.people, snap.coverage, classes, chats, messages, own, guest, unknown, actions, credited_messages,
        credited_actions, sum(v[0] for v in away.values()),
        guest_flows, away_flows, moderation, await _daily(db, [org.id], month), await _trend(db, [org.id], month),
        silent_ids, hotline)


async def _flow_people(db: Database, org_id: int, month: str) -> tuple[dict[int, int], dict[int, int]]:
    """Distinct people per guest org in the school's chats, and of the school in other orgs' chats.
    Read from the day rows of one school (small): the aggregates keep no per-person-per-chat rows."""
    from bot.repo import activity as activity_repo

    first, after = (d.isoformat() for d in month_days(month))
    guests = {credited or 0: people for chat_org, credited, people in
              await activity_repo.guest_people(db, [org_id], first, after) if (credited or 0) != chat_org}
    away = {chat_org: people for credited, chat_org, _, _, people in
            await activity_repo.credited_activity(db, [org_id], first, after) if chat_org != credited}
    return guests, away


async def territory_schools(db: Database, org_id: int, month: str, *, now: float | None = None,
                            daily: bool = True) -> TerritoryView:
    """A municipality's or region's schools for ``month``, ranked, with month-over-month deltas and
    per-municipality totals (region). ``daily=False`` leaves the day-by-day chart data out (a page
    that shows no chart: the largest read of a region). Raises LookupError if no org."""
    now = time.time() if now is None else now
    org = await org_repo.get(db, org_id)
    if org is None:
        raise LookupError(f"no org {org_id}")
    members = [o for o in await org_repo.descendants(db, org.id) if o.kind in ("school", "other")]
    ids = [o.id for o in members]
    snaps = await snapshots(db, members, month, now, max_age=STALE_SECONDS, light=True)
    # coverage per chat type summed in SQL per municipality (the page lists no school's types)
    coverage_of: dict[int | None, dict[str, list[int]]] = defaultdict(dict)
    for parent, type_, chats_, eligible, inside in await agg.coverage_by_parent(db, ids, month):
        line = coverage_of[parent].setdefault(type_, [0, 0, 0])
        line[0] += chats_
        line[1] += eligible
        line[2] += inside
    prev_month = shift_month(month, -1)
    prev = await rp.load(db, ids, [prev_month])
    in_chats = await agg.sums_in_chats(db, ids, month)
    credited = await agg.sums_credited(db, ids, month)
    prev_credited = await agg.credited_messages(db, ids, prev_month)
    live_active: dict[int, dict[str, int]] = defaultdict(dict)
    prev_active: dict[int, int] = defaultdict(int)
    for m, oid, kind, people in await agg.active_counts(db, ids, [month, prev_month]):
        if m == month:
            live_active[oid][kind] = people
        else:
            prev_active[oid] += people
    speaking = await agg.speaking_chats(db, ids, month)
    moderation = await _moderation(db, members, month)
    in_area = set(ids)
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    outside = 0
    for chat_org, cred, msgs, _ in in_chats:
        s = sums[chat_org]
        s["in_chats"] += msgs
        if cred == chat_org:
            s["own"] += msgs
        elif cred == 0:
            s["unknown"] += msgs
        else:
            s["guest"] += msgs
        if cred not in in_area:
            outside += msgs
    for cred, chat_org, msgs, _ in credited:
        sums[cred]["credited"] += msgs
        if chat_org != cred:
            sums[cred]["away"] += msgs
    for cred, msgs in prev_credited.items():
        sums[cred]["prev_credited"] += msgs
    parents = await agg.org_names(db, sorted({o.parent_id for o in members if o.parent_id}))
    rows: list[SchoolRow] = []
    for o in members:
        snap = snaps[o.id]
        people = dict(snap.people)
        if not snap.final:  # active people are counted live; the rest as of the snapshot
            people = {k: _with_active(p, live_active[o.id].get(k, 0)) for k, p in people.items()}
        s = sums[o.id]
        p = prev.get((prev_month, o.id))
        rows.append(SchoolRow(
            o.id, o.code, o.name, o.parent_id, parents.get(o.parent_id, ("",))[0] if o.parent_id else "",
            snap.final, snap.org, people, [], s["in_chats"], s["own"], s["guest"], s["unknown"],
            s["credited"], s["away"], snap.org.chats - speaking.get(o.id, 0), moderation[o.id].violations,
            s["prev_credited"], prev_active[o.id], total(p.people).in_chats if p is not None else None))
    ranked = sorted(rows, key=lambda r: (-(r.coverage or 0), -(r.activity or 0), -r.credited_messages, r.name))
    for i, r in enumerate(ranked):
        object.__setattr__(r, "rank", i + 1)  # set once, before anyone sees the row
    munis: list[AreaTotals] = []
    if org.kind == "region":
        groups: dict[int | None, list[SchoolRow]] = defaultdict(list)
        for r in ranked:
            groups[r.parent_id].append(r)
        munis = sorted((_area(pid, parents.get(pid, ("?",))[0] if pid else "?", rs, [coverage_of.get(pid, {})])
                        for pid, rs in groups.items()), key=lambda a: a.name)
    return TerritoryView(
        org.id, org.code, org.name, org.kind, month, month_ru(month), all(r.final for r in rows), ranked, munis,
        _area(org.id, org.name, ranked, list(coverage_of.values())), outside, await _daily(db, ids, month) if daily else {},
        await _trend(db, ids, month))


def _with_active(p: People, active: int) -> People:
    return People(p.roster, p.linked, p.in_chats, active, p.silent)


def _area(org_id: int | None, name: str, rows: list[SchoolRow], groups: list[dict[str, list[int]]]) -> AreaTotals:
    people = {k: rp.sum_people(r.people.get(k, _NOBODY) for r in rows) for k in rp.KINDS}
    coverage: dict[str, list[int]] = {}
    for group in groups:
        for type_, (chats_, eligible, inside) in group.items():
            line = coverage.setdefault(type_, [0, 0, 0])
            line[0] += chats_
            line[1] += eligible
            line[2] += inside
    org = OrgChats()
    totals = [0] * 7
    for r in rows:
        o = r.org
        org.chats += o.chats
        org.classes += o.classes
        org.with_parents += o.with_parents
        org.with_students += o.with_students
        org.with_both += o.with_both
        totals[0] += r.messages_in_chats
        totals[1] += r.credited_messages
        totals[2] += r.guest_messages
        totals[3] += r.unknown_messages
        totals[4] += r.away_messages
        totals[5] += r.silent_chats
        totals[6] += r.violations
    order = {t_: i for i, t_ in enumerate(rp.TYPE_ORDER)}
    by_type = [TypeCoverage(k, *v) for k, v in sorted(coverage.items(), key=lambda kv: order.get(kv[0], 99))]
    return AreaTotals(org_id, name, len(rows), org, people, by_type, *totals)


_NOBODY = People()


async def territory_children(db: Database, org_id: int) -> list[OrgNode]:
    """The direct children of a region (municipalities, schools) or a municipality (schools), by name."""
    return [OrgNode(oid, code, name, kind, schools) for oid, code, name, kind, schools in await agg.children(db, org_id)]


async def class_detail(db: Database, org_id: int, class_id: int, month: str, *, now: float | None = None
                       ) -> ClassDetail:
    """A class of a school: its students and their parents (linked, in chats, active) and its chats.
    Raises LookupError if the class is not the school's."""
    now = time.time() if now is None else now
    classes = {cid: (grade, letter) for cid, oid, grade, letter in await agg.org_classes(db, [org_id])}
    if class_id not in classes:
        raise LookupError(f"no class {class_id} in org {org_id}")
    snap = (await rp.compute(db, [org_id], month, now=int(now)))[org_id]
    line = next(c for c in snap.classes if c.class_id == class_id)
    rows = await agg.class_people(db, class_id)
    vk_ids = [r[3] for r in rows if r[3] is not None]
    inside = {vk for vk, _ in await agg.member_chats_of(db, vk_ids)}
    activity = {pid: m + a for _, pid, _, m, a in await agg.active_persons(db, [org_id], month)}
    messages = {pid: m for _, pid, _, m, _ in await agg.active_persons(db, [org_id], month)}
    people = [PersonLine(pid, name, kind, vk is not None, vk in inside, pid in activity, messages.get(pid, 0), child)
              for pid, kind, name, vk, child in rows]
    by_chat = {cid: (m, a, g) for _, cid, m, a, g in await agg.chats(db, [org_id], month)}
    chats = [ChatLine(cid, type_ or "", title, *by_chat.get(cid, (0, 0, 0)))
             for cid, _, type_, cls, title in await agg.org_chats(db, [org_id]) if cls == class_id]
    return ClassDetail(org_id, class_id, line.label, month, month_ru(month), line,
                       sorted((p for p in people if p.kind == "student"), key=lambda p: p.name),
                       sorted((p for p in people if p.kind == "parent"), key=lambda p: p.name), chats)
