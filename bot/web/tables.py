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
    sheets: list[Table] = field(default_factory=list)  # a workbook of several tables (no rows of its own)

    def xlsx(self) -> bytes:
        parts = self.sheets or [self]
        return to_xlsx({part.title: (part.headers, part.rows) for part in parts})

    def csv(self) -> bytes:
        """One table; a workbook of several is its tables one after another, a title line before each."""
        if not self.sheets:
            return to_csv(self.headers, self.rows)
        rows: list[list[Cell]] = []
        for part in self.sheets:
            rows += [[part.title], list(part.headers), *part.rows, []]
        return to_csv([self.title], rows)


_UNSAFE = re.compile(r"[^a-z0-9-]+")


def file_name(org_code: str, key: str, month: str, ext: str) -> str:
    """ASCII file name (no personal data): ``kabinet-sch12-classes-2026-10.xlsx``."""
    code = _UNSAFE.sub("-", org_code.lower()).strip("-") or "org"
    return f"kabinet-{code}-{key}-{month}.{ext}"
