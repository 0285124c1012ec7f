"""The hot line: a parent asks the class teacher or the school office privately through the bot;
the staff member answers with «Ответить» and the answer goes back privately.

The parent's identity is shown to the staff member only; the parent learns which role answered.
A question's text is personal data: kept while it waits and ``retention`` seconds after it was
answered (or asked, when nobody answered), then dropped by ``tick`` — never logged. ``tick`` also
passes a class teacher's question to the office when the teacher cannot receive the bot's
messages (VK refused, see ``bot.services.reach``) or does not answer after a reminder, and
reminds what waits — in the school's daytime only (08–21 local). Questions and answers count
as participation (an action) in the parents' chat of the child's class (or the school's parents'
chat), credited like any count (``ActivityCounter``): activity rows belong to a chat, and a private
question has none of its own.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.domain.clock import Clock
from bot.domain.errors import UserError
from bot.pipeline import unit as units
from bot.pipeline.effects import Effects, Lane
from bot.repo import chats as chat_repo
from bot.repo import hotline as repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.repo import reach as reach_repo
from bot.repo import roles as role_repo
from bot.repo.hotline import Question
from bot.services.access import Access
from bot.services.report_months import month_bounds
from bot.services.hotline_results import (OFFICE, Addressee, AnswerAsked, Answered, AnswerRefused, AnswerSent,
                                          Asked, CancelResult, Cancelled, Figures, NothingToCancel, Picked,
                                          PickTarget, Pressed, Refusal, Route, Target, TextAsked, Waiting,
                                          WaitingQuestion)
from bot.texts import hotline as t
from bot.vk.keyboards import Button, inline

log = logging.getLogger(__name__)

OFFICE_ROLES = ("school_admin", "admin_team")
MAX_TEXT = 2000
DIALOG_TTL = 1800  # a question or an answer being written (its text arrives in the next message)
MAX_OFFICE_REMINDERS = 3
MAX_OPEN = 5  # unanswered questions of one parent at a time
# reminders and questions passed to the office go out in the school's daytime only
DAY_STARTS, DAY_ENDS = 8, 21


class Hotline:
    def __init__(self, db: Database, effects: Effects, clock: Clock, access: Access, activity: Any, *,
                 remind_seconds: int = 24 * 3600, retention_seconds: int = 30 * 24 * 3600) -> None:
        self.db = db
        self.effects = effects
        self.clock = clock
        self.access = access
        self.activity = activity  # bot.services.activity.ActivityCounter
        self.remind_seconds = remind_seconds
        self.retention_seconds = retention_seconds
        self._zones: dict[int, str] = {}

    @classmethod
    def of(cls, app: Any) -> Hotline:
        settings = getattr(app.settings, "hotline", None)
        remind = int(settings.remind_hours * 3600) if settings is not None else 24 * 3600
        retention = int(settings.retention_days * 24 * 3600) if settings is not None else 30 * 24 * 3600
        return cls(app.db, app.effects, app.clock, app.access, app.activity, remind_seconds=remind,
                   retention_seconds=retention)

    def now(self) -> int:
        return int(self.clock.now())

    # -- the parent's side -------------------------------------------------------------------

    async def _targets(self, vk_id: int) -> list[Target]:
        """Each class of the parent's children (its teacher) and each of their schools (the office)."""
        found: list[Target] = []
        classes: set[int] = set()
        orgs: list[int] = []
        for person in await people_repo.by_vk(self.db, vk_id):
            if person.kind != "parent" or person.status != "active":
                continue
            for child in await people_repo.children(self.db, person.id):
                if child.status != "active":
                    continue
                if child.home_org_id not in orgs:
                    orgs.append(child.home_org_id)
                if child.class_id is not None and child.class_id not in classes:
                    classes.add(child.class_id)
                    found.append(Target("c", child.class_id, student_id=child.id, class_name=child.class_name))
        for org_id in orgs:
            name = await org_repo.name_of(self.db, org_id) or ""
            found.append(Target("o", org_id, school=name, several_schools=len(orgs) > 1))
        return found

    async def start(self, vk_id: int, text: str = "") -> PickTarget:
        """/вопрос: which class teacher or office; a text typed with the command waits meanwhile."""
        targets = await self._targets(vk_id)
        if not targets:
            raise UserError(t.NOT_A_PARENT)
        if await repo.open_of_parent(self.db, vk_id) >= MAX_OPEN:
            raise UserError(t.TOO_MANY_OPEN.format(count=MAX_OPEN))
        text = text.strip()
        if len(text) > MAX_TEXT:
            raise UserError(t.TOO_LONG.format(length=len(text), limit=MAX_TEXT))
        async with self.db.transaction():
            await repo.close_dialogs(self.db, repo.ASK_KIND, vk_id)
            dialog = await pending_repo.create(self.db, kind=repo.ASK_KIND, vk_id=vk_id, org_id=None,
                                               payload={"what": t.WHAT_ASK, "step": "target", "text": text},
                                               now=self.now(), ttl=DIALOG_TTL)
        return PickTarget(dialog, tuple(targets))

    async def _dialog(self, vk_id: int, dialog_id: int, kind: str) -> pending_repo.Pending:
        action = await pending_repo.get(self.db, dialog_id)
        if (action is None or action.kind != kind or action.status != "open" or action.expires_at < self.now()
                or action.vk_id != vk_id):
            raise UserError(t.DIALOG_GONE)
        return action

    async def pick(self, vk_id: int, dialog_id: int, kind: str, value: int, student_id: int | None) -> Picked:
        """A target button: re-checked against the parent's children now."""
        action = await self._dialog(vk_id, dialog_id, repo.ASK_KIND)
        allowed = await self._targets(vk_id)
        chosen = next((p for p in allowed if p.kind == kind and p.value == value), None)
        if chosen is None:
            raise UserError(t.DIALOG_GONE)
        payload = dict(action.payload)
        payload.update(step="text", k=kind, v=value, s=chosen.student_id)
        if payload.get("text"):  # typed with the command: asked at once
            return await self.ask(vk_id, dialog_id, str(payload["text"]), payload=payload)
        await repo.save_dialog(self.db, dialog_id, json.dumps(payload, ensure_ascii=False))
        return TextAsked(dialog_id, await self._addressee(kind, value))

    async def _addressee(self, kind: str, value: int) -> Addressee:
        if kind == "c":
            name = await people_repo.class_name_of(self.db, value)
            return Addressee(str(name) if name is not None else "—")
        return OFFICE

    async def waiting_question(self, vk_id: int) -> int | None:
        """The parent's dialog waiting for the question's text, if any."""
        dialog = await repo.dialog_of(self.db, repo.ASK_KIND, vk_id, self.now())
        if dialog is None:
            return None
        action = await pending_repo.get(self.db, int(dialog))
        return int(dialog) if action is not None and action.payload.get("step") == "text" else None

    async def ask(self, vk_id: int, dialog_id: int, text: str, *, payload: dict[str, Any] | None = None) -> Asked:
        """The question's text: stored, sent to the class teacher (or the office) with «Ответить»."""
        text = (text or "").strip()
        if not text:
            raise UserError(t.NO_TEXT)
        if len(text) > MAX_TEXT:
            raise UserError(t.TOO_LONG.format(length=len(text), limit=MAX_TEXT))
        action = await self._dialog(vk_id, dialog_id, repo.ASK_KIND)
        payload = payload or action.payload
        kind, value = payload.get("k"), int(payload.get("v") or 0)
        now = self.now()
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, dialog_id, "applied"):
                raise UserError(t.DIALOG_GONE)
            student = await people_repo.get(self.db, int(payload["s"])) if payload.get("s") else None
            parent = await self._parent_of(vk_id, student.id if student else None)
            if kind == "c":
                if student is None or student.class_id != value:
                    raise UserError(t.DIALOG_GONE)
                org_id = student.home_org_id
                teacher = await role_repo.class_teacher(self.db, org_id, value)
                reachable = teacher is not None and teacher.vk_id is not None \
                    and not await reach_repo.is_unreachable(self.db, teacher.vk_id)
                office = await self._office(org_id)
                if not reachable and not office:
                    raise UserError(t.NO_OFFICE.format(school=await org_repo.name_of(self.db, org_id) or ""))
                assignee = teacher.vk_id if reachable and teacher is not None else None
                question_id = await repo.create(
                    self.db, org_id=org_id, class_id=value, target="class" if reachable else "office",
                    parent_vk=vk_id, parent_id=parent, student_id=student.id, assignee_vk=assignee, text=text,
                    now=now, remind_at=now + self.remind_seconds, escalated_at=None if reachable else now)
                question = await repo.get(self.db, question_id)
                assert question is not None
                if reachable:
                    await self._deliver(question, [int(assignee or 0)])
                    route = Route.CLASS_TEACHER
                elif teacher is None or teacher.vk_id is None:
                    await self._deliver(question, office)
                    route = Route.NO_CLASS_TEACHER
                else:
                    await self._deliver(question, office, escalated=True)
                    route = Route.ESCALATED
                answer = Asked(question_id, route, student.class_name)
            else:
                org_id = value
                office = await self._office(org_id)
                if not office:
                    raise UserError(t.NO_OFFICE.format(school=await org_repo.name_of(self.db, org_id) or ""))
                child = await self._child_in(parent, org_id)
                question_id = await repo.create(
                    self.db, org_id=org_id, class_id=child.class_id if child else None, target="office",
                    parent_vk=vk_id, parent_id=parent, student_id=child.id if child else None, assignee_vk=None,
                    text=text, now=now, remind_at=now + self.remind_seconds)
                question = await repo.get(self.db, question_id)
                assert question is not None
                await self._deliver(question, office)
                answer = Asked(question_id, Route.OFFICE)
            await self._count(question, vk_id)
        return answer

    async def _parent_of(self, vk_id: int, student_id: int | None) -> int | None:
        parents = [p for p in await people_repo.by_vk(self.db, vk_id) if p.kind == "parent" and p.status == "active"]
        if student_id is not None:
            for person in parents:
                if any(c.id == student_id for c in await people_repo.children(self.db, person.id)):
                    return person.id
        return parents[0].id if parents else None

    async def _child_in(self, parent_id: int | None, org_id: int) -> people_repo.Person | None:
        if parent_id is None:
            return None
        children = [c for c in await people_repo.children(self.db, parent_id)
                    if c.home_org_id == org_id and c.status == "active"]
        return children[0] if len(children) == 1 else None

    async def _office(self, org_id: int) -> list[int]:
        """VK ids of the school office (administrators, administration team) the bot can write to."""
        found: list[int] = []
        for scope in await role_repo.scopes_in_org(self.db, org_id, OFFICE_ROLES):
            vk_id = await people_repo.vk_id_of(self.db, scope.person_id)
            if vk_id is not None and vk_id not in found:
                found.append(vk_id)
        unreachable = await reach_repo.unreachable_of(self.db, found)
        reachable = [v for v in found if v not in unreachable]
        return reachable or found

    async def _who(self, question: Question) -> str:
        parent = await people_repo.get(self.db, question.parent_id) if question.parent_id else None
        student = await people_repo.get(self.db, question.student_id) if question.student_id else None
        parent_name = parent.full_name if parent else f"id{question.parent_vk}"
        if student is not None:
            return t.who_parent(parent_name, student.full_name, student.class_name or "—")
        return t.WHO_PARENT_NO_CHILD.format(parent=parent_name)

    async def _addressee_of(self, question: Question) -> Addressee:
        if question.target == "class" and question.class_id is not None:
            return await self._addressee("c", question.class_id)
        return OFFICE

    def _keyboard(self, question_id: int) -> str:
        return inline([[Button(t.BUTTON_ANSWER, {"a": "hl", "q": question_id}, "positive")]])

    async def _deliver(self, question: Question, vk_ids: list[int], *, escalated: bool = False) -> None:
        text = t.NEW_QUESTION.format(id=question.id, target=await self._target_of_new(question, escalated),
                                     who=await self._who(question), text=question.text or "")
        if escalated and question.class_id is not None:
            text += t.ESCALATED_NOTE.format(cls=await people_repo.class_name_of(self.db, question.class_id))
        for vk_id in vk_ids:
            await self.effects.send(vk_id, text, keyboard=self._keyboard(question.id), lane=Lane.NORMAL)

    async def _target_of_new(self, question: Question, escalated: bool) -> str:
        return t.target(OFFICE if escalated else await self._addressee_of(question))

    async def _count(self, question: Question, vk_id: int) -> None:
        """A question or an answer is participation: an action in the parents' chat of the class
        (a question to the office about no one class: the school's parents' chat), if there is one."""
        if question.class_id is not None:
            chats, kind = await chat_repo.active_of_class(self.db, question.class_id), "parents_class"
        else:
            chats, kind = await chat_repo.in_org(self.db, question.org_id), "parents_school"
        for chat in chats:
            if chat.type == kind and chat.bound:
                await self.activity.count(chat, vk_id, "action", self.now())
                return

    # -- the staff member's side -------------------------------------------------------------

    async def may_answer(self, vk_id: int, question: Question) -> bool:
        if question.assignee_vk == vk_id:
            return True
        caller = await self.access.caller(vk_id)
        if caller.is_operator or caller.roles_in(question.org_id) & set(OFFICE_ROLES):
            return True
        if question.class_id is not None:
            teacher = await role_repo.class_teacher(self.db, question.org_id, question.class_id)
            return teacher is not None and teacher.vk_id == vk_id
        return False

    async def pressed_answer(self, vk_id: int, question_id: int) -> Pressed:
        """«Ответить»: the staff member's next private message becomes the answer."""
        question = await repo.get(self.db, question_id)
        if question is None or question.text is None:
            return AnswerRefused(question_id, Refusal.GONE)
        if question.status != "open":
            return AnswerRefused(question_id, Refusal.ANSWERED)
        if not await self.may_answer(vk_id, question):
            return AnswerRefused(question_id, Refusal.NOT_YOURS)
        async with self.db.transaction():
            await repo.close_dialogs(self.db, repo.ANSWER_KIND, vk_id)
            dialog = await pending_repo.create(self.db, kind=repo.ANSWER_KIND, vk_id=vk_id, org_id=question.org_id,
                                               payload={"q": question_id, "what": t.WHAT_ANSWER.format(id=question_id)},
                                               now=self.now(), ttl=DIALOG_TTL)
        return AnswerAsked(question_id, dialog)

    async def waiting_answer(self, vk_id: int) -> int | None:
        dialog = await repo.dialog_of(self.db, repo.ANSWER_KIND, vk_id, self.now())
        return int(dialog) if dialog is not None else None

    async def answer(self, vk_id: int, dialog_id: int, text: str) -> Answered:
        text = (text or "").strip()
        if not text:
            raise UserError(t.ANSWER_EMPTY)
        if len(text) > MAX_TEXT:
            raise UserError(t.ANSWER_TOO_LONG.format(length=len(text), limit=MAX_TEXT))
        action = await self._dialog(vk_id, dialog_id, repo.ANSWER_KIND)
        question_id = int(action.payload.get("q", 0))
        now = self.now()
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, dialog_id, "applied"):
                raise UserError(t.DIALOG_GONE)
            question = await repo.get(self.db, question_id)
            if question is None or question.text is None:
                return AnswerRefused(question_id, Refusal.GONE)
            if not await self.may_answer(vk_id, question):
                return AnswerRefused(question_id, Refusal.NOT_YOURS)
            if not await repo.answered(self.db, question_id, by_vk=vk_id, now=now):
                return AnswerRefused(question_id, Refusal.ANSWERED)
            if question.target == "class" and question.class_id is not None and question.assignee_vk == vk_id:
                source = t.ANSWER_FROM_CLASS.format(cls=await people_repo.class_name_of(self.db, question.class_id))
            else:
                source = t.ANSWER_FROM_OFFICE
            await self.effects.send(question.parent_vk, t.ANSWER_TO_PARENT.format(
                id=question_id, target=source, answer=text, question=_short(question.text)), lane=Lane.NORMAL)
            await self._count(question, vk_id)
        return AnswerSent(question_id)

    async def cancel(self, vk_id: int, dialog_id: int) -> CancelResult:
        """«Отмена» typed instead of the question or the answer: the dialog closes."""
        action = await pending_repo.get(self.db, dialog_id)
        if action is None or action.vk_id != vk_id or not await pending_repo.claim(self.db, dialog_id, "cancelled"):
            return NothingToCancel()
        what = action.payload.get("what")
        return Cancelled(str(what) if what else None)

    async def waiting_for(self, vk_id: int) -> Waiting:
        """/вопросы: the open questions this staff member may answer, oldest first."""
        caller = await self.access.caller(vk_id)
        offices = sorted({g.org_id for g in caller.grants if g.role in OFFICE_ROLES})
        now = self.now()
        found = [WaitingQuestion(q.id, await self._addressee_of(q), now - q.asked_at, q.text or "")
                 for q in await repo.open_for(self.db, vk_id, offices)]
        return Waiting(tuple(found))

    # -- the job -----------------------------------------------------------------------------

    async def tick(self) -> int:
        """Pass to the office what a class teacher cannot receive, remind what waits, drop old
        texts. Each question in its own transaction, its actions keyed so a re-run adds none."""
        now = self.now()
        done = 0
        open_ = await repo.open_class_questions(self.db)
        unreachable = await reach_repo.unreachable_of(self.db, sorted({q.assignee_vk for q in open_
                                                                       if q.assignee_vk}))
        for question in open_:
            if (question.assignee_vk is None or question.assignee_vk in unreachable) \
                    and await self._daytime(question.org_id, now):
                done += await self._escalate(question, now)
        for question in await repo.due(self.db, now):
            if not await self._daytime(question.org_id, now):
                continue  # reminded in the morning: nobody is woken up by the hot line
            if question.target == "class" and question.reminders >= 1:
                done += await self._escalate(question, now)
            elif question.target == "office" and question.reminders >= MAX_OFFICE_REMINDERS:
                continue
            else:
                done += await self._remind(question, now)
        async with self.db.transaction():
            done += await repo.purge(self.db, answered_before=now - self.retention_seconds,
                                     asked_before=now - self.retention_seconds)
        return done

    async def _daytime(self, org_id: int, now: int) -> bool:
        tz = self._zones.get(org_id)
        if tz is None:
            org = await org_repo.get(self.db, org_id)
            tz = self._zones[org_id] = org.timezone if org is not None else "Europe/Moscow"
        return DAY_STARTS <= datetime.fromtimestamp(now, ZoneInfo(tz)).hour < DAY_ENDS

    async def _escalate(self, question: Question, now: int) -> int:
        office = await self._office(question.org_id)
        if not office:
            return 0
        with units.unit(f"hotline:{question.id}:escalate"):
            async with self.db.transaction():
                if not await repo.escalate(self.db, question.id, now=now, remind_at=now + self.remind_seconds):
                    return 0
                await self._deliver(question, office, escalated=True)
                await self.effects.send(question.parent_vk, t.PARENT_ESCALATED.format(id=question.id),
                                        lane=Lane.NORMAL)
        return 1

    async def _remind(self, question: Question, now: int) -> int:
        vk_ids = [question.assignee_vk] if question.target == "class" and question.assignee_vk else \
            await self._office(question.org_id)
        if not vk_ids:
            return 0
        text = t.REMINDER.format(id=question.id, waiting=t.waiting(now - question.asked_at),
                                 who=await self._who(question), text=question.text or "")
        with units.unit(f"hotline:{question.id}:{question.target}:remind:{question.reminders}"):
            async with self.db.transaction():
                if not await repo.reminded(self.db, question.id, reminders=question.reminders,
                                           remind_at=now + self.remind_seconds):
                    return 0
                for vk_id in vk_ids:
                    await self.effects.send(vk_id, text, keyboard=self._keyboard(question.id), lane=Lane.NORMAL)
        return 1

    # -- the report ---------------------------------------------------------------------------

    async def figures(self, org_id: int, month: str) -> Figures:
        org = await org_repo.get(self.db, org_id)
        tz = org.timezone if org is not None else "Europe/Moscow"
        start, end = month_bounds(month, tz)
        asked, answered, mean, waiting = await repo.stats(self.db, org_id, start, end)
        return Figures(asked, answered, mean, waiting)


def _short(text: str | None, limit: int = 300) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
