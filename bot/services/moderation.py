"""Moderating every ordinary message of a bound chat: soft mute, the chat's policies, escalation
with expiring strikes, moderator alerts and private wellbeing alerts.

State lives in the database (strikes, mutes, the quiet-hours notice flag); the recent-message
fingerprints that the flood, repeat and sticker checks read live in memory and are recorded with
each event (bot/services/recent.py). Logs carry ids, never texts or names.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from bot.texts import moderation as t
from bot.domain.clock import Clock
from bot.db import Database
from bot.repo import alerts as alert_repo
from bot.repo import audit
from bot.repo import chats as chat_repo
from bot.repo import moderation as repo
from bot.repo import orgs as org_repo
from bot.repo import people as people_repo
from bot.repo.audit import BOT_ACTOR
from bot.pipeline.unit import unit
from bot.repo.chats import Chat
from bot.repo.outbox import Recorded
from bot.repo.inbox import get_kv
from bot.services.alerts import Alerts
from bot.services.authors import Authors
from bot.services.chats import Chats
from bot.services.executor import Executor
from bot.services.moderation_results import Outcome
from bot.services.notify import Notifier
from bot.services.recent import RecentMessages
from policies import (
    Action, AuthorHistory, Decision, MessageInput, Mode, ModerationSettings, Step, apply_overrides,
    default_settings, evaluate, find_obscene, next_sanction,
)
from bot.texts import policies as policy_texts
from policies.base import Entry, fingerprint
from policies.normalize import mask
from policies.settings import QuietHoursSettings
from policies.quiet_hours import period_start

log = logging.getLogger(__name__)

SANCTIONS = frozenset({Action.DELETE, Action.WARN, Action.MUTE, Action.KICK})
# Small nuisances escalate through strikes but do not call a moderator each time.
UNALERTED_POLICIES = frozenset({"flood", "repeats", "caps", "stickers", "quiet_hours"})
QUIET_FLAG = "quiet_notice:"
HISTORY_HORIZON = 300  # seconds; widened to the longest window a chat configures

VIOLATION_ACTIONS = [
    ("del", t.BUTTON_DELETE, "secondary"), ("warn", t.BUTTON_WARN, "primary"),
    ("mute", t.BUTTON_MUTE, "primary"), ("kick", t.BUTTON_KICK, "negative"),
    ("fp", t.BUTTON_FALSE, "positive"), ("ok", t.BUTTON_OK, "secondary"),
]
BUTTON_OF = {do: (do, label, color) for do, label, color in VIOLATION_ACTIONS}
BUTTON_OF["undo"] = ("undo", t.BUTTON_UNDO, "secondary")
BUTTON_OF["unmute"] = ("unmute", t.BUTTON_UNMUTE, "primary")


def initial_actions(done: str) -> list[tuple[str, str, str]]:
    """The buttons of a fresh alert: only what the bot has not already done to the message
    (no «Предупредить» after the bot warned, «Снять мут» instead of «Замьютить» after it muted)."""
    dos: list[str]
    if done == "warn":
        dos = ["mute", "kick", "fp", "ok"]
    elif done == "mute":
        dos = ["unmute", "kick", "fp", "ok"]
    elif done == "kick":
        dos = ["fp", "ok"]
    elif done == "delete":
        dos = ["warn", "mute", "kick", "fp", "ok"]
    else:  # nothing done to the message (alert, shadow mode, no rights)
        dos = ["del", "warn", "mute", "kick", "fp", "ok"]
    return [BUTTON_OF[do] for do in dos]


@dataclass(frozen=True)
class Incoming:
    peer_id: int
    vk_id: int
    cmid: int
    text: str
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChatRules:
    """What judging one chat's messages reads, the same for all of them until a source changes."""

    settings: ModerationSettings
    allowlist: frozenset[str]
    domains: frozenset[str]  # the school's own sites (links to them are fine)
    horizon: int  # seconds of an author's history the checks read
    mutes: Mapping[int, int]  # vk id -> until (ended ones too, until pruned)


def mute_step_seconds(ladder: tuple[Step, ...]) -> int:
    """The first mute of the ladder (a moderator's «Замьютить»), one hour by default."""
    step = next((s for s in ladder if s.action is Action.MUTE and s.duration), None)
    return int(step.duration.total_seconds()) if step and step.duration else 3600


class Moderation:
    def __init__(self, db: Database, executor: Executor, alerts: Alerts, authors: Authors, chats: Chats,
                 notifier: Notifier, clock: Clock, recent: RecentMessages) -> None:
        self.db = db
        self.recent = recent
        # chat id -> (the minute, the quiet-hours settings object, its flag): quiet periods begin
        # and end on whole minutes, so within one minute a chat's flag stays what it was
        self._quiet_flags: dict[int, tuple[int, object, str | None]] = {}
        self.executor = executor
        self.alerts = alerts
        self.authors = authors
        self.chats = chats
        self.notifier = notifier
        self.clock = clock

    # set by the composition (bot/runtime/app.py): takes a deleted message's count back in the
    # deciding transaction, so only messages that stayed count as participation
    uncount: Callable[[Chat, int, float], Awaitable[None]] | None = None
    # ... and an alerted message a moderator deletes later with the alert's button (by alert id)
    uncount_alert: Callable[[int], Awaitable[None]] | None = None

    def now(self) -> int:
        return int(self.clock.now())

    async def _uncount(self, chat: Chat, incoming: Incoming) -> None:
        if self.uncount is not None:
            await self.uncount(chat, incoming.vk_id, self.clock.now())

    async def settings_for(self, chat: Chat) -> ModerationSettings:
        """The chat type's preset in the school's timezone, with the chat's overrides (built once
        per chat record and kept until the school's record changes)."""
        key = ("moderation_settings", chat.id, chat.type, chat.org_id, chat.overrides_key)
        return await self.db.cached(key, lambda: self._settings_for(chat))

    async def _settings_for(self, chat: Chat) -> ModerationSettings:
        settings = default_settings(chat.type or "")
        org = await org_repo.get(self.db, chat.org_id or 0)
        quiet = settings.policies.get("quiet_hours")
        if org is not None and isinstance(quiet, QuietHoursSettings):
            policies = dict(settings.policies)
            policies["quiet_hours"] = replace(quiet, timezone=org.timezone)
            settings = replace(settings, policies=policies)
        try:
            return apply_overrides(settings, {str(k): str(v) for k, v in chat.overrides.items()})
        except ValueError:
            log.warning("chat %s has invalid overrides; using its preset", chat.id)
            return settings

    async def mention(self, vk_id: int) -> str:
        return f"[id{vk_id}|{await self.chats.vk_name(vk_id)}]"

    # -- the message path ----------------------------------------------------------------

    async def on_message(self, incoming: Incoming, *, chat: Chat | None = None) -> Outcome:
        """Judge and act on one message; returns what happened (for tests and logs). ``chat`` is
        the record the message path already read, if any."""
        if chat is None:
            chat = await chat_repo.by_peer(self.db, incoming.peer_id)
        if chat is None or not chat.bound or chat.type is None:
            return Outcome.SKIPPED
        if not chat.bot_is_admin:
            # nothing can be sanctioned without rights, but a signal about a child still goes out
            return Outcome.PRIVATE_ALERT if await self.signals(incoming, chat=chat) else Outcome.SKIPPED
        now = self.now()
        rules = await self.rules_for(chat)
        until = rules.mutes.get(incoming.vk_id)
        if until is not None and until > now:  # muted (repo.muted_until)
            deleted = await self.executor.delete(chat, incoming.vk_id, [incoming.cmid], policy="mute",
                                                 reason="muted")
            if deleted:
                await self._uncount(chat, incoming)
            # a mute never swallows a signal about a child's wellbeing: it still reaches the staff
            await self.signals(incoming, chat=chat, done=t.WELLBEING_DONE["muted"] if deleted else None)
            return Outcome.MUTED if deleted else Outcome.SKIPPED
        decisions, context = await self._judge(chat, incoming, rules=rules, now=now)
        if not decisions:
            return Outcome.ALLOWED
        author, settings, allowlist, flag = context
        outcome = await self._act(chat, incoming, author.is_chat_staff, decisions, settings, allowlist, flag)
        log.info("chat %s cmid %s author %s: %s", chat.id, incoming.cmid, incoming.vk_id, outcome)
        return outcome

    async def signals(self, incoming: Incoming, *, chat: Chat | None = None, command: bool = False,
                      done: str | None = None) -> int:
        """Only the safety signals (self-harm, bullying) of a message that is not moderated as
        usual — its author is muted, it is a command (/жалоба with a comment), the bot has no
        rights: whatever else happens to the message, the signal reaches the class teacher and
        the psychologist. Returns how many signals were sent. ``command``: the staff's commands
        are skipped (a reason quoting what a child was told is not a signal about its author)."""
        if chat is None:
            chat = await chat_repo.by_peer(self.db, incoming.peer_id)
        if chat is None or not chat.bound or chat.type is None or chat.org_id is None:
            return 0
        if command and await self.authors.is_staff(chat, incoming.vk_id):
            return 0
        if command:
            done = t.WELLBEING_DONE["command"]
        sent = 0
        for decision in (await self._judge(chat, incoming, remember=False))[0]:
            if decision.action is Action.PRIVATE_ALERT:
                await self._private_alert(chat, incoming, decision, done)
                sent += 1
        return sent

    async def rules_for(self, chat: Chat) -> ChatRules:
        """What judging the chat's messages reads (settings, allow-list, the school's domains,
        mutes), read once and kept until one of its sources changes."""
        key = ("moderation_rules", chat.id, chat.type, chat.org_id, chat.overrides_key)
        return await self.db.cached(key, lambda: self._rules_for(chat))

    async def _rules_for(self, chat: Chat) -> ChatRules:
        settings = await self.settings_for(chat)
        org = await org_repo.get(self.db, chat.org_id or 0)
        allowlist = await repo.allow_words(self.db, chat.org_id or 0, chat.id)
        domains = frozenset({org.site_domain}) if org is not None and org.site_domain else frozenset()
        return ChatRules(settings, allowlist, domains, _horizon(settings), await repo.mutes_of(self.db, chat.id))

    async def _judge(self, chat: Chat, incoming: Incoming, *, remember: bool = True,
                     rules: ChatRules | None = None, now: int | None = None) -> tuple[list[Decision], tuple]:
        """The policies' decisions about one message (and what acting on them needs)."""
        assert chat.type is not None
        if now is None:
            now = self.now()
        utcnow = self.clock.utcnow()
        author = await self.authors.info(chat, incoming.vk_id)
        if rules is None:
            rules = await self.rules_for(chat)
        settings, allowlist, horizon = rules.settings, rules.allowlist, rules.horizon
        flag = self._quiet_flag(chat, settings, utcnow)
        history = AuthorHistory(recent=await self.recent.since(chat.id, incoming.vk_id, now - horizon),
                                horizon_s=horizon)
        msg = MessageInput(text=incoming.text, now=utcnow, author=author, chat_type=chat.type,
                           attachments=incoming.attachments)
        decisions = evaluate(msg, settings, history, allowlist=allowlist, school_domains=rules.domains,
                             quiet_notice_given=flag is not None and await get_kv(self.db, flag) is not None)
        if remember:
            await self.recent.remember(chat.id, incoming.vk_id, Entry(now, fingerprint(incoming.text), msg.stickers))
        return decisions, (author, settings, allowlist, flag)

    def _quiet_flag(self, chat: Chat, settings: ModerationSettings, now: datetime | None = None) -> str | None:
        """The key of the chat's current quiet period (its notice is given once per period), or
        None outside quiet hours."""
        quiet = settings.policies.get("quiet_hours")
        if quiet is None or quiet.mode is Mode.OFF:
            return None
        now = now or self.clock.utcnow()
        minute = int(now.timestamp()) // 60
        known = self._quiet_flags.get(chat.id)
        if known is not None and known[0] == minute and known[1] is quiet:
            return known[2]
        start = period_start(now, quiet)  # type: ignore[arg-type]
        flag = None if start is None else f"{QUIET_FLAG}{chat.id}:{int(start.timestamp())}"
        if len(self._quiet_flags) > 50_000:
            self._quiet_flags.clear()
        self._quiet_flags[chat.id] = (minute, quiet, flag)
        return flag

    async def _act(self, chat: Chat, incoming: Incoming, staff: bool, decisions: list[Decision],
                   settings: ModerationSettings, allowlist: frozenset[str], flag: str | None) -> Outcome:
        outcome = Outcome.ALLOWED
        live = [d for d in decisions if not d.shadow]
        sanctions = [d for d in live if d.action in SANCTIONS]
        # the signal says truthfully what happens to the message (another rule may delete it)
        note = None
        if sanctions and not staff:
            note = t.WELLBEING_DONE["deleted"].format(
                policy=policy_texts.POLICY_TITLES.get(sanctions[0].policy, sanctions[0].policy))
        for decision in decisions:
            if decision.action is Action.PRIVATE_ALERT:
                await self._private_alert(chat, incoming, decision, note)
                outcome = Outcome.PRIVATE_ALERT
        if staff:
            return outcome  # never sanctioned; the pipeline already left only private alerts
        done: Outcome | None = None
        if sanctions:
            striking = next((d for d in sanctions if d.strike), None)
            worst = striking or sanctions[0]
            evidence = worst.fragment if worst.policy == "personal_data" else incoming.text
            violation_id = await repo.add_violation(
                self.db, org_id=chat.org_id, chat_id=chat.id, vk_id=incoming.vk_id, policy=worst.policy,
                action=str(worst.action), severity=worst.severity, cmid=incoming.cmid, excerpt=evidence,
                now=self.now())
            deleted = await self.executor.delete(chat, incoming.vk_id, [incoming.cmid], policy=worst.policy,
                                                 reason=worst.reason, violation_id=violation_id)
            if deleted:
                await self._uncount(chat, incoming)
            if not deleted:
                # no rights (the owners are told by rights_lost): sanction nothing, let people decide
                done = Outcome.FAILED
                await self._alert(chat, incoming, worst, violation_id, allowlist, t.DONE[done], done)
            elif striking is not None:
                done, seconds, alert = await self._escalate(chat, incoming.vk_id, striking, violation_id, settings)
                if alert or striking.policy not in UNALERTED_POLICIES:
                    await self._alert(chat, incoming, striking, violation_id, allowlist,
                                      t.DONE[done].format(duration=t.duration(seconds)), done)
            else:
                if worst.notify_private:
                    await self.notifier.try_send(incoming.vk_id, worst.notify_private)
                done = Outcome.DELETE
            outcome = done
        for decision in live:
            if decision.action is Action.NOTICE:
                await self._notice(chat, incoming, decision, flag)
                outcome = Outcome.NOTICE if outcome is Outcome.ALLOWED else outcome
            elif decision.action is Action.ALERT and done is not Outcome.FAILED:
                await self._alert(chat, incoming, decision, None, allowlist,
                                  t.DONE[done or Outcome.ALERT].format(duration=""), done or Outcome.ALERT)
                outcome = Outcome.ALERT if outcome is Outcome.ALLOWED else outcome
        shadow = [d for d in decisions if d.shadow and d.action in SANCTIONS | {Action.ALERT}
                  and d.policy != "quiet_hours"]
        if shadow and not sanctions:
            await self._alert(chat, incoming, shadow[0], None, allowlist, t.DONE[Outcome.SHADOW], Outcome.SHADOW)
            outcome = Outcome.SHADOW if outcome is Outcome.ALLOWED else outcome
        return outcome

    async def _escalate(self, chat: Chat, vk_id: int, decision: Decision, violation_id: int,
                        settings: ModerationSettings) -> tuple[Outcome, int, bool]:
        """Add a strike; the number already in force picks the ladder step. Returns (what was
        done, mute seconds, whether the step asks to alert moderators)."""
        ttl_days = settings.strike_ttl_days
        before = await repo.add_strike(self.db, chat_id=chat.id, vk_id=vk_id, violation_id=violation_id,
                                       now=self.now(), ttl_seconds=ttl_days * 86400)
        step = next_sanction(before, settings.ladder)
        reason = policy_texts.lower_first(decision.reason)
        name = await self.mention(vk_id)
        if step.action is Action.KICK:
            await self.executor.kick(chat, vk_id, policy=decision.policy,
                                     public=t.KICK_PUBLIC.format(name=name))
            return Outcome.KICK, 0, True
        if step.action is Action.MUTE and step.duration:
            seconds = int(step.duration.total_seconds())
            await self.executor.mute(
                chat, vk_id, seconds, policy=decision.policy, reason=decision.reason, violation_id=violation_id,
                public=t.MUTE_PUBLIC.format(name=name, duration=t.duration(seconds)),
                private=t.MUTE_PRIVATE.format(title=chat.title, duration=t.duration(seconds), reason=reason))
            return Outcome.MUTE, seconds, step.alert
        private = self.warning_text(chat, reason, decision.notify_private, before + 1, settings)
        await self.executor.warn(chat, vk_id, public=t.WARN_PUBLIC.format(name=name, reason=reason),
                                 private=private, policy=decision.policy, reason=decision.reason)
        return Outcome.WARN, 0, step.alert

    def warning_text(self, chat: Chat, reason: str, details: str | None, count: int,
                     settings: ModerationSettings) -> str:
        step = next_sanction(count, settings.ladder)
        duration = t.duration(int(step.duration.total_seconds())) if step.duration else ""
        return t.WARN_PRIVATE.format(
            title=chat.title, reason=reason, details=f"{details}\n" if details else "", count=count,
            ttl=t.duration(settings.strike_ttl_days * 86400), next=t.NEXT_STEP[str(step.action)].format(duration=duration))

    async def _notice(self, chat: Chat, incoming: Incoming, decision: Decision, flag: str | None) -> None:
        if decision.policy == "quiet_hours":
            # once per quiet period and chat, even with several workers: the flag is claimed
            if flag is not None and await repo.claim_flag(self.db, flag, self.now()):
                await self.executor.notice(chat, decision.reason)
        elif decision.notify_private:
            await self.notifier.try_send(incoming.vk_id, decision.notify_private)

    async def _alert(self, chat: Chat, incoming: Incoming, decision: Decision, violation_id: int | None,
                     allowlist: frozenset[str], done: str, done_key: str = "alert") -> int:
        token = None
        if decision.policy == "obscene":
            match = find_obscene(incoming.text, allowlist)
            token = match.token if match else None
        fragment = decision.masked or (mask(decision.fragment) if decision.fragment else "—")
        # personal data stays out of the card: the masked fragment is enough to decide
        message = None if decision.policy == "personal_data" else incoming.text
        return await self.raise_violation(chat, incoming.vk_id, policy=decision.policy, reason=decision.reason,
                                          fragment=fragment, done=done, done_key=done_key, cmid=incoming.cmid,
                                          message=message, token=token, violation_id=violation_id)

    async def card(self, chat: Chat, vk_id: int, *, policy: str, reason: str, fragment: str, done: str,
                   message: str | None) -> tuple[str, str]:
        """The alert's text (private copies: with the message itself) and its copy for the
        moderators' chat (without it): who (name, class), which rule, their recent history."""
        klass, history = await self.person_facts(chat, vk_id)
        values = dict(title=chat.title, name=await self.chats.vk_name(vk_id), vk_id=vk_id, klass=klass,
                      policy=policy_texts.POLICY_TITLES.get(policy, policy), reason=reason, fragment=fragment,
                      history=history, done=done)
        shown = repo.excerpt_of(message, 700)
        private = t.ALERT_VIOLATION.format(message=t.ALERT_MESSAGE.format(text=shown) if shown else "", **values)
        return private, t.ALERT_VIOLATION.format(message="", **values)

    async def person_facts(self, chat: Chat, vk_id: int) -> tuple[str, str]:
        """For an alert's card: «, 5А» (the person's class, if a student of the school) and the
        line with their strikes in the school over 30 days and mutes so far."""
        klass = None
        if chat.org_id is not None:
            person_id = await people_repo.id_in_org_by_vk(self.db, chat.org_id, vk_id)
            person = await people_repo.get(self.db, person_id) if person_id else None
            klass = person.class_name if person else None
        strikes, mutes = await repo.history(self.db, chat.org_id or 0, vk_id, since=self.now() - 30 * 86400)
        return (t.ALERT_CLASS.format(klass=klass) if klass else "",
                t.ALERT_HISTORY.format(strikes=strikes, mutes=mutes))

    async def raise_violation(self, chat: Chat, vk_id: int, *, policy: str, reason: str, fragment: str, done: str,
                              done_key: str, cmid: int | None, message: str | None, token: str | None,
                              violation_id: int | None) -> int:
        """A violation alert to the school's moderators, with the buttons that make sense after
        what the bot did (``done_key``: delete, warn, mute, kick, alert, shadow, failed)."""
        private, room = await self.card(chat, vk_id, policy=policy, reason=reason, fragment=fragment, done=done,
                                        message=message)
        assert chat.org_id is not None
        actions = initial_actions(done_key)
        return await self.alerts.raise_alert(
            kind="violation", org_id=chat.org_id, chat_id=chat.id, target_vk=vk_id, text=private, room_text=room,
            actions=actions, violation_id=violation_id,
            details={"text": private, "room_text": room, "cmid": cmid, "token": token, "policy": policy,
                     "done": done_key},
            extra_person_ids=(chat.leader_id,) if chat.leader_id else ())

    async def sanction_failed(self, violation_id: int, rights_lost: bool = False) -> None:
        """VK refused to delete a violating message (no rights, or the message can no longer be
        deleted): what the violation's decision did is taken back — its strike, the mute it gave
        (not one a later decision gave) — and moderators decide, told that nothing was done. Once
        per violation: when VK refuses a moderator's «Удалить» of it again, the alert they
        pressed is open again and they are told the message stayed."""
        violation = await repo.get_violation(self.db, violation_id)
        if violation is None:
            return
        chat = await chat_repo.get(self.db, violation.chat_id)
        if chat is None or chat.org_id is None:
            return
        async with self.db.transaction():
            if not await repo.mark_sanction_failed(self.db, violation_id, self.now()):
                await self._deletion_refused_again(chat, violation_id)
                return
            await repo.revoke_strikes(self.db, violation_id)
            # the decision's own alert (its copies, cancelled with the rest, never went out) is
            # replaced by the «не удалось» one below: not left open in /нарушения
            for alert_id in await alert_repo.open_of_violation(self.db, violation_id):
                await alert_repo.claim(self.db, alert_id, by_vk=BOT_ACTOR, action=t.SUPERSEDED, now=self.now())
            if await repo.clear_mute_of(self.db, chat.id, violation.vk_id, violation_id):
                await self.notifier.effects.restrict(chat.peer_id, violation.vk_id, None)
            await audit.write(self.db, action="delete_failed", now=self.now(), org_id=chat.org_id,
                              chat_id=chat.id, actor_vk=BOT_ACTOR, target_vk=violation.vk_id,
                              policy=violation.policy, details={"violation": violation_id})
            await self.raise_violation(
                chat, violation.vk_id, policy=violation.policy,
                reason=policy_texts.POLICY_TITLES.get(violation.policy, violation.policy),
                fragment=mask(violation.excerpt) if violation.excerpt else "—",
                done=t.DONE["failed" if rights_lost else "refused"], done_key="failed", cmid=violation.cmid,
                message=None if violation.policy == "personal_data" else violation.excerpt, token=None,
                violation_id=violation_id)
        log.info("violation %s: sanction not carried out", violation_id)

    async def _deletion_refused_again(self, chat: Chat, violation_id: int) -> None:
        """A moderator's «Удалить» of a violation VK had refused to delete before: the alerts
        claimed with it are open again, and whoever pressed learns the message stayed."""
        deleted = t.ACTED["del"]
        for alert_id, by_vk in await alert_repo.handled_with(self.db, violation_id, deleted):
            if not await alert_repo.reopen(self.db, alert_id):
                continue
            # the refused deletion is no decision: its «✔ Решение: сообщение удалено» line and
            # remembered decision go, or the alert's next redraw would show it as taken
            alert = await alert_repo.get(self.db, alert_id)
            if alert is not None:
                details = dict(alert.details)
                details.pop("decision", None)
                line = t.DECIDED.format(action=deleted, who="")
                log_lines = list(details.get("log", []))
                for i in range(len(log_lines) - 1, -1, -1):
                    if str(log_lines[i]).startswith(line):
                        del log_lines[i]
                        break
                details["log"] = log_lines
                await alert_repo.set_details(self.db, alert_id, details)
            if by_vk:
                await self.notifier.try_send(by_vk, t.DELETE_REFUSED.format(title=chat.title))

    async def signal_undelivered(self, action: Recorded) -> None:
        """VK would not deliver a safety signal to one of its recipients (they never allowed the
        community to message them): the school's responsible staff get it instead, told whom it
        did not reach and the one step that fixes it."""
        org_id = action.params.get("fallback_org")
        text = action.params.get("text")
        if not org_id or not text or not action.peer_id:
            return
        others = [vk for vk in await self.alerts.recipients(int(org_id)) if vk != action.peer_id]
        note = t.SIGNAL_REROUTED.format(name=self.chats.names.placeholder(action.peer_id))
        with unit(f"rerouted:{action.event_id}:{action.seq}"):
            async with self.db.transaction():
                for vk_id in others:
                    await self.notifier.send(vk_id, f"{note}\n\n{text}")
        log.warning("signal to %s undeliverable; rerouted to %d staff", action.peer_id, len(others))

    async def _private_alert(self, chat: Chat, incoming: Incoming, decision: Decision,
                             done: str | None = None) -> None:
        """Wellbeing signals: privately to the class teacher and the school psychologist only."""
        violation_id = await repo.add_violation(
            self.db, org_id=chat.org_id, chat_id=chat.id, vk_id=incoming.vk_id, policy=decision.policy,
            action=str(decision.action), severity=decision.severity, cmid=incoming.cmid,
            excerpt=decision.fragment, now=self.now())
        recipients = await repo.wellbeing_recipients(self.db, chat.org_id or 0, chat.class_id, chat.leader_id)
        fallback = not recipients
        if fallback:  # nobody linked for this class: the school's responsible staff, never nobody
            recipients = await self.alerts.recipients(chat.org_id or 0)
        text = t.WELLBEING_ALERT.format(reason=decision.reason, title=chat.title,
                                        name=await self.chats.vk_name(incoming.vk_id), vk_id=incoming.vk_id,
                                        fragment=decision.fragment or "—",
                                        done=done or t.WELLBEING_DONE["nothing"])
        # a recipient VK will not deliver to is replaced by the school's responsible staff
        await self.notifier.to_people(recipients, text, fallback_org=chat.org_id)
        await audit.write(self.db, action="private_alert", now=self.now(), org_id=chat.org_id, chat_id=chat.id,
                          actor_vk=BOT_ACTOR, target_vk=incoming.vk_id, policy=decision.policy,
                          details={"violation": violation_id, "recipients": len(recipients), "fallback": fallback})


def _horizon(settings: ModerationSettings) -> int:
    windows = [getattr(settings.policies.get(p), "window_s", 0) for p in ("flood", "repeats", "stickers")]
    return max([HISTORY_HORIZON, *windows])
