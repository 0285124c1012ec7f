"""Roster use cases: import (preview → apply all-or-nothing), enrol, expel, transfer,
home schooling, new-year promotion. Every change records a roster event for chat membership."""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass

from bot import texts
from bot.db import Database
from bot.domain.classes import ClassName, looks_like_class, parse_class
from bot.domain import file_tables
from bot.domain.names import clean_display_name, has_control_chars, normalize_name
from bot.domain.promotion import plan_promotion
from bot.domain.roster_file import parse_roster
from bot.domain.roster_plan import file_classes, format_preview, outside_classes, plan_import
from bot.domain.roster_preview import count_lines, expelled_names
from bot.domain.roster_types import ParsedRoster
from bot.domain.errors import UserError
from bot.domain.roster_ops import AddStaff, ExpelStudent, GrantRole, ImportPlan, RevokeRole, RosterSnapshot
from bot.services import eligibility, roster_effects
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.repo.orgs import Org
from bot.repo.people import Person
from bot.services.access import ROLE_NAMES_RU, Caller, may_grant
from bot.services.orgs import Orgs
from bot.texts import confirm as ct
from bot.texts import roster as roster_texts
from bot.vk.keyboards import Button, inline

log = logging.getLogger(__name__)

MAX_FILE_BYTES = file_tables.MAX_FILE_BYTES  # the download limit; parsing refuses larger too
MAX_NAME = 120
# Files parsed at once, each in a worker thread (bounded in size, see file_tables): two cores,
# and a third school waits a moment rather than doubling the memory.
MAX_PARSING = 2
# Times an apply re-plans when the school changed between planning and its transaction.
APPLY_ATTEMPTS = 3
ROSTER_EXTENSIONS = ("csv", "xlsx", "txt")


@dataclass(frozen=True)
class Reply:
    text: str
    keyboard: str | None = None
    attachment: str | None = None
    snack: str | None = None  # after a button press: the snackbar, when not the default
    files: tuple[tuple[str, bytes], ...] = ()  # documents the handler uploads and attaches


def question_keyboard(action_id: int, label: str, color: str = "negative") -> str:
    """One button that does what the question says, and «Отменить»."""
    return inline([[
        Button(label, {"a": "pa", "id": action_id, "do": "apply"}, color),
        Button(texts.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"}),
    ]])


def confirm_keyboard(action_id: int) -> str:
    return inline([[
        Button(texts.BUTTON_APPLY, {"a": "pa", "id": action_id, "do": "apply"}, "positive"),
        Button(texts.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"}, "negative"),
    ]])


def split_name_class(args: str, *, class_required: bool) -> tuple[str, ClassName | None]:
    words = args.split()
    cls = None
    if words and (looks_like_class(words[-1]) or any(ch.isdigit() for ch in words[-1])):
        cls = parse_class(words.pop())  # a malformed class gets its own explanation
    elif len(words) >= 2 and looks_like_class(" ".join(words[-2:])):
        cls = parse_class(" ".join(words[-2:]))
        words = words[:-2]
    name = " ".join(words)
    if not name or (class_required and cls is None):
        raise UserError(texts.ROSTER_NEED_NAME_CLASS)
    return name, cls


def _plan_and_preview(parsed: ParsedRoster, snapshot: RosterSnapshot,
                      only_file_classes: bool = False) -> tuple[ImportPlan, str]:
    plan = plan_import(parsed, snapshot, only_file_classes=only_file_classes)
    return plan, format_preview(plan)


def _summary(plan: ImportPlan) -> str:
    """«Ученики: новых 4; Родители: новых 2» — what was applied, from the plan's counts."""
    return "; ".join(line.rstrip(".") for line in count_lines(plan)) or "—"


def _names_csv(names: list[str]) -> bytes:
    rows = [";".join(ct.EXPELLED_FILE_HEADERS)]
    for entry in names:
        name, _, cls = entry.rpartition(" (")
        rows.append(f"{name};{cls.rstrip(')')}")
    return ("\n".join(rows) + "\n").encode("utf-8-sig")


class Roster:
    def __init__(self, db: Database, orgs: Orgs) -> None:
        self.db = db
        self.orgs = orgs
        self._parsing = asyncio.Semaphore(MAX_PARSING)

    # Parsing and planning are CPU work on up to 20 000 rows: they run in a worker thread, never
    # on the event loop (every chat would wait), and never inside the write transaction.

    async def _parse(self, data: bytes, filename: str) -> ParsedRoster:
        async with self._parsing:
            return await asyncio.to_thread(parse_roster, data, filename)

    async def _plan(self, parsed: ParsedRoster, org_id: int, *,
                    only_file_classes: bool = False) -> tuple[RosterSnapshot, ImportPlan, str]:
        """The school as committed now, and the plan and preview of the file against it."""
        snapshot = await people_repo.snapshot(self.db, org_id)
        plan, preview = await asyncio.to_thread(_plan_and_preview, parsed, snapshot, only_file_classes)
        return snapshot, plan, preview

    async def org_for(self, caller: Caller, args: str) -> tuple[Org, str]:
        """Split an optional trailing «школа <код>» off the arguments and resolve the school."""
        words = args.split()
        code = None
        if len(words) >= 2 and words[-2].casefold() in ("школа", "орг"):
            code = words[-1]
            words = words[:-2]
        org = await self.orgs.resolve(caller, "roster_manage", code, what=texts.WHAT_ROSTER)
        return org, " ".join(words)

    # -- import -------------------------------------------------------------------------

    async def forbidden_roles(self, caller: Caller, org_id: int, plan) -> str | None:
        """A roster file cannot hand out (or take away) roles its sender may not grant."""
        ancestors = await org_repo.ancestors(self.db, org_id)
        names_by_role: dict[str, list[str]] = {}
        display = {p.person_id: p.display_name for p in (await people_repo.snapshot(self.db, org_id)).persons}
        for op in plan.operations:
            if isinstance(op, GrantRole | RevokeRole) and not may_grant(caller, op.role.role, org_id, ancestors):
                person = op.person if isinstance(op, GrantRole) else op.person_id
                name = next((o.name for o in plan.operations if isinstance(o, AddStaff) and o.ref == person),
                            display.get(person, "?") if isinstance(person, int) else "?")
                names_by_role.setdefault(op.role.role, []).append(name)
        if not names_by_role:
            return None
        return "\n".join(texts.ROLE_IMPORT_FORBIDDEN.format(role=ROLE_NAMES_RU[role], names=", ".join(names))
                         for role, names in names_by_role.items())

    async def import_preview(self, caller: Caller, org: Org, filename: str, data: bytes, now: int) -> Reply:
        parsed = await self._parse(data, filename)
        _, plan, preview = await self._plan(parsed, org.id)
        if not plan.ok:
            return Reply(f"{preview}\n\n{texts.IMPORT_HAS_PROBLEMS}")
        forbidden = await self.forbidden_roles(caller, org.id, plan)
        if forbidden:
            return Reply(f"{preview}\n\n{forbidden}\n{texts.IMPORT_HAS_PROBLEMS}")
        if not plan.has_changes:
            return Reply(preview)
        payload = {"filename": filename, "data": base64.b64encode(data).decode(),
                   "what": ct.what_import(filename)}
        return await self._offer(caller, org.id, parsed, plan, preview, payload, now)

    async def _offer(self, caller: Caller, org_id: int, parsed: ParsedRoster, plan: ImportPlan, preview: str,
                     payload: dict, now: int, *, prefix: str = "") -> Reply:
        """The question before applying: what the file changes, by name whom it expels; when the
        file lists only some classes and applying it whole would expel the others, applying only
        the file's classes comes first and the whole file is a red button saying what it does."""
        scoped_plan, scoped_preview = None, None
        outside = {p.person_id for p in outside_classes(parsed, await people_repo.snapshot(self.db, org_id))}
        if any(isinstance(op, ExpelStudent) and op.person_id in outside for op in plan.operations):
            _, scoped_plan, scoped_preview = await self._plan(parsed, org_id, only_file_classes=True)
            if not scoped_plan.ok or await self.forbidden_roles(caller, org_id, scoped_plan):
                scoped_plan, scoped_preview = None, None
        expelled = expelled_names(plan)
        files: tuple[tuple[str, bytes], ...] = ()
        if len(expelled) > roster_texts.PREVIEW_NAMES_SHOWN:
            files = ((ct.EXPELLED_FILE_NAME, _names_csv(expelled)),)
        action_id = await pending_repo.create(
            self.db, kind="import", vk_id=caller.vk_id, org_id=org_id, now=now,
            payload={**payload, "preview": preview, "scoped_preview": scoped_preview},
        )
        full_label = ct.button_full(len(expelled)) if expelled else texts.BUTTON_APPLY
        full = Button(full_label, {"a": "pa", "id": action_id, "do": "apply"}, "negative" if expelled else "positive")
        cancel = Button(texts.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"})
        note = f"{ct.EXPELLED_FILE_NOTE}\n" if files else ""
        if scoped_plan is None or scoped_preview is None:
            return Reply(f"{prefix}{preview}\n\n{note}{texts.IMPORT_CONFIRM}", inline([[full, cancel]]), files=files)
        classes = sorted(str(c) for c in file_classes(parsed))
        rows = [[full], [cancel]]
        if scoped_plan.has_changes:
            rows.insert(0, [Button(ct.BUTTON_SCOPED, {"a": "pa", "id": action_id, "do": "scoped"}, "positive")])
        text = (f"{prefix}{ct.import_outside_classes(classes, len(outside))}\n\n"
                f"{ct.SCOPED_TITLE}\n{scoped_preview}\n\n{ct.FULL_TITLE}\n{preview}\n\n{note}{ct.IMPORT_CONFIRM_SCOPED}")
        return Reply(text, inline(rows), files=files)

    async def import_apply(self, caller: Caller, action: pending_repo.Pending, now: int, *,
                           scoped: bool = False) -> Reply:
        """Plan again outside the transaction; apply in a short one only if the school is still
        exactly what was planned against and the preview is still the one the user saw.
        ``scoped``: only the classes of the file (nobody outside them is expelled)."""
        fresh = await pending_repo.get(self.db, action.id)
        if fresh is None or fresh.status != "open":
            return Reply(texts.PENDING_GONE)
        assert action.org_id is not None
        seen = action.payload.get("scoped_preview" if scoped else "preview")
        if seen is None:
            return Reply(texts.PENDING_GONE)
        parsed = await self._parse(base64.b64decode(action.payload["data"]), action.payload["filename"])
        for _ in range(APPLY_ATTEMPTS):
            snapshot, plan, preview = await self._plan(parsed, action.org_id, only_file_classes=scoped)
            if not plan.ok or preview != seen:
                return await self._import_stale(caller, action, parsed, now)
            forbidden = await self.forbidden_roles(caller, action.org_id, plan)
            if forbidden:
                await pending_repo.claim(self.db, action.id, "cancelled")
                return Reply(f"{forbidden}\n{texts.IMPORT_HAS_PROBLEMS}")
            applied = await self._apply_if_unchanged(caller, action, snapshot, plan, now)
            if applied is not None:
                if scoped:
                    classes = ", ".join(sorted(str(c) for c in file_classes(parsed)))
                    return Reply(ct.IMPORT_SCOPED_APPLIED.format(classes=classes, summary=_summary(plan)))
                return applied
        return Reply(roster_texts.IMPORT_CHANGING)

    async def _import_stale(self, caller: Caller, action: pending_repo.Pending, parsed: ParsedRoster,
                            now: int) -> Reply:
        """The school changed since the preview: never apply what the user did not see."""
        assert action.org_id is not None
        _, plan, preview = await self._plan(parsed, action.org_id)
        if not await pending_repo.claim(self.db, action.id, "cancelled"):
            return Reply(texts.PENDING_GONE)
        if not plan.ok or not plan.has_changes:
            return Reply(texts.IMPORT_STALE.format(preview=preview))
        payload = {k: action.payload[k] for k in ("filename", "data", "what") if k in action.payload}
        return await self._offer(caller, action.org_id, parsed, plan, preview, payload, now,
                                 prefix=ct.IMPORT_STALE_PREFIX)

    async def _apply_if_unchanged(self, caller: Caller, action: pending_repo.Pending, snapshot: RosterSnapshot,
                                  plan: ImportPlan, now: int) -> Reply | None:
        """Apply in one short transaction; None if the school changed since ``snapshot``."""
        assert action.org_id is not None
        async with self.db.transaction():
            if await people_repo.snapshot(self.db, action.org_id) != snapshot:
                return None
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Reply(texts.PENDING_GONE)
            await people_repo.apply_plan(self.db, action.org_id, plan, actor_vk=caller.vk_id, now=now)
            await eligibility.clear_stale_leaders(self.db, action.org_id)
        return Reply(texts.IMPORT_APPLIED.format(summary=_summary(plan)))

    # -- single moves -------------------------------------------------------------------

    async def _pick_student(
        self, caller: Caller, org: Org, name: str, cls: ClassName | None, op: dict, now: int,
    ) -> Person | Reply:
        """The one matching student, or a Reply asking which one (never a guess)."""
        found = await people_repo.find_prefix(self.db, org.id, normalize_name(name), kind="student")
        if cls is not None:
            found = [p for p in found if p.class_name == str(cls)]
        if not found:
            suffix = f" в {cls}" if cls else ""
            raise UserError(texts.ROSTER_STUDENT_NOT_FOUND.format(org=org.name, name=name, cls=suffix))
        if len(found) == 1:
            return found[0]
        action_id = await pending_repo.create(
            self.db, kind="pick", vk_id=caller.vk_id, org_id=org.id, now=now,
            payload={**op, "candidates": [p.id for p in found], "what": ct.what_pick(op["op"], name)},
        )
        # VK allows an inline keyboard 6 rows: five people and «Отменить»; more means add the class
        rows = [[Button(f"{p.full_name}, {p.class_name or '—'}", {"a": "pa", "id": action_id, "do": "pick", "p": p.id})]
                for p in found[:5]]
        rows.append([Button(texts.BUTTON_CANCEL, {"a": "pa", "id": action_id, "do": "cancel"}, "negative")])
        return Reply(texts.ROSTER_PICK.format(org=org.name, name=name), inline(rows))

    async def run_op(self, caller: Caller, org: Org, person: Person, op: dict, now: int) -> Reply:
        """A person was picked: expulsions and transfers still ask (naming whom they touch)."""
        kind = op["op"]
        if kind == "expel":
            return await self._ask_expel(caller, org, person, now)
        if kind == "transfer":
            return await self._ask_transfer(caller, org, person, parse_class(op["to"]), now)
        if kind == "mode":
            return await self._mode(caller, org, person, op["mode"], now)
        raise ValueError(kind)

    async def enrol(self, caller: Caller, args: str, now: int) -> Reply:
        org, rest = await self.org_for(caller, args)
        name, cls = split_name_class(rest, class_required=True)
        assert cls is not None
        if has_control_chars(name):
            raise UserError(roster_texts.NAME_CONTROL_CHARACTERS)
        display = clean_display_name(name)
        key = normalize_name(display)
        for person in await people_repo.find(self.db, org.id, key, kind="student"):
            if person.class_name == str(cls):
                return Reply(texts.ROSTER_ALREADY_ENROLLED.format(name=person.full_name, cls=cls))
        if len(display) > MAX_NAME:
            raise UserError(texts.ROSTER_NAME_TOO_LONG.format(limit=MAX_NAME))
        new_class = await people_repo.class_id(self.db, org.id, cls) is None
        async with self.db.transaction():
            class_id = await people_repo.ensure_class(self.db, org.id, cls, now)
            person_id = await people_repo.create_student(
                self.db, org_id=org.id, full_name=display, name_key=key, class_id_=class_id, mode="regular", now=now)
            await people_repo.record_event(self.db, org_id=org.id, kind="enrol", person_id=person_id,
                                           to_class=class_id, actor_vk=caller.vk_id, now=now)
        note = texts.ENROL_NEW_CLASS.format(cls=cls) if new_class else ""
        return Reply(texts.enrolled(display, str(cls)) + note)

    # An expulsion or a transfer removes the child and the parents from chats at once: both are
    # asked first, naming the people and the chats, and applied only if nothing changed since.

    async def expel(self, caller: Caller, args: str, now: int) -> Reply:
        org, rest = await self.org_for(caller, args)
        name, cls = split_name_class(rest, class_required=False)
        found = await self._pick_student(caller, org, name, cls, {"op": "expel"}, now)
        if isinstance(found, Reply):
            return found
        return await self._ask_expel(caller, org, found, now)

    async def _ask_expel(self, caller: Caller, org: Org, person: Person, now: int) -> Reply:
        async def change() -> None:
            await people_repo.set_status(self.db, person.id, "expelled", now)

        affected = await roster_effects.chat_changes(self.db, person, change)
        action_id = await pending_repo.create(
            self.db, kind="expel", vk_id=caller.vk_id, org_id=org.id, now=now,
            payload={"p": person.id, "class_id": person.class_id,
                     "what": ct.what_expel(person.full_name, person.class_name)},
        )
        text = ct.expel_question(person.full_name, person.class_name, [a.line() for a in affected])
        return Reply(text, question_keyboard(action_id, ct.BUTTON_EXPEL))

    async def _unchanged_student(self, action: pending_repo.Pending) -> tuple[Org, Person] | Reply:
        fresh = await pending_repo.get(self.db, action.id)
        if fresh is None or fresh.status != "open" or action.org_id is None:
            return Reply(texts.PENDING_GONE)
        person = await people_repo.get(self.db, int(action.payload["p"]))
        if person is None or person.status != "active" or person.class_id != action.payload.get("class_id"):
            await pending_repo.claim(self.db, action.id, "cancelled")
            return Reply(ct.CHANGED_SINCE, snack=ct.CHANGED_SNACK)
        return await self.orgs.db_org(action.org_id), person

    async def expel_apply(self, caller: Caller, action: pending_repo.Pending, now: int) -> Reply:
        found = await self._unchanged_student(action)
        if isinstance(found, Reply):
            return found
        org, person = found
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Reply(texts.PENDING_GONE)
            await people_repo.set_status(self.db, person.id, "expelled", now)
            await people_repo.record_event(self.db, org_id=org.id, kind="expel", person_id=person.id,
                                           from_class=person.class_id, actor_vk=caller.vk_id, now=now)
        return Reply(ct.expelled(person.full_name, person.class_name))

    async def transfer(self, caller: Caller, args: str, now: int) -> Reply:
        org, rest = await self.org_for(caller, args)
        name, cls = split_name_class(rest, class_required=True)
        assert cls is not None
        found = await self._pick_student(caller, org, name, None, {"op": "transfer", "to": str(cls)}, now)
        return found if isinstance(found, Reply) else await self._ask_transfer(caller, org, found, cls, now)

    async def _ask_transfer(self, caller: Caller, org: Org, person: Person, cls: ClassName, now: int) -> Reply:
        if person.class_name == str(cls):
            return Reply(texts.ROSTER_SAME_CLASS.format(name=person.full_name, cls=cls))
        # A class the school lacks is mostly a typo («7Г» for «7Б»), sometimes a class opened mid-year:
        # not refused, but said so with the classes the school has, and created only on a red button.
        new_class = await people_repo.class_id(self.db, org.id, cls) is None

        async def change() -> None:
            await people_repo.set_class(self.db, person.id, await people_repo.ensure_class(self.db, org.id, cls, now),
                                        now)

        affected = await roster_effects.chat_changes(self.db, person, change)
        action_id = await pending_repo.create(
            self.db, kind="transfer", vk_id=caller.vk_id, org_id=org.id, now=now,
            payload={"p": person.id, "class_id": person.class_id, "to": str(cls), "new_class": new_class,
                     "what": ct.what_transfer(person.full_name, person.class_name, str(cls))},
        )
        text = ct.transfer_question(person.full_name, person.class_name, str(cls), [a.line() for a in affected])
        if new_class:
            existing = [str(c) for _, c in await people_repo.classes(self.db, org.id)]
            text = ct.transfer_new_class(str(cls), org.name, existing) + text
        label = ct.button_transfer(str(cls), new_class=new_class)
        return Reply(text, question_keyboard(action_id, label, "negative" if new_class else "primary"))

    async def transfer_apply(self, caller: Caller, action: pending_repo.Pending, now: int) -> Reply:
        found = await self._unchanged_student(action)
        if isinstance(found, Reply):
            return found
        org, person = found
        cls = parse_class(action.payload["to"])
        async with self.db.transaction():
            if not action.payload.get("new_class") and await people_repo.class_id(self.db, org.id, cls) is None:
                await pending_repo.claim(self.db, action.id, "cancelled")
                return Reply(ct.CHANGED_SINCE, snack=ct.CHANGED_SNACK)  # the class went away (a new year) meanwhile
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Reply(texts.PENDING_GONE)
            new_id = await people_repo.ensure_class(self.db, org.id, cls, now)
            await people_repo.set_class(self.db, person.id, new_id, now)
            await people_repo.record_event(self.db, org_id=org.id, kind="transfer", person_id=person.id,
                                           from_class=person.class_id, to_class=new_id, actor_vk=caller.vk_id,
                                           now=now)
        return Reply(ct.transferred(person.full_name, person.class_name, str(cls)))

    async def homeschool(self, caller: Caller, args: str, now: int) -> Reply:
        org, rest = await self.org_for(caller, args)
        words = rest.split()
        switch = words.pop().casefold() if words else ""
        modes = {"вкл": "homeschool", "да": "homeschool", "выкл": "regular", "нет": "regular",
                 "отсутствует": "long_absent"}
        if switch not in modes:
            raise UserError(texts.ROSTER_MODE_WORD)
        name, cls = split_name_class(" ".join(words), class_required=False)
        op = {"op": "mode", "mode": modes[switch]}
        found = await self._pick_student(caller, org, name, cls, op, now)
        return found if isinstance(found, Reply) else await self._mode(caller, org, found, modes[switch], now)

    async def _mode(self, caller: Caller, org: Org, person: Person, mode: str, now: int) -> Reply:
        if person.mode == mode:
            return Reply(texts.ROSTER_MODE_SAME.format(name=person.full_name, mode=texts.MODE_NAMES[mode]))
        async with self.db.transaction():
            await people_repo.set_mode(self.db, person.id, mode, now)
            await people_repo.record_event(self.db, org_id=org.id, kind="mode", person_id=person.id,
                                           actor_vk=caller.vk_id, now=now,
                                           details={"from": person.mode, "to": mode})
        return Reply(texts.ROSTER_MODE_SET.format(name=person.full_name, mode=texts.MODE_NAMES[mode]))

    # -- new year -------------------------------------------------------------------------

    async def new_year_preview(self, caller: Caller, args: str, now: int) -> Reply:
        org, _ = await self.org_for(caller, args)
        current = await people_repo.classes(self.db, org.id)
        if not current:
            return Reply(texts.NEWYEAR_NOTHING.format(org=org.name))
        pairs = plan_promotion([c for _, c in current], org.last_grade)
        sizes = {str(c): len(await people_repo.students_of_class(self.db, cid)) for cid, c in current}
        lines = [texts.NEWYEAR_LINE.format(old=old, new=new, count=sizes[str(old)]) for old, new in pairs if new]
        graduates = ", ".join(str(old) for old, new in pairs if new is None) or "—"
        action_id = await pending_repo.create(self.db, kind="new_year", vk_id=caller.vk_id, org_id=org.id,
                                              payload={"classes": [str(c) for _, c in current],
                                                       "what": ct.WHAT_NEW_YEAR}, now=now)
        text = texts.NEWYEAR_PREVIEW.format(org=org.name, lines="\n".join(lines) or "—", graduates=graduates)
        return Reply(f"{text}\n\n{texts.IMPORT_CONFIRM}", confirm_keyboard(action_id))

    async def new_year_apply(self, caller: Caller, action: pending_repo.Pending, now: int) -> Reply:
        assert action.org_id is not None
        fresh = await pending_repo.get(self.db, action.id)
        if fresh is None or fresh.status != "open":
            return Reply(texts.PENDING_GONE)
        org_id = action.org_id
        async with self.db.transaction():
            current = await people_repo.classes(self.db, org_id)
            if sorted(str(c) for _, c in current) != sorted(action.payload["classes"]):
                await pending_repo.claim(self.db, action.id, "cancelled")
                return Reply(texts.PENDING_GONE)
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Reply(texts.PENDING_GONE)
            org = await self.orgs.db_org(org_id)
            ids = {str(c): cid for cid, c in current}
            graduated = []
            for old, new in plan_promotion([c for _, c in current], org.last_grade):
                cid = ids[str(old)]
                if new is None:
                    await people_repo.graduate_class(self.db, cid)
                    for student in await people_repo.students_of_class(self.db, cid):
                        await people_repo.set_status(self.db, student.id, "graduated", now)
                        await people_repo.record_event(self.db, org_id=org_id, kind="graduate",
                                                       person_id=student.id, from_class=cid,
                                                       actor_vk=caller.vk_id, now=now)
                    graduated.append(str(old))
                else:
                    await people_repo.rename_class(self.db, cid, new)
                    await people_repo.record_event(self.db, org_id=org_id, kind="promote", from_class=cid,
                                                   to_class=cid, actor_vk=caller.vk_id, now=now,
                                                   details={"from": str(old), "to": str(new)})
        return Reply(texts.NEWYEAR_APPLIED.format(graduates=", ".join(graduated) or "—"))
