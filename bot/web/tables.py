"""A table of the cabinet: shown on a page and downloadable as XLSX or CSV with the same rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.tables import Cell, to_csv, to_xlsx


@dataclass
class Table:
    key: str  # stable id: the download address ends with it
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    links: dict[int, str] = field(default_factory=dict)  # row index -> page its ``link_col`` cell opens
    link_col: int = 0
    shown: int = 200  # rows on the page (a region has 1,500 schools); the files have them all
    empty: str = ""  # said instead of an empty table

    def xlsx(self) -> bytes:
        return to_xlsx({self.title: (self.headers, self.rows)})

    def csv(self) -> bytes:
        return to_csv(self.headers, self.rows)


_UNSAFE = re.compile(r"[^a-z0-9-]+")


def file_name(org_code: str, key: str, month: str, ext: str) -> str:
    """ASCII file name (no personal data): ``kabinet-sch12-classes-2026-10.xlsx``."""
    code = _UNSAFE.sub("-", org_code.lower()).strip("-") or "org"
    return f"kabinet-{code}-{key}-{month}.{ext}"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"
