"""A report as the user sees it: a short Russian summary, the full tables (XLSX, CSV), a chart.

Everything is rendered from the same ``report_views`` results, so the summary, the files and
the web cabinet cannot disagree; every figure's meaning is in ``t.GLOSSARY`` (sheet «Пояснения»).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from bot.domain import tables
from bot.services.report_months import month_ru
from bot.services.report_people import KINDS, People
from bot.services.report_views import (AreaTotals, ClassLine, Flow, HotlineFigures, SchoolOverview, SchoolRow,
                                       TerritoryView)
from bot.texts import hotline as ht
from bot.texts import reports as t

Sheets = dict[str, tuple[Sequence[str], list[list[Any]]]]
AREA_LINES = 12  # schools or municipalities listed in the chat message; the rest are in the file

__all__ = ["area_sheets", "area_summary", "glossary_rows", "help_text", "month_ru", "school_sheets",
           "school_summary", "to_csv", "to_xlsx"]


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def pct(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


def _flows(flows: list[Flow]) -> str:
    return "; ".join(t.FLOW_ITEM.format(name=f.org_name, people=f.people, messages=f.messages) for f in flows)


def help_text() -> str:
    return t.HELP.format(items="\n".join(t.HELP_ITEM.format(label=label, text=text)
                                         for label, text in t.GLOSSARY.values()))


def glossary_rows() -> list[list[Any]]:
    return [[label, text] for label, text in t.GLOSSARY.values()]


def _type_ru(type_: str) -> str:
    return t.CHAT_TYPES_RU.get(type_, type_)


def _missing(c: ClassLine) -> str:
    if not c.has_parents_chat and not c.has_students_chat:
        return t.CLASS_MISSING["both"]
    return t.CLASS_MISSING["parents" if not c.has_parents_chat else "students"]


def _moderation_line(r: SchoolOverview) -> str:
    m = r.moderation
    if not m.by_policy and not m.by_measure:
        return t.NO_MODERATION
    policies = ", ".join(f"{name} — {n}" for name, n in m.policies_ru())
    measures = ", ".join(f"{name} — {n}" for name, n in m.measures_ru()) or t.NO_MEASURES
    return t.MODERATION_LINE.format(total=m.violations, policies=f" ({policies})" if policies else "",
                                    measures=measures)


def hotline_line(h: HotlineFigures) -> str:
    if not h.asked:
        return ht.REPORT_NONE
    mean = ht.duration(h.mean_seconds) if h.mean_seconds is not None else "—"
    return ht.REPORT_LINE.format(asked=h.asked, answered=h.answered, mean=mean,
                                 open=ht.REPORT_OPEN.format(count=h.waiting) if h.waiting else "")


def school_summary(r: SchoolOverview, period: str) -> str:
    lines = [t.SCHOOL_HEADER.format(month=r.period, name=r.name, code=r.code), t.PERIOD_LINE.format(period=period)]
    if not r.final:
        lines.append(t.NOT_FINAL)
    lines.append(t.PEOPLE_HEAD)
    for kind in KINDS:
        p = r.people.get(kind, People())
        lines.append(t.PEOPLE_LINE.format(kind=t.KINDS_RU[kind], roster=p.roster, not_on_platform=p.not_on_platform,
                                          linked=p.linked, in_chats=p.in_chats, active=p.active, silent=p.silent))
    by_class = [t.NOT_ON_PLATFORM_ITEM.format(label=c.label, parts=", ".join(
        part for part in (t.NOP_STUDENTS.format(n=c.students_not_on_platform) if c.students_not_on_platform else "",
                          t.NOP_PARENTS.format(n=c.parents_not_on_platform) if c.parents_not_on_platform else "")
        if part)) for c in r.not_on_platform_by_class]
    lines.append(t.NOT_ON_PLATFORM_LINE.format(
        count=r.total.not_on_platform,
        by_class=t.NOT_ON_PLATFORM_CLASSES.format(items="; ".join(by_class[:15])) if by_class else ""))
    if r.coverage:
        lines.append(t.COVERAGE_LINE.format(items="; ".join(
            t.COVERAGE_ITEM.format(type=_type_ru(c.chat_type), in_chats=c.in_chats, eligible=c.eligible,
                                   share=f" ({percent(c.share)})" if c.share is not None else "")
            + (t.NO_CHATS_OF_TYPE if not c.chats else "") for c in r.coverage)))
    types = ", ".join(f"{_type_ru(k)} — {v}" for k, v in r.chats_by_type.items())
    lines.append(t.CHATS_LINE.format(total=r.org.chats, types=f" ({types})" if types else "", both=r.org.with_both,
                                     classes=r.org.classes))
    if r.classes_without_chats:
        lines.append(t.CLASSES_WITHOUT_LINE.format(items="; ".join(
            f"{c.label} — {_missing(c)}" for c in r.classes_without_chats[:20])))
    lines += [
        t.MESSAGES_LINE.format(total=r.messages_in_chats, own=r.own_messages, guests=r.guest_messages,
                               unknown=r.unknown_messages, actions=r.actions_in_chats),
        t.CREDITED_LINE.format(credited=r.credited_messages, away=r.away_messages),
    ]
    if r.away:
        lines.append(t.AWAY_LINE.format(items=_flows(r.away)))
    if r.guests:
        lines.append(t.GUESTS_LINE.format(items=_flows(r.guests)))
    silent = r.silent_chats
    titles = (": " + ", ".join(f"«{c.title}»" for c in silent[:10])) if silent else ""
    lines.append(t.SILENT_CHATS_LINE.format(count=len(silent), titles=titles))
    lines.append(_moderation_line(r))
    if r.hotline is not None:
        lines.append(hotline_line(r.hotline))
    lines.append(t.FILES_NOTE)
    return "\n".join(lines)


def _area_line(rank: str, name: str, row: SchoolRow | AreaTotals, delta: int | None) -> str:
    sign = "+" if delta is not None and delta >= 0 else ""
    return t.AREA_ROW.format(rank=rank, name=name, coverage=percent(row.coverage), activity=percent(row.activity),
                             credited=row.credited_messages,
                             delta=t.AREA_DELTA.format(sign=sign, delta=delta) if delta is not None else "")


def area_summary(r: TerritoryView, period: str) -> str:
    tot = r.totals
    p = tot.total
    lines = [t.AREA_HEADER.format(month=r.period, name=r.name, code=r.code, kind=t.AREA_KIND[r.kind]),
             t.PERIOD_LINE.format(period=period)]
    if not r.final:
        lines.append(t.NOT_FINAL)
    lines += [
        t.AREA_PEOPLE.format(schools=tot.schools, chats=tot.org.chats, roster=p.roster,
                             not_on_platform=p.not_on_platform, linked=p.linked, in_chats=p.in_chats,
                             coverage=percent(tot.coverage), active=p.active, activity=percent(tot.activity),
                             silent=p.silent),
        t.AREA_MESSAGES.format(total=tot.messages_in_chats, credited=tot.credited_messages, outside=r.outside_messages),
    ]
    if tot.coverage_by_type:
        lines.append(t.COVERAGE_LINE.format(items="; ".join(
            t.COVERAGE_ITEM.format(type=_type_ru(c.chat_type), in_chats=c.in_chats, eligible=c.eligible,
                                   share=f" ({percent(c.share)})" if c.share is not None else "")
            for c in tot.coverage_by_type)))
    if r.kind == "region":
        lines.append(t.AREA_MUNIS_HEADER)
        for m in r.municipalities[:AREA_LINES]:
            lines.append(_area_line("• ", m.name, m, None))
        if len(r.municipalities) > AREA_LINES:
            lines.append(t.AREA_MORE.format(count=len(r.municipalities) - AREA_LINES))
    lines.append(t.AREA_SCHOOLS_HEADER)
    for s in r.schools[:AREA_LINES]:
        lines.append(_area_line(f"{s.rank}. ", s.name, s, s.messages_delta))
    if len(r.schools) > AREA_LINES:
        lines.append(t.AREA_MORE.format(count=len(r.schools) - AREA_LINES))
    lines.append(t.FILES_NOTE)
    return "\n".join(lines)


# -- tables -----------------------------------------------------------------------------------


def _people_rows(people: dict[str, People]) -> list[list[Any]]:
    rows = []
    for kind in KINDS:
        p = people.get(kind, People())
        rows.append([t.KINDS_RU[kind], p.roster, p.not_on_platform, p.linked, p.in_chats, p.linked_not_in_chats,
                     p.active, p.silent])
    tot = People()
    for p in people.values():
        tot = tot + p
    rows.append([t.TOTAL_ROW, tot.roster, tot.not_on_platform, tot.linked, tot.in_chats, tot.linked_not_in_chats,
                 tot.active, tot.silent])
    return rows


def _summary_rows(r: SchoolOverview, period: str) -> list[list[Any]]:
    g = t.GLOSSARY
    tot = r.total
    rows: list[list[Any]] = [
        [t.METRIC_LABELS["month"], r.month], [t.METRIC_LABELS["period"], period],
        [t.METRIC_LABELS["final"], t.YES if r.final else t.NO],
        [g["roster"][0], tot.roster], [g["not_on_platform"][0], tot.not_on_platform], [g["linked"][0], tot.linked],
        [g["in_chats"][0], tot.in_chats], [g["linked_not_in_chats"][0], tot.linked_not_in_chats],
        [g["active"][0], tot.active], [g["silent"][0], tot.silent],
        [g["coverage"][0] + ", %", pct(tot.in_chats / tot.roster if tot.roster else None)],
        [g["activity"][0] + ", %", pct(tot.active / tot.roster if tot.roster else None)],
    ]
    for kind in KINDS:
        p = r.people.get(kind, People())
        for key in ("roster", "not_on_platform", "linked", "in_chats", "active", "silent"):
            rows.append([t.PEOPLE_METRIC.format(kind=t.KINDS_RU[kind], what=g[key][0].lower()), getattr(p, key)])
    rows += [
        [t.METRIC_LABELS["chats"], r.org.chats], [t.METRIC_LABELS["classes"], r.org.classes],
        [g["classes_with_both"][0], r.org.with_both],
        [g["messages_in_chats"][0], r.messages_in_chats], ["  " + g["own_messages"][0], r.own_messages],
        ["  " + g["guest_messages"][0], r.guest_messages], ["  " + g["unknown_messages"][0], r.unknown_messages],
        [g["actions"][0], r.actions_in_chats],
        [g["credited_messages"][0], r.credited_messages], ["  " + g["away_messages"][0], r.away_messages],
        [g["silent_chats"][0], len(r.silent_chats)],
        [g["violations"][0], r.moderation.violations],
    ]
    if r.hotline is not None:
        h = r.hotline
        rows += [[g["hotline_asked"][0], h.asked], ["  " + g["hotline_answered"][0], h.answered],
                 [g["hotline_minutes"][0], h.mean_minutes], [g["hotline_waiting"][0], h.waiting]]
    for c in r.coverage:
        rows.append([f"{g['coverage_type'][0]}: {_type_ru(c.chat_type)}, %", pct(c.share)])
    return rows


def _daily_sheet(daily: dict[str, dict[str, int]]) -> tuple[list[str], list[list[Any]]]:
    types = sorted({k for by_type in daily.values() for k in by_type})
    head = [t.HEAD_DAY, *(_type_ru(k) for k in types)]
    return head, [[day, *(daily[day].get(k, 0) for k in types)] for day in sorted(daily)]


def _flow_rows(flows: list[Flow]) -> list[list[Any]]:
    return [[f.org_name, f.people, f.messages, f.actions] for f in flows]


def _coverage_rows(coverage: Sequence[Any]) -> list[list[Any]]:
    return [[_type_ru(c.chat_type), c.chats, c.eligible, c.in_chats, pct(c.share)] for c in coverage]


def school_sheets(r: SchoolOverview, period: str, labels: dict[int, tuple[str, str, str | None]]) -> Sheets:
    """``labels``: person id -> (name, kind, class) for the silent members (from the repo)."""
    chats = [[c.title, _type_ru(c.type), c.messages, c.actions, c.guest_messages, t.YES if c.silent else t.NO]
             for c in r.chats]
    silent = [[labels.get(p, ("?", "", None))[0], t.KIND_ONE_RU.get(labels.get(p, ("", "", None))[1], ""),
               labels.get(p, ("", "", None))[2]] for p in r.silent_ids]
    classes = [[c.label, c.students, c.students_not_on_platform, c.students_in_chats, c.parents,
                c.parents_not_on_platform, c.parents_in_chats, t.YES if c.has_parents_chat else t.NO,
                t.YES if c.has_students_chat else t.NO] for c in r.classes]
    moderation = ([[t.MOD_POLICY, name, n] for name, n in r.moderation.policies_ru()]
                  + [[t.MOD_MEASURE, name, n] for name, n in r.moderation.measures_ru()])
    return {
        t.SHEET_SUMMARY: (t.HEAD_METRIC, _summary_rows(r, period)),
        t.SHEET_PEOPLE: (t.HEAD_PEOPLE, _people_rows(r.people)),
        t.SHEET_COVERAGE: (t.HEAD_COVERAGE, _coverage_rows(r.coverage)),
        t.SHEET_CLASSES: (t.HEAD_CLASSES, classes),
        t.SHEET_CHATS: (t.HEAD_CHATS, chats),
        t.SHEET_DAILY: _daily_sheet(r.daily),
        t.SHEET_AWAY: (t.HEAD_FLOW, _flow_rows(r.away)),
        t.SHEET_GUESTS: (t.HEAD_FLOW, _flow_rows(r.guests)),
        t.SHEET_SILENT: (t.HEAD_SILENT, silent),
        t.SHEET_MODERATION: (t.HEAD_MODERATION, moderation),
        t.SHEET_GLOSSARY: (t.GLOSSARY_HEAD, glossary_rows()),
    }


def _area_row(rank: Any, name: str, municipality: str, row: SchoolRow | AreaTotals) -> list[Any]:
    p = row.total
    by = {k: row.people.get(k, People()) for k in KINDS}
    schools = row.schools if isinstance(row, AreaTotals) else 1
    prev = row.prev_credited_messages if isinstance(row, SchoolRow) else None
    delta = row.messages_delta if isinstance(row, SchoolRow) else None
    return [rank, name, municipality, schools, row.org.chats, row.org.classes, row.org.with_both,
            p.roster, p.not_on_platform, p.linked, p.in_chats, pct(row.coverage), p.active, pct(row.activity),
            p.silent, by["student"].roster, by["student"].not_on_platform, by["student"].in_chats,
            by["parent"].roster, by["parent"].not_on_platform, by["parent"].in_chats,
            by["staff"].roster, by["staff"].not_on_platform, by["staff"].in_chats,
            row.messages_in_chats, row.guest_messages, row.unknown_messages, row.credited_messages,
            row.away_messages, prev, delta, row.silent_chats, row.violations]


def area_sheets(r: TerritoryView, period: str) -> Sheets:
    schools = [_area_row(s.rank, s.name, s.municipality, s) for s in r.schools]
    total = _area_row("", t.TOTAL_ROW, "", r.totals)
    sheets: Sheets = {t.SHEET_SCHOOLS: (t.HEAD_AREA, schools + [total])}
    if r.kind == "region":
        sheets[t.SHEET_MUNIS] = (t.HEAD_AREA, [_area_row("", m.name, m.name, m) for m in r.municipalities]
                                 + [total])
    sheets[t.SHEET_COVERAGE] = (t.HEAD_COVERAGE, _coverage_rows(r.totals.coverage_by_type))
    sheets[t.SHEET_DAILY] = _daily_sheet(r.daily)
    sheets[t.SHEET_SUMMARY] = (t.HEAD_METRIC, [[t.METRIC_LABELS["month"], r.month],
                                               [t.METRIC_LABELS["period"], period],
                                               [t.METRIC_LABELS["final"], t.YES if r.final else t.NO]])
    sheets[t.SHEET_GLOSSARY] = (t.GLOSSARY_HEAD, glossary_rows())
    return sheets


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH = 60


def to_xlsx(sheets: Sheets) -> bytes:
    """One sheet per entry, streamed (openpyxl write-only: a region's 1,500 rows x 33 columns in a
    fraction of the time): bold header frozen under it, an autofilter, fitting widths; text that
    looks like a formula stays text; characters XML cannot hold are dropped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for name, (head, body) in sheets.items():
        ws = workbook.create_sheet(_sheet_title(name, used))
        rows = [[ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else ("" if v is None else v) for v in row]
                for row in body]
        width = max([len(head), *(len(r) for r in rows)])
        widths = [len(str(h)) for h in head] + [0] * (width - len(head))
        for row in rows:
            for i, v in enumerate(row):
                n = len(v) if isinstance(v, str) else len(str(v))
                if n > widths[i]:
                    widths[i] = n
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(w + 2, MAX_COLUMN_WIDTH)
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(width)}{len(rows) + 1}"
        header = []
        for h in head:
            cell = WriteOnlyCell(ws, value=str(h))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in rows:
            if any(isinstance(v, str) and v.startswith(_FORMULA_START) for v in row):
                cells: list[Any] = []
                for v in row:
                    cell = WriteOnlyCell(ws, value=v)
                    if isinstance(v, str):
                        cell.data_type = "s"
                    cells.append(cell)
                ws.append(cells)
            else:
                ws.append(row)
    if not sheets:
        workbook.create_sheet("Лист")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(name: str, used: set[str]) -> str:
    title = _SHEET_TITLE_BAD.sub(" ", name).strip("' ")[:31] or "Лист"
    base, n = title, 2
    while title in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def to_csv(sheets: Sheets) -> bytes:
    """Every table in one CSV, one after another: a title line, the header, rows, an empty line."""
    width = max(len(head) for head, _ in sheets.values())
    rows: list[list[Any]] = []
    for name, (head, body) in sheets.items():
        rows += [[name], list(head), *body, []]
    first = rows.pop(0)
    return tables.to_csv([*first, *[""] * (width - 1)], rows[:-1])
