"""What each page of the cabinet shows, as sections of tables and charts. The figures come from the
report service (the same numbers as /отчёт and its files); this module only arranges them, and the
downloads take the very same tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from bot.db import Database
from bot.domain.chat_types import PRESETS
from bot.repo import chats as chat_repo
from bot.repo import orgs as org_repo
from bot.repo import web as web_repo
from bot.repo.orgs import Org
from bot.services import eligibility
from bot.services.reports import (
    CoordinatorReport,
    SchoolReport,
    build_coordinator_report,
    build_reports,
)
from bot.texts import cabinet as t
from bot.texts import reports as rt
from bot.texts.policies import POLICY_TITLES
from bot.web.svg import bar_chart
from bot.web.tables import Table, percent

TREND_MONTHS = 6
ALERT_KINDS_RU = {"quarantine": "новичок на карантине", "violation": "нарушение", "complaint": "жалоба"}
ACTIONS_RU = {
    "warn": "предупреждение", "warning": "предупреждение", "mute": "запрет писать", "unmute": "запрет снят",
    "kick": "исключение", "remove": "исключение", "delete": "удаление сообщения", "quarantine": "карантин",
    "admit": "допуск", "unwarn": "предупреждение снято", "ro": "только чтение", "complaint": "жалоба",
    "override": "решение модератора", "false_positive": "ложное срабатывание", "private_alert": "сигнал лично",
    "delete_failed": "удалить не удалось", "rights_lost": "бот потерял права", "report": "отчёт",
}


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
    crumbs: list[tuple[str, str]]  # (name, address) from the top down to this org
    sections: list[Section] = field(default_factory=list)
    heading: str = ""

    def table(self, key: str) -> Table | None:
        return next((s.table for s in self.sections if s.table is not None and s.table.key == key), None)


# -- months ------------------------------------------------------------------------------------


def months_back(month: str, count: int) -> list[str]:
    """``count`` months ending with ``month``, oldest first."""
    year, mon = int(month[:4]), int(month[5:])
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{mon:02d}")
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return found[::-1]


def month_label(month: str, short: bool = False) -> str:
    name = rt.MONTHS_RU[int(month[5:]) - 1]
    return f"{name[:3]} {month[2:4]}" if short else f"{name} {month[:4]}"


def local_time(ts: int, tz: str) -> str:
    return datetime.fromtimestamp(ts, ZoneInfo(tz)).strftime("%d.%m.%Y %H:%M")


async def crumbs_of(db: Database, org: Org) -> list[tuple[str, str]]:
    chain = [org]
    for parent_id in await org_repo.ancestors(db, org.id):
        parent = await org_repo.get(db, parent_id)
        if parent is not None:
            chain.append(parent)
    return [(o.name, f"/org/{o.id}") for o in reversed(chain)]


# -- a school ------------------------------------------------------------------------------------


async def school_page(db: Database, org: Org, month: str, *, show_moderation: bool, now: float) -> Page:
    report = (await build_reports(db, [org], month, now=now))[org.id]
    page = Page(org, month, report.final, await crumbs_of(db, org), heading=f"{org.name} ({org.code})")
    page.sections.append(Section(t.SCHOOL_SUMMARY, _summary(report)))
    page.sections.append(Section(t.CHATS_BY_TYPE, await _chats_by_type(db, org)))
    classes = await web_repo.classes_with_people(db, org.id)
    page.sections.append(Section(t.CLASSES_WITHOUT_CHATS, _classes_without_chats(org, report, classes)))
    page.sections.append(Section(t.NOT_ON_PLATFORM, _not_on_platform(org, classes)))
    page.sections.append(Section(t.UNREACHABLE_STAFF, note=t.UNREACHABLE_UNKNOWN))
    page.sections.append(Section(t.GUESTS, _guests(report)))
    if show_moderation:
        page.sections.append(Section(t.OPEN_ALERTS, await _open_alerts(db, org)))
        page.sections.append(Section(t.MODERATION_LOG, await _moderation_log(db, org, month)))
    page.sections.append(await _school_trend(db, org, month, now))
    return page


def _summary(report: SchoolReport) -> Table:
    table = Table("summary", t.SCHOOL_SUMMARY, ["Кто", "В списке", "Привязали VK", "В беседах", "Активны за месяц",
                                                   "Нет на платформе"])
    for kind, line in report.roster.items():
        table.rows.append([rt.KINDS_RU.get(kind, kind).capitalize(), line.total, line.linked, line.in_chats,
                           report.active.get(kind, 0), line.total - line.linked])
    table.rows.append(["Сообщений засчитано школе", report.credited_messages, None, None, None, None])
    return table


async def _chats_by_type(db: Database, org: Org) -> Table:
    table = Table("chats", t.CHATS_BY_TYPE, ["Тип", "Бесед", "Участников", "Положено по спискам",
                                              "Из положенных в беседах", "Доля"], empty=t.NOBODY)
    members = await web_repo.member_persons(db, org.id)
    by_type: dict[str, list[int]] = {}
    for chat in await chat_repo.in_org(db, org.id):
        if chat.type is None or chat.type not in PRESETS:
            continue
        eligible = await eligibility.eligible_ids(db, chat)
        count, persons = members.get(chat.id, (0, set()))
        line = by_type.setdefault(chat.type, [0, 0, 0, 0])
        line[0] += 1
        line[1] += count
        line[2] += len(eligible)
        line[3] += len(eligible & persons)
    for type_, (chats, count, due, present) in sorted(by_type.items()):
        table.rows.append([rt.CHAT_TYPES_RU.get(type_, type_), chats, count, due, present, percent(present, due)])
    return table


def _classes_without_chats(org: Org, report: SchoolReport, classes: list[web_repo.ClassRow]) -> Table:
    have: dict[int, set[str]] = {}
    for _, type_, class_id, _ in report.roster_part.chats:
        if class_id is not None and type_:
            have.setdefault(class_id, set()).add(type_)
    table = Table("no-chats", t.CLASSES_WITHOUT_CHATS, ["Класс", "Беседа родителей", "Беседа учеников"],
                  empty=t.ALL_CLASSES_HAVE_CHATS)
    for row in classes:
        types = have.get(row.class_id, set())
        if {"parents_class", "students_class"} <= types:
            continue
        table.links[len(table.rows)] = f"/org/{org.id}/class/{row.class_id}"
        table.rows.append([f"{row.grade}{row.letter}", "есть" if "parents_class" in types else "нет",
                           "есть" if "students_class" in types else "нет"])
    return table


def _not_on_platform(org: Org, classes: list[web_repo.ClassRow]) -> Table:
    table = Table("classes", t.NOT_ON_PLATFORM, ["Класс", "Учеников", "Из них нет на платформе", "Родителей",
                                                  "Из них нет на платформе"], empty=t.NOBODY)
    for row in classes:
        table.links[len(table.rows)] = f"/org/{org.id}/class/{row.class_id}"
        table.rows.append([f"{row.grade}{row.letter}", row.students, row.students - row.students_linked,
                           row.parents, row.parents - row.parents_linked])
    return table


def _guests(report: SchoolReport) -> Table:
    table = Table("guests", t.GUESTS, ["Организация", "Людей", "Сообщений", "Действий"], empty=t.NOBODY)
    for flow in report.guests:
        table.rows.append([flow.org_name, flow.people, flow.messages, flow.actions])
    return table


async def _open_alerts(db: Database, org: Org) -> Table:
    table = Table("alerts", t.OPEN_ALERTS, ["Когда", "Что", "Беседа"], empty=t.NOBODY)
    for alert in await web_repo.open_alerts(db, org.id):
        table.rows.append([local_time(alert.created_at, org.timezone), ALERT_KINDS_RU.get(alert.kind, alert.kind),
                           alert.chat_title or ""])
    return table


async def _moderation_log(db: Database, org: Org, month: str) -> Table:
    from bot.services.reports import month_bounds

    start, end = month_bounds(month, org.timezone)
    table = Table("moderation", t.MODERATION_LOG, ["Когда", "Мера", "Правило", "Беседа", "Кто решил"], empty=t.NOBODY)
    for entry in await web_repo.moderation_log(db, org.id, start, end):
        table.rows.append([local_time(entry.created_at, org.timezone), ACTIONS_RU.get(entry.action, entry.action),
                           POLICY_TITLES.get(entry.policy, entry.policy) if entry.policy else "",
                           entry.chat_title or "", "бот" if entry.by_bot else "модератор"])
    return table


async def _school_trend(db: Database, org: Org, month: str, now: float) -> Section:
    months = months_back(month, TREND_MONTHS)
    table = Table("trend", t.TREND, ["Месяц", "Сообщений засчитано", "Активных участников", "Привязали VK"])
    messages = []
    for m in months:
        report = (await build_reports(db, [org], m, now=now))[org.id]
        active = sum(report.active.values())
        linked = sum(line.linked for line in report.roster.values())
        messages.append(report.credited_messages)
        table.rows.append([month_label(m), report.credited_messages, active, linked])
    chart = bar_chart("Сообщений по месяцам", [month_label(m, short=True) for m in months], messages)
    return Section(t.TREND, table, chart)


# -- a municipality or a region ------------------------------------------------------------------


async def area_page(db: Database, org: Org, month: str, *, now: float) -> Page:
    report = await build_coordinator_report(db, org.id, month, now=now)
    page = Page(org, month, report.final, await crumbs_of(db, org), heading=org.name)
    if org.kind == "region":
        page.sections.append(Section(t.AREA_MUNICIPALITIES, _municipalities(report)))
    page.sections.append(Section(t.AREA_SCHOOLS, _schools_ranked(report)))
    page.sections.append(Section(t.AREA_GUESTS, _away(report)))
    page.sections.append(await _area_trend(db, org, month, now, report))
    return page


def _municipalities(report: CoordinatorReport) -> Table:
    table = Table("municipalities", t.AREA_MUNICIPALITIES,
                  ["Муниципалитет", "Школ", "Охват классов", "В беседах из привязавших", "Сообщений засчитано"],
                  empty=t.NOBODY)
    for row in report.municipalities:
        linked = sum(line.linked for line in row.roster.values())
        in_chats = sum(line.in_chats for line in row.roster.values())
        if row.org_id is not None:
            table.links[len(table.rows)] = f"/org/{row.org_id}"
        table.rows.append([row.name, row.schools, percent(row.covered, row.classes), percent(in_chats, linked),
                           row.credited_messages])
    return table


def _schools_ranked(report: CoordinatorReport) -> Table:
    table = Table("schools", t.AREA_SCHOOLS,
                  ["Место", "Школа", "Охват классов", "Нет на платформе", "Активны за месяц", "Сообщений засчитано"],
                  empty=t.NOBODY)

    def key(r: SchoolReport) -> tuple[float, int, str]:
        return (-r.coverage, -r.credited_messages, r.name)

    for place, school in enumerate(sorted(report.schools, key=key), start=1):
        missing = sum(line.total - line.linked for line in school.roster.values())
        table.links[len(table.rows)] = f"/org/{school.org_id}"
        table.rows.append([place, school.name, percent(school.roster_part.covered, school.roster_part.classes),
                           missing, sum(school.active.values()), school.credited_messages])
    table.link_col = 1  # the first cell is the place: the link goes on the school's name
    return table


def _away(report: CoordinatorReport) -> Table:
    table = Table("away", t.AREA_GUESTS, ["Школа", "Сообщений в своих беседах", "Сообщений в гостях",
                                          "Всего засчитано"], empty=t.NOBODY)
    for school in report.schools:
        if school.away_messages:
            table.rows.append([school.name, school.own_messages, school.away_messages, school.credited_messages])
    return table


async def _area_trend(db: Database, org: Org, month: str, now: float, current: CoordinatorReport) -> Section:
    months = months_back(month, TREND_MONTHS)
    table = Table("trend", t.TREND, ["Месяц", "Сообщений засчитано", "Активных участников", "Изменение к прошлому"])
    values: list[int] = []
    for m in months:
        report = current if m == month else await build_coordinator_report(db, org.id, m, now=now)
        values.append(report.totals.credited_messages)
    previous: int | None = None
    for m, value in zip(months, values):
        change = "—" if previous is None else (f"{value - previous:+d}")
        table.rows.append([month_label(m), value, None, change])
        previous = value
    chart = bar_chart("Сообщений по месяцам", [month_label(m, short=True) for m in months], values)
    return Section(t.TREND, table, chart)


# -- a class --------------------------------------------------------------------------------------


async def class_page(db: Database, org: Org, class_id: int, name: str, month: str, *, show_names: bool) -> Page:
    page = Page(org, month, True, [*await crumbs_of(db, org), (t.CLASS_TITLE.format(name=name),
                                                                f"/org/{org.id}/class/{class_id}")],
                heading=f"{t.CLASS_TITLE.format(name=name)} — {org.name}")
    chats = Table("class-chats", "Беседы класса", ["Беседа", "Тип", "Участников", "Положено по спискам",
                                                   "Из положенных в беседе"], empty="У класса нет бесед.")
    members = await web_repo.member_persons(db, org.id)
    for chat in await chat_repo.in_org(db, org.id):
        if chat.class_id != class_id or chat.type not in PRESETS:
            continue
        eligible = await eligibility.eligible_ids(db, chat)
        count, persons = members.get(chat.id, (0, set()))
        chats.rows.append([chat.title, rt.CHAT_TYPES_RU.get(chat.type or "other", chat.type), count, len(eligible),
                           len(eligible & persons)])
    page.sections.append(Section(chats.title, chats))
    people = await web_repo.class_people(db, class_id)
    counts = Table("class-people", "Ученики и родители", ["Кто", "В списке", "Привязали VK", "Нет на платформе"])
    for kind in ("student", "parent"):
        of_kind = [p for p in people if p.kind == kind]
        linked = sum(p.linked for p in of_kind)
        counts.rows.append([rt.KINDS_RU[kind].capitalize(), len(of_kind), linked, len(of_kind) - linked])
    page.sections.append(Section(counts.title, counts))
    if show_names:
        missing = Table("class-missing", "Нет на платформе", ["ФИО", "Кто", "Чей родитель"], empty=t.NOBODY)
        for person in people:
            if not person.linked:
                missing.rows.append([person.full_name, rt.KIND_ONE_RU.get(person.kind, person.kind),
                                     person.child_name or ""])
        page.sections.append(Section(missing.title, missing))
    else:
        page.sections.append(Section("Нет на платформе", note=t.CLASS_PEOPLE_HIDDEN))
    return page
