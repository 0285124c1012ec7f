"""The short Russian preview of an import plan, shown before the user confirms it."""

from __future__ import annotations

from bot.texts import roster as texts
from bot.domain.roster_ops import ExpelStudent, ImportPlan, MoveStudent
from bot.domain.roster_types import Problem

MAX_PROBLEM_LINES = 30


def problem_line(problem: Problem) -> str:
    """«строка 7: не понял класс «5Щ1». …» or «лист «Ученики», строка 7: …»."""
    if problem.line is None and problem.sheet is None:
        return problem.message_ru
    return f"{texts.place(problem.line, problem.sheet)}: {problem.message_ru}"


def expelled_names(plan: ImportPlan) -> list[str]:
    """«Иванов Пётр Сергеевич (5А)» for everyone the plan expels, in the plan's order."""
    return [f"{op.name} ({op.class_name or '—'})" for op in plan.operations if isinstance(op, ExpelStudent)]


def count_lines(plan: ImportPlan) -> list[str]:
    """«Ученики: новых 4, отчислено 1.» per kind of people the plan touches."""
    lines: list[str] = []
    for kind, title in texts.PREVIEW_KIND_TITLES.items():
        counts = plan.counts[kind]
        parts = [f"{label} {getattr(counts, name)}" for name, label in texts.PREVIEW_COUNT_LABELS if getattr(counts, name)]
        if parts:
            lines.append(f"{title}: {', '.join(parts)}.")
    return lines


def format_preview(plan: ImportPlan, *, max_problems: int = MAX_PROBLEM_LINES) -> str:
    lines = count_lines(plan)
    moved = [f"{op.name} ({op.old_class or '—'} → {op.new_class})" for op in plan.operations
             if isinstance(op, MoveStudent)]
    if moved:
        lines.append(texts.preview_moved(moved))
    expelled = expelled_names(plan)
    if expelled:
        lines.append(texts.preview_expelled(expelled))
    lines.extend(texts.warning_line(w) for w in plan.warnings)
    if plan.problems:
        lines.append(texts.preview_problems_title(len(plan.problems)))
        lines.extend(problem_line(p) for p in plan.problems[:max_problems])
        if len(plan.problems) > max_problems:
            lines.append(texts.preview_more(len(plan.problems) - max_problems))
    elif not plan.has_changes:
        lines.append(texts.PREVIEW_NO_CHANGES)
    else:
        lines.append(texts.PREVIEW_OK_WITH_WARNINGS if plan.warnings else texts.PREVIEW_OK)
    return "\n".join(lines)
