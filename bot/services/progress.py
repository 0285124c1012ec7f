"""Private progress notes: a teacher's spreadsheet (one row per student, any columns) becomes one
private message per linked parent with only their own child's row — never anything in a chat.

The rows are matched to the students of the classes the teacher leads or teaches (by name, and
by the «Класс» column when there is one); rows that match nobody, several students, a class
that is not the teacher's, or the same student twice are reported and nothing is sent for them.
Before sending, the teacher confirms (how many parents will receive it).

Nothing of the sheet is kept: the preview's pending action holds the rows until the press (the
claim clears it), each message's text lives in its recorded action until it is sent (the action
runner clears it), and a delivery row names only the student and the parent. Once every message
of the batch was performed, ``report_finished`` tells the teacher who could not be reached and
drops the batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from bot.db import Database
from bot.domain.classes import ClassNameError, parse_class
from bot.domain.clock import Clock
from bot.domain.errors import UserError
from bot.domain.file_tables import RawTable, TableReadError, read_tables
from bot.domain.names import normalize_name
from bot.domain.roster_headers import Col, map_header
from bot.pipeline import unit as units
from bot.pipeline.effects import Effects, Lane
from bot.repo import chats as chat_repo
from bot.repo import hotline as dialogs
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.repo import progress as repo
from bot.repo.pending import Pending
from bot.repo.people import Person
from bot.services.access import Caller
from bot.services.progress_results import (AlreadyDone, Applied, NothingToSend, Preview, SheetRow, Started,
                                           StudentRef)
from bot.texts import progress as t

log = logging.getLogger(__name__)

KIND = "progress"  # the pending confirmation
WAIT_KIND = "progress_wait"  # /успеваемость without a file: the next file is the sheet
TEACHING_ROLES = ("class_teacher", "subject_teacher", "teacher")
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 500
MAX_MESSAGE = 3500
PREVIEW_TTL = 3600
WAIT_TTL = 600
EXTENSIONS = ("csv", "xlsx", "txt")
_NAME_COLS = (Col.FIO, Col.LAST, Col.FIRST, Col.MIDDLE)
_CLASS_COLS = (Col.CLASS, Col.GRADE, Col.LETTER)
CANNOT_MESSAGE = (901, 902)


@dataclass
class Matching:
    """Rows matched to students, and what was not."""

    matched: list[tuple[SheetRow, Person]] = field(default_factory=list)
    unmatched: list[SheetRow] = field(default_factory=list)
    ambiguous: list[SheetRow] = field(default_factory=list)
    foreign: list[SheetRow] = field(default_factory=list)
    duplicate: list[SheetRow] = field(default_factory=list)


def _header(table: RawTable) -> tuple[int, dict[Col, int]] | None:
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        cols = map_header(row.cells)
        if Col.FIO in cols or (Col.LAST in cols and Col.FIRST in cols):
            return index, cols
    return None


def read_sheet(data: bytes, filename: str = "") -> list[SheetRow]:
    """The sheet's rows (the first table with a name column); raises UserError with what is wrong."""
    try:
        tables = read_tables(data, filename)
    except TableReadError as exc:
        raise UserError(exc.message) from None
    for table in tables:
        found = _header(table)
        if found is None:
            continue
        index, cols = found
        header = table.rows[index].cells
        skip = {cols[c] for c in (*_NAME_COLS, *_CLASS_COLS) if c in cols}
        data_cols = [i for i, title in enumerate(header) if i not in skip and title.strip()]
        if not data_cols:
            raise UserError(t.NO_DATA_COLUMNS)
        rows: list[SheetRow] = []
        for row in table.rows[index + 1:]:
            def get(col: Col) -> str:
                at = cols.get(col)
                return row.cells[at].strip() if at is not None and at < len(row.cells) else ""

            name = get(Col.FIO) or " ".join(p for p in (get(Col.LAST), get(Col.FIRST), get(Col.MIDDLE)) if p)
            if not name:
                continue
            cls = get(Col.CLASS) or (get(Col.GRADE) + get(Col.LETTER))
            cells = tuple((header[i].strip(), row.cells[i].strip()) for i in data_cols
                          if i < len(row.cells) and row.cells[i].strip())
            rows.append(SheetRow(row.line, " ".join(name.split()), cls.strip(), cells))
        if not rows:
            raise UserError(t.NO_ROWS)
        if len(rows) > MAX_ROWS:
            raise UserError(t.TOO_MANY_ROWS.format(rows=len(rows), limit=MAX_ROWS))
        return rows
    raise UserError(t.NO_NAME_COLUMN)


def match_rows(rows: list[SheetRow], students: list[Person]) -> Matching:
    """Each row against the teacher's students: the same name (a patronymic more or less is
    allowed), within the row's class when the sheet names one."""
    result = Matching()
    classes = {s.class_name for s in students if s.class_name}
    by_student: dict[int, list[SheetRow]] = {}
    picked: list[tuple[SheetRow, Person]] = []
    for row in rows:
        key = normalize_name(row.name)
        pool = students
        if row.cls:
            try:
                cls = str(parse_class(row.cls))
            except (ClassNameError, ValueError):
                cls = row.cls
            if cls not in classes:
                result.foreign.append(row)
                continue
            pool = [s for s in students if s.class_name == cls]
        found = [s for s in pool if s.name_key == key]
        if not found:
            found = [s for s in pool if s.name_key.startswith(key + " ") or key.startswith(s.name_key + " ")]
        if not found:
            result.unmatched.append(row)
        elif len(found) > 1:
            result.ambiguous.append(row)
        else:
            by_student.setdefault(found[0].id, []).append(row)
            picked.append((row, found[0]))
    for row, student in picked:
        if len(by_student[student.id]) > 1:
            result.duplicate.append(row)
        else:
            result.matched.append((row, student))
    return result


def _note_text(row: SheetRow, student: Person) -> str:
    lines = "\n".join(t.CELL.format(header=h, value=v) for h, v in row.cells)
    text = t.to_parent(student.full_name, student.class_name or "—", lines)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class Progress:
    def __init__(self, db: Database, effects: Effects, clock: Clock, community: str) -> None:
        self.db = db
        self.effects = effects
        self.clock = clock
        self.community = community  # vk.me/... for «write to the community»

    @classmethod
    def of(cls, app: Any) -> Progress:
        from bot.services.reach import community_ref

        return cls(app.db, app.effects, app.clock, community_ref(app.group_id, app.screen_name))

    def now(self) -> int:
        return int(self.clock.now())

    # -- who and whose ------------------------------------------------------------------------

    @staticmethod
    def class_ids(caller: Caller) -> dict[int, int]:
        """The classes the caller leads or teaches: class id -> the school's org id."""
        return {g.class_id: g.org_id for g in caller.grants if g.role in TEACHING_ROLES and g.class_id is not None}

    async def classes(self, caller: Caller) -> dict[int, int]:
        """The classes the caller leads or teaches: by a role in the class, or as the leader of
        the class's subject chat (a subject teacher)."""
        found = self.class_ids(caller)
        for person in await people_repo.by_vk(self.db, caller.vk_id):
            if person.kind != "staff" or person.status != "active":
                continue
            for chat in await chat_repo.in_org(self.db, person.home_org_id):
                if chat.type == "subject" and chat.leader_id == person.id and chat.class_id is not None:
                    found.setdefault(chat.class_id, person.home_org_id)
        return found

    async def students(self, caller: Caller) -> list[Person]:
        found: list[Person] = []
        for class_id in sorted(await self.classes(caller)):
            found.extend(await people_repo.students_of_class(self.db, class_id))
        return found

    # -- the file and the preview ---------------------------------------------------------------

    async def wait_for_file(self, caller: Caller) -> None:
        """/успеваемость without a file: the next file sent is taken as the sheet (the handler
        says how)."""
        if not await self.classes(caller):
            raise UserError(t.NO_CLASSES)
        async with self.db.transaction():
            await dialogs.close_dialogs(self.db, WAIT_KIND, caller.vk_id)
            await pending_repo.create(self.db, kind=WAIT_KIND, vk_id=caller.vk_id, org_id=None,
                                      payload={"what": t.WHAT_WAIT}, now=self.now(), ttl=WAIT_TTL)

    async def waiting_file(self, vk_id: int) -> int | None:
        found = await dialogs.dialog_of(self.db, WAIT_KIND, vk_id, self.now())
        return int(found) if found is not None else None

    async def preview(self, caller: Caller, filename: str, data: bytes) -> Preview:
        classes = await self.classes(caller)
        if not classes:
            raise UserError(t.NO_CLASSES)
        rows = read_sheet(data, filename)
        students = await self.students(caller)
        matching = match_rows(rows, students)
        items: list[list[Any]] = []
        no_parent: list[Person] = []
        parents_total = 0
        for row, student in matching.matched:
            parents = [p for p in await people_repo.parents(self.db, student.id) if p.vk_id]
            if not parents:
                no_parent.append(student)
                continue
            parents_total += len(parents)
            items.append([student.id, _note_text(row, student)])
        class_names = tuple(sorted({s.class_name for s in students if s.class_name}))
        preview = Preview(classes=class_names, rows=len(rows), parents=parents_total, students=len(items),
                          unmatched=tuple(matching.unmatched), ambiguous=tuple(matching.ambiguous),
                          foreign=tuple(matching.foreign), duplicate=tuple(matching.duplicate),
                          no_parent=tuple(StudentRef(s.full_name, s.class_name) for s in no_parent))
        if not items:
            return preview
        first = next(s for _, s in matching.matched if s.id == items[0][0])
        org_id = classes[min(classes)]
        async with self.db.transaction():
            action_id = await pending_repo.create(
                self.db, kind=KIND, vk_id=caller.vk_id, org_id=org_id,
                payload={"what": t.WHAT.format(classes=", ".join(class_names)), "items": items,
                         "no_parent": [s.id for s in no_parent]},
                now=self.now(), ttl=PREVIEW_TTL)
            await dialogs.close_dialogs(self.db, WAIT_KIND, caller.vk_id)
        return replace(preview, example_student=first.full_name, example_text=str(items[0][1]), action_id=action_id)

    # -- sending ------------------------------------------------------------------------------

    async def apply(self, caller: Caller, action: Pending) -> Applied:
        """The confirmation: one private message per linked parent, recorded under the batch's
        own unit so the outcome of each can be read back; the sheet's rows leave the database
        with the claim."""
        items = [(int(sid), str(text)) for sid, text in action.payload.get("items", [])]
        no_parent = [int(s) for s in action.payload.get("no_parent", [])]
        mine = await self.classes(caller)
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return AlreadyDone()
            students = {sid: await people_repo.get(self.db, sid) for sid, _ in items}
            for student in students.values():
                if student is None or student.class_id not in mine or student.status != "active":
                    raise UserError(t.CLASS_LOST.format(cls=student.class_name if student else "—"))
            if not items:
                return NothingToSend()
            batch_id = await repo.create_batch(self.db, org_id=int(action.org_id or 0), teacher_vk=caller.vk_id,
                                               now=self.now())
            sent = 0
            with units.unit(repo.event_id(batch_id)) as work:
                for student_id, text in items:
                    for parent in await people_repo.parents(self.db, student_id):
                        if not parent.vk_id:
                            continue
                        seq = work.seq + 1  # the sequence Effects gives the send below
                        await self.effects.send(parent.vk_id, text, lane=Lane.BULK)
                        await repo.add_delivery(self.db, batch_id, seq, student_id, parent.id)
                        sent += 1
                    if not any(p.vk_id for p in await people_repo.parents(self.db, student_id)):
                        await repo.add_delivery(self.db, batch_id, work.next_seq(), student_id, None)
                for student_id in no_parent:
                    await repo.add_delivery(self.db, batch_id, work.next_seq(), student_id, None)
        return Started(sent)

    async def report_finished(self) -> int:
        """Batches whose every message was performed: the teacher learns who was not reached
        (by the student's name, with what to do); the batch is dropped."""
        told = 0
        for batch_id, _org_id, teacher_vk in await repo.batches(self.db):
            outcomes = await repo.outcomes(self.db, batch_id)
            if any(parent is not None and status == "pending" for _, _, parent, status, _ in outcomes):
                continue
            total = sum(1 for _, _, parent, _, _ in outcomes if parent is not None)
            failed: dict[tuple[int, str], str] = {}
            sent = 0
            for _seq, student_id, parent, status, error in outcomes:
                if parent is None:
                    student = await people_repo.get(self.db, student_id)
                    cls = student.class_name if student else ""
                    failed.setdefault((student_id, "none"), t.NOT_DELIVERED_LINE.format(
                        student=student.full_name if student else "—", reason=t.REASON_NO_PARENT,
                        fix=t.FIX_NO_PARENT.format(cls=cls)))
                elif status == "failed":
                    student = await people_repo.get(self.db, student_id)
                    name = student.full_name if student else "—"
                    if error in CANNOT_MESSAGE:
                        line = t.NOT_DELIVERED_LINE.format(student=name, reason=t.REASON_BLOCKED,
                                                           fix=t.FIX_BLOCKED.format(community=self.community))
                    else:
                        line = t.NOT_DELIVERED_LINE.format(student=name, reason=t.REASON_VK.format(code=error),
                                                           fix=t.FIX_VK)
                    failed.setdefault((student_id, str(error)), line)
                else:
                    sent += 1
            if failed:
                text = t.DONE_SOME.format(sent=sent, total=total) + "\n\n" + t.NOT_DELIVERED.format(
                    lines="\n".join(failed.values()))
            else:
                text = t.DONE_ALL.format(parents=t.parents(sent))
            with units.unit(f"progress-report:{batch_id}"):
                async with self.db.transaction():
                    await self.effects.send(teacher_vk, text[:4000], lane=Lane.NORMAL)
                    await repo.drop_batch(self.db, batch_id)
            told += 1
        return told
