"""Join codes printed as cut-out slips: one block per person (who it is for, the code in large
letters, two short steps, the expiry) with a cut line between blocks; the plain list follows on a
second sheet for the staff member who hands them out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.properties import PageSetupProperties

from bot.domain.tables import CodeEntry, _text, codes_sheet
from bot.texts import admission as t

SLIP_WIDTH = 95  # characters: one slip across an A4 page


@dataclass(frozen=True)
class SlipContext:
    school: str
    community: str  # how to find the community in VK («vk.me/zavuch»)


def slip_lines(entry: CodeEntry, ctx: SlipContext) -> list[str]:
    """The lines of one slip, top to bottom (the code is the third line)."""
    cls = str(entry.class_name) if entry.class_name else ""
    if entry.kind == "parent":
        who = t.SLIP_FOR_PARENT.format(name=entry.name, child=entry.child_name or "—", cls=cls or "—")
    elif entry.kind == "student" and cls:
        who = t.SLIP_FOR_STUDENT.format(name=entry.name, cls=cls)
    else:
        who = t.SLIP_FOR.format(name=entry.name)
    return [
        t.SLIP_TITLE.format(school=ctx.school),
        who,
        t.SLIP_CODE.format(code=entry.code),
        t.SLIP_STEP_1.format(community=ctx.community),
        t.SLIP_STEP_2,
        t.SLIP_UNTIL.format(until=entry.valid_until.strftime("%d.%m.%Y")),
    ]


def slips_xlsx(entries: Sequence[CodeEntry], ctx: SlipContext, list_title: str) -> bytes:
    """The workbook: «Листки» first (what is printed), then the list."""
    ordered = sorted(entries, key=lambda e: (str(e.class_name or ""), e.name))
    workbook = Workbook()
    slips = workbook.active
    assert slips is not None
    slips.title = t.SLIPS_SHEET
    slips.column_dimensions["A"].width = SLIP_WIDTH
    cut = Border(bottom=Side(style="dashed"))
    for index, entry in enumerate(ordered):
        for number, line in enumerate(slip_lines(entry, ctx)):
            slips.append([_text(line)])
            cell = slips.cell(row=slips.max_row, column=1)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if number == 0:
                cell.font = Font(bold=True)
            elif number == 2:
                cell.font = Font(bold=True, size=20, name="Courier New")
                slips.row_dimensions[slips.max_row].height = 30
        slips.append([t.SLIP_CUT if index < len(ordered) - 1 else ""])
        slips.cell(row=slips.max_row, column=1).border = cut
    slips.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # one slip across, pages as needed
    slips.page_setup.fitToWidth = 1
    slips.page_setup.fitToHeight = 0
    headers, rows = codes_sheet(entries)
    table = workbook.create_sheet(list_title[:31])
    table.append(list(headers))
    for cell in table[1]:
        cell.font = Font(bold=True)
    for row in rows:
        table.append([_text(v) for v in row])
    for column, width in zip("ABCDE", (40, 8, 40, 14, 14)):
        table.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
