"""Announcements across chats by responsible staff (issue 12, part 5).

A school admin or the person responsible for chats (a coordinator: for the schools of their
territory) picks the audience with buttons — chat types, a grade or typed classes — types the text,
and confirms after seeing how many chats and which. The sends are recorded actions in the BULK
lane (the action runner packs them into ``execute``), all under one unit ``announce:<draft>``, each
target remembered with its send's seq. A job assembles the delivery report once every send has
finished — exactly once (``announcement.reported_at``), after a restart too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.db import Database
from bot.domain.capabilities import Capability
from bot.domain.clock import Clock
from bot.domain.errors import UserError
from bot.pipeline import unit as units
from bot.pipeline.effects import Effects, Lane
from bot.repo import announce as repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo.announce import Outcome, Target
from bot.repo.pending import Pending
from bot.services.access import Access, Caller
from bot.services.announce_results import (BY_CLASS, Confirm, Pick, PickClass, PickGrades, PickScope, PickTypes,
                                           Scope, Sending, Started, TextAsked)
from bot.texts import announce as t

log = logging.getLogger(__name__)

CAPABILITY = Capability.ROLE_MANAGE  # school admins, chat responsibles, coordinators (their territory)
DRAFT = "announce_draft"
CONFIRM = "announce"
MAX_TEXT = 4000
# audience key -> chat types (None: every type)
TYPES: dict[str, tuple[str, ...] | None] = {
    "p": ("parents_class",),
    "s": ("students_class", "subject"),
    "c": ("parents_class", "students_class", "subject"),
    "staff": ("admin_open", "admin_closed", "methodical"),
    "all": None,
}
# VK's refusals of a send -> the report's reason
REASON_OF_CODE = {925: "no_rights", 917: "gone", 927: "gone", 945: "disabled"}


def _matches(target: Target, pick: Pick) -> bool:
    wanted = TYPES.get(pick.types)
    if wanted is not None and target.type not in wanted:
        return False
    if pick.types not in BY_CLASS or (not pick.grades and not pick.classes):
        return True
    if target.grade is None:
        return False
    return target.grade in pick.grades or f"{target.grade}{target.letter}" in pick.classes


class Announcements:
    def __init__(self, db: Database, effects: Effects, clock: Clock, access: Access, *,
                 rights_lost: Callable[[int], Awaitable[None]] | None = None) -> None:
        self.db = db
        self.effects = effects
        self.clock = clock
        self.access = access
        # VK refused a send for lack of rights: the chat's staff are told as for any lost rights
        self.rights_lost = rights_lost

    @classmethod
    def of(cls, app: Any) -> Announcements:
        return cls(app.db, app.effects, app.clock, app.access, rights_lost=app.runner.on_rights_lost)

    def now(self) -> int:
        return int(self.clock.now())

    # -- the dialog -----------------------------------------------------------------------

    async def scopes(self, caller: Caller) -> list[org_repo.Org]:
        """The schools (or territories, for coordinators) the caller may announce to."""
        if caller.is_operator:
            return await org_repo.all_of_kind(self.db, "school")
        found = []
        for org_id in await self.access.home_orgs(caller, CAPABILITY):
            org = await org_repo.get(self.db, org_id)
            if org is not None:
                found.append(org)
        return found

    async def start(self, caller: Caller) -> Started:
        scopes = await self.scopes(caller)
        if not scopes:
            raise UserError(t.NOT_ALLOWED)
        await repo.close_drafts(self.db, DRAFT, caller.vk_id)
        if len(scopes) == 1:
            draft = await pending_repo.create(self.db, kind=DRAFT, vk_id=caller.vk_id, org_id=scopes[0].id,
                                              payload={"org": scopes[0].id}, now=self.now())
            return PickTypes(draft, _scope(scopes[0]))
        draft = await pending_repo.create(self.db, kind=DRAFT, vk_id=caller.vk_id, org_id=None, payload={},
                                          now=self.now())
        return PickScope(draft, tuple(_scope(org) for org in scopes))

    async def _draft(self, caller: Caller, draft_id: int) -> Pending:
        action = await pending_repo.get(self.db, draft_id)
        if (action is None or action.kind != DRAFT or action.vk_id != caller.vk_id or action.status != "open"
                or action.expires_at < self.now()):
            raise UserError(t.DIALOG_GONE)
        return action

    async def _allowed_org(self, caller: Caller, org_id: int) -> org_repo.Org:
        org = await org_repo.get(self.db, org_id)
        if org is None or not await self.access.allowed(caller, CAPABILITY, org_id):
            raise UserError(t.NOT_ALLOWED)
        return org

    async def _school_ids(self, org: org_repo.Org) -> list[int]:
        if org.kind == "school":
            return [org.id]
        return [o.id for o in await org_repo.descendants(self.db, org.id, "school")]

    async def _state(self, caller: Caller, draft_id: int) -> tuple[Pending, dict[str, Any], org_repo.Org]:
        """The open draft, what it holds, and its school (or territory), still the caller's."""
        draft = await self._draft(caller, draft_id)
        state = dict(draft.payload)
        return draft, state, await self._allowed_org(caller, int(state.get("org", 0)))

    async def choose_scope(self, caller: Caller, draft_id: int, org_id: int) -> PickTypes:
        """A school's (or territory's) button."""
        draft = await self._draft(caller, draft_id)
        org = await self._allowed_org(caller, org_id)
        await repo.save_draft(self.db, draft.id, {"org": org.id})
        return PickTypes(draft.id, _scope(org))

    async def choose_types(self, caller: Caller, draft_id: int, types: str) -> PickGrades | TextAsked:
        """A chat types' button (a key of ``TYPES``)."""
        draft, state, org = await self._state(caller, draft_id)
        if types not in TYPES:
            raise UserError(t.DIALOG_GONE)
        state.update(types=types, grades=[], classes=[])
        if types in BY_CLASS:
            state["wait"] = 1  # classes may be typed instead of pressed
            await repo.save_draft(self.db, draft.id, state)
            targets = await repo.audience(self.db, await self._school_ids(org))
            wanted = TYPES[types]
            grades = sorted({x.grade for x in targets if x.grade is not None and (wanted is None or x.type in wanted)})
            return PickGrades(draft.id, types, tuple(grades))
        return await self._ask_text(draft.id, state)

    async def choose_grade(self, caller: Caller, draft_id: int, grade: int) -> PickClass | TextAsked:
        """A grade's button (0: all classes): a grade of several classes asks which."""
        draft, state, org = await self._state(caller, draft_id)
        if "types" not in state:
            raise UserError(t.DIALOG_GONE)
        state["grades"] = [grade] if grade else []
        state["classes"] = []
        if grade:
            classes = await self._classes_of(org, str(state["types"]), grade)
            if len(classes) > 1:
                return PickClass(draft.id, grade, tuple(classes))
        return await self._ask_text(draft.id, state)

    async def choose_class(self, caller: Caller, draft_id: int, name: str, grade: int) -> TextAsked:
        """A class's button («5А»), or the whole grade (``name`` empty)."""
        draft, state, _ = await self._state(caller, draft_id)
        if "types" not in state:
            raise UserError(t.DIALOG_GONE)
        state["grades"], state["classes"] = ([], [name]) if name else ([grade] if grade else [], [])
        return await self._ask_text(draft.id, state)

    async def _classes_of(self, org: org_repo.Org, types: str, grade: int) -> list[str]:
        wanted = TYPES[types]
        targets = await repo.audience(self.db, await self._school_ids(org))
        return sorted({f"{x.grade}{x.letter}" for x in targets
                       if x.grade == grade and x.letter and (wanted is None or x.type in wanted)})

    def _pick(self, state: dict[str, Any]) -> Pick:
        return Pick(int(state["org"]), str(state["types"]), tuple(int(g) for g in state.get("grades") or ()),
                    tuple(str(c) for c in state.get("classes") or ()))

    async def _targets(self, pick: Pick) -> list[Target]:
        org = await org_repo.get(self.db, pick.org_id)
        if org is None:
            return []
        return [x for x in await repo.audience(self.db, await self._school_ids(org)) if _matches(x, pick)]

    async def _ask_text(self, draft: int, state: dict[str, Any]) -> TextAsked:
        pick = self._pick(state)
        if not await self._targets(pick):
            await pending_repo.claim(self.db, draft, "cancelled")
            raise UserError(t.NO_CHATS.format(audience=t.audience(pick)))
        state["wait"], state["step"] = 1, "text"
        await repo.save_draft(self.db, draft, state)
        return TextAsked(pick)

    async def waiting_text(self, vk_id: int) -> int | None:
        return await repo.draft_waiting(self.db, DRAFT, vk_id, self.now())

    async def waits_for_text(self, caller: Caller, draft_id: int) -> bool:
        """Whether the draft waits for the announcement's text (else for typed classes)."""
        _, state, _ = await self._state(caller, draft_id)
        return state.get("step") == "text"

    async def classes_typed(self, caller: Caller, draft_id: int, grades: tuple[int, ...],
                            classes: tuple[str, ...]) -> TextAsked:
        """Classes typed at the grade step (``bot.domain.class_list.parse_classes``)."""
        draft, state, _ = await self._state(caller, draft_id)
        if "types" not in state:
            raise UserError(t.DIALOG_GONE)
        state.update(grades=list(grades), classes=list(classes))
        return await self._ask_text(draft.id, state)

    async def text_typed(self, caller: Caller, draft_id: int, text: str, attachment: str | None,
                         unsupported: list[str]) -> Confirm:
        """The announcement's text (with its attachments): the confirmation naming the chats."""
        draft, state, _ = await self._state(caller, draft_id)
        if state.get("step") != "text":
            raise UserError(t.DIALOG_GONE)
        text = text.strip()
        if unsupported:
            raise UserError(t.UNSUPPORTED.format(kinds=", ".join(unsupported)))
        if not text:
            raise UserError(t.NO_TEXT)
        if len(text) > MAX_TEXT:
            raise UserError(t.TOO_LONG.format(length=len(text), limit=MAX_TEXT))
        pick = self._pick(state)
        targets = await self._targets(pick)
        if not targets:
            raise UserError(t.NO_CHATS.format(audience=t.audience(pick)))
        await pending_repo.claim(self.db, draft.id, "applied")
        sendable = [x for x in targets if x.bot_is_admin]
        skipped = [x for x in targets if not x.bot_is_admin]
        count = len(sendable)
        payload = {"what": t.WHAT.format(count=count, chats=t.chats(count)), "org": pick.org_id,
                   "types": pick.types, "grades": list(pick.grades), "classes": list(pick.classes),
                   "text": text, "attachment": attachment, "chats": [x.chat_id for x in targets]}
        confirm = await pending_repo.create(self.db, kind=CONFIRM, vk_id=caller.vk_id, org_id=pick.org_id,
                                            payload=payload, now=self.now())
        return Confirm(confirm, pick, tuple(x.title for x in sendable), tuple(x.title for x in skipped), text)

    # -- sending --------------------------------------------------------------------------

    async def send(self, caller: Caller, action: Pending) -> Sending:
        """The confirmed announcement: one BULK send per chat (the same chats the author saw), all
        recorded with the announcement in one transaction."""
        payload = action.payload
        org = await org_repo.get(self.db, int(payload["org"]))
        school_ids = await self._school_ids(org) if org is not None else []
        wanted = [int(c) for c in payload.get("chats") or ()]
        known = {x.chat_id: x for x in await repo.audience(self.db, school_ids)}
        text = str(payload["text"])
        attachment = payload.get("attachment") or None
        event_id = f"announce:{action.id}"
        sent = 0
        with units.unit(event_id) as work:
            async with self.db.transaction():
                if not await pending_repo.claim(self.db, action.id, "applied"):
                    raise UserError(t.DIALOG_GONE)
                ann = await repo.create(self.db, org_id=int(payload["org"]), author_vk=caller.vk_id,
                                        event_id=event_id, now=self.now())
                for chat_id in wanted:
                    target = known.get(chat_id)
                    if target is None:
                        continue  # unbound or archived since the question: not an audience any more
                    if not target.bot_is_admin:
                        await repo.add_target(self.db, ann, chat_id, seq=None, reason="no_rights")
                        continue
                    header = t.HEADER.format(school=await org_repo.name_of(self.db, target.org_id) or "")
                    await self.effects.send(target.peer_id, f"{header}\n\n{text}", attachment=attachment,
                                            lane=Lane.BULK)
                    await repo.add_target(self.db, ann, chat_id, seq=work.seq, reason=None)
                    sent += 1
        return Sending(sent)

    # -- the delivery report --------------------------------------------------------------

    async def report_finished(self) -> int:
        """Send the report of every announcement whose sends have all finished. Never twice:
        the report's send is recorded with ``reported_at`` in one transaction and its identity
        (``announce-report:<id>``) makes a repeat record nothing."""
        made = 0
        for ann_id, _org_id, author in await repo.unreported(self.db):
            outcomes = await repo.outcomes(self.db, ann_id)
            if any(o.sent and o.status == "pending" for o in outcomes):
                continue
            with units.unit(f"announce-report:{ann_id}"):
                async with self.db.transaction():
                    if not await repo.mark_reported(self.db, ann_id, self.now()):
                        continue
                    await self.effects.send(author, _report_text(outcomes), lane=Lane.NORMAL)
                    if self.rights_lost is not None:
                        for outcome in outcomes:  # refused by VK now, not known before the sending
                            if outcome.sent and _reason(outcome) in ("no_rights", "gone"):
                                await self.rights_lost(outcome.chat_id)
            made += 1
        return made


def _scope(org: org_repo.Org) -> Scope:
    return Scope(org.id, org.name, org.kind != "school")


def _reason(outcome: Outcome) -> str | None:
    """None when delivered, else the reason key."""
    if not outcome.sent:
        return outcome.reason or "no_rights"
    if outcome.status == "done":
        return None
    if outcome.status is None:
        return "unknown"
    return REASON_OF_CODE.get(outcome.error or 0, "refused")


def _report_text(outcomes: list[Outcome]) -> str:
    total = len(outcomes)
    failed = [(o, r) for o in outcomes if (r := _reason(o)) is not None]
    if not failed:
        if total == 1:
            return t.REPORT_ONE_ALL.format(title=outcomes[0].title)
        return t.REPORT_ALL.format(total=total, chats=t.chats(total))
    lines = []
    for outcome, key in failed:
        reason, fix = t.REASONS[key]
        lines.append(t.REPORT_LINE.format(title=outcome.title, reason=reason.format(code=outcome.error), fix=fix))
    return t.REPORT.format(delivered=total - len(failed), total=total, chats=t.chats_of(total),
                           failed="\n".join(lines))


async def announce_tick(app: Any) -> int:
    """The job: delivery reports of finished announcements. Never raises."""
    try:
        return await Announcements.of(app).report_finished()
    except Exception:
        log.exception("announce_tick failed")
        return 0
