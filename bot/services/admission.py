"""Every join is checked against the roster: welcome, admit as staff or guest, remove, or
quarantine with a moderator alert. Every decision goes to the audit log with who made it."""

from __future__ import annotations

import logging

from bot import texts
from bot.domain.clock import Clock
from bot.db import Database
from bot.domain.chat_types import OnUnknown
from bot.repo import alerts as alert_repo
from bot.repo import audit
from bot.repo import chats as chat_repo
from bot.repo import members as member_repo
from bot.repo import orgs as org_repo
from bot.repo import pending as pending_repo
from bot.repo import people as people_repo
from bot.repo.alerts import Alert
from bot.repo.chats import Chat
from bot.repo.members import Member
from bot.repo.pending import Pending
from bot.domain import gender
from bot.texts import admission as t
from bot.services import eligibility
from bot.services.access import Caller
from bot.services.admission_results import (AdmitAllAsked, AdmittedAll, AlreadyDecided, Decided, JoinDecision,
                                           NobodyWaits, NoneLeft, Waiting, admitted_as)
from bot.services.alerts import Alerts
from bot.services.chats import Chats
from bot.services.notify import Notifier
from bot.services.roster_results import Gone
from bot.pipeline.effects import Effects, Lane
from bot.pipeline.unit import unit

log = logging.getLogger(__name__)

MAX_OPEN_ALERTS = 20  # about one person in one chat: more would be a bug, not a reason to loop


class Admission:
    def __init__(self, db: Database, notifier: Notifier, alerts: Alerts, chats: Chats,
                 clock: Clock, quarantine_seconds: int, effects: Effects, *, community: str = t.COMMUNITY_DEFAULT) -> None:
        self.db = db
        self.notifier = notifier
        self.alerts = alerts
        self.chats = chats
        self.clock = clock
        self.quarantine_seconds = quarantine_seconds
        self.effects = effects
        self.community = community  # where newcomers write their code («vk.me/zavuch»)

    def now(self) -> int:
        return int(self.clock.now())

    async def on_join(self, peer_id: int, member_id: int, by_vk: int) -> JoinDecision:
        """Decide about a newcomer; returns the decision (for tests and logs)."""
        chat = await chat_repo.by_peer(self.db, peer_id)
        if chat is None or not chat.bound or member_id <= 0:
            return JoinDecision.IGNORED
        verdict = await eligibility.judge(self.db, chat, member_id)
        now = self.now()
        if verdict.admit:
            await member_repo.upsert(self.db, chat_id=chat.id, vk_id=member_id, state="member", now=now,
                                     person_id=verdict.person_id, credited_org_id=verdict.credited_org_id,
                                     admitted_by=0)
            await audit.write(self.db, action="admit", now=now, org_id=chat.org_id, chat_id=chat.id,
                              target_vk=member_id, reason=verdict.kind,
                              details={"person_id": verdict.person_id, "credited_org": verdict.credited_org_id})
            name = await self.chats.vk_name(member_id)
            if verdict.kind == "guest":
                org = await org_repo.get(self.db, verdict.credited_org_id or 0)
                text = texts.CHAT_WELCOME_GUEST.format(name=name, org=org.name if org else "")
            else:
                text = texts.CHAT_WELCOME.format(name=name)
            await self.notifier.try_send(peer_id, text)
            return admitted_as(verdict.kind)
        preset = eligibility.preset_of(chat)
        if preset.on_unknown is OnUnknown.REMOVE:
            # a stranger's removal yields to moderation: join storms must not delay deletions
            await self.remove(chat, member_id, reason="not_on_roster", actor=0, lane=Lane.BULK)
            await self.notifier.try_send(peer_id, texts.CHAT_REMOVED_UNKNOWN)
            return JoinDecision.REMOVED
        name = await self.chats.vk_name(member_id)
        await self.notifier.try_send(peer_id, t.CHAT_QUARANTINE.format(name=name, community=self.community))
        await self._quarantine(chat, member_id, verdict.person_id, now, texts.ALERT_QUARANTINE)
        return JoinDecision.QUARANTINE

    async def _quarantine(self, chat: Chat, member_id: int, person_id: int | None, now: int, alert_text: str,
                          **details: object) -> None:
        """Record the quarantine and ask the moderators with «Допустить / Исключить»."""
        await member_repo.upsert(self.db, chat_id=chat.id, vk_id=member_id, state="quarantine", now=now,
                                 person_id=person_id)
        await audit.write(self.db, action="quarantine", now=now, org_id=chat.org_id, chat_id=chat.id,
                          target_vk=member_id, reason="not_on_roster", details=details or None)
        text = alert_text.format(title=chat.title, name=await self.chats.vk_name(member_id), vk_id=member_id)
        assert chat.org_id is not None
        await self.alerts.raise_alert(
            kind="quarantine", org_id=chat.org_id, chat_id=chat.id, target_vk=member_id, text=text,
            actions=[("admit", texts.BUTTON_ADMIT, "positive"), ("exclude", texts.BUTTON_EXCLUDE, "negative"),
                     ("admit_all", t.BUTTON_ADMIT_ALL, "secondary")],
            details={"text": text}, extra_person_ids=(chat.leader_id,) if chat.leader_id else (),
        )

    async def on_leave(self, peer_id: int, member_id: int, *, by: int) -> None:
        """A member left (by == member) or a chat admin removed them (recorded with who)."""
        chat = await chat_repo.by_peer(self.db, peer_id)
        if chat is None or member_id <= 0:
            return
        state = "left" if by == member_id else "removed"
        before = await member_repo.get(self.db, chat.id, member_id)
        await member_repo.set_state(self.db, chat.id, member_id, state, self.now(), by=None if by == member_id else by)
        if state == "removed":
            await audit.write(self.db, action="remove", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                              actor_vk=by, target_vk=member_id, reason="chat_admin")
        if before is not None and before.state == "quarantine":
            # nobody waits any more: the moderators' alert says so instead of offering buttons
            action, how = t.wait_over(self.chats.known_female(member_id), left=state == "left")
            who = how if state == "left" else f"{how} ({await self.chats.vk_name(by)})"
            await self._close_alerts(chat, member_id, by_vk=by, action=action, who=who,
                                     suffix=t.ALERT_CLOSED.format(action=action.capitalize(), how=who))

    async def remove(self, chat: Chat, vk_id: int, *, reason: str, actor: int, lane: Lane = Lane.URGENT) -> bool:
        """Remove a member: recorded with the decision, performed once it commits (a user already
        gone counts as done; lost rights are reported by the action runner)."""
        await self.effects.remove_member(chat.peer_id, vk_id, chat_id=chat.id, lane=lane)
        now = self.now()
        await member_repo.upsert(self.db, chat_id=chat.id, vk_id=vk_id, state="removed", now=now)
        await member_repo.set_state(self.db, chat.id, vk_id, "removed", now, by=actor)
        await audit.write(self.db, action="remove", now=now, org_id=chat.org_id, chat_id=chat.id, actor_vk=actor,
                          target_vk=vk_id, reason=reason)
        return True

    async def decision(self, alert: Alert, moderator_vk: int,
                       do: str) -> Decided | AlreadyDecided | AdmitAllAsked | NobodyWaits | Gone:
        """A moderator pressed «Допустить», «Исключить» or «Допустить всех ожидающих» (asked
        first, naming everyone waiting; this alert stays open) on a quarantine alert
        (handlers/console.py renders the snackbar and sends the question)."""
        chat = await chat_repo.get(self.db, alert.chat_id or 0)
        if chat is None or alert.target_vk is None:
            return Gone()
        if do == "admit_all":
            return await self.admit_all_question(chat, moderator_vk)
        target = self.chats.known_female(alert.target_vk)  # shown in the alert: usually known
        admit = do == "admit"
        action = texts.admitted(target) if admit else texts.excluded(target)
        who = await self.chats.vk_name(moderator_vk)
        if not await self.alerts.settle(alert, by_vk=moderator_vk, action=action, who=who):
            return AlreadyDecided(await self._handled_action(alert.id))
        now = self.now()
        if admit:
            await member_repo.transition(self.db, chat.id, alert.target_vk, from_state="quarantine", to_state="member",
                                         now=now, by=moderator_vk)
            await audit.write(self.db, action="admit", now=now, org_id=chat.org_id, chat_id=chat.id,
                              actor_vk=moderator_vk, target_vk=alert.target_vk, reason="moderator")
            name = await self.chats.vk_name(alert.target_vk)
            await self.notifier.try_send(chat.peer_id, texts.CHAT_WELCOME.format(name=name))
        else:
            await self.remove(chat, alert.target_vk, reason="moderator", actor=moderator_vk)
        return Decided(admit, target)

    # -- the loop closed by a code -------------------------------------------------------------

    async def admit_linked(self, vk_id: int, now: int, *, by: str = "code") -> list[Chat]:
        """A code was just redeemed (call inside its transaction): in every chat where this account
        waits in quarantine and now belongs, it is let in — membership and audit recorded, the
        moderators' alert closed with the outcome («✔ Допущена — привязалась по коду», buttons
        gone), a welcome in the chat. ``by``: what made them belong — "code", "staff" (linked by
        the school's staff) or "roster" (a roster change put them on this chat's list). Returns
        those chats."""
        admitted: list[Chat] = []
        for chat_id in await member_repo.chats_of_vk(self.db, vk_id, "quarantine"):
            chat = await chat_repo.get(self.db, chat_id)
            if chat is None or not chat.bound:
                continue
            verdict = await eligibility.judge(self.db, chat, vk_id)
            if not verdict.admit:
                continue  # linked, but not someone this chat is for: the moderators still decide
            if not await member_repo.transition(self.db, chat.id, vk_id, from_state="quarantine",
                                                to_state="member", now=now):
                continue
            await member_repo.upsert(self.db, chat_id=chat.id, vk_id=vk_id, state="member", now=now,
                                     person_id=verdict.person_id, credited_org_id=verdict.credited_org_id,
                                     admitted_by=0)
            await audit.write(self.db, action="admit", now=now, org_id=chat.org_id, chat_id=chat.id,
                              target_vk=vk_id, reason=by,
                              details={"person_id": verdict.person_id, "after": "quarantine"})
            action, how = t.alert_outcome(gender.female(verdict.person_name), by)
            await self._close_alerts(chat, vk_id, by_vk=0, action=action, who=how,
                                     suffix=t.ALERT_CLOSED.format(action=action.capitalize(), how=how))
            await self.notifier.try_send(chat.peer_id, texts.CHAT_WELCOME.format(name=await self.chats.vk_name(vk_id)))
            admitted.append(chat)
        return admitted

    # -- approving everyone waiting ------------------------------------------------------------

    async def waiting(self, chat: Chat) -> list[Member]:
        """Who waits in quarantine in this chat, longest first."""
        return await member_repo.in_state(self.db, chat.id, "quarantine")

    async def admit_all_question(self, chat: Chat, moderator_vk: int) -> AdmitAllAsked | NobodyWaits:
        """The confirmation of admitting everyone waiting, naming them (a pending action)."""
        waiting = await self.waiting(chat)
        if not waiting:
            return NobodyWaits(chat.title)
        known = [m.vk_id for m in waiting if m.person_id is not None]
        action_id = await pending_repo.create(
            self.db, kind="admit_all", vk_id=moderator_vk, org_id=chat.org_id, now=self.now(), ttl=3600,
            payload={"what": t.ADMIT_ALL_WHAT.format(title=chat.title, count=len(waiting)), "chat": chat.id,
                     "vk": [m.vk_id for m in waiting], "known": known})
        return AdmitAllAsked(action_id, chat.title, await self._waiting(waiting), len(known))

    async def _waiting(self, members: list[Member]) -> tuple[Waiting, ...]:
        found = []
        for member in members:
            person = await people_repo.get(self.db, member.person_id) if member.person_id else None
            found.append(Waiting(member.vk_id, await self.chats.vk_name(member.vk_id),
                                 person.full_name if person is not None else None))
        return tuple(found)

    async def admit_all_confirmed(self, caller: Caller, action: Pending, *,
                                  known_only: bool) -> AdmittedAll | NoneLeft | Gone:
        """The question was confirmed by the chat's staff: everyone listed (or those on the school's
        lists alone) still waiting is let in. One decision: the confirmation used, everyone let in,
        their alerts closed (a press from private messages is not otherwise one transaction)."""
        chat = await chat_repo.get(self.db, int(action.payload.get("chat", 0)))
        if chat is None or not await self.chats.is_chat_staff(caller, chat):
            return Gone()
        vk_ids = [int(v) for v in action.payload.get("known" if known_only else "vk", [])]
        async with self.db.transaction():
            if not await pending_repo.claim(self.db, action.id, "applied"):
                return Gone()
            admitted = await self.admit_all(chat, vk_ids, caller.vk_id)
        if not admitted:
            return NoneLeft()
        return AdmittedAll(chat.title, tuple([await self.chats.vk_name(v) for v in admitted]))

    async def admit_all(self, chat: Chat, vk_ids: list[int], moderator_vk: int) -> list[int]:
        """A moderator confirmed admitting everyone listed who still waits (each once: a person
        decided meanwhile is skipped); their alerts closed with who decided. Returns the admitted."""
        now = self.now()
        who = await self.chats.vk_name(moderator_vk)
        admitted: list[int] = []
        for vk_id in vk_ids:
            if not await member_repo.transition(self.db, chat.id, vk_id, from_state="quarantine", to_state="member",
                                                now=now, by=moderator_vk):
                continue
            await audit.write(self.db, action="admit", now=now, org_id=chat.org_id, chat_id=chat.id,
                              actor_vk=moderator_vk, target_vk=vk_id, reason="moderator_all")
            await self._close_alerts(chat, vk_id, by_vk=moderator_vk, action=t.ADMIT_ALL_ACTION, who=who)
            admitted.append(vk_id)
        if admitted:
            names = ", ".join([await self.chats.vk_name(v) for v in admitted])
            await self.notifier.try_send(chat.peer_id, texts.CHAT_WELCOME.format(name=names))
        return admitted

    async def _close_alerts(self, chat: Chat, vk_id: int, *, by_vk: int, action: str, who: str,
                            suffix: str | None = None) -> None:
        """Every open quarantine alert about this person in this chat (one per wait: someone who
        left and came back waited twice) closed with the outcome; every copy edited, no buttons."""
        for _ in range(MAX_OPEN_ALERTS):
            alert = await _open_alert(self.db, chat.id, vk_id)
            if alert is None or not await self.alerts.settle(alert, by_vk=by_vk, action=action, who=who,
                                                             suffix=suffix):
                return

    async def _handled_action(self, alert_id: int) -> str | None:
        return await alert_repo.handled_action(self.db, alert_id)

    async def expire_quarantine(self) -> int:
        """Job: unanswered quarantine turns into removal after the configured time. Never raises."""
        removed = 0
        for member in await member_repo.quarantined_before(self.db, self.now() - self.quarantine_seconds):
            try:
                chat = await chat_repo.get(self.db, member.chat_id)
                if chat is None:
                    continue
                name = await self.chats.vk_name(member.vk_id)  # read before the write lock is taken
                # one decision, one transaction: the alert closed, the member removed and the notice
                # recorded together, or none of it (a crash in between must not close the alert
                # and leave the person in quarantine for ever)
                with unit(f"quarantine_expired:{member.chat_id}:{member.vk_id}:{member.joined_at}"):
                    async with self.db.transaction():
                        current = await member_repo.get(self.db, chat.id, member.vk_id)
                        if current is None or current.state != "quarantine":
                            continue  # admitted (or gone) since the list was read
                        alert = await _open_alert(self.db, chat.id, member.vk_id)
                        if alert is not None and not await self.alerts.settle(
                                alert, by_vk=0, action=texts.excluded(self.chats.known_female(member.vk_id)), who=t.SETTLED_BY_EXPIRY):
                            continue
                        await self.remove(chat, member.vk_id, reason="quarantine_expired", actor=0)
                        await self.notifier.try_send(chat.peer_id, texts.quarantine_expired(name, self.chats.known_female(member.vk_id)))
                removed += 1
            except Exception:
                log.exception("quarantine expiry failed for chat %s", member.chat_id)
        return removed

    async def settle_present(self, chat: Chat, member_id: int) -> JoinDecision:
        """Someone found in VK's member list rather than by a join (the chat was just bound, the
        bot got its rights back, a weekly check): the decisions of ``on_join`` without the public
        welcome or notice (whoever sweeps a whole chat sends its staff one summary instead).
        Returns the decision: admitted (audience, staff, guest), removed or quarantine."""
        verdict = await eligibility.judge(self.db, chat, member_id)
        now = self.now()
        current = await member_repo.get(self.db, chat.id, member_id)
        if verdict.admit:
            if current is None or current.state != "member":
                await member_repo.upsert(self.db, chat_id=chat.id, vk_id=member_id, state="member", now=now,
                                         person_id=verdict.person_id, credited_org_id=verdict.credited_org_id,
                                         admitted_by=0)
                await audit.write(self.db, action="admit", now=now, org_id=chat.org_id, chat_id=chat.id,
                                  target_vk=member_id, reason=verdict.kind,
                                  details={"person_id": verdict.person_id, "found_present": True})
            return admitted_as(verdict.kind)
        if eligibility.preset_of(chat).on_unknown is OnUnknown.REMOVE:
            await self.remove(chat, member_id, reason="not_on_roster", actor=0, lane=Lane.BULK)
            return JoinDecision.REMOVED
        if current is not None and current.state == "quarantine":
            return JoinDecision.QUARANTINE  # already waiting for a moderator
        await self._quarantine(chat, member_id, verdict.person_id, now, texts.ALERT_QUARANTINE_PRESENT,
                               found_present=True)
        return JoinDecision.QUARANTINE


async def _open_alert(db: Database, chat_id: int, vk_id: int) -> Alert | None:
    return await alert_repo.open_for(db, chat_id, "quarantine", vk_id)
