"""Polls and quizzes: the dialog that creates them, votes and answers, live counts, results.

A poll is one chat message with a callback button per option. Each press is answered with a
snackbar (``answer_button``, URGENT) in the press's own transaction; the live count is never
edited by the press itself: the press asks for a refresh (``poll.refresh_at``, at most one
pending per poll, no sooner than ``EDIT_INTERVAL`` after the previous edit) and ``refresh_due``
(a job every second) records one edit whose text is read from the votes at that moment — so a
storm of presses makes a handful of edits, never a re-send. Deadlines are rows too: ``close_due``
closes what is due, including what fell due while the bot was down.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.db import Database
from bot.domain import polls as dom
from bot.domain.clock import Clock
from bot.domain.errors import UserError
from bot.domain.tables import to_xlsx
from bot.domain.when import Moment
from bot.pipeline import unit as units
from bot.pipeline.effects import Effects, Lane
from bot.repo import chats as chat_repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo.pending import Pending
from bot.repo import polls as repo
from bot.repo.chats import Chat
from bot.repo.polls import Poll
from bot.services import eligibility
from bot.services import polls_results as r
from bot.services.access import Caller
from bot.services.meetings import may_run
from bot.texts import polls as t
from bot.vk.errors import VkError
from bot.vk.keyboards import Button, inline
from bot.vk.names import Names

log = logging.getLogger(__name__)

QUIZ_CHATS = ("subject", "students_class")
TRACK = "poll"  # the tag of a poll message's send (its cmid learned when sent)
CLOSE_KIND = "poll_close"  # the pending confirmation of closing early
PARENTS_CHATS = ("parents_class", "parents_school")
PICK_LIMIT = 5  # chats offered as buttons when /опрос is typed privately
DRAFT_TTL = 24 * 3600
MAX_TEXT = 3900  # one private message of the author's report


def _button(label: str, payload: dict[str, Any], color: str = "secondary") -> Button:
    return Button(label, {"a": "po", **payload}, color)


class Polls:
    def __init__(self, db: Database, effects: Effects, clock: Clock, chats: Any, gateway: Any) -> None:
        self.db = db
        self.effects = effects
        self.clock = clock
        self.chats = chats  # bot.services.chats.Chats (is_chat_staff)
        self.gateway = gateway  # uploading the quiz's results table

    @classmethod
    def of(cls, app: Any) -> Polls:
        return cls(app.db, app.effects, app.clock, app.services.chats, app.gateway)

    def now(self) -> int:
        return int(self.clock.now())

    # -- who may run polls ----------------------------------------------------------------

    async def may_run(self, caller: Caller, chat: Chat) -> bool:
        """The chat's staff: its leader, the school's managers and moderators, and the teachers the
        chat's type admits (a subject chat's teacher, the class teacher)."""
        return await may_run(self.db, self.chats, caller, chat)

    async def _my_chats(self, caller: Caller, kind: str) -> list[Chat]:
        org_ids = {g.org_id for g in caller.grants}
        found = []
        for org_id in sorted(org_ids):
            for chat in await chat_repo.in_org(self.db, org_id):
                if kind == "quiz" and chat.type not in QUIZ_CHATS:
                    continue
                if await self.may_run(caller, chat):
                    found.append(chat)
        return sorted(found, key=lambda c: c.title)

    # -- the dialog ------------------------------------------------------------------------

    async def start(self, caller: Caller, chat: Chat | None, kind: str) -> r.Started:
        """/опрос or /викторина: typed in the chat, the dialog goes on privately; typed privately,
        it first asks which chat."""
        if chat is not None:
            if not chat.bound:
                raise UserError(t.NOT_BOUND)
            if not await self.may_run(caller, chat):
                raise UserError(t.NOT_CHAT_STAFF)
            if kind == "quiz" and chat.type not in QUIZ_CHATS:
                raise UserError(t.QUIZ_WRONG_CHAT)
            draft = await self._new_draft(caller, kind, chat)
            return r.Started(kind, True, self._first_step(draft, kind, chat))
        chats = await self._my_chats(caller, kind)
        if not chats:
            raise UserError(t.NO_QUIZ_CHATS if kind == "quiz" else t.NO_CHATS)
        if len(chats) == 1:
            draft = await self._new_draft(caller, kind, chats[0])
            return r.Started(kind, False, self._first_step(draft, kind, chats[0]))
        draft = await self._new_draft(caller, kind, None)
        shown = tuple(r.ChatChoice(c.id, c.title) for c in chats[:PICK_LIMIT])
        return r.Started(kind, False, r.PickChat(draft, kind, shown, len(chats)))

    async def _new_draft(self, caller: Caller, kind: str, chat: Chat | None) -> int:
        payload: dict[str, Any] = {"kind": kind, "step": "chat"}
        if chat is not None:
            payload.update(self._chat_part(kind, chat))
        await repo.drop_drafts(self.db, caller.vk_id)
        return await pending_repo.create(self.db, kind=repo.DRAFT_KIND, vk_id=caller.vk_id,
                                         org_id=chat.org_id if chat else None, payload=payload, now=self.now(),
                                         ttl=DRAFT_TTL)

    @staticmethod
    def _chat_part(kind: str, chat: Chat) -> dict[str, Any]:
        template = t.WHAT_QUIZ_DRAFT if kind == "quiz" else t.WHAT_DRAFT
        return {"chat_id": chat.id, "title": chat.title, "what": template.format(title=chat.title),
                "step": "limit" if kind == "quiz" else "multiple"}

    @staticmethod
    def _first_step(draft: int, kind: str, chat: Chat) -> r.Step:
        return r.AskLimit(draft, chat.title) if kind == "quiz" else r.AskMultiple(draft, chat.title)

    async def _draft(self, caller: Caller, draft_id: int) -> Pending:
        action = await pending_repo.get(self.db, draft_id)
        if (action is None or action.kind != repo.DRAFT_KIND or action.status != "open"
                or action.expires_at < self.now()):
            raise UserError(t.DRAFT_GONE)
        if action.vk_id != caller.vk_id:
            raise UserError(t.NOT_YOURS)
        return action

    async def step(self, caller: Caller, draft_id: int, step: str, value: Any) -> r.Step:
        """A button of the dialog: the chat, single/multiple, anonymous/named, the deadline, the time limit."""
        action = await self._draft(caller, draft_id)
        payload = dict(action.payload)
        kind = payload.get("kind", "poll")
        reply: r.Step
        if step == "chat":
            chat = await chat_repo.get(self.db, int(value))
            if chat is None or not await self.may_run(caller, chat) or (kind == "quiz" and chat.type not in QUIZ_CHATS):
                raise UserError(t.NOT_CHAT_STAFF)
            payload.update(self._chat_part(kind, chat))
            await repo.save_draft(self.db, draft_id, payload)
            return self._first_step(draft_id, kind, chat)
        if step != payload.get("step"):
            raise UserError(t.DRAFT_GONE)  # an older message of the dialog
        if step == "multiple":
            payload.update(multiple=bool(int(value)), step="named")
            reply = r.AskNamed(draft_id)
        elif step == "named":
            payload.update(anonymous=not int(value), step="deadline")
            reply = r.AskDeadline(draft_id)
        elif step == "deadline" and str(value) in dom.DEADLINES:
            payload.update(seconds=dom.DEADLINES[str(value)], step="text")
            reply = r.AskText(draft_id, "poll")
        elif step == "limit" and str(value) in dom.LIMITS:
            payload.update(seconds=dom.LIMITS[str(value)], step="text")
            reply = r.AskText(draft_id, "quiz")
        else:
            raise UserError(t.DRAFT_GONE)
        await repo.save_draft(self.db, draft_id, payload)
        return reply

    async def waiting_text(self, vk_id: int) -> int | None:
        return await repo.draft_waiting_text(self.db, vk_id, self.now())

    async def typed(self, caller: Caller, draft_id: int, text: str) -> r.Preview:
        """The question and options (a quiz: its questions) typed as one message: the preview."""
        action = await self._draft(caller, draft_id)
        payload = dict(action.payload)
        kind = payload.get("kind", "poll")
        try:
            questions = dom.parse_quiz(text) if kind == "quiz" else [dom.parse_poll(text)]
        except UserError as exc:
            raise UserError(exc.message + t.TRY_AGAIN) from None
        payload["questions"] = [{"q": q.text, "o": list(q.options), "c": q.correct} for q in questions]
        payload["step"] = "preview"
        await repo.save_draft(self.db, draft_id, payload)
        chat = await chat_repo.get(self.db, int(payload["chat_id"]))
        assert chat is not None and chat.org_id is not None
        deadline = await self._moment(chat.org_id, self.now() + int(payload["seconds"]))
        return r.Preview(draft_id, kind, chat.title, tuple(questions), bool(payload.get("multiple")),
                         bool(payload.get("anonymous")), deadline)

    async def publish(self, caller: Caller, draft_id: int) -> r.Published:
        """«Опубликовать»: the poll (a quiz: each question) goes to the chat with its buttons."""
        action = await self._draft(caller, draft_id)
        payload = action.payload
        if payload.get("step") != "preview":
            raise UserError(t.DRAFT_GONE)
        chat = await chat_repo.get(self.db, int(payload["chat_id"]))
        if chat is None or chat.org_id is None or not await self.may_run(caller, chat):
            raise UserError(t.NOT_CHAT_STAFF)
        if not await pending_repo.claim(self.db, draft_id, "applied"):
            raise UserError(t.DRAFT_GONE)
        kind = payload.get("kind", "poll")
        now = self.now()
        deadline = now + int(payload["seconds"])
        series: int | None = None
        first = 0
        total = len(payload["questions"])
        for position, q in enumerate(payload["questions"], start=1):
            poll_id = await repo.create(
                self.db, kind=kind, chat_id=chat.id, org_id=chat.org_id, author_vk=caller.vk_id, question=q["q"],
                options=tuple(q["o"]), correct=q.get("c"), multiple=bool(payload.get("multiple")),
                anonymous=bool(payload.get("anonymous")) if kind == "poll" else False, deadline=deadline, now=now,
                series=series, position=position)
            first = first or poll_id
            if kind == "quiz" and series is None:
                series = poll_id
            poll = await repo.get(self.db, poll_id)
            assert poll is not None
            text, keyboard = await self.render(poll, total=total)
            # the runner tells the sent message's cmid (``sent``): live counts and the closing edit
            # need it even if nobody ever presses a button
            await self.effects.send(chat.peer_id, text, keyboard=keyboard, lane=Lane.NORMAL,
                                    track=f"{TRACK}:{poll_id}")
        return r.Published(first, kind, chat.title, total, await self._moment(chat.org_id, deadline),
                           named=kind == "poll" and not payload.get("anonymous"))

    # -- the posted message ----------------------------------------------------------------

    async def sent(self, track: str, cmid: int) -> None:
        """The runner sent a poll's (a quiz question's) message (``poll:<id>``): remember its cmid;
        a poll closed before its message went out loses its buttons now."""
        kind, _, rest = track.partition(":")
        if kind != TRACK or not rest.isdigit():
            return
        poll_id = int(rest)
        with units.unit(f"poll-sent:{poll_id}:{cmid}"):
            async with self.db.transaction():
                await repo.set_cmid(self.db, poll_id, cmid)
                poll = await repo.get(self.db, poll_id)
                if poll is None or poll.open or poll.cmid != cmid:
                    return
                chat = await chat_repo.get(self.db, poll.chat_id)
                if chat is None:
                    return
                quiz = poll.kind == "quiz"
                total = len(await repo.of_series(self.db, poll.series or poll.id)) if quiz else None
                text, _ = await self.render(poll, total=total)
                await self.effects.edit(chat.peer_id, cmid, text)

    async def _moment(self, org_id: int, at: int) -> Moment:
        org = await org_repo.get(self.db, org_id)
        return Moment(at, self.now(), ZoneInfo(org.timezone if org is not None else "Europe/Moscow"))

    async def render(self, poll: Poll, *, total: int | None = None) -> tuple[str, str | None]:
        """The poll's (question's) text and buttons now: live counts, or the final state once closed."""
        masks = await repo.choices(self.db, poll.id)
        counts = dom.counts(masks, len(poll.options))
        deadline = t.deadline(await self._moment(poll.org_id, poll.deadline))
        if poll.kind == "quiz":
            if total is None:
                total = len(await repo.of_series(self.db, poll.series or poll.id))
            answered = t.students(len(masks))
            if poll.open:
                lines = "\n".join(f"{n}. {o}" for n, o in enumerate(poll.options, start=1))
                text = "\n\n".join([t.QUIZ_HEAD.format(number=poll.position, total=total, question=poll.question),
                                    lines, t.QUIZ_FOOT.format(answered=answered, deadline=deadline)])
                return text, self._keyboard(poll)
            right = counts[poll.correct] if poll.correct is not None else 0
            lines = "\n".join(("✅ " if n == poll.correct else "▫️ ") + f"{o} — {counts[n]}"
                              for n, o in enumerate(poll.options))
            option = poll.options[poll.correct] if poll.correct is not None else "—"
            text = "\n\n".join([t.QUIZ_HEAD_CLOSED.format(number=poll.position, total=total, question=poll.question),
                                lines, t.QUIZ_FOOT_CLOSED.format(option=option, answered=answered, right=right)])
            return text, None
        voters = len(masks)
        lines = "\n".join(t.POLL_LINE.format(number=n, option=o, count=counts[n - 1],
                                             percent=dom.percent(counts[n - 1], voters),
                                             bar=dom.bar(counts[n - 1], voters)).rstrip()
                          for n, o in enumerate(poll.options, start=1))
        if poll.open:
            foot = t.POLL_FOOT.format(note=t.POLL_NOTE_MULTIPLE if poll.multiple else t.POLL_NOTE_SINGLE,
                                      privacy=t.POLL_NOTE_ANONYMOUS if poll.anonymous else t.POLL_NOTE_NAMED,
                                      voters=t.people(voters), deadline=deadline)
            return "\n\n".join([t.POLL_HEAD.format(question=poll.question), lines, foot]), self._keyboard(poll)
        foot = t.POLL_FOOT_CLOSED.format(voters=t.people(voters))
        return "\n\n".join([t.POLL_HEAD_CLOSED.format(question=poll.question), lines, foot]), None

    @staticmethod
    def _keyboard(poll: Poll) -> str:
        buttons = [_button(f"{n}. {o}", {"p": poll.id, "o": n - 1}) for n, o in enumerate(poll.options, start=1)]
        return inline(dom_grid(buttons, 1 if len(buttons) <= 5 else 2))

    # -- presses ---------------------------------------------------------------------------

    async def vote(self, vk_id: int, peer_id: int, cmid: int | None, poll_id: int, option: int) -> r.VoteResult:
        """A press on an option: the vote (a quiz: the one answer) and what counted."""
        poll = await repo.get(self.db, poll_id)
        chat = await chat_repo.get(self.db, poll.chat_id) if poll is not None else None
        if poll is None or chat is None or chat.peer_id != peer_id or not 0 <= option < len(poll.options):
            return r.VoteRefused(r.Refusal.GONE)
        now = self.now()
        if not poll.open or poll.deadline <= now:
            return r.VoteRefused(r.Refusal.QUIZ_CLOSED if poll.kind == "quiz" else r.Refusal.CLOSED)
        if cmid and poll.cmid is None:
            await repo.set_cmid(self.db, poll.id, cmid)
        person = await repo.person_in_org(self.db, poll.org_id, vk_id)
        person_id = person[0] if person else None
        result: r.VoteResult
        if poll.kind == "quiz":
            if person is None or person[2] != "student":
                return r.VoteRefused(r.Refusal.QUIZ_STUDENTS)
            if not await repo.add_answer(self.db, poll.id, vk_id, person_id, 1 << option, now):
                return r.VoteRefused(r.Refusal.ANSWERED)
            result = r.QuizAnswered(option == poll.correct)
        else:
            current = await repo.vote_of(self.db, poll.id, vk_id)
            choice = dom.press(current, option, poll.multiple)
            if choice == current:
                return r.SameVote(poll.options[option])
            if choice == 0:
                await repo.drop_vote(self.db, poll.id, vk_id)
                result = r.Withdrawn()
            else:
                await repo.put_vote(self.db, poll.id, vk_id, person_id, choice, now)
                if poll.multiple:
                    result = r.Chosen(tuple(i + 1 for i in dom.chosen(choice)))
                else:
                    result = r.Voted(poll.options[option], changed=bool(current))
        await repo.schedule_refresh(self.db, poll.id, dom.next_edit_at(now, poll.edited_at))
        return result

    async def refresh_due(self) -> int:
        """Record the live edits that are due (one per poll, its text read from the votes now)."""
        now = self.now()
        done = 0
        for poll in await repo.refresh_due(self.db, now):
            # at most one edit of a poll message waiting to be performed, and performed ones
            # EDIT_INTERVAL apart (an edit may wait in its lane longer than the interval)
            last = await repo.last_edit(self.db, poll.id)
            if last is not None:
                status, done_at = last
                later = now + 1 if status == "pending" else (done_at or 0) + dom.EDIT_INTERVAL
                if later > now:
                    await repo.postpone_refresh(self.db, poll.id, later)
                    continue
            with units.unit(repo.refresh_event(poll.id, now)):
                async with self.db.transaction():
                    if not await repo.take_refresh(self.db, poll.id, now):
                        continue
                    fresh = await repo.get(self.db, poll.id)
                    if fresh is None or not fresh.open or fresh.cmid is None:
                        continue
                    chat = await chat_repo.get(self.db, fresh.chat_id)
                    if chat is None:
                        continue
                    text, keyboard = await self.render(fresh)
                    await self.effects.edit(chat.peer_id, fresh.cmid, text, keyboard=keyboard)
                    done += 1
        return done

    # -- closing ---------------------------------------------------------------------------

    async def ask_close(self, caller: Caller, poll_id: int) -> r.CloseAsked:
        """«Подвести итоги сейчас»: closing is for good, so it is asked first (a pending action)."""
        poll, chat = await self._closable(caller, poll_id)
        if poll.kind == "quiz":
            what = t.WHAT_CLOSE_QUIZ.format(title=chat.title)
        else:
            what = t.WHAT_CLOSE.format(question=poll.question)
        action_id = await pending_repo.create(self.db, kind=CLOSE_KIND, vk_id=caller.vk_id, org_id=poll.org_id,
                                              payload={"what": what, "poll": poll.id}, now=self.now(),
                                              ttl=DRAFT_TTL)
        return r.CloseAsked(action_id, poll.kind, poll.question, chat.title)

    async def _closable(self, caller: Caller, poll_id: int) -> tuple[Poll, Chat]:
        poll = await repo.get(self.db, poll_id)
        chat = await chat_repo.get(self.db, poll.chat_id) if poll is not None else None
        if poll is None or chat is None:
            raise UserError(t.SNACK_GONE)
        if not poll.open:
            raise UserError(t.ALREADY_CLOSED)
        if poll.author_vk != caller.vk_id and not await self.may_run(caller, chat):
            raise UserError(t.NOT_YOURS)
        return poll, chat

    async def close_now(self, caller: Caller, action: Pending) -> r.Closing:
        """The confirmation of «Подвести итоги сейчас» (the author, or the chat's staff)."""
        poll_id = int(action.payload.get("poll", 0))
        if not await pending_repo.claim(self.db, action.id, "applied"):
            return r.AlreadyHandled()
        await self._closable(caller, poll_id)
        poll = await repo.get(self.db, poll_id)
        assert poll is not None
        await self._close(poll)
        return r.ClosedNow()

    async def close_due(self) -> int:
        """Close every poll and quiz whose deadline has passed (also those due while the bot was down)."""
        closed = 0
        for poll in await repo.due(self.db, self.now()):
            try:
                if await self._close(poll):
                    closed += 1
            except Exception:
                log.exception("closing poll %s failed; retried on the next run", poll.id)
        return closed

    async def _close(self, poll: Poll) -> bool:
        if poll.kind == "quiz":
            return await self._close_quiz(poll)
        with units.unit(f"poll-close:{poll.id}"):
            async with self.db.transaction():
                if not await repo.close(self.db, poll.id, self.now()):
                    return False
                chat = await chat_repo.get(self.db, poll.chat_id)
                fresh = await repo.get(self.db, poll.id)
                assert fresh is not None
                if chat is None:
                    return True
                if fresh.cmid is not None:
                    text, _ = await self.render(fresh)
                    await self.effects.edit(chat.peer_id, fresh.cmid, text)
                masks = await repo.choices(self.db, poll.id)
                counts = dom.counts(masks, len(poll.options))
                lines = "\n".join(t.POLL_LINE.format(number=n, option=o, count=counts[n - 1],
                                                     percent=dom.percent(counts[n - 1], len(masks)),
                                                     bar=dom.bar(counts[n - 1], len(masks))).rstrip()
                                  for n, o in enumerate(poll.options, start=1))
                await self.effects.send(chat.peer_id, t.RESULTS.format(question=poll.question, lines=lines,
                                                                       voters=t.people(len(masks))),
                                        reply_to_cmid=fresh.cmid, lane=Lane.NORMAL)
                if not poll.anonymous:
                    for part in _chunks(await self._named_report(poll, chat)):
                        await self.effects.send(poll.author_vk, part, lane=Lane.NORMAL)
        return True

    async def _named_report(self, poll: Poll, chat: Chat) -> str:
        """Who voted what, and who of the chat's audience did not (in parents' chats: by family)."""
        votes = await repo.votes(self.db, poll.id)
        known = await repo.names(self.db, {p for _, p, _ in votes if p is not None})

        def who(vk_id: int, person_id: int | None) -> str:
            if person_id is not None and person_id in known:
                return known[person_id]
            return Names.placeholder(vk_id)

        blocks = []
        for index, option in enumerate(poll.options):
            names = [who(vk, p) for vk, p, choice in votes if choice >> index & 1]
            if names:
                blocks.append(t.NAMED_OPTION.format(option=option, count=len(names),
                                                    names="\n".join(f"— {n}" for n in names)))
            else:
                blocks.append(t.NAMED_NOBODY.format(option=option))
        text = t.NAMED_REPORT.format(question=poll.question, title=chat.title, lines="\n\n".join(blocks))
        audience = await eligibility.audience_ids(self.db, chat) if chat.type else set()
        voted = {p for _, p, _ in votes if p is not None}
        if chat.type in PARENTS_CHATS:
            families = await repo.families(self.db, audience, chat.class_id if chat.type == "parents_class" else None)
            parent_names = await repo.names(self.db, {p for _, _, ps in families for p in ps})
            silent = [(child, name, ps) for child, name, ps in families if not set(ps) & voted]
            text += "\n\n" + t.FAMILIES_VOTED.format(voted=len(families) - len(silent), total=len(families))
            if silent:
                lines = []
                for _, name, ps in silent:
                    line = texts.gendered(name, t.NON_VOTERS_FAMILY_LINE, t.NON_VOTERS_FAMILY_LINE_F)
                    lines.append(line.format(child=name, parents=", ".join(parent_names[p] for p in ps)))
                text += "\n\n" + t.NON_VOTERS_FAMILIES.format(count=len(silent), total=len(families),
                                                              lines="\n".join(lines))
            elif families:
                text += "\n\n" + t.ALL_VOTED.format(total=len(families))
        elif audience:
            silent_ids = audience - voted
            all_names = await repo.names(self.db, silent_ids)
            if silent_ids:
                listed = "\n".join(f"— {n}" for n in sorted(all_names.values()))
                text += "\n\n" + t.NON_VOTERS.format(count=len(silent_ids), total=len(audience), lines=listed)
            else:
                text += "\n\n" + t.ALL_VOTED.format(total=len(audience))
        return text

    async def _close_quiz(self, poll: Poll) -> bool:
        questions = await repo.of_series(self.db, poll.series or poll.id)
        if not questions or not questions[0].open:
            return False
        chat = await chat_repo.get(self.db, poll.chat_id)
        if chat is None:
            return False
        table, summary = await self._quiz_table(questions, chat)
        attachment = None
        try:
            attachment = await self.gateway.upload_doc(poll.author_vk, f"{t.QUIZ_FILE}-{questions[0].id}.xlsx",
                                                       table)
        except VkError as exc:
            log.warning("quiz %s: the results table could not be uploaded (%s)", questions[0].id, exc.code)
        with units.unit(f"quiz-close:{questions[0].id}"):
            async with self.db.transaction():
                if not await repo.close(self.db, questions[0].id, self.now()):
                    return False
                answered: set[int] = set()
                for question in questions:
                    await repo.close(self.db, question.id, self.now())
                    answered |= {vk for vk, _, _ in await repo.votes(self.db, question.id)}
                    fresh = await repo.get(self.db, question.id)
                    if fresh is not None and fresh.cmid is not None:
                        text, _ = await self.render(fresh, total=len(questions))
                        await self.effects.edit(chat.peer_id, fresh.cmid, text)
                await self.effects.send(chat.peer_id, t.QUIZ_OVER.format(answered=t.answered(len(answered))),
                                        lane=Lane.NORMAL)
                await self.effects.send(poll.author_vk, summary, attachment=attachment, lane=Lane.NORMAL)
        return True

    async def _quiz_table(self, questions: list[Poll], chat: Chat) -> tuple[bytes, str]:
        """The results table (one row per student of the chat's audience and whoever answered) and
        the summary line for the teacher."""
        answers: dict[int, dict[int, int]] = {}  # person id -> question id -> choice
        for question in questions:
            for _, person_id, choice in await repo.votes(self.db, question.id):
                if person_id is not None:
                    answers.setdefault(person_id, {})[question.id] = choice
        audience = await eligibility.audience_ids(self.db, chat) if chat.type else set()
        names = await repo.names(self.db, audience | set(answers))
        headers = [t.QUIZ_COL_NAME, *(f"{q.position}. {q.question}"[:60] for q in questions), t.QUIZ_COL_SCORE,
                   t.QUIZ_COL_OF]
        rows: list[list[Any]] = []
        scores = []
        for person_id, name in sorted(names.items(), key=lambda item: item[1]):
            mine = answers.get(person_id, {})
            row: list[Any] = [name]
            right = 0
            for q in questions:
                mask = mine.get(q.id)
                if mask is None:
                    row.append(t.QUIZ_NO_ANSWER)
                    continue
                picked = dom.chosen(mask)[0]
                ok = picked == q.correct
                right += ok
                row.append(f"{q.options[picked]} — {t.QUIZ_RIGHT_MARK if ok else t.QUIZ_WRONG_MARK}")
            row += [right, len(questions)]
            rows.append(row)
            if mine:
                scores.append(right)
        table = to_xlsx({t.QUIZ_SHEET: (headers, rows)})
        average = f"{sum(scores) / len(scores):.1f}".replace(".", ",") if scores else "0"
        summary = t.QUIZ_REPORT.format(title=chat.title, answered=len(scores), total=t.of_students(len(names)),
                                       average=average, questions=len(questions))
        return table, summary


def dom_grid(buttons: list[Button], per_row: int) -> list[list[Button]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def _chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long report at line ends into messages VK accepts."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts
