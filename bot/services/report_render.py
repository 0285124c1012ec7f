"""A report as the user sees it: a short Russian summary, the full tables (XLSX, CSV), a chart."""

from __future__ import annotations

from collections.abc import Sequence

from bot.texts import reports as t
from bot.domain import tables
from bot.services.reports import AreaRow, CoordinatorReport, Flow, SchoolReport

Sheets = dict[str, tuple[Sequence[str], list[list]]]
AREA_LINES = 12  # schools or municipalities listed in the chat message; the rest are in the file


def month_ru(month: str) -> str:
    return f"{t.MONTHS_RU[int(month[5:]) - 1]} {month[:4]}"


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _flows(flows: list[Flow]) -> str:
    return "; ".join(t.FLOW_ITEM.format(name=f.org_name, people=f.people, messages=f.messages) for f in flows)


def _by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def school_summary(r: SchoolReport) -> str:
    part = r.roster_part
    by_type = _by_count(r.chats_by_type)
    types = ", ".join(f"{t.CHAT_TYPES_RU.get(k, k)} — {v}" for k, v in by_type)
    lines = [t.SCHOOL_HEADER.format(month=month_ru(r.month), name=r.name, code=r.code)]
    if not r.final:
        lines.append(t.NOT_FINAL)
    lines += [
        t.SCHOOL_CHATS.format(total=len(part.chats), types=f" ({types})" if types else ""),
        t.SCHOOL_COVERAGE.format(covered=part.covered, classes=part.classes, share=percent(r.coverage)),
    ]
    for kind in ("student", "parent", "staff"):
        line = r.roster.get(kind)
        if line is not None and line.total:
            lines.append(t.SCHOOL_ROSTER.format(kind=t.KINDS_RU[kind].capitalize(), total=line.total,
                                                linked=line.linked, in_chats=line.in_chats, never=line.never_joined))
    lines += [
        t.SCHOOL_ACTIVE.format(**r.active),
        t.SCHOOL_MESSAGES.format(total=r.messages_in_chats, own=r.own_messages, guests=r.guest_messages,
                                 unknown=r.unknown_messages),
        t.SCHOOL_CREDITED.format(credited=r.credited_messages, away=r.away_messages),
    ]
    if r.away:
        lines.append(t.SCHOOL_AWAY.format(items=_flows(r.away)))
    if r.guests:
        lines.append(t.SCHOOL_GUESTS.format(items=_flows(r.guests)))
    lines.append(t.SCHOOL_SILENT.format(chats=len(r.silent_chats), members=len(part.silent_members)))
    if r.silent_chats:
        lines.append(t.SCHOOL_SILENT_CHATS.format(titles=", ".join(f"«{c.title}»" for c in r.silent_chats[:10])))
    if r.violations:
        policies = ", ".join(f"{t.POLICIES_RU.get(k, k)} — {v}" for k, v in _by_count(r.violations_by_policy))
        actions = ", ".join(f"{t.ACTIONS_RU.get(k, k)} — {v}" for k, v in _by_count(r.violations_by_action))
        lines.append(t.SCHOOL_MODERATION.format(total=r.violations, policies=f" ({policies})", actions=actions))
    else:
        lines.append(t.SCHOOL_NO_VIOLATIONS)
    lines.append(t.FILES_NOTE)
    return "\n".join(lines)


def area_summary(r: CoordinatorReport) -> str:
    tot = r.totals
    lines = [t.AREA_HEADER.format(month=month_ru(r.month), name=r.name, code=r.code, kind=t.AREA_KIND[r.kind])]
    if not r.final:
        lines.append(t.NOT_FINAL)
    lines += [
        t.AREA_TOTALS.format(schools=tot.schools, chats=tot.chats, share=percent(tot.coverage), **tot.active),
        t.AREA_MESSAGES.format(total=tot.messages_in_chats, credited=tot.credited_messages, outside=r.outside_messages),
    ]
    rows: list[AreaRow] = r.municipalities if r.kind == "region" else [_row_of(s) for s in r.schools]
    lines.append(t.AREA_MUNIS_HEADER if r.kind == "region" else t.AREA_SCHOOLS_HEADER)
    ordered = sorted(rows, key=lambda row: (-row.credited_messages, row.name))
    for row in ordered[:AREA_LINES]:
        lines.append(t.AREA_ROW.format(name=row.name, credited=row.credited_messages, in_chats=row.messages_in_chats,
                                       share=percent(row.coverage), silent=row.silent_chats))
    if len(ordered) > AREA_LINES:
        lines.append(t.AREA_MORE.format(count=len(ordered) - AREA_LINES))
    lines.append(t.FILES_NOTE)
    return "\n".join(lines)


def _row_of(report: SchoolReport) -> AreaRow:
    row = AreaRow(report.org_id, report.name)
    row.add(report)
    return row


# -- tables -----------------------------------------------------------------------------------


def _summary_rows(r: SchoolReport) -> list[list]:
    part = r.roster_part
    values = {
        "month": r.month, "final": t.YES if r.final else t.NO, "chats": len(part.chats), "classes": part.classes,
        "with_parents": part.with_parents, "with_students": part.with_students, "covered": part.covered,
        "coverage": round(r.coverage * 100), "messages_in_chats": r.messages_in_chats,
        "own_messages": r.own_messages, "guest_messages": r.guest_messages, "unknown_messages": r.unknown_messages,
        "actions_in_chats": r.actions_in_chats, "credited_messages": r.credited_messages,
        "away_messages": r.away_messages, "credited_actions": r.credited_actions,
        "silent_chats": len(r.silent_chats), "silent_members": len(part.silent_members), "violations": r.violations,
    }
    rows = [[t.METRICS[k], v] for k, v in values.items()]
    for type_, count in sorted(r.chats_by_type.items()):
        rows.append([f"{t.METRICS['chats']}: {t.CHAT_TYPES_RU.get(type_, type_)}", count])
    for kind, line in r.roster.items():
        for what, label in t.ROSTER_WHAT.items():
            rows.append([t.ROSTER_METRIC.format(kind=t.KINDS_RU.get(kind, kind), what=label), getattr(line, what)])
    for kind, count in r.active.items():
        rows.append([t.ACTIVE_METRIC.format(kind=t.KINDS_RU.get(kind, kind)), count])
    return rows


def _daily_sheet(daily: dict[str, dict[str, int]]) -> tuple[list[str], list[list]]:
    types = sorted({k for by_type in daily.values() for k in by_type})
    head = [t.HEAD_DAY, *(t.CHAT_TYPES_RU.get(k, k) for k in types)]
    return head, [[day, *(daily[day].get(k, 0) for k in types)] for day in sorted(daily)]


def _flow_rows(flows: list[Flow]) -> list[list]:
    return [[f.org_name, f.people, f.messages, f.actions] for f in flows]


def school_sheets(r: SchoolReport, labels: dict[int, tuple[str, str, str | None]]) -> Sheets:
    """``labels``: person id -> (name, kind, class) for the silent members (from the repo)."""
    chats = [[c.title, t.CHAT_TYPES_RU.get(c.type or "other", c.type), c.messages, c.actions, c.guest_messages,
              t.YES if c.messages == 0 else t.NO] for c in r.chats]
    silent = [[labels.get(p, ("?", "", None))[0], t.KIND_ONE_RU.get(labels.get(p, ("", "", None))[1], ""),
               labels.get(p, ("", "", None))[2]] for p in r.roster_part.silent_members]
    moderation = ([[t.MOD_POLICY, t.POLICIES_RU.get(k, k), v] for k, v in sorted(r.violations_by_policy.items())]
                  + [[t.MOD_ACTION, t.ACTIONS_RU.get(k, k), v] for k, v in sorted(r.violations_by_action.items())]
                  + [[t.MOD_AUDIT, t.ACTIONS_RU.get(k, k), v] for k, v in sorted(r.audit_by_action.items())])
    return {
        t.SHEET_SUMMARY: (t.HEAD_METRIC, _summary_rows(r)),
        t.SHEET_CHATS: (t.HEAD_CHATS, chats),
        t.SHEET_DAILY: _daily_sheet(r.daily),
        t.SHEET_AWAY: (t.HEAD_FLOW, _flow_rows(r.away)),
        t.SHEET_GUESTS: (t.HEAD_FLOW, _flow_rows(r.guests)),
        t.SHEET_SILENT: (t.HEAD_SILENT, silent),
        t.SHEET_MODERATION: (t.HEAD_MODERATION, moderation),
    }


def _area_row(row: AreaRow, parent: str) -> list:
    ro = row.roster
    return [row.name, parent, row.schools, row.chats, row.classes, row.covered, round(row.coverage * 100),
            ro["student"].total, ro["student"].linked, ro["parent"].total, ro["parent"].linked,
            ro["staff"].total, ro["staff"].linked, row.active["student"], row.active["parent"], row.active["staff"],
            row.messages_in_chats, row.own_messages, row.guest_messages, row.unknown_messages,
            row.credited_messages, row.away_messages, row.silent_chats, row.silent_members, row.violations]


def area_sheets(r: CoordinatorReport) -> Sheets:
    muni_names = {m.org_id: m.name for m in r.municipalities}
    schools = [_area_row(_row_of(s), muni_names.get(s.parent_id, "")) for s in r.schools]
    total = _area_row(r.totals, "")
    total[0] = t.TOTAL_ROW
    sheets: Sheets = {t.SHEET_SCHOOLS: (t.HEAD_AREA, schools + [total])}
    if r.kind == "region":
        sheets[t.SHEET_MUNIS] = (t.HEAD_AREA, [_area_row(m, r.name) for m in r.municipalities] + [total])
    sheets[t.SHEET_DAILY] = _daily_sheet(r.daily)
    return sheets


def to_xlsx(sheets: Sheets) -> bytes:
    return tables.to_xlsx(sheets)


def to_csv(sheets: Sheets) -> bytes:
    """Every table in one CSV, one after another: a title line, the header, rows, an empty line."""
    width = max(len(head) for head, _ in sheets.values())
    rows: list[list] = []
    for name, (head, body) in sheets.items():
        rows += [[name], list(head), *body, []]
    first = rows.pop(0)
    return tables.to_csv([*first, *[""] * (width - 1)], rows[:-1])
