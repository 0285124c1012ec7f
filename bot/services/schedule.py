"""Scheduled posts and material before a lesson.

A post is a row with its time; ``tick`` (a job) sends what is due, marking it sent in the same
transaction as the recorded send, so it goes out once, also after a restart. A post that fell due
while the bot was down goes out on start with a note saying so, unless it is older than the
configured limit: then it is not sent and the author is told. A post due in the chat's quiet
hours waits for their end unless the author forced it. Material carries a «Прочитано ✓» button
(one label for every reader: «Ознакомлен» would be wrong for a girl, «Ознакомлен(а)» is the
bracket form the texts avoid) and, before the lesson, the author gets who has not read it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.db import Database
from bot.domain import when as dom
from bot.domain.clock import Clock
from bot.domain.errors import UserError
from bot.domain.when import Moment
from bot.pipeline import unit as units
from bot.pipeline.effects import Effects, Lane
from bot.repo import chats as chat_repo
from bot.repo import meetings as meeting_repo
from bot.repo import pending as pending_repo
from bot.repo.pending import Pending
from bot.repo import schedule as repo
from bot.repo.chats import Chat
from bot.repo.schedule import Post
from bot.services import eligibility
from bot.services import schedule_results as r
from bot.services.access import Caller
from bot.services.meetings import PARENTS_CHATS, PICK_LIMIT, may_run, my_chats, quiet_of, zone_of
from bot.services.meetings_results import ChatChoice
from bot.texts import posts as t
from bot.vk.keyboards import Button, inline

log = logging.getLogger(__name__)

DRAFT_TTL = 24 * 3600
LATE_GRACE = 120  # later than this after its time: the post says it is late
REPORT_LEAD = 30 * 60  # the not-read list comes this long before the lesson
MAX_TEXT = 3500
DEFAULT_LATE_LIMIT = 6 * 3600


def _button(label: str, payload: dict[str, Any], color: str = "secondary") -> Button:
    return Button(label, {"a": "ps", **payload}, color)


class Schedule:
    def __init__(self, db: Database, effects: Effects, clock: Clock, chats: Any, moderation: Any = None,
                 late_limit: int = DEFAULT_LATE_LIMIT) -> None:
        self.db = db
        self.effects = effects
        self.clock = clock
        self.chats = chats
        self.moderation = moderation
        self.late_limit = late_limit

    @classmethod
    def of(cls, app: Any) -> Schedule:
        schedule = getattr(app.settings, "schedule", None)
        limit = int(schedule.late_limit_minutes * 60) if schedule is not None else DEFAULT_LATE_LIMIT
        return cls(app.db, app.effects, app.clock, app.services.chats, app.moderation, limit)

    def now(self) -> int:
        return int(self.clock.now())

    # -- the dialog ------------------------------------------------------------------------

    async def start(self, caller: Caller, chat: Chat | None, kind: str) -> r.Started:
        """/пост or /материал: typed in a chat, the dialog goes on privately."""
        if chat is not None:
            if not chat.bound:
                raise UserError(t.NOT_BOUND)
            if not await may_run(self.db, self.chats, caller, chat):
                raise UserError(t.NOT_CHAT_STAFF)
            draft = await self._new_draft(caller, kind, chat)
            return r.Started(True, r.AskContent(draft, kind, chat.title))
        found = await my_chats(self.db, self.chats, caller)
        if not found:
            raise UserError(t.NO_CHATS)
        if len(found) == 1:
            draft = await self._new_draft(caller, kind, found[0])
            return r.Started(False, r.AskContent(draft, kind, found[0].title))
        draft = await self._new_draft(caller, kind, None)
        return r.Started(False, r.PickChat(draft, tuple(ChatChoice(c.id, c.title) for c in found[:PICK_LIMIT])))

    @staticmethod
    def _what(kind: str, chat: Chat) -> str:
        return t.what(kind, chat.title)

    async def _new_draft(self, caller: Caller, kind: str, chat: Chat | None,
                         extra: dict[str, Any] | None = None) -> int:
        payload: dict[str, Any] = {"kind": kind, "step": "chat", **(extra or {})}
        if chat is not None:
            payload.update(chat_id=chat.id, step=payload.get("step_after", "content"), what=self._what(kind, chat))
        return await pending_repo.create(self.db, kind=repo.DRAFT_KIND, vk_id=caller.vk_id,
                                         org_id=chat.org_id if chat else None, payload=payload, now=self.now(),
                                         ttl=DRAFT_TTL)

    async def _draft(self, caller: Caller, draft_id: int) -> Pending:
        action = await pending_repo.get(self.db, draft_id)
        if (action is None or action.kind != repo.DRAFT_KIND or action.status != "open"
                or action.expires_at < self.now()):
            raise UserError(t.DRAFT_GONE)
        if action.vk_id != caller.vk_id:
            raise UserError(t.NOT_YOURS)
        return action

    async def _chat(self, caller: Caller, chat_id: int) -> Chat:
        chat = await chat_repo.get(self.db, chat_id)
        if chat is None or chat.org_id is None or not await may_run(self.db, self.chats, caller, chat):
            raise UserError(t.NOT_CHAT_STAFF)
        return chat

    async def _save(self, draft_id: int, payload: dict[str, Any]) -> None:
        await meeting_repo.save_draft(self.db, draft_id, repo.DRAFT_KIND, payload)

    def _day_step(self, draft: int, field: str, tz: ZoneInfo) -> r.AskDay:
        return r.AskDay(draft, field, self.now(), tz)

    async def step(self, caller: Caller, draft_id: int, step: str, value: Any) -> r.Step:
        action = await self._draft(caller, draft_id)
        payload = dict(action.payload)
        if step == "chat":
            chat = await self._chat(caller, int(value))
            payload.update(chat_id=chat.id, step="content", what=self._what(payload.get("kind", "post"), chat))
            await self._save(draft_id, payload)
            return r.AskContent(draft_id, payload.get("kind", "post"), chat.title)
        if step != payload.get("step"):
            raise UserError(t.DRAFT_GONE)
        chat = await self._chat(caller, int(payload["chat_id"]))
        tz = await zone_of(self.db, chat.org_id)
        if step in ("due_day", "lesson_day"):
            field = step.split("_")[0]
            if value == "now" and field == "due":
                return await self._moment(caller, draft_id, payload, chat, "due", self.now(), tz)
            return await self._pick_day(draft_id, payload, field, date.fromisoformat(str(value)), tz)
        if step in ("due_time", "lesson_time"):
            field = step.split("_")[0]
            day = date.fromisoformat(payload[f"{field}_date"])
            return await self._moment(caller, draft_id, payload, chat, field,
                                      dom.at_local(day, dom.parse_time(str(value)), tz), tz)
        raise UserError(t.DRAFT_GONE)

    async def _pick_day(self, draft_id: int, payload: dict[str, Any], field: str, day: date,
                        tz: ZoneInfo) -> r.AskTime:
        payload.update({f"{field}_date": day.isoformat(), "step": f"{field}_time"})
        await self._save(draft_id, payload)
        return r.AskTime(draft_id, field, Moment(dom.at_local(day, datetime.min.time(), tz), self.now(), tz))

    async def _moment(self, caller: Caller, draft_id: int, payload: dict[str, Any], chat: Chat, field: str,
                      moment: int, tz: ZoneInfo) -> r.Step:
        now = self.now()
        if moment < now:
            raise UserError(t.TIME_PASSED)
        payload[field] = moment
        if field == "lesson" and moment <= int(payload["due"]):
            raise UserError(t.LESSON_BEFORE_POST.format(due=dom.shown(int(payload["due"]), now, tz)))
        if "edit" in payload:
            return await self._apply_edit(caller, draft_id, payload, chat, tz)
        if field == "due" and payload.get("kind") == "material":
            payload["step"] = "lesson_day"
            await self._save(draft_id, payload)
            return self._day_step(draft_id, "lesson", tz)
        payload["step"] = "preview"
        await self._save(draft_id, payload)
        return await self._preview(draft_id, payload, chat, tz)

    async def _preview(self, draft_id: int, payload: dict[str, Any], chat: Chat, tz: ZoneInfo) -> r.Preview:
        now = self.now()
        due = int(payload["due"])
        files = len(payload["attachment"].split(",")) if payload.get("attachment") else 0
        kind = payload.get("kind", "post")
        lesson = report = None
        if kind == "material":
            lesson = Moment(int(payload["lesson"]), now, tz)
            report = Moment(self._report_at(due, lesson.at), now, tz)
        quiet, settings = await quiet_of(self.moderation, chat)
        held = (r.Quiet(settings.start.strftime("%H:%M"), settings.end.strftime("%H:%M"))
                if quiet(due) and settings is not None else None)
        return r.Preview(draft_id, kind, chat.title, payload.get("text") or "", files, Moment(due, now, tz), lesson, report,
                         held)

    @staticmethod
    def _report_at(due: int, lesson: int) -> int:
        return max(lesson - REPORT_LEAD, due)

    async def typed(self, caller: Caller, draft_id: int, text: str, attachment: str | None,
                    unsupported: list[str]) -> r.Step:
        """A message during the dialog: the content (text and attachments), or a date and time."""
        action = await self._draft(caller, draft_id)
        payload = dict(action.payload)
        step = payload.get("step")
        chat = await self._chat(caller, int(payload["chat_id"])) if payload.get("chat_id") else None
        if chat is None:
            raise UserError(t.DRAFT_GONE)
        tz = await zone_of(self.db, chat.org_id)
        if step == "content":
            if unsupported:
                raise UserError(t.CONTENT_UNSUPPORTED.format(kinds=", ".join(sorted(set(unsupported)))))
            if not text.strip() and not attachment:
                raise UserError(t.CONTENT_EMPTY)
            if len(text) > MAX_TEXT:
                raise UserError(t.CONTENT_LONG.format(length=len(text)))
            payload.update(text=text.strip(), attachment=attachment)
            if "edit" in payload:
                return await self._apply_edit(caller, draft_id, payload, chat, tz)
            payload["step"] = "due_day"
            await self._save(draft_id, payload)
            return self._day_step(draft_id, "due", tz)
        if step in ("due_day", "lesson_day", "due_time", "lesson_time"):
            field, _, asked = step.partition("_")
            typed = dom.parse_asked(text, asked, self.now(), tz)
            if isinstance(typed, date):
                return await self._pick_day(draft_id, payload, field, typed, tz)
            if isinstance(typed, time):
                day = date.fromisoformat(payload[f"{field}_date"])
                return await self._moment(caller, draft_id, payload, chat, field, dom.at_local(day, typed, tz), tz)
            return await self._moment(caller, draft_id, payload, chat, field, typed, tz)
        raise UserError(t.DRAFT_GONE)

    async def schedule(self, caller: Caller, draft_id: int, force: bool) -> r.Scheduled:
        """«Запланировать» (or «Несмотря на тишину»): the post is stored; when due now, sent now."""
        action = await self._draft(caller, draft_id)
        payload = action.payload
        if payload.get("step") != "preview":
            raise UserError(t.DRAFT_GONE)
        chat = await self._chat(caller, int(payload["chat_id"]))
        assert chat.org_id is not None
        if not await pending_repo.claim(self.db, draft_id, "applied"):
            raise UserError(t.DRAFT_GONE)
        kind = payload.get("kind", "post")
        due = int(payload["due"])
        lesson = int(payload["lesson"]) if kind == "material" else None
        await repo.create(self.db, kind=kind, chat_id=chat.id, org_id=chat.org_id, author_vk=caller.vk_id,
                          text=payload.get("text") or "", attachment=payload.get("attachment"), due_at=due,
                          force=force, deadline=lesson,
                          report_at=self._report_at(due, lesson) if lesson is not None else None, now=self.now())
        tz = await zone_of(self.db, chat.org_id)
        return r.Scheduled(kind, chat.title, Moment(due, self.now(), tz))

    # -- /посты: list, edit, cancel --------------------------------------------------------

    async def listing(self, caller: Caller) -> r.Listing:
        """/посты: the caller's posts still to be published."""
        listed = []
        now = self.now()
        for post in await repo.scheduled_of(self.db, caller.vk_id):
            chat = await chat_repo.get(self.db, post.chat_id)
            tz = await zone_of(self.db, post.org_id)
            listed.append(r.Listed(post.id, Moment(post.due_at, now, tz), chat.title if chat else "?", post.text,
                                   Moment(post.deadline or 0, now, tz) if post.material else None,
                                   held=bool(post.hold_until and post.hold_until > now)))
        return r.Listing(tuple(listed))

    async def _mine(self, caller: Caller, post_id: int) -> Post:
        post = await repo.get(self.db, post_id)
        if post is None or post.status != "scheduled":
            raise UserError(t.POST_GONE)
        if post.author_vk != caller.vk_id:
            chat = await chat_repo.get(self.db, post.chat_id)
            if chat is None or not await may_run(self.db, self.chats, caller, chat):
                raise UserError(t.NOT_YOURS)
        return post

    async def edit_menu(self, caller: Caller, post_id: int) -> r.EditMenu:
        post = await self._mine(caller, post_id)
        return r.EditMenu(post.id, post.text, post.material)

    async def edit_start(self, caller: Caller, post_id: int, what: str) -> r.AskEditText | r.AskDay:
        """Change the text, the time of publication or (material) the lesson: the dialog's own
        step, applied as soon as it is answered."""
        post = await self._mine(caller, post_id)
        chat = await self._chat(caller, post.chat_id)
        if what not in ("text", "time", "lesson") or (what == "lesson" and not post.material):
            raise UserError(t.DRAFT_GONE)
        first = {"text": "content", "time": "due_day", "lesson": "lesson_day"}[what]
        extra: dict[str, Any] = {"edit": post.id, "editing": what, "step_after": first}
        if post.material:
            extra["lesson"] = post.deadline
        if what == "lesson":
            extra["due"] = post.due_at
        draft = await self._new_draft(caller, post.kind, chat, extra)
        if what == "text":
            return r.AskEditText(draft)
        return self._day_step(draft, "lesson" if what == "lesson" else "due", await zone_of(self.db, chat.org_id))

    async def _apply_edit(self, caller: Caller, draft_id: int, payload: dict[str, Any], chat: Chat,
                          tz: ZoneInfo) -> r.Edited | r.EditedLesson:
        post = await self._mine(caller, int(payload["edit"]))
        what = payload.get("editing", "text" if "text" in payload else "time")
        now = self.now()
        due = int(payload["due"]) if what == "time" else post.due_at
        lesson = int(payload["lesson"]) if what == "lesson" else post.deadline
        if post.material and lesson is not None and due >= lesson:
            raise UserError(t.LESSON_BEFORE_POST.format(due=dom.shown(due, now, tz)))  # the draft waits for another
        if not await pending_repo.claim(self.db, draft_id, "applied"):
            raise UserError(t.DRAFT_GONE)
        if what == "text":
            changed = await repo.edit(self.db, post.id, text=payload["text"], attachment=payload.get("attachment"))
        else:
            report_at = self._report_at(due, lesson) if lesson is not None else None
            changed = await repo.edit(self.db, post.id, due_at=due, report_at=report_at, deadline=lesson)
        if not changed:
            raise UserError(t.POST_GONE)
        if what == "lesson" and lesson is not None:
            return r.EditedLesson(Moment(lesson, now, tz), Moment(self._report_at(due, lesson), now, tz))
        return r.Edited(Moment(due, now, tz))

    async def cancel_ask(self, caller: Caller, post_id: int) -> r.CancelAsked:
        """«Отменить N»: asks first (a confirmation of kind ``post_cancel``)."""
        post = await self._mine(caller, post_id)
        chat = await chat_repo.get(self.db, post.chat_id)
        tz = await zone_of(self.db, post.org_id)
        title = chat.title if chat else "?"
        due = dom.shown(post.due_at, self.now(), tz)
        action = await pending_repo.create(
            self.db, kind="post_cancel", vk_id=caller.vk_id, org_id=post.org_id, now=self.now(), ttl=DRAFT_TTL,
            payload={"post_id": post.id, "what": t.WHAT_DROP.format(title=title, due=due)})
        return r.CancelAsked(action, title, Moment(post.due_at, self.now(), tz), post.text)

    async def cancel_apply(self, caller: Caller, action_id: int, post_id: int) -> r.Dropping:
        await self._mine(caller, post_id)
        if not await pending_repo.claim(self.db, action_id, "applied"):
            return r.AlreadyHandled()
        if not await repo.finish(self.db, post_id, "cancelled", self.now()):
            return r.PostGone()
        return r.Dropped()

    # -- the read button -------------------------------------------------------------------

    async def read(self, vk_id: int, peer_id: int, cmid: int | None, post_id: int) -> r.ReadMark:
        """«Прочитано ✓» under material: marked (once)."""
        post = await repo.get(self.db, post_id)
        chat = await chat_repo.get(self.db, post.chat_id) if post is not None else None
        if post is None or chat is None or chat.peer_id != peer_id or post.status != "sent":
            return r.ReadMark.GONE
        if cmid and post.cmid is None:
            await repo.set_cmid(self.db, post.id, cmid)
        person = await meeting_repo.person_in_org(self.db, post.org_id, vk_id)
        first = await repo.mark_read(self.db, post.id, vk_id, person[0] if person else None, self.now())
        return r.ReadMark.READ if first else r.ReadMark.AGAIN

    # -- what is due -----------------------------------------------------------------------

    async def tick(self) -> int:
        done = 0
        for post in await repo.due(self.db, self.now()):
            try:
                done += await self._send(post)
            except Exception:
                log.exception("post %s: sending failed; retried on the next run", post.id)
        for post in await repo.reports_due(self.db, self.now()):
            try:
                done += await self._report(post)
            except Exception:
                log.exception("post %s: the not-read report failed; retried on the next run", post.id)
        return done

    async def _send(self, post: Post) -> int:
        now = self.now()
        chat = await chat_repo.get(self.db, post.chat_id)
        tz = await zone_of(self.db, post.org_id)
        quiet, _ = await quiet_of(self.moderation, chat) if chat is not None and chat.bound else (_never, None)
        planned = max(post.due_at, post.hold_until or 0)
        if not post.force and quiet(post.due_at):
            planned = max(planned, dom.quiet_end(post.due_at, quiet))  # it would have waited anyway
        with units.unit(f"post:{post.id}"):
            async with self.db.transaction():
                if chat is None or not chat.bound:
                    if await repo.finish(self.db, post.id, "cancelled", now):
                        await self.effects.send(post.author_vk, t.CHAT_GONE.format(title=chat.title if chat else "?"))
                    return 0
                if now - planned > self.late_limit:
                    if await repo.finish(self.db, post.id, "expired", now):
                        await self.effects.send(post.author_vk, t.EXPIRED.format(
                            title=chat.title, due=dom.shown(post.due_at, now, tz),
                            limit=_hours(self.late_limit), text=t.short(post.text, 200) or "📎"))
                    return 0
                if not post.force and quiet(now):
                    await repo.hold(self.db, post.id, dom.quiet_end(now, quiet))
                    return 0
                if not await repo.finish(self.db, post.id, "sent", now):
                    return 0
                body = post.text
                if post.material:
                    body = t.MATERIAL_HEAD.format(lesson=dom.shown(post.deadline or 0, now, tz),
                                                  button=t.READ_BUTTON) + body
                if now - planned > LATE_GRACE:
                    body += t.LATE_NOTE.format(due=dom.shown(post.due_at, now, tz))
                keyboard = inline([[_button(t.READ_BUTTON, {"r": post.id}, "positive")]]) if post.material else None
                await self.effects.send(chat.peer_id, body.strip(), attachment=post.attachment, keyboard=keyboard,
                                        lane=Lane.NORMAL)
        return 1

    async def _report(self, post: Post) -> int:
        chat = await chat_repo.get(self.db, post.chat_id)
        with units.unit(f"post-report:{post.id}"):
            async with self.db.transaction():
                if not await repo.claim_report(self.db, post.id):
                    return 0
                if chat is None:
                    return 0
                await self.effects.send(post.author_vk, await self._not_read(post, chat), lane=Lane.NORMAL)
        return 1

    async def _not_read(self, post: Post, chat: Chat) -> str:
        """Who of the chat's audience has not pressed «Прочитано» (parents' chats: by family)."""
        tz = await zone_of(self.db, chat.org_id)
        read = {p for _, p in await repo.readers(self.db, post.id) if p is not None}
        audience = await eligibility.audience_ids(self.db, chat) if chat.type else set()
        lesson = dom.shown(post.deadline or 0, self.now(), tz)
        if chat.type in PARENTS_CHATS:
            families = await meeting_repo.families(self.db, audience,
                                                   chat.class_id if chat.type == "parents_class" else None)
            silent = [child for _, child, ps in families if not set(ps) & read]
            lines = "\n".join("— " + texts.gendered(c, t.FAMILY, t.FAMILY_F).format(child=c) for c in silent)
            body = t.NOT_READ_FAMILIES.format(names=lines) if silent else t.ALL_READ
            return t.NOT_READ.format(lesson=lesson, title=chat.title, read=len(families) - len(silent),
                                     total=len(families), lines=body)
        names = await meeting_repo.names(self.db, audience)
        silent_names = sorted(names[p] for p in audience - read if p in names)
        body = t.NOT_READ_LIST.format(names="\n".join(f"— {n}" for n in silent_names)) if silent_names else t.ALL_READ
        return t.NOT_READ.format(lesson=lesson, title=chat.title, read=len(audience & read), total=len(audience),
                                 lines=body)


def _never(ts: int) -> bool:
    return False


def _hours(seconds: int) -> str:
    hours = seconds // 3600
    if hours >= 1 and seconds % 3600 == 0:
        last, tens = hours % 10, hours % 100
        word = "часа" if last == 1 and tens != 11 else "часов"
        return f"{hours} {word}"
    minutes = seconds // 60
    return f"{minutes} мин."

