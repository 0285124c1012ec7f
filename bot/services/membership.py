"""Chat membership follows the roster: roster events remove people from chats they no longer
belong to and send them links to their new ones; a weekly check compares VK with the roster."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.domain.clock import Clock
from bot.db import Database
from bot.domain.chat_types import PRESETS
from bot.repo import audit
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo import roles as role_repo
from bot.pipeline.effects import Lane
from bot.pipeline.unit import current as current_unit
from bot.pipeline.unit import unit
from bot.repo.chats import Chat
from bot.services import eligibility
from bot.services.admission_results import JoinDecision
from bot.services.eligibility import Verdict
from bot.services.notify import Notifier
from bot.texts import admission as at
from bot.texts import confirm as ct
from bot.vk.errors import VkChatGone, VkNoChatRights
from bot.vk.gateway import VkGateway

if TYPE_CHECKING:
    from bot.services.admission import Admission

log = logging.getLogger(__name__)

CLAIM_SECONDS = 600  # a consumer that dies mid-way lets others retry after this
# roster events after which a person may have to leave chats, including ones whose join the bot
# never saw (they were there before the bot, or joined while it lacked rights): VK's lists are read
LEAVING_KINDS = frozenset({"expel", "transfer", "mode", "graduate"})
SUMMARY_NAMES = 20


@dataclass
class MemberDiff:
    """VK's member list of a chat against the roster: every present person in exactly one group."""

    eligible: dict[int, Verdict] = field(default_factory=dict)  # on the roster for this chat
    kept: set[int] = field(default_factory=set)  # not eligible but never removed: staff, leader
    vk_admins: set[int] = field(default_factory=set)  # not eligible, admins/owner of the VK chat
    admitted: set[int] = field(default_factory=set)  # let in by a moderator earlier
    quarantined: set[int] = field(default_factory=set)  # already waiting for a moderator
    outsiders: set[int] = field(default_factory=set)  # nobody vouches for them
    missing: set[int] = field(default_factory=set)  # eligible VK accounts not in the chat
    gone: set[int] = field(default_factory=set)  # recorded as members, but VK no longer lists them

    @property
    def extra(self) -> set[int]:
        """Present without a reason to be: what the weekly report lists."""
        return self.outsiders | self.quarantined | self.vk_admins


@dataclass
class Plan:
    removals: list[tuple[Chat, int]] = field(default_factory=list)  # (chat, vk_id)
    links: dict[int, list[Chat]] = field(default_factory=dict)  # vk_id -> chats to join
    renames: list[tuple[Chat, str]] = field(default_factory=list)
    reasons: dict[int, list[str]] = field(default_factory=dict)  # vk_id -> what changed, in plain words
    # active people whose waits end where the change made them belong (admitted, not sent a link)
    admits: list[int] = field(default_factory=list)  # vk ids


class Membership:
    def __init__(self, db: Database, gateway: VkGateway, notifier: Notifier, clock: Clock,
                 admission: Admission) -> None:
        self.db = db
        self.gateway = gateway  # reads VK's member lists
        self.notifier = notifier
        self.clock = clock
        self.admission = admission  # every decision about people found in a chat goes through it

    def now(self) -> int:
        return int(self.clock.now())

    # -- links --------------------------------------------------------------------------

    async def chats_to_join(self, person_id: int) -> list[Chat]:
        """The person's chats with an invite link that they are neither in nor waiting in (a wait
        in a chat they now belong to ends by admission, not by a link to where they already are)."""
        person = await people_repo.get(self.db, person_id)
        if person is None or person.vk_id is None or person.status != "active":
            return []
        chats = [c for c in await chat_repo.in_org(self.db, person.home_org_id) if c.invite_link]
        there = set(await member_repo.chats_of_vk(self.db, person.vk_id))
        there |= set(await member_repo.chats_of_vk(self.db, person.vk_id, "quarantine"))
        return [c for c in await eligibility.chats_for(self.db, person, chats) if c.id not in there]

    # -- roster events ------------------------------------------------------------------

    async def _affected(self, event: dict) -> list[int]:
        if event["person_id"] is None:
            return []
        ids = [event["person_id"]]
        person = await people_repo.get(self.db, event["person_id"])
        if person is not None and person.kind == "student":
            ids += [p.id for p in await people_repo.parents(self.db, person.id)]
        return ids

    async def _plan_person(self, person_id: int, plan: Plan, present: dict[int, set[int] | None] | None = None) -> None:
        """``present``: VK's member lists read so far in this run (chat id -> vk ids), given when
        the person may be in chats whose join the bot never saw (expelled, transferred)."""
        person = await people_repo.get(self.db, person_id)
        if person is None or person.vk_id is None:
            return
        chat_ids = dict.fromkeys(await member_repo.chats_of_vk(self.db, person.vk_id))
        if present is not None:
            chat_ids.update(dict.fromkeys(await self._present_in(person.home_org_id, person.vk_id, present)))
        for chat_id in chat_ids:
            chat = await chat_repo.get(self.db, chat_id)
            if chat is None or not chat.bound or chat.org_id != person.home_org_id:
                continue
            if person.status != "active" or person.id not in await eligibility.eligible_ids(self.db, chat):
                if not await self._still_eligible_otherwise(chat, person.vk_id, person.id):
                    if (chat, person.vk_id) not in plan.removals:
                        plan.removals.append((chat, person.vk_id))
        if person.status == "active":
            if person.vk_id not in plan.admits:
                plan.admits.append(person.vk_id)
            join = await self.chats_to_join(person.id)
            if join:
                plan.links.setdefault(person.vk_id, []).extend(join)

    async def _present_in(self, org_id: int, vk_id: int, present: dict[int, set[int] | None]) -> list[int]:
        """Chats of the school where VK lists ``vk_id``; each chat's list is read once per run."""
        found = []
        for chat in await chat_repo.in_org(self.db, org_id):
            if not chat.bot_is_admin:
                continue
            if chat.id not in present:
                items = await self.present(chat)
                present[chat.id] = None if items is None else {int(i["member_id"]) for i in items}
            members = present[chat.id]
            if members is not None and vk_id in members:
                found.append(chat.id)
        return found

    async def _still_eligible_otherwise(self, chat: Chat, vk_id: int, person_id: int) -> bool:
        """The same VK account may be eligible through another roster entry (a teacher who is a parent)."""
        verdict = await eligibility.judge(self.db, chat, vk_id)
        return verdict.admit and verdict.person_id != person_id

    async def consume_events(self, *, limit: int = 5000) -> int:
        """Apply pending roster events to chats. Events whose chats fail stay pending (retried)."""
        token = secrets.token_hex(8)
        now = self.now()
        async with self.db.transaction():
            # claim first: a concurrent consumer (the job, another worker) skips claimed events
            events = await people_repo.claim_events(self.db, token, until=now + CLAIM_SECONDS, now=now, limit=limit)
        if not events:
            return 0
        plan = Plan()
        seen: set[tuple[int, bool]] = set()
        present: dict[int, set[int] | None] = {}  # VK's member lists, read once per run
        for event in events:
            if event["kind"] == "promote":
                for chat in await self._class_chats(event["to_class_id"]):
                    cls = await people_repo.class_name_of(self.db, chat.class_id or 0)
                    preset = PRESETS[chat.type or "students_class"]
                    school = await org_repo.name_of(self.db, chat.org_id)
                    plan.renames.append((chat, preset.title_for(cls=cls, subject=chat.subject, name=chat.subject,
                                                                school=school or "")))
                continue
            lookup = present if event["kind"] in LEAVING_KINDS else None
            if lookup is not None:
                await self._reasons(event, plan)
            for person_id in await self._affected(event):
                if (person_id, lookup is not None) not in seen:
                    seen.add((person_id, lookup is not None))
                    await self._plan_person(person_id, plan, lookup)
        # one transaction: the roster events consumed, the members' new states and the recorded
        # removals, renames and notices; the action runner performs them (packed into execute)
        with unit(f"roster:{token}"):
            async with self.db.transaction():
                await self._execute(plan)
                now = self.now()
                await people_repo.consume_events(self.db, [e["id"] for e in events], now)
        return len(events)

    async def _reasons(self, event: dict, plan: Plan) -> None:
        """What happened, for the child and each parent: the first line of their notice."""
        child = await people_repo.get(self.db, event["person_id"]) if event["person_id"] else None
        if child is None or child.kind != "student":
            return
        school = await org_repo.name_of(self.db, event["org_id"]) or ""
        old = await people_repo.class_name_of(self.db, event["from_class_id"]) if event["from_class_id"] else None
        new = await people_repo.class_name_of(self.db, event["to_class_id"]) if event["to_class_id"] else None
        for person_id in await self._affected(event):
            person = await people_repo.get(self.db, person_id)
            if person is None or person.vk_id is None:
                continue
            own = person_id == child.id
            kind = event["kind"]
            if kind == "transfer" and new is not None:
                text = (ct.notice_transfer_self(_str(old), str(new)) if own
                        else ct.notice_transfer_parent(child.full_name, _str(old), str(new)))
            elif kind == "expel":
                text = ct.notice_expel_self(school) if own else ct.notice_expel_parent(child.full_name, school)
            elif kind == "graduate":
                text = ct.notice_graduate(child.full_name, school)
            elif kind == "mode":
                mode = json.loads(event.get("details") or "{}").get("to")
                text = ct.notice_mode(child.full_name, texts.MODE_NAMES.get(mode, "")) if mode else ct.NOTICE_FALLBACK
            else:
                continue
            reasons = plan.reasons.setdefault(person.vk_id, [])
            if text not in reasons:
                reasons.append(text)

    async def _class_chats(self, class_id: int | None) -> list[Chat]:
        if class_id is None:
            return []
        return await chat_repo.active_of_class(self.db, class_id)

    async def _execute(self, plan: Plan) -> None:
        """Record the plan: removals (a chat where the bot lost its rights is reported by the
        action runner, and the next membership check finishes the job), renames, notices."""
        left: dict[int, list[Chat]] = {}
        for chat, vk_id in plan.removals:
            await self.admission.remove(chat, vk_id, reason="roster", actor=0, lane=Lane.BULK)
            left.setdefault(vk_id, []).append(chat)
        admitted: dict[int, list[Chat]] = {}
        for vk_id in plan.admits:
            chats = await self.admission.admit_linked(vk_id, self.now(), by="roster")
            if chats:
                admitted[vk_id] = chats
        for chat, title in plan.renames:
            if title != chat.title:
                await self.notifier.effects.retitle(chat.peer_id, title, chat_id=chat.id)
                await chat_repo.set_title(self.db, chat.id, title)
        # one notice per person: what changed (a transfer or expulsion is told to the linked child
        # and parents even when no chat of theirs changes), which chats they left, where their wait
        # ended, the links of their new ones
        for vk_id in dict.fromkeys([*plan.reasons, *left, *admitted, *plan.links]):
            joins = list({c.id: c for c in plan.links.get(vk_id, [])}.values())
            lines = "\n".join(texts.LINK_LINE.format(title=c.title, link=c.invite_link) for c in joins)
            reasons = plan.reasons.get(vk_id, [])
            if not reasons and vk_id not in left and vk_id not in admitted:
                await self.notifier.send(vk_id, texts.LINKS_FOR_YOU.format(lines=lines))
                continue
            parts = [" ".join(reasons) or ct.NOTICE_FALLBACK]
            if vk_id in left:
                parts.append(ct.notice_left([c.title for c in left[vk_id]]))
            if vk_id in admitted:
                parts.append(at.WAIT_ENDED.format(titles=", ".join(f"«{c.title}»" for c in admitted[vk_id])))
            if joins:
                parts.append(ct.NOTICE_JOIN.format(lines=lines))
            await self.notifier.send(vk_id, "\n".join(parts), lane=Lane.BULK if not joins else Lane.NORMAL)

    # -- rights -------------------------------------------------------------------------

    async def rights_lost(self, chat: Chat) -> None:
        """917/925: mark the chat, tell its leader and the school admins once; jobs retry later."""
        fresh = await chat_repo.get(self.db, chat.id)
        if fresh is None:
            return
        first_time = fresh.bot_is_admin or fresh.rights_lost_at is None
        await chat_repo.set_admin(self.db, chat.id, False, now=self.now())
        if not first_time:
            return
        await audit.write(self.db, action="rights_lost", now=self.now(), org_id=chat.org_id, chat_id=chat.id)
        people = []
        if chat.leader_id:
            people.append(chat.leader_id)
        if chat.org_id:
            people += [g.person_id for g in await role_repo.active_in_org(self.db, chat.org_id,
                                                                          ("school_admin", "chat_responsible"))]
        vk_ids = []
        for person_id in dict.fromkeys(people):
            vk_id = await people_repo.vk_id_of(self.db, person_id, active_only=False)
            if vk_id:
                vk_ids.append(vk_id)
        await self.notifier.to_people(vk_ids, texts.RIGHTS_LOST.format(title=chat.title))

    # -- who is in a chat per VK --------------------------------------------------------

    async def present(self, chat: Chat) -> list[dict[str, Any]] | None:
        """VK's member list (read page by page); None when the bot has no rights there."""
        try:
            return await self.gateway.get_members(chat.peer_id)
        except (VkNoChatRights, VkChatGone):
            await self.rights_lost(chat)
            return None

    async def diff(self, chat: Chat, items: list[dict[str, Any]]) -> MemberDiff:
        """Sort everyone VK lists in the chat against the roster (shared by the check on binding,
        on regaining rights and the weekly report)."""
        result = MemberDiff()
        leader_vk = await self._vk_of(chat.leader_id)
        school_staff = await member_repo.staff_vk_ids(self.db, chat.org_id or 0)
        recorded = {m.vk_id: m for m in await member_repo.of_chat(self.db, chat.id)}
        here: set[int] = set()
        for item in items:
            vk_id = int(item["member_id"])
            if vk_id <= 0:
                continue  # communities, this one included
            here.add(vk_id)
            verdict = await eligibility.judge(self.db, chat, vk_id)
            member = recorded.get(vk_id)
            if verdict.admit:
                result.eligible[vk_id] = verdict
            elif vk_id == leader_vk or vk_id in school_staff:
                result.kept.add(vk_id)
            elif item.get("is_admin") or item.get("is_owner"):
                result.vk_admins.add(vk_id)
            elif member is not None and member.state == "quarantine":
                result.quarantined.add(vk_id)
            elif member is not None and member.state == "member" and (member.admitted_by or 0) > 0:
                result.admitted.add(vk_id)
            else:
                result.outsiders.add(vk_id)
        expected = {v for v in [await self._vk_of(p) for p in await eligibility.eligible_ids(self.db, chat)] if v}
        result.missing = expected - here
        result.gone = {v for v, m in recorded.items() if m.state == "member" and v not in here}
        return result

    async def admit_present(self, chat: Chat, *, occasion: str = texts.SWEEP_OCCASION_BOUND) -> MemberDiff | None:
        """Apply admission to everyone VK lists in the chat, not only to those whose join the bot
        saw: eligible people are recorded as members, outsiders removed (students' and closed
        chats) or quarantined with a moderator alert (parents' chats), people who are no longer
        listed marked gone. Staff, the leader, admins of the VK chat and communities stay. The
        chat's staff get one summary; nothing is announced in the chat. Returns the diff, or None
        when the chat is not bound or the bot cannot read its members."""
        fresh = await chat_repo.get(self.db, chat.id)
        if fresh is None or not fresh.bound:
            return None
        items = await self.present(fresh)
        if items is None:
            return None
        now = self.now()
        work = contextlib.nullcontext() if current_unit() is not None else unit(f"members:{fresh.id}:{now}")
        with work:
            async with self.db.transaction():
                diff = await self.diff(fresh, items)
                for vk_id in sorted(diff.eligible):
                    await self.admission.settle_present(fresh, vk_id)
                decided = {vk_id: await self.admission.settle_present(fresh, vk_id) for vk_id in sorted(diff.outsiders)}
                for vk_id in diff.gone:
                    await member_repo.set_state(self.db, fresh.id, vk_id, "left", now)
                removed = [v for v, d in decided.items() if d is JoinDecision.REMOVED]
                quarantined = [v for v, d in decided.items() if d is JoinDecision.QUARANTINE]
                if removed or quarantined:
                    await self._summary(fresh, occasion, removed, quarantined, len(diff.eligible))
        return diff

    async def _summary(self, chat: Chat, occasion: str, removed: list[int], quarantined: list[int],
                       members: int) -> None:
        lines = []
        if removed:
            lines.append(texts.SWEEP_REMOVED.format(count=len(removed), names=_names(removed)))
        if quarantined:
            lines.append(texts.SWEEP_QUARANTINED.format(count=len(quarantined), names=_names(quarantined)))
        lines.append(texts.SWEEP_MEMBERS.format(count=members))
        text = texts.SWEEP_REPORT.format(title=chat.title, occasion=occasion, lines="\n".join(lines))
        await self.notifier.to_people(await self._responsible_vk(chat), text)

    async def _responsible_vk(self, chat: Chat) -> list[int]:
        """The chat's leader and the school's admins and chat-responsible staff."""
        people = [chat.leader_id] if chat.leader_id else []
        people += [g.person_id for g in await role_repo.active_in_org(self.db, chat.org_id or 0,
                                                                      ("school_admin", "chat_responsible"))]
        return [v for v in [await self._vk_of(p) for p in dict.fromkeys(people)] if v]

    async def _vk_of(self, person_id: int | None) -> int | None:
        if person_id is None:
            return None
        return await people_repo.vk_id_of(self.db, person_id)

    # -- weekly reconciliation ---------------------------------------------------------

    async def reconcile(self, chat: Chat) -> tuple[set[int], set[int]] | None:
        """Compare VK's member list with the roster; report, never kick. (extra, missing) vk ids."""
        items = await self.present(chat)
        if items is None:
            return None
        diff = await self.diff(chat, items)
        extra, missing = diff.extra, diff.missing
        if extra or missing:
            names = ", ".join(f"vk.com/id{v}" for v in sorted(extra)[:20])
            text = texts.RECONCILE_REPORT.format(title=chat.title, extra=len(extra), missing=len(missing),
                                                 names=texts.RECONCILE_NAMES.format(names=names) if extra else "")
            people = [chat.leader_id] if chat.leader_id else []
            people += [g.person_id for g in await role_repo.active_in_org(self.db, chat.org_id or 0, ("school_admin",))]
            vk_ids = [v for v in [await people_repo.vk_id_of(self.db, p, active_only=False)
                                  for p in dict.fromkeys(people)] if v]
            await self.notifier.to_people(vk_ids, text)
        return extra, missing

    async def reconcile_all(self) -> int:
        count = 0
        for chat_id in await chat_repo.moderated_ids(self.db):
            chat = await chat_repo.get(self.db, chat_id)
            try:
                if chat is not None and await self.reconcile(chat) is not None:
                    count += 1
            except Exception:
                log.exception("reconciliation failed for chat %s", chat_id)
        return count


def _str(value: object | None) -> str | None:
    return None if value is None else str(value)


def _names(vk_ids: list[int]) -> str:
    shown = ", ".join(f"vk.com/id{v}" for v in vk_ids[:SUMMARY_NAMES])
    rest = len(vk_ids) - SUMMARY_NAMES
    return shown + (texts.SWEEP_MORE.format(count=rest) if rest > 0 else "")
