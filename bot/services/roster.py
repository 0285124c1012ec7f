"""Roster use cases: import (preview → apply all-or-nothing), enrol, expel, transfer,
home schooling, new-year promotion. Every change records a roster event for chat membership.

Typed in, typed out (bot/services/roster_results.py): the handlers read the command's words
(bot/domain/roster_args.py) and render the results."""

from __future__ import annotations

import asyncio
import base64
import logging

from bot import texts
from bot.db import Database
from bot.domain.capabilities import Capability
from bot.domain.org_choice import OrgPurpose
from bot.domain.classes import ClassName, parse_class
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
from bot.services.access import Caller, may_grant
from bot.services.orgs import Orgs
from bot.services.roster_results import (
    AlreadyEnrolled, Candidate, ChangedSince, Enrolled, ExpelAsked, Expelled, ForbiddenRole, Gone, ImportApplied,
    ImportAsked, ImportChanging, ImportForbidden, ImportRefused, ImportResult, ImportStale, ImportUnchanged,
    ModeSame, ModeSet, NeedsPick, NewYearApplied, NewYearAsked, NewYearNothing, PickResult, Promotion, SameClass,
    ScopedOffer, TransferAsked, Transferred,
)
from bot.texts import confirm as ct
from bot.texts import roster as roster_texts

log = logging.getLogger(__name__)

MAX_FILE_BYTES = file_tables.MAX_FILE_BYTES  # the download limit; parsing refuses larger too
MAX_NAME = 120
# Files parsed at once, each in a worker thread (bounded in size, see file_tables): two cores,
# and a third school waits a moment rather than doubling the memory.
MAX_PARSING = 2
# Times an apply re-plans when the school changed between planning and its transaction.
APPLY_ATTEMPTS = 3
ROSTER_EXTENSIONS = ("csv", "xlsx", "txt")
# VK allows an inline keyboard 6 rows: five people and «Отменить»; more means add the class
PICK_SHOWN = 5


def _plan_and_preview(parsed: ParsedRoster, snapshot: RosterSnapshot,
                      only_file_classes: bool = False) -> tuple[ImportPlan, str]:
    plan = plan_import(parsed, snapshot, only_file_classes=only_file_classes)
    return plan, format_preview(plan)


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

    async def org_for(self, caller: Caller, code: str | None) -> Org:
        """The school whose lists the caller keeps: the one named by ``code`` (from «школа <код>»,
        see bot.domain.roster_args.split_org), or the caller's own."""
        return await self.orgs.resolve(caller, Capability.ROSTER_MANAGE, code, purpose=OrgPurpose.ROSTER)

    # -- import -------------------------------------------------------------------------

    async def forbidden_roles(self, caller: Caller, org_id: int, plan: ImportPlan) -> tuple[ForbiddenRole, ...]:
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
        return tuple(ForbiddenRole(role, tuple(names)) for role, names in names_by_role.items())

    async def import_preview(self, caller: Caller, org: Org, filename: str, data: bytes,
                             now: int) -> ImportRefused | ImportUnchanged | ImportAsked:
        parsed = await self._parse(data, filename)
        _, plan, preview = await self._plan(parsed, org.id)
        if not plan.ok:
            return ImportRefused(preview)
        forbidden = await self.forbidden_roles(caller, org.id, plan)
        if forbidden:
            return ImportRefused(preview, forbidden)
        if not plan.has_changes:
            return ImportUnchanged(preview)
        payload = {"filename": filename, "data": base64.b64encode(data).decode(),
                   "what": ct.what_import(filename)}
        return await self._offer(caller, org.id, parsed, plan, preview, payload, now)

    async def _offer(self, caller: Caller, org_id: int, parsed: ParsedRoster, plan: ImportPlan, preview: str,
                     payload: dict, now: int, *, stale: bool = False) -> ImportAsked:
        """The question before applying: what the file changes, by name whom it expels; when the
        file lists only some classes and applying it whole would expel the others, applying only
        the file's classes is offered first (``scoped``)."""
        scoped_plan, scoped_preview = None, None
        outside = {p.person_id for p in outside_classes(parsed, await people_repo.snapshot(self.db, org_id))}
        if any(isinstance(op, ExpelStudent) and op.person_id in outside for op in plan.operations):
            _, scoped_plan, scoped_preview = await self._plan(parsed, org_id, only_file_classes=True)
            if not scoped_plan.ok or await self.forbidden_roles(caller, org_id, scoped_plan):
                scoped_plan, scoped_preview = None, None
        expelled = expelled_names(plan)
        csv = _names_csv(expelled) if len(expelled) > roster_texts.PREVIEW_NAMES_SHOWN else None
        action_id = await pending_repo.create(
            self.db, kind="import", vk_id=caller.vk_id, org_id=org_id, now=now,
            payload={**payload, "preview": preview, "scoped_preview": scoped_preview},
        )
        scoped = None
        if scoped_plan is not None and scoped_preview is not None:
            scoped = ScopedOffer(tuple(sorted(str(c) for c in file_classes(parsed))), len(outside), scoped_preview,
                                 scoped_plan.has_changes)
        return ImportAsked(action_id, preview, len(expelled), csv, scoped, stale)

    async def import_apply(self, caller: Caller, action: pending_repo.Pending, now: int, *,
                           scoped: bool = False) -> ImportResult:
        """Plan again outside the transaction; apply in a short one only if the school is still
        exactly what was planned against and the preview is still the one the user saw.
        ``scoped``: only the classes of the file (nobody outside them is expelled)."""
        fresh = await pending_repo.get(self.db, action.id)
        if fresh is None or fresh.status != "open":
            return Gone()
        assert action.org_id is not None
        seen = action.payload.get("scoped_preview" if scoped else "preview")
        if seen is None:
            return Gone()
        parsed = await self._parse(base64.b64decode(action.payload["data"]), action.payload["filename"])
        for _ in range(APPLY_ATTEMPTS):
            snapshot, plan, preview = await self._plan(parsed, action.org_id, only_file_classes=scoped)
            if not plan.ok or preview != seen:
                return await self._import_stale(caller, action, parsed, now)
            forbidden = await self.forbidden_roles(caller, action.org_id, plan)
            if forbidden:
                await pending_repo.claim(self.db, action.id, "cancelled")
                return ImportForbidden(forbidden)
            applied = await self._apply_if_unchanged(caller, action, snapshot, plan, now)
            if applied is not None:
                if scoped and isinstance(applied, ImportApplied):
                    return ImportApplied(applied.summary, tuple(sorted(str(c) for c in file_classes(parsed))))
                return applied
        return ImportChanging()

    async def _import_stale(self, caller: Caller, action: pending_repo.Pending, parsed: ParsedRoster,
                            now: int) -> ImportStale | ImportAsked | Gone:
        """The school changed since the preview: never apply what the user did not see."""
        assert action.org_id is not None
        _, plan, preview = await self._plan(parsed, action.org_id)
        if not await pending_repo.claim(self.db, action.id, "cancelled"):
            return Gone()
        if not plan.ok or not plan.has_changes:
            return ImportStale(preview)
        payload = {k: action.payload[k] for k in ("filename", "data", "what") if k in action.payload}
        return await self._offer(caller, action.org_id, parsed, plan, preview, payload, now, stale=True)

    async def _apply_if_unchanged(self, caller: Caller, action: pending_repo.Pending, snapshot: RosterSnapshot,
                                  plan: ImportPlan, now: int) -> ImportApplied | Gone | None:
        """Apply in one short transaction; None if the school changed since ``snapshot``."""
        assert action.org_id is not None
        async with self.db.transaction():
            if await people_repo.snapshot(self.db, action.org_id) != snapshot:
                return None
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Gone()
            await people_repo.apply_plan(self.db, action.org_id, plan, actor_vk=caller.vk_id, now=now)
            await eligibility.clear_stale_leaders(self.db, action.org_id)
        return ImportApplied(tuple(count_lines(plan)))

    # -- single moves -------------------------------------------------------------------

    async def _pick_student(
        self, caller: Caller, org: Org, name: str, cls: ClassName | None, op: dict, now: int,
    ) -> Person | NeedsPick:
        """The one matching student, or a question which one (never a guess)."""
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
        return NeedsPick(action_id, org.name, name,
                         tuple(Candidate(p.id, p.full_name, p.class_name) for p in found[:PICK_SHOWN]))

    async def pick(self, caller: Caller, action: pending_repo.Pending, person_id: int, now: int) -> PickResult | Gone:
        """One of the students offered by ``NeedsPick`` was pressed: the command goes on with them."""
        if person_id not in action.payload.get("candidates", []):
            return Gone()
        if not await pending_repo.claim(self.db, action.id, "applied"):
            return Gone()
        person = await people_repo.get(self.db, person_id)
        org = await org_repo.get(self.db, action.org_id) if action.org_id else None
        if person is None or org is None:
            return Gone()
        return await self.run_op(caller, org, person, action.payload, now)

    async def run_op(self, caller: Caller, org: Org, person: Person, op: dict, now: int) -> PickResult:
        """A person was picked: expulsions and transfers still ask (naming whom they touch)."""
        kind = op["op"]
        if kind == "expel":
            return await self._ask_expel(caller, org, person, now)
        if kind == "transfer":
            return await self._ask_transfer(caller, org, person, parse_class(op["to"]), now)
        if kind == "mode":
            return await self._mode(caller, org, person, op["mode"], now)
        raise ValueError(kind)

    async def enrol(self, caller: Caller, org: Org, name: str, cls: ClassName, now: int) -> Enrolled | AlreadyEnrolled:
        if has_control_chars(name):
            raise UserError(roster_texts.NAME_CONTROL_CHARACTERS)
        display = clean_display_name(name)
        key = normalize_name(display)
        for person in await people_repo.find(self.db, org.id, key, kind="student"):
            if person.class_name == str(cls):
                return AlreadyEnrolled(person.full_name, cls)
        if len(display) > MAX_NAME:
            raise UserError(texts.ROSTER_NAME_TOO_LONG.format(limit=MAX_NAME))
        new_class = await people_repo.class_id(self.db, org.id, cls) is None
        async with self.db.transaction():
            class_id = await people_repo.ensure_class(self.db, org.id, cls, now)
            person_id = await people_repo.create_student(
                self.db, org_id=org.id, full_name=display, name_key=key, class_id_=class_id, mode="regular", now=now)
            await people_repo.record_event(self.db, org_id=org.id, kind="enrol", person_id=person_id,
                                           to_class=class_id, actor_vk=caller.vk_id, now=now)
        return Enrolled(display, cls, new_class)

    # An expulsion or a transfer removes the child and the parents from chats at once: both are
    # asked first, naming the people and the chats, and applied only if nothing changed since.

    async def expel(self, caller: Caller, org: Org, name: str, cls: ClassName | None,
                    now: int) -> ExpelAsked | NeedsPick:
        found = await self._pick_student(caller, org, name, cls, {"op": "expel"}, now)
        if isinstance(found, NeedsPick):
            return found
        return await self._ask_expel(caller, org, found, now)

    async def _ask_expel(self, caller: Caller, org: Org, person: Person, now: int) -> ExpelAsked:
        async def change() -> None:
            await people_repo.set_status(self.db, person.id, "expelled", now)

        affected = await roster_effects.chat_changes(self.db, person, change)
        action_id = await pending_repo.create(
            self.db, kind="expel", vk_id=caller.vk_id, org_id=org.id, now=now,
            payload={"p": person.id, "class_id": person.class_id,
                     "what": ct.what_expel(person.full_name, person.class_name)},
        )
        return ExpelAsked(action_id, person.full_name, person.class_name, tuple(affected))

    async def _unchanged_student(self, action: pending_repo.Pending) -> tuple[Org, Person] | Gone | ChangedSince:
        fresh = await pending_repo.get(self.db, action.id)
        if fresh is None or fresh.status != "open" or action.org_id is None:
            return Gone()
        person = await people_repo.get(self.db, int(action.payload["p"]))
        if person is None or person.status != "active" or person.class_id != action.payload.get("class_id"):
            await pending_repo.claim(self.db, action.id, "cancelled")
            return ChangedSince()
        return await self.orgs.db_org(action.org_id), person

    async def expel_apply(self, caller: Caller, action: pending_repo.Pending,
                          now: int) -> Expelled | Gone | ChangedSince:
        found = await self._unchanged_student(action)
        if not isinstance(found, tuple):
            return found
        org, person = found
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Gone()
            await people_repo.set_status(self.db, person.id, "expelled", now)
            await people_repo.record_event(self.db, org_id=org.id, kind="expel", person_id=person.id,
                                           from_class=person.class_id, actor_vk=caller.vk_id, now=now)
        return Expelled(person.full_name, person.class_name)

    async def transfer(self, caller: Caller, org: Org, name: str, cls: ClassName,
                       now: int) -> TransferAsked | SameClass | NeedsPick:
        found = await self._pick_student(caller, org, name, None, {"op": "transfer", "to": str(cls)}, now)
        return found if isinstance(found, NeedsPick) else await self._ask_transfer(caller, org, found, cls, now)

    async def _ask_transfer(self, caller: Caller, org: Org, person: Person, cls: ClassName,
                            now: int) -> TransferAsked | SameClass:
        if person.class_name == str(cls):
            return SameClass(person.full_name, str(cls))
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
        existing = tuple(str(c) for _, c in await people_repo.classes(self.db, org.id)) if new_class else ()
        return TransferAsked(action_id, person.full_name, person.class_name, str(cls), tuple(affected), new_class,
                             org.name, existing)

    async def transfer_apply(self, caller: Caller, action: pending_repo.Pending,
                             now: int) -> Transferred | Gone | ChangedSince:
        found = await self._unchanged_student(action)
        if not isinstance(found, tuple):
            return found
        org, person = found
        cls = parse_class(action.payload["to"])
        async with self.db.transaction():
            if not action.payload.get("new_class") and await people_repo.class_id(self.db, org.id, cls) is None:
                await pending_repo.claim(self.db, action.id, "cancelled")
                return ChangedSince()  # the class went away (a new year) meanwhile
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Gone()
            new_id = await people_repo.ensure_class(self.db, org.id, cls, now)
            await people_repo.set_class(self.db, person.id, new_id, now)
            await people_repo.record_event(self.db, org_id=org.id, kind="transfer", person_id=person.id,
                                           from_class=person.class_id, to_class=new_id, actor_vk=caller.vk_id,
                                           now=now)
        return Transferred(person.full_name, person.class_name, str(cls))

    async def homeschool(self, caller: Caller, org: Org, name: str, cls: ClassName | None, mode: str,
                         now: int) -> ModeSet | ModeSame | NeedsPick:
        """``mode``: regular | homeschool | long_absent (bot.domain.roster_args.split_mode)."""
        found = await self._pick_student(caller, org, name, cls, {"op": "mode", "mode": mode}, now)
        return found if isinstance(found, NeedsPick) else await self._mode(caller, org, found, mode, now)

    async def _mode(self, caller: Caller, org: Org, person: Person, mode: str, now: int) -> ModeSet | ModeSame:
        if person.mode == mode:
            return ModeSame(person.full_name, mode)
        async with self.db.transaction():
            await people_repo.set_mode(self.db, person.id, mode, now)
            await people_repo.record_event(self.db, org_id=org.id, kind="mode", person_id=person.id,
                                           actor_vk=caller.vk_id, now=now,
                                           details={"from": person.mode, "to": mode})
        return ModeSet(person.full_name, mode)

    # -- new year -------------------------------------------------------------------------

    async def new_year_preview(self, caller: Caller, org: Org, now: int) -> NewYearAsked | NewYearNothing:
        current = await people_repo.classes(self.db, org.id)
        if not current:
            return NewYearNothing(org.name)
        pairs = plan_promotion([c for _, c in current], org.last_grade)
        sizes = {str(c): len(await people_repo.students_of_class(self.db, cid)) for cid, c in current}
        moves = tuple(Promotion(str(old), str(new), sizes[str(old)]) for old, new in pairs if new)
        graduates = tuple(str(old) for old, new in pairs if new is None)
        action_id = await pending_repo.create(self.db, kind="new_year", vk_id=caller.vk_id, org_id=org.id,
                                              payload={"classes": [str(c) for _, c in current],
                                                       "what": ct.WHAT_NEW_YEAR}, now=now)
        return NewYearAsked(action_id, org.name, moves, graduates)

    async def new_year_apply(self, caller: Caller, action: pending_repo.Pending, now: int) -> NewYearApplied | Gone:
        assert action.org_id is not None
        fresh = await pending_repo.get(self.db, action.id)
        if fresh is None or fresh.status != "open":
            return Gone()
        org_id = action.org_id
        async with self.db.transaction():
            current = await people_repo.classes(self.db, org_id)
            if sorted(str(c) for _, c in current) != sorted(action.payload["classes"]):
                await pending_repo.claim(self.db, action.id, "cancelled")
                return Gone()
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Gone()
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
        return NewYearApplied(tuple(graduated))
