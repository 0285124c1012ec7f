"""Classes typed as a list: «5А, 5Б, 7» — whole grades and single classes (an announcement's
audience). Pure: raises UserError (the Russian answer) on anything else."""

from __future__ import annotations

import re

from bot.domain.classes import ClassNameError, parse_class
from bot.domain.errors import UserError
from bot.texts import announce as t


def parse_classes(text: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """«5А, 5Б, 7» -> grades (7,), classes («5А», «5Б»)."""
    grades: list[int] = []
    classes: list[str] = []
    parts = [p for p in re.split(r"[,;\s]+(?=\d)|[,;]", text) if p.strip()]
    if not parts:
        raise UserError(t.BAD_CLASSES.format(text=text.strip()[:40]))
    for part in parts:
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 11:
            grades.append(int(part))
            continue
        try:
            name = parse_class(part)
        except ClassNameError:
            raise UserError(t.BAD_CLASSES.format(text=part[:40])) from None
        classes.append(f"{name.grade}{name.letter}")
    return tuple(dict.fromkeys(grades)), tuple(dict.fromkeys(classes))
