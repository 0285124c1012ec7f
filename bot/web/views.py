"""What each page of the cabinet shows, as sections of tables and charts. Every figure comes from the
report read API (``bot.services.report_views``: pre-aggregated tables, the same numbers and column
names as /отчёт and its XLSX/CSV); this module only arranges them, and a download takes the very
same table the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from bot.db import Database
from bot.repo import orgs as org_repo
from bot.repo import reach as reach_repo
from bot.repo import web as web_repo
from bot.repo.orgs import Org
from bot.services import report_views as rv
from bot.services.report_people import KINDS
from bot.services.report_months import month_bounds, month_days, month_ru, period_ru
from bot.texts import cabinet as t
from bot.texts import reports as rt
from bot.web.svg import bar_chart
from bot.web.tables import Table

_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}
ALL = "all"  # the download of every table of a page at once
GLOSSARY = list(rt.GLOSSARY.values())  # (label, what it means): shown under every page


@dataclass
class Section:
    title: str
    table: Table | None = None
    chart: Markup | None = None
    note: str | None = None


@dataclass
class Page:
    org: Org
    month: str
    final: bool
    crumbs: list[tuple[str, str]]  # (name, address) from the top down to this page
    sections: list[Section] = field(default_factory=list)
    heading: str = ""

    @property
    def period(self) -> str:
        return period_ru(self.month, self.org.timezone)

    def table(self, key: str) -> Table | None:
        if key == ALL:
            return self.everything()
        return next((s.table for s in self.sections if s.table is not None and s.table.key == key), None)

    def tables(self) -> list[Table]:
        return [s.table for s in self.sections if s.table is not None]

    def everything(self) -> Table:
        """Every table of the page, one sheet each, and the glossary (the «all» download)."""
        glossary = Table("glossary", rt.SHEET_GLOSSARY, list(rt.GLOSSARY_HEAD),
                         [[label, text] for label, text in rt.GLOSSARY.values()])
        return Table(ALL, self.heading, [], sheets=[*self.tables(), glossary])


def month_label(month: str) -> str:
    return month_ru(month)


def short_month(month: str) -> str:
    return f"{rt.MONTHS_RU[int(month[5:]) - 1][:3]} {month[2:4]}"


def local_time(ts: int, tz: str) -> str:
    return datetime.fromtimestamp(ts, ZoneInfo(tz)).strftime("%d.%m.%Y %H:%M")


def share(value: float | None) -> str:
    return f"{round(100 * value)}%" if value is not None else "—"


async def crumbs_of(db: Database, org: Org) -> list[tuple[str, str]]:
    chain = [org]
    for parent_id in await org_repo.ancestors(db, org.id):
        parent = await org_repo.get(db, parent_id)
        if parent is not None:
            chain.append(parent)
    return [(o.name, f"/org/{o.id}") for o in reversed(chain)]


def _people(key: str, title: str, people: dict[str, rv.People]) -> Table:
    table = Table(key, title, list(rt.HEAD_PEOPLE))
    # the kinds in the order of /отчёт and its files (students, parents, staff), not the query's
    for kind, p in sorted(people.items(), key=lambda item: (_KIND_ORDER.get(item[0], len(_KIND_ORDER)), item[0])):
        table.rows.append([rt.KINDS_RU.get(kind, kind).capitalize(), p.roster, p.not_on_platform, p.linked,
                           p.in_chats, p.linked_not_in_chats, p.active, p.silent])
    total = rv.People()
    for p in people.values():
        total = total + p
    table.rows.append([rt.TOTAL_ROW, total.roster, total.not_on_platform, total.linked, total.in_chats,
                       total.linked_not_in_chats, total.active, total.silent])
    return table


def _coverage(coverage: list[rv.TypeCoverage]) -> Table:
    table = Table("coverage", t.CHATS_BY_TYPE, list(rt.HEAD_COVERAGE), empty=t.NOBODY)
    for c in coverage:
        if c.chats or c.eligible:
            table.rows.append([rt.CHAT_TYPES_RU.get(c.chat_type, c.chat_type), c.chats, c.eligible, c.in_chats,
                               share(c.share)])
    return table


def _trend(points: list[rv.MonthPoint]) -> Section:
    table = Table("trend", t.TREND, list(t.HEAD_TREND))
    previous: int | None = None
    for point in points:
        # a number, not «+3» text: the files keep it numeric (and a CSV cell starting with + or -
        # would be read as a formula, so text like that is quoted)
        change: int | str = "—" if previous is None else point.credited_messages - previous
        table.rows.append([month_ru(point.month), point.credited_messages, change, point.active,
                           point.in_chats if point.in_chats is not None else "—"])
        previous = point.credited_messages
    chart = bar_chart(t.TREND_CHART, [short_month(p.month) for p in points],
                      [p.credited_messages for p in points])
    return Section(t.TREND, table, chart)


def _daily_chart(daily: dict[str, dict[str, int]], month: str) -> Markup:
    first, after = month_days(month)
    days = [first.fromordinal(n) for n in range(first.toordinal(), after.toordinal())]
    values = [sum(daily.get(day.isoformat(), {}).values()) for day in days]
    return bar_chart(t.DAILY_CHART.format(month=month_ru(month)), [str(day.day) for day in days], values)


# -- a school ------------------------------------------------------------------------------------


async def school_page(db: Database, org: Org, month: str, *, show_moderation: bool, show_names: bool,
                      now: float) -> Page:
    view = await rv.school_overview(db, org.id, month, now=now)
    page = Page(org, month, view.final, await crumbs_of(db, org), heading=f"{view.name} ({view.code})")
    page.sections.append(Section(t.SCHOOL_SUMMARY, _people("people", t.SCHOOL_SUMMARY, view.people)))
    page.sections.append(Section(t.MESSAGES, _messages(view), _daily_chart(view.daily, month)))
    page.sections.append(Section(t.CHATS_BY_TYPE, _coverage(view.coverage)))
    page.sections.append(Section(t.CLASSES_WITHOUT_CHATS, _classes_without_chats(org, view)))
    page.sections.append(Section(t.NOT_ON_PLATFORM, _classes(org, view)))
    page.sections.append(await _unreachable(db, org, view, show_names))
    page.sections.append(Section(t.CHATS, _chats(view.chats)))
    page.sections.append(Section(t.GUESTS, _flows("guests", t.GUESTS, view.guests)))
    page.sections.append(Section(t.AWAY, _flows("away", t.AWAY, view.away)))
    page.sections.append(Section(t.MODERATION, _moderation(view.moderation)))
    if view.hotline is not None:
        page.sections.append(Section(t.HOTLINE, _hotline(view.hotline)))
    if show_moderation:
        page.sections.append(Section(t.OPEN_ALERTS, await _open_alerts(db, org)))
        page.sections.append(Section(t.MODERATION_LOG, await _moderation_log(db, org, month)))
    page.sections.append(_trend(view.trend))
    return page


def _hotline(h: rv.HotlineFigures) -> Table:
    table = Table("hotline", t.HOTLINE, list(rt.HEAD_METRIC))
    for key, value in (("hotline_asked", h.asked), ("hotline_answered", h.answered),
                       ("hotline_minutes", h.mean_minutes), ("hotline_waiting", h.waiting)):
        table.rows.append([rt.GLOSSARY[key][0], "—" if value is None else value])
    return table


def _messages(view: rv.SchoolOverview) -> Table:
    table = Table("messages", t.MESSAGES, list(rt.HEAD_METRIC))
    for key, value in (("messages_in_chats", view.messages_in_chats), ("own_messages", view.own_messages),
                       ("guest_messages", view.guest_messages), ("unknown_messages", view.unknown_messages),
                       ("actions", view.actions_in_chats), ("credited_messages", view.credited_messages),
                       ("away_messages", view.away_messages)):
        table.rows.append([rt.GLOSSARY[key][0], value])
    return table


def _classes_without_chats(org: Org, view: rv.SchoolOverview) -> Table:
    table = Table("no-chats", t.CLASSES_WITHOUT_CHATS, list(t.HEAD_NO_CHATS),
                  empty=t.ALL_CLASSES_HAVE_CHATS)
    for line in view.classes_without_chats:
        table.links[len(table.rows)] = f"/org/{org.id}/class/{line.class_id}"
        table.rows.append([line.label, rt.YES if line.has_parents_chat else rt.NO,
                           rt.YES if line.has_students_chat else rt.NO])
    return table


def _classes(org: Org, view: rv.SchoolOverview) -> Table:
    table = Table("classes", t.NOT_ON_PLATFORM, list(rt.HEAD_CLASSES), empty=t.NOBODY)
    for line in view.classes:
        table.links[len(table.rows)] = f"/org/{org.id}/class/{line.class_id}"
        table.rows.append([line.label, line.students, line.students_not_on_platform, line.students_in_chats,
                           line.parents, line.parents_not_on_platform, line.parents_in_chats,
                           rt.YES if line.has_parents_chat else rt.NO, rt.YES if line.has_students_chat else rt.NO])
    return table


async def _unreachable(db: Database, org: Org, view: rv.SchoolOverview, show_names: bool) -> Section:
    """Staff VK will not deliver the bot's messages to (they never allowed the community to write),
    and staff who never linked VK at all: alerts and reports cannot reach either."""
    staff = view.people.get("staff", rv.People())
    notes = [t.STAFF_NOT_LINKED.format(count=staff.not_on_platform)] if staff.not_on_platform else []
    found = await reach_repo.unreachable_staff(db, org.id)
    if not show_names:
        notes.append(t.STAFF_UNREACHABLE_COUNT.format(count=len(found)))
        return Section(t.UNREACHABLE_STAFF, note=" ".join(notes))
    table = Table("unreachable", t.UNREACHABLE_STAFF, list(t.HEAD_NAME), empty=t.NOBODY)
    for _, name, _ in found:
        table.rows.append([name])
    return Section(t.UNREACHABLE_STAFF, table, note=" ".join(notes) or None)


def _chats(chats: list[rv.ChatLine]) -> Table:
    table = Table("chats", t.CHATS, list(rt.HEAD_CHATS), empty=t.NOBODY)
    for chat in chats:
        table.rows.append([chat.title, rt.CHAT_TYPES_RU.get(chat.type or "other", chat.type), chat.messages,
                           chat.actions, chat.guest_messages, rt.YES if chat.silent else rt.NO])
    return table


def _flows(key: str, title: str, flows: list[rv.Flow]) -> Table:
    table = Table(key, title, list(rt.HEAD_FLOW), empty=t.NOBODY)
    for flow in flows:
        table.rows.append([flow.org_name, flow.people, flow.messages, flow.actions])
    return table


def _moderation(figures: rv.ModerationFigures) -> Table:
    table = Table("moderation", t.MODERATION, list(rt.HEAD_MODERATION), empty=t.NOBODY)
    for name, count in figures.policies_ru():
        table.rows.append([rt.MOD_POLICY, name, count])
    for name, count in figures.measures_ru():
        table.rows.append([rt.MOD_MEASURE, name, count])
    return table


async def _open_alerts(db: Database, org: Org) -> Table:
    table = Table("alerts", t.OPEN_ALERTS, list(t.HEAD_ALERTS), empty=t.NOBODY)
    for alert in await web_repo.open_alerts(db, org.id):
        table.rows.append([local_time(alert.created_at, org.timezone), t.ALERT_KINDS.get(alert.kind, alert.kind),
                           alert.chat_title or ""])
    return table


async def _moderation_log(db: Database, org: Org, month: str) -> Table:
    start, end = month_bounds(month, org.timezone)
    table = Table("log", t.MODERATION_LOG, list(t.HEAD_LOG), empty=t.NOBODY)
    for entry in await web_repo.moderation_log(db, org.id, start, end):
        table.rows.append([local_time(entry.created_at, org.timezone), rt.MEASURES_RU.get(entry.action, entry.action),
                           rt.POLICIES_RU.get(entry.policy, entry.policy) if entry.policy else "",
                           entry.chat_title or "", t.BY_BOT if entry.by_bot else t.BY_MODERATOR])
    return table


# -- a municipality or a region ------------------------------------------------------------------


async def area_page(db: Database, org: Org, month: str, *, now: float) -> Page:
    # a region's day-by-day chart sums every school's days (the biggest read of the page: ~0.1 s of
    # 1,500 schools); the page stays under its 300 ms without it (the trend is by month; the day by
    # day is in each municipality's page and in /отчёт's files)
    daily = org.kind != "region"
    view = await rv.territory_schools(db, org.id, month, now=now, daily=daily)
    page = Page(org, month, view.final, await crumbs_of(db, org), heading=view.name)
    page.sections.append(Section(t.AREA_SUMMARY, _people("people", t.AREA_SUMMARY, view.totals.people)))
    if org.kind == "region":
        page.sections.append(Section(t.AREA_MUNICIPALITIES, _municipalities(view)))
    page.sections.append(Section(t.AREA_SCHOOLS, _schools(view)))
    if daily:
        page.sections.append(Section(t.DAILY, chart=_daily_chart(view.daily, month)))
    page.sections.append(Section(t.AREA_GUESTS, _credited_home(view)))
    page.sections.append(Section(t.CHATS_BY_TYPE, _coverage(view.totals.coverage_by_type)))
    page.sections.append(_trend(view.trend))
    return page


def _municipalities(view: rv.TerritoryView) -> Table:
    table = Table("municipalities", t.AREA_MUNICIPALITIES,
                  list(t.HEAD_MUNIS), empty=t.NOBODY)
    for area in view.municipalities:
        if area.org_id is not None:
            table.links[len(table.rows)] = f"/org/{area.org_id}"
        total = area.total
        table.rows.append([area.name, area.schools, total.roster, total.not_on_platform, share(area.coverage),
                           share(area.activity), area.credited_messages])
    return table


def _schools(view: rv.TerritoryView) -> Table:
    region = view.kind == "region"
    headers = [h for h in t.HEAD_SCHOOLS if region or h != t.MUNICIPALITY]
    table = Table("schools", t.AREA_SCHOOLS, headers, empty=t.NOBODY, link_col=1)
    for row in view.schools:
        total = row.total
        table.links[len(table.rows)] = f"/org/{row.org_id}"
        table.rows.append([row.rank, row.name, *([row.municipality] if region else []), total.roster,
                           total.not_on_platform, share(row.coverage), share(row.activity), row.credited_messages,
                           row.messages_delta])
    return table


def _credited_home(view: rv.TerritoryView) -> Table:
    table = Table("guests", t.AREA_GUESTS, list(t.HEAD_CREDITED_HOME), empty=t.NOBODY)
    for row in sorted(view.schools, key=lambda r: (-r.away_messages, -r.guest_messages, r.name)):
        if row.away_messages or row.guest_messages:
            table.rows.append([row.name, row.credited_messages, row.away_messages, row.guest_messages])
    return table


# -- a class --------------------------------------------------------------------------------------


async def class_page(db: Database, org: Org, class_id: int, month: str, *, show_names: bool, now: float) -> Page:
    detail = await rv.class_detail(db, org.id, class_id, month, now=now)
    title = t.CLASS_TITLE.format(name=detail.label)
    page = Page(org, month, month_bounds(month, org.timezone)[1] <= now,
                [*await crumbs_of(db, org), (title, f"/org/{org.id}/class/{class_id}")],
                heading=f"{title} — {org.name}")
    line = detail.line
    counts = Table("class-people", t.CLASS_PEOPLE, list(t.HEAD_CLASS_PEOPLE))
    for kind, people in (("student", detail.students), ("parent", detail.parents)):
        total = line.students if kind == "student" else line.parents
        linked = line.students_linked if kind == "student" else line.parents_linked
        inside = line.students_in_chats if kind == "student" else line.parents_in_chats
        counts.rows.append([rt.KINDS_RU[kind].capitalize(), total, total - linked, linked, inside,
                            sum(p.active for p in people)])
    page.sections.append(Section(counts.title, counts))
    page.sections.append(Section(t.CLASS_CHATS, _chats(detail.chats)))
    if show_names:
        names = Table("class-names", t.CLASS_NAMES, list(t.HEAD_CLASS_NAMES), empty=t.NOBODY)
        for person in [*detail.students, *detail.parents]:
            names.rows.append([person.name, rt.KIND_ONE_RU.get(person.kind, person.kind),
                               rt.YES if person.linked else rt.NO, rt.YES if person.in_chats else rt.NO,
                               rt.YES if person.active else rt.NO, person.messages])
        page.sections.append(Section(names.title, names))
    else:
        page.sections.append(Section(t.CLASS_NAMES, note=t.CLASS_PEOPLE_HIDDEN))
    return page


__all__ = ["Page", "Section", "area_page", "class_page", "month_label", "school_page"]
