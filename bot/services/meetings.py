"""Meetings: a class meeting or a staff mini-meeting in a chat.

The dialog (private, with buttons) asks the day, the time and the topic; the invitation goes to
the chat with «Приду / Не смогу». Every later step is a row mark: the reminders the day before
and an hour before (moved out of the chat's quiet hours, see ``bot.domain.when.place_reminder``),
the VK call started ``CALL_LEAD`` before the start and its link posted, and the author's list of
who is coming (by family in parents' chats). ``tick`` (a job) performs what is due, each step in
one transaction with its recorded send, so a restart neither repeats nor loses one.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.domain import when as dom
from bot.domain.clock import Clock
from bot.domain.errors import UserError
from bot.domain.when import Moment
from bot.pipeline import unit as units
from bot.pipeline.effects import Effects, Lane
from bot.repo import chats as chat_repo
from bot.repo import meetings as repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo.pending import Pending
from bot.repo import people as people_repo
from bot.repo.chats import Chat
from bot.repo.meetings import Meeting
from bot.services import eligibility
from bot.services import meetings_results as r
from bot.services.access import Caller
from bot.texts import meetings as t
from bot.vk.errors import VkError
from bot.vk.keyboards import Button, inline
from bot.vk.names import Names

log = logging.getLogger(__name__)

DAY_BEFORE = 24 * 3600
TRACK = "meet"  # the tag of an invitation's send (its cmid learned when sent)
HOUR_BEFORE = 3600
CALL_LEAD = 10 * 60  # the call is started and its link posted this long before the start
EDIT_INTERVAL = 5  # the invitation's counts are edited at most this often (never re-sent)
CALL_CLAIM_STALE = 60  # a run that claimed the call and vanished (a crash) is taken over after this
CALL_TOO_LATE = 2 * 3600  # after the bot was down: no call link once the meeting is long under way
DRAFT_TTL = 24 * 3600
PARENTS_CHATS = ("parents_class", "parents_school")
PICK_LIMIT = 5  # chats offered as buttons when /собрание is typed privately


def _button(label: str, payload: dict[str, Any], color: str = "secondary") -> Button:
    return Button(label, {"a": "mg", **payload}, color)


async def zone_of(db: Database, org_id: int | None) -> ZoneInfo:
    org = await org_repo.get(db, org_id or 0)
    return ZoneInfo(org.timezone if org is not None else "Europe/Moscow")


async def quiet_of(moderation: Any, chat: Chat) -> Any:
    """``quiet(ts) -> bool`` for the chat: its quiet hours in the school's zone (never quiet when
    the policy is off), and the settings (or None)."""
    from policies import Mode
    from policies.quiet_hours import is_quiet

    settings = await moderation.settings_for(chat) if moderation is not None and chat.type else None
    quiet = settings.policies.get("quiet_hours") if settings is not None else None
    if quiet is None or quiet.mode is Mode.OFF:
        return (lambda ts: False), None
    return (lambda ts: is_quiet(datetime.fromtimestamp(ts, UTC), quiet)), quiet


async def may_run(db: Database, chats: Any, caller: Caller, chat: Chat) -> bool:
    """The chat's staff: its leader, the school's managers and moderators, the chat type's teachers."""
    if not chat.bound:
        return False
    if await chats.is_chat_staff(caller, chat):
        return True
    person_id = await people_repo.id_in_org_by_vk(db, chat.org_id, caller.vk_id) if chat.org_id else None
    return person_id is not None and person_id in await eligibility.staff_ids(db, chat)


async def my_chats(db: Database, chats: Any, caller: Caller) -> list[Chat]:
    found = []
    for org_id in sorted({g.org_id for g in caller.grants}):
        for chat in await chat_repo.in_org(db, org_id):
            if await may_run(db, chats, caller, chat):
                found.append(chat)
    return sorted(found, key=lambda c: c.title)


class Meetings:
    def __init__(self, db: Database, effects: Effects, clock: Clock, chats: Any, gateway: Any,
                 moderation: Any = None) -> None:
        self.db = db
        self.effects = effects
        self.clock = clock
        self.chats = chats  # bot.services.chats.Chats
        self.gateway = gateway  # starting the VK call
        self.moderation = moderation  # the chat's quiet hours

    @classmethod
    def of(cls, app: Any) -> Meetings:
        return cls(app.db, app.effects, app.clock, app.services.chats, app.gateway, app.moderation)

    def now(self) -> int:
        return int(self.clock.now())

    # -- the dialog ------------------------------------------------------------------------

    async def start(self, caller: Caller, chat: Chat | None) -> r.Started:
        if chat is not None:
            if not chat.bound:
                raise UserError(t.NOT_BOUND)
            if not await may_run(self.db, self.chats, caller, chat):
                raise UserError(t.NOT_CHAT_STAFF)
            draft = await self._new_draft(caller, chat)
            return r.Started(True, await self._day_step(draft, chat))
        found = await my_chats(self.db, self.chats, caller)
        if not found:
            raise UserError(t.NO_CHATS)
        if len(found) == 1:
            draft = await self._new_draft(caller, found[0])
            return r.Started(False, await self._day_step(draft, found[0]))
        draft = await self._new_draft(caller, None)
        return r.Started(False, r.PickChat(draft, tuple(r.ChatChoice(c.id, c.title) for c in found[:PICK_LIMIT])))

    async def _new_draft(self, caller: Caller, chat: Chat | None) -> int:
        payload: dict[str, Any] = {"step": "chat"}
        if chat is not None:
            payload.update(chat_id=chat.id, step="day", what=t.WHAT_DRAFT.format(title=chat.title))
        return await pending_repo.create(self.db, kind=repo.DRAFT_KIND, vk_id=caller.vk_id,
                                         org_id=chat.org_id if chat else None, payload=payload, now=self.now(),
                                         ttl=DRAFT_TTL)

    async def _day_step(self, draft: int, chat: Chat) -> r.AskDay:
        return r.AskDay(draft, chat.title, self.now(), await zone_of(self.db, chat.org_id))

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

    async def step(self, caller: Caller, draft_id: int, step: str, value: Any) -> r.Step:
        action = await self._draft(caller, draft_id)
        payload = dict(action.payload)
        if step == "chat":
            chat = await self._chat(caller, int(value))
            payload.update(chat_id=chat.id, step="day", what=t.WHAT_DRAFT.format(title=chat.title))
            await repo.save_draft(self.db, draft_id, repo.DRAFT_KIND, payload)
            return await self._day_step(draft_id, chat)
        if step != payload.get("step"):
            raise UserError(t.DRAFT_GONE)
        chat = await self._chat(caller, int(payload["chat_id"]))
        tz = await zone_of(self.db, chat.org_id)
        if step == "day":
            return await self._pick_day(draft_id, payload, date.fromisoformat(str(value)), tz)
        if step == "time":
            day = date.fromisoformat(payload["day"])
            return await self._pick_moment(draft_id, payload, dom.at_local(day, dom.parse_time(str(value)), tz), tz)
        raise UserError(t.DRAFT_GONE)

    async def _pick_day(self, draft_id: int, payload: dict[str, Any], day: date, tz: ZoneInfo) -> r.AskTime:
        payload.update(day=day.isoformat(), step="time")
        await repo.save_draft(self.db, draft_id, repo.DRAFT_KIND, payload)
        return r.AskTime(draft_id, Moment(dom.at_local(day, datetime.min.time(), tz), self.now(), tz))

    async def _pick_moment(self, draft_id: int, payload: dict[str, Any], moment: int, tz: ZoneInfo) -> r.AskTopic:
        if moment <= self.now():
            raise UserError(t.PAST)
        payload.update(starts_at=moment, step="topic")
        await repo.save_draft(self.db, draft_id, repo.DRAFT_KIND, payload)
        return r.AskTopic(draft_id, Moment(moment, self.now(), tz))

    async def typed(self, caller: Caller, draft_id: int, text: str) -> r.Step:
        """Text typed during the dialog: a date and time (at the day or time step) or the topic."""
        action = await self._draft(caller, draft_id)
        payload = dict(action.payload)
        step = payload.get("step")
        if step not in ("day", "time", "topic"):
            raise UserError(t.DRAFT_GONE)
        chat = await self._chat(caller, int(payload["chat_id"]))
        tz = await zone_of(self.db, chat.org_id)
        text = text.strip()
        if step == "day":
            day_or_moment = dom.parse_day_or_moment(text, self.now(), tz)
            if isinstance(day_or_moment, int):
                return await self._pick_moment(draft_id, payload, day_or_moment, tz)
            return await self._pick_day(draft_id, payload, day_or_moment, tz)
        if step == "time":
            day = date.fromisoformat(payload["day"])
            return await self._pick_moment(draft_id, payload, dom.at_local(day, dom.parse_time(text), tz), tz)
        if not text:
            raise UserError(t.TOPIC_EMPTY)
        if len(text) > 300:
            raise UserError(t.TOPIC_LONG.format(length=len(text)))
        payload.update(topic=text, step="preview")
        await repo.save_draft(self.db, draft_id, repo.DRAFT_KIND, payload)
        starts_at = int(payload["starts_at"])
        day_at, hour_at = await self.reminders(chat, starts_at)
        now = self.now()
        reminders = tuple(r.Reminder(kind, Moment(at, now, tz), moved=at != planned)
                          for kind, at, planned in (("day", day_at, starts_at - DAY_BEFORE),
                                                    ("hour", hour_at, starts_at - HOUR_BEFORE))
                          if at is not None)
        return r.Preview(draft_id, chat.title, text, Moment(starts_at, now, tz), reminders, CALL_LEAD // 60)

    async def reminders(self, chat: Chat, starts_at: int) -> tuple[int | None, int | None]:
        """The day-before and hour-before moments, out of quiet hours; None when already past (or
        the hour-before one would come before the day-before one)."""
        quiet, _ = await quiet_of(self.moderation, chat)
        now = self.now()
        day_at: int | None = dom.place_reminder(starts_at - DAY_BEFORE, starts_at, quiet)
        hour_at: int | None = dom.place_reminder(starts_at - HOUR_BEFORE, starts_at, quiet)
        if day_at is not None and day_at <= now:
            day_at = None
        if hour_at is not None and (hour_at <= now or hour_at >= starts_at
                                    or (day_at is not None and hour_at <= day_at)):
            hour_at = None
        return day_at, hour_at

    async def publish(self, caller: Caller, draft_id: int) -> r.Published:
        action = await self._draft(caller, draft_id)
        payload = action.payload
        if payload.get("step") != "preview":
            raise UserError(t.DRAFT_GONE)
        chat = await self._chat(caller, int(payload["chat_id"]))
        starts_at = int(payload["starts_at"])
        if starts_at <= self.now():
            raise UserError(t.PAST)
        if not await pending_repo.claim(self.db, draft_id, "applied"):
            raise UserError(t.DRAFT_GONE)
        assert chat.org_id is not None
        day_at, hour_at = await self.reminders(chat, starts_at)
        meeting_id = await repo.create(self.db, chat_id=chat.id, org_id=chat.org_id, author_vk=caller.vk_id,
                                       topic=payload["topic"], starts_at=starts_at, day_at=day_at, hour_at=hour_at,
                                       call_at=starts_at - CALL_LEAD, now=self.now())
        tz = await zone_of(self.db, chat.org_id)
        await self.effects.send(chat.peer_id, t.INVITATION.format(topic=payload["topic"], when=self._date(starts_at, tz)),
                                keyboard=self._keyboard(meeting_id), lane=Lane.NORMAL, track=f"{TRACK}:{meeting_id}")
        return r.Published(meeting_id, chat.title, Moment(starts_at, self.now(), tz))

    async def _own(self, caller: Caller, meeting_id: int) -> tuple[Meeting, Chat]:
        meeting = await repo.get(self.db, meeting_id)
        chat = await chat_repo.get(self.db, meeting.chat_id) if meeting is not None else None
        if meeting is None or chat is None or meeting.status != "open" or meeting.call_done:
            raise UserError(t.ALREADY_OVER)
        if meeting.author_vk != caller.vk_id and not await may_run(self.db, self.chats, caller, chat):
            raise UserError(t.NOT_YOURS)
        return meeting, chat

    async def cancel_ask(self, caller: Caller, meeting_id: int) -> r.CancelAsked:
        """«Отменить собрание»: asks first (a confirmation of kind ``meeting_cancel``)."""
        meeting, chat = await self._own(caller, meeting_id)
        tz = await zone_of(self.db, chat.org_id)
        action = await pending_repo.create(
            self.db, kind="meeting_cancel", vk_id=caller.vk_id, org_id=meeting.org_id, now=self.now(), ttl=DRAFT_TTL,
            payload={"meeting_id": meeting.id, "what": t.CANCEL_WHAT.format(topic=meeting.topic)})
        return r.CancelAsked(action, meeting.topic, Moment(meeting.starts_at, self.now(), tz), chat.title)

    async def cancel_apply(self, caller: Caller, action_id: int, meeting_id: int) -> r.Cancelling:
        """The confirmed cancellation: the row, the invitation edited (when its message is known)
        and a notice in the chat — one transaction."""
        meeting, chat = await self._own(caller, meeting_id)
        tz = await zone_of(self.db, chat.org_id)
        when = self._date(meeting.starts_at, tz)
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, action_id, "applied"):
                return r.AlreadyHandled()
            if not await repo.cancel(self.db, meeting.id):
                return r.AlreadyOver()
            if meeting.cmid is not None:
                await self.effects.edit(chat.peer_id, meeting.cmid, t.INVITATION_CANCELLED.format(
                    topic=meeting.topic, when=when))
            await self.effects.send(chat.peer_id, t.CANCELLED_IN_CHAT.format(topic=meeting.topic, when=when),
                                    reply_to_cmid=meeting.cmid, lane=Lane.NORMAL)
        return r.Cancelled(chat.title)

    async def sent(self, track: str, cmid: int) -> None:
        """The runner sent an invitation (``meet:<id>``): its cmid is known without anyone pressing
        (live counts, reminders as replies, the cancellation's edit); one cancelled before it went
        out is edited now."""
        kind, _, rest = track.partition(":")
        if kind != TRACK or not rest.isdigit():
            return
        meeting_id = int(rest)
        with units.unit(f"meeting-sent:{meeting_id}:{cmid}"):
            async with self.db.transaction():
                await repo.set_cmid(self.db, meeting_id, cmid)
                meeting = await repo.get(self.db, meeting_id)
                if meeting is None or meeting.status != "cancelled" or meeting.cmid != cmid:
                    return
                chat = await chat_repo.get(self.db, meeting.chat_id)
                if chat is None:
                    return
                tz = await zone_of(self.db, chat.org_id)
                await self.effects.edit(chat.peer_id, cmid, t.INVITATION_CANCELLED.format(
                    topic=meeting.topic, when=self._date(meeting.starts_at, tz)))

    @staticmethod
    def _date(at: int, tz: ZoneInfo) -> str:
        local = datetime.fromtimestamp(at, tz)
        return f"{dom.WEEKDAYS[local.weekday()]} {local:%d.%m} в {local:%H:%M}"

    @staticmethod
    def _keyboard(meeting_id: int) -> str:
        return inline([[_button(t.BUTTON_YES, {"m": meeting_id, "c": 1}, "positive"),
                        _button(t.BUTTON_NO, {"m": meeting_id, "c": 0}, "negative")]])

    # -- answers ---------------------------------------------------------------------------

    async def answer(self, vk_id: int, peer_id: int, cmid: int | None, meeting_id: int, coming: bool) -> r.Answer:
        """«Приду» / «Не смогу»: the answer (changeable until the start) and what counted."""
        meeting = await repo.get(self.db, meeting_id)
        chat = await chat_repo.get(self.db, meeting.chat_id) if meeting is not None else None
        if meeting is None or chat is None or chat.peer_id != peer_id:
            return r.Answer.GONE
        if meeting.status == "cancelled" or meeting.starts_at <= self.now():
            return r.Answer.GONE
        if cmid and meeting.cmid is None:
            await repo.set_cmid(self.db, meeting.id, cmid)
        person = await repo.person_in_org(self.db, meeting.org_id, vk_id)
        now = self.now()
        before = await repo.answer(self.db, meeting.id, vk_id, person[0] if person else None, coming, now)
        if before is coming:
            return r.Answer.SAME
        # the counts under the invitation: one pending edit, no sooner than EDIT_INTERVAL after the last
        await repo.schedule_refresh(self.db, meeting.id,
                                    max(now, await repo.edited_at(self.db, meeting.id) + EDIT_INTERVAL))
        return r.Answer.COMING if coming else r.Answer.NOT_COMING

    async def who(self, caller: Caller, meeting_id: int) -> r.Attendance:
        """«Кто придёт» (the author or the chat's staff): the list now."""
        meeting = await repo.get(self.db, meeting_id)
        chat = await chat_repo.get(self.db, meeting.chat_id) if meeting is not None else None
        if meeting is None or chat is None:
            raise UserError(t.SNACK_GONE)
        if meeting.author_vk != caller.vk_id and not await may_run(self.db, self.chats, caller, chat):
            raise UserError(t.NOT_YOURS)
        return await self.attendance(meeting, chat)

    async def attendance(self, meeting: Meeting, chat: Chat) -> r.Attendance:
        """Who is coming, who is not and who has not answered: by family in parents' chats."""
        tz = await zone_of(self.db, chat.org_id)
        starts = Moment(meeting.starts_at, self.now(), tz)
        given = await repo.answers(self.db, meeting.id)
        by_person = {p: coming for _, p, coming in given if p is not None}
        audience = await eligibility.audience_ids(self.db, chat) if chat.type else set()
        if chat.type in PARENTS_CHATS:
            families = await repo.families(self.db, audience,
                                           chat.class_id if chat.type == "parents_class" else None)
            names = await repo.names(self.db, {p for _, _, ps in families for p in ps})
            yes: list[r.Family | str] = []
            no: list[r.Family | str] = []
            silent: list[r.Family | str] = []
            for _, child, parents in families:
                answered = [p for p in parents if p in by_person]
                family = r.Family(child, tuple((names[p], by_person[p]) for p in answered),
                                  tuple(names[p] for p in parents))
                if any(by_person[p] for p in answered):
                    yes.append(family)
                elif answered:
                    no.append(family)
                else:
                    silent.append(family)
            return r.Attendance(meeting.topic, starts, chat.title, True, tuple(yes), tuple(no), tuple(silent),
                                len(families), bool(given))
        names = await repo.names(self.db, audience | set(by_person))
        coming = [names[p] for p, c in by_person.items() if c and p in names]
        not_coming = [names[p] for p, c in by_person.items() if not c and p in names]
        unknown = [vk for vk, p, c in given if p is None]
        coming += [Names.placeholder(vk) for vk, p, c in given if p is None and c]
        not_coming += [Names.placeholder(vk) for vk, p, c in given if p is None and not c]
        return r.Attendance(meeting.topic, starts, chat.title, False, tuple(coming), tuple(not_coming),
                            tuple(sorted(names[p] for p in audience - set(by_person) if p in names)),
                            len(audience | set(by_person)) + len(unknown), bool(given))

    # -- what is due -----------------------------------------------------------------------

    async def _invitation_text(self, meeting: Meeting, tz: ZoneInfo) -> str:
        given = await repo.answers(self.db, meeting.id)
        text = t.INVITATION.format(topic=meeting.topic, when=self._date(meeting.starts_at, tz))
        if given:
            yes = sum(1 for _, _, coming in given if coming)
            text += t.INVITATION_COUNTS.format(yes=yes, no=len(given) - yes)
        return text

    async def refresh_due(self) -> int:
        """Record the invitations' count edits that are due (the text read from the answers now)."""
        now = self.now()
        done = 0
        for meeting_id, _ in await repo.refresh_due(self.db, now):
            with units.unit(f"meeting-refresh:{meeting_id}:{now}"):
                async with self.db.transaction():
                    if not await repo.take_refresh(self.db, meeting_id, now):
                        continue
                    meeting = await repo.get(self.db, meeting_id)
                    if meeting is None or meeting.status == "cancelled" or meeting.cmid is None:
                        continue
                    chat = await chat_repo.get(self.db, meeting.chat_id)
                    if chat is None:
                        continue
                    tz = await zone_of(self.db, chat.org_id)
                    keyboard = self._keyboard(meeting.id) if meeting.starts_at > now else None
                    await self.effects.edit(chat.peer_id, meeting.cmid, await self._invitation_text(meeting, tz),
                                            keyboard=keyboard)
                    done += 1
        return done

    async def tick(self) -> int:
        """Reminders and call links that are due (also what fell due while the bot was down, when
        it still makes sense). Each step once, in the transaction of its recorded send; and the
        invitations' counts."""
        done = await self.refresh_due()
        now = self.now()
        for meeting in await repo.due(self.db, now):
            try:
                done += await self._due(meeting, now)
            except Exception:
                log.exception("meeting %s: a due step failed; retried on the next run", meeting.id)
        return done

    async def _due(self, meeting: Meeting, now: int) -> int:
        chat = await chat_repo.get(self.db, meeting.chat_id)
        if chat is None or not chat.bound:
            async with self.db.transaction():
                await repo.finish(self.db, meeting.id)
            return 0
        tz = await zone_of(self.db, chat.org_id)
        quiet, _ = await quiet_of(self.moderation, chat)
        done = 0
        if not meeting.day_done and meeting.day_at is not None and meeting.day_at <= now:
            # a day-before reminder that was missed (the bot down) is dropped once the hour-before is due
            stale = now >= (meeting.hour_at or meeting.starts_at - HOUR_BEFORE)
            if stale or not quiet(now):
                done += await self._remind(meeting, chat, "day", None if stale else self._reminder(meeting, now, tz))
        if not meeting.hour_done and meeting.hour_at is not None and meeting.hour_at <= now:
            stale = now >= meeting.starts_at
            if stale or not quiet(now):
                done += await self._remind(meeting, chat, "hour", None if stale else self._reminder(meeting, now, tz))
        if not meeting.call_done and meeting.call_at <= now:
            done += await self._call(meeting, chat, now, tz)
        return done

    @staticmethod
    def _reminder(meeting: Meeting, now: int, tz: ZoneInfo) -> str:
        """The reminder's words follow how far the start really is (a moved one may come the
        evening before or the same morning)."""
        lead = meeting.starts_at - now
        time_ = datetime.fromtimestamp(meeting.starts_at, tz).strftime("%H:%M")
        if lead <= 45 * 60:
            return t.REMIND_SOON.format(topic=meeting.topic, time=time_)
        if lead <= 90 * 60:
            return t.REMIND_HOUR.format(topic=meeting.topic, time=time_)
        return t.REMIND_AHEAD.format(topic=meeting.topic, when=dom.shown(meeting.starts_at, now, tz))

    async def _remind(self, meeting: Meeting, chat: Chat, step: str, text: str | None) -> int:
        """Mark the step and record its reminder (``None``: skipped, too late to be useful); in
        the hour-before step the author also gets who is coming."""
        with units.unit(f"meeting-{step}:{meeting.id}"):
            async with self.db.transaction():
                if not await repo.mark(self.db, meeting.id, step):
                    return 0
                if text is None:
                    return 0
                await self.effects.send(chat.peer_id, text, reply_to_cmid=meeting.cmid,
                                        keyboard=self._keyboard(meeting.id), lane=Lane.NORMAL)
                if step == "hour":
                    await self.effects.send(meeting.author_vk, t.attendance(await self.attendance(meeting, chat)),
                                            lane=Lane.NORMAL)
        return 1

    async def _call(self, meeting: Meeting, chat: Chat, now: int, tz: ZoneInfo) -> int:
        """Start the VK call (once: the link is kept before anything is posted) and post its link."""
        if now > meeting.starts_at + CALL_TOO_LATE:
            async with self.db.transaction():
                await repo.mark(self.db, meeting.id, "call")
                await repo.finish(self.db, meeting.id)
            return 0
        link = meeting.join_link
        failed = False
        if link is None:
            if not await repo.claim_call(self.db, meeting.id, now, CALL_CLAIM_STALE):
                return 0  # another run is starting it
            try:
                link = await self.gateway.start_call()
            except VkError as exc:
                log.warning("meeting %s: VK refused to start the call (%s)", meeting.id, exc.code)
                failed = True
            else:
                await repo.set_link(self.db, meeting.id, link)
        with units.unit(f"meeting-call:{meeting.id}"):
            async with self.db.transaction():
                if not await repo.mark(self.db, meeting.id, "call"):
                    return 0
                await repo.finish(self.db, meeting.id)
                if failed or link is None:
                    await self.effects.send(meeting.author_vk, t.CALL_FAILED.format(topic=meeting.topic,
                                                                                    title=chat.title))
                    return 0
                await self.effects.send(chat.peer_id, t.CALL.format(
                    topic=meeting.topic, when=dom.shown(meeting.starts_at, now, tz), link=link),
                    reply_to_cmid=meeting.cmid, lane=Lane.NORMAL)
        return 1
